"""What backup and restore share: their error, the UTC stamp in file names, syncing a folder."""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, datetime
from pathlib import Path

from ptdesk.services.errors import ServiceError


class BackupError(ServiceError):
    """A backup or restore that could not be done; nothing was changed."""


def stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")


def fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every filesystem lets a folder be synced
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
