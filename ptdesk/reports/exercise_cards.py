"""One exercise as a card on the take-home sheet: drawing, dose and tick boxes beside the steps.

Two sizes: standard (two or three to a page) and compact (four to a page, smaller
drawings and type) for long programmes. A card never splits across pages.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch, mm
from reportlab.platypus import Flowable, KeepTogether, Table

from ptdesk.domain.handout_language import ENGLISH, WEEKDAYS, phrase
from ptdesk.reports import styles as s
from ptdesk.reports.dto import ExerciseSheetItem
from ptdesk.reports.fonts import oblique_can_print
from ptdesk.reports.text_runs import Paragraph

DAYS = WEEKDAYS[ENGLISH]
_GUTTER = 4 * mm


@dataclass(frozen=True, slots=True)
class CardSize:
    """Measures of one card size; DejaVu Sans at 11 pt reads as large as 12-13 pt in most faces."""

    name: str
    left_w: float
    picture_h: float
    tick_box: float
    title_size: float
    text_size: float
    line_height: float  # leading as a multiple of the type size
    show_purpose: bool  # compact cards leave out "what it is for" to fit four to a page


STANDARD = CardSize("standard", 2.2 * inch, 1.02 * inch, 0.26 * inch, 13.5, 11, 1.15, True)
# 5.6 mm boxes still take a ballpoint tick.
COMPACT = CardSize("compact", 1.75 * inch, 0.8 * inch, 0.225 * inch, 12, 10, 1.08, False)


@dataclass(frozen=True, slots=True)
class _CardStyles:
    title: ParagraphStyle
    purpose: ParagraphStyle
    purpose_upright: ParagraphStyle
    step: ParagraphStyle
    dose: ParagraphStyle
    care_title: ParagraphStyle
    line: ParagraphStyle
    note: ParagraphStyle


@functools.cache
def _styles(size: CardSize) -> _CardStyles:
    """Built once per process per size: cloning styles for every card is wasted work."""
    st = s.styles()
    text, lead = size.text_size, size.text_size * size.line_height
    step = st.step.clone(f"{size.name}_step", fontSize=text, leading=lead,
                         bulletFontSize=text, leftIndent=text * 1.5, spaceAfter=0.5)
    purpose = st.purpose.clone(f"{size.name}_purpose", fontSize=text - 1, leading=lead - 1.5,
                               spaceAfter=1)
    return _CardStyles(
        title=st.heading.clone(f"{size.name}_title", fontSize=size.title_size,
                               leading=size.title_size * 1.25, spaceBefore=0, spaceAfter=0),
        purpose=purpose,
        purpose_upright=purpose.clone(f"{size.name}_purpose_upright", fontName=s.FONT),
        step=step,
        dose=st.body_bold.clone(f"{size.name}_dose", fontSize=text - 0.5, leading=lead - 0.5,
                                spaceAfter=0, alignment=TA_RIGHT),
        care_title=st.body_bold.clone(f"{size.name}_care", fontSize=text, leading=lead,
                                      spaceAfter=0),
        line=st.body.clone(f"{size.name}_line", fontSize=text - 0.5, leading=lead - 0.5,
                           textColor=s.INK, spaceBefore=2, spaceAfter=0),
        note=st.body.clone(f"{size.name}_note", fontSize=text, leading=lead,
                           borderColor=s.RULE, borderWidth=0.8, borderPadding=(4, 6, 4, 6),
                           leftIndent=6, rightIndent=6, spaceBefore=7, spaceAfter=4),
    )


def exercise_card(number: int, item: ExerciseSheetItem, width: float,
                  size: CardSize = STANDARD, language: str = ENGLISH) -> Flowable:
    """Everything about one exercise, kept on one page; fixed words in `language`."""
    cs = _styles(size)
    left_w, right_w = size.left_w, width - size.left_w
    # Left: what to look at and how much (picture, dose, tick boxes).
    left: list[Flowable] = []
    pic = s.picture(item.image_path, left_w - _GUTTER, size.picture_h, item.image_bytes)
    if pic is not None:
        pic.hAlign = "LEFT"
        left.append(pic)
    left.append(_tick_grid(size, language))
    # Right: what it is for and how to do it, with the warnings next to the steps.
    right: list[Flowable] = []
    if size.show_purpose and item.purpose.strip():
        # Upright when the slanted face lacks a letter (Arabic), rather than print boxes.
        style = cs.purpose if oblique_can_print(item.purpose) else cs.purpose_upright
        right.append(Paragraph(s.text(item.purpose), style))
    for step_no, step in enumerate(item.steps, start=1):
        right.append(Paragraph(s.text(step), cs.step, bulletText=f"{step_no}."))
    if item.precautions:
        right.append(_precautions(item.precautions, right_w, cs, language))
    notes = [Paragraph(s.text(line), cs.line) for line in item.library_notes]
    _balance(left, right, notes, size.left_w - _GUTTER, right_w)
    # The dose shares the name's bar: one line instead of four in a narrow column.
    parts: list[Flowable] = [_name_bar(number, item, width, cs, language),
                             _columns(left, right, size, right_w)]
    if item.note.strip():
        # A bordered paragraph (not a table cell) so even a page-long note can split cleanly.
        label = phrase(language, "card.note")
        parts.append(Paragraph(f"<b>{label}</b> {s.text(item.note)}", cs.note))
    return KeepTogether(parts)


def _height(flowables: list[Flowable], width: float) -> float:
    total: float = sum(f.wrap(width, 10_000)[1] + f.getSpaceBefore() + f.getSpaceAfter()
                       for f in flowables)
    return total


def _balance(left: list[Flowable], right: list[Flowable], notes: list[Flowable],
             left_w: float, right_w: float) -> None:
    """Notes go under the drawing when they fit there, else under the steps.

    A card's height decides how many fit on a page, and the drawing's column is
    usually the shorter one.
    """
    if notes and _height(left + notes, left_w) <= _height(right, right_w):
        left.extend(notes)
    else:
        right.extend(notes)


def _columns(left: list[Flowable], right: list[Flowable], size: CardSize,
             right_w: float) -> Table:
    columns = Table([[left, right]], colWidths=[size.left_w, right_w])
    # splitInRow lets a clinician-lengthened card still break instead of failing the print.
    columns.splitInRow = 1
    columns.setStyle(_COLUMNS_TABLE)
    return columns


def _name_bar(number: int, item: ExerciseSheetItem, width: float, cs: _CardStyles,
              language: str) -> Table:
    name = Paragraph(f"{number}.&nbsp; {s.text(item.name)}", cs.title)
    dose = _dose(item, cs, language)
    # The dose takes what it needs on one line (up to 58%), the name the rest.
    dose_w = min(max(_one_line_width(dose) + 12, width * 0.3), width * 0.58)
    bar = Table([[name, dose]], colWidths=[width - dose_w, dose_w])
    bar.setStyle(_NAME_BAR_TABLE)
    return bar


def _one_line_width(paragraph: Paragraph) -> float:
    paragraph.wrap(10_000, 10_000)
    # Each line records the room left over (styled lines as .extraSpace, plain as [0]).
    spare = [line.extraSpace if paragraph.blPara.kind == 1 else line[0]
             for line in paragraph.blPara.lines]
    return float(10_000 - min(spare))


def _dose(item: ExerciseSheetItem, cs: _CardStyles, language: str) -> Paragraph:
    label = (f'<font name="{s.FONT_BOLD}" size="{cs.dose.fontSize - 1.5}" '
             f'color="#{s.MUTED.hexval()[2:]}">{{}}</font>')
    parts = [f"{label.format(phrase(language, 'card.how_much'))} {s.text(item.dosage_text)}"]
    side = item.side_text.strip()
    # The dosage words already name the side ("each leg"); say it again only if they do not.
    if side and not _names_side(side, item.dosage_text):
        parts.append(f"{label.format(phrase(language, 'card.side'))} {s.text(side)}")
    if item.metronome_bpm:
        beats = phrase(language, "card.beats", n=item.metronome_bpm)
        parts.append(f"{label.format(phrase(language, 'card.metronome'))} {beats}")
    return Paragraph(" · ".join(parts), cs.dose)


def _names_side(side: str, dosage_text: str) -> bool:
    """Whether the dose already says the side: "Both legs together" is in "…, both legs, …"."""
    label, dose = side.lower(), dosage_text.lower()
    # The label may end in one word the dose leaves out ("together", "juntas").
    shorter = label.rsplit(" ", 1)[0]
    return label in dose or (len(shorter.split()) >= 2 and shorter in dose)


def _precautions(precautions: tuple[str, ...], width: float, cs: _CardStyles,
                 language: str) -> Table:
    title = f"⚠ {phrase(language, 'card.take_care')}"
    rows: list[list[Flowable]] = [[Paragraph(title, cs.care_title)]]
    rows += [[Paragraph(s.text(p), cs.step, bulletText="•")] for p in precautions]
    box = Table(rows, colWidths=[width], splitInRow=1)
    box.setStyle(_CARE_TABLE)
    box.spaceBefore = 2
    return box


def _tick_grid(size: CardSize, language: str) -> Table:
    # The label sits above the boxes so the drawing's column stays narrow.
    # Plain strings, not Paragraphs: fixed short words, eight of them on every card.
    grid = Table(
        [[phrase(language, "card.tick")] + [""] * 6, list(WEEKDAYS[language]), [""] * 7],
        colWidths=[size.tick_box] * 7,
        rowHeights=[None, None, size.tick_box],
        hAlign="LEFT",
    )
    grid.setStyle(_TICK_TABLE)
    return grid


# Table styles are built once: the same commands serve every card.
_COLUMNS_TABLE = s.table_style([
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (0, -1), _GUTTER),
    ("TOPPADDING", (0, 0), (-1, -1), 4),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
])
_NAME_BAR_TABLE = s.table_style([
    ("BACKGROUND", (0, 0), (-1, -1), s.ACCENT_LIGHT),
    ("LINEBEFORE", (0, 0), (0, -1), 4, s.ACCENT),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("LEFTPADDING", (0, 0), (0, -1), 8),
    ("LEFTPADDING", (1, 0), (1, -1), 4),
    ("RIGHTPADDING", (1, 0), (1, -1), 6),
    ("TOPPADDING", (0, 0), (-1, -1), 2),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
])
_CARE_TABLE = s.table_style([
    ("BACKGROUND", (0, 0), (-1, -1), s.AMBER_LIGHT),
    ("LINEBEFORE", (0, 0), (0, -1), 4, s.AMBER),
    ("LEFTPADDING", (0, 0), (-1, -1), 8),
    ("TOPPADDING", (0, 0), (-1, -1), 0),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, 0), 3),
    ("BOTTOMPADDING", (0, -1), (-1, -1), 3),
])
_TICK_TABLE = s.table_style([
    ("FONTNAME", (0, 0), (-1, 1), s.FONT_BOLD),
    ("FONTSIZE", (0, 0), (-1, 1), 8.5),
    ("LEADING", (0, 0), (-1, 1), 10),
    ("TEXTCOLOR", (0, 0), (-1, 1), s.MUTED),
    ("ALIGN", (0, 1), (-1, 1), "CENTER"),
    ("SPAN", (0, 0), (-1, 0)),
    ("GRID", (0, 2), (-1, 2), 1, s.GRID),
    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, 0), 3),
    ("BOTTOMPADDING", (0, 0), (-1, 1), 1),
])
