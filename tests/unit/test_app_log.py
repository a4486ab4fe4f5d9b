"""The per-user log file: where it is, that it rotates, and that an error leaves no patient text."""

from __future__ import annotations

import logging
import logging.handlers
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ptdesk import app_log


@pytest.fixture
def log_folder(tmp_path: Path) -> Iterator[Path]:
    folder = app_log.setup(tmp_path / "log")
    yield folder
    app_log.shutdown()


def _text(folder: Path) -> str:
    for handler in app_log.get_logger().handlers:
        handler.flush()
    return (folder / app_log.LOG_FILE).read_text(encoding="utf-8")


def test_log_dir_is_the_per_user_log_folder(monkeypatch) -> None:
    from platformdirs import user_log_dir

    monkeypatch.delenv("PTDESK_LOG_DIR", raising=False)
    assert app_log.log_dir() == Path(user_log_dir("ptdesk", appauthor=False))
    monkeypatch.setenv("PTDESK_LOG_DIR", "/somewhere/else")
    assert app_log.log_dir() == Path("/somewhere/else")


def test_records_go_to_a_rotating_file_owned_by_the_user(log_folder: Path) -> None:
    app_log.log_startup("9.9.9")
    text = _text(log_folder)
    assert "PT Desk 9.9.9 starting" in text
    handler = app_log.get_logger().handlers[0]
    assert isinstance(handler, logging.handlers.RotatingFileHandler)
    assert handler.maxBytes == app_log.MAX_BYTES and handler.backupCount == app_log.BACKUPS
    if sys.platform != "win32":
        assert log_folder.stat().st_mode & 0o077 == 0


def test_an_error_is_logged_by_type_and_code_lines_never_by_its_message(log_folder: Path) -> None:
    def save_patient() -> None:
        raise ValueError("MRN RUN-0042 Zoë Ødegård-Núñez could not be saved")

    try:
        save_patient()
    except ValueError as exc:
        app_log.log_exception(type(exc), exc.__traceback__)
    text = _text(log_folder)
    assert "ValueError" in text and "save_patient" in text and "test_app_log.py:" in text
    assert "RUN-0042" not in text and "Zoë" not in text and "Ødegård" not in text


def test_library_loggers_stay_out_of_the_file(log_folder: Path) -> None:
    # SQLAlchemy echoes statements with their parameters on its own logger.
    logging.getLogger("sqlalchemy.engine").warning("INSERT ... ('Zoë', 'RUN-0042')")
    app_log.get_logger("app").info("window shown")
    text = _text(log_folder)
    assert "window shown" in text and "Zoë" not in text


def test_a_hard_crash_leaves_its_stack_in_the_crash_file(tmp_path: Path) -> None:
    """A segfault (as in a Qt or driver bug) kills the process; faulthandler still writes."""
    folder = tmp_path / "log"
    script = ("import faulthandler, pathlib\n"
              "from ptdesk import app_log\n"
              f"app_log.setup(pathlib.Path({str(folder)!r}))\n"
              "def open_chart():\n    faulthandler._sigsegv()\n"
              "open_chart()\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode != 0
    crash = (folder / app_log.CRASH_FILE).read_text(encoding="utf-8")
    assert "Segmentation fault" in crash and "open_chart" in crash
