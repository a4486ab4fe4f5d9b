"""What a watch file yields: frozen run summaries, skipped activities and rejected files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

FORMATS = ("fit", "gpx", "tcx")


class RunFileError(Exception):
    """A file that cannot be read as a run; `reason` is one plain sentence for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class RunSummary:
    """One running activity, summary numbers only (no GPS track is kept).

    `start` is timezone-aware UTC. `moving_s` is the activity's moving (timer)
    time, pauses left out. Cadence is in steps per minute (both feet).
    """

    start: datetime
    moving_s: float
    distance_m: float | None
    elevation_gain_m: float | None
    cadence_spm: float | None
    avg_hr_bpm: float | None
    sport: str
    file_format: str


@dataclass(frozen=True)
class Activity:
    """One activity found in a file before classification: a run, or a sport to skip."""

    sport: str
    run: RunSummary | None  # None when the activity is not running (it is skipped)


@dataclass(frozen=True)
class FileOutcome:
    """What one file (or zip member) gave: its runs, the sports skipped, or why it was rejected.

    `file` is the name as the user gave it, or `ARCHIVE.zip!member/path` inside a zip.
    """

    file: str
    runs: tuple[RunSummary, ...] = ()
    skipped: tuple[str, ...] = ()
    rejected: str | None = None
