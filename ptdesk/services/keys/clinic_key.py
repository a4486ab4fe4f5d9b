"""Open, unlock and re-key an encrypted clinic; keep its key slots in step with the accounts.

A new clinic file is encrypted from its first start under a random key that nobody
types: the key file beside it holds that key wrapped once per account (see keyfile.py).
Until the first administrator (or the demo accounts) exists the key sits in a
provisional open slot; setup and the demo re-key the database and remove that slot, so
the provisional key opens nothing. A plaintext clinic made before encryption keeps
opening as before (no key file beside it).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import weakref
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine

from ptdesk.db.engine import (
    DatabaseKey,
    DatabaseLockedError,
    SessionFactory,
    database_key,
    engine_of,
    is_plain_sqlite_file,
    key_file_path,
    key_works,
    make_engine,
    prepare_sqlite_file,
    rekey,
    resolve_url,
    sqlite_path,
)
from ptdesk.services.keys import keyfile as kf
from ptdesk.services.keys.leftovers import shred_old_plaintext

__all__ = ["DatabaseLockedError", "key_works"]


# How each engine was unlocked ("recovery" when by the clinic recovery key).
_UNLOCKED_BY: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on paper
RECOVERY_GROUPS = 8
RECOVERY_GROUP_CHARS = 5  # 40 characters of 32: 200 bits


def _key_path(target: SessionFactory | Engine) -> Path | None:
    engine = engine_of(target)
    if database_key(engine) is None:
        return None
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    return None if path is None else key_file_path(path)


def key_path_of(target: SessionFactory | Engine) -> Path | None:
    """The key file of an encrypted clinic (None for a plaintext or server database)."""
    return _key_path(target)


def is_encrypted(target: SessionFactory | Engine) -> bool:
    return database_key(target) is not None


def is_plaintext_file(target: SessionFactory | Engine) -> bool:
    """True for a clinic kept in a plaintext SQLite file (one `ptdesk encrypt` converts)."""
    engine = engine_of(target)
    if database_key(engine) is not None:
        return False
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    return path is not None and is_plain_sqlite_file(path)


def is_locked(target: SessionFactory | Engine) -> bool:
    """True for an encrypted clinic nobody has unlocked with a password yet."""
    holder = database_key(target)
    return holder is not None and holder.key is None


def slot_id(database_key_bytes: bytes, account_id: int) -> str:
    """The opaque label of an account's slot: says nothing to anyone without the key."""
    return hmac.new(database_key_bytes, f"account:{account_id}".encode(),
                    hashlib.sha256).hexdigest()[:32]


def open_clinic(db: str | os.PathLike[str] | None = None, *, create: bool = False) -> Engine:
    """The engine for `db`: encrypted when a key file is beside it, or when `create` and
    the file is new (a new clinic is encrypted from its first start); a plaintext clinic
    opens as before. An encrypted clinic is unlocked at once only through an open slot
    (provisional or demo); otherwise it stays locked until `unlock`."""
    path = sqlite_path(resolve_url(db))
    if path is None:
        return make_engine(db)
    keys_path = key_file_path(path)
    if is_plain_sqlite_file(path):
        # Plaintext, even with a key file beside it: an `encrypt` stopped before its swap.
        return make_engine(db)
    if not os.path.lexists(keys_path):
        if not create:
            return make_engine(db)
        prepare_sqlite_file(path)  # its folder (0700) and an empty owner-only file first
        key = kf.new_database_key()
        clinic = kf.new_clinic_id()
        provisional = kf.new_slot(clinic, secrets.token_hex(16), kf.KIND_PROVISIONAL, None, key)
        kf.create(keys_path, kf.KeyFile(clinic, (provisional,)))
    shred_old_plaintext(path)
    engine = make_engine(db, key=DatabaseKey())
    _unlock(engine, None)
    return engine


