"""The exercise library in the database: load the shipped library, clinician edits, photos, search."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import Exercise
from ptdesk.domain import exercise_library as lib
from ptdesk.domain import validation as v
from ptdesk.domain.errors import ValidationError
from ptdesk.services.errors import NotFoundError
from ptdesk.services.permissions import require
from ptdesk.services.uow import transaction

PHOTO_MAX_BYTES = 5 * 1024 * 1024
_PHOTO_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


@dataclass(frozen=True)
class ExerciseInfo:
    id: int
    library_id: str | None
    name: str
    purpose: str
    target_muscles: tuple[str, ...]
    category: str
    steps: tuple[str, ...]
    side: str
    precautions: tuple[str, ...]
    progression_library_id: str
    regression_library_id: str
    illustration: str
    has_photo: bool
    dosage: lib.Dosage
    edited_by_clinic: bool

    @property
    def is_custom(self) -> bool:
        return self.library_id is None


def _info(row: Exercise) -> ExerciseInfo:
    return ExerciseInfo(
        id=row.id, library_id=row.library_id, name=row.name, purpose=row.purpose,
        target_muscles=tuple(row.target_muscles), category=row.category, steps=tuple(row.steps),
        side=row.side, precautions=tuple(row.precautions),
        progression_library_id=row.progression_library_id,
        regression_library_id=row.regression_library_id, illustration=row.illustration,
        has_photo=row.photo is not None,
        dosage=lib.Dosage(row.sets, row.reps, row.hold_seconds, row.per_day, row.per_week,
                          row.dosage_note, row.minutes),
        edited_by_clinic=row.edited_by_clinic,
    )


def _content_hash(exercise: lib.LibraryExercise) -> str:
    payload = json.dumps(asdict(exercise), sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _copy_shipped(row: Exercise, ex: lib.LibraryExercise) -> None:
    row.name, row.purpose, row.category = ex.name, ex.purpose, ex.category
    row.target_muscles, row.steps = list(ex.target_muscles), list(ex.steps)
    row.precautions, row.side = list(ex.precautions), ex.side
    row.progression_library_id, row.regression_library_id = ex.progression, ex.regression
    row.illustration = ex.illustration
    _set_dosage(row, ex.dosage)


def _set_dosage(row: Exercise, d: lib.Dosage) -> None:
    row.sets, row.reps, row.hold_seconds, row.minutes = d.sets, d.reps, d.hold_seconds, d.minutes
    row.per_day, row.per_week, row.dosage_note = d.per_day, d.per_week, d.note


def sync_library(session_factory: SessionFactory) -> tuple[int, int]:
    """Load the shipped library; returns (added, updated).

    Safe to run at every start-up: an entry the clinic edited is never overwritten,
    and an unchanged entry is not touched.
    """
    shipped = lib.load_library()
    added = updated = 0
    with transaction(session_factory) as session:
        existing = {
            row.library_id: row
            for row in session.scalars(select(Exercise).where(Exercise.library_id.is_not(None)))
        }
        for ex in shipped.values():
            digest = _content_hash(ex)
            row = existing.get(ex.id)
            if row is None:
                row = Exercise(library_id=ex.id)
                _copy_shipped(row, ex)
                row.library_hash = digest
                session.add(row)
                added += 1
            elif row.library_hash != digest and not row.edited_by_clinic:
                _copy_shipped(row, ex)
                row.library_hash = digest
                updated += 1
    return added, updated


def list_exercises(
    session_factory: SessionFactory, *, text: str = "", category: str | None = None,
    muscle: str | None = None,
) -> list[ExerciseInfo]:
    stmt = select(Exercise).where(Exercise.active.is_(True)).order_by(Exercise.name)
    if category:
        stmt = stmt.where(Exercise.category == category)
    with transaction(session_factory) as session:
        rows = list(session.scalars(stmt))
    needle = v.search_key(text)
    # Shipped exercises are also found by their aliases and Spanish names ("heel raise").
    by_alias = set(lib.search_library(text)) if needle else set()
    out = []
    for row in rows:
        haystack = v.search_key(" ".join([row.name, row.purpose, *row.target_muscles]))
        if needle and needle not in haystack and row.library_id not in by_alias:
            continue
        if muscle and not any(muscle.casefold() in m.casefold() for m in row.target_muscles):
            continue
        out.append(_info(row))
    if needle:
        # Best match first, so Enter in the picker adds what was typed: "heel raise" is the
        # calf raise's other name, ahead of exercises that merely mention both words.
        shipped = lib.load_library()
        out.sort(key=lambda info: _match_rank(info, needle, shipped))  # stable: names stay sorted
    return out


def _match_rank(info: ExerciseInfo, needle: str,
                shipped: dict[str, lib.LibraryExercise]) -> tuple[int, int]:
    """(0: the name or another name is exactly what was typed, 1: one starts with it, 2: other;
    then, among close matches, the shortest name: "Calf raise" before "Bent-knee calf raise",
    which also answers to "heel raise")."""
    entry = shipped.get(info.library_id or "")
    names = [v.search_key(n) for n in (info.name, *(entry.aliases if entry else ()))]
    if needle in names:
        return 0, len(info.name)
    if any(n.startswith(needle) for n in names):
        return 1, len(info.name)
    return 2, 0


def muscles_in_library(session_factory: SessionFactory) -> list[str]:
    with transaction(session_factory) as session:
        names = {m for row in session.scalars(select(Exercise.target_muscles)) for m in row}
    return sorted(names, key=str.casefold)


def get_exercise(session_factory: SessionFactory, exercise_id: int) -> ExerciseInfo:
    with transaction(session_factory) as session:
        return _info(_get(session, exercise_id))


def by_library_id(session: Session, library_id: str) -> Exercise | None:
    return session.scalar(select(Exercise).where(Exercise.library_id == library_id))


def _get(session: Session, exercise_id: int) -> Exercise:
    row = session.get(Exercise, exercise_id)
    if row is None:
        raise NotFoundError(f"No exercise with id {exercise_id}.")
    return row


def set_default_dosage(
    session_factory: SessionFactory, *, actor: str, exercise_id: int, dosage: lib.Dosage
) -> ExerciseInfo:
    lib.check_dosage(dosage, "dosage")
    with transaction(session_factory) as session:
        require(session, actor, "edit_library")
        row = _get(session, exercise_id)
        _set_dosage(row, dosage)
        row.edited_by_clinic = True
        session.flush()
        return _info(row)


def add_custom_exercise(
    session_factory: SessionFactory, *, actor: str, name: str, category: str, steps: tuple[str, ...],
    dosage: lib.Dosage, side: str = "each", purpose: str = "", target_muscles: tuple[str, ...] = (),
    precautions: tuple[str, ...] = (),
) -> ExerciseInfo:
    name = v.require_text("name", name, "Exercise name", 200)
    v.validate_choice("category", category, lib.CATEGORIES, "Category")
    v.validate_choice("side", side, lib.SIDES, "Side")
    clean_steps = [s.strip() for s in steps if s.strip()]
    if not clean_steps:
        raise ValidationError("steps", "Write at least one step the patient can follow.")
    lib.check_dosage(dosage, "dosage")
    with transaction(session_factory) as session:
        require(session, actor, "edit_library")
        row = Exercise(library_id=None, name=name, category=category, steps=clean_steps, side=side,
                       purpose=purpose.strip(), target_muscles=list(target_muscles),
                       precautions=[p for p in precautions if p.strip()], edited_by_clinic=True)
        _set_dosage(row, dosage)
        session.add(row)
        session.flush()
        return _info(row)


def attach_photo(
    session_factory: SessionFactory, *, actor: str, exercise_id: int, photo: bytes | None
) -> ExerciseInfo:
    """Attach the clinic's own JPG/PNG photo (it replaces the drawing on handouts); None removes it."""
    if photo is not None:
        if len(photo) > PHOTO_MAX_BYTES:
            raise ValidationError("photo", "The photo is larger than 5 MB; please use a smaller one.")
        if not photo.startswith(_PHOTO_SIGNATURES):
            raise ValidationError("photo", "The photo must be a JPG or PNG image.")
    with transaction(session_factory) as session:
        require(session, actor, "edit_library")
        row = _get(session, exercise_id)
        row.photo = photo
        session.flush()
        return _info(row)


def get_photo(session_factory: SessionFactory, exercise_id: int) -> bytes | None:
    with transaction(session_factory) as session:
        return _get(session, exercise_id).photo


def find_by_text(session: Session, text: str) -> list[Exercise]:
    pattern = f"%{text}%"
    return list(session.scalars(select(Exercise).where(or_(Exercise.name.ilike(pattern)))))
