"""A layout that lays its items in rows and wraps to the next row when the width runs out (Qt's FlowLayout example)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget


class FlowLayout(QLayout):
    """Items left to right at their preferred widths, wrapping like words in a paragraph.

    Its minimum width is its widest item's, so a row of check boxes or buttons never makes
    a narrow window scroll sideways: it takes more rows instead (issue 19, 1024x700).
    `uniform` gives every item the widest item's width, so wrapped rows line up in columns.
    Items whose size policy expands horizontally share the room left over on their row
    (a side-by-side pair of form columns fills the width, then stacks when narrow).
    Items are centred on their row (a label beside buttons), or top-aligned with `top`.
    """

    def __init__(self, parent: QWidget | None = None, *, h_spacing: int = 6,
                 v_spacing: int = 4, uniform: bool = False, top: bool = False) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._h_spacing = h_spacing
        self._v_spacing = v_spacing
        self.uniform = uniform
        self.top = top
        self.setContentsMargins(0, 0, 0, 0)

    # ---- QLayout -------------------------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:
        """Everything on one row."""
        items = self._shown()
        width = sum(self._hint_width(item) for item in items)
        width += self._h_spacing * max(0, len(items) - 1)
        height = max((item.sizeHint().height() for item in items), default=0)
        return self._with_margins(QSize(width, height))

    def minimumSize(self) -> QSize:
        """One item a row: the widest item's minimum."""
        items = self._shown()
        width = max((item.minimumSize().width() for item in items), default=0)
        height = max((item.minimumSize().height() for item in items), default=0)
        return self._with_margins(QSize(width, height))

    # ---- arranging -----------------------------------------------------------------------

    def _shown(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _with_margins(self, size: QSize) -> QSize:
        m: QMargins = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _hint_width(self, item: QLayoutItem) -> int:
        if self.uniform:
            return max(self._hint_width_plain(i) for i in self._shown())
        return self._hint_width_plain(item)

    @staticmethod
    def _hint_width_plain(item: QLayoutItem) -> int:
        return max(item.sizeHint().width(), item.minimumSize().width())

    def _rows(self, width: int) -> list[list[tuple[QLayoutItem, int]]]:
        """Items with their widths, split into rows that fit `width`."""
        items = self._shown()
        cell = max((self._hint_width_plain(i) for i in items), default=0)
        rows: list[list[tuple[QLayoutItem, int]]] = []
        used = 0
        for item in items:
            item_width = min(cell if self.uniform else self._hint_width_plain(item), width)
            item_width = max(item_width, item.minimumSize().width())
            if rows and used + self._h_spacing + item_width <= width:
                rows[-1].append((item, item_width))
                used += self._h_spacing + item_width
            else:
                rows.append([(item, item_width)])
                used = item_width
        if not self.uniform:
            for row in rows:
                self._share_leftover(row, width)
        return rows

    def _share_leftover(self, row: list[tuple[QLayoutItem, int]], width: int) -> None:
        growing = [n for n, (item, _w) in enumerate(row) if _expands(item)]
        if not growing:
            return
        leftover = width - sum(w for _i, w in row) - self._h_spacing * (len(row) - 1)
        for rank, n in enumerate(growing):
            share = leftover // len(growing) + (1 if rank < leftover % len(growing) else 0)
            item, item_width = row[n]
            row[n] = (item, item_width + max(0, share))

    def _arrange(self, rect: QRect, *, apply: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        y = area.y()
        for n, row in enumerate(self._rows(max(1, area.width()))):
            if n:
                y += self._v_spacing
            heights = [_height(item, w) for item, w in row]
            x = area.x()
            for (item, item_width), height in zip(row, heights, strict=True):
                if apply:
                    drop = 0 if self.top else (max(heights) - height) // 2
                    item.setGeometry(QRect(QPoint(x, y + drop), QSize(item_width, height)))
                x += item_width + self._h_spacing
            y += max(heights)
        return y - rect.y() + m.bottom()


def _expands(item: QLayoutItem) -> bool:
    """The widget's own policy says so (not what its children would make Qt infer)."""
    widget = item.widget()
    return widget is not None and bool(
        widget.sizePolicy().expandingDirections() & Qt.Orientation.Horizontal)


def _height(item: QLayoutItem, width: int) -> int:
    if item.hasHeightForWidth():
        return max(item.heightForWidth(width), item.minimumSize().height())
    return item.sizeHint().height()


def flow_box(widgets: Iterable[QWidget], *, h_spacing: int = 6, v_spacing: int = 4,
             uniform: bool = False, top: bool = False) -> QWidget:
    """A widget holding `widgets` in a FlowLayout, in the order given (which is the Tab order)."""
    box = QWidget()
    layout = FlowLayout(box, h_spacing=h_spacing, v_spacing=v_spacing, uniform=uniform,
                        top=top)
    for widget in widgets:
        layout.addWidget(widget)
    return box
