"""Issue 14's "wrong today" items, reproduced through `ptdesk runplan` exactly as reported."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ptdesk.cli import main


def _plan(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code = main(["runplan", *args, "--json"])
    out = capsys.readouterr().out
    assert code == 0
    data: dict[str, Any] = json.loads(out)
    return data


def _fails(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    try:
        code = main(["runplan", *args])
    except SystemExit as exit_:  # argparse's own usage errors
        code = exit_.code  # type: ignore[assignment]
    err = capsys.readouterr().err
    err = err.strip().splitlines()[-1] if err.strip() else err
    assert code == 2
    assert "Traceback" not in err
    return err


def D(value: Any) -> Decimal:  # noqa: N802 - reads like the Decimal it makes
    return Decimal(str(value))


def test_week_one_is_capped_against_last_weeks_running(
        capsys: pytest.CaptureFixture[str]) -> None:
    # Item 1: 6 x 5 km printed 30 km in week 1 whatever was run last week.
    err = _fails(capsys, "--measure", "km", "--runs-per-week", "6", "--current-run", "5",
                 "--goal-weekly", "40", "--start", "2025-01-06")
    assert "--current-weekly" in err
    data = _plan(capsys, "--measure", "km", "--runs-per-week", "3", "--current-run", "5",
                 "--current-weekly", "5.3", "--goal-weekly", "40", "--start", "2025-01-06")
    weeks = data["weeks"]
    assert D(weeks[0]["total"]) <= Decimal("5.3") * Decimal("1.1")
    assert D(weeks[0]["longest"]) <= Decimal("5") * Decimal("1.1")
    # No two-week jump above 30% anywhere (DEMO-0002 went 5.3 -> 7.8 -> 8.4 km).
    totals = [Decimal("5.3")] + [D(week["total"]) for week in weeks]
    assert all(later <= earlier * Decimal("1.21")
               for earlier, later in zip(totals, totals[2:], strict=False))


def test_restart_is_required_from_zero_and_said(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--measure", "minutes", "--runs-per-week", "3", "--current-run", "10",
            "--current-weekly", "0", "--goal-weekly", "90", "--start", "2025-01-06"]
    assert "--restart-weekly" in _fails(capsys, *base)
    data = _plan(capsys, *base, "--restart-weekly", "15")
    assert data["restart"] is True and data["paused"] is False
    assert D(data["weeks"][0]["total"]) <= 15


def test_walk_run_grows_every_week_to_the_goal(capsys: pytest.CaptureFixture[str]) -> None:
    # Item 2: stopped after week 2 at 12 minutes ("run 1 min, walk 1 min, 4 times").
    data = _plan(capsys, "--measure", "minutes", "--runs-per-week", "3", "--current-run", "4",
                 "--current-weekly", "12", "--goal-weekly", "90", "--start", "2025-01-06")
    weeks = data["weeks"]
    assert data["goal_week"] == len(weeks) and D(weeks[-1]["total"]) >= 90
    assert all(D(b["total"]) > D(a["total"]) for a, b in zip(weeks, weeks[1:], strict=False))
    first = weeks[0]["sessions"][0]
    assert first["intervals"]["run_s"] >= 30 and "Walk 5:00 to warm up" in first["description"]
    assert "whole session takes" in first["description"]
    bouts = [week["sessions"][0]["intervals"]["run_s"] for week in weeks
             if week["sessions"][0]["intervals"]]
    assert bouts == sorted(bouts) and len(set(bouts)) >= 4
    assert weeks[-1]["sessions"][0]["intervals"] is None  # switched to continuous


def test_distance_plans_below_the_floor_say_plan_in_minutes(
        capsys: pytest.CaptureFixture[str]) -> None:
    for measure, current in (("km", "1.4"), ("mi", "0.9")):
        err = _fails(capsys, "--measure", measure, "--runs-per-week", "3", "--current-run",
                     current, "--current-weekly", "3", "--goal-weekly", "20", "--start",
                     "2025-01-06")
        assert "--current-run" in err and "minutes" in err


def test_race_day_taper_and_readiness(capsys: pytest.CaptureFixture[str]) -> None:
    # Item 3: a race inside the goal week was "ready"; race day had a 6-mile easy run.
    base = ["--measure", "mi", "--runs-per-week", "3", "--current-run", "4",
            "--current-weekly", "10", "--goal-weekly", "12", "--start", "2025-01-06"]
    data = _plan(capsys, *base, "--race-date", "2025-01-18")  # Saturday of week 2 (goal week)
    assert data["race_ready"] is False
    race_weeks = [w for w in data["weeks"] if any(s["race"] for s in w["sessions"])]
    assert len(race_weeks) == 1
    race = next(s for s in race_weeks[0]["sessions"] if s["race"])
    assert race["date"] == "2025-01-18" and race["run"] == 0
    assert all(s["date"] < "2025-01-18" for s in race_weeks[0]["sessions"] if not s["race"])
    later = _plan(capsys, *base, "--race-date", "2025-03-01")
    assert later["race_ready"] is True
    last = later["weeks"][-1]
    assert any(s["race"] for s in last["sessions"])
    goal = D(later["weeks"][later["goal_week"] - 1]["total"])
    assert D(last["total"]) <= goal * Decimal("0.75")  # taper at about 70%
    assert "--taper-weeks" in _fails(capsys, *base, "--taper-weeks", "1")
    assert "--taper-weeks" in _fails(capsys, *base, "--race-date", "2025-03-01",
                                     "--taper-weeks", "3")


def test_lighter_weeks_do_not_freeze(capsys: pytest.CaptureFixture[str],
                                     tmp_path: Path) -> None:
    # Item 4: 2.3 -> 2.5 -> 2.7 -> 2.9 -> 2.3 km long runs for 52 weeks.
    history = tmp_path / "history.json"
    history.write_text(json.dumps([{"week": 1, "done_total": 5.0, "done_longest": 2.7,
                                    "pain_during": 4, "next_morning": "same",
                                    "swelling": False, "limping": False}]))
    data = _plan(capsys, "--measure", "km", "--runs-per-week", "3", "--current-run", "3",
                 "--current-weekly", "6", "--goal-weekly", "30", "--goal-long-run", "12",
                 "--lighter-every", "4", "--history", str(history), "--start", "2025-01-06")
    weeks = data["weeks"]
    peaks = [weeks[i - 1] for i in range(4, len(weeks), 4)]  # the week before each lighter
    for earlier, later in zip(peaks, peaks[1:], strict=False):
        assert D(later["total"]) > D(earlier["total"])
        assert D(later["longest"]) > D(earlier["longest"])
    err = _fails(capsys, "--measure", "km", "--runs-per-week", "3", "--current-run", "3",
                 "--current-weekly", "6", "--goal-weekly", "30", "--lighter-every", "2",
                 "--lighter-pct", "80", "--start", "2025-01-06")
    assert "--lighter-every" in err and "--lighter-every 4" in err


def test_week_shape(capsys: pytest.CaptureFixture[str]) -> None:
    # Item 5: one 12 km run and nothing else; 11.3 + 0.4 + 0.3 km; long runs at 53%.
    data = _plan(capsys, "--measure", "km", "--runs-per-week", "3", "--current-run", "6",
                 "--current-weekly", "12", "--goal-weekly", "30", "--goal-long-run", "12",
                 "--start", "2025-01-06")
    for week in data["weeks"]:
        runs = [D(s["run"]) for s in week["sessions"] if not s["race"]]
        assert len(runs) == 3
        assert max(runs) <= D(week["total"]) * Decimal("0.4") or len(set(runs)) == 1
        assert min(runs) * 4 >= max(runs)
    err = _fails(capsys, "--measure", "km", "--runs-per-week", "3", "--current-run", "6",
                 "--current-weekly", "12", "--goal-weekly", "20", "--goal-long-run", "12",
                 "--start", "2025-01-06")
    assert "--goal-long-run" in err


def _history(tmp_path: Path, entries: list[dict[str, Any]]) -> str:
    path = tmp_path / "history.json"
    path.write_text(json.dumps(entries))
    return str(path)


def _log(week: int, total: float, longest: float, pain: int, morning: str,
         limping: bool = False) -> dict[str, Any]:
    return {"week": week, "done_total": total, "done_longest": longest, "pain_during": pain,
            "next_morning": morning, "swelling": False, "limping": limping}


BASE_MIN = ["--measure", "minutes", "--runs-per-week", "3", "--current-run", "10",
            "--current-weekly", "30", "--goal-weekly", "90", "--start", "2025-01-06"]


def test_stiff_settled_is_amber(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    history = _history(tmp_path, [_log(1, 33, 11, 1, "stiff-settled")])
    data = _plan(capsys, *BASE_MIN, "--history", history)
    assert data["weeks"][0]["decision"] == "hold"


def test_two_red_weeks_pause_the_plan(capsys: pytest.CaptureFixture[str],
                                      tmp_path: Path) -> None:
    history = _history(tmp_path, [_log(1, 30, 10, 6, "worse", True),
                                  _log(2, 20, 8, 6, "worse", True)])
    data = _plan(capsys, *BASE_MIN, "--history", history)
    assert data["paused"] is True and data["goal_week"] is None
    assert len(data["weeks"]) == 2
    assert any("contact the clinic" in text for text in data["warnings"])


def test_five_missed_weeks_step_back_to_half(capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path) -> None:
    entries = [_log(1, 33, 11, 0, "same")] + [_log(w, 0, 0, 0, "same") for w in range(2, 7)]
    data = _plan(capsys, *BASE_MIN, "--history", _history(tmp_path, entries))
    week_one = D(data["weeks"][0]["total"])
    assert D(data["weeks"][6]["total"]) <= week_one / 2
    assert any("re-assessment" in text for text in data["warnings"])


def test_json_additions(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    history = _history(tmp_path, [_log(1, 33, 11, 1, "better")])
    data = _plan(capsys, *BASE_MIN, "--history", history)
    assert set(data) == {"measure", "cap_pct", "weeks", "goal_week", "goal_date", "race_ready",
                         "warnings", "paused", "restart"}
    assert [week["version"] for week in data["weeks"][:2]] == [1, 2]
    for week in data["weeks"]:
        assert set(week) == {"week", "start", "total", "longest", "lighter", "sessions", "done",
                             "decision", "version"}
        for session in week["sessions"]:
            assert set(session) == {"date", "run", "walk", "description", "intervals", "race"}
            if session["intervals"] is not None:
                i = session["intervals"]
                assert set(i) == {"run_s", "walk_s", "repeats", "then_run_s"}
                assert D(session["run"]) * 60 == i["run_s"] * i["repeats"] + i["then_run_s"]


@pytest.mark.parametrize("start", ["9999-12-31", "0001-01-01"])
def test_extreme_start_dates_are_one_line(capsys: pytest.CaptureFixture[str],
                                          start: str) -> None:
    code = main(["runplan", "--measure", "km", "--runs-per-week", "3", "--current-run", "3",
                 "--current-weekly", "9", "--goal-weekly", "20", "--start", start])
    captured = capsys.readouterr()
    if code != 0:
        assert code == 2 and "--start" in captured.err
        assert len(captured.err.strip().splitlines()) == 1


def test_deeply_nested_history_is_one_line(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100000 + "]" * 100000)
    err = _fails(capsys, *BASE_MIN, "--history", str(path))
    assert "--history" in err


def test_handout_says_paused_restart_and_race_day(capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    import pypdf

    def text(path: Path) -> str:
        return " ".join(page.extract_text() for page in pypdf.PdfReader(path).pages)

    history = _history(tmp_path, [_log(1, 30, 10, 6, "worse", True),
                                  _log(2, 20, 8, 6, "worse", True)])
    paused = tmp_path / "paused.pdf"
    assert main(["runplan", *BASE_MIN, "--history", history, "--pdf", str(paused)]) == 0
    words = " ".join(text(paused).split())
    assert "Your plan is paused" in words and "contact the clinic" in words
    assert "Your running log" not in words
    restart = tmp_path / "restart.pdf"
    assert main(["runplan", "--measure", "minutes", "--runs-per-week", "3", "--current-run",
                 "4", "--current-weekly", "0", "--restart-weekly", "9", "--goal-weekly", "30",
                 "--start", "2027-01-04", "--race-date", "2027-03-06",
                 "--pdf", str(restart)]) == 0
    words = " ".join(text(restart).split())
    assert "fresh start" in words and "RACE DAY" in words and "Walk" in words
    capsys.readouterr()
