"""Re-hashing many signed notes on two cores: part in a helper process, the rest here, same hashes.

`ptdesk verify` re-hashes every signed note of the clinic, which is pure Python work on
one core. For a database file with many notes, a helper process (a fresh
`python -m ptdesk.services.note_hash_pool`, never a fork of a process that may hold
threads or Qt) hashes the upper part of the visit ids from its own read-only connection
while this process hashes the rest. Signed notes cannot change (triggers refuse it), so
both read the same content. Anything that goes wrong with the helper (it cannot start,
dies, answers something else, or the build is frozen) means its part is hashed here
instead: slower, never different.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ptdesk.db.engine import database_key, make_reader_engine, sqlite_path
from ptdesk.services.note_hash import HASH_VERSION, hash_visits

POOL_MIN = 20_000  # fewer notes: starting a helper costs more than it saves
# The helper's share: this process also runs the file's integrity check beside its part.
HELPER_SHARE = 0.55


def _database_file(session: Session) -> tuple[Path, bytes | None] | None:
    """The database file and, for an encrypted clinic, its key (None: no helper can read it)."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    holder = database_key(engine)
    key = None if holder is None else holder.key
    if holder is not None and key is None:
        return None  # encrypted and locked: nothing here can read it either
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    return (path, key) if path is not None and path.is_file() else None


def _helper_allowed() -> bool:
    # A frozen build has no `python -m`; one core gains nothing.
    return not getattr(sys, "frozen", False) and (os.cpu_count() or 1) >= 2


def _ranges(ids: list[int]) -> list[list[int]]:
    """Sorted ids as [first, last] runs: a clinic's signed notes are nearly consecutive,
    so the helper's share fits in the pipe's buffer and writing it never waits."""
    runs: list[list[int]] = []
    for vid in ids:
        if runs and runs[-1][1] == vid - 1:
            runs[-1][1] = vid
        else:
            runs.append([vid, vid])
    return runs


def _start(path: Path, key: bytes | None, visit_ids: list[int], version: int
           ) -> subprocess.Popen[bytes] | None:
    package_root = str(Path(__file__).resolve().parents[2])  # where `ptdesk` is importable
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    try:
        helper = subprocess.Popen(
            [sys.executable, "-m", "ptdesk.services.note_hash_pool", str(path), str(version)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    except OSError:  # no process support here: hash here
        return None
    try:
        assert helper.stdin is not None
        # An encrypted clinic's key goes to the helper through its stdin pipe only: never
        # on its command line (which other users can list) and never in a file.
        helper.stdin.write(json.dumps({"ranges": _ranges(visit_ids),
                                       "key": None if key is None else key.hex()}
                                      ).encode("ascii"))
        helper.stdin.close()
    except OSError:
        _stop(helper)
        return None
    return helper


def _stop(helper: subprocess.Popen[bytes]) -> None:
    if helper.poll() is None:
        helper.kill()
    helper.wait()
    if helper.stdout is not None:
        helper.stdout.close()


def _answer(helper: subprocess.Popen[bytes], wanted: list[int]) -> dict[int, str] | None:
    """The helper's hashes, or None when it failed or answered for other notes."""
    try:
        assert helper.stdout is not None
        out = helper.stdout.read()
        if helper.wait() != 0:
            return None
        found = {int(vid): str(digest) for vid, digest in json.loads(out).items()}
    except (OSError, ValueError, AttributeError):
        return None
    return found if set(found) <= set(wanted) else None


def hash_many(session: Session, visit_ids: Sequence[int],
              version: int = HASH_VERSION) -> dict[int, str]:
    """visit id -> hash, exactly as `hash_visits`; a helper process shares the work when
    there are many notes in a database file."""
    ids = sorted(set(visit_ids))
    found = _database_file(session)
    if len(ids) < POOL_MIN or found is None or not _helper_allowed():
        return hash_visits(session, ids, version)
    split = len(ids) - int(len(ids) * HELPER_SHARE)
    mine, theirs = ids[:split], ids[split:]
    helper = _start(*found, theirs, version)
    try:
        out = hash_visits(session, mine, version)
        helped = None if helper is None else _answer(helper, theirs)
        out.update(helped if helped is not None else hash_visits(session, theirs, version))
        return out
    finally:
        if helper is not None:  # finished, or this process failed first: never left behind
            _stop(helper)


def _helper_main(argv: list[str]) -> int:
    """Hash the visit ids read from stdin (JSON: their ranges, and the key of an encrypted
    clinic) in the database file argv[0] with format argv[1]; write {id: hash} as JSON to
    stdout."""
    path, version = Path(argv[0]), int(argv[1])
    asked = json.loads(sys.stdin.buffer.read())
    visit_ids = [vid for first, last in asked["ranges"]
                 for vid in range(int(first), int(last) + 1)]
    key = None if asked.get("key") is None else bytes.fromhex(str(asked["key"]))
    engine = make_reader_engine(path, key)
    try:
        with Session(engine) as session:
            found = hash_visits(session, visit_ids, version)
    finally:
        engine.dispose()
    sys.stdout.write(json.dumps(found))
    return 0


if __name__ == "__main__":
    sys.exit(_helper_main(sys.argv[1:]))
