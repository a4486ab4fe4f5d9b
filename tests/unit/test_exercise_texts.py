"""Tests for the library's patient texts: Spanish beside English, aliases, sources, search."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.exercise_library import (
    CATEGORIES,
    ENGLISH,
    LANGUAGES,
    has_language,
    illustration_path,
    load_library,
    load_library_from,
    load_templates,
    resources_root,
    search_library,
    template_for_side,
)
from ptdesk.domain.exercise_texts import fold

LIBRARY = load_library()
ALL_IDS = sorted(LIBRARY)

# CLINICAL.md's conditions and the shipped templates that treat them.
CONDITION_TEMPLATES = {
    "patellofemoral pain": ("runners_knee_phase_1", "runners_knee_phase_2",
                            "patellofemoral_pain_phase_3"),
    "IT band syndrome": ("it_band_syndrome",),
    "patellar tendinopathy": ("patellar_tendinopathy",),
    "medial tibial stress": ("shin_splints", "medial_tibial_stress"),
    "piriformis overload": ("piriformis_overload",),
    "opposite-ankle sprain": ("opposite_ankle_sprain",),
}
# Gaps issue 21 named: each needs at least one exercise of its kind.
REQUIRED_NEW = (
    "spanish_squat_isometric", "isometric_knee_extension", "decline_squat", "slow_heavy_squat",
    "pogo_hops", "single_leg_hop", "forward_hop_stick", "a_skip_drill", "bent_knee_calf_raise",
    "seated_soleus_raise", "hip_hike", "side_plank_hip_abduction", "single_leg_deadlift",
    "lateral_step_down", "monster_walk", "seated_piriformis_stretch", "tfl_it_band_stretch",
)


# ---------------------------------------------------------------- coverage


def test_library_has_seventy_exercises_covering_every_gap() -> None:
    assert len(LIBRARY) >= 70
    assert [i for i in REQUIRED_NEW if i not in LIBRARY] == []
    assert {e.category for e in LIBRARY.values()} == set(CATEGORIES)


def test_every_condition_has_a_template_of_existing_exercises() -> None:
    templates = load_templates()
    for condition, ids in CONDITION_TEMPLATES.items():
        for template_id in ids:
            assert template_id in templates, condition
            for item in templates[template_id].items:
                assert item.exercise in LIBRARY, (template_id, item.exercise)


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_every_exercise_has_a_drawing_svglib_can_read(exercise_id: str) -> None:
    from svglib.svglib import svg2rlg

    path = illustration_path(LIBRARY[exercise_id])
    assert path.is_file()
    drawing = svg2rlg(str(path))
    assert drawing is not None and drawing.getContents()


_SVG = "{http://www.w3.org/2000/svg}"
_ENGLISH_PANEL_WORDS = {"Start", "Finish", "Hold", "Land", "Reach", "Squat", "Switch", "Jump"}


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_every_exercise_has_a_spanish_drawing_that_differs_only_in_words(exercise_id: str) -> None:
    import xml.etree.ElementTree as ET

    english = illustration_path(LIBRARY[exercise_id])
    spanish = illustration_path(LIBRARY[exercise_id], "es")
    assert spanish != english and spanish.parent.name == "es"

    def parts(path: Path) -> tuple[list[bytes], list[str]]:
        root = ET.parse(path).getroot()
        leaves = (e for e in root.iter() if e.tag not in (f"{_SVG}svg", f"{_SVG}g", f"{_SVG}text"))
        shapes = [ET.tostring(e) for e in leaves]
        return shapes, [t.text or "" for t in root.iter(f"{_SVG}text")]

    en_shapes, en_words = parts(Path(str(english)))
    es_shapes, es_words = parts(Path(str(spanish)))
    assert es_shapes == en_shapes
    assert not _ENGLISH_PANEL_WORDS & set(es_words)
    assert [w for w in es_words if not w.isdigit()] != [w for w in en_words if not w.isdigit()]


def test_a_language_without_drawings_falls_back_to_the_english_drawing() -> None:
    calf = LIBRARY["calf_raise"]
    assert illustration_path(calf, "fr") == illustration_path(calf)


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_every_exercise_has_aliases_and_a_cited_dosage_source(exercise_id: str) -> None:
    e = LIBRARY[exercise_id]
    assert e.aliases and all(a.strip() for a in e.aliases)
    assert fold(e.name) not in {fold(a) for a in e.aliases}  # an alias adds a search word
    # A citation names a year of publication (e.g. "Silbernagel KG et al. 2007, ...").
    assert re.search(r"\b(19|20)\d\d\b", e.dosage_source), e.dosage_source


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_every_exercise_has_its_own_spanish_text(exercise_id: str) -> None:
    e = LIBRARY[exercise_id]
    assert has_language(e, "es")
    es, en = e.text("es"), e.text(ENGLISH)
    assert es.language == "es" and en.language == ENGLISH
    assert len(es.steps) == len(en.steps) and len(es.precautions) == len(en.precautions)
    assert bool(es.dosage_note) == bool(e.dosage.note)
    english = {en.name, en.purpose, *en.steps, *en.precautions}
    assert not english & {es.name, es.purpose, *es.steps, *es.precautions}
    assert re.search(r"[áéíóúñ¿]", " ".join((es.name, es.purpose, *es.steps)))


# ---------------------------------------------------------------- readability


def _fk_grade(text: str) -> float:
    from textstat.backend import metrics

    return float(metrics.flesch_kincaid_grade(text, "en_US"))


def _fernandez_huerta(text: str) -> float:
    from textstat.backend import metrics

    return float(metrics.fernandez_huerta(text, "es"))


def _patient_texts(exercise_id: str, language: str) -> list[str]:
    """Each sentence group a patient reads: purpose, each step, each precaution, the note.

    Names are labels of one to a few words (often the muscle's own name), where a
    sentence formula means nothing, so they are checked by length instead.
    """
    t = LIBRARY[exercise_id].text(language)
    return [s for s in (t.purpose, *t.steps, *t.precautions, t.dosage_note) if s]


def test_readability_measures_tell_plain_from_hard_text() -> None:
    # The thresholds below only mean something if the measures react to hard wording.
    assert _fk_grade("Stand on one leg near a counter.") <= 6
    assert _fk_grade("Proprioceptive reeducation facilitates neuromuscular "
                     "stabilization following ligamentous injury.") > 6
    assert _fernandez_huerta("Párese en una pierna cerca de una mesa.") >= 80
    assert _fernandez_huerta("La reeducación propioceptiva facilita la estabilización "
                             "neuromuscular tras una lesión ligamentosa.") < 80


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_english_texts_read_at_grade_six_or_lower(exercise_id: str) -> None:
    hard = {t: round(_fk_grade(t), 1) for t in _patient_texts(exercise_id, ENGLISH)
            if _fk_grade(t) > 6}
    assert hard == {}
    assert len(LIBRARY[exercise_id].name.split()) <= 8


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_spanish_texts_are_easy_by_fernandez_huerta(exercise_id: str) -> None:
    hard = {t: round(_fernandez_huerta(t), 1) for t in _patient_texts(exercise_id, "es")
            if _fernandez_huerta(t) < 80}
    assert hard == {}
    assert len(LIBRARY[exercise_id].text("es").name.split()) <= 9


# ---------------------------------------------------------------- search


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("heel raise", "calf_raise"),
        ("Heel Raises", "calf_raise"),
        ("calf raise", "calf_raise"),
        ("wall sit", "wall_squat"),
        ("glute med", "clamshell"),
        ("tibialis posterior", "heel_raise_with_ball"),
        ("soleus", "seated_soleus_raise"),
        ("puente", "glute_bridge"),
        ("elevacion de talones", "calf_raise"),
        ("spanish squat", "spanish_squat_isometric"),
        ("IT band", "tfl_it_band_stretch"),
        ("skipping", "a_skip_drill"),
        ("pelvic drop", "hip_hike"),
    ],
)
def test_search_finds_by_alias_spanish_name_and_muscle(query: str, expected: str) -> None:
    assert expected in search_library(query)


def test_search_puts_exact_alias_hits_first_and_finds_nothing_for_nonsense() -> None:
    assert search_library("wall sit")[0] == "wall_squat"
    assert search_library("zzzz") == []
    assert search_library("  ") == []


@given(st.sampled_from(ALL_IDS), st.sampled_from((str.upper, str.lower, str.title)))
def test_every_name_and_alias_finds_its_exercise_in_any_case(exercise_id: str, case) -> None:  # type: ignore[no-untyped-def]
    e = LIBRARY[exercise_id]
    for phrase in (e.name, *e.aliases, e.text("es").name):
        assert exercise_id in search_library(case(phrase)), phrase


# ---------------------------------------------------------------- loader and fallback

_CUSTOM = """\
id = "my_drill"
name = "My drill"
purpose = "A clinic's own drill."
target_muscles = ["quadriceps"]
category = "strength"
steps = ["One.", "Two.", "Three."]
side = "both"
precautions = []
progression = ""
regression = ""
illustration = "my_drill.svg"

[dosage]
sets = 1
reps = 10
hold_seconds = 0
per_day = 1
per_week = 0
note = ""
"""


def test_an_exercise_without_spanish_falls_back_to_english(tmp_path: Path) -> None:
    (tmp_path / "my_drill.toml").write_text(_CUSTOM, encoding="utf-8")
    drill = load_library_from(tmp_path)["my_drill"]
    assert drill.aliases == () and drill.dosage_source == ""
    assert not has_language(drill, "es") and has_language(drill, ENGLISH)
    text = drill.text("es")
    assert text.language == ENGLISH and text.name == "My drill"
    assert LANGUAGES == (ENGLISH, "es")


_ES_OK = '\n[es]\nname = "Mi ejercicio"\npurpose = "Uno propio."\nsteps = ["Uno.", "Dos.", "Tres."]\nprecautions = []\n'


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        (_ES_OK.replace('"Tres."', ""), "steps"),
        (_ES_OK + 'dosage_note = "Nota."\n', "dosage_note"),
        (_ES_OK + 'color = "azul"\n', "color"),
        (_ES_OK.replace('name = "Mi ejercicio"', 'name = ""'), "name"),
        ('\n[fr]\nname = "x"\n', "fr"),
    ],
)
def test_malformed_spanish_names_the_field(tmp_path: Path, extra: str, field: str) -> None:
    (tmp_path / "my_drill.toml").write_text(_CUSTOM + extra, encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        load_library_from(tmp_path)
    assert info.value.field == field
    assert "my_drill.toml" in info.value.message


def test_aliases_must_be_a_list_of_texts(tmp_path: Path) -> None:
    text = _CUSTOM.replace('name = "My drill"\n', 'name = "My drill"\naliases = "drill"\n')
    (tmp_path / "my_drill.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        load_library_from(tmp_path)
    assert info.value.field == "aliases"


def test_a_valid_spanish_table_loads(tmp_path: Path) -> None:
    (tmp_path / "my_drill.toml").write_text(_CUSTOM + _ES_OK, encoding="utf-8")
    drill = load_library_from(tmp_path)["my_drill"]
    assert drill.text("es").name == "Mi ejercicio"
    assert drill.text("es").steps == ("Uno.", "Dos.", "Tres.")


# ---------------------------------------------------------------- sprained-ankle template


def test_sprained_ankle_template_prints_for_the_sprained_side() -> None:
    template = load_templates()["opposite_ankle_sprain"]
    sided = [i.exercise for i in template.items if i.side == "each"]
    assert {"ankle_alphabet", "resisted_ankle_eversion", "single_leg_balance"} <= set(sided)
    for side in ("left", "right"):
        moved = template_for_side(template, side)
        for before, after in zip(template.items, moved.items, strict=True):
            expected = side if before.side == "each" else before.side
            assert after.side == expected, before.exercise
        # Two-legged calf raises stay on both legs.
        calf = next(i for i in moved.items if i.exercise == "calf_raise")
        assert calf.side_for(LIBRARY["calf_raise"]) == "both"
    with pytest.raises(ValueError):
        template_for_side(template, "both")


def test_resources_root_holds_the_new_templates() -> None:
    names = {p.name for p in (resources_root() / "templates").iterdir()}
    assert {"patellar_tendinopathy.toml", "piriformis_overload.toml",
            "medial_tibial_stress.toml", "patellofemoral_pain_phase_3.toml"} <= names


def test_muscle_groups_find_the_anatomical_names() -> None:
    # Issue 19: search by target muscle as clinicians say it.
    from ptdesk.domain.exercise_library import load_library, search_library
    from ptdesk.domain.exercise_texts import MUSCLE_GROUPS

    assert "clamshell" in search_library("hip abductors")
    assert "terminal_knee_extension" in search_library("vmo")
    assert "side_plank" in search_library("core")
    # Every muscle the table names is one the library lists, so no group points nowhere.
    listed = {m.split(" (")[0].casefold() for e in load_library().values()
              for m in e.target_muscles}
    assert set(MUSCLE_GROUPS) <= listed
    # Groups never outrank a name or alias: "calf" still lists an exercise named so first.
    assert search_library("calf raise")[0] == "calf_raise"
