"""Handouts in the patient's language (issue 21): the exercise sheet in Spanish, read back with pypdf.

SQLite only: what is under test is the printed sheet and the stored preference, not the engine.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import string
from dataclasses import replace
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import inspect, text

from ptdesk.cli import main
from ptdesk.db.engine import SessionFactory, make_engine, make_session_factory
from ptdesk.db.migrate import downgrade, upgrade
from ptdesk.domain import exercise_library as lib
from ptdesk.domain import handout_dosage as hd
from ptdesk.domain import handout_language as hl
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.pain_words import light_words
from ptdesk.domain.runplan import PainRules, PlanInputs
from ptdesk.services import handouts
from ptdesk.services.exercises import add_custom_exercise, list_exercises, sync_library
from ptdesk.services.patients import PatientInput, get_patient, update_patient
from ptdesk.services.prescriptions import DosedItem, save_prescription
from ptdesk.services.runplans import save_plan
from tests.factories import ACTOR, ADMIN, PASSWORD, make_patient

pytestmark = pytest.mark.sqlite_only
LIBRARY = lib.load_library()
# Leg, trunk (side plank), timed hold, minutes, weekly and library notes, all on one sheet.
PROGRAMME = ("clamshell", "glute_bridge", "side_plank", "single_leg_balance", "cycling",
             "heel_raise_with_ball", "tibialis_posterior_stretch", "wall_squat")
CLINIC_NAME = "Clínica Norte"


def _flat(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def _text(pdf: bytes) -> str:
    return _flat(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages))


def _english_fixed_phrases() -> list[str]:
    """Every English fixed phrase as the literal pieces between its placeholders."""
    pieces = []
    for phrase in hl.PHRASES[hl.ENGLISH].values():
        for literal, *_ in string.Formatter().parse(phrase):
            piece = literal.strip(" ,.:()…")
            # Bare numbers and one-letter scraps say nothing about the language.
            if re.search(r"[A-Za-z]{2}", piece):
                pieces.append(piece)
    return pieces


def _found(piece: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(piece)}(?!\w)", text) is not None


@pytest.fixture
def programme(session_factory: SessionFactory) -> tuple[int, int]:
    """A patient with the library programme above plus one clinic exercise (no Spanish)."""
    from ptdesk.services.clinic import update_settings

    update_settings(session_factory, actor=ADMIN, name=CLINIC_NAME, phone="555 0100")
    sync_library(session_factory)
    rows = {i.library_id: i for i in list_exercises(session_factory) if i.library_id}
    custom = add_custom_exercise(
        session_factory, actor=ACTOR, name="Towel scrunch", category="strength",
        steps=("Sit with a towel under your foot.", "Pull the towel in with your toes."),
        dosage=lib.Dosage(2, 10, 0, 1, 0), purpose="Makes the small foot muscles work.")
    patient = make_patient(session_factory, first="Lucía", last="Gómez")
    items = [DosedItem(exercise_id=rows[i].id, sets=rows[i].dosage.sets, reps=rows[i].dosage.reps,
                       hold_seconds=rows[i].dosage.hold_seconds, minutes=rows[i].dosage.minutes,
                       per_day=rows[i].dosage.per_day, per_week=rows[i].dosage.per_week,
                       side=rows[i].side) for i in PROGRAMME]
    items[0] = replace(items[0], note="Haga esto antes de correr.")
    items.append(DosedItem(exercise_id=custom.id, sets=2, reps=10))
    save_prescription(session_factory, actor=ACTOR, patient_id=patient.id, items=items,
                      effective_date=dt.date(2026, 11, 2))
    return patient.id, custom.id


def _pdf(sf: SessionFactory, patient_id: int, language: str | None) -> bytes:
    return handouts.exercise_sheet_pdf(sf, actor=ACTOR, patient_id=patient_id, summary=True,
                                       language=language)


def test_spanish_sheet_has_no_english_fixed_phrase(session_factory: SessionFactory,
                                                   programme: tuple[int, int]) -> None:
    patient_id, _ = programme
    english = _text(_pdf(session_factory, patient_id, "en"))
    spanish = _text(_pdf(session_factory, patient_id, "es"))
    pieces = _english_fixed_phrases()
    # The English sheet shows the check can see its own phrases.
    assert sum(_found(p, english) for p in pieces) > 40
    # The clinic's own exercise prints in English: leave its card out of the check.
    library_part = spanish.split("Towel scrunch")[0] + spanish.split("Pull the towel in with "
                                                                        "your toes.")[-1]
    assert [p for p in pieces if _found(p, library_part)] == []
    assert " ".join(hl.WEEKDAYS["en"]) not in spanish
    assert hl.long_date(dt.date.today(), "en") not in spanish


def test_spanish_sheet_prints_the_spanish_phrases_and_library_text(
        session_factory: SessionFactory, programme: tuple[int, int]) -> None:
    patient_id, _ = programme
    sheet = handouts.exercise_sheet(session_factory, actor=ACTOR, patient_id=patient_id,
                                    language="es")
    spanish = _text(_pdf(session_factory, patient_id, "es"))
    for key in ("sheet.title", "sheet.for", "sheet.from", "sheet.date", "sheet.intro",
                "stop.title", *hl.STOP_KEYS, "pain.title", "card.tick", "card.how_much",
                "card.take_care", "card.note", "summary.title", "summary.exercise",
                "summary.how_much", "summary.when"):
        assert _flat(hl.phrase("es", key)) in spanish, key
    assert hl.phrase("es", "stop.call_at", clinic=CLINIC_NAME, phone="555 0100") in spanish
    assert "Página 1 de" in spanish and "Tel.: 555 0100" in spanish
    assert hl.long_date(dt.date.today(), "es") in spanish
    assert " ".join(hl.WEEKDAYS["es"]) in spanish
    assert all(word in spanish for word in light_words("es").values())
    for exercise_id, item in zip(PROGRAMME, sheet.items, strict=False):
        words = LIBRARY[exercise_id].text("es")
        assert item.name == words.name and _flat(words.name) in spanish
        assert all(_flat(step) in spanish for step in words.steps), exercise_id
        assert item.image_path is not None and item.image_path.parent.name == "es"
        dose = lib.Dosage(**{f: getattr(LIBRARY[exercise_id].dosage, f) for f in
                             ("sets", "reps", "hold_seconds", "per_day", "per_week", "minutes")})
        assert item.dosage_text == hd.dosage_words(dose, LIBRARY[exercise_id].side,
                                                   limb=LIBRARY[exercise_id].limb, language="es")
        assert _flat(item.dosage_text) in spanish
    assert "lado izquierdo" in spanish or "cada lado" in spanish  # the side plank's trunk side


def test_custom_exercise_without_spanish_prints_in_english_and_is_reported(
        session_factory: SessionFactory, programme: tuple[int, int]) -> None:
    patient_id, _ = programme
    assert handouts.exercises_without_language(session_factory, actor=ACTOR,
                                               patient_id=patient_id, language="es") == [
        "Towel scrunch"]
    assert handouts.exercises_without_language(session_factory, actor=ACTOR,
                                               patient_id=patient_id, language="en") == []
    spanish = _text(_pdf(session_factory, patient_id, "es"))
    assert "Towel scrunch" in spanish and "Pull the towel in with your toes." in spanish
    # Its dose is still in the sheet's words: only the clinic's own text stays English.
    assert "2 series de 10, cada pierna, 1 vez al día" in spanish


def test_preferred_language_is_stored_and_kept(session_factory: SessionFactory) -> None:
    patient = make_patient(session_factory, mrn="LANG-1", handout_language="es")
    assert get_patient(session_factory, actor=ACTOR, patient_id=patient.id).handout_language == "es"
    # A form without the chooser (None) leaves the stored language alone.
    data = PatientInput(mrn="LANG-1", first_name="Ana", last_name="Ruiz",
                        date_of_birth=dt.date(1990, 1, 1))
    updated = update_patient(session_factory, actor=ACTOR, patient_id=patient.id, data=data)
    assert updated.handout_language == "es"
    updated = update_patient(session_factory, actor=ACTOR, patient_id=patient.id,
                             data=replace(data, handout_language="en"))
    assert updated.handout_language == "en"
    assert make_patient(session_factory, mrn="LANG-2").handout_language == "en"
    with pytest.raises(ValidationError, match="Handout language"):
        make_patient(session_factory, mrn="LANG-3", handout_language="fr")


def test_cli_language_option_and_the_patients_default(
        session_factory: SessionFactory, programme: tuple[int, int], db_url: str,
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTDESK_PASSWORD", PASSWORD)
    patient_id, _ = programme
    mrn = get_patient(session_factory, actor=ACTOR, patient_id=patient_id).mrn
    args = ["--db", db_url, "--as", ACTOR, "handout"]
    out = tmp_path / "sheet.pdf"

    def sheet(*extra: str) -> str:
        assert main([*args, "exercises", mrn, "--out", str(out), *extra]) == 0
        return _text(out.read_bytes())

    assert hl.phrase("en", "sheet.title") in sheet()  # the patient prefers English
    assert hl.phrase("es", "sheet.title") in sheet("--language", "es")
    err = capsys.readouterr().err
    assert "Towel scrunch" in err and "Gómez" not in err and mrn not in err
    data = get_patient(session_factory, actor=ACTOR, patient_id=patient_id)
    update_patient(session_factory, actor=ACTOR, patient_id=patient_id, data=PatientInput(
        mrn=data.mrn, first_name=data.first_name, last_name=data.last_name,
        date_of_birth=data.date_of_birth, handout_language="es"))
    assert hl.phrase("es", "sheet.title") in sheet()  # now the patient's Spanish
    assert hl.phrase("en", "sheet.title") in sheet("--language", "en")
    capsys.readouterr()
    plan = tmp_path / "plan.pdf"
    save_plan(session_factory, actor=ACTOR, patient_id=patient_id,
              inputs=PlanInputs("km", 3, "2", "15", current_weekly="6",
                                start=dt.date(2026, 11, 23)),
              rules=PainRules(2, 4))
    # The run plan follows the same rule: the patient's Spanish by default, --language wins.
    assert main([*args, "runplan", mrn, "--out", str(plan)]) == 0
    assert "English" not in capsys.readouterr().err
    assert hl.phrase("es", "run.title") in _text(plan.read_bytes())
    assert main([*args, "runplan", mrn, "--out", str(plan), "--language", "en"]) == 0
    assert hl.phrase("en", "run.title") in _text(plan.read_bytes())
    assert main([*args, "runplan", mrn, "--out", str(plan), "--language", "es"]) == 0
    assert hl.phrase("es", "run.title") in _text(plan.read_bytes())
    with pytest.raises(SystemExit) as bad:
        main([*args, "exercises", mrn, "--out", str(out), "--language", "fr"])
    assert bad.value.code == 2


def test_migration_0010_adds_and_removes_the_column(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "m.db")
    upgrade(engine, "0009")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO patients (mrn, first_name, last_name, preferred_name, first_name_key, "
            "last_name_key, date_of_birth, sex, phone, email, address, referring_physician, "
            "dominant_leg, alerts, version, created_at, updated_at) VALUES ('OLD-1', 'A', 'B', "
            "'', 'a', 'b', "
            "'1990-01-01', 'unknown', '', '', '', '', 'unknown', '', 1, '2026-01-01 00:00:00', "
            "'2026-01-01 00:00:00')"))
    upgrade(engine, "0010")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT handout_language FROM patients")).scalar() == "en"
        with pytest.raises(Exception, match="CHECK"), conn.begin_nested():
            conn.execute(text("UPDATE patients SET handout_language = 'fr'"))
    downgrade(engine, "0009")
    assert "handout_language" not in {c["name"] for c in inspect(engine).get_columns("patients")}
    upgrade(engine)
    sf = make_session_factory(engine)
    assert sf  # the head still migrates on top
    engine.dispose()
