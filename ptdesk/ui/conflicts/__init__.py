"""Two people saved the same record: the conflict dialog and the kept-copy bar."""
