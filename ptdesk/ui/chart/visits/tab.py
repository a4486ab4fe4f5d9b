"""The Visits tab: the patient's visit timeline, opening a visit and starting a new one."""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.errors import ValidationError
from ptdesk.services.changes import ChangeKind
from ptdesk.services.episodes import EpisodeInfo, active_episode
from ptdesk.services.errors import ServiceError
from ptdesk.services.evaluations import VisitSummary, create_visit, list_visits
from ptdesk.ui.chart.tab import ChartTab
from ptdesk.ui.chart.visits.date_of_service import DateOfServiceField
from ptdesk.ui.chart.visits.delete_draft import confirm_and_delete
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.rows_model import Column, RowsModel

VISIT_ID_ROLE = Qt.ItemDataRole.UserRole + 2  # the visit id (ROW_ROLE has the visit)
STATUS_LABELS = {"draft": "Draft (not signed)", "signed": "Signed"}
# (visit type, button text); the mnemonics let a clinician start a visit from the keyboard.
NEW_VISIT_BUTTONS = (
    ("initial_evaluation", "New &initial evaluation"),
    ("follow_up", "New &follow-up"),
    ("re_evaluation", "New &re-evaluation"),
    ("discharge", "New &discharge"),
)



def _visit_columns() -> tuple[Column[VisitSummary], ...]:
    return (Column("Date", lambda v: v.visit_date.strftime("%Y-%m-%d  %a")),
            Column("Visit", lambda v: v.type_label),
            Column("Status", lambda v: STATUS_LABELS.get(v.status, v.status.capitalize())),
            Column("Written", lambda v: v.late_entry_text))


