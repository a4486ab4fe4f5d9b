"""Palette-aware colours for progress flags and chart lines, readable on light and dark windows."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

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


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


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
