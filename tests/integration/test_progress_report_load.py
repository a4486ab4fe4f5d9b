"""Progress report › Load between visits: imported runs' weeks, both flags, restart, info, PDF text."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf

from ptdesk.db.engine import SessionFactory
from ptdesk.domain.load_flags import INFO_NOTE, SPIKE_NOTE, TWO_WEEK_NOTE
from ptdesk.services.progress.report import progress_report, progress_report_pdf
from tests.factories import ACTOR, make_episode, make_patient
from tests.helpers.load_story import TODAY, imported_patient


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))


def test_the_load_section_has_the_weeks_flags_and_notes(session_factory: SessionFactory,
                                                        tmp_path: Path) -> None:
    patient_id = imported_patient(session_factory, tmp_path / "watch")
    section = progress_report(session_factory, actor=ACTOR, patient_id=patient_id,
                              on=TODAY).load
    assert section is not None and section.unit == "km"
    assert [w.week for w in section.weeks] == ["Jun 1–7", "Jun 8–14", "Jun 15–21", "Jun 22–28"]
    assert [w.running for w in section.weeks] == ["12 km", "10 km", "16.5 km", "11 km"]
    assert [w.two_week for w in section.weeks] == ["no baseline (restart)", "—",
                                                   "+37% (flag)", "+10%"]
    assert [w.flagged for w in section.weeks] == [False, False, True, False]
    assert section.weeks[0].planned.endswith(" km") and section.weeks[1].cap != "—"
    assert [w.change for w in section.weeks] == ["—", "\u221217%", "+65%", "\u221233%"]
    assert section.spikes == ("June 19, 2026: 8 km, 133% of the longest run in the 30 days "
                              "before (6 km).",)
    assert section.summary.startswith("Flagged in the last 4 weeks: 1 single-run spike and "
                                      "1 two-week jump.")
    assert "12 imported runs are still waiting for pain answers." in section.summary
    assert SPIKE_NOTE in section.notes and TWO_WEEK_NOTE in section.notes
    assert section.info_note == INFO_NOTE
    assert "gait target is 172 steps/min" in section.cadence
    text = _text(progress_report_pdf(session_factory, actor=ACTOR, patient_id=patient_id,
                                     on=TODAY))
    assert "Load between visits (km per week)" in text
    assert "+37% (flag)" in text and "no baseline (restart)" in text
    assert "Single-run spikes (flag): June 19, 2026: 8 km" in text
    assert "Nielsen et al. 2014" in text and "Frandsen et al. 2025" in text
    assert "Impellizzeri et al. 2020" in text and "information only" in text


def test_no_runs_no_load_section(session_factory: SessionFactory) -> None:
    patient_id = make_patient(session_factory).id
    make_episode(session_factory, patient_id)
    assert progress_report(session_factory, actor=ACTOR, patient_id=patient_id).load is None
