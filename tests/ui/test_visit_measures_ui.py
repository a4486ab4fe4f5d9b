"""Issue 18 (visit-a): outcome measures inside the visit, flagged at signing, added late after."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from ptdesk.db.engine import SessionFactory
from ptdesk.services.evaluations import create_visit, save_evaluation
from ptdesk.services.outcomes import list_outcomes, record_outcome
from ptdesk.services.signing import signature, verify_signed_notes
from ptdesk.ui.chart.chart_widget import ChartWidget
from ptdesk.ui.chart.outcomes.tab import OutcomesTab
from ptdesk.ui.context import AppContext
from tests.factories import full_evaluation, make_episode, make_patient
from tests.integration.integrity_helpers import run_cli
from tests.ui.test_outcomes_tab import answer_lefs

TODAY = date.today()


def test_a_missing_intake_lefs_is_flagged_at_signing_then_added_late_and_verify_passes(
        qtbot, ctx: AppContext, session_factory: SessionFactory, db_path, monkeypatch,
        capsys) -> None:
    pid = make_patient(session_factory).id
    episode = make_episode(session_factory, pid, start=TODAY - timedelta(days=3))  # PFP
    visit = create_visit(session_factory, actor=ctx.actor, episode_id=episode.id,
                         visit_date=TODAY, visit_type="initial_evaluation")
    save_evaluation(session_factory, actor=ctx.actor, visit_id=visit.id,
                    evaluation=full_evaluation())
    record_outcome(session_factory, actor=ctx.actor, visit_id=visit.id, measure="nprs",
                   items=[4])
    record_outcome(session_factory, actor=ctx.actor, visit_id=visit.id, measure="kujala",
                   items={key: 0 for key in _kujala_keys()})
    chart = ChartWidget(ctx)
    qtbot.addWidget(chart)
    chart.resize(1280, 800)
    chart.show()
    qtbot.waitExposed(chart)
    chart.set_patient(pid)
    chart.open_visit(visit.id)
    evaluation = chart.evaluation_tab
    panel = evaluation.measures  # type: ignore[attr-defined]
    assert "LEFS missing" in panel.status.text() and "NPRS recorded" in panel.status.text()
    asked: list[str] = []

    def answer(_parent: Any, _title: str, text: str, *_a: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes
    monkeypatch.setattr(QMessageBox, "question", answer)
    qtbot.mouseClick(evaluation.signing.sign_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert len(asked) == 1 and "Missing: LEFS." in asked[0]  # flagged, then confirmed
    signed = signature(session_factory, visit.id, actor=ctx.actor)
    assert signed.status == "signed"
    add = panel.buttons["lefs"]
    assert add.isEnabled() and "late entry" in add.text()
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)  # opens the LEFS form of this visit
    outcomes = chart.current_tab()
    assert isinstance(outcomes, OutcomesTab)
    assert outcomes.visit_combo.currentData() == visit.id
    assert outcomes.measure_tabs.currentWidget() is outcomes.pages["lefs"]
    answer_lefs(qtbot, outcomes, [3] * 20)
    qtbot.mouseClick(outcomes.pages["lefs"].save_button, Qt.MouseButton.LeftButton)
    state = outcomes.pages["lefs"].state.text()
    assert "Saved: LEFS 60/80" in state and f"Late entry — written {TODAY:%Y-%m-%d}" in state
    [lefs] = list_outcomes(session_factory, pid, "lefs", actor=ctx.actor)
    assert lefs.late_entry and lefs.visit_id == visit.id
    assert "LEFS added late" in panel.status.text()  # the note shows it as such
    assert signature(session_factory, visit.id, actor=ctx.actor).content_hash == \
        signed.content_hash  # the signed note itself is unchanged
    assert verify_signed_notes(session_factory) == []
    assert run_cli(monkeypatch, ["verify", "--db", str(db_path)]) == 0
    assert "Everything checks out." in capsys.readouterr().out


def _kujala_keys() -> tuple[str, ...]:
    from ptdesk.domain.outcomes import KUJALA_ITEM_KEYS

    return tuple(KUJALA_ITEM_KEYS)
