"""Plans and plan inputs to and from the JSON shapes the CLI prints and the database stores."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.runplan.amounts import MEASURES, Measure, to_decimal
from ptdesk.domain.runplan.inputs import PlanInputs
from ptdesk.domain.runplan.model import DECISIONS, Intervals, Plan, PlanWeek, Session, WeekLog

Json = dict[str, Any]
LOG_KEYS = ("week", "done_total", "done_longest", "pain_during", "next_morning", "swelling",
            "limping")
INPUT_KEYS = ("measure", "runs_per_week", "current_run", "goal_weekly", "goal_long_run", "start",
              "race_date", "cap_pct", "lighter_every", "lighter_pct", "history",
              "current_weekly", "restart_weekly", "taper_weeks", "long_run_max_pct")
INTERVAL_KEYS = ("run_s", "walk_s", "repeats", "then_run_s")


def _number(value: Decimal) -> int | float:
    """A JSON number: an int when whole, else the float whose shortest form is the Decimal."""
    return int(value) if value == value.to_integral_value() else float(value)


def _amount(value: Decimal, measure: Measure) -> int | float:
    # Distances always print with their decimal (4.0 km); minutes are whole numbers
    # when whole and exact decimals otherwise (1.05 = 1:03; steps are 3 seconds).
    return _number(value) if measure == "minutes" else float(value)


def _optional_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def log_to_json(log: WeekLog) -> Json:
    return {"week": log.week, "done_total": _number(log.done_total),
            "done_longest": _number(log.done_longest), "pain_during": log.pain_during,
            "next_morning": log.next_morning, "swelling": log.swelling, "limping": log.limping}


def log_from_json(data: object, position: int) -> WeekLog:
    """One logged week; raises ValidationError("history", ...) for anything malformed."""
    if not isinstance(data, Mapping):
        raise ValidationError("history", f"Entry {position} must be an object like "
                                         f'{{"week": 1, "done_total": 4.0, ...}}.')
    unknown = sorted(set(data) - set(LOG_KEYS))
    if unknown:
        raise ValidationError("history", f"Entry {position} has unknown field(s): "
                                         f"{', '.join(map(str, unknown))}.")
    missing = [key for key in LOG_KEYS[:5] if key not in data]
    if missing:
        raise ValidationError("history", f"Entry {position} is missing: {', '.join(missing)}.")
    return WeekLog(week=data["week"], done_total=data["done_total"],
                   done_longest=data["done_longest"], pain_during=data["pain_during"],
                   next_morning=data["next_morning"], swelling=data.get("swelling", False),
                   limping=data.get("limping", False))


def history_from_json(data: object) -> tuple[WeekLog, ...]:
    """The `--history` file's content: a JSON list of logged weeks."""
    if not isinstance(data, list):
        raise ValidationError("history", "The history must be a JSON list of logged weeks.")
    return tuple(log_from_json(entry, position) for position, entry in enumerate(data, start=1))


def inputs_to_json(inputs: PlanInputs) -> Json:
    return {
        "measure": inputs.measure, "runs_per_week": inputs.runs_per_week,
        "current_run": _number(inputs.current_run), "goal_weekly": _number(inputs.goal_weekly),
        "goal_long_run": None if inputs.goal_long_run is None else _number(inputs.goal_long_run),
        "start": inputs.start.isoformat(), "race_date": _optional_date(inputs.race_date),
        "cap_pct": _number(inputs.cap_pct), "lighter_every": inputs.lighter_every,
        "lighter_pct": inputs.lighter_pct, "history": [log_to_json(log) for log in inputs.history],
        "current_weekly": None if inputs.current_weekly is None
        else _number(inputs.current_weekly),
        "restart_weekly": None if inputs.restart_weekly is None
        else _number(inputs.restart_weekly),
        "taper_weeks": inputs.taper_weeks if inputs.race_date is not None else None,
        "long_run_max_pct": inputs.long_run_max_pct,
    }


def _parse_date(field: str, value: object) -> dt.date:
    if not isinstance(value, str):
        raise ValidationError(field, f"Dates must be written YYYY-MM-DD (got {value!r}).")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(field, f"Dates must be written YYYY-MM-DD (got {value!r}).") from None


def inputs_from_json(data: object) -> PlanInputs:
    """Plan inputs from `inputs_to_json`'s shape; ValidationError names the offending field."""
    if not isinstance(data, Mapping):
        raise ValidationError("plan_inputs", "Plan inputs must be a JSON object.")
    unknown = sorted(set(data) - set(INPUT_KEYS))
    if unknown:
        raise ValidationError(str(unknown[0]), f"Unknown plan input: {unknown[0]}.")
    for key in ("measure", "runs_per_week", "current_run", "goal_weekly", "start"):
        if key not in data:
            raise ValidationError(key, f"The plan input {key} is missing.")
    race = data.get("race_date")
    weekly = data.get("current_weekly")
    if weekly is None:
        # Plans stored before issue 14 assumed every run at the current run.
        weekly = to_decimal(data["current_run"], "current_run") * data["runs_per_week"]
    return PlanInputs(
        data["measure"], data["runs_per_week"], data["current_run"], data["goal_weekly"],
        start=_parse_date("start", data["start"]), goal_long_run=data.get("goal_long_run"),
        current_weekly=weekly, restart_weekly=data.get("restart_weekly"),
        taper_weeks=data.get("taper_weeks"),
        long_run_max_pct=data.get("long_run_max_pct", 40),
        race_date=None if race is None else _parse_date("race_date", race),
        cap_pct=data.get("cap_pct", 10), lighter_every=data.get("lighter_every"),
        lighter_pct=data.get("lighter_pct"), history=history_from_json(data.get("history", [])))


