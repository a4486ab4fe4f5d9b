"""Render the sample exercise sheets whose pages are kept in docs/handouts/ (issue 20).

Run from the repository root: `.venv/bin/python docs/handouts/make_pages.py OUT_DIR`.
Builds the demo clinic in a temporary SQLite file, prescribes 4, 8 and 15 library
exercises to DEMO-0004 through the real services and writes the PDFs to OUT_DIR.
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
from ptdesk.services.patients import find_by_mrn
from ptdesk.services.prescriptions import items_from_template, save_prescription

ACTOR = "demo"


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(Path(folder) / "demo.db")
        upgrade(engine)
        sf = make_session_factory(engine)
        build_demo_clinic(sf, actor=ACTOR, patients=0)
        patient = find_by_mrn(sf, "DEMO-0004", actor=ACTOR)
        knee = items_from_template(sf, "runners_knee_phase_1")
        fifteen = [*items_from_template(sf, "hip_glute_strength"),
                   *items_from_template(sf, "opposite_ankle_sprain")]
        assert len(knee) == 8 and len(fifteen) == 15, lib.load_templates().keys()
        for name, items, compact in (("4-exercises", knee[:4], False),
                                     ("8-exercises", knee, False),
                                     ("15-exercises", fifteen, False),
                                     ("15-exercises-compact", fifteen, True)):
            save_prescription(sf, actor=ACTOR, patient_id=patient.id, items=items,
                              effective_date=dt.date(2026, 12, 6))
            sheet = handouts.exercise_sheet(sf, actor=ACTOR, patient_id=patient.id,
                                            on=dt.date(2026, 12, 6), compact=compact,
                                            summary=compact)
            (out / f"{name}.pdf").write_bytes(render_exercise_sheet(sheet))
        engine.dispose()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
