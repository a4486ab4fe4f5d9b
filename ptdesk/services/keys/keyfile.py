"""The key file beside an encrypted clinic: the database key sealed once per slot, never in clear.

Each slot has its own X25519 key pair. Its private key is wrapped with AES-256-GCM under a
key derived from the slot's secret (an account's password, or the clinic recovery key)
with scrypt (memory-hard); the database key is sealed to its public key (X25519 + HKDF +
AES-256-GCM). So a re-key (a user switched off) seals the new database key to every
remaining slot without anyone's password, and a password change only rewraps one
private key. Account slots are labelled by an opaque id (an HMAC of the account id under
the database key), never the user name. An *open* slot (the provisional one before the
first administrator exists, or the demo clinic's, whose passwords are published anyway)
keeps its wrapping key beside it on purpose.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ptdesk.services.output_files import sync_folder

FORMAT = "ptdesk-keys-1"
LOCK_SUFFIX = ".lock"  # beside the key file: see `updating`
KIND_ACCOUNT = "account"
KIND_PROVISIONAL = "provisional"  # until the first administrator (or the demo) exists
KIND_DEMO = "demo"  # the demo clinic: its passwords are published, so the slot is open
KIND_RECOVERY = "recovery"
KINDS = (KIND_ACCOUNT, KIND_PROVISIONAL, KIND_DEMO, KIND_RECOVERY)
OPEN_KINDS = (KIND_PROVISIONAL, KIND_DEMO)
# scrypt at 2^15 x 8 x 128 bytes = 32 MiB, ~0.15 s here: sign-in may try every account's
# slot (the labels do not say whose is whose), so each try is cheaper than the password
# hash (2^17) but still memory-hard against guessing on a stolen key file.
KDF_N = 2**15
KDF_R = 8
KDF_P = 1
_MAX_N = 2**20
_MAX_SLOTS = 1000
_MAX_FILE_BYTES = 1024 * 1024
_SALT_BYTES = 16
_NONCE_BYTES = 12
KEY_BYTES = 32


class KeyFileError(ValueError):
    """The key file is missing, unreadable or not one PT Desk wrote (plain words)."""


@dataclass(frozen=True)
class Slot:
    """One slot: a key pair whose private half is wrapped, and the database key sealed to it."""

    id: str
    kind: str
    public: bytes
    salt: bytes  # scrypt salt; for an open slot, the wrapping key itself
    n: int
    r: int
    p: int
    nonce: bytes
    wrapped: bytes  # the private key
    ephemeral: bytes  # the sealing's one-time public key
    seal_nonce: bytes
    sealed: bytes  # the database key


@dataclass(frozen=True)
class KeyFile:
    clinic: str  # a random id of this clinic, bound into every slot
    slots: tuple[Slot, ...]

    def without(self, *ids: str) -> KeyFile:
        return replace(self, slots=tuple(s for s in self.slots if s.id not in ids))

    def with_slot(self, slot: Slot) -> KeyFile:
        return replace(self, slots=(*self.without(slot.id).slots, slot))

    def has_kind(self, kind: str) -> bool:
        return any(s.kind == kind for s in self.slots)


def new_database_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def new_clinic_id() -> str:
    return secrets.token_hex(16)


def _aad(clinic: str, slot_id: str, kind: str, part: str) -> bytes:
    # Binds a slot to its file and kind (the sealing also to its id): a slot pasted from
    # elsewhere does not open. The private key is not bound to the id, so a re-key can
    # give a slot its new label without anyone's password.
    return f"{FORMAT}|{clinic}|{slot_id}|{kind}|{part}".encode()


def derive(password: str, salt: bytes, n: int = KDF_N, r: int = KDF_R, p: int = KDF_P) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=256 * n * r * p + 1024 * 1024, dklen=KEY_BYTES)


def _wrapping_key(slot: Slot, secret: str | None) -> bytes | None:
    if slot.kind in OPEN_KINDS:
        return slot.salt
    if secret is None:
        return None
    try:
        return derive(secret, slot.salt, slot.n, slot.r, slot.p)
    except (ValueError, MemoryError):
        return None


def _seal_key(clinic: str, slot: Slot, shared: bytes, ephemeral: bytes) -> bytes:
    return HKDF(hashes.SHA256(), KEY_BYTES, salt=None,
                info=_aad(clinic, slot.id, slot.kind, "seal") + ephemeral + slot.public
                ).derive(shared)


def seal(clinic: str, slot: Slot, database_key: bytes, slot_id: str | None = None) -> Slot:
    """`slot` (relabelled `slot_id`) with `database_key` sealed to its public key: no secret
    needed, so a re-key reaches every remaining slot."""
    if slot_id is not None:
        slot = replace(slot, id=slot_id)
    one_time = X25519PrivateKey.generate()
    ephemeral = one_time.public_key().public_bytes_raw()
    shared = one_time.exchange(X25519PublicKey.from_public_bytes(slot.public))
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = AESGCM(_seal_key(clinic, slot, shared, ephemeral)).encrypt(
        nonce, database_key, _aad(clinic, slot.id, slot.kind, "key"))
    return replace(slot, ephemeral=ephemeral, seal_nonce=nonce, sealed=sealed)


def new_slot(clinic: str, slot_id: str, kind: str, secret: str | None,
             database_key: bytes) -> Slot:
    """A new key pair under `secret` (None for an open slot), the database key sealed to it."""
    private = X25519PrivateKey.generate()
    bare = Slot(slot_id, kind, private.public_key().public_bytes_raw(), b"", 0, 0, 0, b"", b"",
                b"", b"", b"")
    return seal(clinic, rewrap(clinic, bare, private.private_bytes_raw(), secret), database_key)


def rewrap(clinic: str, slot: Slot, private: bytes, secret: str | None) -> Slot:
    """The slot with its private key wrapped under a new secret (a changed password)."""
    if slot.kind in OPEN_KINDS:
        salt = kek = secrets.token_bytes(KEY_BYTES)
        n = r = p = 0
    else:
        if secret is None:
            raise ValueError("a password slot needs a secret")
        salt, n, r, p = secrets.token_bytes(_SALT_BYTES), KDF_N, KDF_R, KDF_P
        kek = derive(secret, salt, n, r, p)
    nonce = secrets.token_bytes(_NONCE_BYTES)
    wrapped = AESGCM(kek).encrypt(nonce, private, _aad(clinic, "", slot.kind, "private"))
    return replace(slot, salt=salt, n=n, r=r, p=p, nonce=nonce, wrapped=wrapped)


def slot_from_password_hash(clinic: str, slot_id: str, stored_hash: str,
                            database_key: bytes) -> Slot | None:
    """A slot for an account whose password nobody has at hand (`ptdesk encrypt` on an
    existing clinic): wrapped under its stored scrypt hash, which is exactly what the
    account's password derives with the salt and settings kept in the slot. Replaced by
    an ordinary slot at the account's next sign-in. None for a hash not in that form."""
    try:
        scheme, n_text, r_text, p_text, salt_text, hash_text = stored_hash.split("$")
        n, r, p = int(n_text), int(r_text), int(p_text)
        salt, kek = base64.b64decode(salt_text), base64.b64decode(hash_text)
    except ValueError:
        return None
    if scheme != "scrypt" or len(kek) != KEY_BYTES or not 2 <= n <= _MAX_N:
        return None
    private = X25519PrivateKey.generate()
    nonce = secrets.token_bytes(_NONCE_BYTES)
    wrapped = AESGCM(kek).encrypt(nonce, private.private_bytes_raw(),
                                  _aad(clinic, "", KIND_ACCOUNT, "private"))
    slot = Slot(slot_id, KIND_ACCOUNT, private.public_key().public_bytes_raw(), salt, n, r, p,
                nonce, wrapped, b"", b"", b"")
    return seal(clinic, slot, database_key)


