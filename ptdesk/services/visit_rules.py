"""The clinic's visit-note rules: which outcome measures visits ask for, the draft reminder age."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import ClinicSettings
from ptdesk.domain.visit_rules import VisitRules, parse_measures
from ptdesk.services.audit import log as audit
from ptdesk.services.clinic import settings_row
from ptdesk.services.permissions import require
from ptdesk.services.uow import transaction


def load_visit_rules(session: Session) -> VisitRules:
    """The clinic's rules inside a caller's transaction; the defaults before setup."""
    row = session.get(ClinicSettings, 1)
    if row is None:
        return VisitRules()
    return VisitRules(parse_measures(row.measures_every_visit),
                      parse_measures(row.measures_evaluations),
                      parse_measures(row.measures_patellofemoral), row.stale_draft_days)


def get_visit_rules(session_factory: SessionFactory, *, actor: str) -> VisitRules:
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        return load_visit_rules(session)


def set_visit_rules(session_factory: SessionFactory, *, actor: str,
                    rules: VisitRules) -> VisitRules:
    """Store the clinic's choices (validated when the VisitRules was built); administrators."""
    with transaction(session_factory) as session:
        require(session, actor, "edit_settings")
        row = settings_row(session)
        row.measures_every_visit = ",".join(rules.every_visit)
        row.measures_evaluations = ",".join(rules.evaluations)
        row.measures_patellofemoral = ",".join(rules.patellofemoral)
        row.stale_draft_days = rules.stale_draft_days
        session.flush()
        audit.record(session, actor=actor, action="update", record_type="clinic_settings",
                     record_id=row.id, summary="visit note rules changed")
        return rules
