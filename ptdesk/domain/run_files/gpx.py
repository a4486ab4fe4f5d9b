"""GPX tracks (phones, Strava and Garmin exports) read with gpxpy; only the summary is kept."""

from __future__ import annotations

from datetime import UTC
from typing import Any

import gpxpy

from ptdesk.domain.run_files.model import Activity, RunFileError
from ptdesk.domain.run_files.summary import activity, mean, per_foot_to_steps
from ptdesk.domain.run_files.xmlsafe import xml_text

# Garmin's TrackPointExtension and the other apps' names for heart rate and cadence.
_HR_TAGS = frozenset({"hr", "heartrate"})
_CADENCE_TAGS = frozenset({"cad", "cadence", "runcadence"})


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1].lower()


def _sensor_values(point: Any) -> tuple[float | None, float | None]:
    heart = cadence = None
    stack = list(getattr(point, "extensions", None) or ())
    while stack:
        element = stack.pop()
        stack.extend(list(element))
        name = _local(element.tag)
        if name in _HR_TAGS or name in _CADENCE_TAGS:
            try:
                value = float((element.text or "").strip())
            except ValueError:
                continue
            if name in _HR_TAGS:
                heart = value
            else:
                cadence = value
    return heart, cadence


def _track(track: Any) -> Activity:
    points = [p for segment in track.segments for p in segment.points]
    timed = [p.time for p in points if p.time is not None]
    if not timed:
        raise RunFileError("The GPX track has no times, so its running time is unknown.")
    moving = track.get_moving_data()
    moving_s = moving.moving_time if moving is not None and moving.moving_time else None
    if not moving_s:
        moving_s = (max(timed) - min(timed)).total_seconds()
    hearts, cadences = zip(*(_sensor_values(p) for p in points), strict=True)
    start = min(timed)
    if start.tzinfo is None:  # GPX times are UTC by definition; some writers omit the Z
        start = start.replace(tzinfo=UTC)
    start = start.astimezone(UTC)
    return activity(sport=track.type, sub_sport=None, start=start, moving_s=moving_s,
                    distance_m=track.length_2d() or None,
                    elevation_gain_m=_gain(track, points),
                    cadence_spm=per_foot_to_steps(mean(cadences)), avg_hr_bpm=mean(hearts),
                    file_format="gpx")


def _gain(track: Any, points: list[Any]) -> float | None:
    if not any(p.elevation is not None for p in points):
        return None
    return float(track.get_uphill_downhill().uphill)


def parse_gpx(data: bytes) -> list[Activity]:
    """One activity per track with points; RunFileError when the file is not a usable GPX."""
    body = xml_text(data, "GPX")
    try:
        document = gpxpy.parse(body.decode("utf-8", errors="replace"))
    except Exception:  # gpxpy raises its own and the XML parser's errors alike
        raise RunFileError("The GPX file is damaged or cut short and could not be read.") \
            from None
    tracks = [t for t in document.tracks if any(s.points for s in t.segments)]
    if not tracks:
        raise RunFileError("The GPX file holds no recorded track.")
    return [_track(track) for track in tracks]
