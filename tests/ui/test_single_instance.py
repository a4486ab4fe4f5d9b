"""One window per database: a second `ptdesk` on the same database raises the first window."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMainWindow

from ptdesk.ui.single_instance import (
    SingleInstance,
    bring_to_front,
    database_identity,
    instance_key,
)

ROOT = Path(__file__).resolve().parents[2]


def _ptdesk(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen([sys.executable, "-m", "ptdesk", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_second_start_on_the_same_database_raises_the_first_window(qtbot, tmp_path: Path) -> None:
    db = tmp_path / "clinic.db"
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    window.showMinimized()
    first = SingleInstance(instance_key(str(db)))
    try:
        assert first.claim()
        raised: list[bool] = []
        first.activated.connect(lambda: (bring_to_front(window), raised.append(True)))
        # Spelled differently (relative, with ..), still the same database.
        other = os.path.relpath(tmp_path / "sub" / ".." / "clinic.db", ROOT)
        with qtbot.waitSignal(first.activated, timeout=60_000):
            second = _ptdesk("--db", other)
        out, err = second.communicate(timeout=60)
        assert second.returncode == 0, err
        assert raised == [True]
        assert not window.isMinimized()
        assert not db.exists()  # the second process never opened the database
    finally:
        first.release()


def test_a_different_database_gets_its_own_window(qtbot, tmp_path: Path) -> None:
    one = SingleInstance(instance_key(str(tmp_path / "one.db")))
    two = SingleInstance(instance_key(str(tmp_path / "two.db")))
    try:
        assert one.claim()
        assert two.claim()  # not told to go away: it opens its own window
        assert one.key != two.key
    finally:
        one.release()
        two.release()


def test_the_lock_is_free_again_once_the_first_window_is_gone(qtbot, tmp_path: Path) -> None:
    key = instance_key(str(tmp_path / "c.db"))
    first = SingleInstance(key)
    assert first.claim()
    first.release()
    again = SingleInstance(key)
    try:
        assert again.claim()
    finally:
        again.release()


def test_a_crashed_first_process_leaves_no_lock_behind(qtbot, tmp_path: Path) -> None:
    key = instance_key(str(tmp_path / "c.db"))
    script = (f"import os\nfrom ptdesk.ui.single_instance import SingleInstance\n"
              f"from PySide6.QtCore import QCoreApplication\napp = QCoreApplication([])\n"
              f"assert SingleInstance({key!r}).claim()\nos._exit(9)\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, timeout=60,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 9
    after = SingleInstance(key)
    try:
        assert after.claim()  # the dead process's lock is stale
    finally:
        after.release()


@pytest.mark.parametrize(("value", "expected"), [
    ("postgresql+psycopg://pt@db/clinic", "postgresql+psycopg://pt@db/clinic"),
    ("~/c.db", str(Path("~/c.db").expanduser().resolve())),
])
def test_database_identity(value: str, expected: str) -> None:
    assert database_identity(value, {}) == expected


def test_the_default_database_is_the_per_user_file() -> None:
    from ptdesk.db.engine import default_data_dir

    assert database_identity(None, {}) == str((default_data_dir() / "ptdesk.db").resolve())
    assert database_identity(None, {"PTDESK_DB": "/x/y.db"}) == str(Path("/x/y.db").resolve())
