"""The exercise sheet from a real chart, read back with pypdf: pages, one dosage voice, pain box.

SQLite only: what is under test is the printed sheet, not the database engine.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import replace
from decimal import Decimal

import pypdf
import pytest

from ptdesk.db.engine import SessionFactory
from ptdesk.domain import exercise_library as lib
from ptdesk.domain.handout_notes import NEXT_STEP
from ptdesk.domain.runplan import PainRules, PlanInputs
from ptdesk.reports.exercise_sheet import SUMMARY_TITLE, render_exercise_sheet
from ptdesk.services import handouts
from ptdesk.services.exercises import list_exercises, sync_library
from ptdesk.services.prescriptions import DosedItem, items_from_template, save_prescription
from ptdesk.services.runplans import save_plan
from tests.factories import ACTOR, make_patient

pytestmark = pytest.mark.sqlite_only
LIBRARY = lib.load_library()
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30}
# A number said with a dose unit: "20 holds", "10 seconds", "50 in one set", "4 sets".
_DOSE = re.compile(r"\b(\d+|" + "|".join(_NUMBER_WORDS) + r")\s+(?:seconds?|holds?|"
                   r"sets?|times|reps|in (?:one|each) set|in a row|on each)\b", re.IGNORECASE)
# Minutes compete only with a dosage counted in minutes (cross-training, drills).
_MINUTES = re.compile(r"\b(\d+|" + "|".join(_NUMBER_WORDS) + r")\s+minutes?\b", re.IGNORECASE)


def _flat(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def _pages(pdf: bytes) -> list[str]:
    return [_flat(page.extract_text()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def _rows(sf: SessionFactory) -> dict[str, object]:
    sync_library(sf)
    return {info.library_id: info for info in list_exercises(sf) if info.library_id}


def _prescribe(sf: SessionFactory, patient_id: int, items: list[DosedItem]) -> None:
    save_prescription(sf, actor=ACTOR, patient_id=patient_id, items=items,
                      effective_date=dt.date(2026, 11, 2))


def _item(info: object, **dose: object) -> DosedItem:
    d = info.dosage  # type: ignore[attr-defined]
    base = {"sets": d.sets, "reps": d.reps, "hold_seconds": d.hold_seconds,
            "minutes": d.minutes, "per_day": d.per_day, "per_week": d.per_week,
            "side": info.side}  # type: ignore[attr-defined]
    return DosedItem(exercise_id=info.id, **{**base, **dose})  # type: ignore[attr-defined, arg-type]


def _beyond_every_target(d: lib.Dosage) -> dict[str, int]:
    """A non-default dosage past any build-up target in the library (and a new frequency)."""
    if d.minutes:
        return {"minutes": 45, "sets": 1, "per_day": 0, "per_week": 5}
    out = {"sets": 5, "per_day": 2, "per_week": 0}
    if d.reps:
        out["reps"] = 60
    if d.hold_seconds:
        out["hold_seconds"] = 90
    return out


def _cards(text: str, names: list[str]) -> dict[str, str]:
    """Each card's text, cut at the next card's heading ("2. Name")."""
    starts = [text.index(f"{n}. {_flat(name)}") for n, name in enumerate(names, start=1)]
    ends = [*starts[1:], len(text)]
    return {name: text[a:b] for name, a, b in zip(names, starts, ends, strict=True)}


def test_four_exercises_on_two_pages_and_eight_on_four(session_factory: SessionFactory) -> None:
    sync_library(session_factory)
    patient = make_patient(session_factory)
    items = items_from_template(session_factory, "runners_knee_phase_1")
    assert len(items) == 8
    for count, most in ((4, 2), (8, 4)):
        _prescribe(session_factory, patient.id, items[:count])
        pdf = handouts.exercise_sheet_pdf(session_factory, actor=ACTOR, patient_id=patient.id)
        pages = _pages(pdf)
        assert len(pages) <= most, (count, len(pages))
        # No blank page: every page carries at least one exercise card.
        assert all(re.search(r"\b\d+\. [A-Z]", page) for page in pages), pages
        # Page 1 carries the warnings and the first exercise.
        assert "Stop and call us if" in pages[0] and f"1. {items[0].exercise_name}" in pages[0]
        assert "Check your pain" in pages[0]


def test_compact_fits_four_to_a_page_and_summary_adds_one_page(
        session_factory: SessionFactory) -> None:
    rows = _rows(session_factory)
    patient = make_patient(session_factory)
    ids = [e for t in ("hip_glute_strength", "opposite_ankle_sprain")
           for e in (i.exercise for i in lib.load_templates()[t].items)]
    assert len(ids) == 15
    _prescribe(session_factory, patient.id, [_item(rows[i]) for i in ids])
    standard = handouts.exercise_sheet(session_factory, actor=ACTOR, patient_id=patient.id)
    compact = replace(standard, compact=True)
    standard_pages = _pages(render_exercise_sheet(standard))
    compact_pages = _pages(render_exercise_sheet(compact))
    # Page 1 holds the warnings; every later page but the last holds four cards.
    assert len(compact_pages) <= 1 + -(-(len(ids) - 1) // 4)
    assert len(compact_pages) < len(standard_pages)
    with_summary = _pages(handouts.exercise_sheet_pdf(session_factory, actor=ACTOR,
                                                      patient_id=patient.id, compact=True,
                                                      summary=True))
    assert len(with_summary) == len(compact_pages) + 1
    summary = with_summary[-1]
    assert SUMMARY_TITLE in summary
    for library_id in ids:
        assert _flat(LIBRARY[library_id].name) in summary


def test_every_exercise_prescribed_off_default_prints_no_contradiction(
        session_factory: SessionFactory) -> None:
    rows = _rows(session_factory)
    assert set(rows) == set(LIBRARY)
    patient = make_patient(session_factory)
    doses = {i: _beyond_every_target(LIBRARY[i].dosage) for i in sorted(LIBRARY)}
    _prescribe(session_factory, patient.id, [_item(rows[i], **doses[i]) for i in doses])
    sheet = handouts.exercise_sheet(session_factory, actor=ACTOR, patient_id=patient.id)
    text = " ".join(_pages(render_exercise_sheet(sheet)))
    cards = _cards(text, [LIBRARY[i].name for i in doses])
    for library_id, dose in doses.items():
        card = cards[LIBRARY[library_id].name]
        allowed = {v for v in dose.values() if v}
        # Rest between sets is not part of the prescribed dosage ("Rest two minutes").
        card = re.sub(r"[^.]*\b[Rr]est\b[^.]*\.", "", card)
        numbers = _DOSE.findall(card) + (_MINUTES.findall(card) if "minutes" in dose else [])
        for number in numbers:
            value = _NUMBER_WORDS.get(number.lower()) or int(number)
            assert value in allowed, (library_id, number, card)
        assert "Build up to" not in card and "build up to" not in card, library_id
    # The example: the library's own pace never prints beside a different dosage.
    assert "Build up to 20 holds of 10 seconds each" not in text  # (2 sets of 10)


def test_a_changed_dosage_below_the_target_is_the_therapists_call(
        session_factory: SessionFactory) -> None:
    rows = _rows(session_factory)
    patient = make_patient(session_factory)
    _prescribe(session_factory, patient.id, [_item(rows["wall_squat"], sets=2, reps=8),
                                             _item(rows["side_plank"])])
    text = " ".join(_pages(handouts.exercise_sheet_pdf(session_factory, actor=ACTOR,
                                                       patient_id=patient.id)))
    assert f"{NEXT_STEP}build up to 20 holds of 10 seconds each (2 sets of 10)." in text
    assert "Build up to 45 seconds." in text  # side plank at the library's own dosage


def test_cross_references_only_to_exercises_on_the_sheet(session_factory: SessionFactory) -> None:
    rows = _rows(session_factory)
    patient = make_patient(session_factory)
    _prescribe(session_factory, patient.id, [_item(rows["heel_raise_with_ball"])])
    alone = " ".join(_pages(handouts.exercise_sheet_pdf(session_factory, actor=ACTOR,
                                                        patient_id=patient.id)))
    assert "tibialis posterior stretch" not in alone.lower()
    _prescribe(session_factory, patient.id, [_item(rows["calf_raise"]),
                                             _item(rows["heel_raise_with_ball"]),
                                             _item(rows["tibialis_posterior_stretch"])])
    both = " ".join(_pages(handouts.exercise_sheet_pdf(session_factory, actor=ACTOR,
                                                       patient_id=patient.id)))
    assert "do the tibialis posterior stretch. (number 3 on this sheet)" in both
    assert "right after the heel raises with a ball. (number 2 on this sheet)" in both


def test_clinicians_note_prints_as_written_with_the_library_note(
        session_factory: SessionFactory) -> None:
    rows = _rows(session_factory)
    patient = make_patient(session_factory)
    note = "Only on the left; stop at 3/10 & tell me <next visit>."
    _prescribe(session_factory, patient.id, [_item(rows["ankle_alphabet"], note=note)])
    text = " ".join(_pages(handouts.exercise_sheet_pdf(session_factory, actor=ACTOR,
                                                       patient_id=patient.id)))
    assert f"Note from your therapist: {note}" in text
    assert LIBRARY["ankle_alphabet"].dosage.note in text  # how to count, true for any dose


def test_pain_box_uses_the_run_plans_words_and_thresholds(session_factory: SessionFactory) -> None:
    sync_library(session_factory)
    patient = make_patient(session_factory)
    _prescribe(session_factory, patient.id,
               items_from_template(session_factory, "runners_knee_phase_1")[:2])
    default = _pages(handouts.exercise_sheet_pdf(session_factory, actor=ACTOR,
                                                 patient_id=patient.id))[0]
    for word in ("GO", "HOLD", "STOP", "Pain 0 to 3 out of 10", "Pain above 5 out of 10"):
        assert word in default
    save_plan(session_factory, actor=ACTOR, patient_id=patient.id,
              inputs=PlanInputs("km", 3, "2", "15", current_weekly=3 * Decimal("2"), start=dt.date(2026, 11, 23)),
              rules=PainRules(2, 4))
    own = _pages(handouts.exercise_sheet_pdf(session_factory, actor=ACTOR,
                                             patient_id=patient.id))[0]
    assert "Pain 0 to 2 out of 10" in own and "Pain 3 to 4 out of 10" in own
    plan = " ".join(_pages(handouts.runplan_pdf(session_factory, actor=ACTOR,
                                                patient_id=patient.id)))
    assert "Pain 0 to 2 out of 10" in plan and "STOP" in plan


def test_side_words_fit_the_body_part_and_notes_are_said_once(
        session_factory: SessionFactory) -> None:
    rows = _rows(session_factory)
    patient = make_patient(session_factory)
    own = LIBRARY["cycling"].off_days_note
    _prescribe(session_factory, patient.id, [_item(rows["side_plank"], side="each"),
                                             _item(rows["cycling"], note=own)])
    sheet = handouts.exercise_sheet(session_factory, actor=ACTOR, patient_id=patient.id,
                                    summary=True)
    plank, cycling = sheet.items
    assert plank.side_text == "Each side" and "each side" in plank.dosage_text
    assert own not in cycling.library_notes and cycling.note == own
    text = " ".join(_pages(render_exercise_sheet(sheet)))
    assert text.count(own) == 1
    assert "Each leg" not in text