def _unlock(engine: Engine, password: str | None, only: str | None = None) -> bool:
    holder = database_key(engine)
    keys_path = _key_path(engine)
    if holder is None or keys_path is None:
        return True
    keys = kf.read(keys_path)
    tried: set[bytes] = set()
    privates: dict[bytes, bytes | None] = {}  # a slot copied by an unfinished re-key: one KDF
    # Open slots first (no KDF); then each password slot, whose label does not say whose.
    for slot in sorted(keys.slots, key=lambda s: s.kind not in kf.OPEN_KINDS):
        if only is not None and slot.kind != only:
            continue
        secret = password if slot.kind != kf.KIND_RECOVERY or password is None \
            else normalize_recovery_key(password)
        if slot.wrapped not in privates:
            privates[slot.wrapped] = kf.private_key(keys.clinic, slot, secret)
        private = privates[slot.wrapped]
        key = None if private is None else kf.open_sealed(keys.clinic, slot, private)
        if key is None or key in tried:
            continue
        tried.add(key)
        # After a re-key cut short, the file may still hold slots of the old key.
        if key_works(engine, key):
            holder.set(key)
            _UNLOCKED_BY[engine] = slot.kind
            return True
    return False


def unlock(target: SessionFactory | Engine, password: str) -> bool:
    """Unlock with any account's password (or the recovery key); False when none opens it."""
    if not is_locked(target):
        return True
    return _unlock(engine_of(target), password)


def unlock_with_recovery_key(target: SessionFactory | Engine, recovery_key: str) -> bool:
    """Unlock with the clinic recovery key only (every password forgotten)."""
    if not is_locked(target):
        return False
    return _unlock(engine_of(target), recovery_key, only=kf.KIND_RECOVERY)


def unlocked_by_recovery_key(target: SessionFactory | Engine) -> bool:
    return _UNLOCKED_BY.get(engine_of(target)) == kf.KIND_RECOVERY


def normalize_recovery_key(text: str) -> str:
    """The key as typed or printed: case, spaces and dashes do not matter."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def new_recovery_key(target: SessionFactory | Engine) -> str | None:
    """A new clinic recovery key (the old one opens nothing any more), shown once; None for a
    clinic that is not encrypted."""
    with _updating(target) as current:
        if current is None:
            return None
        keys_path, key, keys = current
        shown = make_recovery_secret()
        slot = kf.new_slot(keys.clinic, secrets.token_hex(16), kf.KIND_RECOVERY,
                           normalize_recovery_key(shown), key)
        kept = tuple(s for s in keys.slots if s.kind != kf.KIND_RECOVERY)
        kf.write(keys_path, kf.KeyFile(keys.clinic, (*kept, slot)))
        return shown


def make_recovery_secret() -> str:
    """A new recovery key as shown and printed: groups of letters and digits."""
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET)
                  for _ in range(RECOVERY_GROUPS * RECOVERY_GROUP_CHARS))
    return "-".join(raw[i:i + RECOVERY_GROUP_CHARS]
                    for i in range(0, len(raw), RECOVERY_GROUP_CHARS))


def has_recovery_key(target: SessionFactory | Engine) -> bool:
    current = _current(target)
    return current is not None and current[2].has_kind(kf.KIND_RECOVERY)


def lock(target: SessionFactory | Engine) -> None:
    """Forget the key (sign-out): pooled connections closed, the next use needs a password."""
    holder = database_key(target)
    if holder is not None:
        holder.set(None)
        engine_of(target).dispose()


def _current(target: SessionFactory | Engine) -> tuple[Path, bytes, kf.KeyFile] | None:
    keys_path = _key_path(target)
    holder = database_key(target)
    if keys_path is None or holder is None or holder.key is None:
        return None
    return keys_path, holder.key, kf.read(keys_path)


@contextlib.contextmanager
def _updating(target: SessionFactory | Engine
              ) -> Iterator[tuple[Path, bytes, kf.KeyFile] | None]:
    """`_current`, read under the key file's lock and held until the change is written."""
    keys_path = _key_path(target)
    holder = database_key(target)
    if keys_path is None or holder is None or holder.key is None:
        yield None
        return
    with kf.updating(keys_path):
        yield _current(target)


def enroll(target: SessionFactory | Engine, account_id: int, password: str) -> None:
    """Give the account a new slot under `password` (replacing its old one); no-op when the
    clinic is not encrypted."""
    with _updating(target) as current:
        if current is None:
            return
        keys_path, key, keys = current
        slot = kf.new_slot(keys.clinic, slot_id(key, account_id), kf.KIND_ACCOUNT, password, key)
        kf.write(keys_path, keys.with_slot(slot))


