"""`ptdesk report progress MRN --out FILE.pdf`: exit codes, private file, readable PDF."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pypdf
import pytest

from ptdesk import cli
from ptdesk.db.engine import make_engine, make_session_factory
from tests.integration.progress_data import build_chart


@pytest.fixture(autouse=True)
def report_command(monkeypatch: pytest.MonkeyPatch) -> None:
    # Until the lead adds it to cli.COMMAND_MODULES, register the command for these tests.
    if "ptdesk.commands.report" not in cli.COMMAND_MODULES:
        monkeypatch.setattr(cli, "COMMAND_MODULES", (*cli.COMMAND_MODULES,
                                                     "ptdesk.commands.report"))


@pytest.fixture
def db(db_url: str) -> str:
    assert cli.main(["init", "--db", db_url]) == 0
    engine = make_engine(db_url)
    build_chart(make_session_factory(engine), mrn="PR-0042")
    engine.dispose()
    return db_url


def test_writes_a_private_pdf(db: str, tmp_path: Path, capsys) -> None:
    out = tmp_path / "report.pdf"
    assert cli.main(["report", "progress", "pr-0042", "--out", str(out), "--db", str(db)]) == 0
    assert "Wrote" in capsys.readouterr().out
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # it carries the patient's record
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "Zoë Ødegård-Núñez" in text and "LEFS 54 → 66 (+12)" in text


def test_unknown_mrn_is_a_usage_error(db: str, tmp_path: Path, capsys) -> None:
    out = tmp_path / "nobody.pdf"
    assert cli.main(["report", "progress", "NOPE-1", "--out", str(out), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "No patient with MRN NOPE-1" in err and "Traceback" not in err
    assert not out.exists()


def test_bad_output_folder_and_uninitialised_database(db: str, tmp_path: Path, capsys) -> None:
    missing = tmp_path / "no-such-folder" / "r.pdf"
    assert cli.main(["report", "progress", "PR-0042", "--out", str(missing),
                     "--db", str(db)]) == 2
    assert cli.main(["report", "progress", "PR-0042", "--out", str(tmp_path / "r.pdf"),
                     "--db", str(tmp_path / "empty.db")]) == 1
    assert "ptdesk init" in capsys.readouterr().err