class VisitListModel(RowsModel[VisitSummary]):
    """Visits newest first, as list_visits returns them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(_visit_columns(), parent, key=lambda v: v.id,
                         row_roles={VISIT_ID_ROLE: lambda v: v.id})

    set_visits = RowsModel.set_rows
    visit_at = RowsModel.row_at


class VisitsTab(ChartTab):
    """Implements ChartTab; it has nothing to save itself (visits are charted in Evaluation)."""

    title = "&Visits"
    save_permission = "edit_evaluation"
    refresh_kinds = frozenset({ChangeKind.EVALUATION, ChangeKind.EPISODE, ChangeKind.VISITS})
    scrolls = False

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.ctx = ctx
        self._episode: EpisodeInfo | None = None
        self.model = VisitListModel(self)
        self.view = QTableView(self)
        self.view.setObjectName("visitList")
        self.view.setAccessibleName("Visits")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setAlternatingRowColors(True)
        self.episode_label = QLabel(self)
        self.episode_label.setObjectName("visitsEpisode")
        self.episode_label.setWordWrap(True)
        self.new_buttons: dict[str, QPushButton] = {}
        buttons = QHBoxLayout()
        for visit_type, text in NEW_VISIT_BUTTONS:
            button = QPushButton(text, self)
            button.setObjectName(f"newVisit_{visit_type}")
            button.setAccessibleName(text.replace("&", ""))
            self.new_buttons[visit_type] = button
            buttons.addWidget(button)
        buttons.addStretch(1)
        # What to do with the selected visit, on a row of its own: seven buttons in one row
        # asked 820 px and squeezed the patient list of a 1024 px window (issue 19).
        actions = QHBoxLayout()
        self.open_button = QPushButton("&Open visit", self)
        self.open_button.setObjectName("openVisit")
        self.open_button.setAccessibleName("Open visit")
        actions.addWidget(self.open_button)
        self.delete_button = QPushButton("De&lete draft…", self)
        self.delete_button.setObjectName("deleteDraftVisit")
        self.delete_button.setAccessibleName("Delete unsigned note")
        self.delete_button.setToolTip("Delete an unsigned note started by mistake (its author "
                                      "or an administrator; signed notes are kept)")
        actions.addWidget(self.delete_button)
        self.print_button = QPushButton("Prin&t evaluation…", self)
        self.print_button.setObjectName("printEvaluation")
        self.print_button.setAccessibleName("Print evaluation")
        self.print_button.setToolTip("The selected visit's note and plan of care for the "
                                     "referring physician (a draft prints marked as not signed)")
        actions.addWidget(self.print_button)
        actions.addStretch(1)
        self.date_field = DateOfServiceField(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.episode_label)
        layout.addWidget(self.date_field)
        layout.addLayout(buttons)
        layout.addLayout(actions)
        layout.addWidget(self.view, 1)
        self._connect_signals()
        self._update_buttons()

    def _connect_signals(self) -> None:
        for visit_type, button in self.new_buttons.items():
            button.clicked.connect(lambda _=False, t=visit_type: self.new_visit(t))
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.view.activated.connect(self._on_view_activated)
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)

    # ---- ChartTab ---------------------------------------------------------------------

    def view_only_keep(self) -> list[QWidget]:
        # An administrator only reads charts, yet may delete a stray draft (the service
        # checks author or administrator); _update_buttons greys it out for others.
        return [self.open_button, self.delete_button, self.print_button]

    def set_patient(self, patient_id: int | None) -> None:
        self._patient_id = patient_id
        self.date_field.reset()
        self.reload()

    # ---- actions ---------------------------------------------------------------------

    def reload(self, offer_draft: bool = False) -> None:
        sf = self.ctx.session_factory
        if self._patient_id is None:
            self._episode = None
            self.model.set_visits([])
        else:
            self._episode = active_episode(sf, self._patient_id, actor=self.ctx.actor)
            self.model.set_visits(list_visits(sf, self._patient_id, actor=self.ctx.actor))
        if self._episode is None:
            self.episode_label.setText(
                "No active episode of care. Start one with Patient ▸ Edit patient… "
                "before adding visits." if self._patient_id is not None else "")
        else:
            count = self.model.rowCount()
            self.episode_label.setText(
                f"{self._episode.diagnosis} — {count} visit{'s' if count != 1 else ''} "
                "on record. Double-click a visit or press Enter to open it.")
        self._update_buttons()

    def new_visit(self, visit_type: str) -> int | None:
        """Start a visit of this type on the date of service typed (today unless changed)
        and open it; returns its id (None, with the reason by the field, when refused)."""
        if self._patient_id is None or self._episode is None:
            return None
        self.date_field.follow_today()
        day = self.date_field.value()
        if day is None:
            self.date_field.edit.setFocus()
            return None
        try:
            visit = create_visit(self.ctx.session_factory, actor=self.ctx.actor,
                                 episode_id=self._episode.id, visit_date=day,
                                 visit_type=visit_type)
        except ValidationError as exc:
            self.date_field.show_message(exc.message)
            return None
        except ServiceError as exc:
            QMessageBox.warning(self, "Visit not created", str(exc))
            return None
        self.date_field.reset()
        self.reload()
        self.announce(ChangeKind.VISITS)
        self.ctx.signals.status_message.emit(f"New {visit.type_label.lower()} started.")
        row = self.model.row_of(visit.id)
        if row is not None:
            self.view.selectRow(row)
        self.visit_open_requested.emit(visit.id)
        return visit.id

    def remember_position(self) -> object:
        return self.selected_visit()

    def restore_position(self, position: object) -> None:
        if isinstance(position, VisitSummary):
            row = self.model.row_of(position.id)
            if row is not None:
                self.view.selectRow(row)

    def selected_visit(self) -> VisitSummary | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.visit_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        for button in self.new_buttons.values():
            button.setEnabled(self._episode is not None)
        selected = self.selected_visit()
        self.open_button.setEnabled(selected is not None)
        may_delete = self.ctx.can("edit_evaluation") or self.ctx.role == "administrator"
        self.delete_button.setEnabled(may_delete and selected is not None
                                      and selected.status != "signed")
        self.print_button.setEnabled(self._patient_id is not None and self.model.rowCount() > 0)

    def _on_open_button_clicked(self) -> None:
        visit = self.selected_visit()
        if visit is not None:
            self.visit_open_requested.emit(visit.id)

    def _on_print_button_clicked(self) -> None:
        """The selected visit, or (none selected) the latest signed evaluation."""
        if self._patient_id is None:
            return
        from ptdesk.ui.printing.print_flow import start_print

        visit = self.selected_visit()
        start_print(self.ctx, self, "evaluation", self._patient_id,
                    visit_id=visit.id if visit is not None else None)

    def _on_delete_button_clicked(self) -> None:
        visit = self.selected_visit()
        if visit is None or not confirm_and_delete(self, self.ctx, visit):
            return
        self.reload()
        self.announce(ChangeKind.VISITS)
        self.ctx.signals.status_message.emit(f"Unsigned {visit.type_label.lower()} note "
                                             "deleted.")

    def _on_view_activated(self, index: QModelIndex) -> None:
        visit = self.model.visit_at(index.row())
        if visit is not None:
            self.visit_open_requested.emit(visit.id)

    def _on_selection_changed(self, *_args: object) -> None:
        self._update_buttons()

    def on_local_change(self, kind: ChangeKind) -> None:
        self.reload()