def private_key(clinic: str, slot: Slot, secret: str | None) -> bytes | None:
    """The slot's private key, or None when the secret is wrong."""
    kek = _wrapping_key(slot, secret)
    if kek is None:
        return None
    try:
        return AESGCM(kek).decrypt(slot.nonce, slot.wrapped,
                                   _aad(clinic, "", slot.kind, "private"))
    except (InvalidTag, ValueError):
        return None


def open_sealed(clinic: str, slot: Slot, private: bytes) -> bytes | None:
    """The database key sealed in `slot`, given its private key."""
    try:
        shared = X25519PrivateKey.from_private_bytes(private).exchange(
            X25519PublicKey.from_public_bytes(slot.ephemeral))
        key = AESGCM(_seal_key(clinic, slot, shared, slot.ephemeral)).decrypt(
            slot.seal_nonce, slot.sealed, _aad(clinic, slot.id, slot.kind, "key"))
    except (InvalidTag, ValueError):
        return None
    return key if len(key) == KEY_BYTES else None


def unwrap(clinic: str, slot: Slot, secret: str | None) -> bytes | None:
    """The database key from `slot`, or None when the secret (or the slot) is wrong."""
    private = private_key(clinic, slot, secret)
    return None if private is None else open_sealed(clinic, slot, private)


