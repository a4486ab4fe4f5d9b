"""Input-count probe: register DEMO-0001 and chart her initial evaluation by hand, counting inputs.

    .venv/bin/python bench/probe_inputs.py [--json FILE] [--mrn DEMO-0001]

A fresh clinic (migrated SQLite file with the demo staff only) in a temporary folder; the real
main window, offscreen, signed in as the demo clinician. Every key press and mouse click goes
through bench/input_driver.py; the patient, episode and initial evaluation are then read back
through the services and compared with the demo's (bench/chart_story.py). Prints the counts
and the wall time; exits 1 if the record was not reproduced.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

from probe_common import emit  # noqa: E402

ACTOR = "demo.alvarez"


def make_clinic(folder: Path) -> Any:
    """A migrated SQLite clinic with the demo staff and nothing else; its session factory."""
    from ptdesk.db.engine import make_engine, make_session_factory
    from ptdesk.db.migrate import upgrade
    from ptdesk.demo.generator import ensure_demo_staff

    engine = make_engine(folder / "clinic.db")
    upgrade(engine)
    sf = make_session_factory(engine)
    ensure_demo_staff(sf)
    return engine, sf


def story_for(mrn: str) -> Any:
    from ptdesk.demo.generator import STORY_MRNS, story_patients

    return dict(zip(STORY_MRNS, story_patients(), strict=True))[mrn]


def run(sf: Any, actor: str, mrn: str, settings_file: Path) -> dict[str, Any]:
    """Chart the story's initial evaluation in a real main window; counts, time and problems."""
    from chart_story import chart_initial_evaluation, check_stored
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from ptdesk.ui.context import AppContext
    from ptdesk.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow(AppContext(sf, actor),
                        QSettings(str(settings_file), QSettings.Format.IniFormat))
    window.resize(1280, 800)
    window.show()
    window.activateWindow()
    app.processEvents()
    began = time.perf_counter()
    try:
        tally, charted = chart_initial_evaluation(app, window, story_for(mrn))
    finally:
        elapsed = time.perf_counter() - began
    problems = check_stored(sf, actor, story_for(mrn), charted)
    window.close()
    app.processEvents()
    return {**tally.as_json(), "seconds": round(elapsed, 2), "drafted_soap": charted.drafted,
            "soap": charted.soap_expected, "problems": problems, "mrn": mrn}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/probe_inputs.py", description=__doc__.splitlines()[0])
    parser.add_argument("--json", metavar="FILE", type=Path, help="also write the result here")
    parser.add_argument("--mrn", default="DEMO-0001", help="the story patient to chart")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="probe-inputs-") as scratch:
        folder = Path(scratch)
        os.environ["XDG_CONFIG_HOME"] = str(folder / "config")
        engine, sf = make_clinic(folder)
        try:
            result = run(sf, ACTOR, args.mrn, folder / "ui.ini")
        finally:
            engine.dispose()
    print(f"{result['mrn']} initial evaluation: {result['inputs']} inputs "
          f"({result['keys']} keys of which {result['typed_characters']} typed characters, "
          f"{result['typed_free_text']} of them free text, "
          f"{result['clicks']} clicks) in {result['seconds']} s offscreen"
          + ("; SOAP drafted from the exam" if result["drafted_soap"] else ""))
    for step, count in result["by_step"].items():
        print(f"    {step:<24} {count:>5}")
    if result["problems"]:
        print("NOT reproduced: " + ", ".join(result["problems"]), file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    emit(result)
    return 1 if result["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
