"""Render the English and Spanish run plans whose pages are kept in docs/handouts/ (issue 21).

Run from the repository root: `.venv/bin/python docs/handouts/make_runplan_pages.py OUT_DIR`.
Builds the demo clinic in a temporary SQLite file and writes DEMO-0004's active
return-to-run plan as `runplan-en.pdf` and `runplan-es.pdf` through the handout service.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

from ptdesk.db.engine import make_engine, make_session_factory
from ptdesk.db.migrate import upgrade
from ptdesk.demo.generator import build_demo_clinic
from ptdesk.reports.runplan_pdf import render_runplan
from ptdesk.services import handouts
from ptdesk.services.patients import find_by_mrn

ACTOR = "demo"
MRN = "DEMO-0004"


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(Path(folder) / "demo.db")
        upgrade(engine)
        sf = make_session_factory(engine)
        build_demo_clinic(sf, actor=ACTOR)
        patient = find_by_mrn(sf, MRN, actor=ACTOR)
        for language in ("en", "es"):
            handout = handouts.runplan_handout(sf, actor=ACTOR, patient_id=patient.id,
                                               on=dt.date(2026, 9, 26), language=language)
            (out / f"runplan-{language}.pdf").write_bytes(render_runplan(handout))
        engine.dispose()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
