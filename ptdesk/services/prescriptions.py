"""Home-exercise prescriptions: dated versions of an ordered list of dosed exercises."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import Episode, Exercise, Patient, Prescription, PrescriptionItem
from ptdesk.domain import exercise_library as lib
from ptdesk.domain import validation as v
from ptdesk.domain.errors import ValidationError
from ptdesk.services import conflicts
from ptdesk.services.audit import log as audit
from ptdesk.services.drafts import drop_draft
from ptdesk.services.episodes import ACTIVE_EPISODE, EpisodeChoice, episode_in
from ptdesk.services.errors import ConflictError, NotFoundError, ServiceError
from ptdesk.services.exercises import by_library_id
from ptdesk.services.permissions import require
from ptdesk.services.uow import transaction


@dataclass(frozen=True)
class DosedItem:
    """One line of a prescription as the editor holds it."""

    exercise_id: int
    sets: int
    reps: int = 0
    hold_seconds: int = 0
    minutes: int = 0
    per_day: int = 1
    per_week: int = 0
    side: str = "each"
    note: str = ""
    exercise_name: str = ""
    category: str = ""
    library_id: str | None = None

    @property
    def dosage(self) -> lib.Dosage:
        return lib.Dosage(self.sets, self.reps, self.hold_seconds, self.per_day, self.per_week,
                          "", self.minutes)

    def validate(self, index: int) -> None:
        if self.sets < 1:
            raise ValidationError(f"items[{index}].sets", "Sets must be at least 1.")
        lib.check_dosage(self.dosage, f"items[{index}]")
        v.validate_choice(f"items[{index}].side", self.side, lib.SIDES, "Side")
        v.optional_text(f"items[{index}].note", self.note, "Note", 2000)


@dataclass(frozen=True)
class PrescriptionInfo:
    id: int
    patient_id: int
    effective_date: date
    status: str
    supersedes_id: int | None
    note: str
    items: tuple[DosedItem, ...]
    version: int
    clinician_id: int | None = None


def _item(row: PrescriptionItem) -> DosedItem:
    return DosedItem(
        exercise_id=row.exercise_id, sets=row.sets, reps=row.reps, hold_seconds=row.hold_seconds,
        minutes=row.minutes, per_day=row.per_day, per_week=row.per_week, side=row.side,
        note=row.note, exercise_name=row.exercise.name, category=row.exercise.category,
        library_id=row.exercise.library_id,
    )


def _info(row: Prescription) -> PrescriptionInfo:
    return PrescriptionInfo(row.id, row.patient_id, row.effective_date, row.status,
                            row.supersedes_id, row.note, tuple(_item(i) for i in row.items),
                            row.version, row.clinician_id)


def _active_row(session: Session, patient_id: int) -> Prescription | None:
    return session.scalar(
        select(Prescription)
        .where(Prescription.patient_id == patient_id, Prescription.status == "active")
        .options(selectinload(Prescription.items).selectinload(PrescriptionItem.exercise))
    )


def item_from_exercise(exercise: Exercise, **overrides: object) -> DosedItem:
    base = DosedItem(
        exercise_id=exercise.id, sets=max(exercise.sets, 1), reps=exercise.reps,
        hold_seconds=exercise.hold_seconds, minutes=exercise.minutes, per_day=exercise.per_day,
        per_week=exercise.per_week, side=exercise.side, exercise_name=exercise.name,
        category=exercise.category, library_id=exercise.library_id,
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def item_from_template_entry(row: Exercise, entry: lib.TemplateItem,
                             shipped: lib.LibraryExercise) -> DosedItem:
    """One template line as a dosed item: the template's dosage, side and note for `row`
    (the library exercise `shipped` describes)."""
    d = entry.dosage_for(shipped)
    return item_from_exercise(
        row, sets=max(d.sets, 1), reps=d.reps, hold_seconds=d.hold_seconds, minutes=d.minutes,
        per_day=d.per_day, per_week=d.per_week, side=entry.side_for(shipped),
        note=entry.note or "",
    )


def stepped_item(item: DosedItem, target: Exercise) -> DosedItem:
    """`item` swapped for the linked exercise `target`, as a clinician changes exercise.

    The dosage restarts at the target's default; the note carries over, and so does a
    one-sided item's side when the target is done on each side.
    """
    side = item.side if item.side in ("left", "right") and target.side == "each" else target.side
    return item_from_exercise(target, side=side, note=item.note)


PRESCRIPTION_CONFLICT = ("Someone else saved a new version of this exercise programme since "
                         "you started editing.")


def item_text(item: DosedItem) -> str:
    """One line of the programme in the handout's words, with its note."""
    limb = lib.limb_for(item.library_id or "", item.category)
    text = lib.dosage_in_words(item.dosage, item.side, limb=limb)
    return f"{text}. Note: {item.note.strip()}" if item.note.strip() else text


