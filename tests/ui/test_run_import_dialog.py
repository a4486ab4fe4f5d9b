"""Run log › Import runs…: background import with progress and Cancel, the summary, pain answers."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from ptdesk.db.engine import SessionFactory
from ptdesk.services import run_import
from ptdesk.services.runlogs import list_runs
from ptdesk.ui.chart.runlogs import RunLogTab
from ptdesk.ui.chart.runlogs.pain_answers_dialog import NOT_CHOSEN
from ptdesk.ui.chart.runlogs.runs_model import MORNING, NOT_ENTERED, PAIN
from ptdesk.ui.context import AppContext
from tests.factories import ACTOR, make_patient
from tests.helpers.run_files import RunSpec, day, fit_bytes, gpx_bytes, gz, tcx_bytes, zip_bytes

TODAY = date(2026, 7, 1)


@pytest.fixture
def patient_id(session_factory: SessionFactory) -> int:
    return make_patient(session_factory).id


@pytest.fixture
def tab(qtbot, ctx: AppContext, patient_id: int) -> RunLogTab:  # type: ignore[no-untyped-def]
    widget = RunLogTab(ctx)
    qtbot.addWidget(widget)
    widget.today = lambda: TODAY
    widget.resize(1100, 750)
    widget.show()
    widget.set_patient(patient_id)
    return widget


def export(folder: Path) -> list[str]:
    """Three runs, the first again as GPX (a duplicate), a ride, a cut-short file, a zip."""
    folder.mkdir()
    (folder / "a.fit").write_bytes(fit_bytes(RunSpec(start=day(0), minutes=30)))
    (folder / "a.gpx").write_bytes(gpx_bytes(RunSpec(start=day(0), minutes=30)))
    (folder / "b.tcx").write_bytes(tcx_bytes(RunSpec(start=day(2), minutes=33)))
    (folder / "ride.tcx").write_bytes(tcx_bytes(RunSpec(start=day(3), sport="cycling")))
    (folder / "broken.fit").write_bytes(fit_bytes(RunSpec(start=day(5)))[:40])
    (folder / "export.zip").write_bytes(zip_bytes(
        {"activities/1.fit.gz": gz(fit_bytes(RunSpec(start=day(4), minutes=36)))}))
    return [str(folder / n) for n in ("a.fit", "a.gpx", "b.tcx", "ride.tcx", "broken.fit",
                                      "export.zip")]


def test_import_runs_off_the_ui_thread_and_summarise(qtbot, tab: RunLogTab, tmp_path: Path,
                                                     session_factory: SessionFactory,
                                                     patient_id: int,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[bool] = []
    real = run_import.import_runs

    def spy(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr("ptdesk.ui.chart.runlogs.import_dialog.import_runs", spy)
    paths = export(tmp_path / "watch")
    qtbot.mouseClick(tab.imports.import_button, Qt.MouseButton.LeftButton)
    dialog = tab.imports.import_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.start(paths)
    assert not dialog.files_button.isEnabled() and dialog.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
    assert threads == [False]  # read and written on a worker thread, never the UI thread
    result = dialog.result
    assert result is not None and (result.added, result.duplicates, result.skipped) == (3, 1, 1)
    text = dialog.summary.text()
    assert "Added to the run log: 3 runs." in text
    assert "Already in the log (not added again): 1 run." in text
    assert "Skipped, not running (walks, rides, other sports): 1 activity." in text
    assert "Not imported: 1 file (listed below)." in text
    assert "3 runs waiting for pain answers" in text
    assert dialog.rejected.isVisibleTo(dialog) and dialog.rejected.rowCount() == 1
    assert dialog.rejected.item(0, 0).text().endswith("broken.fit")
    assert dialog.rejected.item(0, 1).text()  # one plain sentence
    assert dialog.bar.value() == dialog.bar.maximum()
    # The Run log reloaded: the imported runs show that their pain answers are missing.
    model = tab.runs_model
    assert model.rowCount() == 3
    assert [model.index(r, PAIN).data() for r in range(3)] == [NOT_ENTERED] * 3
    assert "3 waiting" in tab.imports.pain_button.text() and tab.imports.pain_button.isEnabled()

    # Summary › Enter pain answers: answer the oldest run.
    assert dialog.pain_button.isVisibleTo(dialog)
    qtbot.mouseClick(dialog.pain_button, Qt.MouseButton.LeftButton)
    pain = tab.imports.pain_dialog
    assert pain is not None and pain.run.count() == 3
    assert pain.pain.value() == NOT_CHOSEN
    assert not pain.save()  # nothing chosen: nothing saved, and it says what is missing
    assert "pain during" in pain.state.text()
    pain.pain.setValue(3)
    pain.morning.setCurrentIndex(pain.morning.findData("worse"))
    qtbot.mouseClick(pain.save_button, Qt.MouseButton.LeftButton)
    assert pain.run.count() == 2 and "2 still waiting" in pain.state.text()
    runs = sorted(list_runs(session_factory, patient_id, actor=ACTOR), key=lambda r: r.run_date)
    assert (runs[0].pain_during, runs[0].next_morning) == (3, "worse")
    oldest = model.rowCount() - 1  # newest first
    assert model.index(oldest, PAIN).data() == "3/10"
    assert model.index(oldest, MORNING).data() == "Worse"
    assert model.index(0, PAIN).data() == NOT_ENTERED
    assert "2 waiting" in tab.imports.pain_button.text()


def test_cancel_leaves_the_run_log_untouched(qtbot, tab: RunLogTab, tmp_path: Path,
                                             session_factory: SessionFactory, patient_id: int,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    gate = threading.Event()
    real = run_import.import_runs

    def held(*args: Any, **kwargs: Any) -> Any:
        gate.wait(30)  # the clinician presses Cancel before the first file is read
        return real(*args, **kwargs)

    monkeypatch.setattr("ptdesk.ui.chart.runlogs.import_dialog.import_runs", held)
    dialog = tab.imports.open_import()
    assert dialog is not None
    assert dialog.start(export(tmp_path / "watch"))
    assert not dialog.start(["again"])  # one import at a time
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    gate.set()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
    assert dialog.result is None and dialog.error == "cancelled"
    assert "nothing was added" in dialog.status.text()
    assert list_runs(session_factory, patient_id, actor=ACTOR) == []
    assert dialog.files_button.isEnabled() and not dialog.cancel_button.isEnabled()


def test_a_missing_path_is_said_in_the_dialog(qtbot, tab: RunLogTab, tmp_path: Path) -> None:
    dialog = tab.imports.open_import()
    assert dialog is not None
    assert dialog.start([str(tmp_path / "gone.fit")])
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
    assert dialog.result is None
    assert dialog.status.text().startswith("Nothing was imported:")
    assert "do not exist" in dialog.status.text()


def test_double_click_on_a_waiting_run_opens_its_pain_answers(
        qtbot, tab: RunLogTab, tmp_path: Path, session_factory: SessionFactory,
        patient_id: int) -> None:
    (tmp_path / "r.fit").write_bytes(fit_bytes(RunSpec(start=day(1))))
    run_import.import_runs(session_factory, actor=ACTOR, patient_id=patient_id,
                           paths=[str(tmp_path / "r.fit")], today=TODAY)
    tab.reload()
    assert tab.runs_model.index(0, PAIN).data() == NOT_ENTERED
    tab.runs_view.doubleClicked.emit(tab.runs_model.index(0, PAIN))
    pain = tab.imports.pain_dialog
    assert pain is not None and pain.run.count() == 1
    pain.pain.setValue(0)
    pain.morning.setCurrentIndex(pain.morning.findData("same"))
    assert pain.save()
    assert "All pain answers are in." in pain.state.text()
    assert tab.runs_model.index(0, PAIN).data() == "0/10"
    assert not tab.imports.pain_button.isEnabled()


def test_closing_while_reading_cancels_then_closes(qtbot, tab: RunLogTab, tmp_path: Path,
                                                   session_factory: SessionFactory,
                                                   patient_id: int,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    gate = threading.Event()
    real = run_import.import_runs

    def held(*args: Any, **kwargs: Any) -> Any:
        gate.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr("ptdesk.ui.chart.runlogs.import_dialog.import_runs", held)
    dialog = tab.imports.open_import()
    assert dialog is not None and dialog.start(export(tmp_path / "watch"))
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc / the window's close: cancel first
    assert dialog.isVisible() and dialog.status.text() == "Stopping…"
    gate.set()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20_000)
    assert dialog.error == "cancelled"
    assert list_runs(session_factory, patient_id, actor=ACTOR) == []


def test_plan_weeks_wait_for_pain_answers(qtbot, tab: RunLogTab, tmp_path: Path,
                                          session_factory: SessionFactory,
                                          patient_id: int) -> None:
    from ptdesk.domain.runplan import PlanInputs
    from ptdesk.services.runplans import save_plan
    from ptdesk.ui.chart.runlogs.weeks_model import DECISION as WEEK_DECISION
    from ptdesk.ui.chart.runlogs.weeks_model import MORNING as WEEK_MORNING
    from ptdesk.ui.chart.runlogs.weeks_model import PAIN as WEEK_PAIN

    save_plan(session_factory, actor=ACTOR, patient_id=patient_id,
              inputs=PlanInputs("minutes", 3, 10, 60, current_weekly=30, start=day(0).date()))
    for n in (0, 2):
        (tmp_path / f"r{n}.fit").write_bytes(fit_bytes(RunSpec(start=day(n), minutes=10)))
    run_import.import_runs(session_factory, actor=ACTOR, patient_id=patient_id,
                           paths=[str(tmp_path / "r0.fit"), str(tmp_path / "r2.fit")],
                           today=TODAY)
    tab.reload()
    weeks = tab.weeks_model
    assert weeks.index(0, WEEK_DECISION).data() == "Waiting for pain answers (2)"
    assert weeks.index(0, WEEK_PAIN).data() == "Not entered"  # never the placeholder 0/10
    assert weeks.index(0, WEEK_MORNING).data() == "Not entered"
    pain = tab.imports.open_pain_answers()
    assert pain is not None
    pain.pain.setValue(4)
    pain.morning.setCurrentIndex(pain.morning.findData("same"))
    assert pain.save()
    assert weeks.index(0, WEEK_DECISION).data() == "Waiting for pain answers (1)"
    assert weeks.index(0, WEEK_PAIN).data() == "4/10 (1 not entered)"
