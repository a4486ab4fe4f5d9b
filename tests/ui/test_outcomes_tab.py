"""Outcomes tab: LEFS/Kujala/NPRS/PSFS entry through the widgets, refusals by item, drafts, change."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QMessageBox, QWidget
from sqlalchemy import update

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import Visit
from ptdesk.domain import outcomes as oc
from ptdesk.services import drafts
from ptdesk.services.evaluations import create_visit
from ptdesk.services.outcomes import list_outcomes, record_outcome
from ptdesk.ui.chart.outcomes import OutcomesTab
from ptdesk.ui.chart.outcomes.outcome_drafts import form_key
from ptdesk.ui.context import AppContext
from tests.factories import ACTOR, make_episode, make_patient

LEFS_ANSWERS = [(n * 3) % 5 for n in range(20)]  # a mix of every answer, total 40


@pytest.fixture
def chart(session_factory: SessionFactory) -> dict[str, int]:
    patient = make_patient(session_factory)
    episode = make_episode(session_factory, patient.id, start=date(2026, 9, 1))
    first = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=date(2026, 9, 1), visit_type="initial_evaluation")
    return {"patient": patient.id, "episode": episode.id, "visit": first.id}


@pytest.fixture
def tab(qtbot, session_factory: SessionFactory, chart: dict[str, int]) -> OutcomesTab:  # type: ignore[no-untyped-def]
    widget = OutcomesTab(AppContext(session_factory, ACTOR))
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    widget.set_patient(chart["patient"])
    return widget


def named(root: QWidget, cls: type, name: str) -> Any:
    found = [w for w in root.findChildren(cls) if w.accessibleName() == name]
    assert len(found) == 1, (name, len(found))
    return found[0]


def answer_lefs(qtbot, tab: OutcomesTab, answers: list[int | None]) -> None:  # type: ignore[no-untyped-def]
    tab.measure_tabs.setCurrentWidget(tab.pages["lefs"])
    for item, value in zip(oc.LEFS_ITEMS, answers, strict=True):
        if value is not None:
            button = named(tab, QAbstractButton, f"{item}: {value} {oc.LEFS_ANSWERS[value]}")
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def choose(qtbot, combo: QComboBox, index: int) -> None:  # type: ignore[no-untyped-def]
    """Pick an answer with the keyboard, as a clinician tabbing through the form would."""
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(index):
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentIndex() == index


def stored(sf: SessionFactory, patient_id: int, measure: str) -> list[Any]:
    return list_outcomes(sf, patient_id, measure, actor=ACTOR)


def test_full_lefs_saves_the_right_total(qtbot, tab, session_factory, chart) -> None:
    answer_lefs(qtbot, tab, LEFS_ANSWERS)
    page = tab.pages["lefs"]
    assert page.total.text() == f"LEFS {sum(LEFS_ANSWERS)}/80"
    assert tab.has_unsaved_changes()
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    [record] = stored(session_factory, chart["patient"], "lefs")
    assert record.total == sum(LEFS_ANSWERS) and record.missing_items == 0
    assert [value for _k, _l, value in record.items] == LEFS_ANSWERS
    assert not tab.has_unsaved_changes()
    assert "LEFS 40/80" in page.result.plain_text()
    assert "intake value" in page.result.plain_text()


def test_a_blank_item_is_refused_next_to_it_then_saved_once_marked_missing(
        qtbot, tab, session_factory, chart) -> None:
    answers: list[int | None] = list(LEFS_ANSWERS)
    answers[6] = None  # question 7 left blank
    answer_lefs(qtbot, tab, answers)
    form, page = tab.forms["lefs"], tab.pages["lefs"]
    assert "1 question not answered yet" in page.total.text()
    assert tab.save() is False
    errors = form.visible_errors()
    assert list(errors) == ["lefs_item_7"]
    assert "question 7" in errors["lefs_item_7"] and "mark it as missing" in errors["lefs_item_7"]
    assert form.answers() == answers  # nothing the clinician chose was lost
    assert stored(session_factory, chart["patient"], "lefs") == []
    assert tab.has_unsaved_changes()

    missing = named(tab, QAbstractButton, f"{oc.LEFS_ITEMS[6]}: mark missing")
    qtbot.mouseClick(missing, Qt.MouseButton.LeftButton)
    assert form.visible_errors() == {}
    raw = sum(a for a in answers if a)
    # Issue 17: one missing LEFS item is prorated (answered mean x 20) and says so.
    prorated = round(raw * 80 / 76, 1)
    assert page.total.text() == f"LEFS {prorated:g}/80 (prorated; 1 item missing)"
    assert tab.save() is True
    [record] = stored(session_factory, chart["patient"], "lefs")
    assert record.missing_items == 1 and record.total == raw  # the stored row keeps the sum
    assert "1 item missing" in page.state.text()
    assert "LEFS 38.9/80 (prorated) · 1 item missing" in page.result.plain_text()  # 37 x 80/76


def test_a_form_with_too_many_missing_items_shows_no_total(
        qtbot, tab, session_factory, chart) -> None:
    answers: list[int | None] = list(LEFS_ANSWERS)
    for index in range(5):  # 5 of 20 missing: beyond the 4 the LEFS rule allows
        answers[index] = None
    answer_lefs(qtbot, tab, answers)
    for index in range(5):
        qtbot.mouseClick(named(tab, QAbstractButton, f"{oc.LEFS_ITEMS[index]}: mark missing"),
                         Qt.MouseButton.LeftButton)
    page = tab.pages["lefs"]
    assert page.total.text() == "LEFS: no total (5 items missing)"
    assert tab.save() is True
    assert "LEFS No total (5 items missing)" in page.result.plain_text()
    assert "/80" not in page.result.plain_text().splitlines()[0]


def test_kujala_all_best_answers_score_100(qtbot, tab, session_factory, chart) -> None:
    tab.measure_tabs.setCurrentWidget(tab.pages["kujala"])
    for item in oc.KUJALA_ITEMS:
        choose(qtbot, named(tab, QComboBox, item.label), 0)
    assert tab.pages["kujala"].total.text() == "Kujala 100/100"
    assert tab.save_measure("kujala") is True
    [record] = stored(session_factory, chart["patient"], "kujala")
    assert record.total == 100 and record.missing_items == 0


def test_kujala_unanswered_question_is_named(qtbot, tab, session_factory, chart) -> None:
    for item in oc.KUJALA_ITEMS[:-1]:
        choose(qtbot, named(tab, QComboBox, item.label), 1)
    assert tab.save_measure("kujala") is False
    errors = tab.forms["kujala"].visible_errors()
    assert list(errors) == ["kujala_flexion_deficit"]
    assert "Trouble bending the knee fully" in errors["kujala_flexion_deficit"]
    assert stored(session_factory, chart["patient"], "kujala") == []


def test_nprs_is_checked_while_typing_and_keeps_the_text(qtbot, tab, session_factory, chart):
    edit = named(tab, QLineEdit, "Pain now (0–10)")
    qtbot.keyClicks(edit, "12")
    form = tab.forms["nprs"]
    assert form.visible_errors() == {"nprs": "Pain must be a whole number from 0 to 10."}
    assert tab.save() is False and edit.text() == "12"
    edit.clear()
    qtbot.keyClicks(edit, "4")
    assert form.visible_errors() == {}
    assert tab.pages["nprs"].total.text() == "NPRS 4/10"
    assert tab.save() is True
    assert [r.total for r in stored(session_factory, chart["patient"], "nprs")] == [4]


def test_psfs_errors_land_on_the_form_row(qtbot, tab, session_factory, chart) -> None:
    # Row 1 left empty: the scorer numbers activities it received, the form maps them back.
    qtbot.keyClicks(named(tab, QLineEdit, "Activity 2"), "Running downhill")
    qtbot.keyClicks(named(tab, QLineEdit, "Score for activity 3"), "5")
    assert tab.save_measure("psfs") is False
    assert list(tab.forms["psfs"].visible_errors()) == ["psfs_score_2"]
    qtbot.keyClicks(named(tab, QLineEdit, "Score for activity 2"), "3")
    assert tab.save_measure("psfs") is False
    assert tab.forms["psfs"].visible_errors() == {"psfs_activity_3": "Activity 2 needs a name."}
    qtbot.keyClicks(named(tab, QLineEdit, "Activity 3"), "Stairs")
    assert tab.save_measure("psfs") is True
    [record] = stored(session_factory, chart["patient"], "psfs")
    assert record.total == 4 and [i[1] for i in record.items] == ["Running downhill", "Stairs"]


def test_second_visit_shows_change_since_intake_read_against_the_mcid(
        qtbot, session_factory, chart) -> None:
    record_outcome(session_factory, actor=ACTOR, visit_id=chart["visit"], measure="lefs",
                   items=[2] * 20)  # 40 at intake
    create_visit(session_factory, actor=ACTOR, episode_id=chart["episode"],
                 visit_date=date(2026, 10, 1), visit_type="follow_up")
    tab = OutcomesTab(AppContext(session_factory, ACTOR))
    qtbot.addWidget(tab)
    tab.show()
    tab.set_patient(chart["patient"])
    assert tab.visit_combo.currentText().startswith("1 Oct 2026")  # the latest visit first
    assert "Not recorded" in tab.pages["lefs"].result.plain_text()
    answers = [3] * 13 + [2] * 7  # 53: +13 over intake, past the 9-point MCID
    answer_lefs(qtbot, tab, answers)
    assert tab.save() is True
    text = tab.pages["lefs"].result.plain_text()
    assert "Since intake (1 Sep 2026): LEFS +13: meaningful improvement (40 → 53)" in text
    assert "[Better]" in text
    # The intake visit, opened again, says so and offers no comparison.
    tab.visit_combo.setCurrentIndex(1)
    assert "intake value" in tab.pages["lefs"].result.plain_text()
    assert tab.forms["lefs"].answers() == [2] * 20


def test_draft_autosaves_and_is_offered_back(qtbot, session_factory, chart, monkeypatch) -> None:
    ctx = AppContext(session_factory, ACTOR)
    tab = OutcomesTab(ctx)
    qtbot.addWidget(tab)
    tab.show()
    tab.set_patient(chart["patient"])
    answer_lefs(qtbot, tab, [4, 3, None, *([None] * 17)])
    qtbot.waitUntil(lambda: drafts.get_draft(session_factory, actor=ACTOR,
                                             form_key=form_key(chart["visit"], "lefs"))
                    is not None, timeout=5000)
    asked: list[str] = []

    def yes(*args: Any) -> QMessageBox.StandardButton:
        asked.append(args[2])
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    again = OutcomesTab(ctx)
    qtbot.addWidget(again)
    again.show()
    again.set_patient(chart["patient"])
    assert len(asked) == 1 and asked[0].startswith("Restore unsaved changes from")
    assert again.forms["lefs"].answers()[:3] == [4, 3, None]
    assert again.has_unsaved_changes()
    answer_lefs(qtbot, again, [None, None, *LEFS_ANSWERS[2:]])
    assert again.save() is True
    assert drafts.get_draft(session_factory, actor=ACTOR,
                            form_key=form_key(chart["visit"], "lefs")) is None


def test_signed_visit_is_read_only(qtbot, session_factory, chart) -> None:
    record_outcome(session_factory, actor=ACTOR, visit_id=chart["visit"], measure="nprs",
                   items=[3])
    with session_factory() as session, session.begin():
        session.execute(update(Visit).where(Visit.id == chart["visit"]).values(status="signed"))
    tab = OutcomesTab(AppContext(session_factory, ACTOR))
    qtbot.addWidget(tab)
    tab.set_patient(chart["patient"])
    edit = named(tab, QLineEdit, "Pain now (0–10)")
    assert edit.text() == "3" and not edit.isEnabled()
    assert not tab.pages["nprs"].save_button.isEnabled()
    # Issue 18: a measure missing from the signed note can still be added, as a late entry.
    assert tab.pages["lefs"].save_button.isEnabled()
    assert "signed" in tab.visit_status.text() and "late entry" in tab.visit_status.text()


def test_no_patient_and_no_visits(qtbot, session_factory) -> None:
    tab = OutcomesTab(AppContext(session_factory, ACTOR))
    qtbot.addWidget(tab)
    assert not tab.visit_combo.isEnabled() and tab.save() is True
    patient = make_patient(session_factory, mrn="MRN-NOVISIT")
    tab.set_patient(patient.id)
    assert "No visits yet" in tab.visit_status.text()
    assert not tab.pages["lefs"].save_button.isEnabled()


def test_kujala_live_total_is_prorated_for_one_missing_item(qtbot, tab) -> None:
    # Issue 17: one missing Kujala item is prorated over the points still possible; two
    # leave the form without a total (domain/outcome_missing.py).
    tab.measure_tabs.setCurrentWidget(tab.pages["kujala"])
    for item in oc.KUJALA_ITEMS[1:]:
        choose(qtbot, named(tab, QComboBox, item.label), 0)
    first, second = oc.KUJALA_ITEMS[0], oc.KUJALA_ITEMS[1]
    qtbot.mouseClick(tab.forms["kujala"].missing[first.key], Qt.MouseButton.LeftButton)
    assert tab.pages["kujala"].total.text() == "Kujala 100/100 (prorated; 1 item missing)"
    qtbot.mouseClick(tab.forms["kujala"].missing[second.key], Qt.MouseButton.LeftButton)
    assert tab.pages["kujala"].total.text() == "Kujala: no total (2 items missing)"
