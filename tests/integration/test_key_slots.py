"""The clinic key file: slots open only with their secret, re-keys drop old slots, tampering fails."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from ptdesk.db.engine import key_file_path
from ptdesk.services.keys import clinic_key as ck
from ptdesk.services.keys import keyfile as kf

PW_A = "lantern orchard velvet 42"
PW_B = "copper meadow whistle 17"


def _new_clinic(path: Path) -> object:
    engine = ck.open_clinic(path, create=True)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x TEXT)"))
        connection.execute(text("INSERT INTO t VALUES ('Quentin Ashworth')"))
    return engine


def test_new_clinic_starts_provisional_and_setup_removes_that_slot(tmp_path: Path) -> None:
    db = tmp_path / "clinic.db"
    engine = _new_clinic(db)
    assert ck.is_provisional(engine) and not ck.is_locked(engine)
    keys = key_file_path(db)
    assert stat.S_IMODE(keys.stat().st_mode) == 0o600
    provisional = kf.read(keys)
    ck.rekey_with(engine, new_accounts={1: PW_A})
    engine.dispose()
    assert not kf.read(keys).has_kind(kf.KIND_PROVISIONAL)
    # The old file's provisional slot unwraps the old key, which no longer opens anything.
    old_key = kf.unwrap(provisional.clinic, provisional.slots[0], None)
    reopened = ck.open_clinic(db)
    assert ck.is_locked(reopened)
    assert old_key is not None and not ck.key_works(reopened, old_key)
    assert ck.unlock(reopened, PW_A)
    with reopened.connect() as connection:
        assert connection.execute(text("SELECT x FROM t")).scalar() == "Quentin Ashworth"
    reopened.dispose()


def test_wrong_and_missing_passwords_do_not_unlock(tmp_path: Path) -> None:
    db = tmp_path / "clinic.db"
    engine = _new_clinic(db)
    ck.rekey_with(engine, new_accounts={1: PW_A})
    engine.dispose()
    locked = ck.open_clinic(db)
    assert not ck.unlock(locked, "not the password at all")
    assert not ck.unlock(locked, "")
    assert ck.is_locked(locked)
    with pytest.raises(ck.DatabaseLockedError):
        locked.connect()
    locked.dispose()


def test_changed_password_and_removed_account(tmp_path: Path) -> None:
    db = tmp_path / "clinic.db"
    engine = _new_clinic(db)
    ck.rekey_with(engine, new_accounts={1: PW_A, 2: PW_B})
    ck.enroll(engine, 1, "a brand new passphrase 9")  # password change
    engine.dispose()
    again = ck.open_clinic(db)
    assert not ck.unlock(again, PW_A)
    assert ck.unlock(again, "a brand new passphrase 9")
    ck.rekey_with(again, keep=(1,))  # account 2 switched off
    again.dispose()
    last = ck.open_clinic(db)
    assert not ck.unlock(last, PW_B)
    assert ck.unlock(last, "a brand new passphrase 9")
    last.dispose()


def test_key_file_names_no_user_and_tampered_slots_fail(tmp_path: Path) -> None:
    db = tmp_path / "clinic.db"
    engine = _new_clinic(db)
    ck.rekey_with(engine, new_accounts={7: PW_A})
    engine.dispose()
    keys = key_file_path(db)
    data = json.loads(keys.read_text())
    assert PW_A not in keys.read_text() and "account:7" not in keys.read_text()
    data["clinic"] = "0" * 32  # a slot bound to another clinic id does not open
    keys.write_text(json.dumps(data))
    other = ck.open_clinic(db)
    assert not ck.unlock(other, PW_A)
    other.dispose()
    keys.write_text("{not json")
    with pytest.raises(kf.KeyFileError):
        ck.open_clinic(db)
