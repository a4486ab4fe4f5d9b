"""The take-home exercise sheet: warning and pain boxes, exercise cards, an optional summary."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.colors import white
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch, mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, PageBreak, Spacer, Table

from ptdesk.domain.handout_language import ENGLISH, phrase, stop_and_call
from ptdesk.domain.pain_words import (
    exercise_actions,
    exercise_pain_lights,
    exercise_pain_title,
    light_words,
)
from ptdesk.domain.runplan.painrules import PainRules
from ptdesk.reports import styles as s
from ptdesk.reports.dto import DEFAULT_STOP_AND_CALL, ExerciseSheet
from ptdesk.reports.exercise_cards import COMPACT, STANDARD, exercise_card
from ptdesk.reports.text_runs import Paragraph

# Every fixed word comes from ptdesk.domain.handout_language in the sheet's language.
DOC_TITLE = phrase(ENGLISH, "sheet.doc_title")
SUMMARY_TITLE = phrase(ENGLISH, "summary.title")
_BOX_GAP = 4 * mm


def render_exercise_sheet(sheet: ExerciseSheet) -> bytes:
    """The sheet as PDF bytes on the clinic's paper size."""
    width = s.content_width(sheet.clinic.paper_size)
    size = COMPACT if sheet.compact else STANDARD
    # The warning signs come first: they matter more than any one exercise.
    story: list[Flowable] = [*_title_block(sheet, width), _warning_boxes(sheet, width)]
    gap = (2 if sheet.compact else 3) * mm
    for number, item in enumerate(sheet.items, start=1):
        if number > 1:  # between cards only: a gap after the last could start a blank page
            story.append(Spacer(1, gap))
        story.append(exercise_card(number, item, width, size, sheet.language))
    if sheet.summary and sheet.items:
        story += [PageBreak(), *_summary(sheet, width)]
    return s.build_pdf(
        story,
        clinic=sheet.clinic,
        patient_name=sheet.patient_name,
        day=sheet.date,
        doc_title=phrase(sheet.language, "sheet.doc_title"),
        language=sheet.language,
    )


def write_exercise_sheet(sheet: ExerciseSheet, path: Path | str) -> Path:
    """Render the sheet and save it; returns the path written."""
    out = Path(path)
    out.write_bytes(render_exercise_sheet(sheet))
    return out


