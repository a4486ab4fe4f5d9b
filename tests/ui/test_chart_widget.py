"""Chart widget, header alerts, Overview and Visits tabs (including the visit list model)."""

from __future__ import annotations

import datetime as dt
from datetime import date
from decimal import Decimal

from ptdesk.db.engine import SessionFactory
from ptdesk.domain import evaluation as ev
from ptdesk.domain.runplan import PlanInputs
from ptdesk.domain.strength_alerts import strength_alerts
from ptdesk.services.changes import ChangeKind
from ptdesk.services.evaluations import create_visit, list_visits, save_evaluation
from ptdesk.services.exercises import sync_library
from ptdesk.services.prescriptions import items_from_template, save_prescription
from ptdesk.services.runplans import save_plan
from ptdesk.ui.chart.chart_widget import ChartWidget
from ptdesk.ui.chart.registry import tab_classes
from ptdesk.ui.chart.visits.tab import VisitListModel, VisitsTab
from ptdesk.ui.context import AppContext
from tests.factories import ACTOR, full_evaluation, make_episode, make_patient


def dyn(group: str, side: str, value: float, unit: str = "kg") -> ev.StrengthMeasurement:
    return ev.StrengthMeasurement(group, side, "dynamometer", value=value, unit=unit)


def mmt(group: str, side: str, grade: str) -> ev.StrengthMeasurement:
    return ev.StrengthMeasurement(group, side, "mmt", mmt_grade=grade)


# ---- header alerts -------------------------------------------------------------------------

def test_lsi_alert_compares_involved_with_the_other_side() -> None:
    rows = [dyn("hip_abduction", "left", 18), dyn("hip_abduction", "right", 13)]
    assert strength_alerts(rows, "right") == ["Hip abduction LSI 72%"]
    assert strength_alerts(rows, "left") == []  # the involved side is the stronger one


def test_lsi_alert_converts_units_and_uses_grades() -> None:
    rows = [dyn("knee_extension", "left", 40, "kg"), dyn("knee_extension", "right", 300, "N"),
            mmt("hip_extension", "left", "5"), mmt("hip_extension", "right", "4"),
            mmt("hip_flexion", "left", "5"), mmt("hip_flexion", "right", "5")]
    # 300 N / (40 kg x 9.80665) = 76%; grade 4 vs 5 is a full grade down, shown as grades
    # (never "80%"); equal grades are not flagged.
    assert strength_alerts(rows, "right") == [
        "Hip extension grades 5 / 4 (L / R): a full grade down", "Knee extension LSI 76%"]


def test_no_alert_at_90_percent_for_one_side_or_for_both_legs() -> None:
    rows = [dyn("hip_abduction", "left", 20), dyn("hip_abduction", "right", 18),
            dyn("hip_flexion", "right", 5), mmt("knee_flexion", "left", "5"),
            dyn("knee_flexion", "right", 10)]
    assert strength_alerts(rows, "right") == []
    # Both legs involved: weaker compared with stronger, and the alert says so (issue 17).
    assert strength_alerts([dyn("hip_abduction", "left", 20),
                            dyn("hip_abduction", "right", 10)], "both") == [
        "Hip abduction LSI 50% (right weaker; weaker vs stronger)"]


def test_ankle_rows_use_the_injured_ankle_and_grades_are_never_a_percentage() -> None:
    # Issue 17: right-knee episode, left ankle sprain, left calf 30 kg vs 40 kg.
    rows = [dyn("ankle_plantarflexion", "left", 30), dyn("ankle_plantarflexion", "right", 40),
            mmt("hip_abduction", "left", "5"), mmt("hip_abduction", "right", "4")]
    alerts = strength_alerts(rows, "right", "left")
    assert alerts == ["Hip abduction grades 5 / 4 (L / R): a full grade down",
                      "Ankle plantarflexion LSI 75%"]
    assert not any("80%" in a or "133%" in a for a in alerts)
    # Judged on the knee's side (the old rule) the calf read 133% and was missed.
    assert strength_alerts(rows, "right", "right") == [alerts[0]]
    # Ankle side not recorded: weaker vs stronger, said so.
    assert "Ankle plantarflexion LSI 75% (left weaker; weaker vs stronger)" in strength_alerts(
        rows, "right", None)
    # Less than a full grade (4+ vs 5) is no grade flag.
    assert strength_alerts([mmt("hip_abduction", "left", "5"),
                            mmt("hip_abduction", "right", "4+")], "right") == []


