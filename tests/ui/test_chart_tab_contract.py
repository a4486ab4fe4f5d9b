"""The ChartTab contract, checked on every registered tab (a new tab is checked by registering it)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

from ptdesk.db.engine import SessionFactory
from ptdesk.services.changes import ChangeKind
from ptdesk.services.exercises import sync_library
from ptdesk.services.permissions import PERMISSIONS, ROLE_PERMISSIONS
from ptdesk.ui.chart.chart_widget import ChartWidget
from ptdesk.ui.chart.registry import CHART_TABS, tab_classes
from ptdesk.ui.chart.tab import ChartTab
from ptdesk.ui.context import AppContext
from tests.factories import ASSISTANT, make_episode, make_patient

DECLARED = ("title", "save_permission", "refresh_kinds")
CLASSES = tab_classes()


@pytest.fixture(autouse=True)
def no_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    # Nothing was typed, so no tab may ask anything (a draft to restore, a save to confirm).
    def unexpected(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("a tab asked a question with nothing typed")

    monkeypatch.setattr("PySide6.QtWidgets.QMessageBox.question", unexpected)
    monkeypatch.setattr("PySide6.QtWidgets.QMessageBox.warning", unexpected)


def test_every_registered_tab_is_a_chart_tab_with_its_own_caption() -> None:
    assert len(CLASSES) == len(CHART_TABS) == 8
    assert all(issubclass(cls, ChartTab) for cls in CLASSES)
    names = [cls.name() for cls in CLASSES]
    assert len(set(names)) == len(names)
    assert len([cls for cls in CLASSES if cls.opens_visits]) == 1


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_declarations_are_complete(cls: type[ChartTab]) -> None:
    own = {name for klass in cls.__mro__ if klass is not ChartTab and issubclass(klass, ChartTab)
           for name in vars(klass)}
    assert set(DECLARED) <= own, f"{cls.__name__} must declare {DECLARED}"
    assert cls.name()
    assert cls.save_permission is None or cls.save_permission in PERMISSIONS
    assert cls.refresh_kinds is None or (
        cls.refresh_kinds and all(isinstance(k, ChangeKind) for k in cls.refresh_kinds))
    assert (cls.prints is None) == (cls.print_menu_text == "")


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_tab_lifecycle_with_nothing_typed(qtbot: Any, ctx: AppContext, cls: type[ChartTab],
                                          session_factory: SessionFactory) -> None:
    sync_library(session_factory)
    patient = make_patient(session_factory)
    make_episode(session_factory, patient.id)
    tab = cls(ctx)
    qtbot.addWidget(tab)
    tab.set_patient(None)
    assert not tab.has_unsaved_changes()
    tab.flush_draft()
    tab.set_patient(patient.id)
    assert tab.patient_id == patient.id and not tab.has_unsaved_changes()
    tab.flush_draft()
    assert isinstance(tab.save(), bool)
    tab.reload()
    tab.reload(offer_draft=True)
    tab.restore_position(tab.remember_position())
    assert not tab.has_unsaved_changes()
    tab.discard_changes()
    tab.set_patient(None)
    assert tab.patient_id is None and not tab.has_unsaved_changes()


@pytest.mark.parametrize("index", range(len(CLASSES)), ids=[c.__name__ for c in CLASSES])
def test_view_only_follows_the_declared_permission(qtbot: Any, index: int,
                                                    session_factory: SessionFactory) -> None:
    cls = CLASSES[index]
    assistant = AppContext(session_factory, ASSISTANT)
    chart = ChartWidget(assistant)
    qtbot.addWidget(chart)
    tab = chart.tab_at(index)
    allowed = ROLE_PERMISSIONS["assistant"]
    locked = cls.save_permission is not None and cls.save_permission not in allowed
    assert chart.view_only.is_view_only(index) == locked
    for widget in tab.view_only_keep():
        assert isinstance(widget, QWidget) and tab.isAncestorOf(widget)
        assert not widget.property("ptdeskViewOnly")  # navigation and Print stay usable


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_local_changes_reach_a_tab_by_its_declared_kinds(
        qtbot: Any, ctx: AppContext, cls: type[ChartTab], session_factory: SessionFactory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The base class routes a save made elsewhere in the window by refresh_kinds, as the
    # chart does with another workstation's news; no tab keeps a list of its own.
    sync_library(session_factory)
    patient = make_patient(session_factory)
    make_episode(session_factory, patient.id)
    tab = cls(ctx)
    qtbot.addWidget(tab)
    tab.set_patient(patient.id)
    heard: list[ChangeKind] = []
    monkeypatch.setattr(tab, "on_local_change", heard.append)
    for kind in ChangeKind:
        ctx.signals.data_changed.emit(kind, patient.id)
        ctx.signals.data_changed.emit(kind, patient.id + 1)  # another patient: never
    assert heard == [k for k in ChangeKind if cls.refreshes_on(k)]
    heard.clear()
    tab.announce(next(iter(cls.refresh_kinds or ChangeKind)))
    assert heard == []  # the tab that saved already shows it
