"""The audit log: its keyed hash chain, its key, and carrying that key between workstations."""
