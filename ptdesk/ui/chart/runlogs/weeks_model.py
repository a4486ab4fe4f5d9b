"""Table model of the active plan's weeks: planned vs done and the pain rules' decision per week."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPixmap

from ptdesk.services.runlogs import LoggedWeek
from ptdesk.ui.kit.rows_model import ROW_ROLE, Column, RowsModel
from ptdesk.ui.kit.run_text import (
    DECISION_ADVICE,
    DECISION_LABELS,
    MORNING_LABELS,
    amount_text,
)
from ptdesk.ui.kit.text import week_dates_text

WEEK_ROLE = ROW_ROLE                          # the LoggedWeek of the row
DECISION_ROLE = Qt.ItemDataRole.UserRole + 2  # "progress" / "hold" / "regress" / None
# The decision sits next to the dates: it is what the clinician looks for first.
WEEK, DATES, DECISION, PLANNED, DONE, RUNS, PAIN, MORNING, FLAGS = range(9)
_CENTRED = {Qt.ItemDataRole.TextAlignmentRole: lambda _w: int(Qt.AlignmentFlag.AlignCenter)}
_SIZES = "Running for the week / the longest single run"


def dot_icon(colour: QColor, size: int = 12) -> QIcon:
    """A filled circle: the decision's traffic-light colour beside its word."""
    ratio = QGuiApplication.primaryScreen().devicePixelRatio() \
        if QGuiApplication.primaryScreen() else 1.0
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(colour.darker(130))
    painter.setBrush(colour)
    painter.drawEllipse(QRectF(1, 1, size - 2, size - 2))
    painter.end()
    return QIcon(pixmap)


class WeeksTableModel(RowsModel[LoggedWeek]):
    """One row per plan week; the decision column carries its colour dot and advice."""

    def __init__(self, parent: QObject | None = None) -> None:
        tip = Qt.ItemDataRole.ToolTipRole
        super().__init__((
            Column("Week", lambda w: str(w.week), _CENTRED),
            Column("Dates", lambda w: week_dates_text(w.start)),
            Column("Decision", _decision_text,
                   {tip: _decision_tip, Qt.ItemDataRole.DecorationRole: self._icon}),
            Column("Planned", _planned_text, header_tip=_SIZES),
            Column("Done", _done_text, {tip: _done_tip}, header_tip=_SIZES),
            Column("Runs", lambda w: str(w.runs), _CENTRED),
            Column("Worst pain", _pain_text, _CENTRED),
            Column("Next morning", _morning_text),
            Column("Swelling, limping", _flags_text),
        ), parent, row_roles={DECISION_ROLE: lambda w: w.decision})
        self._colours: dict[str, QColor] = {}
        self._icons: dict[str, QIcon] = {}

    def set_colours(self, colours: dict[str, QColor]) -> None:
        """Decision -> colour, from the palette (light or dark); icons are drawn once per colour."""
        self.beginResetModel()
        self._colours = dict(colours)
        self._icons = {}
        self.endResetModel()

    def _icon(self, week: LoggedWeek) -> QIcon | None:
        colour = self._colours.get(week.decision or "")
        if week.decision is None or colour is None:
            return None
        if week.decision not in self._icons:
            self._icons[week.decision] = dot_icon(colour)
        return self._icons[week.decision]


def _planned_text(week: LoggedWeek) -> str:
    if week.planned_total is None:
        return "—"
    return (f"{amount_text(week.planned_total, week.measure)} / "
            f"{amount_text(week.planned_longest or 0, week.measure)}")


def _done_text(week: LoggedWeek) -> str:
    if not week.runs:
        return "No runs logged" if week.complete else "—"
    return (f"{amount_text(week.done_total, week.measure)} / "
            f"{amount_text(week.done_longest, week.measure)}")


def _answers_missing(week: LoggedWeek) -> bool:
    """Every run of the week is imported and unanswered: its pain columns are placeholders."""
    return bool(week.waiting_for_pain) and week.waiting_for_pain >= week.runs


def _pain_text(week: LoggedWeek) -> str:
    if _answers_missing(week):
        return "Not entered"
    if week.worst_pain is None:
        return "—"
    waiting = week.waiting_for_pain
    return f"{week.worst_pain}/10" + (f" ({waiting} not entered)" if waiting else "")


def _morning_text(week: LoggedWeek) -> str:
    if _answers_missing(week):
        return "Not entered"
    return MORNING_LABELS.get(week.worst_next_morning or "", "—")


def _flags_text(week: LoggedWeek) -> str:
    if _answers_missing(week):
        return "Not entered"
    flags = [word for word, on in (("swelling", week.swelling), ("limping", week.limping)) if on]
    return ", ".join(flags).capitalize() if flags else "None"


def _decision_text(week: LoggedWeek) -> str:
    if week.decision is None:
        waiting = week.waiting_for_pain
        return f"Waiting for pain answers ({waiting})" if waiting else "—"
    word = DECISION_LABELS[week.decision]
    return word if week.complete else f"{word} (so far)"


def _decision_tip(week: LoggedWeek) -> str | None:
    if not week.decision:
        return None
    advice = DECISION_ADVICE[week.decision]
    if not week.complete:
        advice += " The week is not over yet, so this can still change."
    return advice


def _done_tip(week: LoggedWeek) -> str | None:
    if not week.other_measure_runs:
        return None
    count = week.other_measure_runs
    return (f"{count} run{'s' if count > 1 else ''} logged in another unit "
            f"(minutes vs distance) could not be added to this week.")
