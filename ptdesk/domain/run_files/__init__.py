"""Run files from watches and apps (FIT, GPX, TCX, gzipped, in zips) read into run summaries."""

from ptdesk.domain.run_files.containers import (
    MAX_FILE_BYTES,
    count_zip_files,
    is_zip_name,
    iter_zip,
    read_limited,
    read_run_bytes,
    run_format,
)
from ptdesk.domain.run_files.model import FileOutcome, RunFileError, RunSummary

__all__ = ["MAX_FILE_BYTES", "FileOutcome", "RunFileError", "RunSummary", "count_zip_files",
           "is_zip_name", "iter_zip", "read_limited", "read_run_bytes", "run_format"]
