"""The take-home exercise sheet: one card per exercise, tick grids and a stop-and-call box."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.units import inch, mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Spacer,
    Table,
)

from ptdesk.reports import styles as s
from ptdesk.reports.dto import ExerciseSheet, ExerciseSheetItem
from ptdesk.reports.fonts import oblique_can_print
from ptdesk.reports.text_runs import Paragraph

DOC_TITLE = "Home exercises"
_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_LEFT_W = 3.0 * inch
_GUTTER = 4 * mm
_PICTURE_H = 1.45 * inch
_TICK_BOX = 0.305 * inch  # 7.7 mm: room for a tick with a ballpoint pen
_TICK_LABEL_W = 0.7 * inch

_INTRO = (
    "Do these exercises the way your therapist showed you. Move slowly and keep breathing. "
    "Feeling your muscles work is normal; sharp pain is not. Each day you do an exercise, "
    "put a tick in its box. Bring this sheet to your next visit."
)


def render_exercise_sheet(sheet: ExerciseSheet) -> bytes:
    """The sheet as PDF bytes on the clinic's paper size."""
    width = s.content_width(sheet.clinic.paper_size)
    # The warning signs come first: they matter more than any one exercise.
    story: list[Flowable] = [*_title_block(sheet, width), _stop_and_call_box(sheet, width)]
    for number, item in enumerate(sheet.items, start=1):
        story.append(_exercise_card(number, item, width))
        story.append(Spacer(1, 4 * mm))
    return s.build_pdf(
        story,
        clinic=sheet.clinic,
        patient_name=sheet.patient_name,
        day=sheet.date,
        doc_title=DOC_TITLE,
    )


def write_exercise_sheet(sheet: ExerciseSheet, path: Path | str) -> Path:
    """Render the sheet and save it; returns the path written."""
    out = Path(path)
    out.write_bytes(render_exercise_sheet(sheet))
    return out


def _title_block(sheet: ExerciseSheet, width: float) -> list[Flowable]:
    st = s.styles()
    rows = [
        [
            Paragraph("For", st.label),
            Paragraph("From your therapist", st.label),
            Paragraph("Date", st.label),
        ],
        [
            Paragraph(s.text(sheet.patient_name), st.subheading),
            Paragraph(s.text(sheet.clinician_name), st.body),
            Paragraph(s.long_date(sheet.date), st.body),
        ],
    ]
    info = Table(rows, colWidths=[width * 0.42, width * 0.34, width * 0.24])
    info.setStyle(
        s.table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return [
        Paragraph("Your home exercises", st.title),
        info,
        Spacer(1, 3 * mm),
        Paragraph(_INTRO, st.body),
        Spacer(1, 4 * mm),
    ]


def _exercise_card(number: int, item: ExerciseSheetItem, width: float) -> Flowable:
    """Everything about one exercise, kept on one page."""
    st = s.styles()
    parts: list[Flowable] = [_name_bar(number, item.name, width)]

    left_w = _LEFT_W
    right_w = width - left_w
    # Left: what to look at and how much (picture, dose, tick boxes).
    left: list[Flowable] = []
    pic = s.picture(item.image_path, left_w - _GUTTER, _PICTURE_H, item.image_bytes)
    if pic is not None:
        pic.hAlign = "LEFT"
        left += [pic, Spacer(1, 2 * mm)]
    left += [_dose_box(item, left_w - _GUTTER), _tick_grid()]
    # Right: what it is for and how to do it, with the warnings next to the steps.
    right: list[Flowable] = []
    if item.purpose.strip():
        # Upright when the slanted face lacks a letter (Arabic), rather than print boxes.
        style = st.purpose if oblique_can_print(item.purpose) else st.purpose.clone(
            "purpose_upright", fontName=s.FONT)
        right.append(Paragraph(s.text(item.purpose), style))
    for step_no, step in enumerate(item.steps, start=1):
        right.append(Paragraph(s.text(step), st.step, bulletText=f"{step_no}."))
    if item.precautions:
        right.append(_precautions(item.precautions, right_w))
    body = Table([[left, right]], colWidths=[left_w, right_w])
    # splitInRow lets a clinician-lengthened card still break instead of failing the print.
    body.splitInRow = 1
    body.setStyle(
        s.table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, -1), _GUTTER),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    parts.append(body)
    if item.note.strip():
        parts.append(_note(item.note))
    return KeepTogether(parts)


