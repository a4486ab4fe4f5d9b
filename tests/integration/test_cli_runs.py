"""`ptdesk runs import MRN FILE_OR_FOLDER... [--json]`: the JSON contract and the exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ptdesk import cli
from ptdesk.db.engine import SessionFactory
from tests.factories import ACTOR, PASSWORD, make_patient
from tests.helpers.run_files import RunSpec, day, fit_bytes, gpx_bytes, gz, zip_bytes


@pytest.fixture
def db(db_url: str, session_factory: SessionFactory, monkeypatch: pytest.MonkeyPatch) -> str:
    make_patient(session_factory, mrn="RUN-0007")
    monkeypatch.setenv("PTDESK_PASSWORD", PASSWORD)
    return db_url


def _cli(db: str, *words: str) -> int:
    return cli.main(["runs", "import", *words, "--db", db, "--as", ACTOR])


def test_json_contract(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = tmp_path / "run.fit"
    run.write_bytes(fit_bytes(RunSpec(start=day(1))))
    (tmp_path / "walk.gpx").write_bytes(gpx_bytes(RunSpec(start=day(2), sport="walking")))
    (tmp_path / "bad.fit").write_bytes(b"garbage!")
    export = tmp_path / "export.zip"
    export.write_bytes(zip_bytes({"activities/1.fit.gz": gz(fit_bytes(RunSpec(start=day(1)))),
                                  "activities/2.fit.gz": b"\x1f\x8b broken"}))
    assert _cli(db, "run-0007", str(run), str(tmp_path / "walk.gpx"), str(tmp_path / "bad.fit"),
                str(export), "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {
        "added": 1, "duplicates": 1, "skipped": 1,
        "rejected": [
            {"file": str(tmp_path / "bad.fit"),
             "reason": "This is not a FIT file (it does not start with a FIT header)."},
            {"file": f"{export}!activities/2.fit.gz",
             "reason": "The gzip file is damaged and could not be unpacked."}]}
    assert list(out) == ["added", "duplicates", "skipped", "rejected"]


def test_plain_text_summary(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.fit").write_bytes(fit_bytes(RunSpec(start=day(1))))
    assert _cli(db, "RUN-0007", str(tmp_path)) == 0
    out = capsys.readouterr().out
    assert out.startswith("Added 1, duplicates 0, skipped (not running) 0, rejected 0.")


def test_only_rejects_still_exit_0(db: str, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("5k easy")
    assert _cli(db, "RUN-0007", str(tmp_path / "notes.txt"), "--json") == 0
    assert json.loads(capsys.readouterr().out)["rejected"][0]["file"] == str(
        tmp_path / "notes.txt")


def test_unknown_mrn_and_missing_path_exit_2_without_a_traceback(
        db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = tmp_path / "run.fit"
    run.write_bytes(fit_bytes(RunSpec(start=day(1))))
    assert _cli(db, "NOBODY-1", str(run), "--json") == 2
    assert "no patient with that MRN" in capsys.readouterr().err
    assert _cli(db, "RUN-0007", str(run), str(tmp_path / "missing.fit"), "--json") == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "missing.fit" in captured.err
    assert "Traceback" not in captured.err
    # Nothing was imported by the refused call.
    assert _cli(db, "RUN-0007", str(run), "--json") == 0
    assert json.loads(capsys.readouterr().out)["added"] == 1
