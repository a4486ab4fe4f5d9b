"""Every colour the app draws with, palette-aware: readable on light and dark windows alike."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

# (on light, on dark): darker tones on white, lighter tones on near-black, each >= 4.5:1.
_STATUS: dict[str, tuple[str, str]] = {
    "better": ("#1b7a36", "#6fdc8c"),
    "worse": ("#b3261e", "#ff8a80"),
    "neutral": ("#8a5a00", "#f2c14e"),  # amber: "within measurement error", "hold"
}
STATUS_WORDS: dict[str, str] = {
    "better": "Better", "worse": "Worse", "within_error": "Within error",
    "no_meaningful_change": "Within error",
}
DECISION_STATUS: dict[str, str] = {"progress": "better", "hold": "neutral", "regress": "worse"}

# Okabe-Ito colour-blind-safe set; the dark variants are lifted so lines show on black.
_SERIES_LIGHT = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#8c564b",
                 "#7a5195", "#4d4d4d")
_SERIES_DARK = ("#56b4e9", "#ff9e4a", "#3ddc97", "#f29ad8", "#f0e442", "#c8a27c",
                "#c3a6ff", "#d0d0d0")


# The one error red and the one warning amber; the pairs are (on light, on dark).
_ERROR = _STATUS["worse"]
_WARNING = "#d99a00"  # a border, not text: one amber reads on light and dark


def is_dark(palette: QPalette | QWidget) -> bool:
    """The one dark-window test: the window colour is darker than mid-grey."""
    if isinstance(palette, QWidget):
        palette = palette.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def error_colour(palette: QPalette | QWidget) -> QColor:
    """The error red for this window: darker on light windows, lighter on dark ones."""
    light, dark = _ERROR
    return QColor(dark if is_dark(palette) else light)


def error_style(widget: QWidget) -> str:
    """Style sheet text that colours a label's text with the error red."""
    return f"color: {error_colour(widget).name()};"


def warning_border_style(object_name: str) -> str:
    """An amber frame around a named widget (kept copies, plan warnings)."""
    return f"#{object_name} {{ border: 2px solid {_WARNING}; border-radius: 4px; }}"


def status_key(flag: str) -> str:
    """better / worse / neutral for a change flag or a pain-rule decision."""
    if flag in ("better", "worse"):
        return flag
    return DECISION_STATUS.get(flag, "neutral")


def status_colour(flag: str, palette: QPalette) -> QColor:
    light, dark = _STATUS[status_key(flag)]
    return QColor(dark if is_dark(palette) else light)


def series_colour(index: int, palette: QPalette) -> QColor:
    colours = _SERIES_DARK if is_dark(palette) else _SERIES_LIGHT
    return QColor(colours[index % len(colours)])


def translucent(colour: QColor, alpha: int) -> QColor:
    faded = QColor(colour)
    faded.setAlpha(alpha)
    return faded
