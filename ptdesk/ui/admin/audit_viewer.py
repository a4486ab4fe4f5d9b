"""Administrator's audit-log viewer: filter by patient MRN, dates and user; read who did what."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ptdesk.services.audit import log as audit
from ptdesk.services.errors import NotFoundError, ServiceError
from ptdesk.ui.admin.audit_model import AuditModel
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.date_field import DateField
from ptdesk.ui.kit.palette import error_style


class AuditViewer(QDialog):
    """The report is read on a worker thread; reading it is itself audited by the service."""

    loaded = Signal(int)  # number of entries shown
    failed = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditViewer")
        self.setWindowTitle("Audit log")
        self.ctx = ctx
        today_q = QDate(today or date.today())
        self.mrn = QLineEdit(self)
        self.mrn.setPlaceholderText("All patients")
        self.user = QLineEdit(self)
        self.user.setPlaceholderText("All users")
        self.from_check = QCheckBox("&From", self)
        self.from_date = DateField(self, required=True, label="From")
        self.from_date.setDate(today_q.addDays(-30))
        self.to_check = QCheckBox("&To", self)
        self.to_date = DateField(self, required=True, label="To")
        self.to_date.setDate(today_q)
        for edit in (self.from_date, self.to_date):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.show_button = QPushButton("&Show", self)
        self.show_button.setDefault(True)
        self.clear_button = QPushButton("&Clear filters", self)
        self.mrn_error = QLabel(self)
        self.error = QLabel(self)
        for label in (self.mrn_error, self.error):
            label.setStyleSheet(error_style(self))
            label.setWordWrap(True)
            label.hide()
        self.model = AuditModel(self)
        self.view = QTableView(self)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("auditCount")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self._name_fields()
        self._layout()
        self._connect_signals()
        self.resize(1180, 640)
        self.refresh()

    def _name_fields(self) -> None:
        for widget, name, text in (
                (self.mrn, "auditMrn", "Patient MRN"), (self.user, "auditUser", "User"),
                (self.from_check, "auditFromCheck", "From"),
                (self.from_date, "auditFrom", "From date"),
                (self.to_check, "auditToCheck", "To"), (self.to_date, "auditTo", "To date"),
                (self.show_button, "auditShow", "Show"),
                (self.clear_button, "auditClear", "Clear filters"),
                (self.view, "auditTable", "Audit entries"),
                (self.mrn_error, "auditMrn_error", "Patient MRN error"),
                (self.error, "auditError", "Audit log error")):
            widget.setObjectName(name)
            widget.setAccessibleName(text)
        view = self.view
        view.setModel(self.model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.verticalHeader().hide()
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
        view.horizontalHeader().setStretchLastSection(True)

    def _layout(self) -> None:
        filters = QGridLayout()
        mrn_caption = QLabel("Patient &MRN:", self)
        mrn_caption.setBuddy(self.mrn)
        user_caption = QLabel("&User:", self)
        user_caption.setBuddy(self.user)
        filters.addWidget(mrn_caption, 0, 0)
        filters.addWidget(self.mrn, 0, 1)
        filters.addWidget(user_caption, 0, 2)
        filters.addWidget(self.user, 0, 3)
        filters.addWidget(self.from_check, 0, 4)
        filters.addWidget(self.from_date, 0, 5)
        filters.addWidget(self.to_check, 0, 6)
        filters.addWidget(self.to_date, 0, 7)
        filters.addWidget(self.show_button, 0, 8)
        filters.addWidget(self.clear_button, 0, 9)
        filters.addWidget(self.mrn_error, 1, 1, 1, 3)
        filters.setColumnStretch(1, 1)
        filters.setColumnStretch(3, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.error)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)

    def _connect_signals(self) -> None:
        self.show_button.clicked.connect(self.refresh)
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        self.mrn.returnPressed.connect(self.refresh)
        self.user.returnPressed.connect(self.refresh)
        self.from_check.toggled.connect(self.from_date.setEnabled)
        self.to_check.toggled.connect(self.to_date.setEnabled)
        self.buttons.rejected.connect(self.reject)

    def filters(self) -> dict[str, object]:
        """The report's keyword arguments for what the filter fields say now."""
        return {
            "patient_mrn": self.mrn.text().strip() or None,
            "user": self.user.text().strip().lower() or None,
            "start": self.from_date.date().toPython() if self.from_check.isChecked() else None,
            "end": self.to_date.date().toPython() if self.to_check.isChecked() else None,
        }

    def refresh(self) -> None:
        for label in (self.mrn_error, self.error):
            label.hide()
        wanted = self.filters()
        start, end = wanted["start"], wanted["end"]
        if isinstance(start, date) and isinstance(end, date) and start > end:
            self._show(self.error, "The From date is after the To date.")
            return
        self.show_button.setEnabled(False)
        self.count_label.setText("Reading the audit log…")
        sf, actor = self.ctx.session_factory, self.ctx.actor
        self.ctx.run_in_background(
            lambda: audit.report(sf, actor=actor, **wanted),  # type: ignore[arg-type]
            self._on_report_done, self._on_report_failed)

    def _on_report_done(self, rows: list[audit.AuditRow]) -> None:
        self.show_button.setEnabled(True)
        self.model.set_rows(rows)
        header = self.view.horizontalHeader()
        for column in range(self.model.columnCount() - 1):
            self.view.resizeColumnToContents(column)
            header.resizeSection(column, min(header.sectionSize(column), 260))
        if rows:
            self.view.scrollToBottom()  # the newest entries are what one usually looks for
        noun = "entry" if len(rows) == 1 else "entries"
        self.count_label.setText(f"{len(rows):,} {noun}")
        self.loaded.emit(len(rows))

    def _on_report_failed(self, error: Exception) -> None:
        self.show_button.setEnabled(True)
        self.count_label.setText("")
        message = str(error) if isinstance(error, ServiceError) else \
            f"The audit log could not be read: {error}"
        self._show(self.mrn_error if isinstance(error, NotFoundError) else self.error, message)
        self.failed.emit(message)

    def _show(self, label: QLabel, message: str) -> None:
        label.setText(message)
        label.show()

    def _on_clear_button_clicked(self) -> None:
        self.mrn.clear()
        self.user.clear()
        self.from_check.setChecked(False)
        self.to_check.setChecked(False)
        self.refresh()
