"""Where saved handouts go and what they are called: one per-user folder, names a day can share.

A name carries the patient's last name, MRN, the handout kind and the date
(`Okafor-DEMO-0004-exercises-2026-12-06.pdf`), made safe for Windows, macOS and Linux
file systems. An existing file is never replaced: the next free `-2`, `-3`… is offered.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

from platformdirs import user_documents_dir

FOLDER_NAME = "PT Desk Handouts"
KINDS: dict[str, str] = {"exercises": "exercises", "runplan": "runplan", "progress": "progress-report",
                        "evaluation": "evaluation"}
# Characters Windows forbids in names, path separators and control characters.
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]+')
_SPACES = re.compile(r"\s+")
_MAX_PART = 40  # a long double-barrelled name must not push the path past Windows' limit


def documents_dir() -> Path:
    """The platform's documents folder for this user (tests replace this)."""
    return Path(user_documents_dir())


def default_folder() -> Path:
    """`<Documents>/PT Desk Handouts`, created on first use by the caller that saves."""
    return documents_dir() / FOLDER_NAME


def _safe_part(value: str, fallback: str) -> str:
    # NFC so an accented name is one character per letter on every file system.
    text = unicodedata.normalize("NFC", value)
    text = _SPACES.sub("_", _UNSAFE.sub("", text).strip())
    # Windows drops trailing dots and spaces; a leading dot hides the file on macOS/Linux.
    text = text.strip("._")[:_MAX_PART].strip("._")
    return text or fallback


def file_name(last_name: str, mrn: str, kind: str, day: dt.date) -> str:
    """E.g. `Okafor-DEMO-0004-exercises-2026-12-06.pdf`; unknown kinds are a programming error."""
    if kind not in KINDS:
        raise ValueError(f"Unknown handout kind {kind!r}.")
    parts = (_safe_part(last_name, "Patient"), _safe_part(mrn, "no-MRN"), KINDS[kind],
             day.isoformat())
    return "-".join(parts) + ".pdf"


def free_path(folder: Path, name: str) -> Path:
    """`folder/name`, or `name-2.pdf`, `name-3.pdf`… when that file already exists."""
    candidate = folder / name
    stem, suffix = candidate.stem, candidate.suffix
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}{suffix}"
        number += 1
    return candidate
