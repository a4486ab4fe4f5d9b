"""Plan versions: a re-plan, pause or resume replaces weeks from one week on, never before it."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from ptdesk.domain.runplan.model import Plan, PlanWeek, Session

PAUSED_WEEK = "Paused: no running this week."
PAUSED_WARNING = ("Running is paused: contact the clinic before you run again. The clinician "
                  "resumes the plan.")


def shifted(plan: Plan, weeks: int) -> Plan:
    """`plan` renumbered to start `weeks` weeks later in a longer plan (dates unchanged)."""
    return replace(plan, weeks=tuple(replace(week, week=week.week + weeks) for week in plan.weeks),
                   goal_week=None if plan.goal_week is None else plan.goal_week + weeks)


def splice(old: Plan, new: Plan, from_week: int, version: int) -> Plan:
    """Weeks before `from_week` as `old` planned them; from it on, `new` as `version`.

    What was logged for a past week (its done and decision) comes from `new`, which
    was built from the run log; the numbers planned for it stay `old`'s.
    """
    logged = {week.week: week for week in new.weeks if week.week < from_week}
    past = []
    for week in old.weeks:
        if week.week >= from_week:
            break
        news = logged.get(week.week)
        past.append(week if news is None else replace(week, done=news.done,
                                                      decision=news.decision))
    future = [replace(week, version=version) for week in new.weeks if week.week >= from_week]
    gap = []
    if future:
        # Weeks the plan was paused for: listed, with no running, so numbering stays whole.
        listed = past[-1].week if past else 0
        first = future[0]
        for number in range(listed + 1, first.week):
            start = first.start - dt.timedelta(weeks=first.week - number)
            zero = first.total - first.total
            gap.append(PlanWeek(week=number, start=start, total=zero, longest=zero,
                                lighter=False, version=version, sessions=(Session(
                                    date=start, run=zero, walk=zero,
                                    description=PAUSED_WEEK),)))
    return replace(new, weeks=(*past, *gap, *future))


def paused_from(plan: Plan, week: int) -> Plan:
    """`plan` paused after `week`: later weeks are not listed, no goal week."""
    kept = tuple(w for w in plan.weeks if w.week <= week)
    return replace(plan, weeks=kept, goal_week=None, goal_date=None, paused=True,
                   race_ready=None if plan.race_ready is None else False,
                   warnings=(*plan.warnings, PAUSED_WARNING))


def week_of(plan_start: dt.date, day: dt.date) -> int:
    """The plan week that holds `day` (week 1 starts on the plan's start date)."""
    return (day - plan_start).days // 7 + 1


def max_version(weeks: tuple[PlanWeek, ...]) -> int:
    return max((week.version for week in weeks), default=1)
