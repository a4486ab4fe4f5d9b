"""Importing watch files into the run log: counts, duplicates, rejects, plan weeks, audit, safety."""

from __future__ import annotations

from datetime import UTC, date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import RunLog
from ptdesk.domain.runplan import PlanInputs
from ptdesk.services.audit import log as audit
from ptdesk.services.errors import PermissionDeniedError
from ptdesk.services.run_import import (
    MissingPathError,
    answer_pain,
    import_runs,
    imported_runs,
    runs_waiting_for_pain,
)
from ptdesk.services.runlogs import list_runs, log_run, weekly_summary
from ptdesk.services.runplans import save_plan
from ptdesk.services.uow import transaction
from tests.factories import ACTOR, ADMIN, ASSISTANT, make_patient
from tests.helpers.run_files import (
    RunSpec,
    day,
    fit_bytes,
    gpx_bytes,
    gz,
    tcx_bytes,
    zip_bytes,
)

START = date(2026, 6, 1)  # a Monday; day(n) is n days later at 07:30 UTC
TODAY = date(2026, 7, 1)


@pytest.fixture
def patient_id(session_factory: SessionFactory) -> int:
    return make_patient(session_factory).id


def _import(sf: SessionFactory, patient_id: int, *paths: Path | str, actor: str = ACTOR):  # type: ignore[no-untyped-def]
    return import_runs(sf, actor=actor, patient_id=patient_id, paths=[str(p) for p in paths],
                       zone=UTC, today=TODAY)


