"""The progress report for the referring physician: findings, scores, symmetry, charts, plan."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Spacer,
    Table,
)

from ptdesk.reports import styles as s
from ptdesk.reports.progress_charts import line_chart, volume_chart
from ptdesk.reports.progress_dto import ChangeNote, ProgressReport
from ptdesk.reports.progress_load import load_flowables
from ptdesk.reports.text_runs import Paragraph

DOC_TITLE = "Progress report"
_FLAG_MARK = {"better": ("▲", s.GREEN), "worse": ("▼", s.RED), "within_error": ("●", s.MUTED)}
_FLAG_WORDS = {"better": "Better", "worse": "Worse", "within_error": "Within error"}
_CHART_H = 62 * mm
_SIDES = {"left": "Left", "right": "Right", "both": "Both sides"}


def render_progress_report(report: ProgressReport) -> bytes:
    """The report as PDF bytes on the clinic's paper size."""
    width = s.content_width(report.clinic.paper_size)
    story: list[Flowable] = [*_title_block(report, width)]
    if report.highlights:
        story += _highlights(report.highlights, report.first_visit, width)
    story += _scores(report, width)
    story += _run_pain(report, width)
    story += load_flowables(report.load, width, heading=_heading, grid=_grid,
                            styles=_small_styles())
    story += _symmetry(report, width)
    story += _ankle(report, width)
    story += _readiness(report, width)
    story += _charts(report, width)
    story += _evaluation(report, width)
    blocks = _plan(report, width)
    # The signature never sits alone on a last page: it stays with the final section.
    blocks = blocks[:-1] + [[*(blocks[-1] if blocks else []), *_signature(report, width)]]
    story += [KeepTogether(block) for block in blocks]
    return s.build_pdf(story, clinic=report.clinic, patient_name=report.patient_name,
                       day=report.date, doc_title=DOC_TITLE)


def write_progress_report(report: ProgressReport, path: Path | str) -> Path:
    out = Path(path)
    out.write_bytes(render_progress_report(report))
    return out


# ---- building blocks -----------------------------------------------------------------

def _small_styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    """Table text a little smaller than the handouts: this page is for clinicians."""
    st = s.styles()
    cell = st.cell.clone("pr_cell", fontSize=9.5, leading=12)
    bold = cell.clone("pr_cell_bold", fontName=s.FONT_BOLD)
    head = cell.clone("pr_head", fontName=s.FONT_BOLD, textColor=s.MUTED, fontSize=8.5,
                      leading=10.5)
    note = st.small.clone("pr_note", fontSize=8.5, leading=10.5)
    return cell, bold, head, note


def _heading(text: str) -> Paragraph:
    st = s.styles()
    return Paragraph(text, st.heading.clone("pr_heading", fontSize=13.5, leading=17,
                                            spaceBefore=9, spaceAfter=4))


def _grid(rows: list[list[object]], widths: list[float],
          extra: Sequence[tuple[object, ...]] = ()) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(s.table_style([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.9, s.ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, s.RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        *extra,
    ]))
    return table


def _title_block(report: ProgressReport, width: float) -> list[Flowable]:
    st = s.styles()
    cell, bold, head, _ = _small_styles()
    diagnosis = s.text(report.diagnosis)
    if report.icd10_code:
        diagnosis += f" (ICD-10 {s.text(report.icd10_code)})"
    span = ""
    if report.first_visit and report.last_visit:
        span = f" ({s.short_date(report.first_visit)}, {report.first_visit.year} – " \
               f"{s.long_date(report.last_visit)})"
    pairs = [
        ("Patient", f"<b>{s.text(report.patient_name)}</b>"),
        ("Date of birth", s.long_date(report.date_of_birth)),
        ("MRN", s.text(report.mrn)),
        ("Referring physician", s.text(report.referring_physician) or "—"),
        ("Diagnosis", diagnosis),
        ("Affected side", _SIDES.get(report.affected_side, report.affected_side)
         + (f"; injured ankle {report.injured_ankle_side}" if report.injured_ankle_side
            else "")),
        ("Episode of care", f"Since {s.long_date(report.episode_start)}"
         if report.episode_start else "—"),
        ("Visits to date", f"{report.visits_to_date}{span}"
         + "".join(f"<br/>{s.text(line)}" for line in report.late_entries)),
    ]
    rows = []
    for i in range(0, len(pairs), 2):
        row: list[object] = []
        for label, value in pairs[i:i + 2]:
            row += [Paragraph(label, head), Paragraph(value, cell)]
        rows.append(row)
    info = Table(rows, colWidths=[width * 0.15, width * 0.35, width * 0.17, width * 0.33])
    info.setStyle(s.table_style([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, -1), s.ACCENT_LIGHT),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    title = st.title.clone("pr_title", fontSize=20, leading=24, spaceAfter=2)
    sub = f"Prepared {s.long_date(report.date)} by {s.text(report.clinician_name)}"
    return [Paragraph("Physical therapy progress report", title),
            Paragraph(sub, st.small), Spacer(1, 3 * mm), info]


def _mark(flag: str | None) -> str:
    if flag is None:
        return ""
    symbol, colour = _FLAG_MARK[flag]
    return f'<font color="{colour.hexval().replace("0x", "#")}">{symbol}</font> '


def _highlights(notes: tuple[ChangeNote, ...], first_visit: dt.date | None, width: float
                ) -> list[Flowable]:
    cell, _, _, note = _small_styles()
    rows = [[Paragraph(f"{_mark(n.flag)}{s.text(n.text)}", cell)] for n in notes]
    table = Table(rows, colWidths=[width], hAlign="LEFT")
    table.setStyle(s.table_style([("LEFTPADDING", (0, 0), (-1, -1), 2),
                                  ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                                  ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5)]))
    key = (f"{_mark('better')}better &nbsp; {_mark('worse')}worse &nbsp; "
           f"{_mark('within_error')}within the minimal important change or measurement error")
    dated = f" ({s.long_date(first_visit)})" if first_visit else ""
    return [_heading(f"Change since intake{dated}"), table, Paragraph(key, note)]


