"""FormSession: the edit lifecycle every editable chart tab shares (dirty, autosave, draft, version)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from ptdesk.domain.errors import ValidationError
from ptdesk.services.drafts import DraftInfo
from ptdesk.services.errors import ConflictError, ServiceError
from ptdesk.ui.conflicts.conflict_flow import ConflictFlow
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.drafts import DraftStore

# Typed text reaches the draft store this long after the last keystroke.
AUTOSAVE_MS = 2000
T = TypeVar("T")


class FormSession(QObject):
    """One form being edited: what is typed is kept as a draft until it is saved.

    The tab tells it when the form is being filled by code (`loading()`), when the user
    edited it (`edited()`), which draft the form is (`open()`), and that it was saved
    (`saved()`: the save service deleted the draft in its own transaction, given `key`).
    `payload` turns the form into the draft's text.
    """

    dirty_changed = Signal(bool)  # the form now holds (True) or no longer holds unsaved edits

    def __init__(self, ctx: AppContext, parent: QWidget, *, what: str,
                 payload: Callable[[], str]) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.parent_widget = parent
        self.conflicts: ConflictFlow | None = None
        self.store = DraftStore(ctx.session_factory, ctx.actor)
        self.what = what                 # "exercise prescription": words for the prompt
        self._payload = payload
        self.key: str | None = None      # the draft's form key; None: nothing to keep
        self.patient_id: int | None = None
        self.label = ""
        self.version: int | None = None  # the saved version the form started from
        self.started_from: dict[str, str] | None = None  # its fields, for the conflict dialog
        self._dirty = False
        self._loading = 0
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.flush)

    def open(self, key: str | None, patient_id: int | None, label: str = "",
             version: int | None = None) -> None:
        """The form now shows this record (clean); its draft is `key`."""
        self.timer.stop()
        self.key, self.patient_id, self.label, self.version = key, patient_id, label, version
        self.started_from = None
        self.dirty = False

    @property
    def dirty(self) -> bool:
        """Edits on screen not yet saved to the chart (a draft does not count as saved)."""
        return self._dirty

    @dirty.setter
    def dirty(self, value: bool) -> None:
        if value != self._dirty:
            self._dirty = value
            self.dirty_changed.emit(value)  # the chart marks the tab's caption

    @property
    def is_loading(self) -> bool:
        """The form is being filled from code (the injured-ankle field tells its own edits)."""
        return self._loading > 0

    @contextmanager
    def loading(self) -> Iterator[None]:
        """Filling the form from code: its change signals are not edits."""
        self._loading += 1
        try:
            yield
        finally:
            self._loading -= 1

    def edited(self) -> bool:
        """The user changed the form: mark it dirty and autosave soon. False while loading."""
        if self._loading or self.key is None:
            return False
        self.dirty = True
        self.timer.start()
        return True

    def flush(self, force: bool = False) -> None:
        """Keep the edits as a draft now (autosave, tab or patient switch, lock, close)."""
        self.timer.stop()
        if (self.dirty or force) and self.key is not None:
            self.store.save(self.key, self._payload(), patient_id=self.patient_id,
                            label=self.label)

    def saved(self, version: int | None = None) -> None:
        """The save went through (and took the draft with it); `version` is the new one."""
        self.clean()
        if version is not None:
            self.version = version

    def adopt(self, version: object) -> None:
        """A draft typed on an older version: saving it must not replace the newer one
        unseen, so the save is checked against the version the draft was typed on."""
        if isinstance(version, int) and version != self.version:
            self.version, self.started_from = version, None  # what it started from: unknown

    def save(self, call: Callable[[str | None], T], *, title: str, failed_title: str,
             invalid: Callable[[ValidationError], None], note: Callable[[str], None],
             conflict_note: str) -> T | None:
        """Run a save service (given the draft key to delete in its transaction).

        A refusal is shown where it belongs: bad input by `invalid`, someone else's newer
        save as the conflict dialog titled `title` (with `conflict_note`), anything else in a
        message box titled `failed_title`.
        The result, or None when nothing was saved (the edits and their draft stay).
        """
        try:
            result = call(self.key)
        except ValidationError as exc:
            invalid(exc)
            return None
        except ConflictError as exc:
            note(conflict_note)
            self.show_conflict(exc, title)
            return None
        except ServiceError as exc:
            QMessageBox.warning(self.parent_widget, failed_title, str(exc))
            return None
        self.saved()
        return result

    def clean(self) -> None:
        """Forget the edits on screen (a reload); their draft, if flushed, stays."""
        self.timer.stop()
        self.dirty = False

    def discard(self) -> None:
        """Drop the edits' draft (Discard on close, taking the other version in a conflict)."""
        self.timer.stop()
        self.dirty = False
        if self.key is not None:
            self.store.discard(self.key)

    # ---- conflicts: someone else saved the same record first ---------------------------------

    def watch_conflicts(self, what: str, *, reload: Callable[[], None],
                        restore: Callable[[str], bool]) -> ConflictFlow:
        """The conflict dialog and kept-copy bar for this form (`what`: "visit note").

        "Reload their version" drops this form's draft (the dialog keeps a copy of the text)
        and calls `reload`; "Put my text back" calls `restore` with the kept form.
        """
        def reload_theirs() -> None:
            self.discard()
            reload()

        self.conflicts = ConflictFlow(self.ctx, self.parent_widget, what, reload=reload_theirs,
                                      restore=restore, has_changes=lambda: self.dirty)
        return self.conflicts

    def show_conflict(self, error: ConflictError, title: str) -> None:
        """The save was refused: keep the text as a draft, then show both versions."""
        assert self.conflicts is not None, "watch_conflicts() first"
        self.flush(force=True)
        self.conflicts.show_conflict(error, self.started_from, form=self._payload(),
                                     title=title)

    def offer(self) -> DraftInfo | None:
        """The form's draft, if the clinician wants it back (declining discards it)."""
        if self.key is None:
            return None
        return self.store.offer(self.parent_widget, [self.key], self.what).get(self.key)
