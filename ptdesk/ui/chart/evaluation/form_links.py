"""Values one evaluation section suggests to another while the clinician types (never over their own text)."""

from __future__ import annotations

from collections.abc import Callable

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.note_findings import num
from ptdesk.ui.chart.evaluation.section import EvaluationSection


def footwear_text(model: str, drop_mm: float | None) -> str:
    """'Neutral daily trainer, 10 mm drop': the history's shoes as the gait footwear."""
    model = model.strip()
    if not model:
        return ""
    return f"{model}, {num(drop_mm)} mm drop" if drop_mm is not None else model


class FootwearFromShoes:
    """The gait assessment's footwear follows the shoes in the running history until the
    clinician types something else there (the runner is usually filmed in them)."""

    def __init__(self, subjective: EvaluationSection, gait: EvaluationSection,
                 is_loading: Callable[[], bool]) -> None:
        self.subjective, self.gait, self._is_loading = subjective, gait, is_loading
        self._suggested = ""
        subjective.edited.connect(self._on_subjective_edited)

    def _on_subjective_edited(self) -> None:
        if self._is_loading():
            self._suggested = ""  # a saved or restored note: its footwear is the clinician's
            return
        try:
            text = footwear_text(self.subjective.fields.value("shoe_model"),
                                 self.subjective.fields.value("shoe_drop_mm"))
        except ValidationError:
            return  # a drop still being typed
        current = str(self.gait.fields.raw()["gait.footwear"])
        if current.strip() in ("", self._suggested) and text != current:
            self.gait.fields.set_value("gait.footwear", text)
        if current.strip() in ("", self._suggested):
            self._suggested = text
