"""The demo clinic: story patients and a synthetic clinic, built through the real services."""
