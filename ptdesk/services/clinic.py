"""Clinic settings (name, address, phone, logo, paper, units, backups, missed-week rule) and clinicians."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import Clinician, ClinicSettings
from ptdesk.domain import validation as v
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.runplan.painrules import GapRules
from ptdesk.services.audit import log as audit
from ptdesk.services.errors import ServiceError
from ptdesk.services.permissions import ROLES, check, require
from ptdesk.services.uow import transaction

LOGO_MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class ClinicProfile:
    name: str
    address: str
    phone: str
    logo: bytes | None
    paper_size: str
    default_units: str
    version: int
    lock_minutes: int = 10


@dataclass(frozen=True)
class ClinicianInfo:
    id: int
    username: str
    display_name: str
    credentials: str

    @property
    def signature_name(self) -> str:
        return f"{self.display_name}, {self.credentials}" if self.credentials else self.display_name


def _profile(row: ClinicSettings) -> ClinicProfile:
    return ClinicProfile(row.name, row.address, row.phone, row.logo, row.paper_size,
                         row.default_units, row.version, row.lock_minutes)


def settings_row(session: Session) -> ClinicSettings:
    """The clinic's one settings row, added with its defaults when a new database has none."""
    row = session.get(ClinicSettings, 1)
    if row is None:
        row = ClinicSettings(id=1, name="", paper_size="letter", default_units="mi")
        session.add(row)
    return row


def get_settings(session_factory: SessionFactory) -> ClinicProfile:
    with transaction(session_factory) as session:
        row = settings_row(session)
        session.flush()  # a row just added gets its defaults before it is read
        return _profile(row)


def update_settings(
    session_factory: SessionFactory, *, actor: str, name: str, address: str = "", phone: str = "",
    paper_size: str = "letter", default_units: str = "mi", logo: bytes | None = None,
    keep_logo: bool = True,
) -> ClinicProfile:
    name = v.require_text("name", name, "Clinic name", 200)
    address = v.optional_text("address", address, "Address", 500)
    phone = v.optional_text("phone", phone, "Phone", 50)
    v.validate_choice("paper_size", paper_size, ("letter", "a4"), "Paper size")
    v.validate_choice("default_units", default_units, ("km", "mi"), "Units")
    if logo is not None and len(logo) > LOGO_MAX_BYTES:
        raise ValidationError("logo", "The logo is larger than 2 MB; please use a smaller image.")
    with transaction(session_factory) as session:
        require(session, actor, "edit_settings")
        row = session.get(ClinicSettings, 1) or ClinicSettings(id=1)
        row.name, row.address, row.phone = name, address, phone
        row.paper_size, row.default_units = paper_size, default_units
        if logo is not None or not keep_logo:
            row.logo = logo
        session.add(row)
        session.flush()
        audit.record(session, actor=actor, action="update", record_type="clinic_settings",
                     summary="clinic settings saved")
        return _profile(row)


def add_clinician(
    session_factory: SessionFactory, *, actor: str, username: str, display_name: str,
    credentials: str = "", role: str = "clinician",
) -> ClinicianInfo:
    """An account with no password yet (it cannot sign in until an administrator sets one)."""
    username = v.require_text("username", username, "User name", 64).lower()
    display_name = v.require_text("display_name", display_name, "Name", 200)
    v.validate_choice("role", role, ROLES, "Role")
    with transaction(session_factory) as session:
        require(session, actor, "manage_users")
        if session.scalar(select(Clinician.id).where(Clinician.username == username)):
            raise ValidationError("username", f"User name {username} is already taken.")
        row = Clinician(username=username, display_name=display_name,
                        credentials=credentials.strip(), role=role)
        session.add(row)
        session.flush()
        return ClinicianInfo(row.id, row.username, row.display_name, row.credentials)


def list_clinicians(session_factory: SessionFactory) -> list[ClinicianInfo]:
    with transaction(session_factory) as session:
        rows = session.scalars(select(Clinician).where(Clinician.active.is_(True)).order_by(Clinician.display_name))
        return [ClinicianInfo(r.id, r.username, r.display_name, r.credentials) for r in rows]


def get_clinician(session_factory: SessionFactory, clinician_id: int | None) -> ClinicianInfo | None:
    if clinician_id is None:
        return None
    with transaction(session_factory) as session:
        row = session.get(Clinician, clinician_id)
        return ClinicianInfo(row.id, row.username, row.display_name, row.credentials) if row else None


def set_lock_minutes(session_factory: SessionFactory, *, actor: str, minutes: int) -> ClinicProfile:
    """How long the screen may sit idle before PT Desk locks it (1 to 120 minutes)."""
    checked = v.validate_int_range("lock_minutes", minutes, 1, 120,
                                   "Minutes before the screen locks", required=True)
    with transaction(session_factory) as session:
        require(session, actor, "edit_settings")
        row = settings_row(session)
        row.lock_minutes = checked or 10
        session.flush()
        audit.record(session, actor=actor, action="update", record_type="clinic_settings",
                     summary=f"screen lock after {row.lock_minutes} minutes")
        return _profile(row)


