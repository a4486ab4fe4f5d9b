"""Clinic settings dialog: name, address, phone, logo, paper, units, backups, thresholds, missed weeks."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.errors import ValidationError
from ptdesk.services.backup.backups import default_folder
from ptdesk.services.changes import ChangeKind
from ptdesk.services.clinic import (
    LOGO_MAX_BYTES,
    BackupSettings,
    check_backup_folder,
    get_backup_settings,
    get_settings,
    set_backup_settings,
    update_settings,
)
from ptdesk.services.errors import ServiceError
from ptdesk.ui.admin.gap_rules_group import GapRulesGroup
from ptdesk.ui.admin.measure_thresholds import MeasureThresholdsGroup
from ptdesk.ui.admin.visit_rules_group import VisitRulesGroup
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.form_rows import add_field_row

PAPER_CHOICES = (("US Letter", "letter"), ("A4", "a4"))
UNIT_CHOICES = (("Miles (mi)", "mi"), ("Kilometres (km)", "km"))
LOGO_PREVIEW = (240, 90)
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg)"
FOLDER_CHECK_DELAY_MS = 400  # check the typed folder once typing pauses




class SettingsDialog(QDialog):
    """Edits the clinic profile printed on every handout."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Clinic settings")
        self.error_labels: dict[str, QLabel] = {}
        self._logo: bytes | None = None
        self._backup = BackupSettings()
        self.name_edit = QLineEdit(self)
        self.address_edit = QPlainTextEdit(self)
        self.address_edit.setTabChangesFocus(True)
        self.address_edit.setFixedHeight(self.address_edit.fontMetrics().lineSpacing() * 3 + 12)
        self.phone_edit = QLineEdit(self)
        self.paper_combo = QComboBox(self)
        for text, value in PAPER_CHOICES:
            self.paper_combo.addItem(text, value)
        self.units_combo = QComboBox(self)
        for text, value in UNIT_CHOICES:
            self.units_combo.addItem(text, value)
        self.logo_preview = QLabel("No logo", self)
        self.logo_preview.setObjectName("logoPreview")
        self.logo_preview.setAccessibleName("Logo preview")
        self.logo_preview.setFixedSize(*LOGO_PREVIEW)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setFrameShape(QFrame.Shape.StyledPanel)
        self.choose_logo_button = QPushButton("&Choose logo…", self)
        self.remove_logo_button = QPushButton("&Remove logo", self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        form = QFormLayout()
        self._add_row(form, "name", "Clinic name", self.name_edit)
        self._add_row(form, "address", "Address", self.address_edit)
        self._add_row(form, "phone", "Phone", self.phone_edit)
        logo_row = QWidget(self)
        logo_layout = QHBoxLayout(logo_row)
        logo_layout.setContentsMargins(0, 0, 0, 0)
        logo_layout.addWidget(self.logo_preview)
        logo_buttons = QVBoxLayout()
        logo_buttons.addWidget(self.choose_logo_button)
        logo_buttons.addWidget(self.remove_logo_button)
        logo_buttons.addStretch(1)
        logo_layout.addLayout(logo_buttons)
        logo_layout.addStretch(1)
        self._add_row(form, "logo", "Logo", logo_row)
        self._add_row(form, "paper_size", "Paper size", self.paper_combo)
        self._add_row(form, "default_units", "Default units", self.units_combo)
        self.choose_logo_button.setAccessibleName("Choose logo")
        self.remove_logo_button.setAccessibleName("Remove logo")
        layout = QVBoxLayout(self)
        # The measure thresholds sit beside the profile, keeping the dialog short enough
        # for a 700-pixel-high screen.
        top = QHBoxLayout()
        left = QVBoxLayout()
        left.addLayout(form)
        self.visit_rules = VisitRulesGroup(ctx, self)
        left.addWidget(self.visit_rules)
        top.addLayout(left, 1)
        self.thresholds = MeasureThresholdsGroup(ctx, self)
        top.addWidget(self.thresholds)
        layout.addLayout(top)
        # The run plans' missed-week rule sits beside the backups, for the same reason.
        bottom = QHBoxLayout()
        bottom.addWidget(self._build_backup_group(), 1)
        self.gap_rules = GapRulesGroup(ctx, self)
        bottom.addWidget(self.gap_rules)
        layout.addLayout(bottom)
        layout.addWidget(self.buttons)
        self._connect_signals()
        self._load()
        self.resize(max(self.sizeHint().width(), 560), self.sizeHint().height())

    def _build_backup_group(self) -> QGroupBox:
        group = QGroupBox("Backups", self)
        self.backup_offer_check = QCheckBox("Offer a daily &backup when closing", group)
        self.backup_offer_check.setObjectName("backup_on_close")
        self.backup_offer_check.setAccessibleName("Offer a daily backup when closing")
        self.backup_offer_check.setToolTip(
            "When PT Desk closes and no backup was taken today, whoever is signed in is "
            "asked to back up into the backup folder.")
        self.backup_folder_edit = QLineEdit(group)
        self.backup_folder_edit.setClearButtonEnabled(True)
        self.choose_folder_button = QPushButton("C&hoose…", group)
        self.choose_folder_button.setObjectName("choose_backup_folder")
        self.choose_folder_button.setAccessibleName("Choose backup folder")
        self._folder_timer = QTimer(self)
        self._folder_timer.setSingleShot(True)
        self._folder_timer.setInterval(FOLDER_CHECK_DELAY_MS)
        folder_row = QWidget(group)
        row = QHBoxLayout(folder_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.backup_folder_edit, 1)
        row.addWidget(self.choose_folder_button)
        form = QFormLayout(group)
        form.addRow(self.backup_offer_check)
        self._add_row(form, "backup_folder", "Backup folder", folder_row,
                      focus=self.backup_folder_edit)
        return group

    def _default_backup_folder(self) -> str:
        try:
            return str(default_folder(self.ctx.session_factory))
        except ServiceError:  # e.g. a clinic server: no database file to sit next to
            return "the backups folder next to the database"

    def _add_row(self, form: QFormLayout, key: str, label: str, widget: QWidget,
                 focus: QWidget | None = None) -> None:
        """A captioned row with its error label; `focus` is the input inside a composite row."""
        self.error_labels[key] = add_field_row(self, form, key, label, widget, focus=focus,
                                               spacing=1)

    def _connect_signals(self) -> None:
        self.choose_logo_button.clicked.connect(self._on_choose_logo_button_clicked)
        self.remove_logo_button.clicked.connect(self._on_remove_logo_button_clicked)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.name_edit.textEdited.connect(lambda _t: self.set_error("name", ""))
        self.choose_folder_button.clicked.connect(self._on_choose_folder_button_clicked)
        self.backup_folder_edit.textChanged.connect(self._on_backup_folder_edit_text_changed)
        self._folder_timer.timeout.connect(self.check_folder)

    def _load(self) -> None:
        profile = get_settings(self.ctx.session_factory)
        self.name_edit.setText(profile.name)
        self.address_edit.setPlainText(profile.address)
        self.phone_edit.setText(profile.phone)
        self.paper_combo.setCurrentIndex(max(self.paper_combo.findData(profile.paper_size), 0))
        self.units_combo.setCurrentIndex(max(self.units_combo.findData(profile.default_units), 0))
        self.set_logo(profile.logo)
        self._backup = get_backup_settings(self.ctx.session_factory)
        self.backup_offer_check.setChecked(self._backup.offer_on_close)
        self.backup_folder_edit.setPlaceholderText(self._default_backup_folder())
        self.backup_folder_edit.setText(self._backup.folder)
        self._folder_timer.stop()

    @property
    def logo(self) -> bytes | None:
        return self._logo

    def set_logo(self, data: bytes | None) -> bool:
        """Show the logo; False (and a message by the field) when the bytes are not an image."""
        if data is None:
            self._logo = None
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText("No logo")
            self.remove_logo_button.setEnabled(False)
            return True
        pixmap = QPixmap()
        if not pixmap.loadFromData(data):
            self.set_error("logo", "That file is not a picture this app can read (PNG or JPEG).")
            return False
        if len(data) > LOGO_MAX_BYTES:
            self.set_error("logo", "The logo is larger than 2 MB; please use a smaller image.")
            return False
        self._logo = data
        width, height = LOGO_PREVIEW
        self.logo_preview.setPixmap(pixmap.scaled(
            width - 8, height - 8, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))
        self.remove_logo_button.setEnabled(True)
        self.set_error("logo", "")
        return True

    def set_error(self, key: str, message: str) -> None:
        label = self.error_labels[key]
        label.setText(message)
        label.setVisible(bool(message))

    def check_folder(self) -> bool:
        """Show by the field whether backups could be written to the folder typed."""
        self._folder_timer.stop()
        try:
            check_backup_folder(self.backup_folder_edit.text())
        except ValidationError as exc:
            self.set_error("backup_folder", exc.message)
            return False
        self.set_error("backup_folder", "")
        return True

    def _backup_settings_wanted(self) -> BackupSettings:
        return BackupSettings(self.backup_offer_check.isChecked(),
                              self.backup_folder_edit.text().strip())

    def save(self) -> bool:
        for key in self.error_labels:
            self.set_error(key, "")
        changed_folder = self._backup_settings_wanted().folder != self._backup.folder
        if changed_folder and not self.check_folder():  # nothing is saved meanwhile
            return False
        try:
            update_settings(
                self.ctx.session_factory, actor=self.ctx.actor, name=self.name_edit.text(),
                address=self.address_edit.toPlainText(), phone=self.phone_edit.text(),
                paper_size=str(self.paper_combo.currentData()),
                default_units=str(self.units_combo.currentData()),
                logo=self._logo, keep_logo=False,
            )
        except ValidationError as exc:
            key = exc.field if exc.field in self.error_labels else "name"
            self.set_error(key, exc.message)
            return False
        except ServiceError as exc:  # e.g. only an administrator may change the settings
            self.set_error("name", str(exc))
            return False
        if not self._save_backup_settings() or not self.thresholds.save() \
                or not self.gap_rules.save() or not self.visit_rules.save():
            return False
        self.ctx.signals.data_changed.emit(ChangeKind.CLINIC, 0)
        self.ctx.signals.status_message.emit("Clinic settings saved.")
        return True

    def _save_backup_settings(self) -> bool:
        wanted = self._backup_settings_wanted()
        if wanted == self._backup:
            return True
        try:
            self._backup = set_backup_settings(
                self.ctx.session_factory, actor=self.ctx.actor,
                offer_on_close=wanted.offer_on_close, folder=wanted.folder)
        except ValidationError as exc:
            self.set_error("backup_folder", exc.message)
            return False
        except ServiceError as exc:
            self.set_error("backup_folder", str(exc))
            return False
        self.backup_folder_edit.setText(self._backup.folder)  # as stored: the whole path
        self._folder_timer.stop()
        return True

    def _on_choose_folder_button_clicked(self) -> None:
        start = self.backup_folder_edit.text().strip() or self.backup_folder_edit.placeholderText()
        path = QFileDialog.getExistingDirectory(self, "Choose the backup folder", start)
        if path:
            self.backup_folder_edit.setText(path)
            self.check_folder()

    def _on_backup_folder_edit_text_changed(self, _text: str) -> None:
        self._folder_timer.start()

    def _on_choose_logo_button_clicked(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "Choose clinic logo", "", IMAGE_FILTER)
        if not path:
            return
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            QMessageBox.warning(self, "Logo not loaded", f"The file could not be read: {exc.strerror}.")
            return
        self.set_logo(data)

    def _on_remove_logo_button_clicked(self) -> None:
        self.set_logo(None)

    def _on_buttons_accepted(self) -> None:
        if self.save():
            self.accept()
