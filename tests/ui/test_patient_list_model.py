"""The patient list model: Qt model contract, search filtering, debounce and lazy paging."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import event

from ptdesk.db.engine import SessionFactory, make_engine, make_session_factory
from ptdesk.db.migrate import upgrade
from ptdesk.domain.validation import search_key
from ptdesk.services import patients as patient_service
from ptdesk.services.patients import PatientInput, create_patient
from ptdesk.ui.patients import patient_list_model as plm
from ptdesk.ui.patients.patient_list_model import PAGE_SIZE, PATIENT_ID_ROLE, PatientListModel
from tests.factories import ACTOR, make_patient


def _add(sf: SessionFactory, mrn: str, first: str, last: str, born: date) -> int:
    return make_patient(sf, mrn=mrn, first=first, last=last, born=born).id


@pytest.fixture
def small_clinic(session_factory: SessionFactory) -> SessionFactory:
    _add(session_factory, "PT-100", "Ana", "Smith", date(1990, 4, 2))
    _add(session_factory, "PT-101", "Bert", "Smythe", date(1985, 1, 15))
    _add(session_factory, "PT-200", "Chloé", "Jones", date(1990, 4, 2))
    _add(session_factory, "XY-300", "Dev", "Ødegård", date(2001, 12, 31))
    return session_factory


@pytest.fixture
def thousand(tmp_path: Path) -> SessionFactory:
    """1,000 patients through the real service; durability is switched off only for speed."""
    engine = make_engine(tmp_path / "big.db")

    @event.listens_for(engine, "connect")
    def _fast(dbapi_connection: object, _record: object) -> None:
        dbapi_connection.execute("PRAGMA synchronous=OFF")  # type: ignore[attr-defined]

    upgrade(engine)
    sf = make_session_factory(engine)
    surnames = ("Adams", "Baker", "Chen", "García")
    for n in range(1000):
        create_patient(sf, actor=ACTOR, data=PatientInput(
            mrn=f"BULK-{n:04d}", first_name=f"Runner{chr(65 + n % 26)}",
            last_name=surnames[n % len(surnames)], date_of_birth=date(1960 + n % 40, 1 + n % 12, 1)))
    return sf


def _names(model: PatientListModel) -> list[str]:
    return [model.index(r, plm.NAME_COLUMN).data() for r in range(model.rowCount())]


def test_model_passes_qt_model_tester(qtmodeltester, small_clinic: SessionFactory) -> None:
    model = PatientListModel(small_clinic, ACTOR)
    model.set_search("")
    qtmodeltester.check(model)
    model.set_search("sm")
    qtmodeltester.check(model)


def test_columns_show_mrn_name_birth_date_and_age(small_clinic: SessionFactory) -> None:
    model = PatientListModel(small_clinic, ACTOR)
    model.set_search("PT-100")
    assert model.rowCount() == 1
    row = [model.index(0, c).data() for c in range(model.columnCount())]
    today = date.today()
    age = today.year - 1990 - ((today.month, today.day) < (4, 2))
    assert row == ["PT-100", "Smith, Ana", "1990-04-02", str(age)]
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == \
        ["MRN", "Name", "Born", "Age"]
    assert model.index(0, 0).data(PATIENT_ID_ROLE) == model.patient_id(0)


def test_search_filters_by_name_prefix_mrn_and_birth_date(small_clinic: SessionFactory) -> None:
    model = PatientListModel(small_clinic, ACTOR)
    model.set_search("")
    assert _names(model) == ["Jones, Chloé", "Ødegård, Dev", "Smith, Ana", "Smythe, Bert"]
    model.set_search("sm")
    assert _names(model) == ["Smith, Ana", "Smythe, Bert"]
    model.set_search("smi")
    assert _names(model) == ["Smith, Ana"]
    model.set_search("odeg")  # accent-blind
    assert _names(model) == ["Ødegård, Dev"]
    model.set_search("pt-2")
    assert _names(model) == ["Jones, Chloé"]
    model.set_search("1990-04-02")
    assert _names(model) == ["Jones, Chloé", "Smith, Ana"]
    model.set_search("chloe 1990-04-02")
    assert _names(model) == ["Jones, Chloé"]
    model.set_search("nobody")
    assert model.rowCount() == 0
    assert model.total == 0


def test_total_is_counted_after_the_first_page(qtbot, thousand: SessionFactory) -> None:
    model = PatientListModel(thousand, ACTOR)
    with qtbot.waitSignal(model.total_changed, timeout=2000) as blocker:
        model.set_search("")
        assert model.total is None  # the keystroke itself only ran the page query
    assert blocker.args == [1000]
    assert model.total == 1000


def test_fetch_more_pages_through_all_patients_in_order(
    qtbot, qtmodeltester, thousand: SessionFactory
) -> None:
    model = PatientListModel(thousand, ACTOR)
    with qtbot.waitSignal(model.total_changed, timeout=2000):
        model.set_search("")
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore()
    pages = 1
    while model.canFetchMore():
        model.fetchMore()
        pages += 1
        assert model.rowCount() == min(pages * PAGE_SIZE, 1000)
    assert model.rowCount() == 1000
    assert pages == 5  # the count stops paging without a query for an empty sixth page
    rows = [model.patient_at(r) for r in range(model.rowCount())]
    assert len({p.id for p in rows if p}) == 1000
    keys = [(search_key(p.last_name), search_key(p.first_name), p.id) for p in rows if p]
    assert keys == sorted(keys)
    qtmodeltester.check(model)


def test_fetch_more_keeps_the_search(thousand: SessionFactory) -> None:
    model = PatientListModel(thousand, ACTOR)
    model.set_search("garcia")
    assert model.rowCount() == PAGE_SIZE
    model.fetchMore()
    assert model.rowCount() == 250
    assert not model.canFetchMore()  # a short page ends paging even before the count
    assert {p.last_name for p in (model.patient_at(r) for r in range(250)) if p} == {"García"}


def test_typing_is_debounced_into_one_query(qtbot, small_clinic: SessionFactory, monkeypatch) -> None:
    calls: list[str] = []
    real = patient_service.search_patients

    def counting(sf, text="", **kwargs):  # type: ignore[no-untyped-def]
        calls.append(text)
        return real(sf, text, **kwargs)

    monkeypatch.setattr(plm, "search_patients", counting)
    model = PatientListModel(small_clinic, ACTOR)
    with qtbot.waitSignal(model.search_applied, timeout=2000) as blocker:
        for prefix in ("s", "sm", "smy"):
            model.search_later(prefix)
    assert blocker.args == ["smy"]
    assert calls == ["smy"]
    assert _names(model) == ["Smythe, Bert"]


def test_enter_before_the_pause_applies_the_search_at_once(small_clinic: SessionFactory) -> None:
    model = PatientListModel(small_clinic, ACTOR)
    model.set_search("")
    model.search_later("jon")
    model.flush_pending_search()
    assert _names(model) == ["Jones, Chloé"]


def test_row_of_finds_loaded_patients(small_clinic: SessionFactory) -> None:
    model = PatientListModel(small_clinic, ACTOR)
    model.set_search("")
    pid = model.patient_id(2)
    assert pid is not None
    assert model.row_of(pid) == 2
    assert model.row_of(999_999) is None
    assert model.patient_at(99) is None
