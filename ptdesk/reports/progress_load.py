"""The progress report's "Load between visits" section: weekly running, the two flags, info in grey."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, Table

from ptdesk.reports import styles as s
from ptdesk.reports.progress_dto import LoadSection
from ptdesk.reports.text_runs import Paragraph

_INFO_GREY = colors.HexColor("#6b7480")  # information only: grey, never red or amber


def load_flowables(section: LoadSection | None, width: float, *,
                   heading: Callable[[str], Paragraph],
                   grid: Callable[[list[list[object]], list[float], Sequence[tuple[object, ...]]],
                                  Table],
                   styles: tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle, ParagraphStyle],
                   ) -> list[Flowable]:
    if section is None:
        return []
    cell, bold, head, note = styles
    info_cell = cell.clone("pr_load_info", textColor=_INFO_GREY)
    info_head = head.clone("pr_load_info_head", textColor=_INFO_GREY)
    header: list[object] = [Paragraph(h, head) for h in (
        "Week", "Running", "Planned", "Cap", "Two weeks before (flag > +30%)")]
    header += [Paragraph(h, info_head) for h in ("Weekly change (info)", "Acute:chronic (info)")]
    rows: list[list[object]] = [header]
    extra: list[tuple[object, ...]] = []
    for index, w in enumerate(section.weeks, start=1):
        rows.append([Paragraph(s.text(w.week), cell), Paragraph(s.text(w.running), bold),
                     Paragraph(s.text(w.planned), cell), Paragraph(s.text(w.cap), cell),
                     Paragraph(s.text(w.two_week), bold if w.flagged else cell),
                     Paragraph(s.text(w.change), info_cell),
                     Paragraph(s.text(w.acute_chronic), info_cell)])
        if w.flagged:
            extra.append(("BACKGROUND", (0, index), (4, index), s.AMBER_LIGHT))
    widths = [width * f for f in (0.15, 0.12, 0.12, 0.11, 0.20, 0.15, 0.15)]
    block: list[Flowable] = [
        heading(f"Load between visits ({'minutes' if section.unit == 'minutes' else section.unit}"
                " per week)"),
        Paragraph(s.text(section.summary), note.clone("pr_load_summary", spaceAfter=3)),
        grid(rows, widths, extra)]
    if section.spikes:
        block.append(Paragraph("<b>Single-run spikes (flag):</b> "
                               + " ".join(s.text(x) for x in section.spikes),
                               note.clone("pr_load_spikes", spaceBefore=3)))
    if section.cadence:
        block.append(Paragraph(s.text(section.cadence), note))
    block += [Paragraph(s.text(n), note) for n in section.notes]
    block.append(Paragraph(s.text(section.info_note), note.clone("pr_load_note_info",
                                                                 textColor=_INFO_GREY)))
    return [KeepTogether(block)]
