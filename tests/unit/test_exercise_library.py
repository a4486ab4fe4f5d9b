"""Tests for the shipped exercise library, its loader, dosage wording and the templates."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.exercise_library import (
    CATEGORIES,
    SIDES,
    Dosage,
    LibraryExercise,
    check_dosage,
    dosage_in_words,
    exercise_dosage_in_words,
    illustration_path,
    load_library,
    load_library_from,
    load_templates,
    load_templates_from,
    resources_root,
)

# Every exercise CLINICAL.md asks for, under the ids the illustrations are drawn for.
REQUIRED_IDS = (
    "clamshell",
    "side_lying_hip_abduction",
    "glute_bridge",
    "single_leg_bridge",
    "bodyweight_squat",
    "split_squat_lunge",
    "reverse_lunge",
    "romanian_deadlift",
    "single_leg_deadlift",
    "step_down",
    "step_up",
    "straight_leg_raise",
    "quad_set",
    "wall_squat",
    "short_arc_quad",
    "leg_extension",
    "hamstring_curl",
    "calf_raise",
    "single_leg_calf_raise",
    "heel_raise_with_ball",
    "tibialis_posterior_stretch",
    "quadriceps_stretch",
    "hamstring_stretch",
    "calf_stretch",
    "soleus_stretch",
    "hip_flexor_stretch",
    "tfl_it_band_stretch",
    "piriformis_stretch",
    "single_leg_balance",
    "single_leg_balance_eyes_closed",
    "knee_to_wall_dorsiflexion",
    "ankle_alphabet",
    "resisted_ankle_eversion",
    "lateral_band_walk",
    "side_plank",
    "forward_lean_drill",
    "cadence_drill_metronome",
    "cycling",
    "swimming",
    "rowing",
)
REQUIRED_TEMPLATES = (
    "runners_knee_phase_1",
    "opposite_ankle_sprain",
    "hip_glute_strength",
    "it_band_syndrome",
)
SCHEMA_KEYS = {
    "id",
    "name",
    "purpose",
    "target_muscles",
    "category",
    "steps",
    "side",
    "precautions",
    "progression",
    "regression",
    "illustration",
    "dosage",
}
DOSAGE_KEYS = {"sets", "reps", "hold_seconds", "per_day", "per_week", "note"}

LIBRARY = load_library()
ALL_IDS = sorted(LIBRARY)


def _shipped_files() -> dict[str, str]:
    folder = resources_root() / "exercises"
    return {
        p.name: p.read_text(encoding="utf-8") for p in folder.iterdir() if p.name.endswith(".toml")
    }


def _copy_library(target: Path) -> Path:
    target.mkdir()
    for name, text in _shipped_files().items():
        (target / name).write_text(text, encoding="utf-8")
    return target


# ---------------------------------------------------------------- the shipped library


def test_library_is_big_enough_and_has_every_required_exercise() -> None:
    assert len(LIBRARY) >= 35
    missing = [i for i in REQUIRED_IDS if i not in LIBRARY]
    assert missing == []


def test_every_category_is_represented() -> None:
    assert {e.category for e in LIBRARY.values()} == set(CATEGORIES)


@pytest.mark.parametrize("name", sorted(_shipped_files()))
def test_every_file_follows_the_schema(name: str) -> None:
    raw = tomllib.loads(_shipped_files()[name])
    assert set(raw) >= SCHEMA_KEYS
    assert set(raw["dosage"]) >= DOSAGE_KEYS
    assert raw["id"] == name.removesuffix(".toml")


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_every_exercise_loads_with_all_fields(exercise_id: str) -> None:
    e = LIBRARY[exercise_id]
    assert isinstance(e, LibraryExercise)
    assert e.id == exercise_id
    assert e.name and e.purpose
    assert e.target_muscles and all(m.strip() for m in e.target_muscles)
    assert e.category in CATEGORIES
    assert e.side in SIDES
    assert 3 <= len(e.steps) <= 6
    assert e.illustration == f"{exercise_id}.svg"
    assert check_dosage(e.dosage, exercise_id) == e.dosage


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_progression_and_regression_links_resolve(exercise_id: str) -> None:
    e = LIBRARY[exercise_id]
    for target in (e.progression, e.regression):
        assert target == "" or target in LIBRARY
        assert target != exercise_id


@pytest.mark.parametrize("field", ["progression", "regression"])
def test_link_chains_never_loop(field: str) -> None:
    for start in LIBRARY:
        seen = {start}
        current = getattr(LIBRARY[start], field)
        while current:
            assert current not in seen, f"{field} loop from {start} through {current}"
            seen.add(current)
            current = getattr(LIBRARY[current], field)


def test_clinical_chains() -> None:
    assert LIBRARY["glute_bridge"].progression == "single_leg_bridge"
    assert LIBRARY["wall_squat"].regression == "straight_leg_raise"
    assert LIBRARY["calf_raise"].progression == "single_leg_calf_raise"
    assert LIBRARY["single_leg_balance"].progression == "single_leg_balance_eyes_closed"
    assert LIBRARY["bodyweight_squat"].regression == "wall_squat"


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_every_illustration_file_exists(exercise_id: str) -> None:
    # The drawings are made separately; this fails until each one is in resources/.
    assert illustration_path(LIBRARY[exercise_id]).is_file()


def test_wall_squat_warns_about_kneecap_pain() -> None:
    text = " ".join(LIBRARY["wall_squat"].precautions).lower()
    assert "kneecap" in text
    assert "straight leg raise" in text
    assert "stop" in text


def test_clinical_dosages() -> None:
    clam = LIBRARY["clamshell"]
    # 10 reps building up to 50 a side, in more than one set to start (issue 19: 1 x 10 was thin).
    assert clam.dosage.reps == 10 and clam.dosage.sets >= 2
    assert clam.build_up is not None and clam.build_up.sets and clam.build_up.reps
    assert clam.build_up.sets * clam.build_up.reps == 50 and "50" in clam.build_up.text
    slr = LIBRARY["straight_leg_raise"].dosage
    assert 10 <= slr.reps <= 20 and 3 <= slr.sets <= 4
    wall = LIBRARY["wall_squat"].dosage
    assert 5 <= wall.hold_seconds <= 10 and 10 <= wall.sets * wall.reps <= 20 and wall.sets >= 2
    ball = LIBRARY["heel_raise_with_ball"]
    assert 10 <= ball.dosage.reps <= 20
    # CLINICAL.md: heel raises with a ball are followed by the tibialis posterior stretch.
    assert [r.exercise for r in ball.cross_references] == ["tibialis_posterior_stretch"]
    assert "tibialis_posterior" in ball.target_muscles[0].replace(" ", "_")
    assert LIBRARY["tibialis_posterior_stretch"].dosage.hold_seconds == 30
    for e in LIBRARY.values():
        if e.category == "stretch":
            assert e.dosage.hold_seconds == 30, e.id
    for e in ("cycling", "swimming", "rowing"):
        assert LIBRARY[e].category == "cross_training"
        assert LIBRARY[e].dosage.minutes > 0
    assert "not ahead" in " ".join(LIBRARY["forward_lean_drill"].steps)
    assert "metronome" in " ".join(LIBRARY["cadence_drill_metronome"].steps)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_steps_are_short_plain_sentences(exercise_id: str) -> None:
    """Readability measure: words per sentence over all of an exercise's steps.

    A sentence ends at '.', '!' or '?'; a word is a whitespace-separated token.
    The average must be at most 15 words and no single sentence over 25 words.
    """
    sentences = [s for step in LIBRARY[exercise_id].steps for s in _sentences(step)]
    lengths = [len(s.split()) for s in sentences]
    assert sum(lengths) / len(lengths) <= 15
    assert max(lengths) <= 25
    for step in LIBRARY[exercise_id].steps:
        assert step[-1] in ".!?", f"step does not end a sentence: {step!r}"


def test_load_library_returns_a_fresh_dict_each_call() -> None:
    first = load_library()
    first.pop("clamshell")
    assert "clamshell" in load_library()


# ---------------------------------------------------------------- dosage in words


@pytest.mark.parametrize(
    ("dosage", "side", "limb", "expected"),
    [
        (Dosage(3, 15, 0, 1, 0), "both", "leg", "3 sets of 15, both legs, once a day"),
        (Dosage(3, 0, 30, 2, 0), "each", "leg", "Hold 30 seconds, 3 times, each leg, twice a day"),
        (Dosage(1, 0, 0, 0, 3, minutes=20), "both", "", "20 minutes, 3 days a week"),
        (
            Dosage(1, 10, 5, 1, 0),
            "both",
            "leg",
            "10 times, holding each for 5 seconds, both legs, once a day",
        ),
        (Dosage(2, 12, 0, 3, 0), "left", "leg", "2 sets of 12, left leg, 3 times a day"),
        (Dosage(1, 0, 60, 0, 7), "right", "leg", "Hold 1 minute, once, right leg, every day"),
        (
            Dosage(3, 0, 20, 0, 1),
            "each",
            "side",
            "Hold 20 seconds, 3 times, each side, once a week",
        ),
        (Dosage(2, 0, 0, 0, 2, minutes=5), "both", "", "2 rounds of 5 minutes, 2 days a week"),
        (Dosage(1, 1, 0, 1, 0), "each", "leg", "1 time, each leg, once a day"),
    ],
)
def test_dosage_in_words(dosage: Dosage, side: str, limb: str, expected: str) -> None:
    assert dosage_in_words(dosage, side, limb=limb) == expected


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_every_shipped_dosage_reads_naturally(exercise_id: str) -> None:
    e = LIBRARY[exercise_id]
    words = exercise_dosage_in_words(e)
    assert not re.search(r"\b1 (times|sets|seconds|minutes)\b", words)
    assert not re.search(r"(?<!\d)0 ", words)
    if e.category in ("running_drill", "cross_training"):
        assert "leg" not in words and "side" not in words
    else:
        assert bool(re.search(r"\beach (leg|side)\b", words)) == (e.side == "each")


def test_exercise_dosage_in_words_uses_prescribed_values() -> None:
    clam = LIBRARY["clamshell"]
    prescribed = Dosage(4, 20, 0, 2, 0)
    assert (
        exercise_dosage_in_words(clam, prescribed, "left") == "4 sets of 20, left leg, twice a day"
    )
    assert exercise_dosage_in_words(LIBRARY["side_plank"]).endswith("each side, once a day")


# ---------------------------------------------------------------- malformed files


def _break(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "old", "new", "field"),
    [
        ("clamshell.toml", 'category = "strength"', 'category = "yoga"', "category"),
        ("clamshell.toml", 'side = "each"', 'side = "middle"', "side"),
        ("clamshell.toml", "reps = 10\n", "", "reps"),
        ("clamshell.toml", "reps = 10\n", "reps = -3\n", "reps"),
        ("clamshell.toml", "sets = 2\n", "sets = true\n", "sets"),
        ("clamshell.toml", "per_week = 0", "per_week = 3", "per_day"),
        ("cycling.toml", "reps = 0", "reps = 10", "minutes"),
        (
            "clamshell.toml",
            'progression = "side_lying_hip_abduction"',
            'progression = "moon_walk"',
            "progression",
        ),
        ("clamshell.toml", 'id = "clamshell"', 'id = "clam"', "id"),
        ("clamshell.toml", 'name = "Clamshell"', 'name = ""', "name"),
        ("clamshell.toml", 'name = "Clamshell"', 'name = "Clamshell"\ncolour = "red"', "colour"),
        (
            "clamshell.toml",
            'illustration = "clamshell.svg"',
            'illustration = "../clamshell.svg"',
            "illustration",
        ),
        ("clamshell.toml", 'name = "Clamshell"', 'name = "Clamshell', "file"),
    ],
)
def test_malformed_exercise_names_file_and_field(
    tmp_path: Path, name: str, old: str, new: str, field: str
) -> None:
    folder = _copy_library(tmp_path / "exercises")
    _break(folder, name, old, new)
    with pytest.raises(ValidationError) as caught:
        load_library_from(folder)
    assert caught.value.field == field
    assert name in caught.value.message


def test_copied_library_loads_the_same(tmp_path: Path) -> None:
    assert load_library_from(_copy_library(tmp_path / "exercises")) == LIBRARY


# ---------------------------------------------------------------- templates


def test_required_templates_exist_and_refer_to_library_exercises() -> None:
    templates = load_templates()
    assert set(REQUIRED_TEMPLATES) <= set(templates)
    for template in templates.values():
        assert template.name and template.description and template.items
        for item in template.items:
            exercise = LIBRARY[item.exercise]
            check_dosage(item.dosage_for(exercise), template.id)
            assert item.side_for(exercise) in SIDES


def test_runners_knee_phase_1_starts_gently() -> None:
    ids = [i.exercise for i in load_templates()["runners_knee_phase_1"].items]
    assert "straight_leg_raise" in ids
    # Wall squats come only once straight leg raises are easy (phase 2).
    assert "wall_squat" not in ids


def _write_template(folder: Path, body: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "t.toml").write_text(
        'id = "t"\nname = "T"\ndescription = "D"\n' + body, encoding="utf-8"
    )


def test_template_overrides_apply_and_switch_frequency(tmp_path: Path) -> None:
    _write_template(
        tmp_path,
        '[[items]]\nexercise = "clamshell"\nsets = 2\nper_week = 4\nside = "left"\nnote = "N"\n',
    )
    item = load_templates_from(tmp_path, LIBRARY)["t"].items[0]
    clam = LIBRARY["clamshell"]
    dosage = item.dosage_for(clam)
    assert (dosage.sets, dosage.reps, dosage.per_day, dosage.per_week) == (2, 10, 0, 4)
    assert dosage.note == "N"
    assert item.side_for(clam) == "left"
    assert exercise_dosage_in_words(clam, dosage, item.side_for(clam)) == (
        "2 sets of 10, left leg, 4 days a week"
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('[[items]]\nexercise = "moon_walk"\n', "exercise"),
        ('[[items]]\nexercise = "clamshell"\nside = "up"\n', "side"),
        ('[[items]]\nexercise = "clamshell"\nminutes = 10\n', "minutes"),
        ('[[items]]\nexercise = "clamshell"\nloops = 3\n', "loops"),
        ("", "items"),
    ],
)
def test_malformed_template_names_field(tmp_path: Path, body: str, field: str) -> None:
    _write_template(tmp_path, body)
    with pytest.raises(ValidationError) as caught:
        load_templates_from(tmp_path, LIBRARY)
    assert caught.value.field == field
    assert "t.toml" in caught.value.message


# ---------------------------------------------------------------- one dosage voice


_NUMBER_WORDS = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|thirty)"
_DOSE_PHRASE = re.compile(
    rf"\b{_NUMBER_WORDS}\s+(?:seconds?|minutes?|holds?|sets?|times|reps|repetitions)\b"
    r"|build up to|in each set|on each (?:side|leg)|first \d+", re.IGNORECASE)


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_no_dose_words_hide_in_always_printed_text(exercise_id: str) -> None:
    """Steps, precautions and the plain note print whatever the dosage, so they name none.

    Targets belong in [build_up] (checked against the prescription before printing);
    the tempo "count to three" is how to move, not how much.
    """
    e = LIBRARY[exercise_id]
    for text in (*e.steps, *e.precautions, e.dosage.note, e.off_days_note, e.next_step):
        # Rest between sets is not part of the prescribed dosage, so it cannot contradict it.
        # Minutes only compete with a dosage counted in minutes ("walk 30 minutes pain-free"
        # before hopping is a readiness check, not the hops' dose).
        for sentence in _sentences(text):
            found = _DOSE_PHRASE.search(sentence)
            if found and "minute" in found[0] and not e.dosage.minutes:
                continue
            if "rest" not in sentence.lower().split():
                assert not found, (exercise_id, text)
    names = {other.name.lower() for other in LIBRARY.values() if other.id != exercise_id}
    for text in (*e.steps, e.dosage.note):
        # Another exercise named outside a cross-reference would print without it.
        assert not any(name in text.lower() for name in names), (exercise_id, text)


def test_cross_references_and_build_ups_are_checked(tmp_path: Path) -> None:
    folder = _copy_library(tmp_path / "lib")
    stretch = folder / "tibialis_posterior_stretch.toml"
    text = stretch.read_text(encoding="utf-8")
    stretch.write_text(text.replace('exercise = "heel_raise_with_ball"', 'exercise = "no_such"'),
                       encoding="utf-8")
    with pytest.raises(ValidationError, match="no_such"):
        load_library_from(folder)
    stretch.write_text(text, encoding="utf-8")
    clam = folder / "clamshell.toml"
    clam.write_text(clam.read_text(encoding="utf-8").replace("reps = 25", "reps = 5000"),
                    encoding="utf-8")
    with pytest.raises(ValidationError, match="repetitions"):
        load_library_from(folder)


def test_every_language_has_the_same_conditional_notes(tmp_path: Path) -> None:
    folder = _copy_library(tmp_path / "lib")
    wall = folder / "wall_squat.toml"
    text = wall.read_text(encoding="utf-8")
    assert LIBRARY["wall_squat"].text("es").build_up  # the Spanish target sits beside it
    wall.write_text("\n".join(line for line in text.splitlines()
                              if not line.startswith('build_up = "')), encoding="utf-8")
    with pytest.raises(ValidationError, match="build_up"):
        load_library_from(folder)


def test_library_lines_in_spanish_use_the_spanish_file_text() -> None:
    from dataclasses import replace

    from ptdesk.domain.handout_notes import library_lines

    ball = LIBRARY["heel_raise_with_ball"]
    fewer = replace(ball.dosage, reps=12)
    lines = library_lines(ball, fewer, ["heel_raise_with_ball", "tibialis_posterior_stretch"],
                          "es")
    assert lines == ("El paso que sigue, cuando su terapeuta lo diga: llegue a 20 en cada serie.",
                     "Al terminar, haga el estiramiento del tibial posterior. (número 2 en esta hoja)")
    assert library_lines(ball, ball.dosage, ["heel_raise_with_ball"]) == (
        "Build up to 20 in each set.",)
