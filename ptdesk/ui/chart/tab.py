"""The ChartTab base class: what every chart tab declares about itself and the methods it provides."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from ptdesk.services.changes import ChangeKind
from ptdesk.ui.context import AppContext

if TYPE_CHECKING:
    from ptdesk.ui.chart.form_session import FormSession
    from ptdesk.ui.printing.print_flow import Kind as PrintKind


class ChartTab(QWidget):
    """One tab of the patient chart.

    A tab *declares* its facts as class attributes; the chart, its refresh, the view-only
    mode and printing read them and never probe the tab. Subclasses set every declaration
    (the contract test checks) and implement the methods that raise NotImplementedError.
    """

    # ---- declarations -------------------------------------------------------------------
    title: ClassVar[str] = ""                        # the caption ("&" marks the mnemonic)
    save_permission: ClassVar[str | None] = None     # None: nothing to save (read-only tab)
    refresh_kinds: ClassVar[frozenset[ChangeKind] | None] = frozenset()  # None: every kind
    prints: ClassVar[PrintKind | None] = None        # the document Ctrl+P offers for this tab
    print_menu_text: ClassVar[str] = ""              # its entry in the Print menu
    print_question: ClassVar[str] = "The printout shows what is saved. Save your changes first?"
    reload_keeps_edits: ClassVar[bool] = False       # a reload never overwrites typed text
    scrolls: ClassVar[bool] = True                   # sits in a scroll area, built on first show
    opens_visits: ClassVar[bool] = False             # the Visits list opens visits in this tab
    records_measures: ClassVar[bool] = False         # outcome forms open here (open_measure)

    _announcing: ClassVar[type[ChartTab] | None] = None  # the class whose save is being told

    visit_open_requested = Signal(int)  # a tab asks the chart to open a visit (visit id)
    measure_requested = Signal(int, str)  # a tab asks for a visit's outcome form (visit, measure)
    alerts_saved = Signal(int, object)  # (patient id, alerts): a save returned the header's alerts

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._patient_id: int | None = None
        self.edits: FormSession | None = None  # editable tabs: their edit lifecycle
        ctx.signals.data_changed.connect(self._on_signals_data_changed)

    @classmethod
    def name(cls) -> str:
        """The caption without its mnemonic: "Run plan"."""
        return cls.title.replace("&", "")

    @classmethod
    def refreshes_on(cls, kind: ChangeKind) -> bool:
        return cls.refresh_kinds is None or kind in cls.refresh_kinds

    # ---- required -----------------------------------------------------------------------

    def set_patient(self, patient_id: int | None) -> None:
        """Show this patient (None clears). Called after the previous patient's draft is flushed."""
        raise NotImplementedError

    def reload(self, offer_draft: bool = False) -> None:
        """Re-read what is saved, keeping the row or visit shown; with offer_draft the usual
        "Restore unsaved changes?" question follows."""
        raise NotImplementedError

    # ---- provided (editable tabs override) --------------------------------------------------

    def has_unsaved_changes(self) -> bool:
        """True while the tab holds edits not yet saved to the chart (drafts do not count)."""
        return self.edits is not None and self.edits.dirty

    def save(self) -> bool:
        """Ctrl+S: save to the chart. False when validation failed (messages shown by the fields)."""
        return True

    def flush_draft(self) -> None:
        """Autosave the current edits as a draft now (tab switch, patient switch, close)."""
        if self.edits is not None:
            self.edits.flush()

    def discard_changes(self) -> None:
        """The user chose Discard on close: drop the edits and their drafts."""

    def on_local_change(self, kind: ChangeKind) -> None:
        """Another part of this window saved `kind` (one of refresh_kinds) of the patient shown."""

    def announce(self, kind: ChangeKind) -> None:
        """Tell the app this tab saved `kind` of its patient.

        Every tab that declares the kind hears it through on_local_change, like news from
        another workstation; tabs of this tab's own class are left out (the one that saved
        shows what it saved, and a second one keeps its own edits).
        """
        ChartTab._announcing = type(self)
        try:
            self.ctx.signals.data_changed.emit(kind, self._patient_id or 0)
        finally:
            ChartTab._announcing = None

    def _on_signals_data_changed(self, kind: ChangeKind, patient_id: int) -> None:
        if (patient_id and patient_id == self._patient_id and type(self) is not ChartTab._announcing
                and self.refreshes_on(kind)):
            self.on_local_change(kind)

    def view_only_keep(self) -> list[QWidget]:
        """Widgets that stay usable when the user may only read this tab (navigation, Print)."""
        return []

    def remember_position(self) -> object:
        """What a reload should bring back into view (e.g. the selected visit)."""
        return None

    def restore_position(self, position: object) -> None:
        """Bring back what remember_position() returned."""

    def open_visit(self, visit_id: int) -> None:
        """Tabs that declare opens_visits show this visit."""
        raise NotImplementedError

    def open_measure(self, visit_id: int, measure: str) -> None:
        """Tabs that declare records_measures show this visit's form of `measure`."""
        raise NotImplementedError

    @property
    def patient_id(self) -> int | None:
        """The patient the tab shows (None when empty)."""
        return self._patient_id

    def print_handout(self) -> None:
        """Ctrl+P and the tab's Print button: offer to save edits, then print what `prints` names."""
        if self.prints is None or self._patient_id is None:
            return
        from ptdesk.ui.printing.print_flow import save_then_print

        title = "Print " + self.print_menu_text.replace("&", "").lower()
        save_then_print(self.ctx, self, self.prints, self._patient_id,
                        dirty=self.has_unsaved_changes(), save=self.save, title=title,
                        question=self.print_question, visit_id=self.print_visit_id())

    def print_visit_id(self) -> int | None:
        """The visit a visit printout shows (the evaluation); None: the latest signed one."""
        return None
