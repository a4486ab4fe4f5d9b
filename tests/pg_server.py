"""A throwaway PostgreSQL server for the tests: initdb in a temp dir, loopback port, gone at exit.

`PTDESK_TEST_PG_URL` (a server URL with a superuser) uses an existing server instead;
`PTDESK_PG_BIN` names the folder holding initdb/pg_ctl when they are not found on their own.
Every failure to get a server is a `PgUnavailable` with a reason a developer can act on.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from ptdesk.services.backup.pg_tools import BIN_ENV, debian_bin_folders

URL_ENV = "PTDESK_TEST_PG_URL"
START_TIMEOUT_S = 30
_PREFIX = "ptdesk-pg-"
_OWNER = "owner.pid"  # the test process the server belongs to
SUPERUSER = "postgres"
# Speed over durability: the data dies with the test run anyway.
_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "full_page_writes": "off",
    "synchronous_commit": "off",
    "max_connections": "200",
    "shared_buffers": "32MB",
    "log_min_messages": "warning",
    "lock_timeout": "'60s'",  # a stuck test fails instead of hanging the run
    "timezone": "'Pacific/Auckland'",  # far from UTC: timestamps come back in its zone
    # Little WAL: every test database is a copy of a template (CREATE DATABASE ... FILE_COPY).
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_wal_size": "'128MB'",
    "min_wal_size": "'32MB'",
}
# A RAM disk makes copying a template database ~20x faster than a (virtual) disk; the
# whole server needs well under 200 MB, so only a roomy one is used.
_RAM_DISK = Path("/dev/shm")
_RAM_DISK_MIN_FREE = 512 * 1024 * 1024


class PgUnavailable(Exception):
    """No PostgreSQL server could be found or started; the message says why."""


def find_bindir() -> Path | None:
    """initdb's folder: $PTDESK_PG_BIN, else the newest Debian install, else pg_config."""
    candidates: list[Path] = []
    if env := os.environ.get(BIN_ENV):
        candidates.append(Path(env))
    candidates += debian_bin_folders()
    if pg_config := shutil.which("pg_config"):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                                 timeout=10, check=True).stdout.strip()
            candidates.append(Path(out))
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).resolve().parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def _temp_parent() -> str | None:
    with contextlib.suppress(OSError):
        if (_RAM_DISK.is_dir() and os.access(_RAM_DISK, os.W_OK)
                and shutil.disk_usage(_RAM_DISK).free >= _RAM_DISK_MIN_FREE):
            return str(_RAM_DISK)
    return None  # the default temp folder


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail(path: Path, lines: int = 8) -> str:
    with contextlib.suppress(OSError):
        return " | ".join(path.read_text(errors="replace").strip().splitlines()[-lines:])
    return ""


