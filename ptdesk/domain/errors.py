"""The one error type every clinical validation rule raises."""

from __future__ import annotations


class ValidationError(ValueError):
    """A value a clinician entered is not acceptable.

    `field` names the input (as the form labels it, in snake_case) so a UI can
    put the message next to that field; `message` is plain clinic language.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
