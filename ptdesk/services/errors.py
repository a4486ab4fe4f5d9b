"""Errors services raise besides domain ValidationError."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the UI's sign-in prompt and crash guard import this module at start-up
    from datetime import datetime

    from ptdesk.domain.conflicts import FieldChange


class ServiceError(Exception):
    """A request that cannot be carried out, explained in plain words."""


class NotFoundError(ServiceError):
    pass


class ConflictError(ServiceError):
    """Someone else saved this record since it was opened.

    Besides the message it carries who saved it and when (from the audit log) and both
    versions as flat {field label: text}: `theirs` is what is saved now, `yours` what
    this save tried to write, so the user's text is never lost with the failed save.
    The texts are PHI: they stay out of the message (and so out of any log or traceback).
    """

    def __init__(
        self, message: str = "Someone else saved this record since you opened it.", *,
        changed_by: str | None = None, changed_at: datetime | None = None,
        workstation: str | None = None, theirs: Mapping[str, str] | None = None,
        yours: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.workstation = workstation
        self.theirs: dict[str, str] | None = dict(theirs) if theirs is not None else None
        self.yours: dict[str, str] | None = dict(yours) if yours is not None else None

    def changes(self, started_from: Mapping[str, str] | None) -> tuple[FieldChange, ...]:
        """The fields the other person changed since `started_from` (what you opened).

        Without a starting point (or without the saved versions) every field where the
        two versions differ is listed, since it cannot be told who changed it.
        """
        from ptdesk.domain.conflicts import changed_by_them, differing_fields

        theirs, yours = self.theirs or {}, self.yours or {}
        if started_from is None:
            return differing_fields(theirs, yours)
        return changed_by_them(started_from, theirs, yours)

    def __reduce__(self) -> tuple[object, ...]:
        # Keeps the details when the error crosses a process boundary (pickle).
        return (type(self), (self.message,), dict(self.__dict__))


class RecordLockedError(ServiceError):
    """A signed note cannot be changed; corrections are addenda."""


class PermissionDeniedError(ServiceError):
    """The signed-in user's role does not allow this action."""


class LoginRefusedError(ServiceError):
    """Sign-in failed; `retry_after` is how many seconds to wait before the next try (0: none)."""

    def __init__(self, message: str, retry_after: float = 0.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class StorageError(ServiceError):
    """The database could not write (disk full, I/O error, busy); everything was rolled back."""