class ThrowawayServer:
    """initdb + pg_ctl in a private temp dir; `stop()` (also run at exit) removes everything."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        parent = _temp_parent()
        _reap_stale(Path(parent or tempfile.gettempdir()))
        self.root = Path(tempfile.mkdtemp(prefix=_PREFIX, dir=parent))
        (self.root / _OWNER).write_text(str(os.getpid()), encoding="ascii")
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = 0
        self._running = False
        # initdb and the server refuse to run as root: run them as an unprivileged user.
        self._as_user: list[str] = []
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            self._as_user = ["runuser", "-u", "nobody", "--"]
            shutil.chown(self.root, "nobody")
        atexit.register(self.stop)
        _stop_on_sigterm(self)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}"

    def _run(self, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
        command = [*self._as_user, *args]
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                  cwd=self.root, check=False, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            raise PgUnavailable(f"{Path(args[0]).name} did not finish within {timeout:.0f} s") \
                from exc
        except OSError as exc:
            raise PgUnavailable(f"cannot run {args[0]}: {exc}") from exc

    def start(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        done = self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", SUPERUSER,
                         "--auth=trust", "--no-sync", "--encoding=UTF8", "--locale=C",
                         timeout=START_TIMEOUT_S)
        if done.returncode != 0:
            raise PgUnavailable(f"initdb failed: {(done.stderr or done.stdout).strip()[-400:]}")
        self.port = _free_port()
        settings = {**_SETTINGS, "port": str(self.port),
                    "unix_socket_directories": f"'{self.root}'"}
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# ptdesk test server\n")
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
        remaining = max(5.0, deadline - time.monotonic())
        done = self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                         "-w", "-t", str(int(remaining)), "start", timeout=remaining + 5)
        self._running = True  # even a failed start may have left a server process behind
        if done.returncode != 0:
            detail = _tail(self.log) or (done.stderr or done.stdout).strip()[-400:]
            raise PgUnavailable(f"pg_ctl start failed: {detail}")

    def stop(self) -> None:
        """Stop the server (fast, no checkpoint) and remove the temp dir; safe to call twice."""
        if self._running:
            self._running = False
            try:
                self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                          "-w", "-t", "10", "stop", timeout=20)
            except PgUnavailable:
                self._kill_postmaster()
        if self.root.exists():
            shutil.rmtree(self.root, ignore_errors=True)
        atexit.unregister(self.stop)

    def _kill_postmaster(self) -> None:
        _quit_postmaster(self.data)


def _quit_postmaster(data: Path) -> None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        pid = int((data / "postmaster.pid").read_text().splitlines()[0])
        os.kill(pid, signal.SIGQUIT)  # immediate shutdown


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    with contextlib.suppress(OSError, IndexError):  # a killed, not yet reaped zombie is dead
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return True


def _reap_stale(parent: Path) -> None:
    """Remove servers left by test runs that were killed (SIGKILL skips every clean-up)."""
    for root in parent.glob(_PREFIX + "*"):
        with contextlib.suppress(OSError, ValueError):
            if _alive(int((root / _OWNER).read_text(encoding="ascii"))):
                continue
            _quit_postmaster(root / "data")
            time.sleep(0.2)
            shutil.rmtree(root, ignore_errors=True)


def _stop_on_sigterm(server: ThrowawayServer) -> None:
    """A CI time-out sends SIGTERM, which skips atexit: stop the server first, then die."""
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return  # someone else handles it (and Python only allows this in the main thread)

    def handler(signum: int, _frame: Any) -> None:
        server.stop()
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    with contextlib.suppress(ValueError):  # not the main thread
        signal.signal(signal.SIGTERM, handler)


class PgCluster:
    """Where test databases are created and dropped: a throwaway server or $PTDESK_TEST_PG_URL."""

    def __init__(self, server_url: str, server: ThrowawayServer | None = None) -> None:
        self.server_url = server_url.rstrip("/")
        self.server = server
        # Names unique per run, so a shared server can host several runs at once.
        self.prefix = f"ptdesk_t{uuid.uuid4().hex[:8]}"
        self._admin: Any = None

    def url(self, database: str) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.server_url).set(database=database).render_as_string(
            hide_password=False)

    def name(self, label: str) -> str:
        return f"{self.prefix}_{label}"[:63]

    def admin(self) -> Any:
        """An autocommit psycopg connection to the maintenance database (CREATE DATABASE)."""
        if self._admin is None or self._admin.closed:
            import psycopg
            from sqlalchemy.engine import make_url

            parsed = make_url(self.server_url).set(drivername="postgresql",
                                                   database="postgres")
            self._admin = psycopg.connect(parsed.render_as_string(hide_password=False),
                                          autocommit=True, connect_timeout=10)
        return self._admin

    def create(self, name: str, template: str = "template0") -> str:
        admin = self.admin()
        # PostgreSQL 15+ copies WAL-logged by default: slower for a small template.
        strategy = " STRATEGY FILE_COPY" if admin.info.server_version >= 150000 else ""
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"{strategy}')
        return self.url(name)

    def drop(self, name: str) -> None:
        # FORCE: a test that leaked a connection must not make the next test fail.
        self.admin().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        if self._admin is not None:
            with contextlib.suppress(Exception):
                for (name,) in self._admin.execute(
                        "SELECT datname FROM pg_database WHERE datname LIKE %s",
                        (self.prefix + "%",)).fetchall():
                    self._admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            with contextlib.suppress(Exception):
                self._admin.close()
            self._admin = None
        if self.server is not None:
            self.server.stop()


def _check_connect(cluster: PgCluster) -> None:
    try:
        cluster.admin().execute("SELECT 1")
    except Exception as exc:
        raise PgUnavailable(f"cannot connect to the PostgreSQL server: {exc}") from exc


def start_cluster() -> PgCluster:
    """A ready server; raises PgUnavailable (nothing left running) when there is none."""
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise PgUnavailable("the psycopg package is not installed "
                            "(pip install -e '.[postgres]')") from exc
    if existing := os.environ.get(URL_ENV):
        cluster = PgCluster(existing)
        _check_connect(cluster)
        return cluster
    bindir = find_bindir()
    if bindir is None:
        raise PgUnavailable(f"no PostgreSQL server binaries found (install Debian's postgresql "
                            f"package, or set {BIN_ENV} or {URL_ENV})")
    server = ThrowawayServer(bindir)
    try:
        server.start()
        cluster = PgCluster(server.url, server)
        _check_connect(cluster)
    except BaseException:
        server.stop()
        raise
    return cluster
