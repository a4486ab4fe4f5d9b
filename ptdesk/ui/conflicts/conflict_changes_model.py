"""Table model of the fields another clinician changed: field, their version, your version."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette

from ptdesk.domain.conflicts import FieldChange
from ptdesk.ui.kit.rows_model import Column, RowsModel

FIELD, THEIRS, YOURS = range(3)
HEADERS = ("Field", "Their version", "Your version")
BLANK = "(blank)"
CELL_LIMIT = 240  # long notes are cut in the cell; the tooltip has the whole text
_R = Qt.ItemDataRole


def cell_text(text: str) -> str:
    if not text:
        return BLANK
    flat = " ".join(text.split())
    return flat if len(flat) <= CELL_LIMIT else flat[: CELL_LIMIT - 1].rstrip() + "…"


def _bold(change: FieldChange) -> QFont | None:
    if not change.you_changed_too:
        return None
    font = QFont()
    font.setBold(True)  # both of you changed it: the field to look at first
    return font


def _blank_colour(text: str) -> QColor | None:
    # "(blank)" is a note about the value, not the value: shown like placeholder text.
    return None if text else QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)


def _version(title: str, value: str) -> Column[FieldChange]:
    def full(c: FieldChange) -> str:
        return c.theirs if value == "theirs" else c.yours
    return Column(title, lambda c: cell_text(full(c)), {
        _R.ToolTipRole: lambda c: full(c) or BLANK,
        _R.AccessibleTextRole: lambda c: f"{title}: {full(c) or BLANK}",
        _R.ForegroundRole: lambda c: _blank_colour(full(c)), _R.FontRole: _bold})


COLUMNS = (
    Column(HEADERS[FIELD], lambda c: c.label, {
        _R.ToolTipRole: lambda c: ("You both changed this field." if c.you_changed_too
                                   else "Only they changed this field."),
        _R.AccessibleTextRole: lambda c: f"{HEADERS[FIELD]}: {c.label or BLANK}",
        _R.FontRole: _bold}),
    _version(HEADERS[THEIRS], "theirs"),
    _version(HEADERS[YOURS], "yours"),
)


class ChangesModel(RowsModel[FieldChange]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, parent)

    set_changes = RowsModel.set_rows
    change_at = RowsModel.row_at
