"""Watch files to run summaries: each format round-trips, gzip and zips, rejects, hostile input."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptdesk.domain.run_files import FileOutcome, containers, iter_zip, read_run_bytes
from ptdesk.domain.run_files.summary import climb, per_foot_to_steps, sport_class
from tests.helpers.fit_writer import crc16
from tests.helpers.run_files import RunSpec, fit_bytes, gpx_bytes, gz, tcx_bytes, zip_bytes

# Stated round-trip tolerances: time 1 s, distance 0.5 % (GPX is re-measured from
# points), cadence 1 step/min (FIT points hold whole strides), climb 3 m, heart rate 1.
SPEC = RunSpec(start=datetime(2026, 6, 3, 6, 45, tzinfo=UTC), minutes=42.5,
               distance_m=7350.0, ascent_m=63.0, cadence_spm=171.0, hr=151)
WRITERS = {"fit": fit_bytes, "gpx": gpx_bytes, "tcx": tcx_bytes}


def _one_run(outcome: FileOutcome):  # type: ignore[no-untyped-def]
    assert outcome.rejected is None, outcome.rejected
    assert len(outcome.runs) == 1 and outcome.skipped == ()
    return outcome.runs[0]


def _assert_round_trip(run, spec: RunSpec, fmt: str) -> None:  # type: ignore[no-untyped-def]
    assert run.start == spec.start and run.start.utcoffset().total_seconds() == 0
    assert run.moving_s == pytest.approx(spec.minutes * 60, abs=1.0)
    assert run.distance_m == pytest.approx(spec.distance_m, rel=0.005)
    assert run.cadence_spm == pytest.approx(spec.cadence_spm, abs=1.0)
    assert run.avg_hr_bpm == pytest.approx(spec.hr, abs=1.0)
    assert run.elevation_gain_m == pytest.approx(spec.ascent_m, abs=3.0)
    assert (run.sport, run.file_format) == ("running", fmt)


@pytest.mark.parametrize("fmt", ["fit", "gpx", "tcx"])
def test_each_format_round_trips_the_numbers(fmt: str) -> None:
    run = _one_run(read_run_bytes(f"run.{fmt}", f"run.{fmt}", WRITERS[fmt](SPEC)))
    _assert_round_trip(run, SPEC, fmt)


@pytest.mark.parametrize("fmt", ["fit", "gpx", "tcx"])
def test_gzipped_files_read_like_plain_ones(fmt: str) -> None:
    run = _one_run(read_run_bytes("x", f"12345.{fmt}.gz", gz(WRITERS[fmt](SPEC))))
    _assert_round_trip(run, SPEC, fmt)


def test_fit_without_a_session_is_summed_from_its_points() -> None:
    _assert_round_trip(_one_run(read_run_bytes("r.fit", "r.fit", fit_bytes(SPEC, session=False))),
                       SPEC, "fit")


def test_strava_tcx_with_blanks_before_the_xml_declaration() -> None:
    _one_run(read_run_bytes("s.tcx", "s.tcx", tcx_bytes(SPEC, leading_blanks=True)))


def test_treadmill_fit_without_distance_keeps_the_time() -> None:
    spec = RunSpec(distance_m=0.0, ascent_m=0.0)
    run = _one_run(read_run_bytes("t.fit", "t.fit", fit_bytes(spec, sub_sport="treadmill")))
    assert run.distance_m is None and run.moving_s == pytest.approx(1800)


@pytest.mark.parametrize("fmt", ["fit", "gpx", "tcx"])
@pytest.mark.parametrize("sport", ["walking", "cycling", "hiking"])
def test_walking_and_other_sports_are_skipped_with_their_sport(fmt: str, sport: str) -> None:
    spec = RunSpec(sport=sport, distance_m=4000 if sport != "cycling" else 15000)
    outcome = read_run_bytes(f"a.{fmt}", f"a.{fmt}", WRITERS[fmt](spec))
    assert outcome.rejected is None and outcome.runs == () and len(outcome.skipped) == 1


def test_untyped_gpx_imports_as_a_run_unless_too_fast_to_be_running() -> None:
    _one_run(read_run_bytes("p.gpx", "p.gpx", gpx_bytes(SPEC, with_type=False)))
    ride = RunSpec(minutes=30, distance_m=15000)  # 30 km/h
    assert read_run_bytes("p.gpx", "p.gpx", gpx_bytes(ride, with_type=False)).skipped == (
        "unknown",)


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x55]) + data[at + 1:]


@pytest.mark.parametrize(("name", "data", "words"), [
    ("bad.fit", _flip(fit_bytes(SPEC), 400), "checksum"),
    ("cut.fit", fit_bytes(SPEC)[:900], "cut short"),
    ("cut.gpx", gpx_bytes(SPEC)[:5000], "damaged or cut short"),
    ("cut.tcx", tcx_bytes(SPEC)[:5000], "damaged or cut short"),
    ("empty.fit", b"", "empty"),
    ("empty.gpx.gz", gz(b""), "empty"),
    ("cut.fit.gz", gz(fit_bytes(SPEC))[:300], "cut short"),
    ("plain.fit.gz", fit_bytes(SPEC), "not gzip"),
    ("run.fit", gpx_bytes(SPEC), "not a FIT file"),
    ("run.gpx", fit_bytes(SPEC), "not a GPX file"),
    ("run.tcx", gpx_bytes(SPEC), "not a TCX file"),
    ("notes.txt", b"ran 5k", "not a FIT, GPX or TCX file"),
])
def test_bad_files_are_rejected_with_one_plain_sentence(name: str, data: bytes,
                                                        words: str) -> None:
    outcome = read_run_bytes(name, name, data)
    assert outcome.runs == () and outcome.rejected is not None
    assert words in outcome.rejected
    assert outcome.rejected.endswith(".") and outcome.rejected.count(". ") == 0


def test_the_test_fit_writer_matches_the_sdk_crc() -> None:
    # Check value of CRC-16/ARC, the FIT SDK's checksum, for "123456789".
    assert crc16(b"123456789") == 0xBB3D


def test_xml_entities_are_refused_before_parsing() -> None:
    laughs = (b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa">'
              b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><gpx>&b;</gpx>')
    for name in ("lol.gpx", "lol.tcx"):
        reason = read_run_bytes(name, name, laughs).rejected
        assert reason is not None and "entities" in reason


def _outcomes(data: bytes, label: str = "export.zip") -> list[FileOutcome]:
    return list(iter_zip(label, io.BytesIO(data)))


def test_strava_bulk_export_zip_mixes_formats_and_gzip() -> None:
    export = zip_bytes({
        "activities.csv": b"Activity ID,Activity Date,Activity Type\n1,Jun 1,Run\n",
        "activities/101.fit.gz": gz(fit_bytes(SPEC)),
        "activities/102.gpx": gpx_bytes(RunSpec(start=datetime(2026, 6, 5, 7, tzinfo=UTC))),
        "activities/103.tcx.gz": gz(tcx_bytes(RunSpec(start=datetime(2026, 6, 7, 7, tzinfo=UTC)),
                                              leading_blanks=True)),
        "activities/104.fit.gz": gz(fit_bytes(RunSpec(sport="walking"))),
        "media/photo.jpg": b"\xff\xd8\xff",
        "profile.csv": b"x\n",
    })
    outcomes = _outcomes(export)
    assert [o.file for o in outcomes] == [
        "export.zip!activities/101.fit.gz", "export.zip!activities/102.gpx",
        "export.zip!activities/103.tcx.gz", "export.zip!activities/104.fit.gz"]
    assert sum(len(o.runs) for o in outcomes) == 3
    assert sum(len(o.skipped) for o in outcomes) == 1


def test_garmin_export_zip_holds_zips_of_fit_files() -> None:
    part = zip_bytes({"alex_1001.fit": fit_bytes(SPEC),
                      "alex_1002.fit": fit_bytes(RunSpec(sport="cycling", distance_m=20000))})
    export = zip_bytes({
        "DI_CONNECT/DI-Connect-Fitness/alex_summarizedActivities.json": b"[]",
        "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip": part,
    })
    outcomes = _outcomes(export, "garmin.zip")
    inner = "garmin.zip!DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip!"
    assert [o.file for o in outcomes] == [inner + "alex_1001.fit", inner + "alex_1002.fit"]
    assert [len(o.runs) for o in outcomes] == [1, 0] and outcomes[1].skipped == ("cycling",)


def test_zip_bomb_member_is_rejected_after_reading_no_more_than_the_limit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(containers, "MAX_FILE_BYTES", 1024 * 1024)
    bomb = b"\0" * (8 * 1024 * 1024)  # deflates to a few KB
    export = zip_bytes({"a/bomb.fit": bomb, "a/bomb.fit.gz": gz(bomb),
                        "a/ok.fit": fit_bytes(SPEC)})
    assert len(export) < 100_000
    outcomes = _outcomes(export)
    assert [o.rejected is not None and "more than 1 MB" in o.rejected for o in outcomes] == [
        True, True, False]
    assert len(outcomes[2].runs) == 1


def test_traversal_names_in_a_zip_are_only_labels(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../escape.fit", fit_bytes(SPEC))
        archive.writestr("/abs/olute.gpx", gpx_bytes(SPEC))
        archive.writestr("dir/\x1b[31mred.tcx", tcx_bytes(SPEC))
    outcomes = _outcomes(buffer.getvalue(), "x.zip")
    assert [o.file for o in outcomes] == ["x.zip!../../escape.fit", "x.zip!/abs/olute.gpx",
                                          "x.zip!dir/?[31mred.tcx"]
    assert all(len(o.runs) == 1 for o in outcomes)
    assert list(tmp_path.iterdir()) == [] and not (tmp_path.parent / "escape.fit").exists()


def test_damaged_zip_and_damaged_member() -> None:
    assert _outcomes(b"PK\x03\x04 not really")[0].rejected == (
        "The zip file is damaged or is not a zip file.")
    good = zip_bytes({"a.fit": fit_bytes(SPEC), "b.fit": fit_bytes(SPEC)})
    at = good.index(b"a.fit") + 40  # inside the first member's compressed data
    outcomes = _outcomes(_flip(good, at))
    assert outcomes[0].rejected is not None and len(outcomes[1].runs) == 1


def test_three_deep_zip_is_not_opened() -> None:
    inner = zip_bytes({"c.zip": zip_bytes({"r.fit": fit_bytes(SPEC)})})
    outcomes = _outcomes(zip_bytes({"b.zip": inner}))
    assert outcomes[0].rejected == "A zip inside a zip inside a zip is not opened."


@settings(max_examples=25, deadline=None)
@given(minutes=st.floats(5, 180), km=st.floats(0.5, 30), spm=st.integers(120, 200),
       hr=st.integers(90, 190), fmt=st.sampled_from(["fit", "gpx", "tcx"]))
def test_round_trip_property(minutes: float, km: float, spm: int, hr: int, fmt: str) -> None:
    spec = RunSpec(minutes=round(minutes, 1), distance_m=round(km * 1000, 1), ascent_m=20.0,
                   cadence_spm=spm, hr=hr, interval_s=60)
    if km * 1000 / (minutes * 60) > 7:  # faster than running: covered by the skip test
        return
    _assert_round_trip(_one_run(read_run_bytes("p", f"p.{fmt}", WRITERS[fmt](spec))), spec, fmt)


@settings(deadline=None)  # a busy CI machine must not fail it on time
@given(st.floats(1, 119))
def test_per_foot_cadence_doubles_and_steps_stay(value: float) -> None:
    assert per_foot_to_steps(value) == 2 * value
    assert per_foot_to_steps(value + 121) == value + 121  # already steps per minute


@settings(deadline=None)  # a busy CI machine must not fail it on time
@given(st.lists(st.floats(-100, 3000), max_size=60))
def test_climb_is_never_negative_nor_more_than_all_rises(altitudes: list[float]) -> None:
    gain = climb(altitudes)
    rises = sum(max(0.0, b - a) for a, b in zip(altitudes, altitudes[1:], strict=False))
    assert gain is None or 0 <= gain <= rises + 1e-6


def test_sport_classes() -> None:
    assert [sport_class(s, sub) for s, sub in [
        ("running", None), ("Running", None), ("trail_running", None), ("9", None),
        ("generic", "treadmill"), ("walking", None), ("running", "indoor_walking"),
        ("Biking", None), ("Other", None), (None, None), ("10", None)]] == [
        "run", "run", "run", "run", "run", "skip", "skip", "skip", "skip", "unknown", "skip"]


def test_fast_fit_pass_agrees_with_the_whole_decode() -> None:
    from ptdesk.domain.run_files.fit import _decode
    from ptdesk.domain.run_files.fitscan import without_high_volume

    data = fit_bytes(SPEC)
    lean = without_high_volume(data)
    assert lean is not None and len(lean) < len(data) // 4
    assert _decode(lean) == _decode(data, whole=True)


def test_fast_fit_pass_crc_matches_the_test_writer() -> None:
    from ptdesk.domain.run_files.fitscan import crc16 as table_crc

    assert table_crc(b"123456789") == crc16(b"123456789") == 0xBB3D


def test_gpx_times_in_other_spellings_and_gpx_1_0() -> None:
    text = gpx_bytes(SPEC).decode()
    text = text.replace("http://www.topografix.com/GPX/1/1", "http://www.topografix.com/GPX/1/0")
    text = text.replace("Z</time>", ".000+00:00</time>", 3)
    _assert_round_trip(_one_run(read_run_bytes("o.gpx", "o.gpx", text.encode())), SPEC, "gpx")


def test_a_zip_listing_too_many_entries_is_refused_before_listing_them(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(containers, "MAX_MEMBERS", 50)
    many = zip_bytes({f"x/{n}.csv": b"" for n in range(60)} | {"r.fit": fit_bytes(SPEC)})
    assert _outcomes(many)[0].rejected == (
        "The zip lists more than 50 files, more than any export holds, so it was not read.")
    # A zip64 end record (written here for a small count by lowering zipfile's threshold).
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 2)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(60):
            archive.writestr(f"x/{n}.csv", b"")
    assert b"PK\x06\x06" in buffer.getvalue()
    assert containers.listed_members(io.BytesIO(buffer.getvalue())) == 60
    assert _outcomes(buffer.getvalue())[0].rejected is not None


def test_the_cycle_collector_is_back_on_after_each_file_even_a_rejected_one() -> None:
    import gc

    was_on = gc.isenabled()  # the test suite runs with it off (tests/conftest.py)
    gc.enable()
    try:
        read_run_bytes("a.fit", "a.fit", fit_bytes(SPEC))
        read_run_bytes("b.fit", "b.fit", b"junk.FIT junk")
        assert gc.isenabled()
        gc.disable()
        read_run_bytes("a.gpx", "a.gpx", gpx_bytes(SPEC))
        assert not gc.isenabled()  # it was off before (as in the app): left as found
    finally:
        (gc.enable if was_on else gc.disable)()


def test_a_multisport_fit_imports_its_run_legs_and_skips_the_ride() -> None:
    from tests.helpers.fit_writer import SPORTS, FitWriter, fit_time

    writer = FitWriter()
    writer.message("file_id", type=4, manufacturer=1, product=1, serial_number=1,
                   time_created=fit_time(SPEC.start))
    for leg, (sport, minutes, metres) in enumerate([("running", 20, 4000),
                                                     ("cycling", 60, 30000),
                                                     ("running", 15, 3000)]):
        start = fit_time(SPEC.start) + leg * 7200
        writer.message("session", timestamp=start + minutes * 60, start_time=start,
                       sport=SPORTS[sport], sub_sport=0, total_elapsed_time=minutes * 60000,
                       total_timer_time=minutes * 60000, total_distance=metres * 100,
                       avg_heart_rate=140, avg_cadence=85, total_ascent=10,
                       avg_fractional_cadence=0)
    outcome = read_run_bytes("brick.fit", "brick.fit", writer.to_bytes())
    assert [(r.moving_s, r.distance_m) for r in outcome.runs] == [(1200.0, 4000.0),
                                                                  (900.0, 3000.0)]
    assert outcome.skipped == ("cycling",)
