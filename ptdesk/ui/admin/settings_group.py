"""One clinic-settings group's life: load what is stored, show it, save it only if changed."""

from __future__ import annotations

from typing import Generic, TypeVar

from PySide6.QtWidgets import QGroupBox, QWidget

from ptdesk.domain.errors import ValidationError
from ptdesk.services.errors import ServiceError
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.error_label import ErrorLabel

Rules = TypeVar("Rules")


class SettingsGroup(QGroupBox, Generic[Rules]):
    """A group box in Clinic settings; read-only unless the user may edit settings.

    Subclasses build their inputs, then call `finish()`, and say how the setting is read
    (`read`), shown (`show_rules`), taken from the inputs (`wanted`, ValidationError when
    the domain refuses it) and stored (`store`, which returns what was stored). The
    Clinic settings dialog calls `save()` on every group: True when nothing needed saving
    or it saved; otherwise `error` says why, prefixed with `NOT_SAVED`.
    """

    NOT_SAVED = ""  # e.g. "Thresholds not saved: "

    def __init__(self, title: str, ctx: AppContext, parent: QWidget | None = None,
                 *, error_name: str = "fieldError") -> None:
        super().__init__(title, parent)
        self.ctx = ctx
        self.editable = ctx.can("edit_settings")
        self.error = ErrorLabel(self)
        self.error.setObjectName(error_name)
        self._loaded: Rules | None = None

    def finish(self, inputs: tuple[QWidget, ...]) -> None:
        """The inputs are built: lock them for a user who may not edit, show what is stored."""
        for widget in inputs:
            widget.setEnabled(self.editable)
        self.load()

    def load(self) -> None:
        self._loaded = self.read()
        self.show_rules(self._loaded)

    def save(self) -> bool:
        self.error.show_message("")
        if not self.editable:
            return True
        try:
            wanted = self.wanted()
            if wanted != self._loaded:
                self._loaded = self.store(wanted)
        except ValidationError as exc:
            self.error.show_message(self.NOT_SAVED + exc.message)
            return False
        except ServiceError as exc:
            self.error.show_message(self.NOT_SAVED + str(exc))
            return False
        return True

    # ---- what each group says -----------------------------------------------------------------

    def read(self) -> Rules:
        raise NotImplementedError

    def show_rules(self, rules: Rules) -> None:
        raise NotImplementedError

    def wanted(self) -> Rules:
        raise NotImplementedError

    def store(self, rules: Rules) -> Rules:
        raise NotImplementedError
