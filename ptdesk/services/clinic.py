"""Clinic settings (name, address, phone, logo, paper, units) and the clinicians list."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import Clinician, ClinicSettings
from ptdesk.domain import validation as v
from ptdesk.domain.errors import ValidationError
from ptdesk.services import audit
from ptdesk.services.permissions import ROLES, require
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


def get_settings(session_factory: SessionFactory) -> ClinicProfile:
    with transaction(session_factory) as session:
        row = session.get(ClinicSettings, 1)
        if row is None:
            row = ClinicSettings(id=1, name="", paper_size="letter", default_units="mi")
            session.add(row)
            session.flush()
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
        row = session.get(ClinicSettings, 1)
        if row is None:
            row = ClinicSettings(id=1, name="", paper_size="letter", default_units="mi")
            session.add(row)
        row.lock_minutes = checked or 10
        session.flush()
        audit.record(session, actor=actor, action="update", record_type="clinic_settings",
                     summary=f"screen lock after {row.lock_minutes} minutes")
        return _profile(row)