def _write(folder: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def test_a_folder_of_mixed_files_imports_runs_and_counts_the_rest(
        session_factory: SessionFactory, patient_id: int, tmp_path: Path) -> None:
    folder = _write(tmp_path / "watch", {
        "a.fit": fit_bytes(RunSpec(start=day(0), minutes=30, distance_m=5000, cadence_spm=172)),
        "b.gpx": gpx_bytes(RunSpec(start=day(2), minutes=20)),
        "sub/c.tcx.gz": gz(tcx_bytes(RunSpec(start=day(4), minutes=25))),
        "walk.fit": fit_bytes(RunSpec(start=day(5), sport="walking")),
        "ride.tcx": tcx_bytes(RunSpec(start=day(6), sport="cycling", distance_m=20000)),
        "broken.fit": fit_bytes(RunSpec(start=day(7)))[:500],
        "empty.gpx": b"",
        "notes.txt": b"not a run",  # inside a folder: passed over, not rejected
    })
    result = _import(session_factory, patient_id, folder)
    assert (result.added, result.duplicates, result.skipped) == (3, 0, 2)
    assert [(r.file, r.reason) for r in result.rejected] == [
        (str(folder / "broken.fit"), "The FIT file is cut short (it ends before its data does)."),
        (str(folder / "empty.gpx"), "The file is empty.")]
    runs = list_runs(session_factory, patient_id, actor=ACTOR)
    assert [(r.run_date, r.amount, r.measure) for r in runs] == [
        (date(2026, 6, 1), 30.0, "minutes"), (date(2026, 6, 3), 20.0, "minutes"),
        (date(2026, 6, 5), 25.0, "minutes")]
    with transaction(session_factory) as session:
        first = session.scalars(select(RunLog).order_by(RunLog.run_date)).first()
        assert first is not None
        assert (first.source, first.distance_m, first.cadence_spm, first.avg_hr_bpm,
                first.elevation_gain_m, first.pain_answered) == ("fit", 5000.0, 172.0, 145.0,
                                                                 40.0, False)


def test_duplicates_within_a_batch_and_across_imports(
        session_factory: SessionFactory, patient_id: int, tmp_path: Path) -> None:
    spec = RunSpec(start=day(1), minutes=40, distance_m=7000)
    folder = _write(tmp_path, {"run.fit": fit_bytes(spec), "same-run.gpx": gpx_bytes(spec),
                               "other.tcx": tcx_bytes(RunSpec(start=day(3)))})
    first = _import(session_factory, patient_id, folder)
    assert (first.added, first.duplicates) == (2, 1)  # once added, once a duplicate
    again = _import(session_factory, patient_id, folder / "run.fit", folder / "other.tcx")
    assert (again.added, again.duplicates, again.rejected) == (0, 2, ())
    assert len(list_runs(session_factory, patient_id, actor=ACTOR)) == 2


def test_a_run_typed_from_the_diary_is_not_added_again(
        session_factory: SessionFactory, patient_id: int, tmp_path: Path) -> None:
    log_run(session_factory, actor=ACTOR, patient_id=patient_id, run_date=date(2026, 6, 2),
            amount=30, kind="continuous", pain_during=2, next_morning="same", measure="minutes",
            today=TODAY)
    folder = _write(tmp_path, {"a.fit": fit_bytes(RunSpec(start=day(1), minutes=31)),
                               "b.fit": fit_bytes(RunSpec(start=day(1, hour=18), minutes=50))})
    result = _import(session_factory, patient_id, folder)
    assert (result.added, result.duplicates) == (1, 1)
    runs = list_runs(session_factory, patient_id, actor=ACTOR)
    assert sorted(r.amount for r in runs) == [30.0, 50.0]


def test_a_strava_export_zip(session_factory: SessionFactory, patient_id: int,
                             tmp_path: Path) -> None:
    export = tmp_path / "export_123.zip"
    export.write_bytes(zip_bytes({
        "activities.csv": b"Activity ID,Activity Type\n11,Run\n12,Run\n13,Walk\n14,Run\n",
        "activities/11.fit.gz": gz(fit_bytes(RunSpec(start=day(0)))),
        "activities/12.gpx.gz": gz(gpx_bytes(RunSpec(start=day(2)))),
        "activities/13.fit.gz": gz(fit_bytes(RunSpec(start=day(3), sport="walking"))),
        "activities/14.tcx.gz": gz(tcx_bytes(RunSpec(start=day(4)), leading_blanks=True))[:80],
    }))
    result = _import(session_factory, patient_id, export)
    assert result.to_json() == {
        "added": 2, "duplicates": 0, "skipped": 1,
        "rejected": [{"file": f"{export}!activities/14.tcx.gz",
                      "reason": "The gzip file is cut short (it ends before its data does)."}]}


def test_progress_is_reported_up_to_the_total(session_factory: SessionFactory,
                                              patient_id: int, tmp_path: Path) -> None:
    folder = _write(tmp_path, {f"{n}.fit": fit_bytes(RunSpec(start=day(n))) for n in range(3)})
    (folder / "e.zip").write_bytes(zip_bytes({"x.fit": fit_bytes(RunSpec(start=day(5))),
                                              "y.gpx": gpx_bytes(RunSpec(start=day(6)))}))
    seen: list[tuple[int, int]] = []
    import_runs(session_factory, actor=ACTOR, patient_id=patient_id, paths=[str(folder)],
                progress=lambda done, total: seen.append((done, total)), zone=UTC, today=TODAY)
    assert seen[-1] == (5, 5) and all(t == 5 for _, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_imported_runs_fill_the_plan_weeks_in_minutes(
        session_factory: SessionFactory, patient_id: int, tmp_path: Path) -> None:
    save_plan(session_factory, actor=ACTOR, patient_id=patient_id,
              inputs=PlanInputs("minutes", 3, 10, 60, current_weekly=3 * Decimal(10), start=START))
    folder = _write(tmp_path, {
        "w1a.fit": fit_bytes(RunSpec(start=day(0), minutes=10)),
        "w1b.gpx": gpx_bytes(RunSpec(start=day(2), minutes=11.5, distance_m=1800)),
        "w2a.tcx": tcx_bytes(RunSpec(start=day(8), minutes=12)),
    })
    assert _import(session_factory, patient_id, folder).added == 3
    weeks = weekly_summary(session_factory, patient_id, actor=ACTOR, today=date(2026, 6, 16))
    assert [(w.week, w.runs, w.done_total, w.done_longest) for w in weeks[:2]] == [
        (1, 2, Decimal("21.5"), Decimal("11.5")), (2, 1, Decimal("12.0"), Decimal("12.0"))]
    assert weeks[0].planned_total is not None


def test_imported_runs_fill_a_distance_plan_in_its_unit(
        session_factory: SessionFactory, patient_id: int, tmp_path: Path) -> None:
    save_plan(session_factory, actor=ACTOR, patient_id=patient_id,
              inputs=PlanInputs("km", 3, 2, 20, current_weekly=3 * Decimal(2), start=START))
    folder = _write(tmp_path, {"a.fit": fit_bytes(RunSpec(start=day(1), distance_m=2345)),
                               "b.gpx": gpx_bytes(RunSpec(start=day(3), distance_m=2000))})
    _import(session_factory, patient_id, folder)
    runs = list_runs(session_factory, patient_id, actor=ACTOR)
    assert [(r.amount, r.measure) for r in runs] == [(2.34, "km"), (2.0, "km")]
    week = weekly_summary(session_factory, patient_id, actor=ACTOR, today=date(2026, 6, 9))[0]
    assert (week.runs, week.done_total) == (2, Decimal("4.34"))


def test_pain_answers_are_waited_for_then_entered(
        session_factory: SessionFactory, patient_id: int, tmp_path: Path) -> None:
    _write(tmp_path, {"a.fit": fit_bytes(RunSpec(start=day(1)))})
    run_id = _import(session_factory, patient_id, tmp_path / "a.fit").run_ids[0]
    assert runs_waiting_for_pain(session_factory, patient_id, actor=ACTOR) == [
        (run_id, date(2026, 6, 2))]
    answer_pain(session_factory, actor=ASSISTANT, run_id=run_id, pain_during=3,
                next_morning="worse")
    assert runs_waiting_for_pain(session_factory, patient_id, actor=ACTOR) == []
    run = list_runs(session_factory, patient_id, actor=ACTOR)[0]
    assert (run.pain_during, run.next_morning) == (3, "worse")
    details = imported_runs(session_factory, patient_id, actor=ASSISTANT)[run_id]
    assert (details.source, details.started_at, details.moving_s, details.pain_answered) == (
        "fit", day(1), 1800.0, True)


def test_audit_records_counts_only_and_roles_are_checked(
        session_factory: SessionFactory, patient_id: int, tmp_path: Path) -> None:
    folder = _write(tmp_path / "Alex Runner's runs", {
        "a.fit": fit_bytes(RunSpec(start=day(1))), "w.fit": fit_bytes(RunSpec(sport="walking"))})
    _import(session_factory, patient_id, folder, actor=ASSISTANT)  # assistants log runs
    entry = [e for e in audit.entries_for_patient(session_factory, patient_id, actor=ADMIN)
             if e.record_type == "run_import"][-1]
    assert entry.summary == ("runs imported from watch files: 1 added, 0 duplicates, "
                             "1 skipped, 0 rejected")
    assert entry.actor == ASSISTANT
    with pytest.raises(PermissionDeniedError):
        _import(session_factory, patient_id, folder, actor=ADMIN)


def test_missing_paths_import_nothing(session_factory: SessionFactory, patient_id: int,
                                      tmp_path: Path) -> None:
    _write(tmp_path, {"a.fit": fit_bytes(RunSpec(start=day(1)))})
    with pytest.raises(MissingPathError):
        _import(session_factory, patient_id, tmp_path / "a.fit", tmp_path / "nope.fit")
    assert list_runs(session_factory, patient_id, actor=ACTOR) == []


def test_runs_with_a_wrong_clock_are_rejected_by_name(
        session_factory: SessionFactory, patient_id: int, tmp_path: Path) -> None:
    _write(tmp_path, {"future.fit": fit_bytes(RunSpec(start=day(60))),
                      "ok.fit": fit_bytes(RunSpec(start=day(1)))})
    result = _import(session_factory, patient_id, tmp_path)
    assert result.added == 1
    assert result.rejected[0].file == str(tmp_path / "future.fit")
    assert "has not happened yet" in result.rejected[0].reason


def test_hostile_zip_writes_nothing_to_disk(session_factory: SessionFactory, patient_id: int,
                                            tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "evil.zip").write_bytes(zip_bytes({
        "../../../escaped.fit": fit_bytes(RunSpec(start=day(1))),
        "big.gpx": b"<" + b" " * (70 * 1024 * 1024)}))
    monkeypatch.chdir(inbox)
    before = sorted(p for p in tmp_path.rglob("*"))
    result = _import(session_factory, patient_id, inbox / "evil.zip")
    assert result.added == 1
    assert result.rejected[0].file == f"{inbox / 'evil.zip'}!big.gpx"
    assert "more than 64 MB" in result.rejected[0].reason
    assert sorted(p for p in tmp_path.rglob("*")) == before


def test_load_view_flags_imported_runs_in_the_plan_measure(
        session_factory: SessionFactory, patient_id: int, tmp_path: Path) -> None:
    from ptdesk.domain.load_flags import EXTRAPOLATION_NOTE
    from ptdesk.services import evaluations
    from ptdesk.services.run_load import load_view
    from tests.factories import full_evaluation, make_episode

    episode = make_episode(session_factory, patient_id, start=date(2026, 5, 20))
    visit = evaluations.create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                                     visit_date=date(2026, 5, 25),
                                     visit_type="initial_evaluation")
    evaluations.save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id,
                                evaluation=full_evaluation())  # gait: 160 spm, +7.5 %
    save_plan(session_factory, actor=ACTOR, patient_id=patient_id,
              inputs=PlanInputs("minutes", 3, 10, 60, current_weekly=3 * Decimal(10), start=START))
    # Week 1 (restart week) holds a long run that is not flagged; day 9's 22.1 min is
    # more than 110% of the longest before it (20 min); day 11's 24.3 is just under 110%
    # of 22.1.
    folder = _write(tmp_path, {
        "a.fit": fit_bytes(RunSpec(start=day(0), minutes=10)),
        "b.fit": fit_bytes(RunSpec(start=day(2), minutes=20)),
        "c.gpx": gpx_bytes(RunSpec(start=day(9), minutes=22.1)),
        "d.tcx": tcx_bytes(RunSpec(start=day(11), minutes=24.3)),
    })
    _import(session_factory, patient_id, folder)
    log_run(session_factory, actor=ACTOR, patient_id=patient_id, run_date=date(2026, 6, 13),
            amount=3, kind="continuous", pain_during=0, next_morning="same", measure="km",
            today=TODAY)
    view = load_view(session_factory, patient_id, actor=ACTOR, end=date(2026, 6, 14))
    assert view.unit == "minutes" and view.left_out == 1 and view.waiting_for_pain == 4
    assert view.report.extrapolated and EXTRAPOLATION_NOTE in view.report.notes
    assert [(s.day, round(s.amount, 1)) for s in view.report.spikes] == [(date(2026, 6, 10),
                                                                         22.1)]
    assert [round(w.total, 1) for w in view.report.weeks] == [30.0, 46.4]
    assert [c for _, c in view.cadence] == [170.0] * 4
    assert view.cadence_target == pytest.approx(172.0)


