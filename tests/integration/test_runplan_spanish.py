"""The run plan in the patient's language (issue 21): every fixed phrase from the one table."""

from __future__ import annotations

import datetime as dt
import io
import re
import string
from dataclasses import replace
from decimal import Decimal

import pypdf
import pytest

from ptdesk.domain import handout_language as hl
from ptdesk.domain.runplan import PainRules, Plan, PlanInputs, build_plan, describe_pain_rules
from ptdesk.domain.runplan.sessions import RACE_TEXT, rest_day_advice
from ptdesk.domain.runplan.versions import PAUSED_WEEK
from ptdesk.reports.dto import ClinicInfo, RunPlanHandout
from ptdesk.reports.runplan_pdf import render_runplan
from ptdesk.reports.runplan_words import domain_words, pain_lights

START = dt.date(2025, 3, 3)
CLINIC = ClinicInfo("Clínica Norte", "12 Mill Lane", "(541) 555-0142", None, "letter")


def _flat(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def _text(pdf: bytes) -> str:
    return _flat(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages))


def _plans() -> list[Plan]:
    """Walk-run minutes with cadence, km with lighter weeks and a race, miles, and paused."""
    minutes = build_plan(PlanInputs("minutes", 3, 10, 170, current_weekly=Decimal(30),
                                    start=START))
    km = build_plan(PlanInputs("km", 3, 5, 40, current_weekly=Decimal(15), start=START,
                               lighter_every=4, race_date=START + dt.timedelta(weeks=20)))
    miles = build_plan(PlanInputs("mi", 3, 2, 15, current_weekly=Decimal(6), start=START))
    return [minutes, km, miles, replace(minutes, paused=True, restart=True)]


def _handout(plan: Plan, language: str) -> RunPlanHandout:
    return RunPlanHandout(CLINIC, "Dana Whitfield, PT", "Ana Gómez", dt.date(2025, 2, 28), plan,
                          172, tuple(pain_lights(PainRules(), language)), language=language)


def _fragments(text: str) -> list[str]:
    """A phrase's fixed words: markup and blanks removed, pieces of two words or more."""
    plain = re.sub(r"<[^>]+>", "", text)
    pieces = [literal for literal, *_ in string.Formatter().parse(plain)]
    out = []
    for piece in pieces:
        for line in piece.split("\n"):
            line = _flat(line).strip(" .,:;()")
            if len(line.split()) >= 2:
                out.append(line)
    return out


RUN_KEYS = [key for key in hl.PHRASES[hl.ENGLISH] if key.startswith(("run.", "pain.run.",
                                                                         "pain.word."))]
SHARED_KEYS = ["sheet.for", "sheet.from", "page.number"]


@pytest.fixture(scope="module")
def printed() -> dict[str, str]:
    return {language: " ".join(_text(render_runplan(_handout(plan, language)))
                                for plan in _plans())
            for language in hl.HANDOUT_LANGUAGES}


def test_the_english_phrases_are_what_the_english_plan_prints(printed: dict[str, str]) -> None:
    found = [f for key in RUN_KEYS for f in _fragments(hl.phrase("en", key))
             if f in printed["en"]]
    # Most fixed phrases print on these four plans (some only on other kinds of plan).
    assert len(found) >= 40, found
    for key in ("run.title", "run.table_title", "run.log_title", "run.pain_title",
                "run.how_title", "run.paused_notice"):
        assert all(f in printed["en"] for f in _fragments(hl.phrase("en", key))), key


def test_a_spanish_plan_prints_no_english_fixed_phrase(printed: dict[str, str]) -> None:
    english = {f for key in RUN_KEYS + SHARED_KEYS for f in _fragments(hl.phrase("en", key))
               if f in printed["en"]}
    assert english
    assert sorted(f for f in english if f in printed["es"]) == []
    for word in ("GO", "HOLD", "STOP", "Week", "Dates", "Mon", "Tue", "Wed", "Thu", "Fri",
                 "Sat", "Sun", "miles", "Printed", "Goal", "Page", "March", "Mar"):
        assert not re.search(rf"\b{word}\b", printed["es"]), word


def test_a_spanish_plan_prints_the_spanish_phrases(printed: dict[str, str]) -> None:
    text = printed["es"]
    for key in ("run.title", "run.table_title", "run.log_title", "run.pain_title",
                "run.how_title", "run.paused_notice", "run.restart_notice", "run.evidence",
                "run.race_note", "run.lighter_weeks", "run.follow_light"):
        assert all(f in text for f in _fragments(hl.phrase("es", key))), key
    assert "SIGA" in text and "ESPERE" in text and "PARE" in text
    assert "3 de marzo de 2025" in text and "millas" in text and "lun" in text
    assert "3–9 mar" in text  # the week's dates, day first


def test_english_run_words_are_the_domains_own() -> None:
    for rules in (PainRules(), PainRules(2, 4)):
        assert pain_lights(rules, "en") == describe_pain_rules(rules)
        spanish = dict(pain_lights(rules, "es"))
        assert f"0 a {rules.progress_max_pain} de 10" in spanish["green"]
    for english in (rest_day_advice(()), rest_day_advice((0, 2, 4)), rest_day_advice((0, 1)),
                    PAUSED_WEEK, RACE_TEXT):
        assert domain_words(english, "en") == english
        assert domain_words(english, "es") != english