def test_header_flags_the_left_calf_of_a_right_knee_episode(
        qtbot, ctx: AppContext, session_factory: SessionFactory) -> None:
    from ptdesk.services.episodes import set_injured_ankle_side

    pid = make_patient(session_factory).id
    episode = make_episode(session_factory, pid)  # right knee
    assert episode.affected_side == "right"
    set_injured_ankle_side(session_factory, actor=ACTOR, episode_id=episode.id, side="left")
    visit = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=date(2026, 10, 2), visit_type="initial_evaluation")
    save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id, evaluation=ev.Evaluation(
        strength=(dyn("ankle_plantarflexion", "left", 30),
                  dyn("ankle_plantarflexion", "right", 40),
                  mmt("hip_extension", "left", "5"), mmt("hip_extension", "right", "4"))))
    chart = ChartWidget(ctx)
    qtbot.addWidget(chart)
    chart.set_patient(pid)
    assert "affected: right side · injured ankle: left" in chart.header.episode_label.text()
    text = chart.header.alerts_label.text()
    assert "Ankle plantarflexion LSI 75%" in text
    assert "Hip extension grades 5 / 4 (L / R): a full grade down" in text
    assert "80%" not in text


def test_header_uses_the_latest_visit_with_strength(qtbot, ctx: AppContext,
                                                    session_factory: SessionFactory) -> None:
    pid = make_patient(session_factory).id
    episode = make_episode(session_factory, pid)
    first = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=date(2026, 10, 2), visit_type="initial_evaluation")
    save_evaluation(session_factory, actor=ACTOR, visit_id=first.id, evaluation=full_evaluation())
    create_visit(session_factory, actor=ACTOR, episode_id=episode.id,  # empty, charted later
                 visit_date=date(2026, 10, 9), visit_type="follow_up")
    chart = ChartWidget(ctx)
    qtbot.addWidget(chart)
    chart.set_patient(pid)
    assert "Hip abduction LSI 72%" in chart.header.alerts_label.text()
    better = ev.Evaluation(strength=(dyn("hip_abduction", "left", 18),
                                     dyn("hip_abduction", "right", 17.5)))
    latest = list_visits(session_factory, pid, actor=ACTOR)[0]
    save_evaluation(session_factory, actor=ACTOR, visit_id=latest.id, evaluation=better)
    ctx.signals.data_changed.emit("evaluation", pid)
    assert chart.header.alerts_label.text() == ""
    assert chart.header.alerts_label.isHidden()