def test_a_huge_file_is_rejected_without_being_read(session_factory: SessionFactory,
                                                     patient_id: int, tmp_path: Path) -> None:
    huge = tmp_path / "huge.gpx"
    with huge.open("wb") as stream:  # sparse: no disk space used
        stream.truncate(65 * 1024 * 1024)
    result = _import(session_factory, patient_id, huge)
    assert result.rejected[0].reason == ("The file is larger than 64 MB, far more than any run "
                                         "file, so it was not read.")


def test_a_pipe_named_like_a_run_file_is_not_read(session_factory: SessionFactory,
                                                  patient_id: int, tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "pipe.fit")  # reading it would wait forever
    result = _import(session_factory, patient_id, tmp_path / "pipe.fit")
    assert result.rejected[0].reason == "This is not a regular file, so it was not read."


def test_a_garmin_export_zip_with_zips_of_fit_files(
        session_factory: SessionFactory, patient_id: int, tmp_path: Path) -> None:
    part = zip_bytes({"alex_1.fit": fit_bytes(RunSpec(start=day(1))),
                      "alex_2.fit": fit_bytes(RunSpec(start=day(2), sport="walking")),
                      "alex_3.fit": fit_bytes(RunSpec(start=day(3)))[:-2]})
    export = tmp_path / "garmin.zip"
    export.write_bytes(zip_bytes({
        "DI_CONNECT/DI-Connect-User/user_profile.json": b"{}",
        "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip": part}))
    result = _import(session_factory, patient_id, export)
    inner = f"{export}!DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip!"
    assert result.to_json() == {
        "added": 1, "duplicates": 0, "skipped": 1,
        "rejected": [{"file": inner + "alex_3.fit",
                      "reason": "The FIT file is cut short (it ends before its data does)."}]}


