"""FormSession: one edit lifecycle; a save removes its draft in the save's own transaction."""

from __future__ import annotations

from typing import Any

import pytest

from ptdesk.db.engine import SessionFactory
from ptdesk.services import drafts
from ptdesk.services.errors import ServiceError
from ptdesk.ui.chart import form_session
from ptdesk.ui.chart.registry import tab_classes
from tests.ui.test_exercises_tab import apply_template, tab  # noqa: F401  (fixture)

KEY_PREFIX = "prescription:patient:"


def _draft(sf: SessionFactory, tab: Any) -> drafts.DraftInfo | None:  # noqa: F811
    return drafts.get_draft(sf, actor=tab.ctx.actor, form_key=f"{KEY_PREFIX}{tab.patient_id}")


def test_one_autosave_interval_for_every_editable_tab() -> None:
    sources = [__import__(cls.__module__, fromlist=["_"]) for cls in tab_classes()]
    assert all(not hasattr(module, "AUTOSAVE_MS") for module in sources)
    assert form_session.AUTOSAVE_MS == 2000


def test_a_failed_save_keeps_the_draft_and_a_saved_one_takes_it_along(
        tab: Any, session_factory: SessionFactory, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    apply_template(tab)
    tab.flush_draft()
    assert _draft(session_factory, tab) is not None
    second: list[str] = []
    monkeypatch.setattr(drafts, "discard_draft", lambda *a, **k: second.append("discard"))

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise ServiceError("The disk is full.")

    # The save fails inside its transaction, after the draft was deleted there: all of it
    # is rolled back, so the draft is still kept.
    monkeypatch.setattr("ptdesk.services.prescriptions.audit.record", broken)
    monkeypatch.setattr("ptdesk.ui.chart.form_session.QMessageBox.warning",
                        lambda *a, **k: None)
    assert not tab.save()
    assert tab.has_unsaved_changes() and _draft(session_factory, tab) is not None
    monkeypatch.undo()
    monkeypatch.setattr(drafts, "discard_draft", lambda *a, **k: second.append("discard"))
    assert tab.save()
    assert not tab.has_unsaved_changes() and _draft(session_factory, tab) is None
    assert second == []  # no second transaction to discard it