def test_an_evaluation_save_returns_the_alerts_the_header_shows(
        qtbot, ctx: AppContext, session_factory: SessionFactory, monkeypatch) -> None:
    pid = make_patient(session_factory).id
    episode = make_episode(session_factory, pid)
    visit = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=date(2026, 10, 2), visit_type="initial_evaluation")
    save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id, evaluation=full_evaluation())
    # The injured ankle already confirmed: a save that also stores it is an episode change,
    # which rightly refreshes the header (issue 17); this test is about the evaluation alone.
    from ptdesk.services.episodes import set_injured_ankle_side, suggest_ankle_side

    set_injured_ankle_side(session_factory, actor=ACTOR, episode_id=episode.id,
                           side=suggest_ankle_side(session_factory, episode.id, actor=ACTOR))
    chart = ChartWidget(ctx)
    qtbot.addWidget(chart)
    chart.set_patient(pid)
    assert "Hip abduction LSI 72%" in chart.header.alerts_label.text()
    tab = chart.evaluation_tab
    chart.open_visit(visit.id)
    better = ev.Evaluation(strength=(dyn("hip_abduction", "left", 18),
                                     dyn("hip_abduction", "right", 17.5)))
    monkeypatch.setattr(tab, "build_evaluation", lambda: better)

    def read_again(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the header read its alerts again after the save")

    monkeypatch.setattr("ptdesk.ui.chart.chart_widget.chart_header", read_again)
    assert tab.save()
    assert chart.header.alerts_label.text() == ""
    assert chart.header.alerts_label.isHidden()


# ---- chart widget ------------------------------------------------------------------------------

def test_every_chart_tab_is_a_real_tab(qtbot, ctx: AppContext) -> None:
    from ptdesk.ui.chart.tab import ChartTab

    for cls in tab_classes():
        tab = cls(ctx)
        qtbot.addWidget(tab)
        assert isinstance(tab, ChartTab), cls.title


def test_tabs_load_only_when_shown(qtbot, ctx: AppContext, session_factory: SessionFactory,
                                   monkeypatch) -> None:
    pid = make_patient(session_factory).id
    chart = ChartWidget(ctx)
    qtbot.addWidget(chart)
    loaded: list[str] = []
    for name in ("overview_tab", "visits_tab"):
        tab = getattr(chart, name)
        real = tab.set_patient
        monkeypatch.setattr(tab, "set_patient", lambda p, n=name, r=real: (loaded.append(n), r(p)))
    chart.set_patient(pid)
    assert loaded == ["overview_tab"]
    chart.set_patient(pid)  # same chart again: nothing reloads, nothing is lost
    assert loaded == ["overview_tab"]
    chart.show_tab(chart.visits_tab)
    assert loaded == ["overview_tab", "visits_tab"]
    chart.set_patient(None)
    assert chart.stack.currentWidget() is chart.empty_label


def test_tab_switch_flushes_the_draft_of_the_tab_left(qtbot, ctx: AppContext,
                                                      session_factory: SessionFactory,
                                                      monkeypatch) -> None:
    pid = make_patient(session_factory).id
    chart = ChartWidget(ctx)
    qtbot.addWidget(chart)
    chart.set_patient(pid)
    flushed: list[str] = []
    monkeypatch.setattr(chart.overview_tab, "flush_draft", lambda: flushed.append("overview"))
    chart.show_tab(chart.visits_tab)
    assert flushed == ["overview"]


# ---- overview ------------------------------------------------------------------------------------

def test_overview_shows_episode_goals_visit_programme_and_plan(qtbot, ctx: AppContext,
                                                               session_factory: SessionFactory) -> None:
    sync_library(session_factory)
    pid = make_patient(session_factory).id
    episode = make_episode(session_factory, pid)
    visit = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=date(2026, 10, 2), visit_type="initial_evaluation")
    save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id, evaluation=full_evaluation())
    items = items_from_template(session_factory, "runners_knee_phase_1")
    save_prescription(session_factory, actor=ACTOR, patient_id=pid, items=items,
                      effective_date=date(2026, 10, 2))
    save_plan(session_factory, actor=ACTOR, patient_id=pid,
              inputs=PlanInputs("km", 3, "2", "15", current_weekly=3 * Decimal("2"), start=dt.date(2026, 11, 23)))
    chart = ChartWidget(ctx)
    qtbot.addWidget(chart)
    chart.set_patient(pid)
    text = {key: label.text() for key, label in chart.overview_tab.labels.items()}
    assert text["episode"].startswith("Patellofemoral pain syndrome (M22.2X1)\nAffected side: right")
    assert text["goals"].startswith("• Run 10 miles without knee pain — by 2027-03-01")
    assert text["last_visit"].startswith("2026-10-02 · Initial evaluation · draft, not signed")
    assert "Pain now 2/10, worst 5/10" in text["last_visit"]
    assert "Cadence 160 steps/min → target 172" in text["last_visit"]
    assert text["prescription"].startswith(f"Since 2026-10-02 · {len(items)} exercises\n1. ")
    assert items[0].exercise_name in text["prescription"]
    assert text["plan"].startswith("3 runs a week, building to 15 km a week")