def test_stopping_from_the_progress_callback_writes_nothing(
        session_factory: SessionFactory, patient_id: int, tmp_path: Path) -> None:
    _write(tmp_path, {f"{n}.fit": fit_bytes(RunSpec(start=day(n))) for n in range(3)})

    class Cancelled(Exception):
        pass

    def cancel_after_two(done: int, total: int) -> None:
        if done == 2:
            raise Cancelled

    with pytest.raises(Cancelled):
        import_runs(session_factory, actor=ACTOR, patient_id=patient_id, paths=[str(tmp_path)],
                    progress=cancel_after_two, zone=UTC, today=TODAY)
    assert list_runs(session_factory, patient_id, actor=ACTOR) == []


def test_the_weekly_decision_waits_for_imported_runs_pain_answers(
        session_factory: SessionFactory, patient_id: int, tmp_path: Path) -> None:
    # An imported run carries placeholder pain answers (0, "same"); deciding "progress" on
    # them would be unsafe, so the week has no decision until the patient's answers are in.
    save_plan(session_factory, actor=ACTOR, patient_id=patient_id,
              inputs=PlanInputs("minutes", 3, 10, 60, current_weekly=3 * Decimal(10), start=START))
    _write(tmp_path, {"a.fit": fit_bytes(RunSpec(start=day(1), minutes=10))})
    run_id = _import(session_factory, patient_id, tmp_path / "a.fit").run_ids[0]
    after_week_1 = date(2026, 6, 9)
    week = weekly_summary(session_factory, patient_id, actor=ACTOR, today=after_week_1)[0]
    assert (week.complete, week.waiting_for_pain, week.decision) == (True, 1, None)
    answer_pain(session_factory, actor=ACTOR, run_id=run_id, pain_during=6,
                next_morning="worse")
    week = weekly_summary(session_factory, patient_id, actor=ACTOR, today=after_week_1)[0]
    assert (week.waiting_for_pain, week.decision) == (0, "regress")
