"""TCX activities (Garmin Training Center, Strava exports) read with the standard library."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

from ptdesk.domain.run_files.model import Activity, RunFileError
from ptdesk.domain.run_files.summary import activity, climb, mean, per_foot_to_steps
from ptdesk.domain.run_files.xmlsafe import xml_text


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) == name]


def _child(element: ET.Element, *path: str) -> ET.Element | None:
    found: ET.Element | None = element
    for name in path:
        if found is None:
            return None
        found = next(iter(_children(found, name)), None)
    return found


def _float(element: ET.Element | None) -> float | None:
    if element is None or element.text is None:
        return None
    try:
        return float(element.text.strip())
    except ValueError:
        return None


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        stamp = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def _descendants(element: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in element.iter() if _local(e.tag) == name]


def _weighted(pairs: list[tuple[float | None, float]]) -> float | None:
    known = [(v, w) for v, w in pairs if v is not None and v > 0 and w > 0]
    weight = sum(w for _, w in known)
    return sum(v * w for v, w in known) / weight if weight else None


def _activity(element: ET.Element, ns: str) -> Activity:
    laps = _children(element, "Lap")
    if not laps:
        raise RunFileError("The TCX activity has no laps, so its running time is unknown.")
    times = [_float(_child(lap, "TotalTimeSeconds")) or 0.0 for lap in laps]
    distances = [_float(_child(lap, "DistanceMeters")) for lap in laps]
    # Points are looked up by their full tag (the C parser's own search), not by local name.
    points = [p for lap in laps for p in lap.iter(ns + "Trackpoint")]
    ident = _child(element, "Id")
    start = _time(laps[0].get("StartTime")) or _time(None if ident is None else ident.text)
    # Lap averages weighted by lap time; the points fill in where laps say nothing.
    heart = _weighted([(_float(_child(lap, "AverageHeartRateBpm", "Value")), t)
                       for lap, t in zip(laps, times, strict=True)])
    if heart is None:
        heart = mean(_float(p.find(f"{ns}HeartRateBpm/{ns}Value")) for p in points)
    per_foot = _weighted([(_lap_cadence(lap), t) for lap, t in zip(laps, times, strict=True)])
    if per_foot is None:
        per_foot = mean(_point_cadence(p) for p in points)
    known = [d for d in distances if d is not None]
    return activity(sport=element.get("Sport"), sub_sport=None, start=start,
                    moving_s=sum(times), distance_m=sum(known) if known else None,
                    elevation_gain_m=climb(_float(p.find(ns + "AltitudeMeters"))
                                           for p in points),
                    cadence_spm=per_foot_to_steps(per_foot), avg_hr_bpm=heart,
                    file_format="tcx")


def _lap_cadence(lap: ET.Element) -> float | None:
    extensions = _child(lap, "Extensions")  # the lap's own, not its trackpoints'
    found = [] if extensions is None else [_float(e) for e in _descendants(extensions,
                                                                          "AvgRunCadence")]
    if found and found[0] is not None:
        return found[0]
    return _float(_child(lap, "Cadence"))


def _point_cadence(point: ET.Element) -> float | None:
    extensions = _child(point, "Extensions")
    found = [] if extensions is None else [_float(e) for e in _descendants(extensions,
                                                                          "RunCadence")]
    return found[0] if found else _float(_child(point, "Cadence"))


def parse_tcx(data: bytes) -> list[Activity]:
    """The activities of a TCX file; RunFileError when it is not a usable TCX."""
    body = xml_text(data, "TCX")
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        raise RunFileError("The TCX file is damaged or cut short and could not be read.") \
            from None
    if _local(root.tag) != "TrainingCenterDatabase":
        raise RunFileError("This is not a TCX file (its XML is something else).")
    ns = root.tag[:root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    activities = list(root.iter(ns + "Activity"))
    if not activities:
        raise RunFileError("The TCX file holds no recorded activity.")
    return [_activity(element, ns) for element in activities]
