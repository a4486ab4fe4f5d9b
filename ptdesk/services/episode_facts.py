"""Episode facts: kept on the episode while notes are drafts, frozen beside a note when it is signed.

Onset date, diagnosis and ICD-10 code, affected side, goal race and race date are charted
once, on the episode (issue 18). A draft evaluation shows the episode's and saving it
writes them back, in the same transaction, audited. Signing copies them into
`note_episode_facts`, which the note hash (format 2) covers and triggers keep append-only,
so a later episode edit never changes what a signed note shows or prints.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import AuditEntry, Episode, EpisodeFactMerge, NoteEpisodeFacts, Visit
from ptdesk.domain import evaluation as ev
from ptdesk.domain.conflicts import value_text, words
from ptdesk.domain.episode_facts import FACT_LABELS, FACT_NAMES, EpisodeFacts, differing
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.note_facts import in_note
from ptdesk.services import conflicts
from ptdesk.services import evaluation_mapping as mapping
from ptdesk.services.audit import log as audit
from ptdesk.services.errors import NotFoundError
from ptdesk.services.permissions import require
from ptdesk.services.uow import transaction

EPISODE_CONFLICT = ("The episode's diagnosis, side, onset or goal race was changed by someone "
                    "else since you opened this form.")
UPGRADE_ACTOR = "ptdesk-upgrade"  # who the audit log names for the upgrade's own merge
# Migration 0013's marker row: "the snapshots of notes signed before were written".
SNAPSHOTS_MARK = "snapshots:"
_DIGEST = re.compile(r"snapshot digest ([0-9a-f]{64})")


def facts_of(row: Episode | NoteEpisodeFacts) -> EpisodeFacts:
    return EpisodeFacts(**{name: getattr(row, name) for name in FACT_NAMES})


def fact_fields(facts: EpisodeFacts) -> dict[str, str]:
    """{label: text} of the facts, for the conflict dialog."""
    out = {}
    for name in FACT_NAMES:
        value = getattr(facts, name)
        out[FACT_LABELS[name]] = words(value) if name == "affected_side" else value_text(value)
    return out


def snapshot_of(session: Session, visit_id: int) -> NoteEpisodeFacts | None:
    return session.scalar(select(NoteEpisodeFacts).where(NoteEpisodeFacts.visit_id == visit_id))


def facts_for_note(session: Session, visit: Visit,
                   stored: ev.Evaluation) -> EpisodeFacts | None:
    """The facts the note shows; `stored` is the note as its own rows hold it.

    A signed note: its snapshot (None: signed before snapshots and not migrated, so it
    shows what its own rows hold). A draft: its episode's, except where its own rows still
    hold a fact (written by a caller other than the form), which is what the note says.
    """
    if visit.status == "signed":
        row = snapshot_of(session, visit.id)
        return facts_of(row) if row is not None else None
    episode = session.get(Episode, visit.episode_id)
    if episode is None:
        return None
    return replace(facts_of(episode), **in_note(stored))  # type: ignore[arg-type]


def freeze_for_signing(session: Session, visit: Visit) -> None:
    """In the signing transaction, before the note hash: the facts the note shows, beside it."""
    facts = facts_for_note(session, visit, mapping.read_sections(visit))
    if facts is None:
        raise NotFoundError(f"No episode with id {visit.episode_id}.")
    session.add(NoteEpisodeFacts(visit_id=visit.id, source="signing",
                                 **{name: getattr(facts, name) for name in FACT_NAMES}))
    session.flush()


def fill_blanks(session: Session, *, actor: str, visit: Visit,
                found: dict[str, object]) -> list[str]:
    """Facts a note holds in its own rows fill the episode's blanks (never replace a value)."""
    episode = session.get(Episode, visit.episode_id)
    if episode is None:
        raise NotFoundError(f"No episode with id {visit.episode_id}.")
    blanks = {name: value for name, value in found.items()
              if getattr(episode, name) in (None, "")}
    if not blanks:
        return []
    facts = replace(facts_of(episode), **blanks)  # type: ignore[arg-type]
    try:
        return _write(session, actor=actor, episode=episode, facts=facts.validate(),
                      expected_version=None, where=f"from the evaluation of visit {visit.id}")
    except ValidationError:
        return []  # e.g. an onset after the start of care: the note keeps it as its own


def _write(session: Session, *, actor: str, episode: Episode, facts: EpisodeFacts,
           expected_version: int | None, where: str) -> list[str]:
    """Store `facts` on the episode (already validated); the changed fact names, audited.

    A form opened on an older version of the episode is refused when the episode's facts
    changed since (someone else's edit is never overwritten unseen).
    """
    current = facts_of(episode)
    changed = differing(current, facts)
    if not changed:
        return []
    if "onset_date" in changed and facts.onset_date and facts.onset_date > episode.start_date:
        # The rule open_episode applies, wherever the onset is typed.
        raise ValidationError("onset_date", "Onset cannot be after the start of care.")
    if expected_version is not None and episode.version != expected_version:
        raise conflicts.conflict(session, EPISODE_CONFLICT, patient_id=episode.patient_id,
                                 record_type="episode", record_ids=[episode.id],
                                 theirs=fact_fields(current), yours=fact_fields(facts))
    for name in changed:
        setattr(episode, name, getattr(facts, name))
    session.flush()
    # Names of the facts only: their values are clinical text.
    audit.record(session, actor=actor, action="update", patient_id=episode.patient_id,
                 record_type="episode", record_id=episode.id,
                 summary=f"episode facts changed {where}: "
                         + ", ".join(FACT_LABELS[n].lower() for n in changed))
    return changed