# ---- the file ------------------------------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: Any) -> bytes:
    if not isinstance(value, str):
        raise KeyFileError("a key slot is damaged")
    try:
        return base64.b64decode(value, validate=True)
    except ValueError:
        raise KeyFileError("a key slot is damaged") from None


def _slot_from(data: Any) -> Slot:
    if not isinstance(data, dict):
        raise KeyFileError("a key slot is damaged")
    try:
        slot = Slot(str(data["id"]), str(data["kind"]), _unb64(data["public"]),
                    _unb64(data["salt"]), int(data["n"]), int(data["r"]), int(data["p"]),
                    _unb64(data["nonce"]), _unb64(data["wrapped"]),
                    _unb64(data["ephemeral"]), _unb64(data["seal_nonce"]),
                    _unb64(data["sealed"]))
    except (KeyError, TypeError, ValueError):
        raise KeyFileError("a key slot is damaged") from None
    open_kind = slot.kind in OPEN_KINDS
    if len(slot.public) != KEY_BYTES or len(slot.ephemeral) != KEY_BYTES:
        raise KeyFileError("a key slot is damaged")
    if slot.kind not in KINDS or not (open_kind or (
            2 <= slot.n <= _MAX_N and 1 <= slot.r <= 32 and 1 <= slot.p <= 16)):
        raise KeyFileError("a key slot is damaged")
    return slot


def parse(raw: bytes) -> KeyFile:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise KeyFileError("the clinic's key file is damaged") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise KeyFileError("the clinic's key file is not one PT Desk wrote")
    slots = data.get("slots")
    if not isinstance(slots, list) or len(slots) > _MAX_SLOTS:
        raise KeyFileError("the clinic's key file is damaged")
    return KeyFile(str(data.get("clinic", "")), tuple(_slot_from(s) for s in slots))


def dump(keys: KeyFile) -> bytes:
    return json.dumps({
        "format": FORMAT, "clinic": keys.clinic,
        "slots": [{"id": s.id, "kind": s.kind, "public": _b64(s.public), "salt": _b64(s.salt),
                   "n": s.n, "r": s.r, "p": s.p, "nonce": _b64(s.nonce),
                   "wrapped": _b64(s.wrapped), "ephemeral": _b64(s.ephemeral),
                   "seal_nonce": _b64(s.seal_nonce), "sealed": _b64(s.sealed)}
                  for s in keys.slots],
    }, indent=1).encode("utf-8")


def read(path: Path) -> KeyFile:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(_MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise KeyFileError(f"the clinic's key file {path.name} is missing") from None
    except OSError as exc:
        raise KeyFileError(f"the clinic's key file cannot be read "
                           f"({(exc.strerror or 'error').lower()})") from None
    if len(raw) > _MAX_FILE_BYTES:
        raise KeyFileError("the clinic's key file is damaged")
    return parse(raw)


def _staged(path: Path, keys: KeyFile) -> Path:
    """The new contents in an owner-only file beside `path`, flushed to disk."""
    staged = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(staged, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        os.write(fd, dump(keys))
        os.fsync(fd)
    finally:
        os.close(fd)
    return staged


def create(path: Path, keys: KeyFile) -> bool:
    """Write the key file only if none is there yet (False then): two first starts at once
    end up with one key."""
    staged = _staged(path, keys)
    try:
        os.link(staged, path)  # fails if the file exists: create-or-leave, complete or absent
    except FileExistsError:
        return False
    finally:
        staged.unlink()
    sync_folder(path.parent)
    return True


def write(path: Path, keys: KeyFile) -> None:
    """Replace the key file in one atomic step (a crash leaves the old or the new one)."""
    staged = _staged(path, keys)
    try:
        os.replace(staged, path)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    sync_folder(path.parent)


@contextlib.contextmanager
def updating(path: Path) -> Iterator[None]:
    """Held while the key file at `path` is read, changed and written back.

    Two programs on this computer (the app settling a slot at sign-in, `ptdesk users add`
    at the same time) take turns; without it the later write would drop the slot the
    other one just added, and that person's password would open nothing. A lock file
    beside the key file, because the key file itself is replaced on every write.
    """
    lock_path = path.with_name(path.name + LOCK_SUFFIX)
    fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
