"""Saving a handout: the per-user Handouts folder, names that carry patient, MRN, kind and date."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QLineEdit, QMainWindow
from reportlab.pdfgen import canvas

from ptdesk.db.engine import SessionFactory
from ptdesk.services import handout_files
from ptdesk.services.exercises import sync_library
from ptdesk.services.prescriptions import items_from_template, save_prescription
from ptdesk.ui.context import AppContext
from ptdesk.ui.printing.preview_dialog import SAVE_FOLDER_KEY, PdfPreviewDialog
from ptdesk.ui.printing.print_flow import start_print
from tests.factories import ACTOR, make_patient


def _pdf() -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "Handout")
    page.showPage()
    page.save()
    return out.getvalue()


@pytest.fixture
def documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "Documents"
    monkeypatch.setattr(handout_files, "documents_dir", lambda: folder)
    return folder


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


class _SaveDialog:
    """Stands in for the modal file dialog: records what it was offered, answers `answer`."""

    def __init__(self, answer: Path | None = None) -> None:
        self.offered: str | None = None
        self.answer = answer

    def __call__(self, _parent: object, _title: str, directory: str, _filter: str) -> tuple[str, str]:
        self.offered = directory
        target = self.answer if self.answer is not None else Path(directory)
        return str(target), "PDF files (*.pdf)"


def test_file_names_carry_patient_mrn_kind_and_date() -> None:
    day = dt.date(2026, 12, 6)
    assert handout_files.file_name("Okafor", "DEMO-0004", "exercises", day) == \
        "Okafor-DEMO-0004-exercises-2026-12-06.pdf"
    assert handout_files.file_name("Ødegård-Núñez", "DEMO-0005", "runplan", day) == \
        "Ødegård-Núñez-DEMO-0005-runplan-2026-12-06.pdf"
    # Separators, Windows-reserved characters, dots and spaces never reach the file system.
    name = handout_files.file_name(' ../von Hohen:zollern* ', 'A/B\\C?', "exercises", day)
    assert name == "von_Hohenzollern-ABC-exercises-2026-12-06.pdf"
    assert handout_files.file_name("", "", "runplan", day) == \
        "Patient-no-MRN-runplan-2026-12-06.pdf"
    assert len(handout_files.file_name("x" * 300, "1", "runplan", day)) < 80
    with pytest.raises(ValueError):
        handout_files.file_name("A", "1", "letters", day)


def test_an_existing_file_gets_the_next_free_suffix(tmp_path: Path) -> None:
    name = "Okafor-DEMO-0004-exercises-2026-12-06.pdf"
    assert handout_files.free_path(tmp_path, name) == tmp_path / name
    (tmp_path / name).write_bytes(b"first")
    (tmp_path / "Okafor-DEMO-0004-exercises-2026-12-06-2.pdf").write_bytes(b"second")
    assert handout_files.free_path(tmp_path, name) == \
        tmp_path / "Okafor-DEMO-0004-exercises-2026-12-06-3.pdf"


def test_save_as_defaults_to_the_handouts_folder_and_remembers_the_last(
        qtbot, documents: Path, settings: QSettings, tmp_path: Path, monkeypatch) -> None:
    name = "Okafor-DEMO-0004-exercises-2026-12-06.pdf"
    dialog = PdfPreviewDialog(_pdf(), "Exercise sheet", name, settings=settings)
    qtbot.addWidget(dialog)
    chooser = _SaveDialog()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(chooser))
    dialog.save_button.click()
    default = documents / handout_files.FOLDER_NAME / name
    assert chooser.offered == str(default)
    assert default.read_bytes() == dialog.pdf_bytes()
    # Saved again the same day: the first file stays, the new one gets the next suffix.
    dialog.save_button.click()
    assert chooser.offered == str(default.with_name(default.stem + "-2.pdf"))
    assert default.read_bytes() == dialog.pdf_bytes()
    # The clinician picks another folder once; the next handout starts there.
    elsewhere = tmp_path / "Clinic share"
    elsewhere.mkdir()
    chooser.answer = elsewhere / "mine.pdf"
    dialog.save_button.click()
    assert settings.value(SAVE_FOLDER_KEY) == str(elsewhere)
    chooser.answer = None
    later = PdfPreviewDialog(_pdf(), "Exercise sheet", name, settings=settings)
    qtbot.addWidget(later)
    later.save_button.click()
    assert chooser.offered == str(elsewhere / name)


def test_print_flow_names_the_file_after_the_patient(qtbot, session_factory: SessionFactory,
                                                     documents: Path) -> None:
    window = QMainWindow()
    window.setCentralWidget(QLineEdit())
    qtbot.addWidget(window)
    sync_library(session_factory)
    patient = make_patient(session_factory, mrn="DEMO-0004", first="Daniel", last="Okafor")
    save_prescription(session_factory, actor=ACTOR, patient_id=patient.id,
                      items=items_from_template(session_factory, "it_band_syndrome")[:2],
                      effective_date=dt.date(2026, 10, 1))
    job = start_print(AppContext(session_factory, ACTOR), window.centralWidget(), "exercises",
                      patient.id)
    with qtbot.waitSignal(job.preview_opened, timeout=30_000) as blocker:
        pass
    dialog = blocker.args[0]
    expected = f"Okafor-DEMO-0004-exercises-{dt.date.today().isoformat()}.pdf"
    assert dialog.suggested_path().name == expected
    assert "Okafor" in PdfReader(io.BytesIO(dialog.pdf_bytes())).pages[0].extract_text()
    dialog.close()  # deletes itself (WA_DeleteOnClose) before the window goes
