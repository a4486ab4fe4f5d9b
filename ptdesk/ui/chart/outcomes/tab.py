"""The Outcomes tab: pick a visit, enter NPRS, LEFS, Kujala and PSFS, save, see the change vs MCID."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.errors import ValidationError
from ptdesk.services.changes import ChangeKind
from ptdesk.services.episodes import list_episodes
from ptdesk.services.errors import ServiceError
from ptdesk.services.evaluations import VisitSummary, list_visits
from ptdesk.services.late_outcomes import record_late_outcome
from ptdesk.services.outcomes import OutcomeRecord, list_outcomes, record_outcome
from ptdesk.ui.chart.form_session import FormSession
from ptdesk.ui.chart.outcomes.change_text import is_patellofemoral, result_at_visit, result_line
from ptdesk.ui.chart.outcomes.form_base import MeasureForm
from ptdesk.ui.chart.outcomes.kujala_form import KujalaForm
from ptdesk.ui.chart.outcomes.lefs_form import LefsForm
from ptdesk.ui.chart.outcomes.measure_page import MeasurePage
from ptdesk.ui.chart.outcomes.nprs_form import NprsForm
from ptdesk.ui.chart.outcomes.outcome_drafts import LABELS, draft_payload, form_key, read_state
from ptdesk.ui.chart.outcomes.psfs_form import PsfsForm
from ptdesk.ui.chart.tab import ChartTab
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.text import day_text

MEASURE_ORDER = ("nprs", "lefs", "kujala", "psfs")
SIGNED_VISIT = ("This visit's note is signed and stays as signed. A measure missing from it "
                "can still be added: it is kept beside the note as a dated late entry.")


def visit_text(visit: VisitSummary) -> str:
    signed = " · signed" if visit.status == "signed" else ""
    return f"{day_text(visit.visit_date)} · {visit.type_label}{signed}"


class OutcomesTab(ChartTab):
    """ChartTab for outcome measures (see `ptdesk.ui.chart.tab.ChartTab`)."""

    title = "Outcomes"
    save_permission = "edit_evaluation"
    refresh_kinds = frozenset({ChangeKind.OUTCOMES, ChangeKind.EVALUATION, ChangeKind.EPISODE,
                               ChangeKind.VISITS})
    records_measures = True

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._ctx = ctx
        self._visits: list[VisitSummary] = []
        self._visit: VisitSummary | None = None
        self._records: list[OutcomeRecord] = []
        self._patellofemoral = False
        self._loading = False  # the visit list is being filled
        self.forms: dict[str, MeasureForm] = {
            "nprs": NprsForm(), "lefs": LefsForm(), "kujala": KujalaForm(), "psfs": PsfsForm()}
        self.measure_edits = {m: FormSession(ctx, self, what="outcome forms of this visit",
                                     payload=lambda m=m: draft_payload(self.forms[m].raw_state()))
                      for m in MEASURE_ORDER}
        self.pages = {measure: MeasurePage(form) for measure, form in self.forms.items()}
        self.measure_tabs = QTabWidget()
        self.measure_tabs.setObjectName("outcome_measures")
        for measure in MEASURE_ORDER:
            self.measure_tabs.addTab(self.pages[measure], self.forms[measure].title)
        self.visit_combo = QComboBox()
        self.visit_combo.setObjectName("outcome_visit")
        self.visit_combo.setAccessibleName("Visit")
        self.visit_combo.setMinimumContentsLength(30)
        self.visit_status = QLabel()
        self.visit_status.setObjectName("outcome_visit_status")
        self.visit_status.setWordWrap(True)
        self._build_layout()
        self._connect_signals()
        self.set_patient(None)

    def _build_layout(self) -> None:
        top = QHBoxLayout()
        visit_label = QLabel("&Visit")
        visit_label.setBuddy(self.visit_combo)
        top.addWidget(visit_label)
        top.addWidget(self.visit_combo)
        top.addSpacing(12)
        top.addWidget(self.visit_status, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.measure_tabs, 1)

    def _connect_signals(self) -> None:
        self.visit_combo.currentIndexChanged.connect(self._on_visit_combo_current_index_changed)
        for measure, page in self.pages.items():
            page.form.changed.connect(lambda m=measure: self._on_form_changed(m))
            page.save_button.clicked.connect(lambda _c=False, m=measure: self.save_measure(m))

    # --- ChartTab --------------------------------------------------------------------------
    def view_only_keep(self) -> list[QWidget]:
        return [self.visit_combo]

    def open_measure(self, visit_id: int, measure: str) -> None:
        """Show this visit's form of `measure` (the evaluation's Outcome measures buttons)."""
        index = self.visit_combo.findData(visit_id)
        if index < 0:
            self._load_visits(keep=visit_id)
            index = self.visit_combo.findData(visit_id)
        if index >= 0 and index != self.visit_combo.currentIndex():
            self.visit_combo.setCurrentIndex(index)  # opens it (drafts offered as usual)
        if measure in self.pages:
            self.measure_tabs.setCurrentWidget(self.pages[measure])
            self.forms[measure].setFocus()

    def set_patient(self, patient_id: int | None) -> None:
        self.flush_draft()
        self._patient_id = patient_id
        self._patellofemoral = False
        if patient_id is not None:
            episodes = list_episodes(self._ctx.session_factory, patient_id,
                                     actor=self._ctx.actor)
            active = [e for e in episodes if e.status == "active"] or episodes
            self._patellofemoral = is_patellofemoral(active[-1] if active else None)
        self._load_visits(keep=None)

    def has_unsaved_changes(self) -> bool:
        return bool(self._dirty())

    def _dirty(self) -> list[str]:
        return [m for m, edits in self.measure_edits.items() if edits.dirty]

    def save(self) -> bool:
        """Ctrl+S: save every changed form; stop at the first one that needs fixing."""
        for measure in MEASURE_ORDER:
            if self.measure_edits[measure].dirty and not self.save_measure(measure):
                self.measure_tabs.setCurrentWidget(self.pages[measure])
                return False
        return True

    def flush_draft(self) -> None:
        for edits in self.measure_edits.values():
            edits.flush()

    def discard_changes(self) -> None:
        for edits in self.measure_edits.values():
            if edits.dirty:
                edits.discard()
        if self._visit is not None:
            self._open_visit(self._visit, offer_drafts=False)

    def reload(self, offer_draft: bool = False) -> None:
        """Show what is saved now (another workstation saved), on the same visit.

        Edits on screen are dropped: the chart calls flush_draft() first to keep them, and
        with `offer_draft` they are offered back as usual.
        """
        for edits in self.measure_edits.values():
            edits.clean()
        shown = self._visit
        self._load_visits(keep=shown.id if shown else None)
        if shown is not None and self._visit is not None and self._visit.id == shown.id:
            self._open_visit(self._visit, offer_drafts=offer_draft)

    # --- saving ----------------------------------------------------------------------------
    def save_measure(self, measure: str) -> bool:
        visit, form, page = self._visit, self.forms[measure], self.pages[measure]
        if visit is None or self._patient_id is None:
            return False
        form.clear_errors()
        try:
            items, allow_missing = form.collect()
            if visit.status == "signed":  # the note stays as signed: a dated late entry
                record = record_late_outcome(self._ctx.session_factory, actor=self._ctx.actor,
                                             visit_id=visit.id, measure=measure, items=items,
                                             allow_missing=allow_missing)
            else:
                record = record_outcome(self._ctx.session_factory, actor=self._ctx.actor,
                                        visit_id=visit.id, measure=measure, items=items,
                                        allow_missing=allow_missing,
                                        draft_key=self.measure_edits[measure].key)
        except ValidationError as exc:
            form.show_error(exc)
            page.set_state("Not saved: see the message in red. Your answers are kept.")
            return False
        except ServiceError as exc:
            page.set_state(f"Not saved: {exc}")
            QMessageBox.warning(self, f"Save {form.title}", str(exc))
            return False
        self.measure_edits[measure].saved()
        self._mark_tab(measure)
        self._records = list_outcomes(self._ctx.session_factory, self._patient_id,
                                      actor=self._ctx.actor)
        self._show_results()
        late = f" {record.late_entry_text}." if record.late_entry else ""
        page.set_state(f"Saved: {result_line(record)}.{late}")
        if record.late_entry:
            page.set_editable(False)  # once; corrections are addenda
        self.announce(ChangeKind.OUTCOMES)
        self._ctx.signals.status_message.emit(f"{form.title} saved.")
        return True

    # --- loading ---------------------------------------------------------------------------
    def _load_visits(self, keep: int | None) -> None:
        self.flush_draft()  # the visit shown may change below; its edits stay as a draft
        sf = self._ctx.session_factory
        self._visits = (list_visits(sf, self._patient_id, actor=self._ctx.actor)
                        if self._patient_id is not None else [])
        self._loading = True
        try:
            self.visit_combo.clear()
            for visit in self._visits:  # newest first: the visit being charted is on top
                self.visit_combo.addItem(visit_text(visit), visit.id)
            index = self.visit_combo.findData(keep) if keep is not None else 0
            self.visit_combo.setCurrentIndex(max(index, 0) if self._visits else -1)
        finally:
            self._loading = False
        self.visit_combo.setEnabled(bool(self._visits))
        if not self._visits:
            self._visit = None
            for measure, page in self.pages.items():
                self.measure_edits[measure].open(None, self._patient_id)
                page.form.load_record(None)
                page.update_total()
                page.set_state("")
                page.set_editable(False)
                self._mark_tab(measure)
            self._show_results()
            self.visit_status.setText("Select a patient first." if self._patient_id is None
                                      else "No visits yet: create a visit in the Visits tab, "
                                           "then record outcome measures for it.")
            return
        chosen = self._visits[self.visit_combo.currentIndex()]
        if self._visit is None or chosen.id != self._visit.id or keep is None:
            self._open_visit(chosen)
        else:
            self._visit = chosen  # same visit: a status change (signed) shows; edits stay

    def _open_visit(self, visit: VisitSummary, offer_drafts: bool = True) -> None:
        assert self._patient_id is not None
        self._visit = visit
        editable = visit.status != "signed"
        for measure, edits in self.measure_edits.items():
            edits.open(form_key(visit.id, measure) if editable else None, visit.patient_id,
                       f"{LABELS[measure]} {visit.visit_date:%Y-%m-%d}")
        self._records = list_outcomes(self._ctx.session_factory, self._patient_id,
                                      actor=self._ctx.actor)
        here = {r.measure: r for r in self._records if r.visit_id == visit.id}
        for measure, page in self.pages.items():
            page.form.clear_errors()
            page.form.load_record(here.get(measure))
            record = here.get(measure)
            page.set_state(f"{record.late_entry_text}: added after the note was signed."
                           if record is not None and record.late_entry else "")
            # A signed note's missing measure can still be added, once, as a late entry.
            page.set_editable(editable or record is None)
        if "psfs" not in here:
            self._prefill_psfs(visit)
        if editable:
            self.visit_status.setText("Draft visit: outcome forms can be entered or corrected.")
            store = self.measure_edits["nprs"].store
            keys = {form_key(visit.id, m): m for m in MEASURE_ORDER}
            restored = store.offer(self, keys, "outcome forms of this visit") \
                if offer_drafts else {}
            for key, draft in restored.items():
                measure, state = keys[key], read_state(draft.payload)
                if state is None:
                    continue
                self.forms[measure].set_raw_state(state)
                self.pages[measure].set_state("Restored unsaved changes: not saved yet.")
                self.measure_edits[measure].dirty = True
        else:
            self.visit_status.setText(SIGNED_VISIT)
        for measure, page in self.pages.items():
            page.update_total()
            self._mark_tab(measure)
        self._show_results()

    def _prefill_psfs(self, visit: VisitSummary) -> None:
        episode = visit.episode_id
        episode_of = {v.id: v.episode_id for v in self._visits}
        earlier = [r for r in self._records if r.measure == "psfs" and r.items
                   and episode_of.get(r.visit_id) == episode and r.visit_date <= visit.visit_date]
        if earlier:
            last = earlier[-1]
            self.forms["psfs"].prefill_activities(  # type: ignore[attr-defined]
                [label for _k, label, _v in last.items], day_text(last.visit_date))

    def _show_results(self) -> None:
        for measure, page in self.pages.items():
            page.result.set_result(None if self._visit is None else result_at_visit(
                self._records, self._visits, self._visit.id, measure, self._patellofemoral))

    def _mark_tab(self, measure: str) -> None:
        saved = self._visit is not None and any(
            r.visit_id == self._visit.id and r.measure == measure for r in self._records)
        title = self.forms[measure].title
        mark = " •" if self.measure_edits[measure].dirty else (" ✓" if saved else "")
        self.measure_tabs.setTabText(self.measure_tabs.indexOf(self.pages[measure]), title + mark)

    # --- slots -----------------------------------------------------------------------------
    def _on_form_changed(self, measure: str) -> None:
        self.pages[measure].update_total()
        if self._loading or self._visit is None:
            return
        first = not self.measure_edits[measure].dirty
        if self.measure_edits[measure].edited() and first:
            self._mark_tab(measure)
            self.pages[measure].set_state("Unsaved changes (kept as a draft while you work).")

    def _on_visit_combo_current_index_changed(self, index: int) -> None:
        if self._loading or not 0 <= index < len(self._visits):
            return
        self.flush_draft()  # drafts are per visit, so the edits wait for the clinician's return
        self._open_visit(self._visits[index])

    def on_local_change(self, kind: ChangeKind) -> None:
        self._load_visits(keep=self._visit.id if self._visit else None)
