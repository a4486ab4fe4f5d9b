"""GPX tracks (phones, Strava and Garmin exports): gpxpy's track model and maths, summary only.

The points are read with the standard library's C XML parser and handed to gpxpy's
GPXTrack/GPXTrackSegment/GPXTrackPoint, whose moving time, 2D length and uphill we use:
gpxpy's own document parser reads every optional field of every point in Python and is
about five times slower on a 1 Hz track (a bulk export holds hundreds of them).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import gpxpy.gpx
import gpxpy.gpxfield

from ptdesk.domain.run_files.model import Activity, RunFileError
from ptdesk.domain.run_files.summary import activity, mean, per_foot_to_steps
from ptdesk.domain.run_files.xmlsafe import xml_text

# Garmin's TrackPointExtension and the other apps' names for heart rate and cadence.
_HR_TAGS = frozenset({"hr", "heartrate"})
_CADENCE_TAGS = frozenset({"cad", "cadence", "runcadence"})


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    text = text.strip()
    stamp: datetime | None
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        try:
            stamp = gpxpy.gpxfield.parse_time(text)  # the odd formats gpxpy knows
        except (gpxpy.gpx.GPXException, ValueError):
            return None
    if stamp is None:
        return None
    # GPX times are UTC by definition; some writers leave out the Z.
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


_Path = tuple[str, ...]


def _find(element: ET.Element, path: _Path | None) -> float | None:
    # One full tag per step: the C parser's fast lookup (a path string with "/" or ".//"
    # goes through Python's ElementPath instead).
    if path is None:
        return None
    found: ET.Element | None = element
    for tag in path:
        found = found.find(tag) if found is not None else None
    return _float(found.text) if found is not None else None


class _Sensors:
    """Heart rate and cadence per point, from whichever extension tags the file uses.

    The tags are learned from the first point that has any, then looked up by their full
    names on every point, instead of walking each point's subtree in Python.
    """

    def __init__(self) -> None:
        self.hearts: list[float | None] = []
        self.cadences: list[float | None] = []
        self._paths: tuple[_Path | None, _Path | None] = (None, None)

    def _learn(self, element: ET.Element, path: _Path = ()) -> None:
        for child in element:
            name = child.tag.rsplit("}", 1)[-1].lower()
            here = (*path, child.tag)
            heart, cadence = self._paths
            if name in _HR_TAGS and heart is None:
                self._paths = (here, cadence)
            elif name in _CADENCE_TAGS and cadence is None:
                self._paths = (heart, here)
            else:
                self._learn(child, here)

    def add(self, extensions: ET.Element | None) -> None:
        heart = cadence = None
        if extensions is not None:
            if self._paths == (None, None):
                self._learn(extensions)
            heart = _find(extensions, self._paths[0])
            cadence = _find(extensions, self._paths[1])
        self.hearts.append(heart)
        self.cadences.append(cadence)


def _point(element: ET.Element, ns: str, sensors: _Sensors) -> gpxpy.gpx.GPXTrackPoint:
    latitude, longitude = _float(element.get("lat")), _float(element.get("lon"))
    if latitude is None or longitude is None:
        raise RunFileError("The GPX track has a point without a position.")
    # Children by full tag: the C parser's own lookup, no Python loop per child.
    sensors.add(element.find(ns + "extensions"))
    return gpxpy.gpx.GPXTrackPoint(latitude, longitude,
                                   elevation=_float(element.findtext(ns + "ele")),
                                   time=_time(element.findtext(ns + "time")))


def _track(element: ET.Element, ns: str) -> Activity | None:
    track = gpxpy.gpx.GPXTrack()
    sensors = _Sensors()
    sport = None
    for child in element:
        name = _local(child.tag)
        if name == "type":
            sport = (child.text or "").strip() or None
        elif name == "trkseg":
            segment = gpxpy.gpx.GPXTrackSegment()
            segment.points = [_point(p, ns, sensors) for p in child.iter(ns + "trkpt")]
            track.segments.append(segment)
    points = [p for s in track.segments for p in s.points]
    if not points:
        return None
    timed = [p.time for p in points if p.time is not None]
    if not timed:
        raise RunFileError("The GPX track has no times, so its running time is unknown.")
    moving = track.get_moving_data()
    moving_s = moving.moving_time if moving is not None and moving.moving_time else None
    if not moving_s:
        moving_s = (max(timed) - min(timed)).total_seconds()
    climb = (float(track.get_uphill_downhill().uphill)
             if any(p.elevation is not None for p in points) else None)
    return activity(sport=sport, sub_sport=None, start=min(timed), moving_s=moving_s,
                    distance_m=track.length_2d() or None, elevation_gain_m=climb,
                    cadence_spm=per_foot_to_steps(mean(sensors.cadences)),
                    avg_hr_bpm=mean(sensors.hearts), file_format="gpx")


def parse_gpx(data: bytes) -> list[Activity]:
    """One activity per track with points; RunFileError when the file is not a usable GPX."""
    body = xml_text(data, "GPX")
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        raise RunFileError("The GPX file is damaged or cut short and could not be read.") \
            from None
    if _local(root.tag) != "gpx":
        raise RunFileError("This is not a GPX file (its XML is something else).")
    ns = root.tag[:root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    found = [_track(t, ns) for t in root.iter(ns + "trk")]
    activities = [a for a in found if a is not None]
    if not activities:
        raise RunFileError("The GPX file holds no recorded track.")
    return activities
