"""Shared rules for turning watch data into run summaries: sport classes, cadence, climbing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from ptdesk.domain.run_files.model import Activity, RunFileError, RunSummary

# Sports that are walking only: skipped, like every sport that is not running.
# A walk-run session the patient recorded as a run carries a running sport and imports.
_WALKING = frozenset({"walking", "walk", "hiking", "hike", "casual_walking", "speed_walking",
                      "indoor_walking", "mountaineering", "snowshoeing", "nordic_walking"})
# Strava's numeric activity types as they appear in its GPX <type>: 9 Run, 10 Walk, 4 Hike.
_STRAVA_CODES = {"9": "running", "10": "walking", "4": "hiking", "1": "cycling"}
# Faster than any runner holds over a whole activity (about 25 km/h): an activity without a
# sport at this average speed was ridden or driven, not run.
_MAX_UNTYPED_RUN_SPEED_MS = 7.0
# Per-foot running cadence tops out near 110 strides/min even in sprinting; a larger value
# means the device already wrote steps per minute and doubling would be wrong.
_MAX_PER_FOOT_CADENCE = 120.0
# Height changes smaller than this are treated as GPS/barometer noise when a file gives
# only point altitudes (the session's own ascent is used when the watch wrote one).
_CLIMB_NOISE_M = 2.0


def sport_class(sport: str | None, sub_sport: str | None = None) -> str:
    """'run', 'skip' or 'unknown' (no sport given) for a file's activity type."""
    words = [(w or "").strip().lower().replace(" ", "_").replace("-", "_")
             for w in (sport, sub_sport)]
    words = [_STRAVA_CODES.get(w, w) for w in words]
    main, sub = words
    if main in _WALKING or sub in _WALKING:
        return "skip"
    if "run" in main or (main in ("", "generic", "fitness_equipment", "training")
                         and sub in ("treadmill", "indoor_running", "trail", "track", "street")):
        return "run"
    if main in ("", "generic", "unknown", "0"):  # TCX "Other" is explicitly not a run
        return "unknown"
    return "skip"


def per_foot_to_steps(per_foot: float | None) -> float | None:
    """Steps per minute from a running cadence in strides (one foot) per minute."""
    if per_foot is None or per_foot <= 0:
        return None
    if per_foot > _MAX_PER_FOOT_CADENCE:
        return float(per_foot)
    return float(per_foot) * 2.0


def mean(values: Iterable[float | None]) -> float | None:
    """The mean of the values given, ignoring missing and zero readings (sensor off)."""
    present = [float(v) for v in values if v is not None and v > 0]
    return sum(present) / len(present) if present else None


def climb(altitudes: Iterable[float | None]) -> float | None:
    """Elevation gain from point altitudes, ignoring wiggles smaller than the noise band."""
    gain = 0.0
    level: float | None = None
    seen = False
    for altitude in altitudes:
        if altitude is None:
            continue
        seen = True
        if level is None:
            level = altitude
        elif altitude > level + _CLIMB_NOISE_M:
            gain += altitude - level
            level = altitude
        elif altitude < level - _CLIMB_NOISE_M:
            level = altitude
    return gain if seen else None


def activity(*, sport: str | None, sub_sport: str | None, start: datetime | None,
             moving_s: float | None, distance_m: float | None, elevation_gain_m: float | None,
             cadence_spm: float | None, avg_hr_bpm: float | None, file_format: str) -> Activity:
    """Classify and check one activity's numbers; raises RunFileError for an unusable run."""
    label = (sport or "unknown").strip().lower() or "unknown"
    kind = sport_class(sport, sub_sport)
    if kind == "skip":
        return Activity(label, None)
    if start is None:
        raise RunFileError("The file has no start time for the activity.")
    if moving_s is None or moving_s <= 0:
        raise RunFileError("The file has no running time for the activity.")
    if distance_m is not None and distance_m <= 0:
        distance_m = None  # a treadmill run without a foot pod: time only
    if kind == "unknown" and distance_m is not None \
            and distance_m / moving_s > _MAX_UNTYPED_RUN_SPEED_MS:
        return Activity(label, None)
    run = RunSummary(start=start, moving_s=float(moving_s), distance_m=distance_m,
                     elevation_gain_m=elevation_gain_m, cadence_spm=cadence_spm,
                     avg_hr_bpm=avg_hr_bpm, sport="running", file_format=file_format)
    return Activity("running", run)
