"""`ptdesk runplan` through the real CLI entry point: table, JSON, history, PDF hook, bad input."""

from __future__ import annotations

import json
import os
import stat
from decimal import Decimal
from pathlib import Path

import pytest

from ptdesk.cli import main

BASE = ["runplan", "--measure", "km", "--runs-per-week", "3", "--current-run", "1.5",
        "--current-weekly", "4.5", "--goal-weekly", "10", "--start", "2026-12-07"]


def _run(capsys: pytest.CaptureFixture[str], *extra: str,
         base: list[str] | None = None) -> tuple[int, str, str]:
    code = main([*(BASE if base is None else base), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _with(option: str, value: str) -> list[str]:
    """BASE with one option's value replaced."""
    args = list(BASE)
    args[args.index(option) + 1] = value
    return args


def test_table_lists_weeks_sessions_goal_and_race(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "--race-date", "2027-01-10")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith("Return-to-run plan in km (at most 10% more each week")
    header = next(line for line in lines if line.lstrip().startswith("Week"))
    assert "Total" in header and "Longest" in header
    assert any(line.split()[:5] == ["1", "Mon", "2026-12-07", "4.95", "km"] for line in lines)
    assert any("Wed 2026-12-09" in line and "Easy run: 1.65 km" in line for line in lines)
    assert "Race: not ready in time." in out
    assert "Warning: At ≤10% a week the goal comes after the race" in out
    assert "Race day! Enjoy your race" in out
    goal_line = next(line for line in lines if line.startswith("Goal reached in week"))
    assert "week of" in goal_line


def test_json_is_one_object_matching_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--json", "--goal-long-run", "4", "--race-date", "2027-06-01",
                        "--cap", "7.5")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"measure", "cap_pct", "weeks", "goal_week", "goal_date", "race_ready",
                         "warnings", "paused", "restart"}
    assert data["measure"] == "km" and data["cap_pct"] == 7.5
    assert data["paused"] is False and data["restart"] is False
    assert data["goal_week"] < len(data["weeks"]) and data["race_ready"] is True
    first = data["weeks"][0]
    assert set(first) == {"week", "start", "total", "longest", "lighter", "sessions", "done",
                          "decision", "version"}
    assert (first["total"], first["longest"], first["start"]) == (4.8, 1.6, "2026-12-07")
    for week in data["weeks"]:
        runs = [Decimal(str(session["run"])) for session in week["sessions"]
                if not session["race"]]
        assert Decimal(str(week["total"])) == sum(runs)
        assert Decimal(str(week["longest"])) == max(runs, default=Decimal(0))
        assert {key for session in week["sessions"] for key in session} == {
            "date", "run", "walk", "description", "intervals", "race"}
    assert data["weeks"][data["goal_week"] - 1]["longest"] >= 4


