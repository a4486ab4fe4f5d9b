"""Values one evaluation section suggests to another while the clinician types (never over their own text)."""

from __future__ import annotations

from collections.abc import Callable

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.note_findings import num
from ptdesk.ui.chart.evaluation.fields import format_number
from ptdesk.ui.chart.evaluation.section import EvaluationSection


def footwear_text(model: str, drop_mm: float | None) -> str:
    """'Neutral daily trainer, 10 mm drop': the history's shoes as the gait footwear."""
    model = model.strip()
    if not model:
        return ""
    return f"{model}, {num(drop_mm)} mm drop" if drop_mm is not None else model


class _Follows:
    """A field that shows what another section implies until the clinician puts something
    else there: it follows while empty or still showing the last suggestion, never over
    their own entry. A saved or restored note's values are the clinician's."""

    def __init__(self, source: EvaluationSection, target: EvaluationSection, target_key: str,
                 is_loading: Callable[[], bool]) -> None:
        self.source, self.target, self.target_key = source, target, target_key
        self._is_loading = is_loading
        self._suggested = ""
        source.edited.connect(self._on_source_edited)

    def suggestion(self) -> str | None:
        """The raw text or choice key to show; None while the source is mid-typing."""
        raise NotImplementedError

    def _on_source_edited(self) -> None:
        if self._is_loading():
            self._suggested = ""
            return
        text = self.suggestion()
        if text is None:
            return
        current = str(self.target.fields.raw()[self.target_key])
        if current.strip() in ("", self._suggested):
            if text != current:
                self.target.fields.set_raw_value(self.target_key, text)
            self._suggested = text


class FootwearFromShoes(_Follows):
    """The gait assessment's footwear follows the shoes in the running history until the
    clinician types something else there (the runner is usually filmed in them)."""

    def __init__(self, subjective: EvaluationSection, gait: EvaluationSection,
                 is_loading: Callable[[], bool]) -> None:
        super().__init__(subjective, gait, "gait.footwear", is_loading)

    def suggestion(self) -> str | None:
        try:
            return footwear_text(self.source.fields.value("shoe_model"),
                                 self.source.fields.value("shoe_drop_mm"))
        except ValidationError:
            return None  # a drop still being typed


class SameTest(_Follows):
    """A readiness finding that another section of the same note already measured.

    CLINICAL.md lists single-leg heel raises per side under both the opposite-ankle exam
    and readiness to run, and single-leg squat quality under both the knee exam and
    readiness: one test each, done once in the visit. Readiness shows the exam's result
    until the clinician records something else there (e.g. a squat re-tested after the
    hop tests), so the two places never disagree by a slip of the keyboard.
    """

    def __init__(self, source: EvaluationSection, source_key: str, target: EvaluationSection,
                 target_key: str, is_loading: Callable[[], bool]) -> None:
        self.source_key = source_key
        super().__init__(source, target, target_key, is_loading)

    def suggestion(self) -> str | None:
        if self.target.isHidden():
            return None  # a visit without the readiness section (a follow-up) records none
        try:
            value = self.source.fields.value(self.source_key)
        except ValidationError:
            return None  # not a count yet: nothing to copy
        if isinstance(value, int | float):
            return format_number(value)
        return "" if value is None else str(value)  # a choice key


def same_tests(knee: EvaluationSection, ankle: EvaluationSection,
               readiness: EvaluationSection, is_loading: Callable[[], bool]) -> list[SameTest]:
    """Readiness heel raises from the ankle exam, its single-leg squat from the knee exam."""
    links = []
    for side in ("left", "right"):
        links.append(SameTest(ankle, f"ankle_{side}.heel_raise_count", readiness,
                              f"readiness.heel_raises_{side}", is_loading))
        links.append(SameTest(knee, f"knee_{side}.single_leg_squat", readiness,
                              f"readiness.squat_{side}", is_loading))
    return links
