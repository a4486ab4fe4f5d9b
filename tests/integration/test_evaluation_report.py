"""`ptdesk report evaluation MRN [--visit YYYY-MM-DD] --out FILE`: the evaluation and plan of care.

Issue 18, item 4: the demo's DEMO-0001 initial evaluation read back with pypdf; a draft
prints only when named and says so on every page; exit 2 (one line, no patient data) when
there is nothing to print.
"""

from __future__ import annotations

import io
import stat
from datetime import date
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import select

from ptdesk import cli
from ptdesk.db.models import AuditEntry, Patient, Visit
from ptdesk.demo.generator import DEMO_ACTOR
from ptdesk.domain import evaluation as ev
from ptdesk.domain.episode_facts import EpisodeFacts
from ptdesk.reports.evaluation_dto import DRAFT_MARK
from ptdesk.services.episode_facts import update_episode_facts
from ptdesk.services.evaluation_tables import strength_table
from ptdesk.services.signing import add_addendum, sign_visit
from ptdesk.services.uow import transaction
from tests.helpers.clinic_files import open_clinic_file

pytestmark = pytest.mark.sqlite_only
INTAKE = date(2026, 10, 8)  # DEMO-0001's initial evaluation in the demo clinic
RE_EVALUATION = date(2026, 11, 19)


@pytest.fixture(autouse=True)
def no_password_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PTDESK_PASSWORD", raising=False)
    monkeypatch.setattr("ptdesk.commands.acting.stdin_is_terminal", lambda: False)


@pytest.fixture
def demo_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    db = str(tmp_path / "demo.db")
    assert cli.main(["init", "--db", db]) == 0
    assert cli.main(["demo", "--db", db, "--patients", "0"]) == 0
    capsys.readouterr()
    return db


def _visit_id(db: str, day: date) -> int:
    engine, factory = open_clinic_file(db)  # the demo clinic is encrypted (issue 22)
    try:
        with transaction(factory) as session:
            return int(session.scalar(
                select(Visit.id).join(Patient, Patient.id == Visit.patient_id)
                .where(Patient.mrn == "DEMO-0001", Visit.visit_date == day)))
    finally:
        engine.dispose()


def _pages(path: Path) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages]


def _report(db: str, out: Path, *extra: str) -> int:
    return cli.main(["report", "evaluation", "DEMO-0001", *extra, "--out", str(out), "--db", db])


def test_demo_initial_evaluation_prints_once_signed(demo_db: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "evaluation.pdf"
    # The demo leaves its notes unsigned: nothing signed to print yet, and no file written.
    assert _report(demo_db, out) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No signed initial evaluation" in err
    assert "DEMO-0001" not in err and "Whitaker" not in err and not out.exists()

    engine, factory = open_clinic_file(demo_db)
    visit_id = _visit_id(demo_db, INTAKE)
    sign_visit(factory, actor=DEMO_ACTOR, visit_id=visit_id)
    add_addendum(factory, actor=DEMO_ACTOR, visit_id=visit_id, reason="Late detail",
                 text="Patient also reports stiffness after sitting.")
    engine.dispose()

    assert _report(demo_db, out) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # it carries the patient's record
    pages = _pages(out)
    text = " ".join(pages)
    for expected in (
        "Initial evaluation and plan of care", "Rachel Whitaker", "DEMO-0001",
        "Date of service", "October 8, 2026", "Electronically signed by",
        "Knee examination", "Special tests", "Ankle examination", "Running gait",
        "Hip abduction", "79%", "⚑", "4 / 5", "LEFS", "58/80", "Working diagnosis",
        "Problem list", "Goals", "Finish the half marathon", "Once a week for 6 weeks",
        "Home programme", "Return-to-run plan", "Addenda",
        "Patient also reports stiffness after sitting.",
        "Physician certification of the plan of care", "Dr. Helen Marsh", "Date",
    ):
        assert expected in text, expected
    assert DRAFT_MARK not in text and DRAFT_MARK.upper() not in text
    assert "Right knee weakness from hip" in text  # the diagnosis the note showed at signing

    # A later episode edit never changes what the signed note prints (its facts snapshot).
    engine, factory = open_clinic_file(demo_db)
    with transaction(factory) as session:
        episode_id = session.scalar(select(Visit.episode_id).where(Visit.id == visit_id))
    update_episode_facts(factory, actor=DEMO_ACTOR, episode_id=episode_id,
                         facts=EpisodeFacts("Iliotibial band syndrome", "M76.31", "right"))
    engine.dispose()
    out.unlink()
    assert _report(demo_db, out) == 0
    text = " ".join(_pages(out))
    assert "Right knee weakness from hip" in text and "Iliotibial" not in text

    engine, factory = open_clinic_file(demo_db)
    with transaction(factory) as session:
        printed = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "print", AuditEntry.record_id == visit_id)).all()
    engine.dispose()
    assert len(printed) == 2 and all("evaluation" in p.summary for p in printed)  # one a print