def test_history_file_fills_done_and_decision(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    history = tmp_path / "history.json"
    history.write_text(json.dumps([
        {"week": 1, "done_total": 4.0, "done_longest": 1.5, "pain_during": 2,
         "next_morning": "same", "swelling": False, "limping": False},
        {"week": 2, "done_total": 4.4, "done_longest": 1.6, "pain_during": 7,
         "next_morning": "worse", "swelling": False, "limping": True}]), encoding="utf-8")
    code, out, _ = _run(capsys, "--history", str(history), "--json")
    assert code == 0
    weeks = json.loads(out)["weeks"]
    assert [week["decision"] for week in weeks[:3]] == ["progress", "regress", None]
    assert weeks[0]["done"]["done_total"] == 4.0 and weeks[1]["done"]["limping"] is True
    assert weeks[2]["total"] < 4.4
    code, out, _ = _run(capsys, "--history", str(history))
    assert code == 0 and "pain 7/10, next morning worse, limping: regress" in out


@pytest.mark.parametrize(("args", "option"), [
    (_with("--measure", "furlongs"), "--measure"),
    (_with("--runs-per-week", "9"), "--runs-per-week"),
    (_with("--runs-per-week", "three"), "--runs-per-week"),
    (_with("--current-run", "0"), "--current-run"),
    (_with("--current-run", "-2"), "--current-run"),
    (_with("--current-run", "lots"), "--current-run"),
    (_with("--goal-weekly", "0"), "--goal-weekly"),
    (_with("--goal-weekly", "-10"), "--goal-weekly"),
    (_with("--goal-weekly", "1"), "--goal-weekly"),  # below the current run
    (_with("--start", "07/12/2026"), "--start"),
    ([*BASE, "--cap", "15"], "--cap"),
    ([*BASE, "--cap", "0"], "--cap"),
    ([*BASE, "--cap", "-5"], "--cap"),
    ([*BASE, "--cap", "nan"], "--cap"),
    ([*BASE, "--goal-long-run", "0"], "--goal-long-run"),
    ([*BASE, "--goal-long-run", "-1"], "--goal-long-run"),
    ([*BASE, "--race-date", "2026-12-01"], "--race-date"),
    ([*BASE, "--lighter-every", "1"], "--lighter-every"),
    ([*BASE, "--lighter-every", "4", "--lighter-pct", "30"], "--lighter-pct"),
    ([*BASE, "--lighter-pct", "80"], "--lighter-every"),
])
def test_bad_input_exits_2_with_one_line_naming_the_option(
        args: list[str], option: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, base=args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert option in err


@pytest.mark.parametrize("content", [
    "not json",
    json.dumps({"week": 1}),
    json.dumps([{"week": 1, "done_total": 4}]),
    json.dumps([{"week": 1, "done_total": 4.0, "done_longest": 1.5, "pain_during": 12,
                 "next_morning": "same"}]),
    json.dumps([{"week": 2, "done_total": 4.0, "done_longest": 1.5, "pain_during": 1,
                 "next_morning": "same"}]),
    json.dumps([{"week": 1, "done_total": 4.0, "done_longest": 5.0, "pain_during": 1,
                 "next_morning": "same"}]),
])
def test_malformed_history_exits_2_naming_history(
        content: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    history = tmp_path / "history.json"
    history.write_text(content, encoding="utf-8")
    code, _, err = _run(capsys, "--history", str(history))
    assert code == 2 and err.count("\n") == 1 and "--history" in err


def test_missing_history_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "--history", str(tmp_path / "nope.json"))
    assert code == 2 and "--history" in err and err.count("\n") == 1


def test_missing_required_option_is_argparse_usage_error(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["runplan", "--measure", "km"])
    assert caught.value.code == 2
    assert "--runs-per-week" in capsys.readouterr().err


def test_pdf_is_written_and_matches_the_json(capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path) -> None:
    # The old hook test faked a missing reports module ("not available in this build"), a
    # guard that hid packaging mistakes (issue 13); the real PDF is checked instead.
    import pypdf

    target = tmp_path / "plan.pdf"
    code, out, _ = _run(capsys, "--pdf", str(target), "--json")
    assert code == 0
    first = json.loads(out)["weeks"][0]
    text = "".join(page.extract_text() for page in pypdf.PdfReader(target).pages)
    assert target.read_bytes().startswith(b"%PDF") and first["total"] > 0 and "Week" in text
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_pdf_to_a_device_writes_into_it_and_a_foreign_file_is_kept(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # Issue 16: output never replaces a device (here our own copy of the full device) and
    # never overwrites a file that is not an earlier PDF; refused before any work.
    full = tmp_path / "full"
    try:
        os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    except OSError as exc:
        pytest.skip(f"cannot make a device node here ({exc.strerror})")
    code, _, err = _run(capsys, "--pdf", str(full))
    assert code == 1 and "disk is full" in err and "Traceback" not in err
    assert stat.S_ISCHR(full.stat().st_mode)
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes")
    code, out, err = _run(capsys, "--pdf", str(notes))
    assert code == 2 and "--pdf" in err and out == "" and notes.read_text() == "my notes"


def test_history_from_a_pipe_is_refused_at_once(capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path) -> None:
    # Issue 16: `--history` pointed at a FIFO waited forever for a writer.
    pipe = tmp_path / "history.fifo"
    os.mkfifo(pipe)
    code, out, err = _run(capsys, "--history", str(pipe))
    assert code == 2 and "--history" in err and "not a file" in err and out == ""
