"""The audit anchor: where the chain began and ended, kept outside the data folder.

Someone holding only the database file can clear every seal, cut the log short or copy
an older file back, and the database alone cannot tell. The anchor is a small owner-only
file on this computer (beside the key when $PTDESK_AUDIT_KEY_FILE names it, else in PT
Desk's configuration folder) that records the chain's first sealed entry and its head
(count, last id, last hash). It is written twice per commit that adds entries: the new
head as "pending" before the commit, then as the head after it, so after any crash the
log ends either at the head or at the pending head, never anywhere else.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from ptdesk.db.engine import sqlite_path
from ptdesk.services.audit.key import KEY_ENV

ANCHOR_ENV = "PTDESK_AUDIT_ANCHOR_DIR"
ANCHOR_SUFFIX = ".anchor"
FORMAT = 1


@dataclass(frozen=True)
class Head:
    """A point in the chain: how many entries up to and including `last_id`, and its hash."""

    entries: int
    last_id: int
    last_hash: str


@dataclass(frozen=True)
class Anchor:
    first_id: int
    first_hash: str
    head: Head
    pending: Head | None = None
    keyed: bool = True  # a key existed: a missing key later is a fault, not a first start


def anchor_path_for_url(url: str) -> Path | None:
    """Where this database's anchor lives on this computer; None for an in-memory database."""
    parsed = make_url(url)
    path = sqlite_path(url)
    if path is not None:
        label = "sqlite:" + str(path.expanduser().resolve())
    elif parsed.get_backend_name() == "sqlite":
        return None
    else:
        label = parsed.render_as_string(hide_password=True)
    # A digest, so no folder or host name shows in the file's name; one anchor per database.
    digest = hashlib.sha256(label.encode("utf-8")).hexdigest()[:24]
    key_override = os.environ.get(KEY_ENV, "")
    if key_override:
        key = Path(key_override).expanduser()
        return key.with_name(f"{key.name}.{digest}{ANCHOR_SUFFIX}")
    folder = os.environ.get(ANCHOR_ENV, "")
    if folder:
        base = Path(folder).expanduser()
    else:
        from platformdirs import user_config_dir

        base = Path(user_config_dir("ptdesk", appauthor=False)) / "audit-anchors"
    return base / f"{digest}{ANCHOR_SUFFIX}"


def _head(data: object) -> Head | None:
    if not isinstance(data, dict):
        return None
    return Head(int(data["entries"]), int(data["last_id"]), str(data["last_hash"]))


def read_anchor(path: Path | None) -> Anchor | None:
    """The anchor at `path`; None when there is none. A damaged anchor raises ValueError."""
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="ascii"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise ValueError(f"the audit anchor {path} cannot be read ({exc})") from exc
    try:
        head = _head(data["head"])
        assert head is not None
        return Anchor(int(data["first_id"]), str(data["first_hash"]), head,
                      _head(data.get("pending")), bool(data.get("keyed", True)))
    except (KeyError, TypeError, ValueError, AssertionError) as exc:
        raise ValueError(f"the audit anchor {path} is damaged") from exc


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    # Two PT Desk processes on this computer may commit one after the other: the lock
    # keeps their read-compare-write of the anchor from interleaving.
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _write(path: Path, anchor: Anchor) -> None:
    payload = asdict(anchor)
    payload["format"] = FORMAT
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        os.write(fd, json.dumps(payload, sort_keys=True).encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def _current(path: Path) -> Anchor | None:
    with contextlib.suppress(ValueError):
        return read_anchor(path)
    return None  # a damaged anchor is rewritten from the next commit on


def mark_pending(path: Path, head: Head, first: tuple[int, str],
                 prior: Head | None = None) -> None:
    """Before a commit: the log may end at `head` from now on.

    `prior` is where the log ended when this transaction took the write lock, so it is
    committed: when it is the previous pending head (whose process died before it could
    confirm it), it becomes the head, so a dead process's commit is never forgotten.
    """
    with _locked(path):
        anchor = _current(path)
        if anchor is None:
            anchor = Anchor(first[0], first[1], prior or Head(0, 0, ""), head)
        elif head.entries <= anchor.head.entries:
            return  # another process is already further along
        else:
            if prior is not None and anchor.pending == prior:
                anchor = replace(anchor, head=prior)
            anchor = replace(anchor, pending=head)
        _write(path, anchor)


def advance(path: Path, head: Head, first: tuple[int, str]) -> None:
    """After a commit: the log ends here."""
    with _locked(path):
        anchor = _current(path)
        if anchor is None:
            anchor = Anchor(first[0], first[1], head)
        elif head.entries < anchor.head.entries:
            return
        else:
            pending = anchor.pending if anchor.pending and \
                anchor.pending.entries > head.entries else None
            anchor = replace(anchor, head=head, pending=pending)
        _write(path, anchor)


def reset(path: Path | None, anchor: Anchor | None) -> None:
    """Replace the anchor outright (a restore or a re-keying, both audited), or remove it."""
    if path is None:
        return
    with _locked(path):
        if anchor is None:
            path.unlink(missing_ok=True)
        else:
            _write(path, anchor)


def anchor_path(engine: Engine) -> Path | None:
    return anchor_path_for_url(engine.url.render_as_string(hide_password=False))


def anchor_problems(anchor: Anchor, head: Head, points: dict[int, tuple[int, str]],
                    *, strict: bool) -> list[str]:
    """The log must still hold where the anchor says it began and ended.

    `strict` (a database file, written from this computer only): the log must end exactly
    at the anchor's head or at its pending head (the anchor is at most one commit behind,
    never ahead). On a clinic server other workstations extend the log meanwhile.
    """
    problems: list[str] = []
    if points.get(anchor.first_id, (0, ""))[1] != anchor.first_hash:
        problems.append("The log's first sealed entry is not the one this computer recorded: "
                        "the log was rewritten from its start.")
    ends = [anchor.head] + ([anchor.pending] if anchor.pending else [])
    if head in ends:
        return problems
    if head.entries < anchor.head.entries:
        problems.append(f"The log holds {head.entries} entries, but this computer recorded "
                        f"{anchor.head.entries}: it was cut short or an older copy of the "
                        "database was put in place.")
    elif points.get(anchor.head.last_id) != (anchor.head.entries, anchor.head.last_hash):
        problems.append("The log no longer holds the entry this computer recorded as its end: "
                        "entries were removed or replaced, or an older copy of the database "
                        "was put in place.")
    elif strict:
        problems.append(f"The log ends {head.entries - anchor.head.entries} entries after the "
                        "end this computer recorded: entries were added outside PT Desk.")
    return problems
