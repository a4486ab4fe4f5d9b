"""Load flags: the single-run spike and the two-week jump at their boundaries; info-only values."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptdesk.domain.load_flags import (
    EXTRAPOLATION_NOTE,
    INFO_NOTE,
    RunAmount,
    load_report,
    restart_days,
    single_run_spikes,
    weekly_load,
)

MON = date(2026, 6, 1)  # a Monday


def _d(n: int) -> date:
    return MON + timedelta(days=n)


def _build(longest: float, then: float, gap_days: int = 5) -> list[RunAmount]:
    # A steady fortnight with `longest` as the longest run, then one run of `then`.
    base = [RunAmount(_d(n), a) for n, a in ((0, 5.0), (2, longest), (4, 5.0), (7, 6.0),
                                             (9, 5.0), (11, 6.0))]
    return [*base, RunAmount(_d(11 + gap_days), then)]


@pytest.mark.parametrize(("then", "flagged"), [
    (11.0, False),   # exactly 110% of the longest (10 km): not "longer than 110%"
    (10.99, False),  # just under
    (11.01, True),   # just over
])
def test_single_run_spike_boundary_on_distance(then: float, flagged: bool) -> None:
    spikes = single_run_spikes(_build(10.0, then))
    assert bool(spikes) is flagged
    if flagged:
        assert (spikes[0].index, spikes[0].longest_before) == (6, 10.0)
        assert spikes[0].ratio == pytest.approx(1.101)


def test_the_30_day_window_is_the_baseline() -> None:
    # The 10 km run was 31 days before; within the window the longest is 6.
    runs = [RunAmount(_d(0), 10.0), *[RunAmount(_d(n), 6.0) for n in range(7, 31, 3)],
            RunAmount(_d(31), 6.61)]
    assert [s.longest_before for s in single_run_spikes(runs)] == [6.0]
    runs[-1] = RunAmount(_d(30), 6.61)  # 30 days after the 10 km: still in the window
    assert single_run_spikes(runs) == []


def test_minutes_plans_use_duration_and_say_it_is_an_extrapolation() -> None:
    report = load_report(_build(40.0, 44.5), basis="duration")
    assert report.extrapolated and EXTRAPOLATION_NOTE in report.notes
    assert [s.amount for s in report.spikes] == [44.5]
    assert report.notes[-2:][0] == INFO_NOTE
    assert not load_report(_build(40.0, 44.0), basis="duration").spikes
    distance = load_report(_build(10.0, 12.0), basis="distance")
    assert not distance.extrapolated and EXTRAPOLATION_NOTE not in distance.notes


def test_first_week_after_a_restart_is_not_flagged() -> None:
    # Three weeks off, then back: the first run after the gap has only old runs (or none)
    # in its window; its first week is not flagged whatever it holds.
    runs = [RunAmount(_d(0), 4.0), RunAmount(_d(2), 4.0), RunAmount(_d(22), 6.0),
            RunAmount(_d(24), 7.0), RunAmount(_d(30), 9.0)]
    spikes = single_run_spikes(runs)
    assert [s.day for s in spikes] == [_d(30)]  # 7 days after the restart on day 22
    # A plan start given as a restart silences that week too.
    assert single_run_spikes(runs, restarts=[_d(28)]) == []


def _weeks(*totals: float) -> list[RunAmount]:
    return [RunAmount(_d(7 * n), t) for n, t in enumerate(totals) if t]


@pytest.mark.parametrize(("third", "flagged"), [(13.0, False), (12.99, False), (13.01, True)])
def test_two_week_jump_boundary(third: float, flagged: bool) -> None:
    weeks = weekly_load(_weeks(10.0, 11.0, third))
    assert [w.two_week_flag for w in weeks] == [False, False, flagged]
    assert weeks[2].two_week_ratio == pytest.approx(third / 10.0)


def test_two_week_jump_in_a_restart_week_is_not_flagged() -> None:
    runs = _weeks(10.0, 11.0, 20.0)
    assert weekly_load(runs)[2].two_week_flag
    assert not weekly_load(runs, restarts=[_d(15)])[2].two_week_flag
    assert weekly_load(runs, restarts=[_d(15)])[2].after_restart


def test_week_one_and_weeks_without_a_baseline_are_not_flagged() -> None:
    weeks = weekly_load(_weeks(10.0, 0.0, 0.0, 30.0), end=_d(27))
    assert [w.total for w in weeks] == [10.0, 0.0, 0.0, 30.0]
    assert not any(w.two_week_flag for w in weeks)  # the week two weeks before was empty


def test_weekly_change_and_acute_chronic_are_information() -> None:
    weeks = weekly_load(_weeks(10.0, 10.0, 10.0, 10.0, 20.0, 12.0))
    assert [w.change_pct for w in weeks][1:] == [0.0, 0.0, 0.0, 100.0, -40.0]
    assert [w.acute_chronic for w in weeks] == [None, None, None, None, 2.0, 0.96]  # 12/12.5
    assert weeks[4].two_week_flag  # 20 vs 10: the rule
    assert not weeks[5].two_week_flag  # 12 vs 10: 20%


@settings(deadline=None)  # a busy CI machine must not fail it on time
@given(st.lists(st.tuples(st.integers(0, 120), st.floats(0.5, 40)), max_size=40))
def test_no_flag_without_an_earlier_run_and_every_spike_exceeds_110_pct(
        raw: list[tuple[int, float]]) -> None:
    runs = [RunAmount(_d(n), round(a, 2)) for n, a in sorted(raw)]
    for spike in single_run_spikes(runs):
        assert spike.index > 0 and spike.amount > 1.1 * spike.longest_before
    for week in weekly_load(runs):
        assert not week.two_week_flag or (week.two_week_ratio or 0) > 1.3


def _spikes_by_definition(runs: list[RunAmount]) -> list[tuple[int, float]]:
    """The rule read literally: every earlier run within 30 days, rescanned per run; runs in
    a restart's first week have no baseline."""
    starts = restart_days(runs)
    found = []
    for index, run in enumerate(runs):
        earlier = [r.amount for r in runs[:index]
                   if run.day - timedelta(days=30) <= r.day <= run.day]
        if any(s <= run.day < s + timedelta(days=7) for s in starts):
            continue
        if earlier and max(earlier) > 0 and run.amount > 1.1 * max(earlier) + 1e-9:
            found.append((index, max(earlier)))
    return found


@settings(deadline=None)
@given(st.lists(st.tuples(st.integers(0, 200), st.floats(0.5, 40)), max_size=60),
       st.booleans())
def test_the_sliding_spike_window_finds_what_the_rule_says(
        raw: list[tuple[int, float]], shuffled: bool) -> None:
    # In day order (the fast path) and out of order (the plain rescan) alike.
    ordered = [RunAmount(_d(n), round(a, 2)) for n, a in (raw if shuffled else sorted(raw))]
    assert [(s.index, s.longest_before) for s in single_run_spikes(ordered)] \
        == _spikes_by_definition(ordered)
