"""One window per database: a second start on the same database raises the running window.

The first process for a database holds a QLockFile and listens on a QLocalServer whose
name is derived from the database (and the OS user), so a second start on that database
finds it, sends "activate" and exits; a different database gets a different name and
its own window. The lock (not the socket) decides who is first: a crashed first
process leaves a stale lock that QLockFile recognises by its dead PID.
"""

from __future__ import annotations

import getpass
import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDir, QElapsedTimer, QLockFile, QObject, QThread, Signal
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer

ACTIVATE = b"activate\n"
CONNECT_TIMEOUT_MS = 1000
# How long a second start keeps trying while the first is between taking the lock and
# listening (its window is still being built).
FIRST_START_GRACE_MS = 10_000


def database_identity(db: str | None, environ: dict[str, str] | None = None) -> str:
    """The database the app will open, spelled one way: an absolute file path or the URL.

    Mirrors ptdesk.db.engine.resolve_url without importing SQLAlchemy (start-up time).
    """
    env = os.environ if environ is None else environ
    value = db if db is not None else env.get("PTDESK_DB", "")
    if not value:
        from platformdirs import user_data_dir

        value = str(Path(user_data_dir("ptdesk", appauthor=False)) / "ptdesk.db")
    if "://" in value:
        return value
    return str(Path(value).expanduser().resolve())


def instance_key(db: str | None, environ: dict[str, str] | None = None) -> str:
    """Short name for the lock file and the local socket (same user, same database)."""
    digest = hashlib.sha256(f"{getpass.getuser()}\0{database_identity(db, environ)}".encode())
    return f"ptdesk-{digest.hexdigest()[:20]}"


def bring_to_front(window: QWidget) -> None:
    """Un-minimise and raise; window managers may only flash the taskbar entry."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()


class SingleInstance(QObject):
    """`claim()` True: this process serves the database; False: another one was told to show."""

    activated = Signal()  # a later start on the same database asked for this window

    def __init__(self, key: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.lock = QLockFile(str(Path(QDir.tempPath()) / f"{key}.lock"))
        self.lock.setStaleLockTime(0)  # never stale by age; only when its process is gone
        self.server: QLocalServer | None = None

    def claim(self, *, listen: bool = True) -> bool:
        """Take the database's lock, or ask its holder to show its window.

        `listen=False` leaves `listen()` to the caller: the app listens once its window and
        sign-in prompt are up (QtNetwork is not needed before then), and a second start in
        between keeps trying for FIRST_START_GRACE_MS, as it would while the window is built.
        """
        timer = QElapsedTimer()
        timer.start()
        while True:
            if self.lock.tryLock(0):  # first, or the first process has just ended
                if listen:
                    self.listen()
                return True
            if self._send_activate():
                return False
            if timer.elapsed() > FIRST_START_GRACE_MS:
                return True  # an owner that never answers: a window beats nothing
            QThread.msleep(100)

    def listen(self) -> None:
        """Answer later starts on this database (they ask this window to come to the front)."""
        from PySide6.QtNetwork import QLocalServer

        if self.server is not None:
            return
        QLocalServer.removeServer(self.key)  # a socket left by a crash; we hold the lock
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._on_server_new_connection)
        self.server.listen(self.key)

    def _send_activate(self) -> bool:
        from PySide6.QtNetwork import QLocalSocket

        socket = QLocalSocket()
        socket.connectToServer(self.key)
        if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
            return False
        socket.write(ACTIVATE)
        socket.flush()
        socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
        socket.disconnectFromServer()
        return True

    def _on_server_new_connection(self) -> None:
        assert self.server is not None
        while (socket := self.server.nextPendingConnection()) is not None:
            # The message is a few bytes sent right after connecting: read it here rather
            # than keep per-socket slots alive across the connection's teardown.
            if socket.bytesAvailable() or socket.waitForReadyRead(CONNECT_TIMEOUT_MS):
                message = bytes(socket.readAll().data())
                if message.startswith(ACTIVATE[:-1]):
                    self.activated.emit()
            socket.abort()
            socket.deleteLater()

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        self.lock.unlock()
