"""Shared look of every printed handout: fonts, type sizes, colours, pictures, page frame."""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.graphics.shapes import Drawing, Group, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch, mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    PageTemplate,
    TableStyle,
)
from svglib.svglib import svg2rlg

from ptdesk.domain import handout_language
from ptdesk.reports import drawing_cache, fonts
from ptdesk.reports.dto import ClinicInfo, PaperSize
from ptdesk.reports.text_runs import Paragraph, markup

FONT, FONT_BOLD, FONT_ITALIC = fonts.FONT, fonts.FONT_BOLD, fonts.FONT_ITALIC

# Calm, high-contrast palette; every colour still reads as a distinct grey when photocopied.
INK = colors.HexColor("#1b2430")
MUTED = colors.HexColor("#4a5563")
ACCENT = colors.HexColor("#1d4e89")
ACCENT_LIGHT = colors.HexColor("#e8eff8")
RULE = colors.HexColor("#9aa5b1")
GRID = colors.HexColor("#5b6573")
GREEN = colors.HexColor("#1e7b34")
GREEN_LIGHT = colors.HexColor("#e2f3e5")
AMBER = colors.HexColor("#b86e00")
AMBER_LIGHT = colors.HexColor("#fff1d1")
RED = colors.HexColor("#b3261e")
RED_LIGHT = colors.HexColor("#fbe4e2")
# Traffic-light colour -> (strong, tint), for every handout that prints pain rules.
LIGHT_COLOURS: dict[str, tuple[colors.Color, colors.Color]] = {
    "green": (GREEN, GREEN_LIGHT), "amber": (AMBER, AMBER_LIGHT), "red": (RED, RED_LIGHT),
}

MARGIN: float = 15 * mm
_HEADER_GAP = 4 * mm
_FOOTER_HEIGHT = 13 * mm


def register_fonts() -> None:
    """Register DejaVu Sans (Latin, Greek, Cyrillic, Hebrew, Arabic) and the emoji font."""
    fonts.register_fonts()


@dataclass(frozen=True, slots=True)
class Styles:
    """Paragraph styles for handouts; body text is 12 pt or more, for older eyes."""

    title: ParagraphStyle
    heading: ParagraphStyle
    subheading: ParagraphStyle
    body: ParagraphStyle
    body_bold: ParagraphStyle
    purpose: ParagraphStyle
    step: ParagraphStyle
    label: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    small: ParagraphStyle
    small_right: ParagraphStyle
    clinic_name: ParagraphStyle
    clinic_line: ParagraphStyle


@functools.cache
def styles() -> Styles:
    """The one set of styles every handout uses."""
    register_fonts()
    body = ParagraphStyle(
        "body", fontName=FONT, fontSize=12, leading=15.5, textColor=INK, spaceAfter=3
    )
    small = ParagraphStyle("small", parent=body, fontSize=10, leading=12.5, textColor=MUTED)
    cell = ParagraphStyle("cell", parent=body, fontSize=12, leading=15, spaceAfter=0)
    return Styles(
        title=ParagraphStyle(
            "title", parent=body, fontName=FONT_BOLD, fontSize=22, leading=27,
            textColor=ACCENT, spaceAfter=6,
        ),
        heading=ParagraphStyle(
            "heading", parent=body, fontName=FONT_BOLD, fontSize=16.5, leading=21,
            textColor=ACCENT, spaceBefore=10, spaceAfter=6,
        ),
        subheading=ParagraphStyle(
            "subheading", parent=body, fontName=FONT_BOLD, fontSize=14, leading=18, spaceAfter=3
        ),
        body=body,
        body_bold=ParagraphStyle("body_bold", parent=body, fontName=FONT_BOLD),
        # Lists and the purpose line run slightly tighter than prose; still 12 pt type.
        purpose=ParagraphStyle(
            "purpose", parent=body, fontName=FONT_ITALIC, textColor=MUTED, leading=14.5
        ),
        step=ParagraphStyle(
            "step", parent=body, leading=14.5, leftIndent=20, bulletIndent=0,
            bulletFontName=FONT_BOLD, bulletFontSize=12, spaceAfter=2,
        ),
        label=ParagraphStyle(
            "label", parent=body, fontName=FONT_BOLD, fontSize=10.5, leading=13,
            textColor=MUTED, spaceAfter=1,
        ),
        cell=cell,
        cell_bold=ParagraphStyle("cell_bold", parent=cell, fontName=FONT_BOLD),
        small=small,
        small_right=ParagraphStyle("small_right", parent=small, alignment=TA_RIGHT),
        clinic_name=ParagraphStyle(
            "clinic_name", parent=body, fontName=FONT_BOLD, fontSize=15, leading=18.5,
            textColor=ACCENT, spaceAfter=1,
        ),
        clinic_line=ParagraphStyle(
            "clinic_line", parent=body, fontSize=10.5, leading=13.5, textColor=MUTED, spaceAfter=0
        ),
    )


