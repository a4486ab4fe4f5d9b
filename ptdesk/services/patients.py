"""Patient use cases: register, edit, open and find patients (prefix, accent- and case-blind)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    Subquery,
    and_,
    func,
    inspect,
    not_,
    or_,
    select,
    union_all,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import Patient
from ptdesk.domain import validation as v
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.handout_language import ENGLISH, HANDOUT_LANGUAGES
from ptdesk.services import conflicts
from ptdesk.services.audit import log as audit
from ptdesk.services.errors import ConflictError, NotFoundError
from ptdesk.services.permissions import require
from ptdesk.services.uow import transaction


@dataclass(frozen=True)
class PatientSummary:
    id: int
    mrn: str
    first_name: str
    last_name: str
    date_of_birth: date
    sex: str

    @property
    def display_name(self) -> str:
        return f"{self.last_name}, {self.first_name}"

    def age_on(self, when: date) -> int:
        born = self.date_of_birth
        return when.year - born.year - ((when.month, when.day) < (born.month, born.day))


@dataclass(frozen=True)
class PatientDetails(PatientSummary):
    preferred_name: str
    phone: str
    email: str
    address: str
    referring_physician: str
    dominant_leg: str
    alerts: str
    version: int
    handout_language: str = ENGLISH  # "en" or "es": what the patient's handouts print in


@dataclass(frozen=True)
class PatientInput:
    """What the new/edit patient form sends; validated as a whole before any write."""

    mrn: str
    first_name: str
    last_name: str
    date_of_birth: date | None
    sex: str = "unknown"
    preferred_name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    referring_physician: str = ""
    dominant_leg: str = "unknown"
    alerts: str = ""
    # None keeps what is stored (English for a new patient): a form without the
    # language chooser must not reset a patient's Spanish.
    handout_language: str | None = None

    def validated(self, today: date | None = None) -> PatientInput:
        email = v.optional_text("email", self.email, "Email", 200)
        if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            raise ValidationError("email", "Email address looks incomplete (name@example.com).")
        born = v.validate_birth_date(self.date_of_birth, today)
        return PatientInput(
            mrn=v.validate_mrn(self.mrn),
            first_name=v.validate_name("first_name", self.first_name, "First name"),
            last_name=v.validate_name("last_name", self.last_name, "Last name"),
            date_of_birth=born,
            sex=v.validate_choice("sex", self.sex, v.SEXES, "Sex"),
            preferred_name=v.optional_text("preferred_name", self.preferred_name, "Preferred name", 100),
            phone=v.optional_text("phone", self.phone, "Phone", 50),
            email=email,
            address=v.optional_text("address", self.address, "Address", 500),
            referring_physician=v.optional_text(
                "referring_physician", self.referring_physician, "Referring physician", 200
            ),
            dominant_leg=v.validate_choice("dominant_leg", self.dominant_leg, v.LEGS, "Dominant leg"),
            alerts=v.optional_text("alerts", self.alerts, "Alerts", 2000),
            handout_language=None if self.handout_language is None else v.validate_choice(
                "handout_language", self.handout_language, HANDOUT_LANGUAGES,
                "Handout language"),
        )


def _summary(row: Patient) -> PatientSummary:
    return PatientSummary(row.id, row.mrn, row.first_name, row.last_name, row.date_of_birth, row.sex)


def _details(row: Patient) -> PatientDetails:
    return PatientDetails(
        id=row.id, mrn=row.mrn, first_name=row.first_name, last_name=row.last_name,
        date_of_birth=row.date_of_birth, sex=row.sex, preferred_name=row.preferred_name,
        phone=row.phone, email=row.email, address=row.address,
        referring_physician=row.referring_physician, dominant_leg=row.dominant_leg,
        alerts=row.alerts, version=row.version, handout_language=row.handout_language,
    )


def _apply(row: Patient, data: PatientInput) -> None:
    row.mrn = data.mrn
    row.first_name = data.first_name
    row.last_name = data.last_name
    row.first_name_key = v.search_key(data.first_name)
    row.last_name_key = v.search_key(data.last_name)
    assert data.date_of_birth is not None
    row.date_of_birth = data.date_of_birth
    row.sex = data.sex
    row.preferred_name = data.preferred_name
    row.phone = data.phone
    row.email = data.email
    row.address = data.address
    row.referring_physician = data.referring_physician
    row.dominant_leg = data.dominant_leg
    row.alerts = data.alerts
    row.handout_language = data.handout_language or row.handout_language or ENGLISH


def _mrn_taken(session: Session, mrn: str, except_id: int | None = None) -> bool:
    stmt = select(Patient.id).where(Patient.mrn == mrn)
    found = session.scalar(stmt)
    return found is not None and found != except_id


def create_patient(session_factory: SessionFactory, *, actor: str, data: PatientInput) -> PatientDetails:
    clean = data.validated()
    with transaction(session_factory) as session:
        require(session, actor, "edit_patient")
        if _mrn_taken(session, clean.mrn):
            raise ValidationError("mrn", f"MRN {clean.mrn} is already used by another patient.")
        row = Patient()
        _apply(row, clean)
        session.add(row)
        try:
            session.flush()
        except IntegrityError as exc:  # a second workstation took the MRN meanwhile
            raise ValidationError("mrn", f"MRN {clean.mrn} is already used by another patient.") from exc
        audit.record(session, actor=actor, action="create", patient_id=row.id,
                     record_type="patient", record_id=row.id, summary="registered patient")
        return _details(row)


def update_patient(
    session_factory: SessionFactory, *, actor: str, patient_id: int, data: PatientInput,
    expected_version: int | None = None,
) -> PatientDetails:
    clean = data.validated()
    try:
        with transaction(session_factory) as session:
            require(session, actor, "edit_patient")
            # PostgreSQL: a second workstation's save waits here, then sees the new version.
            row = _get(session, patient_id, lock=True)
            if expected_version is not None and row.version != expected_version:
                raise _patient_conflict(session, row, clean)
            if _mrn_taken(session, clean.mrn, except_id=row.id):
                raise ValidationError("mrn", f"MRN {clean.mrn} is already used by another patient.")
            _apply(row, clean)
            changed = sorted(_changed_fields(row))
            session.flush()
            audit.record(session, actor=actor, action="update", patient_id=row.id,
                         record_type="patient", record_id=row.id,
                         summary="changed: " + ", ".join(changed) if changed else "no change")
            return _details(row)
    except StaleDataError:
        # Saved elsewhere between our read and our write (SQLite takes no row lock).
        with transaction(session_factory) as session:
            error = _patient_conflict(session, _get(session, patient_id), clean)
        raise error from None


PATIENT_CONFLICT = "This patient was changed by someone else since you opened it."


def _patient_conflict(session: Session, row: Patient, data: PatientInput) -> ConflictError:
    # A save that leaves the language alone (None) would write the stored one: show that,
    # not a blank, so the conflict lists no difference nobody made.
    if data.handout_language is None:
        data = replace(data, handout_language=row.handout_language)
    return conflicts.conflict(
        session, PATIENT_CONFLICT, patient_id=row.id, record_type="patient", record_ids=[row.id],
        theirs=conflicts.patient_fields(row), yours=conflicts.patient_fields(data))


def _changed_fields(row: Patient) -> list[str]:
    state = inspect(row)
    return [
        attr.key for attr in state.attrs
        if attr.history.has_changes() and not attr.key.endswith("_key")
    ]


def _get(session: Session, patient_id: int, *, lock: bool = False) -> Patient:
    # FOR NO KEY UPDATE: other saves that merely refer to the patient are not held up.
    row = session.get(Patient, patient_id, with_for_update={"key_share": True} if lock else None)
    if row is None:
        raise NotFoundError(f"No patient with id {patient_id}.")
    return row


def get_patient(session_factory: SessionFactory, *, actor: str, patient_id: int) -> PatientDetails:
    """Open a patient's record; the view is audited."""
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        row = _get(session, patient_id)
        audit.record(session, actor=actor, action="view", patient_id=row.id,
                     record_type="patient", record_id=row.id)
        return _details(row)


