"""The progress report read back with pypdf: patient, scores, deltas, symmetry, charts, audit."""

from __future__ import annotations

import dataclasses
import io
import re
from collections import Counter

import pypdf
import pytest
from pypdf.generic import ContentStream

from ptdesk.db.engine import SessionFactory
from ptdesk.reports.progress_report import render_progress_report
from ptdesk.services.audit import log as audit
from ptdesk.services.clinic import update_settings
from ptdesk.services.errors import NotFoundError
from ptdesk.services.progress.report import progress_report, progress_report_pdf
from tests.factories import ACTOR, ADMIN, make_episode, make_patient
from tests.integration.progress_data import REPORT_DAY, add_plan_and_runs, build_chart


def _flat(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def _reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def _text(pdf: bytes) -> str:
    return _flat(" ".join(page.extract_text() for page in _reader(pdf).pages))


def _drawing_ops(pdf: bytes) -> Counter[bytes]:
    """Path operators over all pages: lines (l), rectangles (re), curves (c)."""
    reader = _reader(pdf)
    ops: Counter[bytes] = Counter()
    for page in reader.pages:
        for _, operator in ContentStream(page.get_contents(), reader).operations:
            ops[operator] += 1
    return ops


@pytest.fixture
def chart(session_factory: SessionFactory):
    update_settings(session_factory, actor=ADMIN, name="Riverside Running Physio", phone="(503) 555-0100")
    built = build_chart(session_factory)
    add_plan_and_runs(session_factory, built.patient_id)
    return built


@pytest.fixture
def pdf(session_factory, chart) -> bytes:
    return progress_report_pdf(session_factory, actor=ACTOR, patient_id=chart.patient_id,
                               on=REPORT_DAY)


def test_patient_episode_and_clinic_are_printed(pdf) -> None:
    text = _text(pdf)
    for expected in ("Zoë Ødegård-Núñez", "PR-0042", "June 3, 1994", "Dr. Ana Ruiz",
                     "Patellofemoral pain syndrome", "M22.2X1", "Riverside Running Physio",
                     "Physical therapy progress report"):
        assert expected in text, expected
    assert re.search(r"Visits to date 3 \(Oct 1, 2026 – November 5, 2026\)", text)
    assert _reader(pdf).pages[0].extract_text().count("Zoë Ødegård-Núñez") >= 2  # + footer


def test_scores_deltas_and_mcid_readings(pdf) -> None:
    text = _text(pdf)
    assert "LEFS 54 → 66 (+12): meaningful improvement" in text
    assert "Kujala 83 → 97 (+14): meaningful improvement" in text
    assert "NPRS 5 → 4 (−1): within the minimal important change" in text
    # The outcome table: measure, scale, intake, latest, change, reading.
    assert re.search(r"LEFS \(0–80, higher is better\) 54 66 \+12 ▲ meaningful improvement",
                     text)
    assert re.search(r"Kujala \(0–100, higher is better\) 83 97 \+14", text)
    assert "1.16 points in patellofemoral pain (Piva 2009)" in text


def test_strength_symmetry_table(pdf) -> None:
    text = _text(pdf)
    assert re.search(r"Hip abduction \(gluteus medius/minimus\) Right 100 N 85 N 85% ⚑ 72% "
                     r"▲ Better", text)
    # MMT grades print as grades (left / right), never as an LSI (was "87% ⚑ 80%").
    assert re.search(r"Hip extension \(gluteus maximus\) Right 5 4\+ 5 / 4\+ — —", text)
    assert re.search(r"Knee extension \(quadriceps\) Right 30\.0 kg 28\.0 kg 93% 83% ▲ Better",
                     text)
    assert "Hip abduction LSI 72% → 85%: better" in text


def test_evaluation_plan_and_goals(pdf) -> None:
    text = _text(pdf)
    assert re.search(r"Knee flexion L 140° · R 128° L 140° · R 138°", text)
    assert "L 0° · R −3°" in text
    assert "Run 10 miles without knee pain by March 1, 2027 Open" in text
    assert "3 runs a week" in text and "Week 5 of 8: 48:09 min" in text
    assert "went over the 10% weekly cap in week 2" in text
    assert "treating physical therapist" in text


def test_charts_are_drawn_as_vector_graphics(session_factory, chart, pdf) -> None:
    text = _text(pdf)
    for title in ("Pain now (NPRS 0–10, lower is better)", "LEFS (0–80, higher is better)",
                  "Kujala AKPS (0–100, higher is better)", "Limb symmetry index (%)",
                  "Weekly running (min): planned vs done", "Intake ± MCID (9)",
                  "Over the 10% cap", "±10% test error"):
        assert title in text, title
    report = progress_report(session_factory, actor=ACTOR, patient_id=chart.patient_id,
                             on=REPORT_DAY)
    bare = render_progress_report(dataclasses.replace(
        report, pain_chart=None, outcome_charts=(), lsi_chart=None, volume_chart=None))
    assert "Limb symmetry index" not in _text(bare)
    with_charts, without = _drawing_ops(pdf), _drawing_ops(bare)
    # Axes, grid lines, polylines, bars and bands: far more paths than the tables alone.
    assert with_charts[b"l"] - without[b"l"] > 60
    assert with_charts[b"re"] - without[b"re"] > 20
    assert with_charts[b"c"] > without[b"c"]  # the point markers are circles


def test_report_values_behind_the_pdf(session_factory, chart) -> None:
    report = progress_report(session_factory, actor=ACTOR, patient_id=chart.patient_id,
                             on=REPORT_DAY)
    scores = {row.measure: row for row in report.scores}
    assert (scores["LEFS"].intake, scores["LEFS"].latest, scores["LEFS"].change,
            scores["LEFS"].flag) == ("54", "66", "+12", "better")
    assert scores["NPRS"].flag == "within_error"
    assert [row.muscle_group.split(" (")[0] for row in report.symmetry] == [
        "Hip abduction", "Hip extension", "Knee extension"]
    # Groups ever below 90%, weakest first: hip abduction 72%, knee 83%; the MMT-graded hip
    # extension is never drawn on the LSI chart.
    assert report.lsi_chart is not None
    assert [line.label for line in report.lsi_chart.lines] == [
        "Hip abduction", "Knee extension"]
    assert [len(line.points) for line in report.lsi_chart.lines] == [3, 2]
    assert report.volume_chart is not None
    assert [bar.over_cap for bar in report.volume_chart.bars[:3]] == [False, True, False]
    assert report.pain_chart is not None and len(report.pain_chart.lines[0].points) == 3


def test_printing_is_audited_and_fonts_are_embedded(session_factory, chart, pdf) -> None:
    entries = audit.entries_for_patient(session_factory, chart.patient_id, actor=ADMIN)
    assert [(e.action, e.record_type) for e in entries][-1] == ("print", "progress_report")
    assert "Zoë" not in entries[-1].summary  # no PHI in the audit text
    fonts = set()
    for page in _reader(pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("DejaVu" in name for name in fonts), fonts


def test_a_new_episode_without_visits_still_prints(session_factory) -> None:
    patient = make_patient(session_factory, mrn="PR-0100")
    with pytest.raises(NotFoundError):
        progress_report(session_factory, actor=ACTOR, patient_id=patient.id)
    make_episode(session_factory, patient.id)
    pdf = progress_report_pdf(session_factory, actor=ACTOR, patient_id=patient.id,
                              on=REPORT_DAY)
    text = _text(pdf)
    assert "Alex Runner" in text and "Visits to date 0" in text
    assert "Limb symmetry index" not in text
    with pytest.raises(NotFoundError):
        progress_report(session_factory, actor=ACTOR, patient_id=98765)


def test_a4_clinics_get_a4_pages(session_factory, chart) -> None:
    update_settings(session_factory, actor=ADMIN, name="Klinik Nord", paper_size="a4")
    pdf = progress_report_pdf(session_factory, actor=ACTOR, patient_id=chart.patient_id,
                              on=REPORT_DAY)
    box = _reader(pdf).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_charts_cope_with_one_point_no_points_and_three_years() -> None:
    import datetime as dt

    from ptdesk.reports.progress_charts import date_ticks, line_chart, nice_ticks, volume_chart
    from ptdesk.reports.progress_dto import ChartLine, ChartPoint, LineChart, VolumeBar, VolumeChart

    assert nice_ticks(0, 10) == [0, 2, 4, 6, 8, 10]
    assert nice_ticks(60, 110)[0] <= 60 and nice_ticks(60, 110)[-1] >= 110
    years = date_ticks(dt.date(2023, 11, 25), dt.date(2026, 11, 21))
    assert [label for _, label in years] == ["2024", "2025", "2026"]
    weeks = date_ticks(dt.date(2026, 10, 1), dt.date(2026, 11, 5))
    assert weeks[0][1] == "Oct 1" and len(weeks) == 6
    one = LineChart("LEFS", "", 0, 80, (ChartLine("LEFS", (ChartPoint(dt.date(2026, 1, 5), 50),)),))
    none = LineChart("Kujala", "", 0, 100, ())
    for chart in (one, none):
        assert line_chart(chart, 250, 170).height == 170
    bars = tuple(VolumeBar(n, 10 + n, 10 + n if n < 40 else None, 11 + n, n % 7 == 0)
                 for n in range(1, 53))
    drawing = volume_chart(VolumeChart("Weekly running (km)", "km", 10, bars), 250, 170)
    labels = [node.text for node in drawing.contents if hasattr(node, "text")]
    assert "52" not in labels and "1" in labels  # every 4th week labelled, not all 52


def test_the_report_carries_the_audit_head_in_small_print(session_factory, chart, pdf) -> None:
    # Issue 15 witness: where the audit chain ended when the page was printed, so a later
    # rewrite of the log can be compared with paper the clinic already sent out.
    from ptdesk.services.audit.log import verify_chain

    printed = _flat(_text(pdf))
    match = re.search(r"Printed at audit head: (\d+) entries, last hash ([0-9a-f]{16,})", printed)
    assert match, printed[-400:]
    head = verify_chain(session_factory).head
    assert head is not None and int(match.group(1)) < head.entries  # the print came after
