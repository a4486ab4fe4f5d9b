"""FIT activity files (Garmin, Coros, Polar, Suunto, Wahoo, Strava exports) read with fitdecode."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import fitdecode  # type: ignore[import-untyped]

from ptdesk.domain.run_files.fitscan import without_high_volume
from ptdesk.domain.run_files.model import Activity, RunFileError
from ptdesk.domain.run_files.summary import activity, climb, mean, per_foot_to_steps

_FIT_MAGIC = b".FIT"


def _value(frame: Any, name: str) -> Any:
    value = frame.get_value(name, fallback=None)
    return None if isinstance(value, tuple) else value


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else None


class _Records:
    """Point data kept only as far as a summary needs it, for files without a session."""

    def __init__(self) -> None:
        self.first: datetime | None = None
        self.last: datetime | None = None
        self.distance: float | None = None
        self.altitudes: list[float | None] = []
        self.heart_rates: list[float | None] = []
        self.cadences: list[float | None] = []

    def add(self, frame: Any) -> None:
        stamp = _value(frame, "timestamp")
        if isinstance(stamp, datetime):
            self.first = self.first or stamp
            self.last = stamp
        distance = _number(_value(frame, "distance"))
        if distance is not None:
            self.distance = distance
        altitude = _value(frame, "enhanced_altitude")
        self.altitudes.append(_number(altitude if altitude is not None
                                      else _value(frame, "altitude")))
        self.heart_rates.append(_number(_value(frame, "heart_rate")))
        self.cadences.append(_number(_value(frame, "cadence")))


def _session(frame: Any, records: _Records | None, timer_s: float | None) -> Activity:
    sport = _value(frame, "sport")
    sub_sport = _value(frame, "sub_sport")
    moving = next((v for v in (_number(_value(frame, "total_moving_time")),
                               _number(_value(frame, "total_timer_time")),
                               _number(_value(frame, "total_elapsed_time"))) if v), None)
    cadence = _number(_value(frame, "avg_cadence"))
    if cadence is not None:
        cadence += _number(_value(frame, "avg_fractional_cadence")) or 0.0
    start = _value(frame, "start_time")
    distance = _number(_value(frame, "total_distance"))
    ascent = _number(_value(frame, "total_ascent"))
    heart = _number(_value(frame, "avg_heart_rate"))
    if records is not None:  # a lone session: fill what it left out from the points
        start = start if isinstance(start, datetime) else records.first
        if moving is None:
            moving = timer_s or _span(records)
        distance = distance if distance is not None else records.distance
        ascent = ascent if ascent is not None else climb(records.altitudes)
        heart = heart if heart is not None else mean(records.heart_rates)
        cadence = cadence if cadence is not None else mean(records.cadences)
    return activity(sport=None if sport is None else str(sport),
                    sub_sport=None if sub_sport is None else str(sub_sport),
                    start=start if isinstance(start, datetime) else None, moving_s=moving,
                    distance_m=distance, elevation_gain_m=ascent,
                    cadence_spm=per_foot_to_steps(cadence), avg_hr_bpm=heart,
                    file_format="fit")


def _complete(frame: Any) -> bool:
    """Whether a session message alone gives every number a summary takes from the points."""
    return all(_value(frame, name) is not None for name in (
        "start_time", "total_timer_time", "total_ascent", "avg_heart_rate", "avg_cadence"))


def _span(records: _Records) -> float | None:
    if records.first is None or records.last is None:
        return None
    return (records.last - records.first).total_seconds()


def parse_fit(data: bytes) -> list[Activity]:
    """The activities (one per session) in a FIT file; RunFileError when it is not readable."""
    if len(data) < 12 or data[8:12] != _FIT_MAGIC:
        raise RunFileError("This is not a FIT file (it does not start with a FIT header).")
    lean = without_high_volume(data)
    if lean is not None:
        activities = _decode(lean)
        if activities is not None:
            return activities
    return _decode(data, whole=True) or []


def _decode(data: bytes, whole: bool = False) -> list[Activity] | None:
    """Activities from the decoded file; None when a lean copy has no session to go by."""
    file_type: Any = None
    sessions: list[Any] = []
    records = _Records()
    laps_timer = 0.0
    sport_message: tuple[Any, Any] | None = None
    try:
        with fitdecode.FitReader(data, check_crc=fitdecode.CrcCheck.RAISE,
                                 error_handling=fitdecode.ErrorHandling.IGNORE) as reader:
            for frame in reader:
                if frame.frame_type != fitdecode.FIT_FRAME_DATA:
                    continue
                name = frame.name
                if name == "record":
                    records.add(frame)
                elif name == "session":
                    sessions.append(frame)
                elif name == "lap":
                    laps_timer += _number(_value(frame, "total_timer_time")) or 0.0
                elif name == "file_id" and file_type is None:
                    file_type = _value(frame, "type")
                elif name == "sport":
                    sport_message = (_value(frame, "sport"), _value(frame, "sub_sport"))
    except fitdecode.FitCRCError:
        raise RunFileError("The FIT file is damaged (its checksum does not match).") from None
    except fitdecode.FitEOFError:
        raise RunFileError("The FIT file is cut short (it ends before its data does).") from None
    except Exception:  # any parser failure on hostile bytes is a rejected file
        raise RunFileError("The FIT file is damaged and could not be read.") from None
    if file_type not in (None, "activity", 4):
        raise RunFileError(f"This FIT file is a {file_type} file, not a recorded activity.")
    if not whole and (not sessions or (len(sessions) == 1 and not _complete(sessions[0]))):
        return None  # the points are needed after all: decode the whole file
    if len(sessions) == 1:
        return [_session(sessions[0], records if whole else None, laps_timer or None)]
    if sessions:  # multisport: each leg on its own; the points cannot be split reliably
        return [_session(frame, None, None) for frame in sessions]
    if records.first is None:
        raise RunFileError("The FIT file holds no recorded activity.")
    sport, sub_sport = sport_message or (None, None)
    return [activity(sport=None if sport is None else str(sport),
                     sub_sport=None if sub_sport is None else str(sub_sport),
                     start=records.first, moving_s=laps_timer or _span(records),
                     distance_m=records.distance, elevation_gain_m=climb(records.altitudes),
                     cadence_spm=per_foot_to_steps(mean(records.cadences)),
                     avg_hr_bpm=mean(records.heart_rates), file_format="fit")]
