"""The take-home exercise sheet: one card per exercise, tick grids and a stop-and-call box."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.units import inch, mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
)

from ptdesk.reports import styles as s
from ptdesk.reports.dto import ExerciseSheet, ExerciseSheetItem

DOC_TITLE = "Home exercises"
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_LEFT_W = 2.75 * inch
_PICTURE_W = 2.35 * inch
_PICTURE_H = 1.6 * inch
_TICK_BOX = 0.36 * inch  # 9 mm: room for a tick with a ballpoint pen

_INTRO = (
    "Do these exercises the way your therapist showed you. Move slowly and keep breathing. "
    "Feeling your muscles work is normal; sharp pain is not. Each day you do an exercise, "
    "put a tick in its box. Bring this sheet to your next visit."
)


def render_exercise_sheet(sheet: ExerciseSheet) -> bytes:
    """The sheet as PDF bytes on the clinic's paper size."""
    width = s.content_width(sheet.clinic.paper_size)
    story: list[Flowable] = [*_title_block(sheet, width)]
    for number, item in enumerate(sheet.items, start=1):
        story.append(_exercise_card(number, item, width))
        story.append(Spacer(1, 5 * mm))
    story.append(_stop_and_call_box(sheet, width))
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

    details: list[Flowable] = []
    if item.purpose.strip():
        details.append(Paragraph(s.text(item.purpose), st.purpose))
    details.append(_dose_box(item))
    if item.steps:
        details.append(Paragraph("How to do it", st.label))
        for step_no, step in enumerate(item.steps, start=1):
            details.append(Paragraph(s.text(step), st.step, bulletText=f"{step_no}."))

    # Picture and tick boxes share the left column so a card stays short (2-3 a page).
    left: list[Flowable] = []
    pic = s.picture(item.image_path, _PICTURE_W, _PICTURE_H, item.image_bytes)
    if pic is not None:
        pic.hAlign = "CENTER"
        left += [pic, Spacer(1, 3 * mm)]
    left.append(_tick_grid())
    body = Table([[left, details]], colWidths=[_LEFT_W, width - _LEFT_W])
    # splitInRow lets a clinician-lengthened card still break instead of failing the print.
    body.splitInRow = 1
    body.setStyle(
        s.table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, -1), 4 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    parts.append(body)
    if item.precautions:
        parts.append(_precautions(item.precautions, width))
    if item.note.strip():
        parts.append(_note(item.note))
    return KeepTogether(parts)


def _name_bar(number: int, name: str, width: float) -> Table:
    st = s.styles()
    style = st.heading.clone("card_name", spaceBefore=0, spaceAfter=0)
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


def _dose_box(item: ExerciseSheetItem) -> Table:
    st = s.styles()
    rows = [
        [Paragraph("How much", st.label), Paragraph(s.text(item.dosage_text), st.body_bold)],
    ]
    if item.side_text.strip():
        rows.append([Paragraph("Side", st.label), Paragraph(s.text(item.side_text), st.body_bold)])
    box = Table(rows, colWidths=[1.1 * inch, None], hAlign="LEFT")
    box.setStyle(
        s.table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (-1, -1), 0.8, s.RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("LINEBELOW", (0, 0), (-1, -2), 0.4, s.RULE),
            ]
        )
    )
    box.spaceBefore = 2
    box.spaceAfter = 6
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
    box.spaceBefore = 4
    return box


def _note(note: str) -> Paragraph:
    st = s.styles()
    # A bordered paragraph (not a table cell) so even a page-long note can split cleanly.
    style = st.body.clone(
        "note", borderColor=s.RULE, borderWidth=0.8, borderPadding=(6, 8, 6, 8),
        leftIndent=8, rightIndent=8, spaceBefore=12, spaceAfter=8,
    )
    return Paragraph(f"<b>Note from your therapist:</b> {s.text(note)}", style)


def _tick_grid() -> Table:
    st = s.styles()
    day_style = st.label.clone("day", alignment=TA_CENTER, fontSize=9.5, leading=11)
    days = [Paragraph(day, day_style) for day in _DAYS]
    grid = Table(
        [[Paragraph("Tick each day you do it:", st.label)] + [""] * 6, days, [""] * 7],
        colWidths=[_TICK_BOX] * 7,
        rowHeights=[None, None, _TICK_BOX],
        hAlign="CENTER",
    )
    grid.setStyle(
        s.table_style(
            [
                ("SPAN", (0, 0), (-1, 0)),
                ("GRID", (0, 2), (-1, 2), 1, s.GRID),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, 1), 2),
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
    return KeepTogether([CondPageBreak(1 * inch), box])
