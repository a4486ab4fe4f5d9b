"""PostgreSQL's own client programs for clinic-mode backups: finding them and running them safely.

pg_dump and pg_restore get the server's address, user and database as a libpq connection
string and the password only through PGPASSWORD in their environment, so it never shows
on a command line (visible to every user of the computer) or in a message.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from ptdesk.db.pg_tls import tls_connect_args
from ptdesk.services.errors import ServiceError
from ptdesk.services.uow import scrub

BIN_ENV = "PTDESK_PG_BIN"
CONNECT_TIMEOUT_S = 10
MAINTENANCE_DATABASES = ("postgres", "template1")
_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)")


class PgToolError(ServiceError):
    """pg_dump or pg_restore is missing, too old, or failed; the message says what to do."""


@dataclass(frozen=True)
class PgTools:
    folder: Path
    major: int

    def program(self, name: str) -> str:
        return str(self.folder / name)


def server_major(connection: Connection) -> int:
    return int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000


def debian_bin_folders() -> list[Path]:
    """Debian/Ubuntu keep every installed major version side by side; newest first."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                   key=lambda p: [int(x) for x in re.findall(r"\d+", p)], reverse=True)
    return [Path(p) for p in found]


def _candidate_folders() -> list[Path]:
    on_path = shutil.which("pg_dump")
    return ([Path(on_path).parent] if on_path else []) + debian_bin_folders()


def _major_of(program: Path) -> int | None:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run([str(program), "--version"], capture_output=True, text=True,
                             timeout=30, check=False, stdin=subprocess.DEVNULL).stdout
        if found := _VERSION.search(out):
            return int(found.group(1))
    return None


def _usable(folder: Path) -> int | None:
    if not all((folder / name).is_file() for name in ("pg_dump", "pg_restore")):
        return None
    return _major_of(folder / "pg_dump")


def find_tools(server: int) -> PgTools:
    """pg_dump/pg_restore at least as new as the server (an older pg_dump refuses to run).

    $PTDESK_PG_BIN, when set, is the only folder looked at; otherwise PATH, then
    /usr/lib/postgresql/*/bin, newest first.
    """
    if chosen := os.environ.get(BIN_ENV):
        folder = Path(chosen).expanduser()
        major = _usable(folder)
        if major is None:
            raise PgToolError(f"{BIN_ENV} is set to {folder}, but pg_dump and pg_restore are "
                              "not there.")
        if major < server:
            raise PgToolError(f"The pg_dump in {folder} is version {major}, older than the "
                              f"database server (version {server}). Install PostgreSQL "
                              f"{server}'s client programs or point {BIN_ENV} at them.")
        return PgTools(folder, major)
    found: list[str] = []
    for folder in _candidate_folders():
        major = _usable(folder)
        if major is None:
            continue
        if major >= server:
            return PgTools(folder, major)
        found.append(f"version {major} in {folder}")
    seen = f" (found only {', '.join(found)})" if found else ""
    raise PgToolError(f"Clinic-mode backups need PostgreSQL's pg_dump and pg_restore, version "
                      f"{server} or newer{seen}. Install the postgresql-client package for "
                      f"version {server}, or set {BIN_ENV} to the folder that holds them.")


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


@dataclass(frozen=True)
class PgServer:
    """One PostgreSQL database named by a SQLAlchemy URL, as the client programs reach it."""

    url: URL

    @classmethod
    def from_url(cls, url: str | URL) -> PgServer:
        parsed = make_url(url) if isinstance(url, str) else url
        if parsed.get_backend_name() != "postgresql" or not parsed.database:
            raise PgToolError("A clinic-mode backup needs a PostgreSQL URL that names the "
                              "database, e.g. postgresql+psycopg://user@host/ptdesk.")
        return cls(parsed)

    @property
    def database(self) -> str:
        return str(self.url.database)

    def with_database(self, name: str) -> PgServer:
        return PgServer(self.url.set(database=name))

    def url_text(self) -> str:
        return self.url.render_as_string(hide_password=False)

    def _query(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, value in self.url.query.items():
            out[key] = value[-1] if isinstance(value, tuple) else value
        return out

    def _password(self) -> str | None:
        return self.url.password or self._query().get("password")

    def conninfo(self) -> str:
        """host/port/user/dbname and the URL's other settings; never the password."""
        params = {k: v for k, v in self._query().items() if k != "password"}
        params.update({"dbname": self.database})
        if self.url.host:
            params["host"] = self.url.host
        if self.url.port:
            params["port"] = str(self.url.port)
        if self.url.username:
            params["user"] = self.url.username
        for key, value in tls_connect_args(self.url).items():  # as the app connects
            params.setdefault(key, value)
        params.setdefault("connect_timeout", str(CONNECT_TIMEOUT_S))
        params.setdefault("application_name", "ptdesk-backup")
        return " ".join(f"{key}={_quote(value)}" for key, value in params.items())

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        if password := self._password():
            env["PGPASSWORD"] = str(password)
        return env

    def run(self, program: str, *args: str, what: str) -> subprocess.CompletedProcess[str]:
        """Run a client program; a failure is a PgToolError with its last lines (scrubbed)."""
        command = [program, "--no-password", *args]
        try:
            done = subprocess.run(command, env=self.environment(), capture_output=True,
                                  text=True, stdin=subprocess.DEVNULL, check=False)
        except OSError as exc:
            raise PgToolError(f"{what} failed: {Path(program).name} could not be started "
                              f"({exc.strerror}).") from exc
        if done.returncode != 0:
            raise PgToolError(f"{what} failed: {self.tool_message(done.stderr)}")
        return done

    def tool_message(self, stderr: str) -> str:
        lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
        detail = " ".join(lines[-3:]) or "no message"
        password = self._password()
        if password:
            detail = detail.replace(str(password), "***")
        return scrub(detail)

    @contextlib.contextmanager
    def admin(self) -> Iterator[Engine]:
        """An engine on the server's maintenance database, for CREATE/ALTER/DROP DATABASE.

        Renaming or dropping a database needs a connection to some other database.
        """
        last: Exception | None = None
        for name in MAINTENANCE_DATABASES:
            engine = self.with_database(name).engine()
            try:
                with engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
            except Exception as exc:  # no such database, or no right to connect to it
                engine.dispose()
                last = exc
                continue
            try:
                yield engine
            finally:
                engine.dispose()
            return
        detail = scrub(str(getattr(last, "orig", last)).strip().splitlines()[0]) if last else ""
        raise PgToolError("Cannot connect to the server's maintenance database (postgres or "
                          f"template1), which a restore needs: {detail}")

    def engine(self) -> Engine:
        """A pool-less engine: no connection outlives its use (a rename needs none open)."""
        libpq = self.url.get_driver_name() in ("psycopg", "psycopg2")
        args = {"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "ptdesk-backup"}
        return create_engine(self.url, poolclass=NullPool, connect_args=args if libpq else {})
