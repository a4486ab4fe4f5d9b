"""The daily backup offered on close: when it is asked, what each answer does, failures, settings."""

from __future__ import annotations

import os
import stat
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel
from sqlalchemy import update

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import ClinicSettings
from ptdesk.services.backup import backups
from ptdesk.services.clinic import (
    BACKUP_SETTINGS_STORED,
    get_backup_settings,
    get_settings,
    set_backup_settings,
    update_settings,
)
from ptdesk.services.errors import StorageError
from ptdesk.services.uow import transaction
from ptdesk.ui.admin.backup_on_close import (
    BUSY_TEXT,
    SAFE_TEXT,
    SLOW_TEXT,
    BackupOffer,
    BackupOnCloseDialog,
    backup_offer,
    describe_last_backup,
)
from ptdesk.ui.admin.settings_dialog import SettingsDialog
from ptdesk.ui.context import AppContext
from ptdesk.ui.main_window import MainWindow
from tests.factories import ADMIN, ASSISTANT, audit_entries

STORED = pytest.mark.skipif(
    not BACKUP_SETTINGS_STORED,
    reason="needs columns clinic_settings.backup_on_close and backup_folder (new revision)")
WAIT_MS = 15_000


@pytest.fixture
def ctx(session_factory: SessionFactory) -> AppContext:
    return AppContext(session_factory, ASSISTANT)  # the offer is for whoever closes last


