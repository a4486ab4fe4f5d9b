"""The dialog shown when someone else saved a record while you were editing it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.conflicts import FieldChange
from ptdesk.domain.stamps import as_utc
from ptdesk.ui.conflicts.conflict_changes_model import ChangesModel
from ptdesk.ui.kit.heading import heading as make_heading

DIALOG_SIZE = (760, 460)


def when_text(moment: datetime | None, now: datetime | None = None) -> str:
    """ "today at 14:32" or "on 3 Nov 2026 at 14:32", in local time."""
    if moment is None:
        return ""
    local = as_utc(moment).astimezone()
    today = (now or datetime.now(UTC)).astimezone().date()
    clock = f"{local:%H:%M}"
    if local.date() == today:
        return f"today at {clock}"
    return f"on {local.day} {local:%b %Y} at {clock}"


def who_text(changed_by: str | None, changed_at: datetime | None,
             workstation: str | None = None, now: datetime | None = None) -> str:
    """One plain sentence: who saved it, when and where (whatever of it is known)."""
    who = changed_by or "Another user"
    when = when_text(changed_at, now)
    text = f"{who} saved it {when}" if when else f"{who} saved it"
    if workstation:
        text += f" on the computer “{workstation}”"
    return text + "."


class ConflictDialog(QDialog):
    """Someone else's save won: show what they changed, then reload, copy or keep editing.

    accept() means "Reload their version", reject() means "Keep editing"; "Copy my text"
    puts the whole of the user's text on the clipboard and leaves the dialog open.
    """

    def __init__(self, what: str, changes: Sequence[FieldChange], my_text: str, *,
                 changed_by: str | None = None, changed_at: datetime | None = None,
                 workstation: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.my_text = my_text
        self.setWindowTitle("Saved by someone else")
        self.setObjectName("conflictDialog")
        self.setAccessibleName("Saved by someone else")
        self.setModal(True)
        self.heading = make_heading(f"Someone else saved this {what} while you were editing",
                                    1.2, name="conflictHeading")
        self.heading.setWordWrap(True)
        self.who = QLabel(who_text(changed_by, changed_at, workstation) + " Your changes were "
                          "not saved, and nothing you typed has been lost.")
        self.who.setObjectName("conflictWho")
        self.who.setWordWrap(True)
        self.intro = QLabel(self._intro_text(changes))
        self.intro.setObjectName("conflictIntro")
        self.intro.setWordWrap(True)
        self.model = ChangesModel(self)
        self.model.set_changes(changes)
        self.table = self._build_table()
        self.note = QLabel("Reload their version to see everything they saved. Your text is "
                           "kept as a copy that you can put back.")
        self.note.setObjectName("conflictNote")
        self.note.setWordWrap(True)
        self.copied = QLabel("")
        self.copied.setObjectName("conflictCopied")
        self.copied.setAccessibleName("Copy status")
        self.copy_button = self._button("&Copy my text", "copyMyText",
                                        "Put all of your text on the clipboard")
        self.keep_button = self._button("&Keep editing", "keepEditing",
                                        "Close this message; your text stays in the form")
        self.reload_button = self._button("&Reload their version", "reloadTheirs",
                                          "Show the saved version; your text is kept as a copy")
        self.keep_button.setDefault(True)  # Enter never throws the user's text away
        self._build_layout(icon=self._icon())
        self._connect_signals()
        self.resize(min(DIALOG_SIZE[0], self.screen().availableGeometry().width() - 40), 10)
        self._fit()

    @staticmethod
    def _intro_text(changes: Sequence[FieldChange]) -> str:
        if not changes:
            return ("They did not change any of the fields shown here; reloading shows "
                    "their version with your text kept as a copy.")
        count = len(changes)
        text = f"What they changed ({count} field{'s' if count != 1 else ''})."
        if any(c.you_changed_too for c in changes):
            text += " Rows in bold are fields you both changed."
        return text

    def _build_table(self) -> QTableView:
        table = QTableView(self)
        table.setObjectName("conflictChanges")
        table.setAccessibleName("Fields they changed")
        table.setModel(self.model)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setWordWrap(True)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        table.setColumnWidth(0, 200)
        table.setVisible(self.model.rowCount() > 0)
        # As tall as its rows, so a short list leaves no empty box (the dialog caps it).
        table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        return table

    def _fit(self) -> None:
        self.table.resizeRowsToContents()
        screen = self.screen().availableGeometry()
        self.resize(self.width(), min(DIALOG_SIZE[1], self.sizeHint().height(),
                                      screen.height() - 60))

    def _button(self, text: str, name: str, tip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", ""))
        button.setToolTip(tip)
        button.setAutoDefault(False)
        return button

    def _icon(self) -> QLabel:
        icon = QLabel(self)
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        icon.setPixmap(self.style().standardIcon(
            QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(size, size))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        return icon

    def _build_layout(self, icon: QLabel) -> None:
        text_column = QVBoxLayout()
        text_column.setSpacing(6)
        text_column.addWidget(self.heading)
        text_column.addWidget(self.who)
        top = QHBoxLayout()
        top.setSpacing(14)
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(text_column, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.copied, 1)
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.reload_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        if not self.model.rowCount():
            layout.addStretch(1)
        layout.addWidget(self.note)
        layout.addLayout(buttons)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit()  # wrapped rows are measured once the columns have their widths
        self.keep_button.setFocus()

    def _connect_signals(self) -> None:
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        self.keep_button.clicked.connect(self.reject)
        self.reload_button.clicked.connect(self.accept)

    def _on_copy_button_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.my_text)
        self.copied.setText("Your text is on the clipboard.")
