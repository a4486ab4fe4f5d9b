"""The log file after a whole visit (the visit-flow test's steps) holds no patient data."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ptdesk import app_log
from ptdesk.ui import crash_guard
from tests.ui.test_visit_flow import PATIENT
from tests.ui.test_visit_flow import (
    test_a_whole_visit_survives_closing_and_reopening_the_app as whole_visit,
)


def _patient_values() -> list[str]:
    keys = ("MRN", "First name", "Last name", "Date of birth", "Goal")
    values = [PATIENT[key] for key in keys]
    return [*values, PATIENT["MRN"].upper(), f"{PATIENT['Last name']}, {PATIENT['First name']}"]


@pytest.mark.slow
def test_a_whole_visit_leaves_no_patient_name_or_mrn_in_the_log(
    qtbot, db_path: Path, session_factory, tmp_path: Path, monkeypatch,
) -> None:
    folder = app_log.setup(tmp_path / "log", level=logging.DEBUG)  # everything ptdesk logs
    try:
        app_log.log_startup("test")
        whole_visit(qtbot, db_path, session_factory, tmp_path, monkeypatch)
        # An error whose message quotes the patient, as a failed save might, reaching the
        # crash guard (no window: only its stderr line and the log record).
        try:
            raise ValueError(f"cannot save {PATIENT['First name']} {PATIENT['MRN']}")
        except ValueError as exc:
            crash_guard.handle(None, ValueError, exc, exc.__traceback__)
    finally:
        app_log.shutdown()
    text = (folder / app_log.LOG_FILE).read_text(encoding="utf-8")
    assert "starting" in text and "ValueError" in text  # the log did record the visit's error
    leaked = [value for value in _patient_values() if value.casefold() in text.casefold()]
    assert leaked == []
