"""Note text from the exam: S, O, A and P drafted from the structured evaluation (domain/note_draft.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from ptdesk.demo.generator import story_patients
from ptdesk.domain import evaluation as ev
from ptdesk.domain.note_draft import DraftContext, NoteDraft, draft_note
from tests.factories import full_evaluation

NORMAL_KNEES = (ev.KneeFindings("left", 140, 0, "none", (), "normal", "", "good", "good"),
                ev.KneeFindings("right", 141, 0, "none", (), "normal", "", "good", "good"))
ALL_NEGATIVE = tuple(ev.SpecialTestResult(t, s, "negative")
                     for t in ev.SPECIAL_TEST_KEYS for s in ("left", "right"))


def demo_0001() -> tuple[ev.Evaluation, DraftContext]:
    story = story_patients()[0]
    return story.visits[0].evaluation, DraftContext(story.affected_side,
                                                    story.injured_ankle_side, story.goals)


def test_demo_0001_draft_reads_like_the_clinicians_note() -> None:
    evaluation, context = demo_0001()
    note = draft_note(evaluation, context)
    # S: the history in her words, the running history and the prior sprain.
    assert note.subjective.startswith("Right knee feels weak, not painful")
    assert "Runs 3 mi a week now; 22 mi a week before the injury" in note.subjective
    assert "Rolled ankle (lateral sprain), not treated (left, " in note.subjective
    # O: every abnormal finding with its numbers, the LSI flags, the gait faults.
    assert "Hip abduction L 18 kg vs R 14.2 kg: LSI 79% (R ÷ L, below 90%)." in note.objective
    assert "Knee extension (quadriceps) L 38.5 kg vs R 31 kg: LSI 81%" in note.objective
    assert "Knee-to-wall L 7 cm vs R 11.5 cm: 4.5 cm less on the left" in note.objective
    assert "Ankle plantarflexion (calf) MMT L 4 / R 5" in note.objective
    assert "overstriding" in note.objective and "cadence 162 steps/min" in note.objective
    assert "R knee: single-leg squat with knee valgus; step-down with pelvic drop." \
        in note.objective
    # Normal findings are summarised in one line.
    normal = [line for line in note.objective.splitlines() if "normal limits" in line]
    assert len(normal) == 1 and "special tests negative (14 of 14" in normal[0]
    assert "no knee effusion" in normal[0]
    # A: diagnosis, problems, flags. P: frequency, plan, cadence cue, goals with dates.
    assert note.assessment.startswith("Working diagnosis: Right knee weakness")
    assert "(ICD-10 M62.81)" in note.assessment and "1. Right hip abductor" in note.assessment
    assert "hip abduction LSI 79%" in note.assessment
    assert note.plan.startswith("Frequency: Once a week for 6 weeks.")
    assert "Cadence cue: +7.5% to 174 steps/min" in note.plan
    assert "Finish the half marathon by 11 Apr 2027" in note.plan


def test_a_normal_knee_is_one_line_and_a_positive_test_is_named_with_its_side() -> None:
    normal = draft_note(ev.Evaluation(knees=NORMAL_KNEES, special_tests=ALL_NEGATIVE))
    assert normal.objective.count("\n") == 0
    assert normal.objective.startswith("Within normal limits: full knee range")
    tests = tuple(replace(t, result="positive") if (t.test, t.side) == ("ober", "left") else t
                  for t in ALL_NEGATIVE)
    one = draft_note(ev.Evaluation(knees=NORMAL_KNEES, special_tests=tests))
    assert "Positive Ober (L)." in one.objective.splitlines()
    assert "negative" in one.objective.splitlines()[-1]


def test_knee_range_short_of_normal_or_a_side_gap_is_a_finding() -> None:
    stiff = (replace(NORMAL_KNEES[0], flexion_deg=120), NORMAL_KNEES[1])
    note = draft_note(ev.Evaluation(knees=stiff))
    assert note.objective.splitlines()[0] == "Knee range flexion L 120° / R 141°, extension L 0° / R 0°."


def test_an_empty_evaluation_drafts_empty_boxes() -> None:
    assert draft_note(ev.Evaluation()) == NoteDraft()


def test_full_evaluation_covers_every_section() -> None:
    note = draft_note(full_evaluation(), DraftContext("right", "left",
                                                      (("Run 10 miles", date(2027, 3, 1)),)))
    assert all(note.by_field().values())
    assert "Positive Patellar grind (Clarke) (R)." in note.objective
    assert "Hip extension MMT L 5 / R 4-: a full grade or more apart." in note.objective
    assert "Goals: Run 10 miles by 1 Mar 2027." in note.plan


# ---- properties ----------------------------------------------------------------------------

forces = st.one_of(st.none(), st.floats(min_value=0.1, max_value=80, allow_nan=False).map(
    lambda v: round(v, 1)))


@st.composite
def strength_rows(draw: st.DrawFn) -> tuple[ev.StrengthMeasurement, ...]:
    rows = []
    for group in ev.STRENGTH_GROUP_KEYS:
        for side in ("left", "right"):
            value = draw(forces)
            if value is not None:
                rows.append(ev.StrengthMeasurement(group, side, "dynamometer", value=value,
                                                   unit="kg"))
    return tuple(rows)


@given(strength=strength_rows(), side=st.sampled_from(["left", "right", "both", None]),
       results=st.lists(st.sampled_from(ev.SPECIAL_TEST_RESULTS), min_size=14, max_size=14))
@settings(max_examples=80, deadline=None)
def test_draft_invariants(strength: tuple[ev.StrengthMeasurement, ...], side: str | None,
                          results: list[str]) -> None:
    tests = tuple(replace(t, result=r) for t, r in zip(ALL_NEGATIVE, results, strict=True))
    evaluation = ev.Evaluation(knees=NORMAL_KNEES, special_tests=tests, strength=strength)
    note = draft_note(evaluation, DraftContext(affected_side=side))
    assert note == draft_note(evaluation, DraftContext(affected_side=side))  # deterministic
    lines = note.objective.splitlines()
    # Normal findings never take more than one line; abnormal ones never hide in it.
    assert sum("Within normal limits" in line for line in lines) <= 1
    for test, result in zip(ALL_NEGATIVE, results, strict=True):
        if result == "positive":
            assert any(line.startswith("Positive ") and f"({test.side[0].upper()})" in line
                       for line in lines)
    # A flagged LSI is written with its number, and never as 90% or more.
    for line in lines:
        if "below 90%" in line:
            percent = int(line.split("LSI ")[1].split("%")[0])
            assert percent < 90
    assert "Flagged" not in note.assessment or "LSI" in note.assessment \
        or "grade" in note.assessment
