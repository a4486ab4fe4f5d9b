"""What a killed `ptdesk encrypt` leaves beside a clinic, and how it is tidied away."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from ptdesk.db.engine import key_file_path

STAGING_SUFFIX = ".encrypting"
OLD_SUFFIX = ".plaintext-old"
_CHUNK = 1024 * 1024


def shred(path: Path) -> None:
    """Overwrite a file's blocks with random bytes, then remove it (on an SSD the old blocks
    may survive anyway: README)."""
    with contextlib.suppress(FileNotFoundError):
        size = path.stat().st_size
        with open(path, "r+b") as handle:
            left = size
            while left > 0:
                chunk = min(left, _CHUNK)
                handle.write(secrets.token_bytes(chunk))
                left -= chunk
            handle.flush()
            os.fsync(handle.fileno())
        path.unlink()


def tidy_leftovers(path: Path) -> None:
    """What a killed `encrypt` left beside the clinic: the staging copy and its key file,
    and the old plaintext (shredded only once it is no longer the clinic itself)."""
    staging = path.with_name(path.name + STAGING_SUFFIX)
    for leftover in (staging, key_file_path(staging),
                     staging.with_name(staging.name + "-journal")):
        leftover.unlink(missing_ok=True)
    old = path.with_name(path.name + OLD_SUFFIX)
    if old.exists():
        if path.exists() and os.path.samefile(old, path):
            old.unlink()  # a second name of the plaintext clinic itself: never overwrite it
        else:
            shred(old)


def shred_old_plaintext(path: Path) -> None:
    """On every open of an encrypted clinic: a plaintext copy an `encrypt` killed after its
    swap left behind is overwritten and removed (never the clinic itself)."""
    old = path.with_name(path.name + OLD_SUFFIX)
    if old.exists() and path.exists() and not os.path.samefile(old, path):
        shred(old)
