"""Drives the real main window like a clinician's hands, counting every key press and mouse click.

Used by bench/probe_inputs.py (the evaluation_inputs figure) and by its test
(tests/ui/test_probe_inputs.py). Every input goes through `Hands`, which sends real QTest
events to the widgets and counts them; nothing is set behind the widgets' backs.

The path is the fastest the UI offers, so the count is honest before and after a change:
- a field is reached with one click (a Tab would cost the same one input); scrolling it
  into view (the mouse wheel) is not counted;
- a text field already holding a prefix of the wanted text is extended (Ctrl+End), any other
  text is replaced (Ctrl+A, then typing);
- a drop-down costs a click to open it and a click on the wanted entry;
- a check box costs one click;
- quick-fill buttons and "Draft from exam", when the section offers them, are used when a
  scratch copy of the section shows they bring fields to the wanted values without undoing any.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QWidget,
)

Key = Qt.Key
Mod = Qt.KeyboardModifier


@dataclass
class Tally:
    """What the hands did: key presses (typed characters among them) and mouse clicks."""

    keys: int = 0
    typed: int = 0
    typed_words: int = 0  # typed characters of text with words in it (not numbers or dates)
    clicks: int = 0
    by_step: dict[str, int] = field(default_factory=dict)
    step: str = "start"

    @property
    def total(self) -> int:
        return self.keys + self.clicks

    def add(self, keys: int = 0, clicks: int = 0, typed: int = 0, words: bool = False) -> None:
        self.keys += keys
        self.clicks += clicks
        self.typed += typed
        if words:
            self.typed_words += typed
        self.by_step[self.step] = self.by_step.get(self.step, 0) + keys + clicks

    def as_json(self) -> dict[str, Any]:
        return {"inputs": self.total, "keys": self.keys, "typed_characters": self.typed,
                "typed_free_text": self.typed_words,
                "navigation_keys": self.keys - self.typed, "clicks": self.clicks,
                "by_step": dict(self.by_step)}


class Hands:
    """Real QTest key and mouse events, each one counted."""

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.tally = Tally()

    def step(self, name: str) -> None:
        self.tally.step = name

    # ---- primitives --------------------------------------------------------------------

    def click(self, widget: QWidget, pos: QPoint | None = None) -> None:
        _scroll_into_view(widget)
        target = widget
        if isinstance(widget, QPlainTextEdit):
            target = widget.viewport()
        QTest.mouseClick(target, Qt.MouseButton.LeftButton, Mod.NoModifier,
                         pos if pos is not None else target.rect().center())
        self.tally.add(clicks=1)
        self.app.processEvents()

    def key(self, widget: QWidget, key: Key, modifier: Mod = Mod.NoModifier) -> None:
        QTest.keyClick(widget, key, modifier)
        self.tally.add(keys=1)
        self.app.processEvents()  # item views commit an editor on a queued call

    def type(self, widget: QWidget, text: str, *, words: bool | None = None) -> None:
        """One key press per character; a line break is the Return key.

        `words`: the text is words (names, history, plan), not a number, a date or a phone
        number; by default judged from the text itself.
        """
        words = is_free_text(text) if words is None else words
        for n, line in enumerate(text.split("\n")):
            if n:
                QTest.keyClick(widget, Key.Key_Return)
                self.tally.add(keys=1, typed=1, words=words)
            if line:
                QTest.keyClicks(widget, line)
                self.tally.add(keys=len(line), typed=len(line), words=words)
        self.app.processEvents()

    # ---- fields ------------------------------------------------------------------------

    def set_text(self, widget: QLineEdit | QPlainTextEdit, wanted: str) -> None:
        current = widget.text() if isinstance(widget, QLineEdit) else widget.toPlainText()
        if current == wanted:
            return
        self.click(widget)
        words = is_free_text(wanted)
        if current and wanted.startswith(current):
            self.key(widget, Key.Key_End, Mod.ControlModifier)
            self.type(widget, wanted[len(current):], words=words)
            return
        if current:
            self.key(widget, Key.Key_A, Mod.ControlModifier)
            if not wanted:
                self.key(widget, Key.Key_Delete)
        self.type(widget, wanted, words=words)

    def set_check(self, box: QCheckBox, wanted: bool) -> None:
        if box.isChecked() != wanted:
            self.click(box)

    def set_combo(self, combo: QComboBox, wanted: str) -> None:
        index = combo.findData(wanted)
        if index < 0:
            index = combo.findText(wanted)
        if index < 0:
            raise ValueError(f"{combo.accessibleName() or combo.objectName()}: no entry {wanted!r}")
        if combo.currentIndex() == index:
            return
        self.click(combo)  # opens the list
        view = combo.view()
        wait_until(self.app, lambda: view.isVisible(), what="the drop-down list")
        item = combo.model().index(index, combo.modelColumn())
        view.scrollTo(item)
        rect = view.visualRect(item)
        # The pointer travels to the entry first (a move, not an input): the list ignores a
        # release that comes too soon after it opened without the mouse having moved.
        QTest.mouseMove(view.viewport(), rect.center())
        self.app.processEvents()
        self.click(view.viewport(), rect.center())
        if view.isVisible() and view.currentIndex().row() == index:
            # Offscreen, a list that opened over its own box can swallow the click on an
            # entry; Return takes the highlighted entry instead (one more input, counted).
            self.key(view, Key.Key_Return)
        wait_until(self.app, lambda: not view.isVisible(),
                   what=f"the drop-down {combo.accessibleName()!r} to close on {wanted!r}")
        if combo.currentIndex() != index:
            raise RuntimeError(f"{combo.accessibleName()}: the click did not choose {wanted!r}")

    def press(self, button: QAbstractButton) -> None:
        if not button.isEnabled():
            raise RuntimeError(f"button {button.text()!r} is disabled")
        self.click(button)

    def set_widget(self, widget: QWidget, wanted: Any) -> None:
        """Bring one input to its wanted raw value (text, check state or choice key)."""
        if isinstance(widget, QCheckBox):
            self.set_check(widget, bool(wanted))
        elif isinstance(widget, QComboBox):
            self.set_combo(widget, str(wanted or ""))
        elif isinstance(widget, QLineEdit | QPlainTextEdit):
            self.set_text(widget, str(wanted))
        else:
            raise TypeError(f"cannot drive {type(widget).__name__}")

    # ---- modal dialogs -----------------------------------------------------------------

    def when_modal(self, handle: Callable[[QWidget], None], errors: list[BaseException]) -> None:
        """Run `handle(dialog)` once a modal dialog is up (the click that opens it blocks)."""
        deadline = time.monotonic() + 30

        def poll() -> None:
            dialog = QApplication.activeModalWidget()
            if dialog is None or not dialog.isVisible():
                if time.monotonic() > deadline:
                    errors.append(TimeoutError("no dialog appeared"))
                    return
                QTimer.singleShot(10, poll)
                return
            try:
                handle(dialog)
            except BaseException as exc:  # reported by the caller once the dialog is gone
                errors.append(exc)
                dialog.close()

        QTimer.singleShot(0, poll)


def is_free_text(text: str) -> bool:
    """Words (any letter in them), as against a number, a date or a phone number."""
    return any(ch.isalpha() for ch in text)


def _scroll_into_view(widget: QWidget) -> None:
    """Scroll every enclosing scroll area to the widget (the wheel: scrolling is not counted)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea) and parent.widget() is not None \
                and parent.widget().isAncestorOf(widget):
            parent.ensureWidgetVisible(widget, 10, 10)
        parent = parent.parentWidget()


def wait_until(app: QApplication, condition: Callable[[], bool], *, what: str,
               timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited too long for {what}")
        app.processEvents()
        time.sleep(0.001)
