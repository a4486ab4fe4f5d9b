"""The cover over a locked window: hides everything under it and asks for the password again."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from ptdesk.ui.kit.form_rows import FormRows, password_edit
from ptdesk.ui.kit.heading import heading as make_heading


class LockOverlay(QWidget):
    """An opaque child that always fills its parent window; nothing under it is touched.

    The window's own widgets keep their text, cursor and scroll positions: the overlay
    only sits on top of them. With `interactive` False it is a plain cover (used over
    a second window while the password is asked for in another). Over a small window
    (a question box left open) the form is compact, so it always fits.
    """

    unlock_requested = Signal(str)  # the password typed
    switch_requested = Signal()  # another user takes over the workstation

    def __init__(self, parent: QWidget, *, who: str = "", interactive: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("lockOverlay")
        self.setAccessibleName("PT Desk is locked")
        self.setAutoFillBackground(True)  # the palette's Window colour, opaque, light or dark
        self.setBackgroundRole(QPalette.ColorRole.Window)
        self.interactive = interactive
        self._waiting = False
        self._checking = False
        compact = parent.width() < 560 or parent.height() < 360
        icon = QLabel(self)
        icon.setPixmap(self.style().standardIcon(
            QStyle.StandardPixmap.SP_MessageBoxInformation).pixmap(48, 48))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        heading = make_heading("PT Desk is locked", 1.0 if compact else 1.5, self)
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = QLabel(self)
        self.message.setObjectName("lockMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        box = QWidget(self)
        box.setMaximumWidth(max(520, self.fontMetrics().horizontalAdvance("x") * 70))
        box.setMinimumWidth(min(box.maximumWidth(), max(parent.width() - 24, 0)))
        column = QVBoxLayout(box)
        if compact:
            column.setContentsMargins(4, 4, 4, 4)
            icon.hide()
            self.message.hide()
        column.addWidget(icon)
        column.addWidget(heading)
        column.addWidget(self.message)
        self.password: QLineEdit | None = None
        self.unlock_button: QPushButton | None = None
        self.switch_button: QPushButton | None = None
        self.rows: FormRows | None = None
        if interactive:
            self.message.setText(
                (f"Signed in as {who}. " if who else "")
                + "Enter the password to carry on where you left off; nothing you typed "
                "is lost.")
            self._build_form(column, compact)
        else:
            self.message.setText("Unlock PT Desk in its other window.")
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        middle = QVBoxLayout()
        middle.addStretch(1)
        middle.addWidget(box)
        middle.addStretch(2)
        outer.addLayout(middle)
        outer.addStretch(1)
        parent.installEventFilter(self)
        self.setGeometry(parent.rect())

    def _build_form(self, column: QVBoxLayout, compact: bool) -> None:
        form = QFormLayout()
        self.rows = FormRows(self, form)
        self.password = password_edit(self)
        self.unlock_button = QPushButton("&Unlock", self)
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setAccessibleName("Unlock")
        self.unlock_button.setDefault(True)
        if compact:  # field and button on one line, so a small question box still fits
            line = QWidget(self)
            row = QHBoxLayout(line)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(self.password, 1)
            row.addWidget(self.unlock_button)
            self.rows.add("password", "Password", line)
            line.setObjectName("passwordLine")
            line.setAccessibleName("")
        else:
            self.rows.add("password", "Password", self.password)
        self.password.setObjectName("password")
        self.password.setAccessibleName("Password")
        column.addLayout(form)
        # A colleague at a shared workstation: the locked user's typing is kept as their
        # drafts (flushed when the screen locked) and only they are offered it back.
        self.switch_button = QPushButton("S&witch user", self)
        self.switch_button.setObjectName("switchUserButton")
        self.switch_button.setAccessibleName("Switch user")
        self.switch_button.setToolTip("Sign in as someone else; the unsaved work here is kept "
                                      "as drafts for the user who locked the screen")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.switch_button)
        if not compact:
            buttons.addWidget(self.unlock_button)
        column.addLayout(buttons)
        self.password.returnPressed.connect(self._on_unlock_button_clicked)
        self.unlock_button.clicked.connect(self._on_unlock_button_clicked)
        self.switch_button.clicked.connect(self.switch_requested)

    def cover(self) -> None:
        """Show on top of everything in the parent, taking the keyboard focus."""
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()
        if self.password is not None:
            self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_error(self, message: str) -> None:
        if self.rows is not None:
            self.rows.set_error("password", message)

    def error_text(self) -> str:
        return self.rows.error_text("password") if self.rows is not None else ""

    def set_waiting(self, waiting: bool) -> None:
        """Unlock is refused for a while after wrong passwords."""
        self._waiting = waiting
        self._update_button()

    def set_checking(self, checking: bool) -> None:
        """The password is being checked (on a worker thread); a second press does nothing."""
        self._checking = checking
        if checking:
            self.show_error("")
        self._update_button()

    def _update_button(self) -> None:
        if self.unlock_button is not None:
            self.unlock_button.setEnabled(not (self._waiting or self._checking))
            self.unlock_button.setText("Checking…" if self._checking else "&Unlock")

    def _on_unlock_button_clicked(self) -> None:
        if self.password is None or (self.unlock_button and not self.unlock_button.isEnabled()):
            return
        text = self.password.text()
        self.password.clear()  # never left lying in a widget
        self.unlock_requested.emit(text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Follow the window's size, and stay on top of widgets added to it meanwhile.
        if watched is self.parentWidget() and event.type() in (
                QEvent.Type.Resize, QEvent.Type.ChildAdded, QEvent.Type.LayoutRequest):
            self.setGeometry(self.parentWidget().rect())
            if self.isVisible():
                self.raise_()
        return super().eventFilter(watched, event)
