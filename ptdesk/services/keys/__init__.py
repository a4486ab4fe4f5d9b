"""The clinic database key: wrapped key slots in a file beside the database, unlock and re-key."""