def _intervals_to_json(intervals: Intervals | None) -> Json | None:
    if intervals is None:
        return None
    return {"run_s": intervals.run_s, "walk_s": intervals.walk_s,
            "repeats": intervals.repeats, "then_run_s": intervals.then_run_s}


def _session_to_json(session: Session, measure: Measure) -> Json:
    return {"date": session.date.isoformat(), "run": _amount(session.run, measure),
            "walk": _amount(session.walk, measure), "description": session.description,
            "intervals": _intervals_to_json(session.intervals), "race": session.race}


def plan_to_json(plan: Plan) -> Json:
    """The CLI's `--json` object: totals are the sums of session runs, dates are ISO."""
    measure = plan.measure
    return {
        "measure": measure,
        "cap_pct": _number(plan.cap_pct),
        "paused": plan.paused,
        "restart": plan.restart,
        "weeks": [{
            "week": week.week, "start": week.start.isoformat(),
            "total": _amount(week.total, measure), "longest": _amount(week.longest, measure),
            "lighter": week.lighter,
            "sessions": [_session_to_json(session, measure) for session in week.sessions],
            "done": None if week.done is None else log_to_json(week.done),
            "decision": week.decision,
            "version": week.version,
        } for week in plan.weeks],
        "goal_week": plan.goal_week,
        "goal_date": _optional_date(plan.goal_date),
        "race_ready": plan.race_ready,
        "warnings": list(plan.warnings),
    }


def _decimal(value: object, what: str) -> Decimal:
    try:
        return to_decimal(value, what)
    except (TypeError, ValueError, ArithmeticError):
        raise ValidationError("plan", f"{what} must be a number (got {value!r}).") from None


def _intervals_from_json(data: object) -> Intervals | None:
    if data is None:
        return None
    if not isinstance(data, Mapping) or any(
            isinstance(data.get(key), bool) or not isinstance(data.get(key), int)
            for key in INTERVAL_KEYS):
        raise ValidationError("plan", "A session's intervals are damaged.")
    return Intervals(run_s=data["run_s"], walk_s=data["walk_s"], repeats=data["repeats"],
                     then_run_s=data["then_run_s"])


def _session_from_json(data: Mapping[str, Any], measure: Measure) -> Session:
    # Plans stored before issue 14 have no intervals or race keys: continuous, no race.
    return Session(date=_parse_date("plan", data["date"]), run=_decimal(data["run"], "run"),
                   walk=_decimal(data["walk"], "walk"), description=str(data["description"]),
                   intervals=_intervals_from_json(data.get("intervals")),
                   race=bool(data.get("race", False)))


def _week_from_json(data: Mapping[str, Any], measure: Measure) -> PlanWeek:
    decision = data["decision"]
    if decision is not None and decision not in DECISIONS:
        raise ValidationError("plan", f"Unknown decision {decision!r}.")
    done = data["done"]
    return PlanWeek(
        week=int(data["week"]), start=_parse_date("plan", data["start"]),
        total=_decimal(data["total"], "total"), longest=_decimal(data["longest"], "longest"),
        lighter=bool(data["lighter"]),
        sessions=tuple(_session_from_json(session, measure) for session in data["sessions"]),
        done=None if done is None else log_from_json(done, int(data["week"])),
        decision=decision, version=int(data.get("version", 1)))


def plan_from_json(data: object) -> Plan:
    """A stored plan back from `plan_to_json`'s object (raises ValidationError("plan", ...))."""
    if not isinstance(data, Mapping):
        raise ValidationError("plan", "A stored plan must be a JSON object.")
    try:
        measure = data["measure"]
        if measure not in MEASURES:
            raise ValidationError("plan", f"Unknown measure {measure!r}.")
        goal_date = data["goal_date"]
        race_ready = data["race_ready"]
        return Plan(
            measure=measure, cap_pct=_decimal(data["cap_pct"], "cap_pct"),
            weeks=tuple(_week_from_json(week, measure) for week in data["weeks"]),
            goal_week=None if data["goal_week"] is None else int(data["goal_week"]),
            goal_date=None if goal_date is None else _parse_date("plan", goal_date),
            race_ready=None if race_ready is None else bool(race_ready),
            warnings=tuple(str(text) for text in data["warnings"]),
            paused=bool(data.get("paused", False)), restart=bool(data.get("restart", False)))
    except ValidationError:
        raise
    except (KeyError, TypeError, ValueError) as error:
        raise ValidationError("plan", f"The stored plan is incomplete or damaged ({error}).") \
            from None