def write_from_note(session: Session, *, actor: str, visit: Visit, facts: EpisodeFacts,
                    expected_version: int | None) -> list[str]:
    """A draft evaluation's save writes the facts it shows to its episode (same transaction)."""
    episode = session.get(Episode, visit.episode_id)
    if episode is None:
        raise NotFoundError(f"No episode with id {visit.episode_id}.")
    return _write(session, actor=actor, episode=episode, facts=facts.validate(),
                  expected_version=expected_version, where=f"in the evaluation of visit {visit.id}")


def episode_version(session_factory: SessionFactory, episode_id: int, *, actor: str) -> int:
    """The episode's version now (a form remembers it to detect someone else's edit)."""
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        row = session.get(Episode, episode_id)
        if row is None:
            raise NotFoundError(f"No episode with id {episode_id}.")
        return row.version


def update_episode_facts(session_factory: SessionFactory, *, actor: str, episode_id: int,
                         facts: EpisodeFacts, expected_version: int | None = None) -> int:
    """The patient dialog's edit of the facts; returns the episode's new version."""
    facts = facts.validate()
    with transaction(session_factory) as session:
        require(session, actor, "edit_evaluation")
        row = session.get(Episode, episode_id)
        if row is None:
            raise NotFoundError(f"No episode with id {episode_id}.")
        _write(session, actor=actor, episode=row, facts=facts,
               expected_version=expected_version, where="in the patient's details")
        return row.version


def migrated_digest(session: Session) -> tuple[int, str]:
    """(count, SHA-256) of the snapshots migration 0013 wrote for notes signed before it.

    Their notes' hashes (format 1) do not cover them, so this digest goes into the keyed
    audit log at the first start after the upgrade and verify re-computes it. Read as
    plain driver rows and joined as text: verify does this for every such note.
    """
    columns = ", ".join(("visit_id", *FACT_NAMES))
    rows = session.connection().exec_driver_sql(
        f"SELECT {columns} FROM note_episode_facts WHERE source = 'migration' "
        "ORDER BY id").fetchall()  # rowid order: a plain table scan
    # Unit and record separators never occur in these fields; NUL stands for "none".
    text = "\x1e".join("\x1f".join("\x00" if v is None else str(v) for v in row)
                        for row in rows)
    return len(rows), hashlib.sha256(text.encode("utf-8")).hexdigest()


def snapshot_problems(session: Session) -> list[str]:
    """The migrated snapshots against the digest the audit log holds (empty: all well)."""
    if session.scalar(select(EpisodeFactMerge.id).where(
            EpisodeFactMerge.facts == SNAPSHOTS_MARK).limit(1)) is not None:
        return []  # upgraded but not started since: the digest is written at the next start
    summaries = list(session.scalars(select(AuditEntry.summary).where(
        AuditEntry.record_type == "note_episode_facts").order_by(AuditEntry.id)))
    found = [m.group(1) for s in summaries if (m := _DIGEST.search(s))]
    count, digest = migrated_digest(session)
    if not found:
        return [] if count == 0 else [
            f"The episode facts kept beside {count} notes signed before the upgrade are not "
            "recorded in the audit log; they were added outside PT Desk."]
    if found[-1] != digest:
        return ["The episode facts kept beside notes signed before the upgrade were changed "
                "after the upgrade."]
    return []


def record_upgrade_merges(session_factory: SessionFactory) -> int:
    """Write what migration 0013 did into the audit log (once; at the next start).

    The migration cannot append to the keyed, sealed chain itself, so it lists each
    difference it merged in `episode_fact_merges`; each becomes one audit entry, and the
    migrated snapshots' digest one more, and the list is emptied in the same transaction.
    Returns how many entries were written.
    """
    with transaction(session_factory) as session:
        rows = list(session.scalars(select(EpisodeFactMerge).order_by(EpisodeFactMerge.id)))
        for row in rows:
            if row.facts == SNAPSHOTS_MARK:
                count, digest = migrated_digest(session)
                audit.record(session, actor=UPGRADE_ACTOR, action="create",
                             record_type="note_episode_facts",
                             summary=f"upgrade: episode facts frozen beside {count} signed "
                                     f"notes; snapshot digest {digest}")
                continue
            kind, _, names = row.facts.partition(":")
            labels = ", ".join(FACT_LABELS.get(n, n).lower() for n in names.split(",") if n)
            summary = (f"upgrade: the draft note of visit {row.visit_id} differed from its "
                       f"episode in {labels}; the note's text was kept on the episode"
                       if kind == "draft" else
                       f"upgrade: the episode's blank {labels} filled from the signed note "
                       f"of visit {row.visit_id}")
            audit.record(session, actor=UPGRADE_ACTOR, action="update",
                         patient_id=row.patient_id, record_type="episode",
                         record_id=row.episode_id, summary=summary)
        if rows:
            session.execute(delete(EpisodeFactMerge).where(
                EpisodeFactMerge.id.in_([r.id for r in rows])))
        return len(rows)
