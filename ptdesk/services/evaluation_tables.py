"""A visit's charted evaluation as worded tables for the printout (no session, no reportlab)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ptdesk.domain import evaluation as ev
from ptdesk.domain import measure_lsi
from ptdesk.domain.conflicts import value_text, words
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.evaluation_fields import ANKLE, GAIT, KNEE, READINESS
from ptdesk.domain.involved_side import involved_side, region_of
from ptdesk.domain.muscle_grades import GradePair
from ptdesk.domain.symmetry import MUSCLE_GROUPS, is_flagged, to_newtons
from ptdesk.reports.evaluation_dto import Table

_SIDE_WORDS = {"left": "Left", "right": "Right", "both": "Both"}
_TESTS = dict(ev.SPECIAL_TESTS)
_LSI_KEY = ("LSI = involved ÷ uninvolved × 100; knee and hip rows use the affected side, ankle "
            "rows the injured ankle's side; with both sides involved the weaker is compared with "
            "the stronger. ⚑ below 90%. Manual muscle test grades are ordinal: shown left / "
            "right, ⚑ when a full grade apart on the involved side, never a percentage.")


def _text(value: object) -> str:
    if isinstance(value, str) and value in {
        *ev.EFFUSION_GRADES, *ev.MOVEMENT_QUALITY, *ev.PATELLAR_MOBILITY,
        *ev.SPECIAL_TEST_RESULTS, *ev.SWELLING_GRADES, *ev.FOOT_STRIKES, *ev.PRONATION,
        *ev.TRUNK_LEAN, *ev.GAIT_SETTINGS, *ev.SEVERITIES,
    }:
        return words(value).capitalize() if value != "none" else "None"
    if isinstance(value, tuple):
        return ", ".join(words(v) for v in value)
    return value_text(value)


def _key_values(title: str, pairs: Sequence[tuple[str, str]]) -> Table | None:
    rows = tuple((label, value) for label, value in pairs if value)
    if not rows:
        return None
    return Table(title, ("Finding", "Result"), rows, (0.32, 0.68))


def subjective_table(s: ev.SubjectiveFindings | None) -> Table | None:
    if s is None:
        return None
    pain = " · ".join(f"{label} {value}/10" for label, value in (
        ("now", s.nprs_now), ("best", s.nprs_best), ("worst", s.nprs_worst)) if value is not None)
    volume = " · ".join(f"{label} {value_text(value)} {s.volume_unit}" for label, value in (
        ("current", s.current_weekly_volume), ("before the injury", s.preinjury_weekly_volume))
        if value is not None)
    race = s.goal_race + (f" on {s.goal_race_date.isoformat()}" if s.goal_race_date else "")
    shoes = s.shoe_model + (f" ({value_text(s.shoe_drop_mm)} mm drop)"
                            if s.shoe_drop_mm is not None else "")
    injuries = "; ".join(
        f"{i.description} ({_SIDE_WORDS.get(i.side, i.side).lower()}"
        + (f", {i.injury_date.isoformat()})" if i.injury_date else ")")
        for i in s.prior_injuries)
    red_flags = ("Screened" + (f": {s.red_flags_notes}" if s.red_flags_notes else "")
                 if s.red_flags_screened else "Not recorded as screened")
    return _key_values("Subjective", [
        ("Chief complaint", s.chief_complaint),
        ("Onset and mechanism", s.onset_mechanism),
        ("Onset date", value_text(s.onset_date)),
        ("Symptoms", _text(s.symptoms)),
        ("Pain location", _text(s.pain_locations)),
        ("Pain (NPRS 0–10)", pain),
        ("Aggravating activities", _text(s.aggravating)),
        ("Distance at onset", f"{value_text(s.onset_distance)} {s.onset_distance_unit}"
         if s.onset_distance is not None else ""),
        ("Weekly running", volume),
        ("Longest recent run", f"{value_text(s.longest_recent_run)} {s.volume_unit}"
         if s.longest_recent_run is not None else ""),
        ("Runs per week", value_text(s.runs_per_week)),
        ("Goal race", race),
        ("Shoes", shoes), ("Surface", s.surface),
        ("Prior injuries", injuries),
        ("Red flags", red_flags),
    ])


def _by_side(title: str, labels: dict[str, str], records: Sequence[object],
             extra: dict[str, Callable[[object], str]] | None = None) -> Table | None:
    sides = {getattr(r, "side"): r for r in records}  # noqa: B009 - records of two dataclasses
    if not sides:
        return None
    rows = []
    for name, label in labels.items():
        cells = []
        for side in ("left", "right"):
            record = sides.get(side)
            if record is None:
                cells.append("")
            elif extra and name in extra:
                cells.append(extra[name](record))
            else:
                cells.append(_text(getattr(record, name)))
        if any(cells):
            rows.append((label[0].upper() + label[1:], *cells))
    if not rows:
        return None
    return Table(title, ("Finding", "Left", "Right"), tuple(rows), (0.36, 0.32, 0.32))


def knee_table(knees: Sequence[ev.KneeFindings]) -> Table | None:
    return _by_side("Knee examination", KNEE, knees)


def ankle_table(ankles: Sequence[ev.AnkleFindings], ankle_side: str | None) -> Table | None:
    labels = {k: v for k, v in ANKLE.items() if not k.startswith("tender_") and k != "notes"}
    labels |= {"tender_atfl": "tenderness", "notes": ANKLE["notes"]}  # notes stay last

    def tenderness(record: object) -> str:
        places = [name for key, name in (("tender_atfl", "ATFL"), ("tender_cfl", "CFL"),
                                         ("tender_medial", "medial")) if getattr(record, key)]
        return ", ".join(places) or "None"

    table = _by_side("Ankle examination", labels, ankles, {"tender_atfl": tenderness})
    if table is None:
        return None
    note = (f"Injured (sprained) ankle: {ankle_side}." if ankle_side in ("left", "right")
            else "")
    return Table(table.title, table.head, table.rows, table.widths, note=note)


def special_tests_table(tests: Sequence[ev.SpecialTestResult]) -> Table | None:
    results = {(t.test, t.side): t.result for t in tests if t.result != "not_tested"}
    if not results:
        return None
    rows = []
    flagged = []
    for key, label in ev.SPECIAL_TESTS:
        left, right = results.get((key, "left"), ""), results.get((key, "right"), "")
        if not left and not right:
            continue
        rows.append((label, _text(left) if left else "Not tested",
                     _text(right) if right else "Not tested"))
        flagged += [(len(rows) - 1, col) for col, value in ((1, left), (2, right))
                    if value == "positive"]
    return Table("Special tests", ("Test", "Left", "Right"), tuple(rows), (0.36, 0.32, 0.32),
                 tuple(flagged))


def _reading(m: ev.StrengthMeasurement | None) -> str:
    if m is None:
        return "—"
    if m.method == "mmt":
        return f"{(m.mmt_grade or '').replace('-', '−')} (MMT)"
    return f"{value_text(m.value)} {m.unit or ''}".strip()


def strength_table(strength: Sequence[ev.StrengthMeasurement], affected_side: str,
                   ankle_side: str | None) -> Table | None:
    """Left, right, and the symmetry the domain rules give: LSI for force, grades for MMT."""
    by_group: dict[str, dict[str, ev.StrengthMeasurement]] = {}
    for m in strength:
        by_group.setdefault(m.muscle_group, {})[m.side] = m
    rows = []
    flagged = []
    for key, label in MUSCLE_GROUPS:
        sides = by_group.get(key)
        if not sides:
            continue
        left, right = sides.get("left"), sides.get("right")
        involved = involved_side(region_of(key), affected_side, ankle_side)
        symmetry, flag = _symmetry(left, right, involved.side)
        rows.append((label, _SIDE_WORDS[involved.side], _reading(left), _reading(right),
                     symmetry + ("  ⚑" if flag else "")))
        if flag:
            flagged.append((len(rows) - 1, 4))
    if not rows:
        return None
    return Table("Strength", ("Muscle group", "Involved", "Left", "Right", "LSI / grades"),
                 tuple(rows), (0.36, 0.12, 0.16, 0.16, 0.20), tuple(flagged), _LSI_KEY)


def _symmetry(left: ev.StrengthMeasurement | None, right: ev.StrengthMeasurement | None,
              involved: str) -> tuple[str, bool]:
    if left is None or right is None:
        return "—", False
    if left.method != right.method:
        return "sides tested differently", False
    try:
        if left.method == "mmt":
            pair = GradePair(left.mmt_grade, right.mmt_grade, involved)
            return pair.text, pair.flagged
        if left.value is None or right.value is None:
            return "—", False
        value = measure_lsi.side_lsi(
            involved, to_newtons(left.value, "N" if left.unit == "N" else "kg"),
            to_newtons(right.value, "N" if right.unit == "N" else "kg"))
    except ValidationError:
        return "—", False  # an implausible stored value prints without a ratio
    return measure_lsi.lsi_text(value), is_flagged(value)


def gait_table(gait: ev.GaitFindings | None) -> Table | None:
    if gait is None:
        return None
    pairs = []
    for name, label in GAIT.items():
        value = getattr(gait, name)
        if name in ("pelvic_drop_side", "knee_valgus"):
            text = _SIDE_WORDS.get(value, "None") if value != "none" else "None"
        elif name in ("overstriding", "crossover"):
            text = "Yes" if value else "No"
        else:
            text = _text(value)
        pairs.append((label, text))
    if gait.speed is not None:
        pairs.insert(1, ("Speed", f"{value_text(gait.speed)} {gait.speed_unit}"))
    target = gait.cadence_target_spm
    if target is not None:
        pairs.append(("Cadence target", f"{target} steps/min (metronome beats per minute)"))
    return _key_values("Running gait", pairs)


def readiness_table(findings: object) -> Table | None:
    if findings is None:
        return None
    pairs = [(label[0].upper() + label[1:], _text(getattr(findings, name)))
             for name, label in READINESS.items()]
    return _key_values("Return-to-run readiness tests", pairs)


def section_tables(evaluation: ev.Evaluation, affected_side: str,
                   ankle_side: str | None) -> tuple[Table, ...]:
    """Every charted section, in the order a clinician reads an evaluation."""
    tables = (
        subjective_table(evaluation.subjective),
        knee_table(evaluation.knees),
        special_tests_table(evaluation.special_tests),
        ankle_table(evaluation.ankles, ankle_side),
        strength_table(evaluation.strength, affected_side, ankle_side),
        gait_table(evaluation.gait),
        readiness_table(evaluation.readiness),
    )
    return tuple(t for t in tables if t is not None)
