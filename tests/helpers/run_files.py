"""Make FIT, GPX and TCX run files (and Strava/Garmin-like export zips) for tests and bench."""

from __future__ import annotations

import gzip
import io
import math
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tests.helpers.fit_writer import SPORTS, SUB_SPORTS, FitWriter, fit_time

# gpxpy measures short distances on a flat earth with this many metres per degree, so
# tracks laid out with it round-trip exactly.
ONE_DEGREE_M = 2 * math.pi * 6378.137 * 1000 / 360
_LAT0, _LON0, _ALT0 = 52.0, 13.0, 40.0


@dataclass(frozen=True)
class RunSpec:
    """One activity to write: the numbers a test expects back (cadence in steps/min)."""

    start: datetime = datetime(2026, 6, 1, 7, 30, tzinfo=UTC)
    minutes: float = 30.0
    distance_m: float = 5000.0
    ascent_m: float = 40.0
    cadence_spm: float = 170.0
    hr: int = 145
    sport: str = "running"
    interval_s: int = 10


def _points(spec: RunSpec) -> list[tuple[datetime, float, float, float]]:
    """(time, latitude, altitude, distance) at every interval; a steady straight climb."""
    steps = max(2, int(spec.minutes * 60 / spec.interval_s))
    dt = spec.minutes * 60 / steps
    return [(spec.start + timedelta(seconds=i * dt),
             _LAT0 + spec.distance_m * i / steps / ONE_DEGREE_M,
             _ALT0 + spec.ascent_m * i / steps,
             spec.distance_m * i / steps) for i in range(steps + 1)]


def fit_bytes(spec: RunSpec, *, session: bool = True, sub_sport: str = "generic") -> bytes:
    writer = FitWriter()
    end = spec.start + timedelta(minutes=spec.minutes)
    writer.message("file_id", type=4, manufacturer=1, product=1, serial_number=12345,
                   time_created=fit_time(spec.start))
    per_foot = spec.cadence_spm / 2
    for moment, lat, alt, dist in _points(spec):
        writer.message("record", timestamp=fit_time(moment),
                       position_lat=round(lat * 2**31 / 180),
                       position_long=round(_LON0 * 2**31 / 180),
                       altitude=round((alt + 500) * 5), heart_rate=spec.hr,
                       cadence=round(per_foot), distance=round(dist * 100))
    seconds = round(spec.minutes * 60 * 1000)
    writer.message("lap", timestamp=fit_time(end), start_time=fit_time(spec.start),
                   total_elapsed_time=seconds, total_timer_time=seconds,
                   total_distance=round(spec.distance_m * 100), avg_heart_rate=spec.hr,
                   avg_cadence=int(per_foot), total_ascent=round(spec.ascent_m),
                   sport=SPORTS[spec.sport])
    if session:
        writer.message("session", timestamp=fit_time(end), start_time=fit_time(spec.start),
                       sport=SPORTS[spec.sport], sub_sport=SUB_SPORTS[sub_sport],
                       total_elapsed_time=seconds, total_timer_time=seconds,
                       total_distance=round(spec.distance_m * 100), avg_heart_rate=spec.hr,
                       avg_cadence=int(per_foot), total_ascent=round(spec.ascent_m),
                       avg_fractional_cadence=round((per_foot - int(per_foot)) * 128))
    else:
        writer.message("sport", sport=SPORTS[spec.sport], sub_sport=SUB_SPORTS[sub_sport])
    return writer.to_bytes()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


GPX_TYPES = {"running": "running", "walking": "walking", "cycling": "cycling",
             "hiking": "hiking"}


def gpx_bytes(spec: RunSpec, *, with_type: bool = True) -> bytes:
    per_foot = spec.cadence_spm / 2
    points = "\n".join(
        f'<trkpt lat="{lat:.9f}" lon="{_LON0:.9f}"><ele>{alt:.2f}</ele>'
        f"<time>{_iso(moment)}</time><extensions><gpxtpx:TrackPointExtension>"
        f"<gpxtpx:hr>{spec.hr}</gpxtpx:hr><gpxtpx:cad>{per_foot:g}</gpxtpx:cad>"
        f"</gpxtpx:TrackPointExtension></extensions></trkpt>"
        for moment, lat, alt, _ in _points(spec))
    kind = f"<type>{GPX_TYPES[spec.sport]}</type>" if with_type else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n'
        f"<metadata><time>{_iso(spec.start)}</time></metadata>\n"
        f"<trk><name>Morning Run</name>{kind}<trkseg>\n{points}\n</trkseg></trk></gpx>\n"
    ).encode()


TCX_SPORTS = {"running": "Running", "cycling": "Biking", "walking": "Other", "hiking": "Other"}


def tcx_bytes(spec: RunSpec, *, leading_blanks: bool = False) -> bytes:
    per_foot = spec.cadence_spm / 2
    points = "\n".join(
        f"<Trackpoint><Time>{_iso(moment)}</Time><Position><LatitudeDegrees>{lat:.9f}"
        f"</LatitudeDegrees><LongitudeDegrees>{_LON0}</LongitudeDegrees></Position>"
        f"<AltitudeMeters>{alt:.2f}</AltitudeMeters><DistanceMeters>{dist:.2f}</DistanceMeters>"
        f"<HeartRateBpm><Value>{spec.hr}</Value></HeartRateBpm>"
        f"<Extensions><ns3:TPX><ns3:RunCadence>{round(per_foot)}</ns3:RunCadence></ns3:TPX>"
        f"</Extensions></Trackpoint>"
        for moment, lat, alt, dist in _points(spec))
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        'TrainingCenterDatabase/v2" xmlns:ns3="http://www.garmin.com/xmlschemas/'
        'ActivityExtension/v2">\n'
        f'<Activities><Activity Sport="{TCX_SPORTS[spec.sport]}"><Id>{_iso(spec.start)}</Id>\n'
        f'<Lap StartTime="{_iso(spec.start)}"><TotalTimeSeconds>{spec.minutes * 60:.1f}'
        f"</TotalTimeSeconds><DistanceMeters>{spec.distance_m:.1f}</DistanceMeters>"
        f"<AverageHeartRateBpm><Value>{spec.hr}</Value></AverageHeartRateBpm>"
        f"<Intensity>Active</Intensity><TriggerMethod>Manual</TriggerMethod>"
        f"<Track>\n{points}\n</Track><Extensions><ns3:LX><ns3:AvgRunCadence>{per_foot:g}"
        f"</ns3:AvgRunCadence></ns3:LX></Extensions></Lap>\n"
        "</Activity></Activities></TrainingCenterDatabase>\n")
    return (("\n      " if leading_blanks else "") + text).encode()


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def day(n: int, hour: int = 7) -> datetime:
    """A start time n days after 1 June 2026 (a Monday), in the morning UTC."""
    return datetime(2026, 6, 1, hour, 30, tzinfo=UTC) + timedelta(days=n)
