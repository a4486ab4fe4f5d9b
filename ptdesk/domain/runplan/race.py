"""The race on the plan's calendar: race week, taper weeks, race day and the race check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ptdesk.domain.runplan.inputs import PlanInputs


@dataclass(frozen=True, slots=True)
class RaceCalendar:
    """Where the race falls in the plan; all None/0 without a race date."""

    day: dt.date | None
    week: int | None  # plan week that holds race day
    taper_weeks: int  # the last 0-2 weeks up to and including race week

    @classmethod
    def of(cls, inputs: PlanInputs) -> RaceCalendar:
        if inputs.race_date is None:
            return cls(None, None, 0)
        week = (inputs.race_date - inputs.start).days // 7 + 1
        return cls(inputs.race_date, week, inputs.taper_weeks or 0)

    @property
    def first_taper(self) -> int | None:
        """The week the taper begins (race week itself when there is no taper)."""
        if self.week is None:
            return None
        return self.week - max(self.taper_weeks, 1) + 1

    def is_taper(self, week: int) -> bool:
        return (self.week is not None and self.taper_weeks > 0
                and self.week - self.taper_weeks < week <= self.week)

    def day_in(self, week: int) -> dt.date | None:
        return self.day if week == self.week else None

    def ready(self, goal_week: int | None, paused: bool) -> bool | None:
        """Ready only when the goal week ends before the taper (or race week) begins."""
        if self.week is None:
            return None
        first = self.first_taper
        return not paused and goal_week is not None and first is not None and goal_week < first

    def warning(self, goal_week: int | None, cap_text: str, paused: bool) -> str | None:
        if self.day is None or self.ready(goal_week, paused):
            return None
        day = self.day.isoformat()
        if paused:
            return f"The plan is paused, so it is not known whether you will be ready for the " \
                   f"race on {day}."
        if goal_week is None:
            return f"At ≤{cap_text}% a week the goal is not reached before the race ({day})."
        assert self.week is not None
        if goal_week > self.week:
            late = goal_week - self.week
            weeks = "week" if late == 1 else "weeks"
            return (f"At ≤{cap_text}% a week the goal comes after the race: it is reached in "
                    f"week {goal_week}, {late} {weeks} after race week. Race day ({day}) is "
                    f"marked and the plan goes on to the goal.")
        return (f"At ≤{cap_text}% a week the goal is reached in week {goal_week}, too late to "
                f"hold it before the taper for the race ({day}).")
