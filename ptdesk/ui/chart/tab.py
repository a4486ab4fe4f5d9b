"""The contract every tab of the patient chart follows, so the chart can save, autosave and switch."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class ChartTab(Protocol):
    def set_patient(self, patient_id: int | None) -> None:
        """Show this patient (None clears). Called after the previous patient's draft is flushed."""

    def has_unsaved_changes(self) -> bool:
        """True while the tab holds edits not yet saved to the chart (drafts do not count)."""

    def save(self) -> bool:
        """Ctrl+S: save to the chart. False when validation failed (messages shown by the fields)."""

    def flush_draft(self) -> None:
        """Autosave the current edits as a draft now (tab switch, patient switch, close)."""
