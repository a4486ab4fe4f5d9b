"""The evaluation and plan of care for the referring physician's certification, as a PDF."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    KeepTogether,
    Spacer,
    Table,
)

from ptdesk.reports import evaluation_dto as dto
from ptdesk.reports import styles as s
from ptdesk.reports.text_runs import Paragraph

DOC_TITLE = "Evaluation and plan of care"
_CERTIFY = ("I have reviewed this plan of care and certify that the physical therapy services "
            "described are medically necessary, for the frequency and duration stated.")


def render_evaluation_report(report: dto.EvaluationReport) -> bytes:
    """The evaluation, plan of care, signature, addenda and certification block as PDF bytes."""
    width = s.content_width(report.clinic.paper_size)
    story: list[Flowable] = [*_title_block(report, width)]
    for table in report.sections:
        story += _table(table, width)
    for title, text in report.notes:
        story += _prose(title, text)
    if report.outcomes is not None:
        story += _table(report.outcomes, width)
    if report.assessment:
        story += _pairs("Assessment", report.assessment, width)
    if report.goals is not None:
        story += _table(report.goals, width)
    story += _plan_of_care(report, width)
    story += _signature(report, width)
    story += _addenda(report.addenda, width)
    story += _certification(report, width)
    title = DOC_TITLE + (f" ({dto.DRAFT_MARK})" if report.draft else "")
    return s.build_pdf(story, clinic=report.clinic, patient_name=report.patient_name,
                       day=report.printed_on, doc_title=title,
                       on_page=_draft_mark if report.draft else None)


def _draft_mark(canv: Canvas, doc: BaseDocTemplate) -> None:
    """Every page of an unsigned note says so, across the page and above the text."""
    page_w, page_h = doc.pagesize
    canv.saveState()
    canv.setFillColor(s.RED)
    canv.setFont(s.FONT_BOLD, 11)
    canv.drawRightString(page_w - s.MARGIN, page_h - s.MARGIN + 2 * mm, dto.DRAFT_MARK.upper())
    canv.setFillColor(s.RED_LIGHT)
    canv.setFont(s.FONT_BOLD, 54)
    canv.translate(page_w / 2, page_h / 2)
    canv.rotate(35)
    canv.drawCentredString(0, 0, dto.DRAFT_MARK)
    canv.restoreState()


# ---- building blocks -----------------------------------------------------------------

def _small() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    """Clinician-facing sizes, like the progress report: smaller than the patient handouts."""
    st = s.styles()
    cell = st.cell.clone("ev_cell", fontSize=9.5, leading=12)
    bold = cell.clone("ev_cell_bold", fontName=s.FONT_BOLD)
    head = cell.clone("ev_head", fontName=s.FONT_BOLD, textColor=s.MUTED, fontSize=8.5,
                      leading=10.5)
    note = st.small.clone("ev_note", fontSize=8.5, leading=10.5, spaceAfter=3)
    return cell, bold, head, note


def _heading(text: str) -> Paragraph:
    return Paragraph(s.text(text), s.styles().heading.clone(
        "ev_heading", fontSize=13.5, leading=17, spaceBefore=9, spaceAfter=4))


def _grid(rows: list[list[object]], widths: list[float],
          extra: Sequence[tuple[object, ...]] = (), header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    table.setStyle(s.table_style([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        *([("LINEBELOW", (0, 0), (-1, 0), 0.9, s.ACCENT)] if header else []),
        ("LINEBELOW", (0, 1 if header else 0), (-1, -1), 0.3, s.RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        *extra,
    ]))
    return table


def _table(table: dto.Table, width: float) -> list[Flowable]:
    cell, bold, head, note = _small()
    rows: list[list[object]] = [[Paragraph(s.text(h), head) for h in table.head]]
    for values in table.rows:
        rows.append([Paragraph(s.text(v), bold if i == 0 and len(values) > 2 else cell)
                     for i, v in enumerate(values)])
    extra = [("BACKGROUND", (col, row + 1), (col, row + 1), s.AMBER_LIGHT)
             for row, col in table.flagged]
    parts: list[Flowable] = [_heading(table.title)]
    if table.note:
        parts.append(Paragraph(s.text(table.note), note))
    grid = _grid(rows, [width * w for w in table.widths], extra)
    if len(table.rows) <= 12:
        return [KeepTogether([*parts, grid])]
    # A long table may split (its header repeats); the heading stays with its first rows.
    return [CondPageBreak(40 * mm), *parts, grid]


def _pairs(title: str, pairs: Sequence[tuple[str, str]], width: float) -> list[Flowable]:
    cell, _, head, _ = _small()
    rows: list[list[object]] = [[Paragraph(s.text(k), head), Paragraph(s.text(v), cell)]
                                for k, v in pairs]
    return [KeepTogether([_heading(title), _grid(rows, [width * 0.26, width * 0.74],
                                                 header=False)])]


def _prose(title: str, text: str) -> list[Flowable]:
    cell, _, _, _ = _small()
    return [_heading(title), Paragraph(s.text(text), cell)]


def _title_block(report: dto.EvaluationReport, width: float) -> list[Flowable]:
    st = s.styles()
    cell, bold, head, _ = _small()
    pairs = [("Patient", f"<b>{s.text(report.patient_name)}</b>"),
             *((k, s.text(v)) for k, v in report.patient_rows),
             *((k, s.text(v)) for k, v in report.date_rows)]
    rows = []
    for i in range(0, len(pairs), 2):
        row: list[object] = []
        for label, value in pairs[i:i + 2]:
            row += [Paragraph(s.text(label), head), Paragraph(value, cell)]
        rows.append(row + [""] * (4 - len(row)))
    info = Table(rows, colWidths=[width * 0.18, width * 0.32, width * 0.18, width * 0.32])
    info.setStyle(s.table_style([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, -1), s.ACCENT_LIGHT),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    title = st.title.clone("ev_title", fontSize=20, leading=24, spaceAfter=2)
    sub = f"Physical therapy · {s.text(report.clinician_name)}"
    parts: list[Flowable] = [Paragraph(s.text(report.title), title), Paragraph(sub, st.small)]
    if report.draft:
        parts.append(Paragraph(f'<font color="#b3261e"><b>{dto.DRAFT_MARK}.</b></font> '
                               "This note may still change; it is not a signed record.",
                               cell))
    parts += [Spacer(1, 3 * mm), info]
    if report.late_entry:
        late = Table([[Paragraph(f"<b>{s.text(report.late_entry)}</b>", cell)]],
                     colWidths=[width])
        late.setStyle(s.table_style([("BACKGROUND", (0, 0), (-1, -1), s.AMBER_LIGHT),
                                     ("LEFTPADDING", (0, 0), (-1, -1), 5)]))
        parts += [Spacer(1, 2 * mm), late]
    return parts


def _plan_of_care(report: dto.EvaluationReport, width: float) -> list[Flowable]:
    parts: list[Flowable] = []
    if report.plan:
        parts += _pairs("Plan of care", report.plan, width)
    if report.program is not None:
        parts += _table(report.program, width)
    if report.run_plan:
        _, _, _, note = _small()
        block = _pairs("Return-to-run plan", report.run_plan, width)
        parts += block + [Paragraph(s.text(t), note) for t in report.run_plan_notes]
    return parts


def _signature(report: dto.EvaluationReport, width: float) -> list[Flowable]:
    cell, bold, head, note = _small()
    parts: list[Flowable] = [_heading("Signature")]
    if report.draft:
        parts.append(Paragraph(f'<font color="#b3261e"><b>{dto.DRAFT_MARK}.</b></font>', cell))
    else:
        parts.append(Paragraph(s.text(report.signature), bold))
        if report.content_hash:
            parts.append(Paragraph(f"Content hash (SHA-256) {report.content_hash}", note))
    return [KeepTogether(parts)]


def _addenda(addenda: Sequence[dto.AddendumLine], width: float) -> list[Flowable]:
    if not addenda:
        return []
    cell, bold, head, _ = _small()
    rows: list[list[object]] = [[Paragraph(h, head) for h in ("Written", "Reason and text")]]
    for a in addenda:
        rows.append([Paragraph(f"{s.text(a.written)}<br/>{s.text(a.author)}", cell),
                     Paragraph(f"<b>{s.text(a.reason)}</b><br/>{s.text(a.text)}", cell)])
    return [CondPageBreak(30 * mm), _heading("Addenda"),
            _grid(rows, [width * 0.30, width * 0.70])]


def _certification(report: dto.EvaluationReport, width: float) -> list[Flowable]:
    cell, _, head, _ = _small()
    physician = s.text(report.referring_physician) or "Referring physician"
    rows = [[Paragraph("_" * 44, cell), Paragraph("_" * 22, cell)],
            [Paragraph(f"{physician}: signature", head), Paragraph("Date", head)],
            [Paragraph("_" * 44, cell), Paragraph("", cell)],
            [Paragraph("Printed name and NPI", head), Paragraph("", head)]]
    table = Table(rows, colWidths=[width * 0.62, width * 0.38], hAlign="LEFT")
    table.setStyle(s.table_style([("LEFTPADDING", (0, 0), (-1, -1), 0),
                                  ("TOPPADDING", (0, 0), (-1, -1), 0),
                                  ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                                  ("TOPPADDING", (0, 2), (-1, 2), 8 * mm)]))
    box = [_heading("Physician certification of the plan of care"),
           Paragraph(_CERTIFY, cell), Spacer(1, 10 * mm), table]
    return [KeepTogether(box)]