def _title_block(sheet: ExerciseSheet, width: float) -> list[Flowable]:
    st = s.styles()
    lang = sheet.language
    day = s.long_date(sheet.date, lang)
    rows = [
        [
            Paragraph(phrase(lang, "sheet.for"), st.label),
            Paragraph(phrase(lang, "sheet.from"), st.label),
            Paragraph(phrase(lang, "sheet.date"), st.label),
        ],
        [
            Paragraph(s.text(sheet.patient_name), st.subheading),
            Paragraph(s.text(sheet.clinician_name), st.body),
            Paragraph(day, st.body),
        ],
    ]
    # The date keeps to one line ("26 de septiembre de 2026" is long); the rest share the room.
    date_w = max(width * 0.24, stringWidth(day, st.body.fontName, st.body.fontSize) + 12)
    rest = width - date_w
    info = Table(rows, colWidths=[rest * 0.55, rest * 0.45, date_w])
    info.setStyle(s.table_style([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    title = st.title.clone("sheet_title", fontSize=20, leading=24, spaceAfter=3)
    return [
        Paragraph(phrase(lang, "sheet.title"), title),
        info,
        Spacer(1, 2 * mm),
        Paragraph(phrase(lang, "sheet.intro"), st.body),
        Spacer(1, 2 * mm),
    ]


def _warning_boxes(sheet: ExerciseSheet, width: float) -> Table:
    """'Stop and call us' beside the pain traffic light: both on page 1, above the cards."""
    half = (width - _BOX_GAP) / 2
    row = Table([[_stop_and_call_box(sheet, half), "", _pain_box(sheet, half)]],
                colWidths=[half, _BOX_GAP, half])
    row.setStyle(s.table_style([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    row.spaceAfter = 4 * mm
    return row


def _box_text(name: str, size: float = 11) -> object:
    return s.styles().step.clone(name, fontSize=size, leading=size * 1.2, leftIndent=12,
                                 bulletFontSize=size, spaceAfter=1)


def _stop_and_call_box(sheet: ExerciseSheet, width: float) -> Table:
    st = s.styles()
    title_style = st.heading.clone("stop_title", textColor=s.RED, fontSize=14, leading=17,
                                   spaceBefore=0, spaceAfter=1)
    item_style = _box_text("stop_item")
    lang = sheet.language
    rows: list[list[Flowable]] = [[Paragraph(phrase(lang, "stop.title"), title_style)]]
    # The built-in list is English; a sheet in another language gets its own words.
    reasons = (stop_and_call(lang) if sheet.stop_and_call == DEFAULT_STOP_AND_CALL
               else sheet.stop_and_call)
    rows += [[Paragraph(s.text(reason), item_style, bulletText="•")] for reason in reasons]
    phone = sheet.clinic.phone.strip()
    clinic = s.text(sheet.clinic.name)
    call = (phrase(lang, "stop.call_at", clinic=clinic, phone=f"<b>{s.text(phone)}</b>")
            if phone else phrase(lang, "stop.call", clinic=clinic))
    rows.append([Paragraph(call + ".", st.body.clone("stop_call", fontSize=11, leading=13.5))])
    box = Table(rows, colWidths=[width], splitInRow=1)
    box.setStyle(s.table_style([
        ("BOX", (0, 0), (-1, -1), 2, s.RED),
        ("BACKGROUND", (0, 0), (-1, -1), s.RED_LIGHT),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("TOPPADDING", (0, 0), (-1, 0), 6),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 6),
        ("TOPPADDING", (0, -1), (-1, -1), 4),
    ]))
    return box


def _pain_box(sheet: ExerciseSheet, width: float) -> list[Flowable]:
    """The run plan's traffic light (same words, same pain ranges), worded for exercise."""
    st = s.styles()
    lang = sheet.language
    lights = sheet.pain_guide or tuple(exercise_pain_lights(PainRules(), lang))
    light, actions = light_words(lang), exercise_actions(lang)
    title = st.heading.clone("pain_title", fontSize=12.5, leading=15, spaceBefore=0,
                             spaceAfter=3)
    word_style = st.body_bold.clone("pain_word", textColor=white, alignment=TA_CENTER,
                                    fontSize=13, leading=15, spaceAfter=0)
    what_style = st.body_bold.clone("pain_what", textColor=white, alignment=TA_CENTER,
                                    fontSize=8.5, leading=10, spaceAfter=0)
    text_style = st.body.clone("pain_text", fontSize=10.5, leading=12.5, spaceAfter=0)
    word_w = 0.8 * inch
    rows: list[list[object]] = []
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (0, -1), 2),
        ("RIGHTPADDING", (0, 0), (0, -1), 2),
        ("LEFTPADDING", (1, 0), (1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LINEBELOW", (0, 0), (-1, -2), 2, white),
    ]
    for index, (colour, words) in enumerate(lights):
        strong, tint = s.LIGHT_COLOURS.get(colour, (s.MUTED, s.ACCENT_LIGHT))
        word = light.get(colour, "")
        rows.append([[Paragraph(word, _fit(word_style, word, word_w - 4)),
                      Paragraph(actions.get(colour, ""), what_style)],
                     Paragraph(s.text(words), text_style)])
        commands += [("BACKGROUND", (0, index), (0, index), strong),
                     ("BACKGROUND", (1, index), (1, index), tint)]
    table = Table(rows, colWidths=[word_w, width - word_w])
    table.setStyle(s.table_style(commands))
    return [Paragraph(exercise_pain_title(lang), title), table]


def _fit(style: ParagraphStyle, word: str, room: float) -> ParagraphStyle:
    """`style`, smaller when one word ("ESPERE") would not fit on one line at its size."""
    needed = stringWidth(word, style.fontName, style.fontSize)
    if needed <= room:
        return style
    size = style.fontSize * room / needed
    return style.clone(f"{style.name}_fit", fontSize=size, leading=style.leading)


def _summary(sheet: ExerciseSheet, width: float) -> list[Flowable]:
    """One table for the fridge: every exercise, how much, which side, how often."""
    st = s.styles()
    head = st.cell_bold.clone("summary_head", textColor=white, fontSize=11, leading=13)
    cell = st.cell.clone("summary_cell", fontSize=11, leading=13)
    lang = sheet.language
    heads = [""] + [phrase(lang, f"summary.{key}") for key in
                    ("exercise", "how_much", "side", "when")]
    rows: list[list[object]] = [[Paragraph(text, head) for text in heads]]
    for number, item in enumerate(sheet.items, start=1):
        rows.append([
            Paragraph(str(number), cell),
            Paragraph(f"<b>{s.text(item.name)}</b>", cell),
            Paragraph(s.text(item.amount_text or item.dosage_text), cell),
            Paragraph(s.text(item.side_text) or "—", cell),
            Paragraph(s.text(item.when_text), cell),
        ])
    table = Table(rows, colWidths=[0.42 * inch, width * 0.35, width * 0.27, width * 0.16,
                                   width * 0.22 - 0.42 * inch], repeatRows=1)
    table.setStyle(s.table_style([
        ("BACKGROUND", (0, 0), (-1, 0), s.ACCENT),
        ("GRID", (0, 0), (-1, -1), 0.6, s.RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [white, s.ACCENT_LIGHT]),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return [Paragraph(phrase(lang, "summary.title"), st.heading), table]