def remove_slot(target: SessionFactory | Engine, account_id: int) -> None:
    with _updating(target) as current:
        if current is None:
            return
        keys_path, key, keys = current
        kf.write(keys_path, keys.without(slot_id(key, account_id)))


def has_slot(target: SessionFactory | Engine, account_id: int) -> bool:
    current = _current(target)
    if current is None:
        return True
    _path, key, keys = current
    label = slot_id(key, account_id)
    return any(s.id == label for s in keys.slots)


def has_fresh_slot(target: SessionFactory | Engine, account_id: int) -> bool:
    """True when the account has an ordinary slot of its own (not one made from its stored
    password hash by `ptdesk encrypt`); always True for a clinic that is not encrypted."""
    current = _current(target)
    if current is None:
        return True
    _path, key, keys = current
    label = slot_id(key, account_id)
    return any(s.id == label and s.n == kf.KDF_N for s in keys.slots)


def is_provisional(target: SessionFactory | Engine) -> bool:
    current = _current(target)
    return current is not None and current[2].has_kind(kf.KIND_PROVISIONAL)


def make_demo(target: SessionFactory | Engine) -> None:
    """The demo clinic's provisional slot becomes its open demo slot, under the same key.

    Not re-keyed: the demo slot is as open as the provisional one (the demo's passwords
    are published, and its patients are made up), and a second `ptdesk demo` may be
    writing to the file at this moment with the key it has.
    """
    with _updating(target) as current:
        if current is None or not current[2].has_kind(kf.KIND_PROVISIONAL):
            return
        keys_path, key, keys = current
        kept = tuple(s for s in keys.slots if s.kind != kf.KIND_PROVISIONAL)
        demo = kf.new_slot(keys.clinic, secrets.token_hex(16), kf.KIND_DEMO, None, key)
        kf.write(keys_path, kf.KeyFile(keys.clinic, (*kept, demo)))


def rekey_with(target: SessionFactory | Engine, *, keep: tuple[int, ...] = (),
               new_accounts: dict[int, str] | None = None, demo: bool = False) -> None:
    """Re-key the database: the new key is sealed to the slots of the accounts in `keep`,
    to new slots for `new_accounts` (id -> password), to the recovery slot, and (`demo`)
    to a new open demo slot. Every other slot (a switched-off account, the provisional
    one) is dropped, and an old copy of the key or of a slot opens nothing any more.

    Crash-safe in three steps: the file gains the new slots beside the old ones, the
    database is re-keyed, then the old slots go. Unlocking tries each key that unwraps
    and keeps the one that opens the file, so a crash at any step leaves a clinic that
    opens with the same passwords.
    """
    with _updating(target) as current:
        if current is None:
            return
        keys_path, old_key, keys = current
        new_key = kf.new_database_key()
        labels = {slot_id(old_key, account_id): account_id for account_id in keep}
        fresh: list[kf.Slot] = []
        for slot in keys.slots:
            if slot.kind == kf.KIND_ACCOUNT and slot.id in labels:
                fresh.append(kf.seal(keys.clinic, slot, new_key, slot_id(new_key, labels[slot.id])))
            elif slot.kind == kf.KIND_RECOVERY:
                fresh.append(kf.seal(keys.clinic, slot, new_key, secrets.token_hex(16)))
        for account_id, password in (new_accounts or {}).items():
            fresh.append(kf.new_slot(keys.clinic, slot_id(new_key, account_id), kf.KIND_ACCOUNT,
                                     password, new_key))
        if demo:
            fresh.append(kf.new_slot(keys.clinic, secrets.token_hex(16), kf.KIND_DEMO, None,
                                     new_key))
        if not fresh:
            return  # never a re-key that nobody could open afterwards
        kf.write(keys_path, kf.KeyFile(keys.clinic, (*keys.slots, *fresh)))
        rekey(engine_of(target), new_key)
        kf.write(keys_path, kf.KeyFile(keys.clinic, tuple(fresh)))
