"""One window per database: a second `ptdesk` on the same database raises the first window."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMainWindow

from ptdesk.ui.desktop.single_instance import (
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


def test_a_start_before_the_first_listens_is_answered_once_it_does(qtbot, tmp_path: Path) -> None:
    """The app takes the lock before its window and listens after it: the gap is retried."""
    key = instance_key(str(tmp_path / "clinic.db"))
    first = SingleInstance(key)
    try:
        assert first.claim(listen=False)
        assert first.server is None
        assert not SingleInstance(key)._send_activate()  # nobody answers yet: claim() retries
        first.listen()
        with qtbot.waitSignal(first.activated, timeout=30_000):
            assert SingleInstance(key)._send_activate()
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
    script = (f"import os\nfrom ptdesk.ui.desktop.single_instance import SingleInstance\n"
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


def test_a_second_database_opens_its_own_window_while_the_first_runs(qtbot, tmp_path: Path) -> None:
    """Real `ptdesk` on another clinic's database: it opens (up to its sign-in prompt)."""
    first = SingleInstance(instance_key(str(tmp_path / "first.db")))
    other = tmp_path / "other.db"
    env = {**os.environ, "PTDESK_PASSWORD": "second-clinic-pass1"}
    for argv in (["init", "--db", str(other)],
                 ["setup", "--db", str(other), "--clinic", "Other Clinic", "--admin", "o.admin"]):
        done = subprocess.run([sys.executable, "-m", "ptdesk", *argv], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    try:
        assert first.claim()
        asked: list[bool] = []
        first.activated.connect(lambda: asked.append(True))
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PTDESK_SMOKE_TEST": "sign-in"}
        second = subprocess.run([sys.executable, "-m", "ptdesk", "--db", str(other)], cwd=ROOT,
                                env=env, capture_output=True, text=True, timeout=180)
        assert second.returncode == 0, second.stderr
        assert "sign-in prompt shown" in second.stdout
        QApplication.processEvents()  # deliver anything the second process might have sent
        assert asked == []
    finally:
        first.release()
