"""Backup and restore for both engines: copies, staged restores, pg_dump and its tools."""