def test_overview_cadence_target_comes_from_the_intake_and_a_paused_plan_says_so(
        qtbot, ctx: AppContext, session_factory: SessionFactory) -> None:
    # Issue 14 item 8: the Overview showed the latest cadence + the percentage (compounding
    # after retraining); issue 14 pause: the Overview says to contact the clinic.
    import dataclasses

    from ptdesk.services.runplans import pause_plan
    from ptdesk.ui.kit.plan_pause import PAUSED_TEXT

    pid = make_patient(session_factory).id
    episode = make_episode(session_factory, pid)
    intake = full_evaluation()
    assert intake.gait is not None and intake.gait.cadence_spm == 160
    for day, cadence in ((date(2026, 10, 2), 160), (date(2026, 11, 2), 172)):
        visit = create_visit(session_factory, actor=ACTOR, episode_id=episode.id, visit_date=day,
                             visit_type="initial_evaluation" if cadence == 160 else "re_evaluation")
        evaluation = dataclasses.replace(
            intake, gait=dataclasses.replace(intake.gait, cadence_spm=cadence))
        save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id, evaluation=evaluation)
    save_plan(session_factory, actor=ACTOR, patient_id=pid,
              inputs=PlanInputs("km", 3, "2", "15", current_weekly=3 * Decimal("2"),
                                start=dt.date(2026, 11, 23)))
    pause_plan(session_factory, actor=ACTOR, patient_id=pid, today=dt.date(2026, 12, 1))
    chart = ChartWidget(ctx)
    qtbot.addWidget(chart)
    chart.set_patient(pid)
    text = {key: label.text() for key, label in chart.overview_tab.labels.items()}
    assert "Cadence 172 steps/min → target 172" in text["last_visit"]  # not 185
    assert PAUSED_TEXT in text["plan"]

def test_overview_marks_goals_past_their_target_date() -> None:
    from ptdesk.services.episodes import EpisodeInfo, GoalInfo
    from ptdesk.ui.chart.overview import goals_text

    episode = EpisodeInfo(1, 1, "PFPS", "", "right", None, date(2026, 9, 1), None, "active", (
        GoalInfo(1, "Stairs without pain", date(2026, 11, 1), None),
        GoalInfo(2, "Run 5 km", date(2027, 1, 1), None),
        GoalInfo(3, "Walk 30 min", date(2026, 10, 1), date(2026, 9, 28)),
    ))
    assert goals_text([episode], date(2026, 11, 21)).splitlines() == [
        "• Stairs without pain — by 2026-11-01 (past due)",
        "• Run 5 km — by 2027-01-01",
        "✓ Walk 30 min (met 2026-09-28)",
    ]


def test_overview_without_records_says_so(qtbot, ctx: AppContext, session_factory: SessionFactory) -> None:
    pid = make_patient(session_factory).id
    chart = ChartWidget(ctx)
    qtbot.addWidget(chart)
    chart.set_patient(pid)
    labels = chart.overview_tab.labels
    assert labels["episode"].text() == "No episode of care yet."
    assert labels["last_visit"].text() == "No visits yet."
    assert labels["plan"].text() == "No return-to-run plan yet."
    assert chart.header.episode_label.text() == "No active episode of care"


# ---- visits ------------------------------------------------------------------------------------

def test_visit_list_model_passes_qt_model_tester(qtmodeltester, session_factory: SessionFactory) -> None:
    pid = make_patient(session_factory).id
    episode = make_episode(session_factory, pid)
    for day, kind in ((2, "initial_evaluation"), (9, "follow_up"), (30, "re_evaluation")):
        create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                     visit_date=date(2026, 10, day), visit_type=kind)
    model = VisitListModel()
    model.set_visits(list_visits(session_factory, pid, actor=ACTOR))
    qtmodeltester.check(model)
    assert [model.index(r, 1).data() for r in range(3)] == \
        ["Re-evaluation", "Follow-up", "Initial evaluation"]
    assert model.index(0, 0).data() == "2026-10-30  Fri"
    assert model.index(0, 2).data() == "Draft (not signed)"


