"""Missed-week rule (issue 14): set in Clinic settings by an administrator, used by new plans."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QLabel

from ptdesk.db.engine import SessionFactory
from ptdesk.domain.runplan.painrules import GapRules
from ptdesk.services.clinic import get_gap_rules, set_gap_rules
from ptdesk.services.runplans import active_plan
from ptdesk.ui.admin.settings_dialog import SettingsDialog
from ptdesk.ui.chart.runplan import RunPlanTab
from ptdesk.ui.context import AppContext
from tests.factories import ACTOR, ADMIN, make_episode, make_patient


def _dialog(qtbot, session_factory: SessionFactory, actor: str) -> SettingsDialog:  # type: ignore[no-untyped-def]
    dialog = SettingsDialog(AppContext(session_factory, actor))
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("Hill Physio")
    return dialog


def test_an_administrator_sets_the_rule_in_clinic_settings(qtbot, session_factory) -> None:
    dialog = _dialog(qtbot, session_factory, ADMIN)
    boxes = dialog.gap_rules.boxes
    assert {k: b.value() for k, b in boxes.items()} == {
        "short_gap_pct": 75, "long_gap_weeks": 4, "long_gap_pct": 50}
    boxes["short_gap_pct"].setValue(60)
    boxes["long_gap_pct"].setValue(40)
    boxes["long_gap_weeks"].setValue(6)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert get_gap_rules(session_factory) == GapRules(60, 40, 6)
    assert not dialog.isVisible() or dialog.result() == SettingsDialog.DialogCode.Accepted


def test_a_long_gap_resuming_higher_is_explained_and_nothing_saved(qtbot, session_factory) -> None:
    dialog = _dialog(qtbot, session_factory, ADMIN)
    dialog.gap_rules.boxes["short_gap_pct"].setValue(50)
    dialog.gap_rules.boxes["long_gap_pct"].setValue(70)
    assert not dialog.save()
    error = dialog.findChild(QLabel, "gap_rules_error")
    assert error is not None and not error.isHidden()
    assert "longer gap cannot restart higher" in error.text()
    assert get_gap_rules(session_factory) == GapRules()


def test_a_clinician_sees_the_rule_read_only(qtbot, session_factory) -> None:
    set_gap_rules(session_factory, actor=ADMIN, gaps=GapRules(60, 40, 6))
    dialog = _dialog(qtbot, session_factory, ACTOR)
    assert dialog.gap_rules.boxes["short_gap_pct"].value() == 60
    assert not any(box.isEnabled() for box in dialog.gap_rules.boxes.values())


def test_a_new_plan_starts_from_the_clinic_rule_and_can_override_it(qtbot, session_factory) -> None:
    set_gap_rules(session_factory, actor=ADMIN, gaps=GapRules(60, 40, 6))
    patient = make_patient(session_factory)
    make_episode(session_factory, patient.id)
    tab = RunPlanTab(AppContext(session_factory, ACTOR))
    qtbot.addWidget(tab)
    tab.set_patient(patient.id)
    form = tab.form
    assert form.extra["short_gap_pct"].value() == 60 and form.extra["long_gap_pct"].value() == 40
    assert form.gaps() == GapRules(60, 40, 6)
    assert form._form.labelForField(form._rows["long_gap_pct"]).text() == "After 6+ missed weeks"
    assert not tab.has_unsaved_changes()  # the clinic's rule is where a new plan starts
    for name, text in (("current_run", "3"), ("current_weekly", "9"), ("goal_weekly", "20")):
        form.amounts[name].setText(text)
    form.extra["short_gap_pct"].setValue(70)  # this plan only
    assert tab.save()
    stored = active_plan(session_factory, patient.id, actor=ACTOR)
    assert stored is not None and stored.gaps == GapRules(70, 40, 6)
    assert get_gap_rules(session_factory) == GapRules(60, 40, 6)
