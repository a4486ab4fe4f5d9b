"""In-app PDF preview (QtPdf) with Print… and Save as… for a handout's exact bytes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSettings, QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QPageLayout, QPageSize, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.handout_language import LANGUAGE_NAMES
from ptdesk.services import handout_files

SAVE_FOLDER_KEY = "handouts/save_folder"
# Enough for sharp print of line-art and type without building huge page images.
MAX_PRINT_DPI = 300


class PdfPreviewDialog(QDialog):
    """Shows the PDF; the bytes printed or saved are exactly the bytes previewed.

    A handout that prints in several languages shows a Language choice; picking one
    emits `language_chosen`, and the print job brings the new PDF (`replace_pdf`).
    """

    language_chosen = Signal(str)

    def __init__(self, pdf: bytes, title: str, suggested_name: str,
                 parent: QWidget | None = None, settings: QSettings | None = None) -> None:
        super().__init__(parent)
        # Per-user settings remember the folder handouts were last saved to.
        self._settings = settings if settings is not None else QSettings()
        self.setWindowTitle(title)
        self.setObjectName("pdf_preview")
        self.resize(900, 760)
        self._pdf = bytes(pdf)
        self._title = title
        self._suggested_name = suggested_name
        self.document = QPdfDocument(self)
        # The buffer must outlive the document, which reads from it lazily: as the
        # document's child it is deleted only after the document's own destructor has run.
        # (As the dialog's child, made first, it was deleted before the document: the
        # document's destructor then read freed memory, and a run aborted in CI.)
        self._buffer = self._new_buffer()
        self.view = QPdfView(self)
        self.view.setObjectName("pdf_view")
        self.view.setAccessibleName("Handout preview")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        # Whole pages first: the clinician checks the layout before printing.
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        self.view.setPageSpacing(12)
        self.view.setDocument(self.document)
        self.zoom = QComboBox()
        self.zoom.setObjectName("zoom")
        self.zoom.setAccessibleName("Zoom")
        self.zoom.addItem("Whole page", QPdfView.ZoomMode.FitInView)
        self.zoom.addItem("Fit width", QPdfView.ZoomMode.FitToWidth)
        self.language = QComboBox()
        self.language.setObjectName("handout_language")
        self.language.setAccessibleName("Handout language")
        self.language.setToolTip("Print this handout in another language. The patient's "
                                 "usual language is set in the patient's details.")
        for code, name in LANGUAGE_NAMES.items():
            self.language.addItem(name, code)
        self.language_label = QLabel("Language")
        self.language_label.setBuddy(self.language)
        # Shown only for handouts that print in the patient's language (set_language).
        self.language.hide()
        self.language_label.hide()
        self.pages = QLabel()
        self.pages.setObjectName("page_count")
        self.print_button = QPushButton("Print…")
        self.print_button.setObjectName("print")
        self.print_button.setDefault(True)
        self.save_button = QPushButton("Save as…")
        self.save_button.setObjectName("save_as")
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("close")
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Zoom"))
        bar.addWidget(self.zoom)
        bar.addWidget(self.language_label)
        bar.addWidget(self.language)
        bar.addWidget(self.pages, 1)
        bar.addWidget(self.print_button)
        bar.addWidget(self.save_button)
        bar.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)
        self._connect_signals()
        self.document.load(self._buffer)
        self._on_document_status_changed()

    def _connect_signals(self) -> None:
        self.document.statusChanged.connect(self._on_document_status_changed)
        self.zoom.currentIndexChanged.connect(self._on_zoom_current_index_changed)
        self.language.activated.connect(self._on_language_activated)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.close_button.clicked.connect(self.close)
        QShortcut(QKeySequence.StandardKey.Print, self, self._on_print_button_clicked)
        QShortcut(QKeySequence.StandardKey.Save, self, self._on_save_button_clicked)

    def pdf_bytes(self) -> bytes:
        return self._pdf

    def page_count(self) -> int:
        return self.document.pageCount()

    # --- language ----------------------------------------------------------------------------
    def set_language(self, language: str) -> None:
        """Show the Language choice set to the language this PDF is in."""
        self.language.blockSignals(True)
        self.language.setCurrentIndex(max(self.language.findData(language), 0))
        self.language.blockSignals(False)
        self.language.show()
        self.language_label.show()
        self.set_busy(False)

    def current_language(self) -> str:
        return str(self.language.currentData())

    def set_busy(self, busy: bool) -> None:
        """While the PDF is remade nothing prints or saves the old one by mistake."""
        for widget in (self.language, self.save_button):
            widget.setEnabled(not busy)
        broken = self.document.status() == QPdfDocument.Status.Error
        self.print_button.setEnabled(not busy and not broken)
        if busy:
            self.pages.setText("Preparing…")

    def replace_pdf(self, pdf: bytes) -> None:
        """Show (and print and save) these bytes instead, e.g. the sheet in another language."""
        self.document.close()
        old = self._buffer
        self._pdf = bytes(pdf)
        self._buffer = self._new_buffer()
        old.close()
        old.deleteLater()
        self.print_button.setEnabled(True)
        self.document.load(self._buffer)
        self._on_document_status_changed()

    def _new_buffer(self) -> QBuffer:
        buffer = QBuffer(self.document)
        buffer.setData(QByteArray(self._pdf))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        return buffer

    def _on_language_activated(self, _index: int) -> None:
        self.set_busy(True)
        self.language_chosen.emit(self.current_language())

    def _on_document_status_changed(self, *_args: object) -> None:
        status = self.document.status()
        if status == QPdfDocument.Status.Ready:
            count = self.document.pageCount()
            self.pages.setText(f"{count} page" + ("" if count == 1 else "s"))
        elif status == QPdfDocument.Status.Error:
            self.pages.setText("The PDF could not be shown; you can still save it.")
            self.print_button.setEnabled(False)
        else:
            self.pages.setText("Loading…")

    def _on_zoom_current_index_changed(self, _index: int) -> None:
        self.view.setZoomMode(self.zoom.currentData())

    # --- print -----------------------------------------------------------------------------
    def make_printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self._title)
        printer.setFullPage(True)  # the PDF carries its own margins
        if self.document.pageCount():
            size = self.document.pagePointSize(0)
            page = QPageSize(size, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
            printer.setPageSize(page)
            portrait = size.height() >= size.width()
            printer.setPageOrientation(QPageLayout.Orientation.Portrait if portrait
                                       else QPageLayout.Orientation.Landscape)
        return printer

    def print_to(self, printer: QPrinter) -> bool:
        """Draw every page onto `printer`, each scaled to fit the paper and centred."""
        count = self.document.pageCount()
        if count == 0:
            return False
        painter = QPainter()
        if not painter.begin(printer):
            return False
        try:
            dpi = min(printer.resolution(), MAX_PRINT_DPI)
            for page in range(count):
                if page and not printer.newPage():
                    return False
                points = self.document.pagePointSize(page)
                pixels = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
                image = self.document.render(page, pixels)
                area = painter.viewport()
                fitted = pixels.scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
                target = QRect(area.x() + (area.width() - fitted.width()) // 2,
                               area.y() + (area.height() - fitted.height()) // 2,
                               fitted.width(), fitted.height())
                painter.drawImage(target, image)
        finally:
            painter.end()
        return True

    def _on_print_button_clicked(self) -> None:
        printer = self.make_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"Print {self._title.lower()}")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        if not self.print_to(printer):
            QMessageBox.warning(self, "Print", "The printer did not accept the pages. Check that "
                                               "it is switched on and try again, or save the PDF.")

    # --- save ------------------------------------------------------------------------------
    def save_folder(self) -> Path:
        """The folder Save as opens in: the last one used, else <Documents>/PT Desk Handouts."""
        stored = self._settings.value(SAVE_FOLDER_KEY, "", type=str)
        folder = Path(stored) if stored else handout_files.default_folder()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return Path.home()  # a folder we cannot create is no use as a starting point
        return folder

    def suggested_path(self) -> Path:
        """The file Save as proposes: never one that is already there."""
        return handout_files.free_path(self.save_folder(), self._suggested_name)

    def _on_save_button_clicked(self) -> None:
        # The dialog itself asks before replacing a file the user picks on purpose.
        path, _ = QFileDialog.getSaveFileName(self, f"Save {self._title.lower()}",
                                              str(self.suggested_path()), "PDF files (*.pdf)")
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        try:
            target.write_bytes(self._pdf)
        except OSError as exc:
            QMessageBox.warning(self, "Save as", f"The PDF could not be saved there: "
                                                 f"{exc.strerror or exc}.")
            return
        self._settings.setValue(SAVE_FOLDER_KEY, str(target.parent))
        self.pages.setText(f"Saved as {target.name}")
