"""The main window's first size: what fits the screen it opens on (before any size was saved)."""

from __future__ import annotations

from PySide6.QtCore import QSize

DEFAULT_SIZE = (1280, 800)  # the first window when the screen's size is unknown
LARGEST_FIRST_SIZE = (1800, 1120)
SMALL_SCREEN = (1366, 800)  # up to this, the window takes the screen's whole free area


def first_size(screen: QSize) -> tuple[int, int]:
    """The window's size before any was saved: the whole free area of a small screen (a
    1024x700 laptop), nine tenths of a larger one up to LARGEST_FIRST_SIZE (a 1920x1200
    monitor gets a large window rather than 1280x800)."""
    if screen.width() <= 0 or screen.height() <= 0:
        return DEFAULT_SIZE
    width, height = screen.width(), screen.height()
    return (width if width <= SMALL_SCREEN[0] else min(LARGEST_FIRST_SIZE[0], width * 9 // 10),
            height if height <= SMALL_SCREEN[1] else min(LARGEST_FIRST_SIZE[1],
                                                         height * 9 // 10))
