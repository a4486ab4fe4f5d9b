"""A small encrypted clinic made through the real commands (init, setup, users add), with a
patient and an encrypted backup: what the backup and restore tests start from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ptdesk.cli import main
from ptdesk.services.patients import PatientInput, create_patient
from tests.helpers.clinic_files import open_clinic_file

ADMIN_PW = "lantern orchard velvet 42"
SAM_PW = "copper meadow whistle 17"
NAME, MRN = "Quillonbey", "QX-730412"


@dataclass(frozen=True)
class EncryptedClinic:
    db: Path  # the clinic (administrator "pat", clinician "sam")
    backup: Path  # its encrypted backup, taken with the patient in it
    recovery: Path  # the recovery key file written at setup
    secrets: Path  # a folder for password files

    def password_file(self, text: str, name: str = "pw.txt") -> str:
        return secret_file(self.secrets, name, text)

    def recovery_key(self) -> str:
        return read_recovery_key(self.recovery)


def secret_file(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text + "\n")
    path.chmod(0o600)
    return str(path)


def read_recovery_key(path: Path) -> str:
    """The key from a --recovery-key-file (its second line)."""
    return path.read_text().splitlines()[1]


def take_backup(db: Path, to: Path, admin_password_file: str) -> Path:
    """`ptdesk backup --to TO` as the administrator; the new backup's path."""
    before = set(to.glob("*.db")) if to.is_dir() else set()
    assert main(["--as", "pat", "--password-file", admin_password_file, "backup", "--db",
                 str(db), "--to", str(to)]) == 0
    [made] = sorted(set(to.glob("*.db")) - before)
    return made


def make_encrypted_clinic(root: Path, clinic: str = "Hill PT", backup_to: Path | None = None,
                          admin_password: str = ADMIN_PW) -> EncryptedClinic:
    """A new encrypted clinic under `root` with one patient, backed up to `backup_to`
    (default `root`/usb); its administrator "pat" has `admin_password`."""
    db = root / "laptop" / "ptdesk.db"
    folder = root / "secrets"
    folder.mkdir(parents=True)
    admin = secret_file(folder, "admin.pw", admin_password)
    recovery = folder / "recovery.txt"
    assert main(["init", "--db", str(db)]) == 0
    assert main(["setup", "--db", str(db), "--clinic", clinic, "--admin", "pat",
                 "--password-file", admin, "--recovery-key-file", str(recovery)]) == 0
    assert main(["--as", "pat", "--password-file", admin, "users", "add", "sam", "--role",
                 "clinician", "--new-password-file", secret_file(folder, "s.pw", SAM_PW),
                 "--db", str(db)]) == 0
    engine, sf = open_clinic_file(db, SAM_PW)
    create_patient(sf, actor="sam", data=PatientInput(
        mrn=MRN, first_name="Ottoline", last_name=NAME, date_of_birth=date(1988, 3, 14)))
    engine.dispose()
    made = take_backup(db, backup_to or root / "usb", admin)
    return EncryptedClinic(db, made, recovery, folder)


def no_password_sources(monkeypatch: Any) -> None:
    """No password from the environment or a terminal: each command gets its own file."""
    for name in ("PTDESK_PASSWORD", "PTDESK_NEW_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("ptdesk.commands.acting.stdin_is_terminal", lambda: False)