# ---- backups: the daily offer on close and the clinic's backup folder ----------------------

BACKUP_FOLDER_MAX = 1000
# The two settings are columns `clinic_settings.backup_on_close` / `backup_folder` (see
# BACKUP_SETTINGS_STORED); until a database has them, the defaults apply.
BACKUP_SETTINGS_STORED = hasattr(ClinicSettings, "backup_on_close") and hasattr(
    ClinicSettings, "backup_folder")


@dataclass(frozen=True)
class BackupSettings:
    offer_on_close: bool = True  # offer the daily backup when someone closes PT Desk
    folder: str = ""  # where backups go; "" = the `backups` folder next to the database


def get_backup_settings(session_factory: SessionFactory) -> BackupSettings:
    if not BACKUP_SETTINGS_STORED:
        return BackupSettings()
    with transaction(session_factory) as session:
        row = session.get(ClinicSettings, 1)
        if row is None:
            return BackupSettings()
        return BackupSettings(bool(row.backup_on_close), row.backup_folder or "")


def check_backup_folder(text: str) -> Path | None:
    """The folder backups would go to if `text` were saved (None: the default folder).

    Raises ValidationError("backup_folder", ...) unless the folder exists and can be
    written, or could be created. Nothing is created here.
    """
    text = v.optional_text("backup_folder", text, "Backup folder", BACKUP_FOLDER_MAX)
    if not text:
        return None
    folder = Path(text).expanduser()
    if not folder.is_absolute():
        raise ValidationError("backup_folder", "Please give the whole path of the backup folder, "
                              "for example /home/clinic/PT Desk backups.")
    if folder.exists():
        if not folder.is_dir():
            raise ValidationError("backup_folder", f"{folder} is a file, not a folder.")
        if not _can_write_in(folder):
            raise ValidationError("backup_folder", f"PT Desk cannot save files in {folder}. "
                                  "Choose a folder you are allowed to write to.")
        return folder
    parent = next((p for p in folder.parents if p.exists()), None)
    if parent is None or not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise ValidationError("backup_folder", f"The folder {folder} does not exist and "
                              "cannot be created there. Choose another folder.")
    return folder


def _can_write_in(folder: Path) -> bool:
    # A real file, not os.access: network shares and read-only disks only tell on writing.
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".ptdesk-write-test-"):
            return True
    except OSError:
        return False


def set_backup_settings(
    session_factory: SessionFactory, *, actor: str, offer_on_close: bool, folder: str,
) -> BackupSettings:
    """Administrators: whether closing offers the daily backup, and where backups go."""
    check(session_factory, actor, "edit_settings")  # before the folder is even looked at
    checked = check_backup_folder(folder)
    text = str(checked) if checked is not None else ""
    wanted = BackupSettings(bool(offer_on_close), text)
    with transaction(session_factory) as session:
        require(session, actor, "edit_settings")
        if not BACKUP_SETTINGS_STORED:
            if wanted == BackupSettings():
                return wanted
            raise ServiceError("This database cannot store backup settings yet; "
                               "upgrade PT Desk, then try again.")
        row = settings_row(session)
        row.backup_on_close = wanted.offer_on_close
        row.backup_folder = wanted.folder
        session.flush()
        audit.record(session, actor=actor, action="update", record_type="clinic_settings",
                     summary=f"daily backup offer {'on' if wanted.offer_on_close else 'off'}; "
                             f"backup folder: {wanted.folder or 'next to the database'}")
        return wanted


# ---- the missed-week step back new run plans start with ------------------------------------

def load_gap_rules(session: Session) -> GapRules:
    """The clinic's missed-week rule inside a caller's transaction (CLINICAL.md defaults
    before the clinic has a settings row)."""
    row = session.get(ClinicSettings, 1)
    if row is None:
        return GapRules()
    return GapRules(short_gap_pct=row.gap_short_pct, long_gap_pct=row.gap_long_pct,
                    long_gap_weeks=row.gap_long_weeks)


def get_gap_rules(session_factory: SessionFactory) -> GapRules:
    with transaction(session_factory) as session:
        return load_gap_rules(session)


def set_gap_rules(session_factory: SessionFactory, *, actor: str, gaps: GapRules) -> GapRules:
    """Administrators: the step back after missed weeks that new plans use (a plan saved
    before keeps its own rule, and a clinician may still change it per plan).

    `gaps` was checked when it was built (GapRules raises ValidationError naming the field).
    """
    with transaction(session_factory) as session:
        require(session, actor, "edit_settings")
        row = settings_row(session)
        row.gap_short_pct, row.gap_long_pct = gaps.short_gap_pct, gaps.long_gap_pct
        row.gap_long_weeks = gaps.long_gap_weeks
        session.flush()
        audit.record(session, actor=actor, action="update", record_type="clinic_settings",
                     record_id=row.id,
                     summary=f"missed-week rule: {gaps.short_gap_pct}% after 2 missed weeks, "
                             f"{gaps.long_gap_pct}% from {gaps.long_gap_weeks}")
        return gaps