def prescription_fields(
    items: Sequence[DosedItem], effective_date: date | None, note: str,
) -> dict[str, str]:
    """A programme as flat {label: text}: one entry per exercise (by name), order, date, note."""
    out: dict[str, str] = {}
    names = []
    for item in items:
        name = item.exercise_name or f"Exercise {item.exercise_id}"
        label, n = name, 1
        while label in out:  # the same exercise twice (e.g. left and right lines)
            n += 1
            label = f"{name} ({n})"
        out[label] = item_text(item)
        names.append(name)
    out["Order of exercises"] = ", ".join(names)
    out["Starts on"] = effective_date.isoformat() if effective_date else ""
    out["Note for this version"] = note.strip()
    return out


def info_fields(info: PrescriptionInfo | None) -> dict[str, str]:
    """The saved version's fields (empty when there is no active programme)."""
    return prescription_fields(info.items, info.effective_date, info.note) if info else {}


def _named(session: Session, items: list[DosedItem]) -> list[DosedItem]:
    """Items with their exercise names and categories, for the conflict details."""
    named = []
    for item in items:
        row = session.get(Exercise, item.exercise_id)
        named.append(item if row is None or item.exercise_name else replace(
            item, exercise_name=row.name, category=row.category, library_id=row.library_id))
    return named


def save_prescription(
    session_factory: SessionFactory, *, actor: str, patient_id: int, items: list[DosedItem],
    effective_date: date, note: str = "", episode_id: EpisodeChoice = None,
    clinician_id: int | None = None, based_on_id: int | None = None,
    draft_key: str | None = None,
) -> PrescriptionInfo:
    """Save the programme as a new dated version; the previous one stays in the chart history.

    `based_on_id` is the id of the active version the editor started from (STARTED_EMPTY
    when there was none): if another workstation saved a newer version meanwhile, this
    raises ConflictError instead of replacing it. None skips the check.
    """
    if not items:
        raise ValidationError("items", "Add at least one exercise to the prescription.")
    for index, item in enumerate(items):
        item.validate(index)
    try:
        return _save_prescription(session_factory, actor=actor, patient_id=patient_id,
                                  items=items, effective_date=effective_date, note=note,
                                  episode_id=episode_id, clinician_id=clinician_id,
                                  based_on_id=based_on_id, draft_key=draft_key)
    except StaleDataError:
        # Another workstation replaced the same version between our read and our write.
        with transaction(session_factory) as session:
            _check_based_on(session, patient_id, based_on_id, items, effective_date, note,
                            force=True)
        raise ConflictError(PRESCRIPTION_CONFLICT) from None  # not reached: forced above


def _check_based_on(
    session: Session, patient_id: int, based_on_id: int | None, items: list[DosedItem],
    effective_date: date, note: str, *, not_id: int | None = None, force: bool = False,
) -> None:
    """ConflictError unless the active version (other than `not_id`) is `based_on_id`."""
    stmt = (select(Prescription)
            .where(Prescription.patient_id == patient_id, Prescription.status == "active",
                   Prescription.id != (not_id or 0))
            .order_by(Prescription.id.desc()).limit(1)
            .options(selectinload(Prescription.items).selectinload(PrescriptionItem.exercise)))
    current = session.scalar(stmt)
    conflicts.check_based_on(
        session, based_on_id=based_on_id, current_id=current.id if current else None,
        message=PRESCRIPTION_CONFLICT, patient_id=patient_id, record_type="prescription",
        theirs=lambda: info_fields(_info(current) if current else None),
        yours=lambda: prescription_fields(_named(session, items), effective_date, note),
        force=force)


def _save_prescription(
    session_factory: SessionFactory, *, actor: str, patient_id: int, items: list[DosedItem],
    effective_date: date, note: str, episode_id: EpisodeChoice, clinician_id: int | None,
    based_on_id: int | None, draft_key: str | None,
) -> PrescriptionInfo:
    with transaction(session_factory) as session:
        require(session, actor, "prescribe")
        drop_draft(session, actor=actor, form_key=draft_key)  # kept if the save fails
        # Locking the patient row makes two workstations' saves for one patient take
        # turns on PostgreSQL, so the second one sees the first one's version.
        # (FOR NO KEY UPDATE: rows referring to the patient can still be added meanwhile.)
        locked = select(Patient.id).where(Patient.id == patient_id).with_for_update(key_share=True)
        if session.scalar(locked) is None:
            raise NotFoundError(f"No patient with id {patient_id}.")
        if based_on_id is not None:
            _check_based_on(session, patient_id, based_on_id, items, effective_date, note)
        previous = _active_row(session, patient_id)
        if previous is not None:
            previous.status = "superseded"
            session.flush()
        row = Prescription(patient_id=patient_id, clinician_id=clinician_id,
                           episode_id=episode_in(session, patient_id, episode_id),
                           effective_date=effective_date, status="active", note=note.strip(),
                           supersedes_id=previous.id if previous else None)
        for position, item in enumerate(items):
            if session.get(Exercise, item.exercise_id) is None:
                raise ValidationError(f"items[{position}]", "That exercise is not in the library.")
            row.items.append(PrescriptionItem(
                exercise_id=item.exercise_id, position=position, sets=item.sets, reps=item.reps,
                hold_seconds=item.hold_seconds, minutes=item.minutes, per_day=item.per_day,
                per_week=item.per_week, side=item.side, note=item.note.strip(),
            ))
        session.add(row)
        session.flush()
        if based_on_id is not None and _active_count(session, patient_id) > 1:
            # SQLite: both started from no programme and the other save committed first.
            _check_based_on(session, patient_id, based_on_id, items, effective_date, note,
                            not_id=row.id, force=True)
        session.refresh(row, ["items"])
        audit.record(session, actor=actor, action="create", patient_id=patient_id,
                     record_type="prescription", record_id=row.id,
                     summary=f"prescription with {len(items)} exercises")
        return _info(row)


