"""Quick-fill buttons of an evaluation section: one click or key sets a group of normal findings; Undo puts them back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ptdesk.domain import evaluation as ev
from ptdesk.domain.note_draft import CLEAR_RED_FLAGS
from ptdesk.ui.kit.flow_layout import FlowLayout
from ptdesk.ui.kit.shortcuts import QUICK_FILL_KEYS

# The same key does the same kind of fill in whichever section holds the keyboard focus.
SHORTCUTS = QUICK_FILL_KEYS


@dataclass(frozen=True)
class Fill:
    """One quick-fill: its button text and the raw values it writes (key -> text/bool/choice)."""

    name: str
    label: str
    values: Callable[[list[str]], dict[str, Any]]  # the section's field keys -> values

    @property
    def shortcut(self) -> str:
        return SHORTCUTS[self.name]


class QuickFillBar(QWidget):
    """A row of quick-fill buttons for one section (wrapping when narrow), with Undo of the last fill.

    Every field stays editable: a fill only writes values, as typing would, so the form's
    edit tracking, drafts and validation see it like any other input.
    """

    def __init__(self, section: Any, fills: tuple[Fill, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section = section
        self._fills = {fill.name: fill for fill in fills}
        self._undo: list[dict[str, Any]] = []
        self.buttons: dict[str, QPushButton] = {}
        caption = QLabel("Quick fill:")
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(6)
        outer.addWidget(caption, 0, Qt.AlignmentFlag.AlignTop)
        holder = QWidget(self)
        # The buttons wrap onto a second row (under the first button) in a narrow window
        # rather than scrolling sideways.
        row = FlowLayout(holder, h_spacing=6, v_spacing=4)
        outer.addWidget(holder, 1)
        for fill in fills:
            button = QPushButton(fill.label)
            button.setObjectName(f"quickFill_{fill.name}")
            button.setAccessibleName(f"Quick fill: {fill.label}")
            button.setToolTip(f"{fill.label} ({fill.shortcut}); Undo puts the values back")
            button.clicked.connect(lambda _=False, n=fill.name: self.apply(n))
            row.addWidget(button)
            self.buttons[fill.name] = button
            shortcut = QShortcut(QKeySequence(fill.shortcut), section)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda n=fill.name: self.apply(n))
        self.undo_button = QPushButton("Undo fill")
        self.undo_button.setObjectName("quickFill_undo")
        self.undo_button.setAccessibleName("Undo quick fill")
        self.undo_button.setToolTip(f"Put back the values before the last quick fill "
                                    f"({SHORTCUTS['undo']})")
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self.undo)
        undo_key = QShortcut(QKeySequence(SHORTCUTS["undo"]), section)
        undo_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo_key.activated.connect(self.undo)
        row.addWidget(self.undo_button)
        caption.setFixedHeight(self.undo_button.sizeHint().height())  # level with row one

    def apply(self, name: str) -> None:
        fields = self.section.fields
        if self._read_only():
            return
        values = self._fills[name].values(fields.keys())
        self._undo.append({key: fields.raw()[key] for key in values})
        for key, value in values.items():
            fields.set_value(key, value)
        self.undo_button.setEnabled(True)

    def undo(self) -> None:
        if not self._undo or self._read_only():
            return
        fields = self.section.fields
        for key, value in self._undo.pop().items():
            fields.set_value(key, value)
        self.undo_button.setEnabled(bool(self._undo))

    def forget(self) -> None:
        """Another visit (or a reload) is shown: its values are not this fill's to undo."""
        self._undo.clear()
        self.undo_button.setEnabled(False)

    def set_read_only(self, read_only: bool) -> None:
        for button in self.buttons.values():
            button.setEnabled(not read_only)
        self.undo_button.setEnabled(not read_only and bool(self._undo))

    def _read_only(self) -> bool:
        return not next(iter(self.buttons.values())).isEnabled() if self.buttons else True


def keys_like(keys: list[str], *parts: str) -> list[str]:
    """The section's field keys containing every one of `parts`."""
    return [key for key in keys if all(part in key for part in parts)]


def _set(keys: list[str], value: Any) -> dict[str, Any]:
    return dict.fromkeys(keys, value)


# ---- the fills of each section -------------------------------------------------------------

def knee_fills() -> tuple[Fill, ...]:
    def tests(keys: list[str]) -> dict[str, Any]:
        return _set(keys_like(keys, "special_tests."), "negative")

    def tenderness(keys: list[str]) -> dict[str, Any]:
        return {**_set(keys_like(keys, ".tenderness:"), False),
                **_set(keys_like(keys, ".tenderness_other"), "")}

    def effusion(keys: list[str]) -> dict[str, Any]:
        return _set(keys_like(keys, "knee_", ".effusion"), "none")

    def normal(keys: list[str]) -> dict[str, Any]:
        return {**tests(keys), **tenderness(keys), **effusion(keys),
                **_set(keys_like(keys, ".patellar_mobility"), "normal"),
                **_set(keys_like(keys, ".patellar_tracking"), ev.NORMAL_PATELLAR_TRACKING[0]),
                **_set(keys_like(keys, ".single_leg_squat") + keys_like(keys, ".step_down"),
                       "good")}

    return (Fill("normal", "Within normal limits", normal),
            Fill("tests_negative", "All special tests negative", tests),
            Fill("no_tenderness", "No tenderness", tenderness),
            Fill("effusion_none", "Effusion none both sides", effusion))


def ankle_fills() -> tuple[Fill, ...]:
    def tests(keys: list[str]) -> dict[str, Any]:
        return _set(keys_like(keys, ".anterior_drawer") + keys_like(keys, ".talar_tilt"),
                    "negative")

    def tenderness(keys: list[str]) -> dict[str, Any]:
        return _set(keys_like(keys, ".tender_"), False)

    def normal(keys: list[str]) -> dict[str, Any]:
        return {**tests(keys), **tenderness(keys),
                **_set(keys_like(keys, "ankle_", ".swelling"), "none")}

    return (Fill("normal", "Within normal limits", normal),
            Fill("tests_negative", "Ligament tests negative", tests),
            Fill("no_tenderness", "No tenderness", tenderness))


def gait_fills() -> tuple[Fill, ...]:
    def normal(keys: list[str]) -> dict[str, Any]:
        return {"gait.overstriding": False, "gait.pelvic_drop_side": "none",
                "gait.pelvic_drop_severity": "", "gait.knee_valgus": "none",
                "gait.pronation": "normal", "gait.crossover": False, "gait.trunk_lean": "none"}

    return (Fill("normal", "No gait faults", normal),)


def subjective_fills() -> tuple[Fill, ...]:
    def red_flags(keys: list[str]) -> dict[str, Any]:
        return {"red_flags_screened": True, "red_flags_notes": CLEAR_RED_FLAGS}

    return (Fill("no_red_flags", "Red flags screened: none", red_flags),)