def _scores(report: ProgressReport, width: float) -> list[Flowable]:
    if not report.scores:
        return []
    cell, bold, head, note = _small_styles()
    rows: list[list[object]] = [[Paragraph(h, head) for h in (
        "Outcome measure", "Intake", "Latest", "Change", "Reading against the MCID")]]
    for row in report.scores:
        rows.append([
            Paragraph(f"<b>{s.text(row.measure)}</b> "
                      f'<font size="8" color="#4a5563">({s.text(row.scale)})</font>', cell),
            Paragraph(s.text(row.intake), cell), Paragraph(s.text(row.latest), bold),
            Paragraph(s.text(row.change), cell),
            Paragraph(_mark(row.flag) + s.text(row.interpretation), cell),
        ])
    widths = [width * f for f in (0.38, 0.09, 0.09, 0.09, 0.35)]
    parts: list[Flowable] = [_heading("Outcome measures"), _grid(rows, widths)]
    parts += [Paragraph(s.text(text), note) for text in report.score_notes]
    return [KeepTogether(parts)]


def _usual(days: list[dt.date | None]) -> dt.date | None:
    """The date most findings share, shown once in the column header."""
    known = [d for d in days if d is not None]
    return Counter(known).most_common(1)[0][0] if known else None


def _dated(value: str, day: dt.date | None, usual: dt.date | None) -> str:
    text = s.text(value)
    if day is not None and day != usual:
        text += f' <font size="7.5" color="#4a5563">({s.short_date(day)}, {day.year})</font>'
    return text


def _evaluation(report: ProgressReport, width: float) -> list[Flowable]:
    if not report.evaluation:
        return []
    cell, bold, head, _ = _small_styles()
    intake = _usual([r.intake_date for r in report.evaluation])
    latest = _usual([r.latest_date for r in report.evaluation])
    heads = ["Finding", "At intake" + (f" ({s.long_date(intake)})" if intake else ""),
             "Latest" + (f" ({s.long_date(latest)})" if latest else "")]
    rows: list[list[object]] = [[Paragraph(h, head) for h in heads]]
    for r in report.evaluation:
        now = (_dated(r.latest, r.latest_date, latest) if r.latest
               else '<font color="#4a5563">not re-tested</font>')
        rows.append([Paragraph(s.text(r.label), cell),
                     Paragraph(_dated(r.intake, r.intake_date, intake), cell),
                     Paragraph(now, bold)])
    widths = [width * 0.38, width * 0.31, width * 0.31]
    # The table may split across pages; the heading stays with its first rows.
    return [CondPageBreak(45 * mm), _heading("Evaluation summary"), _grid(rows, widths)]