def _active_count(session: Session, patient_id: int) -> int:
    stmt = select(func.count(Prescription.id)).where(
        Prescription.patient_id == patient_id, Prescription.status == "active")
    return int(session.scalar(stmt) or 0)


def load_active_prescription(session: Session, patient_id: int) -> PrescriptionInfo | None:
    """`active_prescription` inside a caller's transaction (the caller checked the actor)."""
    row = _active_row(session, patient_id)
    return _info(row) if row else None


def active_prescription(session_factory: SessionFactory, patient_id: int, *,
                        actor: str) -> PrescriptionInfo | None:
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        return load_active_prescription(session, patient_id)


def prescription_history(session_factory: SessionFactory, patient_id: int, *,
                         actor: str) -> list[PrescriptionInfo]:
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        rows = session.scalars(
            select(Prescription).where(Prescription.patient_id == patient_id)
            .order_by(Prescription.effective_date.desc(), Prescription.id.desc())
            .options(selectinload(Prescription.items).selectinload(PrescriptionItem.exercise))
        )
        return [_info(r) for r in rows]


def retire_prescription(session_factory: SessionFactory, *, actor: str, patient_id: int) -> None:
    with transaction(session_factory) as session:
        require(session, actor, "prescribe")
        row = _active_row(session, patient_id)
        if row is None:
            raise ServiceError("This patient has no active prescription.")
        row.status = "retired"
        audit.record(session, actor=actor, action="update", patient_id=patient_id,
                     record_type="prescription", record_id=row.id, summary="retired")


def items_from_template(session_factory: SessionFactory, template_id: str, *,
                        patient_id: int | None = None) -> list[DosedItem]:
    """A template's exercises with its dosages, ready for the clinician to edit.

    With `patient_id`, a sprained-ankle template's ankle items take the side of the ankle
    the active episode records as sprained (both ankles while it is not known).
    """
    templates = lib.load_templates()
    if template_id not in templates:
        raise ValidationError("template", f"No programme template called {template_id!r}.")
    template = templates[template_id]
    shipped = lib.load_library()
    items = []
    with transaction(session_factory) as session:
        if patient_id is not None and template_id in lib.SPRAINED_ANKLE_TEMPLATES:
            episode_id = episode_in(session, patient_id, ACTIVE_EPISODE)
            side = None if episode_id is None else session.scalar(
                select(Episode.injured_ankle_side).where(Episode.id == episode_id))
            if side in ("left", "right"):
                template = lib.template_for_side(template, side)
        for entry in template.items:
            row = by_library_id(session, entry.exercise)
            if row is None:
                raise ServiceError("The exercise library is not loaded; restart PT Desk.")
            items.append(item_from_template_entry(row, entry, shipped[entry.exercise]))
    return items


def move_item(items: list[DosedItem], index: int, offset: int) -> list[DosedItem]:
    """Reorder in the editor: move one item up (-1) or down (+1)."""
    target = index + offset
    if not 0 <= index < len(items) or not 0 <= target < len(items):
        return list(items)
    moved = list(items)
    moved[index], moved[target] = moved[target], moved[index]
    return moved


def step_item(session_factory: SessionFactory, item: DosedItem, direction: str) -> DosedItem:
    """Swap an item for its library progression ('progress') or regression ('regress')."""
    with transaction(session_factory) as session:
        current = session.get(Exercise, item.exercise_id)
        if current is None:
            raise NotFoundError("That exercise is no longer in the library.")
        link = current.progression_library_id if direction == "progress" else current.regression_library_id
        target = by_library_id(session, link) if link else None
        if target is None:
            word = "harder" if direction == "progress" else "easier"
            raise ServiceError(f"{current.name} has no {word} version linked in the library.")
        return stepped_item(item, target)
