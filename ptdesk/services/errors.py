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
