"""Table model of a return-to-run plan's weeks: dates, sessions, weekly total, longest run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont

from ptdesk.domain.runplan import Plan, PlanWeek, Session
from ptdesk.domain.runplan.amounts import Measure, format_amount
from ptdesk.ui.kit.rows_model import Column, RowsModel
from ptdesk.ui.kit.text import week_dates_text

VALUE_ROLE = Qt.ItemDataRole.UserRole + 1  # the raw value behind a cell (Decimal, date, bool)
WEEK, DATES, SESSIONS, TOTAL, LONGEST, LIGHTER = range(6)


def amount_text(value: Decimal, measure: Measure) -> str:
    """The plan's own printed form: "13:12 min", "4.55 km" (never rounded up)."""
    return format_amount(value, measure)


dates_text = week_dates_text  # the kit's wording, shared with the run log and progress charts


def sessions_text(sessions: tuple[Session, ...]) -> str:
    """One line per distinct session, with the days it falls on ("Mon, Wed: Walk-run: …")."""
    groups: dict[str, list[str]] = {}
    for session in sessions:
        groups.setdefault(session.description, []).append(f"{session.date:%a}")
    return "\n".join(f"{', '.join(days)}: {text}" for text, days in groups.items())


@dataclass(frozen=True)
class _Row:
    week: PlanWeek
    measure: Measure
    new_year: bool  # the dates show the year: the first week and when a new year starts


def _column(title: str, text: Any, value: Any, centred: bool = False,
            tip: Any = None) -> Column[_Row]:
    align = (Qt.AlignmentFlag.AlignCenter if centred
             else Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    roles: dict[int, Any] = {VALUE_ROLE: lambda r: value(r.week),
                             Qt.ItemDataRole.TextAlignmentRole: lambda _r: int(align)}
    if tip is not None:
        roles[Qt.ItemDataRole.ToolTipRole] = lambda r: tip(r.week)
    return Column(title, text, roles)


def _italic(row: _Row) -> QFont | None:
    if not row.week.lighter:
        return None
    font = QFont()
    font.setItalic(True)
    return font


class PlanTableModel(RowsModel[_Row]):
    """One row per plan week; VALUE_ROLE gives the raw value behind each cell."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__((
            _column("Week", lambda r: str(r.week.week), lambda w: w.week, centred=True),
            _column("Dates", lambda r: dates_text(r.week.start, with_year=r.new_year),
                    lambda w: w.start, tip=lambda w: dates_text(w.start)),
            _column("Sessions", lambda r: sessions_text(r.week.sessions), lambda w: w.sessions,
                    tip=lambda w: "\n".join(f"{s.date:%a %d %b}: {s.description}"
                                            for s in w.sessions)),
            _column("Total", lambda r: amount_text(r.week.total, r.measure), lambda w: w.total,
                    centred=True),
            _column("Longest", lambda r: amount_text(r.week.longest, r.measure),
                    lambda w: w.longest, centred=True),
            _column("Lighter", lambda r: "Lighter" if r.week.lighter else "",
                    lambda w: w.lighter, centred=True),
        ), parent, row_roles={Qt.ItemDataRole.FontRole: _italic})
        self._plan: Plan | None = None

    def set_plan(self, plan: Plan | None) -> None:
        self._plan = plan
        weeks = plan.weeks if plan is not None else ()
        years = [(w.start + dt.timedelta(days=6)).year for w in weeks]
        self.set_rows([_Row(w, plan.measure, n == 0 or years[n - 1] != years[n])
                       for n, w in enumerate(weeks) if plan is not None])

    def plan(self) -> Plan | None:
        return self._plan