def table_style(commands: list[tuple[Any, ...]]) -> TableStyle:
    """A TableStyle whose base font is DejaVu.

    reportlab sets each cell's font even for Paragraph cells; left at its default the
    PDF would reference a non-embedded Helvetica.
    """
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                       *commands])


def text(value: str) -> str:
    """Free text as Paragraph markup: escaped, line breaks kept, any script and emoji printable."""
    return markup(value)


def long_date(day: dt.date, language: str = "en") -> str:
    """A date nobody can misread, e.g. 'March 4, 2025' (no 03/04 ambiguity), in `language`."""
    return handout_language.long_date(day, language)


def short_date(day: dt.date) -> str:
    """A compact date for tables, e.g. 'Mar 4'."""
    return f"{day:%b} {day.day}"


def page_size(paper: PaperSize) -> tuple[float, float]:
    """Points for the clinic's paper; anything unknown is a programming error."""
    sizes: dict[str, tuple[float, float]] = {"letter": LETTER, "a4": A4}
    if paper not in sizes:
        raise ValueError(f"Unknown paper size {paper!r}; use 'letter' or 'a4'.")
    return sizes[paper]


def content_width(paper: PaperSize) -> float:
    """Width available to the story between the side margins."""
    return page_size(paper)[0] - 2 * MARGIN


# --- pictures -----------------------------------------------------------------------------


