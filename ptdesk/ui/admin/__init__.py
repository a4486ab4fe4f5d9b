"""Administration: accounts, the audit log viewer, settings and the backup offer on close."""
