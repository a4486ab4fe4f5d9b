"""`ptdesk handout` end to end on the demo clinic: real PDFs read back with pypdf."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest
from pypdf import PdfReader

from ptdesk.cli import main
from ptdesk.demo.generator import build_demo_clinic
from ptdesk.domain import exercise_library as lib
from ptdesk.reports.runplan_pdf import amount_text
from ptdesk.services.patients import find_by_mrn
from ptdesk.services.prescriptions import active_prescription
from ptdesk.services.runplans import active_plan
from tests.factories import ACTOR, make_patient


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    from ptdesk.db.engine import make_engine, make_session_factory
    from ptdesk.db.migrate import upgrade

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    engine = make_engine(path)
    upgrade(engine)
    build_demo_clinic(make_session_factory(engine), actor="test", patients=0)
    engine.dispose()
    return path


def _text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return "\n".join(page.extract_text() for page in reader.pages)


def _session_factory(db: Path):
    from ptdesk.db.engine import make_engine, make_session_factory

    return make_session_factory(make_engine(db))


@pytest.mark.parametrize("mrn", ["DEMO-0001", "DEMO-0005"])
def test_exercise_sheet_for_demo_patient(demo_db: Path, tmp_path: Path, mrn: str) -> None:
    out = tmp_path / "sheet.pdf"
    assert main(["handout", "exercises", mrn, "--out", str(out), "--db", str(demo_db)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = " ".join(_text(out).split())
    sf = _session_factory(demo_db)
    patient = find_by_mrn(sf, mrn, actor=ACTOR)
    assert f"{patient.first_name} {patient.last_name}" in text
    prescription = active_prescription(sf, patient.id, actor=ACTOR)
    assert prescription is not None
    library = lib.load_library()
    for item in prescription.items:
        assert item.exercise_name in text
        limb = lib.limb_for(item.library_id or "", item.category)
        words = lib.dosage_in_words(item.dosage, item.side, limb=limb)
        assert " ".join(words.split()) in text, words
        assert item.library_id in library
    assert "root" not in text.split("From your therapist")[1][:40]
    reader = PdfReader(str(out))
    assert reader.pages[0].mediabox.width == pytest.approx(612)  # Letter


def test_non_ascii_patient_name_prints(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "zoe.pdf"
    assert main(["handout", "runplan", "DEMO-0005", "--out", str(out), "--db", str(demo_db)]) == 0
    assert "Zoë Ødegård-Núñez" in _text(out)


def test_run_plan_handout_lists_every_week_total(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.pdf"
    assert main(["handout", "runplan", "DEMO-0002", "--out", str(out), "--db", str(demo_db)]) == 0
    text = _text(out)
    sf = _session_factory(demo_db)
    plan = active_plan(sf, find_by_mrn(sf, "DEMO-0002", actor=ACTOR).id, actor=ACTOR)
    assert plan is not None
    for week in plan.plan.weeks:
        assert amount_text(week.total, plan.plan.measure) in text


def test_unknown_mrn_and_missing_prescription_exit_2(demo_db: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "x.pdf"
    assert main(["handout", "exercises", "NOPE-1", "--out", str(out), "--db", str(demo_db)]) == 2
    assert "NOPE-1" in capsys.readouterr().err
    sf = _session_factory(demo_db)
    make_patient(sf, mrn="NEW-1")
    assert main(["handout", "exercises", "NEW-1", "--out", str(out), "--db", str(demo_db)]) == 2
    assert "no active exercise prescription" in capsys.readouterr().err
    assert main(["handout", "runplan", "NEW-1", "--out", str(out), "--db", str(demo_db)]) == 2
    assert "no active return-to-run plan" in capsys.readouterr().err
    assert not out.exists()


def test_clinic_photo_replaces_drawing_on_the_sheet(db_url: str) -> None:
    from datetime import date

    from ptdesk.db.engine import make_engine, make_session_factory
    from ptdesk.db.migrate import upgrade
    from ptdesk.reports.exercise_sheet import render_exercise_sheet
    from ptdesk.services import exercises as ex
    from ptdesk.services import handouts
    from ptdesk.services import prescriptions as rx

    engine = make_engine(db_url)
    upgrade(engine)
    sf = make_session_factory(engine)
    ex.sync_library(sf)
    patient = make_patient(sf)
    items = rx.items_from_template(sf, "hip_glute_strength")[:2]
    rx.save_prescription(sf, actor="t", patient_id=patient.id, items=items, effective_date=date(2026, 11, 1))
    png = _tiny_png()
    ex.attach_photo(sf, actor="test", exercise_id=items[0].exercise_id, photo=png)
    sheet = handouts.exercise_sheet(sf, actor="t", patient_id=patient.id)
    assert sheet.items[0].image_bytes == png and sheet.items[0].image_path is None
    assert sheet.items[1].image_bytes is None and sheet.items[1].image_path is not None
    reader = PdfReader(io.BytesIO(render_exercise_sheet(sheet)))
    assert sum(len(page.images) for page in reader.pages) == 1  # the photo; drawings are vector
    engine.dispose()


def _tiny_png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80\x40\x20" * 8 for _ in range(8))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_compact_sheet_with_summary(demo_db: Path, tmp_path: Path, capsys) -> None:
    plain, compact = tmp_path / "plain.pdf", tmp_path / "compact.pdf"
    args = ["handout", "exercises", "DEMO-0001", "--db", str(demo_db)]
    assert main([*args, "--out", str(plain)]) == 0
    assert main([*args, "--out", str(compact), "--compact", "--summary"]) == 0
    pages = PdfReader(str(compact)).pages
    assert "Your exercises at a glance" in pages[-1].extract_text()
    # Four cards to a page pays for the summary page and more on a long programme.
    assert len(pages) < len(PdfReader(str(plain)).pages) + 1
    capsys.readouterr()
    out = tmp_path / "plan.pdf"
    assert main(["handout", "runplan", "DEMO-0001", "--out", str(out), "--db", str(demo_db),
                 "--compact"]) == 2
    assert "exercise sheet only" in capsys.readouterr().err
    assert not out.exists()


def test_cadence_drill_card_prints_the_metronome_setting(demo_db: Path, tmp_path: Path) -> None:
    from ptdesk.services import handouts

    sf = _session_factory(demo_db)
    patient = find_by_mrn(sf, "DEMO-0004", actor=ACTOR)
    sheet = handouts.exercise_sheet(sf, actor=ACTOR, patient_id=patient.id)
    drill = [i for i in sheet.items if i.name == lib.load_library()["cadence_drill_metronome"].name]
    assert drill and drill[0].metronome_bpm  # the demo runner has a cadence target
    out = tmp_path / "sheet.pdf"
    assert main(["handout", "exercises", "DEMO-0004", "--out", str(out), "--db", str(demo_db)]) == 0
    assert f"Metronome: {drill[0].metronome_bpm} beats a minute" in " ".join(_text(out).split())
    assert all(i.metronome_bpm is None for i in sheet.items if i is not drill[0])
