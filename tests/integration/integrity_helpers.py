"""Shared builders for the integrity tests: accounts with roles, a charted visit, raw SQL helpers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine, text

from ptdesk.db.engine import SessionFactory, resolve_url
from ptdesk.services.accounts import provision_account
from ptdesk.services.audit.key import key_path_for_url
from ptdesk.services.evaluations import VisitSummary, create_visit, save_evaluation
from ptdesk.services.outcomes import record_outcome
from ptdesk.services.signing import add_addendum, sign_visit
from ptdesk.services.uow import transaction
from tests.factories import ACTOR, full_evaluation, make_episode, make_patient

CLINICIAN, ASSISTANT, ADMIN = "dr.kim", "amy.assist", "office.admin"


def add_accounts(sf: SessionFactory) -> None:
    """One account per role; no passwords, so the clinic still counts as not set up."""
    with transaction(sf) as session:
        provision_account(session, username=CLINICIAN, display_name="Jordan Kim", role="clinician",
                          credentials="PT, DPT")
        provision_account(session, username=ASSISTANT, display_name="Amy Reyes", role="assistant")
        provision_account(session, username=ADMIN, display_name="Pat Office", role="administrator")


def charted_visit(sf: SessionFactory, mrn: str = "MRN-001") -> VisitSummary:
    """A visit with every evaluation section and two outcome forms filled in."""
    patient = make_patient(sf, mrn=mrn)
    episode = make_episode(sf, patient.id)
    visit = create_visit(sf, actor=ACTOR, episode_id=episode.id, visit_date=date(2026, 10, 2),
                         visit_type="initial_evaluation")
    record_outcome(sf, actor=ACTOR, visit_id=visit.id, measure="nprs", items=[4])
    record_outcome(sf, actor=ACTOR, visit_id=visit.id, measure="lefs", items=[3] * 20)
    return save_evaluation(sf, actor=ACTOR, visit_id=visit.id, evaluation=full_evaluation())


def sealed_clinic(sf: SessionFactory) -> SessionFactory:
    """Accounts, a signed note with an addendum, and so a sealed audit chain: what a
    backup must carry over intact."""
    add_accounts(sf)
    visit = charted_visit(sf)
    sign_visit(sf, actor=CLINICIAN, visit_id=visit.id)
    add_addendum(sf, actor=CLINICIAN, visit_id=visit.id, reason="Late entry",
                 text="Called the patient.")
    return sf


def drop_triggers(engine: Engine, like: str) -> list[str]:
    """Simulate an attacker with raw database access: remove the protecting triggers.

    `like` uses SQLite's names (one trigger per event, e.g. trg_addenda_append_only_update);
    PostgreSQL has one trigger per table (trg_addenda_append_only), which the pattern
    without its trailing "_%" matches.
    """
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            found = [(row[0], "") for row in connection.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE :like"),
                {"like": like})]
        else:
            stem = like.removesuffix("_%")
            found = [(row[0], f" ON {row[1]}") for row in connection.execute(text(
                "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c "
                "ON c.oid = t.tgrelid WHERE NOT t.tgisinternal "
                "AND (t.tgname LIKE :like OR t.tgname LIKE :stem)"),
                {"like": like, "stem": stem})]
        for name, table in found:
            connection.execute(text(f"DROP TRIGGER {name}{table}"))
    return [name for name, _table in found]


INTEGRITY_COMMANDS = ("ptdesk.commands.audit", "ptdesk.commands.backup",
                      "ptdesk.commands.restore", "ptdesk.commands.verify")


def run_cli(monkeypatch, argv: list[str]) -> int:
    """`ptdesk ARGV` in-process, with the integrity commands registered (ptdesk.cli may not list them yet)."""
    from ptdesk import cli

    modules = tuple(dict.fromkeys((*cli.COMMAND_MODULES, *INTEGRITY_COMMANDS)))
    monkeypatch.setattr(cli, "COMMAND_MODULES", modules)
    return cli.main(argv)


def key_file(db: Path) -> Path:
    """Where this computer keeps the audit key of the database file `db` (the key folder)."""
    found = key_path_for_url(resolve_url(db))
    assert found is not None
    return found
