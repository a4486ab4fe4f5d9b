"""View-only chart tabs: a short note on top and inputs that cannot be changed, per role."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QBoxLayout,
    QComboBox,
    QDateTimeEdit,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from ptdesk.ui.chart.tab import ChartTab
from ptdesk.ui.context import AppContext

# Who may read a tab but not change it, in plain words. The service refuses anyway; this
# only saves the person typing a whole form before learning that on Save.
_ROLE_NOTES = {
    "assistant": "View only: as an assistant you can read the {tab} tab and print handouts; "
                 "a clinician makes changes here.",
    "administrator": "View only: as an administrator you can read the {tab} tab and print; "
                     "a clinician makes changes here.",
}
_OTHER_NOTE = "View only: your account can read the {tab} tab but not change it."
_TEXT_INPUTS = (QLineEdit, QPlainTextEdit, QTextEdit)
_MARK = "ptdeskViewOnly"  # widget property: already locked (apply is cheap to repeat)


def view_only_text(role: str | None, tab: str) -> str:
    """The note shown on top of a tab the role may only read."""
    return _ROLE_NOTES.get(role or "", _OTHER_NOTE).format(tab=tab)


class _Relock(QObject):
    """Undoes the tab's own enabling (a selection, a reload): locked widgets stay locked."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.EnabledChange and isinstance(watched, QWidget) \
                and watched.isEnabled():
            watched.setEnabled(False)
        elif kind == QEvent.Type.ReadOnlyChange \
                and isinstance(watched, _TEXT_INPUTS + (QAbstractSpinBox,)) \
                and not watched.isReadOnly():
            watched.setReadOnly(True)
        return False


_relock: list[_Relock] = []


def _relock_filter() -> _Relock:
    """The one filter, made on first use by the UI thread that locks widgets.

    Not made at import: the app imports the chart tabs on a warm-up thread (ui/app.py),
    and a QObject belongs to the thread that made it; Qt refuses to install a filter
    from another thread, so locked widgets could have been re-enabled.
    """
    if not _relock:
        _relock.append(_Relock())
    return _relock[0]


def _inside(widget: QWidget, roots: tuple[QWidget, ...]) -> bool:
    node: QWidget | None = widget
    while node is not None:
        if node in roots or isinstance(node, QTabBar | QScrollBar):
            return True  # kept on purpose, or navigation (tab bars, scroll bars)
        node = node.parentWidget()
    return False


def _lock(widget: QWidget) -> None:
    if isinstance(widget, _TEXT_INPUTS) or (isinstance(widget, QAbstractSpinBox)
                                            and not isinstance(widget, QDateTimeEdit)):
        widget.setReadOnly(True)  # type: ignore[attr-defined]  # text can still be copied
    elif isinstance(widget, QAbstractItemView):
        # Lists and tables still scroll and select (a visit list opens a visit); only
        # typing into a cell is turned off.
        widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        widget.setDragDropMode(QAbstractItemView.DragDropMode.NoDragDrop)
        return
    elif isinstance(widget, QComboBox | QAbstractButton | QDateTimeEdit):
        widget.setEnabled(False)
    else:
        return
    widget.setProperty(_MARK, True)
    widget.installEventFilter(_relock_filter())


def apply_view_only(container: QWidget, keep: Iterable[QWidget] = ()) -> None:
    """Make every input under `container` read-only or disabled, except `keep` and inside it.

    Text fields and spin boxes become read-only (text stays selectable); combo boxes, check
    boxes, radio buttons, date edits and buttons are disabled; item views stop editing.
    Calling it again (after a form grew rows) locks only what is new.
    """
    roots = tuple(keep)
    for widget in container.findChildren(QWidget):
        if widget.property(_MARK) or _inside(widget, roots):
            continue
        _lock(widget)


class ViewOnlyTabs(QObject):
    """The chart's view-only mode: locks each tab the user may not change, shows the note.

    Tab widgets are built once and keep their inputs (reloads refill them), so each tab is
    locked once when built; the tab's own re-enabling is undone by an event filter.
    """

    def __init__(self, ctx: AppContext, tabs: QTabWidget, classes: Sequence[type[ChartTab]],
                 layout: QBoxLayout) -> None:
        super().__init__(tabs)
        self.ctx = ctx
        self.tabs = tabs
        self.classes = classes
        self.note = QLabel()
        self.note.setObjectName("viewOnlyNote")
        self.note.setAccessibleName("View only")
        self.note.setWordWrap(True)
        self.note.setFrameShape(QFrame.Shape.StyledPanel)
        self.note.setMargin(4)
        self.note.hide()
        layout.addWidget(self.note)
        self._locked: set[int] = set()
        for index in range(tabs.count()):
            page = tabs.widget(index)
            if isinstance(page, ChartTab):
                self.lock(index, page)  # built up front (Overview, Visits)
        tabs.currentChanged.connect(self._on_tabs_current_changed)

    def is_view_only(self, index: int) -> bool:
        permission = self.classes[index].save_permission
        return permission is not None and not self.ctx.can(permission)

    def lock(self, index: int, page: ChartTab) -> None:
        """Called when a tab's page is built: lock it if the user may only read it."""
        if index in self._locked or not self.is_view_only(index):
            return
        self._locked.add(index)
        apply_view_only(page, page.view_only_keep())
        if index == self.tabs.currentIndex():
            self._on_tabs_current_changed(index)

    def _title(self, index: int) -> str:
        return self.classes[index].name()

    def _on_tabs_current_changed(self, index: int) -> None:
        shown = index >= 0 and self.is_view_only(index)
        if shown:
            self.note.setText(view_only_text(self.ctx.role, self._title(index)))
        self.note.setVisible(shown)
