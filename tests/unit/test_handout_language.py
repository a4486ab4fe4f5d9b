"""The handout phrase table: same phrases in every language, English unchanged, plain Spanish."""

from __future__ import annotations

import datetime as dt
import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptdesk.domain import exercise_values as ev
from ptdesk.domain import handout_dosage as hd
from ptdesk.domain import handout_language as hl
from ptdesk.domain.pain_words import (
    EXERCISE_ACTIONS,
    LIGHT_WORDS,
    RUN_ACTIONS,
    exercise_pain_lights,
    light_words,
)
from ptdesk.domain.runplan.painrules import PainRules

# Sample values for the placeholders, so a phrase is measured as it prints.
_SAMPLES = {"clinic": "Riverside", "phone": "555 0100", "n": 3, "total": 4, "low": 0,
            "high": 3, "range": "0 to 3", "sets": 3, "reps": 10, "amount": "10",
            "hold": "5", "times": "2", "date": "4", "start": "4", "end": "9",
            "pct": 10, "measure": "km", "unit": "km", "run": "2 min", "walk": "1 min",
            "time": "5:00", "first": 3, "last": 8}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_every_english_phrase_with_the_same_blanks() -> None:
    english = hl.PHRASES[hl.ENGLISH]
    for language in hl.HANDOUT_LANGUAGES:
        table = hl.PHRASES[language]
        assert set(table) == set(english), language
        for key, text in table.items():
            assert text.strip(), (language, key)
            assert _fields(text) == _fields(english[key]), (language, key)
        assert len(hl.WEEKDAYS[language]) == 7 and len(hl.MONTHS[language]) == 12


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="fr"):
        hl.phrase("fr", "sheet.title")


def test_dates_are_written_out() -> None:
    day = dt.date(2026, 9, 26)
    assert hl.long_date(day, "en") == "September 26, 2026"
    assert hl.long_date(day, "es") == "26 de septiembre de 2026"


def test_english_pain_words_are_what_the_run_plan_prints() -> None:
    assert LIGHT_WORDS == {"green": "GO", "amber": "HOLD", "red": "STOP"}
    assert RUN_ACTIONS["amber"] == "Repeat the week" and EXERCISE_ACTIONS["amber"] == "Ease off"
    assert light_words("es") == {"green": "SIGA", "amber": "ESPERE", "red": "PARE"}
    rules = PainRules()
    spanish = dict(exercise_pain_lights(rules, "es"))
    assert f"0 a {rules.progress_max_pain} de 10" in spanish["green"]
    assert f"más de {rules.hold_max_pain} de 10" in spanish["red"]


_DOSAGES = st.builds(
    lambda sets, reps, hold, minutes, per_day, per_week: ev.Dosage(
        sets, reps if not minutes else 0, hold if not minutes else 0,
        per_day, 0 if per_day else per_week, "", minutes),
    st.integers(1, 6), st.integers(0, 30), st.integers(0, 120), st.sampled_from([0, 0, 1, 20]),
    st.integers(0, 3), st.integers(1, 7),
).filter(lambda d: d.minutes or d.reps or d.hold_seconds)


@given(_DOSAGES, st.sampled_from(["left", "right", "both", "each"]),
       st.sampled_from(["leg", "side", ""]))
def test_english_dosage_words_match_the_library_wording(dosage: ev.Dosage, side: str,
                                                        limb: str) -> None:
    # The sheet words the dose from the table; in English it must read as it always has.
    assert hd.dosage_words(dosage, side, limb=limb) == ev.dosage_in_words(dosage, side, limb=limb)
    assert hd.amount_words(dosage) == ev.amount_in_words(dosage)
    assert hd.frequency_words(dosage) == ev.frequency_in_words(dosage)
    spanish = hd.dosage_words(dosage, side, limb=limb, language="es")
    assert not re.search(r"\b(sets?|times|seconds?|minutes?|a day|a week|leg|legs)\b", spanish)


def test_spanish_dosage_reads_naturally() -> None:
    assert hd.dosage_words(ev.Dosage(3, 15, 0, 1, 0), "each") == "3 sets of 15, each leg, once a day"
    assert (hd.dosage_words(ev.Dosage(3, 15, 0, 1, 0), "each", language="es")
            == "3 series de 15, cada pierna, 1 vez al día")
    assert (hd.dosage_words(ev.Dosage(3, 0, 30, 0, 3), "left", limb="side", language="es")
            == "Aguante 30 segundos, 3 veces, lado izquierdo, 3 días por semana")
    assert (hd.dosage_words(ev.Dosage(1, 10, 5, 2, 0), "both", language="es")
            == "10 veces, aguante cada una 5 segundos, ambas piernas, 2 veces al día")
    assert hd.side_label("both", "leg", "es") == "Ambas piernas juntas"
    assert hd.side_label("each", "", "es") == ""


# --- reading level ------------------------------------------------------------------------
# Sentences are measured like the library's texts (tests/unit/test_exercise_texts.py);
# labels of a few words ("Cuánto:", "Pierna izquierda") have no sentence to measure, so
# they are held short instead.


def _filled(text: str) -> str:
    return text.format(**{k: _SAMPLES[k] for k in _fields(text)})


def _sentences(language: str) -> list[str]:
    return [_filled(t) for t in hl.PHRASES[language].values() if len(t.split()) >= 5]


def _labels(language: str) -> list[str]:
    return [t for t in hl.PHRASES[language].values() if len(t.split()) < 5]


def _fk_grade(text: str) -> float:
    from textstat.backend import metrics

    return float(metrics.flesch_kincaid_grade(text, "en_US"))


def _fernandez_huerta(text: str) -> float:
    from textstat.backend import metrics

    return float(metrics.fernandez_huerta(text, "es"))


def test_the_measures_are_measuring() -> None:
    assert _sentences("es") and _sentences("en")
    assert _fernandez_huerta("La reeducación propioceptiva facilita la estabilización "
                             "neuromuscular tras una lesión ligamentosa.") < 80


def test_english_phrases_read_at_grade_six_or_lower() -> None:
    hard = {t: round(_fk_grade(t), 1) for t in _sentences("en") if _fk_grade(t) > 6}
    assert hard == {}


def test_spanish_phrases_are_easy_by_fernandez_huerta() -> None:
    hard = {t: round(_fernandez_huerta(t), 1) for t in _sentences("es")
            if _fernandez_huerta(t) < 80}
    assert hard == {}


@pytest.mark.parametrize("language", hl.HANDOUT_LANGUAGES)
def test_labels_stay_short(language: str) -> None:
    assert all(len(t) <= 40 for t in _labels(language)), _labels(language)
