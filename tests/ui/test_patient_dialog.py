"""New/edit patient dialog: inline validation that keeps input, saving, first episode of care."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from ptdesk.db.engine import SessionFactory
from ptdesk.services.episodes import active_episode, list_episodes
from ptdesk.services.patients import count_patients, get_patient, search_patients
from ptdesk.ui.context import AppContext
from ptdesk.ui.patients.patient_dialog import PatientDialog
from tests.factories import ACTOR, COLLEAGUE, make_episode, make_patient


def field(dialog: PatientDialog, accessible_name: str) -> QWidget:
    """Find an input the way a screen reader (and a clinician) knows it: by its label."""
    matches = [w for w in dialog.findChildren(QWidget) if w.accessibleName() == accessible_name
               and isinstance(w, QLineEdit | QComboBox | QPlainTextEdit)]
    assert len(matches) == 1, accessible_name
    return matches[0]


def type_into(dialog: PatientDialog, values: dict[str, str]) -> None:
    for name, value in values.items():
        widget = field(dialog, name)
        if isinstance(widget, QComboBox):
            widget.setCurrentIndex(widget.findText(value))
            assert widget.currentText() == value
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText(value)
        else:
            widget.setText(value)  # type: ignore[attr-defined]


def click_save(dialog: PatientDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def error_text(dialog: PatientDialog, key: str) -> str:
    label = dialog.findChild(QLabel, f"{key}_error")
    assert label is not None
    return label.text() if not label.isHidden() else ""


VALID = {
    "MRN": "pt-4242", "First name": "Maya", "Last name": "Okafor", "Date of birth": "1991-07-19",
    "Sex": "Female", "Dominant leg": "Right", "Phone": "555-0102", "Email": "maya@example.com",
    "Address": "12 Hill Road", "Referring physician": "Dr. Lin", "Alerts": "Latex allergy",
    "Diagnosis": "Patellofemoral pain syndrome", "ICD-10 code": "m22.2x1", "Affected side": "Left",
    "Onset date": "2026-08-01", "Start of care": "2026-09-01",
    "Goal": "Run 10 km without knee pain", "Goal target date": "2027-01-15",
}


def test_every_input_is_named_by_its_label(qtbot, ctx: AppContext) -> None:
    dialog = PatientDialog(ctx)
    qtbot.addWidget(dialog)
    captions = {lbl.buddy(): lbl.text().rstrip(":").replace("&", "")
                for lbl in dialog.findChildren(QLabel) if lbl.buddy() is not None}
    assert len(dialog.inputs) == 22  # 12 patient fields, the handout language, 9 episode fields
    for key, widget in dialog.inputs.items():
        assert widget.objectName() == key
        assert captions[widget] == widget.accessibleName() != ""


def test_birth_date_starts_blank_never_today(qtbot, ctx: AppContext) -> None:
    dialog = PatientDialog(ctx)
    qtbot.addWidget(dialog)
    assert field(dialog, "Date of birth").text() == ""  # type: ignore[attr-defined]


def test_bad_input_is_explained_by_each_field_and_kept(qtbot, ctx: AppContext,
                                                       session_factory: SessionFactory) -> None:
    dialog = PatientDialog(ctx)
    qtbot.addWidget(dialog)
    typed = {"MRN": "x", "First name": "", "Last name": "R2D2", "Date of birth": "1990-13-01",
             "Email": "maya@", "Diagnosis": "", "Onset date": "2026-10-01",
             "Start of care": "2026-09-01"}
    type_into(dialog, typed)
    click_save(dialog)
    assert dialog.result() == 0 and count_patients(session_factory, actor=ACTOR) == 0
    assert "3–20 letters" in error_text(dialog, "mrn")
    assert error_text(dialog, "first_name") == "First name is required."
    assert error_text(dialog, "last_name") == "Last name should not contain digits."
    assert "YYYY-MM-DD" in error_text(dialog, "date_of_birth")
    assert "incomplete" in error_text(dialog, "email")
    assert error_text(dialog, "diagnosis") == "Diagnosis is required."
    assert "affected side" in error_text(dialog, "affected_side")
    assert error_text(dialog, "onset_date") == "Onset cannot be after the start of care."
    assert error_text(dialog, "phone") == ""
    summary = dialog.summary_label.text()
    assert summary.startswith("Not saved yet") and "MRN" in summary and "Date of birth" in summary
    for name, value in typed.items():  # nothing the clinician typed is lost
        assert field(dialog, name).text() == value  # type: ignore[attr-defined]


def test_date_is_checked_while_typing(qtbot, ctx: AppContext) -> None:
    dialog = PatientDialog(ctx)
    qtbot.addWidget(dialog)
    edit = field(dialog, "Date of birth")
    qtbot.keyClicks(edit, "1990-02")
    assert error_text(dialog, "date_of_birth") == ""  # not complete yet: no nagging
    qtbot.keyClicks(edit, "-30")
    assert "real date" in error_text(dialog, "date_of_birth")
    edit.clear()  # type: ignore[attr-defined]
    qtbot.keyClicks(edit, "1990-02-28")
    assert error_text(dialog, "date_of_birth") == ""


def test_valid_save_registers_patient_and_first_episode(qtbot, ctx: AppContext,
                                                        session_factory: SessionFactory) -> None:
    dialog = PatientDialog(ctx)
    qtbot.addWidget(dialog)
    type_into(dialog, VALID)
    with qtbot.waitSignal(ctx.signals.patient_changed) as changed:
        click_save(dialog)
    assert dialog.result() == 1
    assert changed.args == [dialog.patient_id]
    patient = get_patient(session_factory, actor=ACTOR, patient_id=dialog.patient_id)
    assert (patient.mrn, patient.first_name, patient.last_name) == ("PT-4242", "Maya", "Okafor")
    assert patient.date_of_birth == date(1991, 7, 19)
    assert (patient.sex, patient.dominant_leg, patient.alerts) == ("female", "right", "Latex allergy")
    assert (patient.email, patient.address, patient.referring_physician) == \
        ("maya@example.com", "12 Hill Road", "Dr. Lin")
    episode = active_episode(session_factory, patient.id, actor=ACTOR)
    assert episode is not None and episode.id == dialog.episode_id
    assert (episode.diagnosis, episode.icd10_code, episode.affected_side) == \
        ("Patellofemoral pain syndrome", "M22.2X1", "left")
    assert (episode.onset_date, episode.start_date) == (date(2026, 8, 1), date(2026, 9, 1))
    assert [(g.description, g.target_date) for g in episode.goals] == \
        [("Run 10 km without knee pain", date(2027, 1, 15))]


def test_episode_section_is_optional(qtbot, ctx: AppContext, session_factory: SessionFactory) -> None:
    dialog = PatientDialog(ctx)
    qtbot.addWidget(dialog)
    type_into(dialog, {k: VALID[k] for k in ("MRN", "First name", "Last name", "Date of birth")})
    dialog.episode_box.setChecked(False)
    click_save(dialog)
    assert dialog.result() == 1
    assert list_episodes(session_factory, dialog.patient_id, actor=ACTOR) == []


def test_taken_mrn_is_shown_under_mrn(qtbot, ctx: AppContext, session_factory: SessionFactory) -> None:
    make_patient(session_factory, mrn="PT-4242")
    dialog = PatientDialog(ctx)
    qtbot.addWidget(dialog)
    type_into(dialog, VALID)
    click_save(dialog)
    assert dialog.result() == 0
    assert error_text(dialog, "mrn") == "MRN PT-4242 is already used by another patient."
    assert count_patients(session_factory, actor=ACTOR) == 1
    assert field(dialog, "First name").text() == "Maya"  # type: ignore[attr-defined]


def test_edit_loads_and_saves_changes(qtbot, ctx: AppContext, session_factory: SessionFactory) -> None:
    pid = make_patient(session_factory, mrn="PT-1", first="Alex", last="Runner").id
    make_episode(session_factory, pid)
    dialog = PatientDialog(ctx, pid)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Edit patient"
    assert field(dialog, "Last name").text() == "Runner"  # type: ignore[attr-defined]
    assert field(dialog, "Date of birth").text() == "1990-04-02"  # type: ignore[attr-defined]
    # An active episode exists: no second one is offered; its facts are shown for editing.
    assert not dialog.episode_panel.isHidden() and not dialog.episode_box.isCheckable()
    assert dialog.episode_box.title() == "Episode of care"
    assert field(dialog, "Diagnosis").text() == "Patellofemoral pain syndrome"  # type: ignore[attr-defined]
    assert not field(dialog, "Start of care").isVisibleTo(dialog)
    type_into(dialog, {"Last name": "Rivera", "Phone": "555-0199"})
    click_save(dialog)
    assert dialog.result() == 1
    saved = get_patient(session_factory, actor=ACTOR, patient_id=pid)
    assert (saved.last_name, saved.phone, saved.first_name) == ("Rivera", "555-0199", "Alex")
    assert len(list_episodes(session_factory, pid, actor=ACTOR)) == 1
    assert [p.last_name for p in search_patients(session_factory, "riv", actor=ACTOR)] == ["Rivera"]


def test_edit_offers_an_episode_when_none_is_active(qtbot, ctx: AppContext,
                                                   session_factory: SessionFactory) -> None:
    pid = make_patient(session_factory).id
    dialog = PatientDialog(ctx, pid)
    qtbot.addWidget(dialog)
    assert not dialog.episode_panel.isHidden() and not dialog.episode_box.isChecked()
    dialog.episode_box.setChecked(True)
    type_into(dialog, {"Diagnosis": "IT band syndrome", "Affected side": "Right",
                       "Start of care": "2026-10-01"})
    click_save(dialog)
    assert dialog.result() == 1
    episode = active_episode(session_factory, pid, actor=ACTOR)
    assert episode is not None and episode.diagnosis == "IT band syndrome"


def test_edit_conflict_keeps_the_form(qtbot, ctx: AppContext, session_factory: SessionFactory,
                                      monkeypatch) -> None:
    from ptdesk.services.patients import PatientInput, update_patient

    pid = make_patient(session_factory, mrn="PT-1").id
    dialog = PatientDialog(ctx, pid)
    qtbot.addWidget(dialog)
    update_patient(session_factory, actor=COLLEAGUE, patient_id=pid, data=PatientInput(
        mrn="PT-1", first_name="Alex", last_name="Other", date_of_birth=date(1990, 4, 2)))
    type_into(dialog, {"Last name": "Mine"})
    click_save(dialog)
    assert dialog.result() == 0
    # The conflict dialog (tests/ui/test_conflict_dialog.py) explains it; the form stays.
    assert "someone else changed this patient" in dialog.summary_label.text()
    assert dialog.conflicts.dialog is not None and dialog.conflicts.dialog.isVisible()
    assert field(dialog, "Last name").text() == "Mine"  # type: ignore[attr-defined]
    assert get_patient(session_factory, actor=ACTOR, patient_id=pid).last_name == "Other"


# --- handout language (issue 21) ---------------------------------------------------------


def test_new_patient_handout_language_is_chosen_and_saved(qtbot, ctx: AppContext,
                                                          session_factory: SessionFactory) -> None:
    dialog = PatientDialog(ctx)
    qtbot.addWidget(dialog)
    combo = field(dialog, "Handout language")
    assert isinstance(combo, QComboBox)
    assert [combo.itemText(i) for i in range(combo.count())] == ["English", "Español"]
    assert combo.currentText() == "English"  # the default for a new patient
    dialog.episode_box.setChecked(False)
    type_into(dialog, {k: VALID[k] for k in ("MRN", "First name", "Last name", "Date of birth")})
    type_into(dialog, {"Handout language": "Español"})
    click_save(dialog)
    assert dialog.result() == 1 and dialog.patient_id is not None
    saved = get_patient(session_factory, actor=ACTOR, patient_id=dialog.patient_id)
    assert saved.handout_language == "es"


def test_editing_other_fields_keeps_the_stored_language(qtbot, ctx: AppContext,
                                                       session_factory: SessionFactory) -> None:
    pid = make_patient(session_factory, mrn="PT-5", handout_language="es").id
    make_episode(session_factory, pid)
    dialog = PatientDialog(ctx, pid)
    qtbot.addWidget(dialog)
    assert field(dialog, "Handout language").currentText() == "Español"  # type: ignore[attr-defined]
    type_into(dialog, {"Phone": "555-0177"})
    click_save(dialog)
    assert dialog.result() == 1
    saved = get_patient(session_factory, actor=ACTOR, patient_id=pid)
    assert (saved.phone, saved.handout_language) == ("555-0177", "es")
    # And it can be changed back.
    dialog = PatientDialog(ctx, pid)
    qtbot.addWidget(dialog)
    type_into(dialog, {"Handout language": "English"})
    click_save(dialog)
    assert get_patient(session_factory, actor=ACTOR, patient_id=pid).handout_language == "en"


def test_a_conflict_keeps_the_chosen_language_in_the_form(qtbot, ctx: AppContext,
                                                         session_factory: SessionFactory) -> None:
    from ptdesk.services.patients import PatientInput, update_patient

    pid = make_patient(session_factory, mrn="PT-6").id
    dialog = PatientDialog(ctx, pid)
    qtbot.addWidget(dialog)
    update_patient(session_factory, actor=COLLEAGUE, patient_id=pid, data=PatientInput(
        mrn="PT-6", first_name="Alex", last_name="Other", date_of_birth=date(1990, 4, 2)))
    type_into(dialog, {"Handout language": "Español"})
    click_save(dialog)
    assert dialog.result() == 0
    assert field(dialog, "Handout language").currentText() == "Español"  # type: ignore[attr-defined]
    assert get_patient(session_factory, actor=ACTOR, patient_id=pid).handout_language == "en"