class ScaledDrawing(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """Draws a (cached, shared) vector drawing at a scale without mutating it."""

    def __init__(self, drawing: Drawing, scale: float) -> None:
        super().__init__()
        self.drawing, self.scale = drawing, scale
        self.width, self.height = drawing.width * scale, drawing.height * scale

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        drawing_cache.draw(self.drawing, self.canv, self.scale)


@functools.lru_cache(maxsize=256)
def _load_svg(path: str, mtime_ns: int) -> Drawing | None:
    # Keyed on mtime so a redrawn illustration is picked up without a restart.
    try:
        drawing = svg2rlg(path)
    except Exception:  # a broken drawing must never stop the handout printing
        return None
    if drawing is not None:
        # The renderer's starting font comes from the drawing; without this it is Helvetica.
        drawing.initialFontName = FONT
        _use_dejavu(drawing)
    return drawing


def _use_dejavu(group: Group) -> None:
    # svglib falls back to Helvetica (not embedded, Latin-1 only) for labels in drawings.
    for node in group.contents:
        if isinstance(node, Group):
            _use_dejavu(node)
        elif isinstance(node, String):
            node.fontName = FONT_BOLD if "bold" in node.fontName.lower() else FONT


def _photo(source: str | bytes, max_width: float, max_height: float) -> Flowable | None:
    def open_source() -> Any:
        return io.BytesIO(source) if isinstance(source, bytes) else source

    try:
        width, height = ImageReader(open_source()).getSize()
    except Exception:  # an unreadable photo must never stop the handout printing
        return None
    if width <= 0 or height <= 0:
        return None
    scale = min(max_width / width, max_height / height)
    return Image(open_source(), width=width * scale, height=height * scale)


def picture(
    path: Path | None, max_width: float, max_height: float, data: bytes | None = None
) -> Flowable | None:
    """A photo's bytes, or an SVG drawing / JPG / PNG file, scaled to fit; None if unusable."""
    photo = _photo(data, max_width, max_height) if data else None
    if photo is not None or path is None:
        return photo
    path = Path(str(path))  # importlib.resources may hand over a Traversable
    try:
        mtime_ns = path.stat().st_mtime_ns
    except OSError:
        return None
    if path.suffix.lower() not in (".svg", ".svgz"):
        return _photo(str(path), max_width, max_height)
    drawing = _load_svg(str(path), mtime_ns)
    if drawing is None or drawing.width <= 0 or drawing.height <= 0:
        return None
    return ScaledDrawing(drawing, min(max_width / drawing.width, max_height / drawing.height))


# --- page frame ---------------------------------------------------------------------------


def _header_flowables(clinic: ClinicInfo, compact: bool, language: str) -> list[Paragraph]:
    st = styles()
    phone = clinic.phone and handout_language.phrase(language, "page.phone", phone=clinic.phone)
    lines = [text(line) for line in (clinic.address, phone)]
    contact = " · ".join(line for line in lines if line)
    if compact:
        # Pages after the first: one line, so more of each page is left for the patient.
        name = f'<font name="{FONT_BOLD}" color="#{ACCENT.hexval()[2:]}">{text(clinic.name)}</font>'
        return [Paragraph(" · ".join(part for part in (name, contact) if part), st.clinic_line)]
    parts = [Paragraph(text(clinic.name), st.clinic_name)]
    if contact:
        parts.append(Paragraph(contact, st.clinic_line))
    return parts


class _Header:
    """Measures the clinic header once, then draws it on every page (full or compact)."""

    def __init__(self, clinic: ClinicInfo, page: tuple[float, float], compact: bool,
                 language: str = "en") -> None:
        self.page_w, self.page_h = page
        width = self.page_w - 2 * MARGIN
        logo_box = (0.9 * inch, 0.3 * inch) if compact else (1.6 * inch, 0.75 * inch)
        self.logo = picture(clinic.logo_path, *logo_box, clinic.logo_bytes)
        # wrap() gives the drawn size for drawings and photos alike.
        logo_size: tuple[float, float] = (
            self.logo.wrap(width, self.page_h) if self.logo is not None else (0.0, 0.0)
        )
        self.logo_w, self.logo_h = logo_size
        gap = 4 * mm if self.logo is not None else 0.0
        self.text_x = MARGIN + self.logo_w + gap
        self.text_w = width - self.logo_w - gap
        self.parts = _header_flowables(clinic, compact, language)
        self.text_h = sum(p.wrap(self.text_w, self.page_h)[1] for p in self.parts)
        self.rule_width = 0.8 if compact else 1.2
        self.height = max(self.text_h, self.logo_h) + 3 * mm  # room for the rule below

    def draw(self, canv: Canvas, _doc: BaseDocTemplate) -> None:
        top = self.page_h - MARGIN
        if self.logo is not None:
            self.logo.wrapOn(canv, self.logo_w, self.logo_h)
            self.logo.drawOn(canv, MARGIN, top - self.logo_h)
        y = top
        for part in self.parts:
            _, h = part.wrap(self.text_w, self.page_h)
            y -= h
            part.drawOn(canv, self.text_x, y)
        canv.saveState()
        canv.setStrokeColor(ACCENT)
        canv.setLineWidth(self.rule_width)
        rule_y = top - self.height + 1 * mm
        canv.line(MARGIN, rule_y, self.page_w - MARGIN, rule_y)
        canv.restoreState()


def _numbered_canvas(footer_left: str, language: str = "en") -> type[Canvas]:
    """A canvas that holds pages back until the end so it can print 'Page x of y'."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved_pages)
            for number, state in enumerate(self._saved_pages, start=1):
                self.__dict__.update(state)
                self._draw_footer(number, total)
                super().showPage()
            super().save()

        def _draw_footer(self, number: int, total: int) -> None:
            st = styles()
            page_w, _ = self._pagesize
            width = page_w - 2 * MARGIN
            left = Paragraph(footer_left, st.small)
            right = Paragraph(handout_language.phrase(language, "page.number", n=number,
                                                      total=total), st.small_right)
            _, lh = left.wrap(width * 0.75, _FOOTER_HEIGHT)
            right.wrap(width * 0.25, _FOOTER_HEIGHT)
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.6)
            top = MARGIN + _FOOTER_HEIGHT - 3 * mm
            self.line(MARGIN, top, page_w - MARGIN, top)
            self.restoreState()
            left.drawOn(self, MARGIN, top - 2 * mm - lh)
            right.drawOn(self, MARGIN + width * 0.75, top - 2 * mm - right.height)

    return NumberedCanvas


def build_pdf(
    story: Sequence[Flowable],
    *,
    clinic: ClinicInfo,
    patient_name: str,
    day: dt.date,
    doc_title: str,
    on_page: Callable[[Canvas, BaseDocTemplate], None] | None = None,
    language: str = "en",
) -> bytes:
    """Lay the story out on the clinic's paper with header and numbered footer.

    `language` is the handout's: the header's and footer's own words and the date.
    """
    register_fonts()
    page = page_size(clinic.paper_size)
    first = _Header(clinic, page, compact=False, language=language)
    later = _Header(clinic, page, compact=True, language=language)
    buffer = io.BytesIO()
    # Metadata stays generic: a PDF's properties are often shown in places the page is not.
    doc = BaseDocTemplate(
        buffer, pagesize=page, title=doc_title, author=clinic.name or "PT Desk",
        creator="PT Desk", leftMargin=MARGIN, rightMargin=MARGIN,
        topMargin=MARGIN + first.height + _HEADER_GAP, bottomMargin=MARGIN + _FOOTER_HEIGHT,
        initialFontName=FONT, initialFontSize=12,
    )

    def template(template_id: str, header: _Header, after: str | None) -> PageTemplate:
        top = page[1] - MARGIN - header.height - _HEADER_GAP
        frame = Frame(
            MARGIN, doc.bottomMargin, doc.width, top - doc.bottomMargin,
            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id=template_id,
        )

        def draw_page(canv: Canvas, d: BaseDocTemplate) -> None:
            header.draw(canv, d)
            if on_page is not None:
                on_page(canv, d)

        return PageTemplate(id=template_id, frames=[frame], onPage=draw_page,
                            autoNextPageTemplate=after)

    doc.addPageTemplates([template("first", first, "later"), template("later", later, None)])
    footer = f"{text(patient_name)} · {doc_title} · {long_date(day, language)}"
    doc.build(list(story), canvasmaker=_numbered_canvas(footer, language))
    return buffer.getvalue()