def _name_bar(number: int, name: str, width: float) -> Table:
    st = s.styles()
    style = st.heading.clone("card_name", fontSize=15, leading=19, spaceBefore=0, spaceAfter=0)
    bar = Table([[Paragraph(f"{number}.&nbsp; {s.text(name)}", style)]], colWidths=[width])
    bar.setStyle(
        s.table_style(
            [
                ("BACKGROUND", (0, 0), (-1, -1), s.ACCENT_LIGHT),
                ("LINEBEFORE", (0, 0), (0, -1), 4, s.ACCENT),
                ("LEFTPADDING", (0, 0), (-1, -1), 9),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return bar


def _dose_box(item: ExerciseSheetItem, width: float) -> Table:
    st = s.styles()
    # Label and value share a line: a card's height decides how many fit on a page.
    label = f'<font name="{s.FONT_BOLD}" size="10.5" color="#{s.MUTED.hexval()[2:]}">{{}}</font>'
    value = st.body_bold.clone("dose", spaceAfter=0)
    rows = [[Paragraph(f"{label.format('How much:')} {s.text(item.dosage_text)}", value)]]
    if item.side_text.strip():
        rows.append([Paragraph(f"{label.format('Side:')} {s.text(item.side_text)}", value)])
    box = Table(rows, colWidths=[width], hAlign="LEFT")
    box.setStyle(
        s.table_style(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, s.RULE),
                ("LINEBELOW", (0, 0), (-1, -2), 0.4, s.RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    box.spaceAfter = 5
    return box


def _precautions(precautions: tuple[str, ...], width: float) -> Table:
    st = s.styles()
    rows: list[list[Flowable]] = [[Paragraph("⚠ Take care", st.body_bold)]]
    rows += [[Paragraph(s.text(p), st.step, bulletText="•")] for p in precautions]
    box = Table(rows, colWidths=[width], splitInRow=1)
    box.setStyle(
        s.table_style(
            [
                ("BACKGROUND", (0, 0), (-1, -1), s.AMBER_LIGHT),
                ("LINEBEFORE", (0, 0), (0, -1), 4, s.AMBER),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("TOPPADDING", (0, 0), (-1, 0), 5),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 5),
            ]
        )
    )
    box.spaceBefore = 3
    return box


def _note(note: str) -> Paragraph:
    st = s.styles()
    # A bordered paragraph (not a table cell) so even a page-long note can split cleanly.
    style = st.body.clone(
        "note", borderColor=s.RULE, borderWidth=0.8, borderPadding=(6, 8, 6, 8),
        leftIndent=8, rightIndent=8, spaceBefore=10, spaceAfter=6,
    )
    return Paragraph(f"<b>Note from your therapist:</b> {s.text(note)}", style)


def _tick_grid() -> Table:
    st = s.styles()
    day_style = st.label.clone("day", alignment=TA_CENTER, fontSize=9.5, leading=11)
    # The label sits beside the boxes, not above them: a card's height decides the page count.
    label_style = st.label.clone("tick_label", fontSize=9.5, leading=11)
    label = Paragraph("Tick when done", label_style)
    grid = Table(
        [[label] + [Paragraph(day, day_style) for day in _DAYS], [""] * 8],
        colWidths=[_TICK_LABEL_W] + [_TICK_BOX] * 7,
        rowHeights=[None, _TICK_BOX],
        hAlign="LEFT",
    )
    grid.setStyle(
        s.table_style(
            [
                ("SPAN", (0, 0), (0, 1)),
                ("VALIGN", (0, 0), (0, 1), "MIDDLE"),
                ("GRID", (1, 1), (-1, 1), 1, s.GRID),
                ("VALIGN", (1, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, 0), 2),
                ("BOTTOMPADDING", (0, 0), (0, -1), 0),
            ]
        )
    )
    return grid


def _stop_and_call_box(sheet: ExerciseSheet, width: float) -> Flowable:
    st = s.styles()
    title_style = st.heading.clone("stop_title", textColor=s.RED, spaceBefore=0, spaceAfter=2)
    rows: list[list[Flowable]] = [[Paragraph("Stop and call us if…", title_style)]]
    rows += [[Paragraph(s.text(reason), st.step, bulletText="•")] for reason in sheet.stop_and_call]
    phone = sheet.clinic.phone.strip()
    call = f"Call {s.text(sheet.clinic.name)}" + (f" at <b>{s.text(phone)}</b>" if phone else "")
    rows.append([Paragraph(call + ".", st.body)])
    box = Table(rows, colWidths=[width], splitInRow=1)
    box.setStyle(
        s.table_style(
            [
                ("BOX", (0, 0), (-1, -1), 2, s.RED),
                ("BACKGROUND", (0, 0), (-1, -1), s.RED_LIGHT),
                ("LEFTPADDING", (0, 0), (-1, -1), 12),
                ("RIGHTPADDING", (0, 0), (-1, -1), 12),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("TOPPADDING", (0, 0), (-1, 0), 8),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
                ("TOPPADDING", (0, -1), (-1, -1), 6),
            ]
        )
    )
    box.spaceAfter = 5 * mm
    return box