def test_visits_tab_needs_an_active_episode(qtbot, ctx: AppContext, session_factory: SessionFactory) -> None:
    pid = make_patient(session_factory).id
    tab = VisitsTab(ctx)
    qtbot.addWidget(tab)
    tab.set_patient(pid)
    assert not any(b.isEnabled() for b in tab.new_buttons.values())
    assert "No active episode" in tab.episode_label.text()
    assert tab.new_visit("follow_up") is None
    make_episode(session_factory, pid)
    ctx.signals.data_changed.emit("episode", pid)
    assert all(b.isEnabled() for b in tab.new_buttons.values())


def test_visits_tab_creates_and_opens_each_visit_type(qtbot, ctx: AppContext,
                                                      session_factory: SessionFactory) -> None:
    pid = make_patient(session_factory).id
    make_episode(session_factory, pid)
    tab = VisitsTab(ctx)
    qtbot.addWidget(tab)
    tab.set_patient(pid)
    for kind in ("initial_evaluation", "follow_up", "re_evaluation", "discharge"):
        with qtbot.waitSignal(tab.visit_open_requested) as opened:
            tab.new_buttons[kind].click()
        assert opened.args == [list_visits(session_factory, pid, actor=ACTOR)[0].id]
    assert tab.model.rowCount() == 4
    assert {tab.model.visit_at(r).visit_type for r in range(4)} == \
        {"initial_evaluation", "follow_up", "re_evaluation", "discharge"}  # type: ignore[union-attr]
    tab.view.selectRow(3)
    with qtbot.waitSignal(tab.visit_open_requested) as opened:
        tab.open_button.click()
    assert opened.args == [tab.model.visit_at(3).id]  # type: ignore[union-attr]


# ---- one LSI display rule, no audit rows nobody asked for ---------------------------------------

def test_header_and_grid_show_a_flagged_lsi_the_same_way() -> None:
    from ptdesk.ui.chart.evaluation.strength_grid import lsi_text

    rows = [dyn("hip_abduction", "left", 20), dyn("hip_abduction", "right", 17.92)]  # 89.6%
    assert strength_alerts(rows, "right") == ["Hip abduction LSI 89%"]  # was "LSI 90%"
    assert lsi_text(20, 17.92, "right") == ("89% · below 90%", True)


def test_opening_and_refreshing_the_header_writes_no_extra_audit_rows(
        qtbot, ctx: AppContext, session_factory: SessionFactory) -> None:
    from sqlalchemy import select

    from ptdesk.db.models import AuditEntry

    def views() -> list[tuple[str, int | None]]:
        with session_factory() as session:
            return [(e.record_type, e.record_id) for e in session.scalars(
                select(AuditEntry).where(AuditEntry.action == "view").order_by(AuditEntry.id))]

    pid = make_patient(session_factory).id
    episode = make_episode(session_factory, pid)
    for day, kind in ((2, "initial_evaluation"), (9, "re_evaluation"), (16, "follow_up")):
        visit = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                             visit_date=date(2026, 10, day), visit_type=kind)
        if kind != "follow_up":
            save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id,
                            evaluation=full_evaluation())
    chart = ChartWidget(ctx)
    qtbot.addWidget(chart)
    chart.overview_tab.set_patient = lambda _pid: None  # count the header's reads only
    before = len(views())
    chart.set_patient(pid)
    assert "Hip abduction LSI 72%" in chart.header.alerts_label.text()
    assert views()[before:] == [("patient", pid)]  # the clinician's own open, nothing else
    chart.refresh_header()
    ctx.signals.data_changed.emit(ChangeKind.EVALUATION, pid)
    assert views()[before:] == [("patient", pid)]  # refreshes read without writing
