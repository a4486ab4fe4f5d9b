"""Render the English and Spanish exercise sheets whose pages are kept in docs/handouts/ (issue 21).

Run from the repository root: `.venv/bin/python docs/handouts/make_language_pages.py OUT_DIR`.
Builds the demo clinic in a temporary SQLite file, prescribes seven library exercises
(legs, trunk, a timed hold, the metronome drill) and one clinic exercise with no
Spanish text to DEMO-0004, and writes `lang-en.pdf` and `lang-es.pdf` with the summary.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

from ptdesk.db.engine import make_engine, make_session_factory
from ptdesk.db.migrate import upgrade
from ptdesk.demo.generator import build_demo_clinic
from ptdesk.domain import exercise_library as lib
from ptdesk.reports.exercise_sheet import render_exercise_sheet
from ptdesk.services import handouts
from ptdesk.services.exercises import add_custom_exercise, list_exercises, sync_library
from ptdesk.services.patients import find_by_mrn
from ptdesk.services.prescriptions import DosedItem, save_prescription

ACTOR = "demo"
PROGRAMME = ("clamshell", "glute_bridge", "side_plank", "single_leg_balance",
             "heel_raise_with_ball", "tibialis_posterior_stretch", "cadence_drill_metronome")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(Path(folder) / "demo.db")
        upgrade(engine)
        sf = make_session_factory(engine)
        build_demo_clinic(sf, actor=ACTOR, patients=0)
        sync_library(sf)
        rows = {i.library_id: i for i in list_exercises(sf) if i.library_id}
        items = [DosedItem(exercise_id=rows[i].id, sets=rows[i].dosage.sets,
                           reps=rows[i].dosage.reps, hold_seconds=rows[i].dosage.hold_seconds,
                           minutes=rows[i].dosage.minutes, per_day=rows[i].dosage.per_day,
                           per_week=rows[i].dosage.per_week, side=rows[i].side)
                 for i in PROGRAMME]
        towel = add_custom_exercise(
            sf, actor=ACTOR, name="Towel scrunch", category="strength",
            steps=("Sit with a towel flat under your foot.",
                   "Pull the towel toward you with your toes.", "Let go and do it again."),
            dosage=lib.Dosage(2, 10, 0, 1, 0), purpose="Works the small muscles of the foot.")
        items.append(DosedItem(exercise_id=towel.id, sets=2, reps=10))
        patient = find_by_mrn(sf, "DEMO-0004", actor=ACTOR)
        save_prescription(sf, actor=ACTOR, patient_id=patient.id, items=items,
                          effective_date=dt.date(2026, 12, 6))
        for language in ("en", "es"):
            sheet = handouts.exercise_sheet(sf, actor=ACTOR, patient_id=patient.id,
                                            on=dt.date(2026, 9, 26), summary=True,
                                            language=language)
            (out / f"lang-{language}.pdf").write_bytes(render_exercise_sheet(sheet))
        engine.dispose()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
