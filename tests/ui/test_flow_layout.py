"""FlowLayout: rows that wrap instead of scrolling sideways, in the order the items were added."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ptdesk.ui.kit.flow_layout import flow_box


def shown(qtbot: Any, box: QWidget, width: int) -> QWidget:
    host = QWidget()
    layout = QVBoxLayout(host)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(box)
    layout.addStretch(1)
    qtbot.addWidget(host)
    host.resize(width, 400)
    host.show()
    qtbot.waitExposed(host)
    return host


def buttons(n: int, text: str = "A button") -> list[QPushButton]:
    return [QPushButton(f"{text} {i}") for i in range(n)]


def test_items_wrap_onto_more_rows_when_narrow_and_keep_their_order(qtbot: Any) -> None:
    items = buttons(6)
    box = flow_box(items, h_spacing=6, v_spacing=4)
    widest = max(b.sizeHint().width() for b in items)
    # Its minimum is one item a row, never the whole row's width.
    assert box.minimumSizeHint().width() <= widest
    assert box.sizeHint().width() >= sum(b.sizeHint().width() for b in items)
    _host = shown(qtbot, box, widest * 2 + 6 + 10)  # room for two a row
    qtbot.waitUntil(lambda: items[2].y() > items[0].y())
    rows = sorted({b.y() for b in items})
    assert len(rows) == 3
    assert [b.y() for b in items] == sorted(b.y() for b in items)  # reading order kept
    assert all(b.geometry().right() < box.width() for b in items)
    assert box.height() >= box.heightForWidth(box.width()) > items[0].height() * 2


def test_one_row_when_wide(qtbot: Any) -> None:
    items = buttons(4)
    box = flow_box(items)
    _host = shown(qtbot, box, 1400)
    qtbot.waitUntil(lambda: items[3].x() > items[0].x())
    assert len({b.y() for b in items}) == 1
    assert [b.x() for b in items] == sorted(b.x() for b in items)


def test_uniform_cells_line_up_in_columns(qtbot: Any) -> None:
    items = [QPushButton(text) for text in ("A", "A much longer caption", "B", "C")]
    box = flow_box(items, uniform=True)
    cell = max(b.sizeHint().width() for b in items)
    _host = shown(qtbot, box, cell * 2 + 6 + 2)
    qtbot.waitUntil(lambda: items[2].y() > items[0].y())
    assert {b.width() for b in items} == {cell}
    assert items[0].x() == items[2].x() and items[1].x() == items[3].x()


def test_expanding_items_share_the_leftover_and_stack_when_narrow(qtbot: Any) -> None:
    left, right = QWidget(), QWidget()
    for column in (left, right):
        column.setMinimumSize(200, 50)
    right.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    box = flow_box([left, right], h_spacing=20)
    host = shown(qtbot, box, 800)
    qtbot.waitUntil(lambda: right.x() > left.x())
    assert left.width() == 200 and right.geometry().right() == box.width() - 1
    host.resize(300, 400)
    qtbot.waitUntil(lambda: right.y() > left.y())
    assert right.x() == left.x() == 0
