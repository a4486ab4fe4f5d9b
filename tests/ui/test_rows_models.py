"""Every read-only list and table model is a RowsModel fed by column declarations; all pass Qt's tester."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt

from ptdesk.db.engine import SessionFactory
from ptdesk.domain.conflicts import FieldChange
from ptdesk.domain.runplan import PlanInputs
from ptdesk.services import accounts
from ptdesk.services.audit.log import report
from ptdesk.services.evaluations import create_visit, list_visits
from ptdesk.services.exercises import list_exercises, sync_library
from ptdesk.services.prescriptions import (
    items_from_template,
    prescription_history,
    save_prescription,
)
from ptdesk.services.runlogs import list_runs, log_run
from ptdesk.services.runplans import list_plans, save_plan
from ptdesk.ui.admin.audit_model import AuditModel
from ptdesk.ui.admin.users_model import UsersModel
from ptdesk.ui.chart.exercises.history_model import HistoryModel
from ptdesk.ui.chart.exercises.library_model import LibraryModel
from ptdesk.ui.chart.runlogs.runs_model import RunsTableModel
from ptdesk.ui.chart.runplan.saved_plans_model import SavedPlansModel
from ptdesk.ui.chart.visits.tab import VisitListModel
from ptdesk.ui.conflicts.conflict_changes_model import ChangesModel
from ptdesk.ui.kit.rows_model import ROW_ROLE, RowsModel
from tests.factories import ACTOR, ADMIN, make_episode, make_patient


@pytest.fixture
def rows(session_factory: SessionFactory) -> dict[str, list[Any]]:
    sync_library(session_factory)
    pid = make_patient(session_factory).id
    episode = make_episode(session_factory, pid)
    create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                 visit_date=date(2026, 10, 2), visit_type="initial_evaluation")
    save_prescription(session_factory, actor=ACTOR, patient_id=pid,
                      items=items_from_template(session_factory, "runners_knee_phase_1"),
                      effective_date=date(2026, 10, 2))
    start = date.today() - timedelta(days=7)
    save_plan(session_factory, actor=ACTOR, patient_id=pid,
              inputs=PlanInputs("minutes", 3, 10, 60, start=start, current_weekly=30))
    log_run(session_factory, actor=ACTOR, patient_id=pid, run_date=start, amount=10,
            kind="continuous", pain_during=2, next_morning="same", note="felt\nfine")
    return {
        "visits": list_visits(session_factory, pid, actor=ACTOR),
        "history": prescription_history(session_factory, pid, actor=ACTOR),
        "library": list_exercises(session_factory)[:5],
        "plans": list_plans(session_factory, pid, actor=ACTOR),
        "runs": list_runs(session_factory, pid, actor=ACTOR),
        "audit": report(session_factory, actor=ADMIN, action="create"),
        "users": accounts.list_users(session_factory, actor=ADMIN),
        "changes": [FieldChange("Note", "theirs", "", True), FieldChange("Plan", "", "x", False)],
    }


MODELS = {"visits": VisitListModel, "history": HistoryModel, "library": LibraryModel,
          "plans": SavedPlansModel, "runs": RunsTableModel, "audit": AuditModel,
          "users": UsersModel, "changes": ChangesModel}


@pytest.mark.parametrize("name", MODELS)
def test_each_model_passes_the_model_tester(qtmodeltester: Any, rows: dict[str, list[Any]],
                                            name: str) -> None:
    model = MODELS[name]()
    assert isinstance(model, RowsModel)
    data = rows[name]
    assert data, name
    if name == "runs":
        model.set_runs(data)
    else:
        model.set_rows(data)
    qtmodeltester.check(model)
    assert model.rowCount() == len(data)
    assert {model.index(r, 0).data(ROW_ROLE) for r in range(model.rowCount())} == set(data)
    assert all(model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount()))