def _symmetry(report: ProgressReport, width: float) -> list[Flowable]:
    if not report.symmetry:
        return []
    cell, bold, head, note = _small_styles()
    rows: list[list[object]] = [[Paragraph(h, head) for h in (
        "Muscle group", "Involved", "Left", "Right", "LSI (MMT: L / R) now", "LSI at intake",
        "Since intake")]]
    extra: list[tuple[object, ...]] = []
    for index, row in enumerate(report.symmetry, start=1):
        # Manual muscle test grades are ordinal: shown as grades, never as a percentage.
        shown = row.grades or row.lsi
        lsi = s.text(shown) + ("  ⚑" if row.flagged else "")
        rows.append([
            Paragraph(s.text(row.muscle_group), cell), Paragraph(s.text(row.involved), cell),
            Paragraph(s.text(row.left), cell), Paragraph(s.text(row.right), cell),
            Paragraph(lsi, bold), Paragraph(s.text(row.intake_lsi), cell),
            Paragraph(_mark(row.change) + _FLAG_WORDS.get(row.change or "", "—"), cell),
        ])
        if row.flagged:
            extra.append(("BACKGROUND", (4, index), (4, index), s.AMBER_LIGHT))
    widths = [width * f for f in (0.28, 0.12, 0.10, 0.10, 0.15, 0.11, 0.14)]
    dated = f" (latest test {s.long_date(report.symmetry_date)})" if report.symmetry_date else ""
    text = ("LSI = involved ÷ uninvolved × 100, per body region: knee and hip rows use the "
            "affected side, ankle rows the injured ankle's side; with both sides involved the "
            "weaker is compared with the stronger. ⚑ below 90%. Handheld dynamometry varies "
            "about 3–12% between tests (Thorborg 2010), so changes under 10% are read as "
            "measurement error. Manual muscle test grades are ordinal: shown left / right, "
            "⚑ when a full grade apart, never turned into a percentage.")
    # The key goes above the table, so a page break can never strand it on its own; the
    # table may split (header repeated) once a heading and a few rows fit.
    return [CondPageBreak(55 * mm), _heading(f"Strength symmetry{dated}"),
            Paragraph(text, note.clone("pr_key", spaceAfter=3)), _grid(rows, widths, extra)]


def _ankle(report: ProgressReport, width: float) -> list[Flowable]:
    if not report.ankle:
        return []
    cell, bold, head, note = _small_styles()
    rows: list[list[object]] = [[Paragraph(h, head) for h in ("Measure", "Finding", "")]]
    extra: list[tuple[object, ...]] = []
    for index, row in enumerate(report.ankle, start=1):
        rows.append([Paragraph(s.text(row.label), cell), Paragraph(s.text(row.text), cell),
                     Paragraph("⚑ asymmetry" if row.flagged else "—", bold)])
        if row.flagged:
            extra.append(("BACKGROUND", (2, index), (2, index), s.AMBER_LIGHT))
    dated = f" ({s.long_date(report.ankle_date)})" if report.ankle_date else ""
    return [KeepTogether([_heading(f"Ankle measures{dated}"),
                          Paragraph(s.text(report.ankle_note), note.clone("pr_ank", spaceAfter=3)),
                          _grid(rows, [width * 0.27, width * 0.55, width * 0.18], extra)])]


def _readiness(report: ProgressReport, width: float) -> list[Flowable]:
    if not report.readiness:
        return []
    cell, bold, head, note = _small_styles()
    first, last = report.readiness_dates
    heads = ["Readiness to run", "Target",
             "At intake" + (f" ({s.long_date(first)})" if first else ""),
             "Latest" + (f" ({s.long_date(last)})" if last else "")]
    rows: list[list[object]] = [[Paragraph(h, head) for h in heads]]
    for r in report.readiness:
        rows.append([Paragraph(s.text(r.criterion), cell), Paragraph(s.text(r.target), cell),
                     Paragraph(_met(r.met_intake) + s.text(r.intake), cell),
                     Paragraph(_met(r.met_latest) + s.text(r.latest or "not re-tested"), bold)])
    widths = [width * f for f in (0.28, 0.16, 0.28, 0.28)]
    key = ("✓ met · ✗ not met. Criteria from return-to-run guidance: pain-free brisk walking "
           "30 min (Warden 2014), pain-free single-leg hops (George 2024), heel raises per side "
           "(Hébert-Losier 2017), single-leg squat control (Crossley 2011), hop tests LSI ≥ 90% "
           "(Grindem 2016); adjustable by the clinic.")
    return [KeepTogether([_heading("Return-to-run readiness"),
                          Paragraph(s.text(report.readiness_summary), cell),
                          _grid(rows, widths), Paragraph(key, note)])]


def _met(met: bool | None) -> str:
    if met is None:
        return ""
    colour = s.GREEN if met else s.RED
    return f'<font color="{colour.hexval().replace("0x", "#")}">{"✓" if met else "✗"}</font> '