def test_a_draft_prints_only_when_named_and_says_so_on_every_page(
        demo_db: str, tmp_path: Path) -> None:
    out = tmp_path / "draft.pdf"
    assert _report(demo_db, out, "--visit", RE_EVALUATION.isoformat()) == 0
    pages = _pages(out)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert DRAFT_MARK in page, f"page {number} lacks the draft mark"
    assert "Re-evaluation and plan of care" in pages[0]
    assert "Electronically signed" not in " ".join(pages)


def test_exit_codes(demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "none.pdf"
    assert _report(demo_db, out, "--visit", "2026-10-09") == 2  # no visit that day
    assert "No visit on that date" in capsys.readouterr().err
    assert _report(demo_db, out, "--visit", "2026-13-01") == 2  # not a date
    assert "--visit" in capsys.readouterr().err
    assert cli.main(["report", "progress", "DEMO-0001", "--visit", "2026-10-08",
                     "--out", str(out), "--db", demo_db]) == 2
    assert cli.main(["report", "evaluation", "NOPE-1", "--out", str(out),
                     "--db", demo_db]) == 2
    assert _report(demo_db, tmp_path / "missing" / "x.pdf", "--visit", "2026-10-08") == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Whitaker" not in err
    assert not out.exists()


def test_strength_rows_use_the_domain_rules() -> None:
    """LSI by region's involved side, a flagged 89.6% never reads 90%, MMT as grades."""
    rows = (
        ev.StrengthMeasurement("hip_abduction", "left", "dynamometer", value=100.0, unit="N"),
        ev.StrengthMeasurement("hip_abduction", "right", "dynamometer", value=89.6, unit="N"),
        ev.StrengthMeasurement("ankle_plantarflexion", "left", "mmt", mmt_grade="4"),
        ev.StrengthMeasurement("ankle_plantarflexion", "right", "mmt", mmt_grade="5"),
        ev.StrengthMeasurement("knee_extension", "left", "mmt", mmt_grade="5"),
        ev.StrengthMeasurement("knee_extension", "right", "dynamometer", value=30.0, unit="kg"),
    )
    table = strength_table(rows, affected_side="right", ankle_side="left")
    assert table is not None
    by_group = {row[0].split(" (")[0]: row for row in table.rows}
    assert by_group["Hip abduction"][1:] == ("Right", "100 N", "89.6 N", "89%  ⚑")
    assert by_group["Ankle plantarflexion"][1] == "Left"
    assert by_group["Ankle plantarflexion"][4] == "4 / 5  ⚑"
    assert by_group["Knee extension"][4] == "sides tested differently"
    assert (0, 4) in table.flagged


def test_late_entry_prints_both_dates(session_factory) -> None:  # type: ignore[no-untyped-def]
    from ptdesk.services.evaluation_report import evaluation_pdf
    from ptdesk.services.evaluations import create_visit
    from tests.factories import ACTOR, make_episode, make_patient

    patient = make_patient(session_factory)
    episode = make_episode(session_factory, patient.id)
    visit = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=date(2026, 10, 2), visit_type="initial_evaluation",
                         first_saved_on=date(2026, 10, 3))
    data = evaluation_pdf(session_factory, actor=ACTOR, patient_id=patient.id,
                          visit_id=visit.id)
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "Late entry — service 2026-10-02, written 2026-10-03" in text
    assert "First saved" in text and "October 3, 2026" in text