@pytest.fixture
def window(qtbot, ctx: AppContext, tmp_path: Path) -> MainWindow:
    win = MainWindow(ctx, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    win.offer_backup_on_close = True
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def made(sf: SessionFactory, db_path: Path) -> list[Path]:
    folder = backups.backup_folder(sf)
    return backups.list_backups(folder, db_path.stem) if folder.is_dir() else []


def offer_dialog(window: MainWindow) -> BackupOnCloseDialog:
    dialog = window.findChild(BackupOnCloseDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def backdate(path: Path, when: datetime) -> Path:
    """Rename a backup as if it had been taken at `when`."""
    stem = path.name.split("-")[0]
    older = path.with_name(f"{stem}-{when.astimezone(UTC):%Y%m%d-%H%M%S-%f}.db")
    path.rename(older)
    # The clinic's own backups folder holds no key (it would travel with the data folder).
    assert not Path(f"{path}.auditkey").exists()
    return older


def keep(sf: SessionFactory, n: int) -> None:
    get_settings(sf)  # makes the settings row
    with transaction(sf) as session:
        session.execute(update(ClinicSettings).values(backups_kept=n))


# ---- when the offer is made -----------------------------------------------------------------

def test_closing_with_no_backup_today_offers_one(window: MainWindow) -> None:
    assert not window.close()
    dialog = offer_dialog(window)
    assert window.isVisible() and dialog.isModal()
    assert dialog.question_label.text() == "Back up the clinic database before closing?"
    assert dialog.last_label.text() == "Last backup: none yet."
    assert [dialog.back_up_button.text(), dialog.skip_button.text()] == [
        "&Back up and close", "Close &without backup"]
    assert dialog.back_up_button.isDefault()
    assert not window.close()  # asked again: the same offer, not a second one
    assert len(window.findChildren(BackupOnCloseDialog)) == 1


def test_a_backup_earlier_today_means_no_question(window: MainWindow,
                                                  session_factory: SessionFactory) -> None:
    backups.backup(session_factory, actor=ADMIN)
    assert backup_offer(window.ctx) is None  # type: ignore[arg-type]
    assert window.close()
    assert window.findChild(BackupOnCloseDialog) is None


def test_a_backup_yesterday_is_not_today(session_factory: SessionFactory, ctx: AppContext) -> None:
    now = datetime.now().astimezone()
    taken = backups.backup(session_factory, actor=ADMIN)
    assert backup_offer(ctx, now=now) is None
    yesterday = backdate(taken, now.replace(hour=0, minute=0, second=1) - timedelta(seconds=2))
    offer = backup_offer(ctx, now=now)
    assert offer is not None and offer.folder == yesterday.parent
    assert offer.last is not None and offer.last.date() == now.date() - timedelta(days=1)


def test_nobody_without_the_permission_is_asked(session_factory: SessionFactory) -> None:
    assert backup_offer(AppContext(session_factory, "stranger")) is None


def test_the_window_alone_does_not_ask(qtbot, ctx: AppContext, tmp_path: Path) -> None:
    bare = MainWindow(ctx, QSettings(str(tmp_path / "bare.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(bare)
    bare.show()
    assert bare.close()  # the app turns the offer on; tests and embedding do not get it


@STORED
def test_the_setting_off_means_no_question(window: MainWindow,
                                           session_factory: SessionFactory) -> None:
    set_backup_settings(session_factory, actor=ADMIN, offer_on_close=False, folder="")
    assert window.close()
    assert window.findChild(BackupOnCloseDialog) is None


def test_how_the_last_backup_is_described() -> None:
    now, at = datetime(2026, 11, 21, 9, 30, tzinfo=UTC), datetime(2026, 11, 18, 17, 2, tzinfo=UTC)
    assert describe_last_backup(at, now) == "Last backup: 3 days ago (18 Nov 2026 17:02)."
    assert describe_last_backup(now - timedelta(hours=10), now) == \
        "Last backup: yesterday (20 Nov 2026 23:30)."
    assert describe_last_backup(None, now) == "Last backup: none yet."


# ---- the answers ----------------------------------------------------------------------------

def test_back_up_and_close_writes_an_owner_only_copy_then_closes(
    qtbot, window: MainWindow, session_factory: SessionFactory, db_path: Path,
) -> None:
    assert not window.close()
    dialog = offer_dialog(window)
    qtbot.mouseClick(dialog.back_up_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    files = made(session_factory, db_path)
    assert len(files) == 1 and dialog.outcome == "backed_up" and dialog.backup_path == files[0]
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert backups.verify(session_factory).ok
    entry = audit_entries(session_factory, user=ASSISTANT)[-1]
    assert (entry.action, entry.summary) == ("backup", f"daily backup written: {files[0].name}")


def test_the_daily_backup_keeps_the_last_n(qtbot, window: MainWindow,
                                           session_factory: SessionFactory, db_path: Path) -> None:
    keep(session_factory, 2)
    now = datetime.now().astimezone()
    old = [backdate(backups.backup(session_factory, actor=ADMIN), now - timedelta(days=days))
           for days in (5, 3)]
    assert not window.close()
    dialog = offer_dialog(window)
    assert dialog.last_label.text().startswith("Last backup: 3 days ago (")
    dialog.back_up_button.click()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    files = made(session_factory, db_path)
    assert len(files) == 2 and files[0] == old[1] and files[1] == dialog.backup_path
    assert not old[0].exists() and not Path(f"{old[0]}.auditkey").exists()


def test_close_without_backup_closes_and_writes_nothing(
    qtbot, window: MainWindow, session_factory: SessionFactory, db_path: Path,
) -> None:
    assert not window.close()
    dialog = offer_dialog(window)
    qtbot.mouseClick(dialog.skip_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    assert dialog.outcome == "skipped" and made(session_factory, db_path) == []


def test_escape_keeps_pt_desk_open_and_the_next_close_asks_again(qtbot,
                                                                 window: MainWindow) -> None:
    assert not window.close()
    dialog = offer_dialog(window)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.findChild(BackupOnCloseDialog) is None, timeout=WAIT_MS)
    assert window.isVisible()
    assert not window.close()
    assert offer_dialog(window) is not dialog


def test_the_backup_runs_off_the_ui_thread_and_cannot_be_interrupted(
    qtbot, window: MainWindow, monkeypatch,
) -> None:
    release, threads = threading.Event(), []

    def slow_backup(sf: SessionFactory, *, actor: str, daily: bool) -> Path:
        threads.append(threading.current_thread())
        assert release.wait(WAIT_MS / 1000)
        return backups.backup(sf, actor=actor, daily=daily)

    monkeypatch.setattr("ptdesk.ui.admin.backup_on_close.backup", slow_backup)
    assert not window.close()
    dialog = offer_dialog(window)
    dialog.back_up_button.click()
    qtbot.waitUntil(lambda: bool(threads), timeout=WAIT_MS)  # the UI kept running meanwhile
    assert threads[0] is not threading.main_thread()
    assert dialog.busy and dialog.progress.isVisible()
    assert dialog.status_label.text() == BUSY_TEXT
    assert not dialog.back_up_button.isEnabled() and not dialog.skip_button.isEnabled()
    dialog.reject()
    dialog.close()
    assert not window.close()
    assert dialog.isVisible() and window.isVisible()
    release.set()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    assert dialog.outcome == "backed_up"


def test_a_hung_backup_can_be_left_behind_so_closing_never_hangs(
    qtbot, window: MainWindow, monkeypatch, session_factory: SessionFactory, db_path: Path,
) -> None:
    release, started = threading.Event(), threading.Event()

    def hung_backup(sf: SessionFactory, *, actor: str, daily: bool) -> Path:
        started.set()
        assert release.wait(WAIT_MS / 1000)
        return backups.backup(sf, actor=actor, daily=daily)

    monkeypatch.setattr("ptdesk.ui.admin.backup_on_close.backup", hung_backup)
    monkeypatch.setattr(BackupOnCloseDialog, "slow_after_ms", 200)
    assert not window.close()
    dialog = offer_dialog(window)
    dialog.back_up_button.click()
    qtbot.waitUntil(dialog.skip_button.isEnabled, timeout=WAIT_MS)
    assert dialog.busy and started.is_set()
    assert dialog.status_label.text() == SLOW_TEXT
    assert dialog.skip_button.text() == "&Close anyway"
    dialog.skip_button.click()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    assert dialog.outcome == "closed_while_running"
    release.set()  # the copy finishes on its own later; nothing reacts to it any more
    assert window.ctx is not None and window.ctx.wait_for_background(WAIT_MS)
    qtbot.wait(50)
    assert len(made(session_factory, db_path)) == 1


# ---- failures never trap the clinician ------------------------------------------------------

def test_a_failed_backup_explains_and_offers_try_again_or_close_anyway(
    qtbot, window: MainWindow, session_factory: SessionFactory, db_path: Path,
) -> None:
    blocker = backups.backup_folder(session_factory)
    blocker.write_text("a file where the backup folder should be")  # mkdir fails for real
    assert not window.close()
    dialog = offer_dialog(window)
    dialog.back_up_button.click()
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=WAIT_MS)
    assert "The backup did not work. The backup folder" in dialog.error_label.text()
    assert "cannot be created" in dialog.error_label.text()
    assert dialog.status_label.text() == SAFE_TEXT and dialog.status_label.isVisible()
    assert [dialog.back_up_button.text(), dialog.skip_button.text()] == [
        "&Try again", "&Close anyway"]
    assert window.isVisible() and not dialog.busy
    blocker.unlink()  # the problem is fixed: Try again works and then closes
    dialog.back_up_button.click()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    assert dialog.outcome == "backed_up" and len(made(session_factory, db_path)) == 1


def test_close_anyway_after_a_storage_error(qtbot, window: MainWindow, monkeypatch,
                                            session_factory: SessionFactory, db_path: Path) -> None:
    def disk_full(*_args: object, **_kwargs: object) -> Path:
        raise StorageError("The disk is full, so nothing was saved.")

    monkeypatch.setattr("ptdesk.ui.admin.backup_on_close.backup", disk_full)
    assert not window.close()
    dialog = offer_dialog(window)
    dialog.back_up_button.click()
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=WAIT_MS)
    assert "The disk is full" in dialog.error_label.text()
    qtbot.mouseClick(dialog.skip_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    assert dialog.outcome == "closed_after_error" and made(session_factory, db_path) == []


def test_an_unexpected_error_is_named_without_its_details(qtbot, ctx: AppContext,
                                                          monkeypatch, tmp_path: Path) -> None:
    def broken(*_args: object, **_kwargs: object) -> Path:
        raise RuntimeError("Alex Runner, MRN-001")  # whatever it says is never shown

    monkeypatch.setattr("ptdesk.ui.admin.backup_on_close.backup", broken)
    dialog = BackupOnCloseDialog(ctx, BackupOffer(None, tmp_path))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.back_up_button.click()
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=WAIT_MS)
    assert "unexpected error happened (RuntimeError)" in dialog.error_label.text()
    assert "MRN-001" not in dialog.error_label.text()
    assert dialog.isVisible() and dialog.skip_button.text() == "&Close anyway"


# ---- settings (administrator) ---------------------------------------------------------------

@pytest.fixture
def settings_dialog(qtbot, session_factory: SessionFactory) -> SettingsDialog:
    update_settings(session_factory, actor=ADMIN, name="Hill Physio")
    dialog = SettingsDialog(AppContext(session_factory, ADMIN))
    qtbot.addWidget(dialog)
    return dialog


def _error(dialog: SettingsDialog) -> str:
    label = dialog.findChild(QLabel, "backup_folder_error")
    assert label is not None
    return "" if label.isHidden() else label.text()


def test_settings_show_the_backup_options(settings_dialog: SettingsDialog,
                                          session_factory: SessionFactory) -> None:
    assert settings_dialog.backup_offer_check.isChecked()
    assert settings_dialog.backup_offer_check.accessibleName() == "Offer a daily backup when closing"
    assert settings_dialog.backup_folder_edit.accessibleName() == "Backup folder"
    assert settings_dialog.backup_folder_edit.text() == ""
    assert settings_dialog.backup_folder_edit.placeholderText() == \
        str(backups.default_folder(session_factory))


def test_an_unusable_folder_is_explained_by_the_field_and_nothing_is_saved(
    qtbot, settings_dialog: SettingsDialog, session_factory: SessionFactory, tmp_path: Path,
) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x")
    qtbot.keyClicks(settings_dialog.backup_folder_edit, str(a_file))
    qtbot.waitUntil(lambda: _error(settings_dialog) != "", timeout=WAIT_MS)  # while typing
    assert _error(settings_dialog) == f"{a_file} is a file, not a folder."
    settings_dialog.name_edit.setText("Renamed Physio")
    assert not settings_dialog.save()
    assert get_settings(session_factory).name == "Hill Physio"  # nothing saved
    assert settings_dialog.backup_folder_edit.text() == str(a_file)  # input kept


def test_choose_fills_in_and_checks_the_folder(settings_dialog: SettingsDialog, monkeypatch,
                                               tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (tmp_path / "a file").write_text("x")
    chosen = [str(tmp_path / "a file")]
    monkeypatch.setattr("ptdesk.ui.admin.settings_dialog.QFileDialog.getExistingDirectory",
                        lambda *args, **kwargs: chosen[0])
    settings_dialog.choose_folder_button.click()
    assert settings_dialog.backup_folder_edit.text() == chosen[0]
    assert "is a file, not a folder" in _error(settings_dialog)
    chosen[0] = str(locked)
    settings_dialog.choose_folder_button.click()
    assert settings_dialog.backup_folder_edit.text() == str(locked) and _error(settings_dialog) == ""
    if os.geteuid() != 0:  # root may write anywhere, so only a normal user sees this
        locked.chmod(0o500)
        try:
            assert not settings_dialog.check_folder()
            assert "cannot save files in" in _error(settings_dialog)
        finally:
            locked.chmod(0o700)


@STORED
def test_saving_stores_the_backup_settings(settings_dialog: SettingsDialog,
                                           session_factory: SessionFactory,
                                           tmp_path: Path) -> None:
    target = tmp_path / "clinic backups"
    settings_dialog.backup_offer_check.setChecked(False)
    settings_dialog.backup_folder_edit.setText(str(target))
    settings_dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert _error(settings_dialog) == ""
    saved = get_backup_settings(session_factory)
    assert (saved.offer_on_close, saved.folder) == (False, str(target))
    assert backups.backup_folder(session_factory) == target


def test_a_clinician_cannot_change_the_backup_settings(qtbot, session_factory: SessionFactory,
                                                       tmp_path: Path) -> None:
    dialog = SettingsDialog(AppContext(session_factory, ASSISTANT))
    qtbot.addWidget(dialog)
    dialog.backup_folder_edit.setText(str(tmp_path))
    dialog.backup_offer_check.setChecked(False)
    assert not dialog.save()
    assert get_backup_settings(session_factory).folder == ""
    assert get_backup_settings(session_factory).offer_on_close

