"""`ptdesk runplan`: print a return-to-run plan as a table or JSON (and, when built, a PDF)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ptdesk.commands import UsageError
from ptdesk.commands.common import output_path, write_user_file
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.runplan import (
    MEASURES,
    Plan,
    PlanInputs,
    PlanWeek,
    WeekLog,
    build_plan,
    history_from_json,
    plan_to_json,
)
from ptdesk.domain.runplan.amounts import UNIT_WORDS, format_amount, format_pct

# Input fields whose CLI option is not simply the field name with dashes.
_OPTION_FOR_FIELD = {"cap_pct": "--cap"}


def _option(field: str) -> str:
    return _OPTION_FOR_FIELD.get(field, "--" + field.replace("_", "-"))


def register(subparsers: Any) -> None:
    """Add the `runplan` subcommand. Values are parsed in `run` so bad input is one line."""
    parser = subparsers.add_parser(
        "runplan", help="print a return-to-run plan (10%% weekly cap)",
        description="Build a week-by-week return-to-run plan from what the patient runs now. "
                    "Weekly running and the longest run never grow more than the cap (at most "
                    "10%) over the week before; walking does not count.")
    parser.add_argument("--measure", required=True, metavar="{minutes,km,mi}",
                        help="what the plan counts: minutes of running, km or miles")
    parser.add_argument("--runs-per-week", required=True, metavar="N", help="2 to 6")
    parser.add_argument("--current-run", required=True, metavar="X",
                        help="longest continuous run the patient manages now")
    parser.add_argument("--current-weekly", required=True, metavar="X",
                        help="running done in the last 7 days (0 or more)")
    parser.add_argument("--restart-weekly", metavar="X",
                        help="a restart's week-1 dose (more than 0; required when "
                             "--current-weekly is 0)")
    parser.add_argument("--goal-weekly", required=True, metavar="Y", help="weekly running goal")
    parser.add_argument("--goal-long-run", metavar="Z", help="long-run goal (optional)")
    parser.add_argument("--start", required=True, metavar="YYYY-MM-DD",
                        help="first day of week 1")
    parser.add_argument("--race-date", metavar="YYYY-MM-DD", help="race day (optional)")
    parser.add_argument("--taper-weeks", metavar="N",
                        help="taper weeks up to and including race week, 0-2 (default 1; "
                             "needs --race-date)")
    parser.add_argument("--long-run-max-pct", default="40", metavar="P",
                        help="the long run's largest share of the week with 3+ runs, 33-50 "
                             "(default 40)")
    parser.add_argument("--cap", default="10", metavar="PCT",
                        help="weekly increase cap in percent, more than 0 and at most 10 "
                             "(default 10)")
    parser.add_argument("--lighter-every", metavar="N", help="a lighter week every N weeks")
    parser.add_argument("--lighter-pct", metavar="P",
                        help="the lighter week's share of the week before, 50-95 (default 80)")
    parser.add_argument("--history", metavar="FILE.json",
                        help="JSON list of weeks already done, to re-plan from")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--pdf", metavar="FILE", help="also write the patient handout as PDF")
    parser.set_defaults(run=run)


def _whole(option: str, text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(text.strip())
    except ValueError:
        raise UsageError(f"{option}: must be a whole number (got {text!r}).") from None


def _number(option: str, text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise UsageError(f"{option}: must be a number (got {text!r}).") from None
    if not value.is_finite():
        raise UsageError(f"{option}: must be a number (got {text!r}).")
    return value


def _date(option: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option}: must be a date written YYYY-MM-DD (got {text!r}).") from None


def _history(path_text: str | None) -> tuple[WeekLog, ...]:
    if path_text is None:
        return ()
    path = Path(path_text)
    # A pipe or device would be waited on (or read forever); only a plain file is read.
    if path.exists() and not path.is_file():
        raise UsageError(f"--history: {path_text} is not a file; give a JSON file.")
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not a readable text file"
        raise UsageError(f"--history: cannot read {path_text}: {reason}.") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise UsageError(f"--history: {path_text} is not valid JSON (line {error.lineno}: "
                         f"{error.msg}).") from None
    except RecursionError:
        raise UsageError(f"--history: {path_text} is nested too deeply; it must be a list "
                         f"of logged weeks.") from None
    try:
        return history_from_json(data)
    except ValidationError as error:
        raise UsageError(f"--history: {error.message}") from None


def _given(option: str, value: Any) -> Any:
    if value is None:  # argparse enforces required options; this guards direct callers
        raise UsageError(f"{option}: is required.")
    return value


def inputs_from_args(args: argparse.Namespace) -> PlanInputs:
    """PlanInputs from the parsed options; UsageError names the option at fault."""
    if args.measure not in MEASURES:
        raise UsageError(f"--measure: must be minutes, km or mi (got {args.measure!r}).")
    runs = _given("--runs-per-week", _whole("--runs-per-week", args.runs_per_week))
    current = _given("--current-run", _number("--current-run", args.current_run))
    goal = _given("--goal-weekly", _number("--goal-weekly", args.goal_weekly))
    start = _given("--start", _date("--start", args.start))
    cap = _given("--cap", _number("--cap", args.cap))
    goal_long_run = _number("--goal-long-run", args.goal_long_run)
    race_date = _date("--race-date", args.race_date)
    lighter_every = _whole("--lighter-every", args.lighter_every)
    lighter_pct = _whole("--lighter-pct", args.lighter_pct)
    weekly = _given("--current-weekly", _number("--current-weekly", args.current_weekly))
    restart = _number("--restart-weekly", args.restart_weekly)
    taper = _whole("--taper-weeks", args.taper_weeks)
    long_pct = _given("--long-run-max-pct", _whole("--long-run-max-pct", args.long_run_max_pct))
    history = _history(args.history)
    try:
        return PlanInputs(args.measure, runs, current, goal, start=start,
                          goal_long_run=goal_long_run, race_date=race_date, cap_pct=cap,
                          lighter_every=lighter_every, lighter_pct=lighter_pct, history=history,
                          current_weekly=weekly, restart_weekly=restart, taper_weeks=taper,
                          long_run_max_pct=long_pct)
    except ValidationError as error:
        raise UsageError(f"{_option(error.field)}: {error.message}") from None


def _emit(text: str) -> None:
    """Print, falling back to plain ASCII on consoles that cannot show "≤"."""
    try:
        print(text)
    except UnicodeEncodeError:
        print(text.replace("≤", "<=").encode("ascii", "replace").decode("ascii"))


def _amount(value: Decimal, plan: Plan) -> str:
    return format_amount(value, plan.measure)


def _week_note(week: PlanWeek, plan: Plan) -> str:
    notes = []
    if week.lighter:
        notes.append("lighter week")
    if week.done is not None:
        log = week.done
        notes.append(f"done {_amount(log.done_total, plan)} (longest "
                     f"{_amount(log.done_longest, plan)}), pain {log.pain_during}/10, next "
                     f"morning {log.next_morning}"
                     + (", swelling" if log.swelling else "") + (", limping" if log.limping else "")
                     + f": {week.decision}")
    return "; ".join(notes)


def format_table(plan: Plan) -> str:
    """The plan as a readable table: one line per week, its sessions indented below."""
    lines = [f"Return-to-run plan in {UNIT_WORDS[plan.measure]} (at most "
             f"{format_pct(plan.cap_pct)}% more each week; walking does not count)", "",
             f"{'Week':>4}  {'Starts':<14}  {'Total':>9}  {'Longest':>9}  Notes"]
    for week in plan.weeks:
        lines.append(f"{week.week:>4}  {week.start:%a %Y-%m-%d}  "
                     f"{_amount(week.total, plan):>9}  {_amount(week.longest, plan):>9}  "
                     f"{_week_note(week, plan)}".rstrip())
        for session in week.sessions:
            lines.append(f"{'':>4}    {session.date:%a %Y-%m-%d}  "
                         f"{_amount(session.run, plan):>9}  {session.description}")
    lines.append("")
    if plan.restart:
        lines.append("Restart: week 1 is the clinician's restart dose, not last week's running.")
    if plan.paused:
        lines.append("Paused: no running until the clinician resumes the plan; contact the "
                     "clinic.")
    if plan.goal_week is not None and plan.goal_date is not None:
        lines.append(f"Goal reached in week {plan.goal_week} (week of "
                     f"{plan.goal_date.isoformat()}).")
    else:
        lines.append("Goal not reached within this plan.")
    if plan.race_ready is not None:
        lines.append("Race: " + ("ready on time." if plan.race_ready else "not ready in time."))
    for warning in plan.warnings:
        lines.append(f"Warning: {warning}")
    return "\n".join(lines)


def _write_pdf(plan: Plan, path: Path) -> None:
    from ptdesk.reports.runplan_pdf import unsaved_plan_pdf

    # Through the safe writer: a device or pipe is written to, never replaced (issue 16).
    write_user_file("--pdf", path, unsaved_plan_pdf(plan))


def run(args: argparse.Namespace) -> int:
    pdf = output_path("--pdf", args.pdf) if args.pdf else None  # refused before any work
    inputs = inputs_from_args(args)
    plan = build_plan(inputs)
    if pdf is not None:
        _write_pdf(plan, pdf)
    if args.json:
        _emit(json.dumps(plan_to_json(plan), indent=2))
    else:
        _emit(format_table(plan))
        if args.pdf:
            print(f"PDF written to {args.pdf}", file=sys.stderr)
    return 0