def _run_pain(report: ProgressReport, width: float) -> list[Flowable]:
    if not report.run_pain:
        return []
    cell, bold, head, note = _small_styles()
    rows: list[list[object]] = [[Paragraph(h, head) for h in (
        "Run", "Pain during (0–10)", "Next morning", "Other", "")]]
    extra: list[tuple[object, ...]] = []
    for index, r in enumerate(report.run_pain, start=1):
        rows.append([Paragraph(f"{s.short_date(r.day)}, {r.day.year}", cell),
                     Paragraph(str(r.pain), bold), Paragraph(s.text(r.next_morning), cell),
                     Paragraph(s.text(r.other) or "—", cell),
                     Paragraph("■ red run" if r.red else "", bold)])
        if r.red:
            extra.append(("BACKGROUND", (0, index), (-1, index), s.AMBER_LIGHT))
    widths = [width * f for f in (0.22, 0.18, 0.18, 0.22, 0.20)]
    return [KeepTogether([_heading("Pain between visits (run log)"),
                          Paragraph(s.text(report.run_pain_summary),
                                    note.clone("pr_run", spaceAfter=3)),
                          _grid(rows, widths, extra)])]


def _charts(report: ProgressReport, width: float) -> list[Flowable]:
    half = (width - 6 * mm) / 2
    drawings: list[Flowable] = []
    if report.pain_chart is not None:
        drawings.append(line_chart(report.pain_chart, half, _CHART_H))
    drawings += [line_chart(c, half, _CHART_H) for c in report.outcome_charts]
    if report.lsi_chart is not None:
        drawings.append(line_chart(report.lsi_chart, half, _CHART_H))
    if report.volume_chart is not None:
        drawings.append(volume_chart(report.volume_chart, half, _CHART_H))
    if not drawings:
        return []
    rows = [drawings[i:i + 2] + [""] * (2 - len(drawings[i:i + 2]))
            for i in range(0, len(drawings), 2)]
    grid = Table(rows, colWidths=[half + 6 * mm, half], hAlign="LEFT")
    grid.setStyle(s.table_style([("LEFTPADDING", (0, 0), (-1, -1), 0),
                                 ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                 ("TOPPADDING", (0, 0), (-1, -1), 4),
                                 ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                                 ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    # Rows of two charts may go to the next page, never a chart cut in half.
    return [CondPageBreak(_CHART_H + 20 * mm), _heading("Progress charts"), grid]


def _plan(report: ProgressReport, width: float) -> list[list[Flowable]]:
    """Goals, home programme and run plan, each a block to keep on one page."""
    cell, bold, head, note = _small_styles()
    parts: list[list[Flowable]] = []
    if report.goals:
        rows: list[list[object]] = [[Paragraph(h, head) for h in ("Goal", "Target", "Status")]]
        rows += [[Paragraph(s.text(g.description), cell), Paragraph(s.text(g.target), cell),
                  Paragraph(s.text(g.status), cell)] for g in report.goals]
        parts.append([_heading("Goals"),
                      _grid(rows, [width * 0.50, width * 0.28, width * 0.22])])
    dated = f" (since {s.long_date(report.program_date)})" if report.program_date else ""
    rows = [[Paragraph(h, head) for h in ("Exercise", "Dosage")]]
    rows += [[Paragraph(s.text(p.exercise), bold), Paragraph(s.text(p.dosage), cell)]
             for p in report.program]
    if report.program:
        parts.append([_heading(f"Current home programme{dated}"),
                      _grid(rows, [width * 0.36, width * 0.64])])
    if report.plan_summary:
        rows = [[Paragraph(s.text(k), head), Paragraph(s.text(v), cell)]
                for k, v in report.plan_summary]
        table = Table(rows, colWidths=[width * 0.30, width * 0.70], hAlign="LEFT")
        table.setStyle(s.table_style([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                      ("LINEBELOW", (0, 0), (-1, -1), 0.3, s.RULE),
                                      ("LEFTPADDING", (0, 0), (-1, -1), 4),
                                      ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                                      ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
        block: list[Flowable] = [_heading("Return-to-run plan"), table]
        block += [Paragraph(s.text(text), note) for text in report.plan_notes]
        parts.append(block)
    return parts


def _signature(report: ProgressReport, width: float) -> list[Flowable]:
    cell, _, head, note = _small_styles()
    line = "_" * 44
    rows = [[Paragraph(line, cell), Paragraph("_" * 22, cell)],
            [Paragraph(f"{s.text(report.clinician_name)}, treating physical therapist", head),
             Paragraph("Date", head)]]
    table = Table(rows, colWidths=[width * 0.62, width * 0.38], hAlign="LEFT")
    table.setStyle(s.table_style([("LEFTPADDING", (0, 0), (-1, -1), 0),
                                  ("TOPPADDING", (0, 0), (-1, -1), 0),
                                  ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    # Small print: the audit head when printed, a witness kept outside the database
    # (services/audit/log.head_text); empty until the report's data carries it.
    audit_head = report.audit_head
    witness = [Spacer(1, 4 * mm), Paragraph(s.text(audit_head), note)] if audit_head else []
    return [Spacer(1, 12 * mm), table, *witness]
