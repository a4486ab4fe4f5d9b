"""Run plan tab (issue 14): the clinician confirms the baseline cadence the target grows from."""

from __future__ import annotations

import dataclasses
from datetime import date

from ptdesk.db.engine import SessionFactory
from ptdesk.domain import evaluation as ev
from ptdesk.services import evaluations
from ptdesk.services.cadence import get_cadence
from ptdesk.services.changes import ChangeKind
from ptdesk.services.handouts import cadence_target
from ptdesk.ui.chart.runplan import RunPlanTab
from ptdesk.ui.context import AppContext
from tests.factories import ACTOR, full_evaluation, make_episode, make_patient


def _runner(session_factory: SessionFactory) -> int:
    patient_id = make_patient(session_factory).id
    episode = make_episode(session_factory, patient_id, start=date(2026, 5, 20))
    visit = evaluations.create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                                     visit_date=date(2026, 5, 25),
                                     visit_type="initial_evaluation")
    base = full_evaluation()
    gait = dataclasses.replace(base.gait or ev.GaitFindings(), cadence_spm=160,
                               cadence_target_pct=5.0)
    evaluations.save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id,
                                evaluation=dataclasses.replace(base, gait=gait))
    return patient_id


def test_confirming_a_baseline_changes_the_target_everywhere(qtbot, session_factory) -> None:
    patient_id = _runner(session_factory)
    ctx = AppContext(session_factory, ACTOR)
    tab = RunPlanTab(ctx)
    qtbot.addWidget(tab)
    tab.set_patient(patient_id)
    box = tab.cadence
    assert "Intake cadence 160 steps/min (25 May 2026)" in box.intake.text()
    assert box.baseline.value() == 160
    assert "Target 168 steps/min" in box.target.text()  # 160 x 1.05
    assert not box.intake_button.isEnabled()  # nothing confirmed yet
    box.baseline.setValue(170)
    # Typed, not saved yet: the preview says so, and nothing else changed.
    assert "Target 179 steps/min" in box.target.text() and "not saved" in box.target.text()
    assert cadence_target(session_factory, actor=ACTOR, patient_id=patient_id) == 168
    heard: list[tuple[ChangeKind, int]] = []
    ctx.signals.data_changed.connect(lambda kind, pid: heard.append((kind, pid)))
    box.confirm_button.click()
    assert get_cadence(session_factory, actor=ACTOR, patient_id=patient_id).confirmed_spm == 170
    assert cadence_target(session_factory, actor=ACTOR, patient_id=patient_id) == 179
    assert "confirmed baseline" in box.target.text() and "not saved" not in box.target.text()
    assert (ChangeKind.EPISODE, patient_id) in heard  # the Overview refreshes its target
    assert box.intake_button.isEnabled()
    box.intake_button.click()
    assert cadence_target(session_factory, actor=ACTOR, patient_id=patient_id) == 168
    assert box.baseline.value() == 160


def test_without_a_measured_cadence_there_is_nothing_to_confirm(qtbot, session_factory) -> None:
    patient_id = make_patient(session_factory).id
    make_episode(session_factory, patient_id)
    tab = RunPlanTab(AppContext(session_factory, ACTOR))
    qtbot.addWidget(tab)
    tab.set_patient(patient_id)
    assert "No cadence measured yet" in tab.cadence.intake.text()
    assert not tab.cadence.confirm_button.isEnabled()
