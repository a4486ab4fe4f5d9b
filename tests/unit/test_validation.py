"""Every validation rule refuses bad values with the field named and a plain message."""

from __future__ import annotations

from datetime import date

import pytest

from ptdesk.domain import evaluation as ev
from ptdesk.domain import validation as v
from ptdesk.domain.errors import ValidationError

TODAY = date(2026, 11, 21)


def _refused(field: str, call, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as info:
        call(*args, **kwargs)
    assert info.value.field == field
    assert info.value.message and info.value.message[0].isupper()
    return info.value.message


@pytest.mark.parametrize("value", [-1, 11, 100])
def test_nprs_out_of_range(value: int) -> None:
    assert "0–10" in _refused("nprs_now", v.validate_nprs, "nprs_now", value, "Pain now")


@pytest.mark.parametrize("value", [0, 5, 10])
def test_nprs_accepts_range(value: int) -> None:
    assert v.validate_nprs("nprs_now", value) == value


def test_nprs_rejects_non_integer() -> None:
    _refused("nprs_now", v.validate_nprs, "nprs_now", 2.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [-1, 166, float("nan")])
def test_knee_flexion_limits(value: float) -> None:
    _refused("knee_right.flexion_deg", v.validate_knee_flexion, "knee_right.flexion_deg", value)


def test_knee_extension_limits() -> None:
    _refused("x", v.validate_knee_extension, "x", 25)
    assert v.validate_knee_extension("x", -5) == -5


@pytest.mark.parametrize("grade", ["6", "4++", "", "five", None])
def test_mmt_grade_must_be_on_the_scale(grade: str | None) -> None:
    _refused("hip", v.validate_mmt, "hip", grade)


def test_every_mmt_grade_on_the_scale_is_accepted() -> None:
    for grade in v.MMT_GRADES:
        assert v.validate_mmt("hip", grade) == grade


def test_birth_date_cannot_be_in_the_future() -> None:
    msg = _refused("date_of_birth", v.validate_birth_date, date(2027, 1, 1), TODAY)
    assert "future" in msg


def test_birth_date_required_and_plausible() -> None:
    _refused("date_of_birth", v.validate_birth_date, None, TODAY)
    _refused("date_of_birth", v.validate_birth_date, date(1890, 1, 1), TODAY)


def test_visit_cannot_be_before_birth() -> None:
    msg = _refused("visit_date", v.validate_visit_date, date(1989, 1, 1), date(1990, 1, 1))
    assert "birth" in msg


@pytest.mark.parametrize("field,value", [("first_name", ""), ("first_name", "   "), ("first_name", "R2D2")])
def test_names_required_and_without_digits(field: str, value: str) -> None:
    _refused(field, v.validate_name, field, value, "First name")


def test_name_with_control_character_refused() -> None:
    _refused("last_name", v.validate_name, "last_name", "Bad\x00Name", "Last name")


@pytest.mark.parametrize("mrn", ["", "A", "has space", "-LEADING", "X" * 21, "ÅBC"])
def test_mrn_format(mrn: str) -> None:
    _refused("mrn", v.validate_mrn, mrn)


def test_mrn_normalised_to_upper_case() -> None:
    assert v.validate_mrn(" demo-0001 ") == "DEMO-0001"


def test_search_key_folds_case_and_accents() -> None:
    assert v.search_key("Zoë Ødegård-Núñez") == "zoe odegard-nunez"
    assert v.search_key("STRAßE") == "strasse"
    assert v.search_key("Işık Þórðarson") == "isik thordarson"


def test_evaluation_section_errors_name_the_field() -> None:
    bad = ev.Evaluation(knees=(ev.KneeFindings("right", flexion_deg=200),))
    _refused("knee_right.flexion_deg", bad.validate)
    bad = ev.Evaluation(subjective=ev.SubjectiveFindings(nprs_best=7, nprs_worst=3))
    _refused("nprs_best", bad.validate)
    bad = ev.Evaluation(strength=(ev.StrengthMeasurement("hip_abduction", "left", "dynamometer"),))
    _refused("strength.hip_abduction.left", bad.validate)
    bad = ev.Evaluation(gait=ev.GaitFindings(cadence_spm=400))
    _refused("gait.cadence_spm", bad.validate)
    bad = ev.Evaluation(assessment=ev.AssessmentPlan(icd10_code="knee"))
    _refused("icd10_code", bad.validate)
    bad = ev.Evaluation(ankles=(ev.AnkleFindings("left", knee_to_wall_cm=-3),))
    _refused("ankle_left.knee_to_wall_cm", bad.validate)


def test_cadence_target_is_computed_from_measured_cadence() -> None:
    gait = ev.GaitFindings(cadence_spm=160, cadence_target_pct=7.5)
    assert gait.cadence_target_spm == 172
    assert ev.GaitFindings(cadence_spm=160).cadence_target_spm is None


def _every_text_field() -> list[tuple[str, ev.Evaluation]]:
    """(field key, an evaluation whose only odd value is a NUL in that text field)."""
    from dataclasses import fields, replace

    from ptdesk.domain.readiness import ReadinessFindings

    sections: list[tuple[str, str, object]] = [
        ("subjective", "", ev.SubjectiveFindings()), ("assessment", "", ev.AssessmentPlan()),
        ("gait", "gait.", ev.GaitFindings()), ("readiness", "readiness.", ReadinessFindings()),
        ("knees", "knee_left.", ev.KneeFindings("left")),
        ("ankles", "ankle_left.", ev.AnkleFindings("left"))]
    def evaluation(key: str, part: object) -> ev.Evaluation:
        return ev.Evaluation(**{key: (part,) if key in ("knees", "ankles") else part})

    found = []
    for key, prefix, part in sections:
        for each in fields(part):  # type: ignore[arg-type]
            if each.type != "str" or each.name == "side":
                continue
            plain = evaluation(key, replace(part, **{each.name: "ok"}))  # type: ignore[type-var]
            try:  # free text takes "ok"; a choice or a code is refused by its own rule first
                plain.validate()
                free = True
            except ValidationError:
                free = False
            bad = replace(part, **{each.name: "ok\x00then"})  # type: ignore[type-var]
            found.append((prefix + each.name, free, evaluation(key, bad)))
    injury = ev.PriorInjury("Rolled ankle\x00", "left")
    found.append(("prior_injuries.description", True, ev.Evaluation(
        subjective=ev.SubjectiveFindings(prior_injuries=(injury,)))))
    return found


@pytest.mark.parametrize(("key", "free", "evaluation"), _every_text_field(),
                         ids=[key for key, _, _ in _every_text_field()])
def test_a_control_character_in_any_text_of_the_evaluation_is_refused_at_its_field(
        key: str, free: bool, evaluation: ev.Evaluation) -> None:
    # A NUL in a knee note passed validation and then failed the save on PostgreSQL.
    with pytest.raises(ValidationError) as refused:
        evaluation.validate()
    assert refused.value.field == key
    if free:
        assert "control character" in refused.value.message
