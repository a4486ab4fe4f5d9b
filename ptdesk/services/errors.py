"""Errors services raise besides domain ValidationError."""

from __future__ import annotations


class ServiceError(Exception):
    """A request that cannot be carried out, explained in plain words."""


class NotFoundError(ServiceError):
    pass


class ConflictError(ServiceError):
    """Someone else saved this record since it was opened."""


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
