"""Clinic settings dialog: load, validate by the field, logo picker, save."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from ptdesk.db.engine import SessionFactory
from ptdesk.services.clinic import get_settings, update_settings
from ptdesk.ui.admin.settings_dialog import SettingsDialog
from ptdesk.ui.context import AppContext
from tests.factories import ADMIN


@pytest.fixture
def ctx(session_factory: SessionFactory) -> AppContext:
    return AppContext(session_factory, ADMIN)  # only administrators change clinic settings


@pytest.fixture
def logo_png(tmp_path: Path) -> Path:
    image = QImage(120, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("#1f6f8b"))
    path = tmp_path / "logo.png"
    assert image.save(str(path))
    return path


def _save(dialog: SettingsDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def _error(dialog: SettingsDialog, key: str) -> str:
    label = dialog.findChild(QLabel, f"{key}_error")
    assert label is not None
    return "" if label.isHidden() else label.text()


def test_inputs_carry_their_label_as_accessible_name(qtbot, ctx: AppContext) -> None:
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    names = {w.accessibleName() for w in (dialog.name_edit, dialog.address_edit, dialog.phone_edit,
                                          dialog.paper_combo, dialog.units_combo)}
    assert names == {"Clinic name", "Address", "Phone", "Paper size", "Default units"}


def test_loads_saved_settings(qtbot, ctx: AppContext, session_factory: SessionFactory,
                              logo_png: Path) -> None:
    update_settings(session_factory, actor=ADMIN, name="Hill Physio", address="1 Main St", phone="555-0100",
                    paper_size="a4", default_units="km", logo=logo_png.read_bytes())
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.name_edit.text() == "Hill Physio"
    assert dialog.address_edit.toPlainText() == "1 Main St"
    assert dialog.paper_combo.currentData() == "a4"
    assert dialog.units_combo.currentData() == "km"
    assert dialog.logo == logo_png.read_bytes()
    assert not dialog.logo_preview.pixmap().isNull()


def test_missing_name_is_explained_and_input_kept(qtbot, ctx: AppContext,
                                                  session_factory: SessionFactory) -> None:
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("   ")
    dialog.phone_edit.setText("555-0123")
    _save(dialog)
    assert _error(dialog, "name") == "Clinic name is required."
    assert dialog.phone_edit.text() == "555-0123"
    assert get_settings(session_factory).phone == ""


def test_save_stores_every_setting_and_logo(qtbot, ctx: AppContext, session_factory: SessionFactory,
                                            logo_png: Path, monkeypatch) -> None:
    monkeypatch.setattr("ptdesk.ui.admin.settings_dialog.QFileDialog.getOpenFileName",
                        lambda *args, **kwargs: (str(logo_png), ""))
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("Riverside Running Physio")
    dialog.address_edit.setPlainText("200 Riverside Dr\nPortland")
    dialog.phone_edit.setText("(503) 555-0100")
    dialog.paper_combo.setCurrentIndex(dialog.paper_combo.findData("a4"))
    dialog.units_combo.setCurrentIndex(dialog.units_combo.findData("km"))
    qtbot.mouseClick(dialog.choose_logo_button, Qt.MouseButton.LeftButton)
    assert not dialog.logo_preview.pixmap().isNull()
    assert dialog.remove_logo_button.isEnabled()
    with qtbot.waitSignal(ctx.signals.data_changed) as changed:
        _save(dialog)
    assert changed.args == ["clinic", 0]
    assert dialog.result() == 1
    saved = get_settings(session_factory)
    assert (saved.name, saved.address, saved.phone) == \
        ("Riverside Running Physio", "200 Riverside Dr\nPortland", "(503) 555-0100")
    assert (saved.paper_size, saved.default_units) == ("a4", "km")
    assert saved.logo == logo_png.read_bytes()


def test_remove_logo_clears_it(qtbot, ctx: AppContext, session_factory: SessionFactory,
                               logo_png: Path) -> None:
    update_settings(session_factory, actor=ADMIN, name="Hill Physio", logo=logo_png.read_bytes())
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.remove_logo_button, Qt.MouseButton.LeftButton)
    assert dialog.logo_preview.text() == "No logo"
    _save(dialog)
    assert get_settings(session_factory).logo is None


def test_a_file_that_is_not_a_picture_is_refused(qtbot, ctx: AppContext, tmp_path: Path,
                                                 monkeypatch) -> None:
    notes = tmp_path / "notes.png"
    notes.write_text("not an image")
    monkeypatch.setattr("ptdesk.ui.admin.settings_dialog.QFileDialog.getOpenFileName",
                        lambda *args, **kwargs: (str(notes), ""))
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.choose_logo_button, Qt.MouseButton.LeftButton)
    assert "not a picture" in _error(dialog, "logo")
    assert dialog.logo is None


def test_cancelled_file_dialog_changes_nothing(qtbot, ctx: AppContext, monkeypatch) -> None:
    monkeypatch.setattr("ptdesk.ui.admin.settings_dialog.QFileDialog.getOpenFileName",
                        lambda *args, **kwargs: ("", ""))
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.choose_logo_button, Qt.MouseButton.LeftButton)
    assert dialog.logo is None and _error(dialog, "logo") == ""


def test_measure_thresholds_are_edited_by_an_administrator(
        qtbot, ctx: AppContext, session_factory: SessionFactory) -> None:
    from ptdesk.services.measure_settings import get_measure_thresholds

    update_settings(session_factory, actor=ADMIN, name="Riverside Running PT")
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    boxes = dialog.thresholds.boxes
    assert boxes["knee_to_wall_diff_cm"].value() == 2.0  # the cited defaults
    assert boxes["walk_minutes"].value() == 30 and boxes["heel_raises_per_side"].value() == 20
    assert "Powden 2015" in boxes["knee_to_wall_diff_cm"].toolTip()
    boxes["knee_to_wall_diff_cm"].setValue(3.0)
    boxes["heel_raises_per_side"].setValue(25)
    _save(dialog)
    stored = get_measure_thresholds(session_factory, actor=ADMIN)
    assert stored.ankle.knee_to_wall_diff_cm == 3.0
    assert stored.readiness.heel_raises_per_side == 25
    again = SettingsDialog(ctx)
    qtbot.addWidget(again)
    assert again.thresholds.boxes["heel_raises_per_side"].value() == 25
    again.thresholds.use_defaults()
    assert again.thresholds.boxes["heel_raises_per_side"].value() == 20


def test_measure_thresholds_are_read_only_for_a_clinician(
        qtbot, session_factory: SessionFactory) -> None:
    from tests.factories import ACTOR

    dialog = SettingsDialog(AppContext(session_factory, ACTOR))
    qtbot.addWidget(dialog)
    assert not dialog.thresholds.boxes["walk_minutes"].isEnabled()
    assert not dialog.thresholds.defaults_button.isEnabled()
    assert dialog.thresholds.save() is True  # nothing attempted, nothing refused
