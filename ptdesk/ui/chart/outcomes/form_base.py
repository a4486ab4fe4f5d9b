"""What every outcome-measure form shares: raw state for drafts, field errors, a striped grid."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QWidget

from ptdesk.domain.errors import ValidationError
from ptdesk.services.outcomes import ItemsInput, OutcomeRecord
from ptdesk.ui.kit.error_label import ErrorLabel
from ptdesk.ui.kit.notify import Notifier
from ptdesk.ui.kit.palette import is_dark


def count_words(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def missing_box(name: str, question: str) -> QCheckBox:
    """The box that marks a question the patient left blank."""
    box = QCheckBox()
    box.setObjectName(name)
    box.setAccessibleName(f"{question}: mark missing")
    box.setToolTip("The patient left this question blank")
    return box


def open_items_text(marked: int, open_items: int) -> str:
    """What the live total adds about items marked missing and questions still open."""
    text = f" ({count_words(marked, 'item', 'items')} missing)" if marked else ""
    if open_items:
        text += f" · {count_words(open_items, 'question', 'questions')} not answered yet"
    return text


def wrapped_height(label: QLabel, width: int) -> int:
    """Height of the label's text wrapped at `width` (QLabel.heightForWidth over-counts lines)."""
    text = label.text()  # plain text only
    metrics = label.fontMetrics()
    box = metrics.boundingRect(QRect(0, 0, max(width, 1), 10_000),
                               int(Qt.TextFlag.TextWordWrap), text)
    return box.height() + 2


class StripedGrid(QWidget):
    """A grid whose question rows are shaded in turn, so the eye follows a row across."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(3)
        self.striped_rows: list[list[QWidget]] = []  # the widgets of each question row
        self.wrapped: list[tuple[QLabel, int]] = []  # (label, narrowest width it gets)

    def add_wrapped(self, label: QLabel, min_width: int) -> None:
        """Reserve the height a word-wrapped label needs.

        A grid in a scroll area sizes rows from minimum sizes, and a wrapped label
        reports one line there, so its second line would be clipped; the height is
        worked out again for the label's width on every resize.
        """
        label.setWordWrap(True)
        label.setMinimumWidth(min_width)
        label.setMinimumHeight(wrapped_height(label, min_width))
        self.wrapped.append((label, min_width))

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        # The labels get their new widths when the layout runs after this event.
        QTimer.singleShot(0, self._fit_wrapped)

    def _fit_wrapped(self) -> None:
        for label, min_width in self.wrapped:
            needed = wrapped_height(label, max(label.width(), min_width))
            if needed != label.minimumHeight():
                label.setMinimumHeight(needed)

    def paintEvent(self, event: Any) -> None:
        painter = QPainter(self)
        # A shade of the window colour itself, so the stripes suit light and dark palettes.
        window = self.palette().color(QPalette.ColorRole.Window)
        colour = window.lighter(135) if is_dark(self) else window.darker(106)
        spacing = self.grid.verticalSpacing()
        for n, widgets in enumerate(self.striped_rows):
            if n % 2:
                continue
            shown = [w.geometry() for w in widgets if not w.isHidden()]
            if not shown:
                continue
            top = min(r.top() for r in shown) - spacing // 2 - 1
            bottom = max(r.bottom() for r in shown) + spacing // 2 + 1
            painter.fillRect(0, top, self.width(), bottom - top + 1, colour)
        painter.end()
        super().paintEvent(event)


class MeasureForm(QWidget):
    """Base of the four forms; subclasses fill `errors` and implement the abstract parts.

    `changed` is a plain-Python notifier (see ptdesk.ui.kit.notify) that fires only
    for the clinician's own edits, never for loading or restoring.
    """

    measure = ""
    title = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.changed = Notifier()
        self.errors: dict[str, ErrorLabel] = {}
        self.form_error = ErrorLabel()
        self.form_error.setObjectName(f"{self.measure}_form_error")

    # --- implemented by each form ---------------------------------------------------------
    def raw_state(self) -> dict[str, Any]:
        """Everything typed or chosen, JSON-ready, invalid text included (for drafts)."""
        raise NotImplementedError

    def set_raw_state(self, state: dict[str, Any]) -> None:
        raise NotImplementedError

    def load_record(self, record: OutcomeRecord | None) -> None:
        """Show a stored result (None clears the form)."""
        raise NotImplementedError

    def collect(self) -> tuple[ItemsInput, bool]:
        """(items for record_outcome, allow_missing); ValidationError when text cannot be read."""
        raise NotImplementedError

    def summary_text(self) -> str:
        """The live total, e.g. "LEFS 54/80 (2 items missing)"."""
        raise NotImplementedError

    def input_widgets(self) -> list[QWidget]:
        raise NotImplementedError

    # --- shared ---------------------------------------------------------------------------
    def set_editable(self, editable: bool) -> None:
        for widget in self.input_widgets():
            widget.setEnabled(editable)

    def field_for(self, field: str) -> str:
        """The error label key for a ValidationError field (PSFS renumbers rows)."""
        return field

    def show_error(self, exc: ValidationError) -> None:
        label = self.errors.get(self.field_for(exc.field))
        (label or self.form_error).show_message(exc.message)

    def clear_errors(self) -> None:
        for label in (*self.errors.values(), self.form_error):
            label.show_message("")

    def visible_errors(self) -> dict[str, str]:
        """Field -> message shown now (tests and the status line read this)."""
        shown = {key: label.text() for key, label in self.errors.items() if not label.isHidden()}
        if not self.form_error.isHidden():
            shown[self.measure] = self.form_error.text()
        return shown