def find_by_mrn(session_factory: SessionFactory, mrn: str, *, actor: str) -> PatientSummary:
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        row = session.scalar(select(Patient).where(Patient.mrn == mrn.strip().upper()))
        if row is None:
            raise NotFoundError(f"No patient with MRN {mrn.strip().upper()}.")
        return _summary(row)


def _prefix_range(column: SQLColumnExpression[str], prefix: str) -> ColumnElement[bool]:
    # A half-open range instead of LIKE, so the b-tree index is used on every engine.
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(column >= prefix, column < upper)


_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y")


def _as_date(token: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(token, fmt).date()
        except ValueError:
            continue
    return None


def _token_conditions(raw: str) -> list[ColumnElement[bool]]:
    """What one typed word may match; MRN prefixes only for words that look like an MRN.

    A plain word such as "s" would otherwise prefix-match every MRN of a clinic whose
    numbers all start with the same letters, and the search would read the whole table.
    """
    token = v.search_key(raw)
    conditions: list[ColumnElement[bool]] = [
        _prefix_range(Patient.last_name_key, token),
        _prefix_range(Patient.first_name_key, token),
        Patient.mrn == raw.upper(),
    ]
    if any(ch.isdigit() or ch == "-" for ch in raw):
        conditions.append(_prefix_range(Patient.mrn, raw.upper()))
    born = _as_date(raw)
    if born is not None:
        conditions.append(Patient.date_of_birth == born)
    return conditions


def search_statement(text: str) -> Select[Patient]:
    """Every word must prefix-match first name, last name or MRN, or equal the birth date."""
    stmt = select(Patient)
    for raw in text.split():
        stmt = stmt.where(or_(*_token_conditions(raw)))
    return stmt


_SUMMARY_COLUMNS = (Patient.id, Patient.mrn, Patient.first_name, Patient.last_name,
                    Patient.date_of_birth, Patient.sex)


def _hits(words: list[str]) -> Subquery:
    """(id, last key, first key) of the patients the words match.

    The longest word drives: each of its alternatives is its own index-only range scan
    (the name-key indexes cover both keys), and each leg leaves out what an earlier leg
    already matched, so the legs are disjoint and need no de-duplication before the
    page is cut. Other words, if any, filter those candidates.
    """
    driver = max(words, key=len)
    legs = []
    earlier: list[ColumnElement[bool]] = []
    for condition in _token_conditions(driver):
        legs.append(select(Patient.id, Patient.last_name_key, Patient.first_name_key)
                    .where(condition, *(not_(e) for e in earlier)))
        earlier.append(condition)
    hits = union_all(*legs).subquery()
    others = [w for w in words if w is not driver]
    if others:
        hits = select(hits).join(Patient, Patient.id == hits.c.id).where(
            *(or_(*_token_conditions(w)) for w in others)).subquery()
    return hits


def search_page_statement(text: str, *, limit: int | None = None,
                          offset: int = 0) -> Select[int, str, str, str, date, str]:
    """The summary rows of one page of matches, in last name, first name order."""
    words = text.split()
    if not words:
        stmt = select(*_SUMMARY_COLUMNS).order_by(
            Patient.last_name_key, Patient.first_name_key, Patient.id).offset(offset)
        return stmt if limit is None else stmt.limit(limit)
    hits = _hits(words)
    page = select(hits).order_by(hits.c.last_name_key, hits.c.first_name_key, hits.c.id) \
        .offset(offset)
    if limit is not None:
        page = page.limit(limit)
    cut = page.subquery()
    # Only the page's rows are fetched from the table.
    return select(*_SUMMARY_COLUMNS).join(cut, cut.c.id == Patient.id).order_by(
        cut.c.last_name_key, cut.c.first_name_key, cut.c.id)


def search_patients(
    session_factory: SessionFactory, text: str = "", *, actor: str, limit: int | None = None,
    offset: int = 0,
) -> list[PatientSummary]:
    stmt = search_page_statement(text, limit=limit, offset=offset)
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        return [PatientSummary(*row) for row in session.execute(stmt)]


def count_patients(session_factory: SessionFactory, text: str = "", *, actor: str) -> int:
    words = text.split()
    source = _hits(words) if words else select(Patient.id).subquery()
    stmt = select(func.count()).select_from(source)
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        return int(session.scalar(stmt) or 0)
