"""The return-to-run plan handout: week-by-week table, pain traffic light and a running log."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.colors import Color, white
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.units import inch, mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Spacer,
    Table,
)

from ptdesk.domain import handout_language as hl
from ptdesk.domain.pain_words import COLOURS, light_words, run_actions
from ptdesk.domain.runplan import PainRules, Plan, PlanWeek, Session, describe_pain_rules
from ptdesk.domain.runplan.amounts import clock, format_pct
from ptdesk.domain.runplan.sessions import rest_day_advice
from ptdesk.domain.runplan.walkrun import WARM_UP_WALK_S
from ptdesk.reports import runplan_words as words
from ptdesk.reports import styles as s
from ptdesk.reports.dto import ClinicInfo, RunPlanHandout
from ptdesk.reports.run_cell import RunLines
from ptdesk.reports.runplan_words import say
from ptdesk.reports.text_runs import Paragraph

DOC_TITLE = hl.phrase(hl.ENGLISH, "run.doc_title")
DEFAULT_CLINIC = ClinicInfo(name="PT Desk")
_LOG_ROW_H = 0.4 * inch  # room to write by hand
# The four next-morning answers (stiff-settled is amber), on two lines to fit the column.
LOG_MORNING = hl.phrase(hl.ENGLISH, "run.log_choices")
# Neutral, not green: a lighter week is not the traffic light's "go".
_LIGHTER_SHADE = s.ACCENT_LIGHT
_LOG_SHADE = colors.HexColor("#dfe7f2")
_NUMBER_UNIT = re.compile(r"(\d) (min|km|mi)\b")


def _lights(language: str) -> dict[str, tuple[Color, Color, str, str]]:
    # colour -> (strong colour, tint, word that survives a greyscale copy, what to do)
    # (the words come from ptdesk.domain.pain_words, shared with the exercise sheet)
    light, action = light_words(language), run_actions(language)
    return {colour: (*s.LIGHT_COLOURS[colour], light[colour], action[colour])
            for colour in COLOURS}


def render_runplan(handout: RunPlanHandout) -> bytes:
    """The plan handout as PDF bytes on the clinic's paper size, in the handout's language."""
    language = hl.check_language(handout.language)
    width = s.content_width(handout.clinic.paper_size)
    story: list[Flowable] = [
        *_title_block(handout, width, language),
        *_notices(handout.plan, language),
        *_how_it_works(handout, language),
        _traffic_light(handout, width, language),
        Spacer(1, 5 * mm),
        CondPageBreak(2.5 * inch),
        Paragraph(say(language, "table_title"), s.styles().heading),
        _week_table(handout.plan, width, language),
        Spacer(1, 5 * mm),
        KeepTogether([Paragraph(say(language, "evidence"), _evidence_style())]),
    ]
    if log_weeks(handout.plan):  # a paused plan has no weeks to log until it is resumed
        story += [PageBreak(), *_log_grid(handout.plan, width, language)]
    return s.build_pdf(
        story,
        clinic=handout.clinic,
        patient_name=handout.patient_name,
        day=handout.date,
        doc_title=say(language, "doc_title"),
        language=language,
    )


def write_runplan(handout: RunPlanHandout, path: Path | str) -> Path:
    """Render the handout and save it; returns the path written."""
    out = Path(path)
    out.write_bytes(render_runplan(handout))
    return out


def write_runplan_pdf(
    plan: Plan, path: Path | str, patient_name: str | None = None, *,
    rules: PainRules | None = None,
) -> Path:
    """Print a plan that was never saved (CLI `runplan --pdf`): default clinic and pain rules."""
    handout = RunPlanHandout(
        clinic=DEFAULT_CLINIC,
        clinician_name="",
        patient_name=patient_name or "",
        date=dt.date.today(),
        plan=plan,
        cadence_target_spm=None,
        pain_rules=tuple(describe_pain_rules(rules or PainRules())),
    )
    return write_runplan(handout, path)


def amount_text(value: Decimal, measure: str) -> str:
    """An amount as printed, e.g. '25:30 min' or '4.5 km' (the domain's own rounding)."""
    return words.amount_text(value, measure)


def session_text(session: Session, week: PlanWeek, measure: str,
                 language: str = hl.ENGLISH) -> str:
    """Short words for one run, e.g. 'Run 1:00, walk 1:30 × 6' or 'Easy run 25:00 min'."""
    return words.session_text(session, week, measure, language)


def _notices(plan: Plan, language: str) -> list[Flowable]:
    st = s.styles()
    out: list[Flowable] = []
    box = st.body.clone("notice", borderColor=s.RED, borderWidth=1.2, borderPadding=8,
                        backColor=s.RED_LIGHT, spaceAfter=10)
    if plan.paused:
        out.append(Paragraph(say(language, "paused_notice"), box))
    if plan.restart:
        out.append(Paragraph(say(language, "restart_notice"),
                             st.body.clone("restart", spaceAfter=6)))
    return out


def _usual_days(plan: Plan) -> tuple[int, ...]:
    """The run days of a normal week (not race week), as offsets from its first day."""
    for week in plan.weeks:
        if week.runs and not any(session.race for session in week.sessions):
            return tuple((session.date - week.start).days for session in week.runs)
    return ()


def _title_block(handout: RunPlanHandout, width: float, language: str) -> list[Flowable]:
    st = s.styles()
    weeks = handout.plan.weeks
    if weeks:
        end = weeks[-1].start + dt.timedelta(days=6)
        span = say(language, "span", start=s.long_date(weeks[0].start, language),
                   end=s.long_date(end, language))
    else:
        span = "—"
    # A blank name or clinician leaves a line to write on, not an empty gap.
    name = s.text(handout.patient_name) or "_" * 24
    clinician = s.text(handout.clinician_name) or "_" * 20
    labels = (hl.phrase(language, "sheet.for"), hl.phrase(language, "sheet.from"),
              say(language, "plan_dates"))
    rows = [
        [Paragraph(label, st.label) for label in labels],
        [Paragraph(name, st.subheading), Paragraph(clinician, st.body), Paragraph(span, st.body)],
    ]
    info = Table(rows, colWidths=[width * 0.38, width * 0.30, width * 0.32])
    info.setStyle(s.table_style([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    return [
        Paragraph(say(language, "title"), st.title),
        info,
        Spacer(1, 2 * mm),
        Paragraph(say(language, "printed", date=s.long_date(handout.date, language)), st.small),
        Spacer(1, 3 * mm),
    ]


def _goal_sentence(plan: Plan, language: str) -> str:
    if plan.paused:
        return say(language, "goal_paused")
    if plan.goal_week is None or plan.goal_date is None:
        return say(language, "no_goal")
    goal = say(language, "goal", n=plan.goal_week, date=s.long_date(plan.goal_date, language))
    if plan.race_ready is True:
        return goal + say(language, "goal_in_time")
    if plan.race_ready is False:
        return goal + say(language, "goal_after_race")
    return goal + say(language, "goal_end")


def _how_it_works(handout: RunPlanHandout, language: str) -> list[Flowable]:
    st = s.styles()
    plan = handout.plan
    measure_words = say(language, "measure_minutes") if plan.measure == "minutes" else (
        say(language, "measure_distance", unit=words.unit_words(plan.measure, language)))
    rest = words.domain_words(rest_day_advice(_usual_days(plan)), language)
    points = [
        say(language, "cap", pct=format_pct(plan.cap_pct), measure=measure_words),
        f"{rest} {say(language, 'easy_pace')}",
        say(language, "follow_light"),
    ]
    if plan.measure == "minutes":
        points.append(say(language, "times_note", time=clock(WARM_UP_WALK_S)))
    if any(session.race for week in plan.weeks for session in week.sessions):
        points.append(say(language, "race_note"))
    if any(week.lighter for week in plan.weeks):
        points.append(say(language, "lighter_weeks"))
    out: list[Flowable] = [Paragraph(say(language, "how_title"), st.heading)]
    out += [Paragraph(point, st.step, bulletText="•") for point in points]
    if handout.cadence_target_spm:
        out.append(Paragraph(say(language, "step_rate", n=handout.cadence_target_spm),
                             st.step, bulletText="•"))
    out.append(Paragraph(f"<b>{say(language, 'goal_label')}</b> "
                         f"{_goal_sentence(plan, language)}", st.step, bulletText="•"))
    return out


def _traffic_light(handout: RunPlanHandout, width: float, language: str) -> Flowable:
    st = s.styles()
    rules = handout.pain_rules or tuple(words.pain_lights(PainRules(), language))
    word_style = st.body_bold.clone("light_word", textColor=white, alignment=TA_CENTER,
                                    fontSize=17, leading=20)
    what_style = st.body_bold.clone("light_what", textColor=white, alignment=TA_CENTER,
                                    fontSize=10.5, leading=12.5)
    lights = _lights(language)
    rows: list[list[object]] = []
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 7),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
        ("LEFTPADDING", (1, 0), (1, -1), 10),
        ("LINEBELOW", (0, 0), (-1, -2), 3, white),
    ]
    for row, (colour, text) in enumerate(rules):
        strong, tint, word, what = lights.get(colour.lower(), (s.MUTED, s.ACCENT_LIGHT, "", ""))
        rows.append([[Paragraph(word, word_style), Paragraph(what, what_style)],
                     Paragraph(s.text(text), st.body)])
        commands += [("BACKGROUND", (0, row), (0, row), strong),
                     ("BACKGROUND", (1, row), (1, row), tint)]
    table = Table(rows, colWidths=[1.45 * inch, width - 1.45 * inch])
    table.setStyle(s.table_style(commands))
    title = Paragraph(say(language, "pain_title"), st.heading)
    return KeepTogether([title, table])


def _sessions_lines(week: PlanWeek, measure: str, language: str) -> list[tuple[str, str]]:
    # Runs with the same words share one line ("Mon, Wed, Fri: ...") to keep the table short.
    groups: dict[str, list[str]] = {}
    for session in week.sessions:
        groups.setdefault(words.session_text(session, week, measure, language), []).append(
            hl.weekday_short(session.date, language))
    return [(", ".join(days) + ":", _no_break(text)) for text, days in groups.items()]


def _runs_cell(week: PlanWeek, measure: str, language: str) -> RunLines:
    st = s.styles().cell
    return RunLines(_sessions_lines(week, measure, language), font=s.FONT, bold=s.FONT_BOLD,
                    size=st.fontSize, leading=st.leading, colour=st.textColor)


def _no_break(words: str) -> str:
    # "5 min" or "walk 1 min × 2" split over two lines is easy to misread.
    words = _NUMBER_UNIT.sub("\\1\u00a0\\2", words)
    return words.replace(" × ", "\u00a0×\u00a0")


def _week_label(week: PlanWeek, centre: object, language: str) -> object:
    # Most weeks are just a number: a plain string (bold, centred by the table style) is
    # far cheaper than a Paragraph; only weeks with a small-print note need markup.
    notes = [text for flag, text in ((week.lighter, say(language, "lighter_week")),
                                     (week.taper, say(language, "easier_week")),
                                     (week.done is not None, "✓ " + say(language, "logged")))
             if flag]
    if not notes:
        return str(week.week)
    label = f"<b>{week.week}</b>" + "".join(f"<br/><font size=9.5>{n}</font>" for n in notes)
    return Paragraph(label, centre)


def _week_table(plan: Plan, width: float, language: str = hl.ENGLISH) -> Table:
    st = s.styles()
    head_style = st.cell_bold.clone("week_head", textColor=white)
    centre = st.cell.clone("week_centre", alignment=TA_CENTER)
    rows: list[list[object]] = [[
        Paragraph(say(language, key), head_style)
        for key in ("week", "dates", "your_runs", "weekly")
    ]]
    # Week, Dates and Weekly running are plain strings styled per column here (a Paragraph
    # per cell was most of the handout's CPU time); only "Your runs" needs markup.
    commands: list[tuple[object, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), s.ACCENT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.6, s.RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        # Room for "Semana" on one line in the narrow first column.
        ("LEFTPADDING", (0, 0), (0, 0), 3),
        ("RIGHTPADDING", (0, 0), (0, 0), 3),
        ("FONTSIZE", (0, 1), (-1, -1), st.cell.fontSize),
        ("LEADING", (0, 1), (-1, -1), st.cell.leading),
        ("FONTNAME", (0, 1), (0, -1), s.FONT_BOLD),
        ("FONTNAME", (3, 1), (3, -1), s.FONT_BOLD),
        ("ALIGN", (0, 1), (0, -1), "CENTER"),
        ("ALIGN", (3, 1), (3, -1), "CENTER"),
    ]
    for index, week in enumerate(plan.weeks, start=1):
        rows.append([
            _week_label(week, centre, language),
            words.week_dates(week.start, language),
            _runs_cell(week, plan.measure, language),
            words.amount_text(week.total, plan.measure),
        ])
        if week.lighter:
            commands.append(("BACKGROUND", (0, index), (-1, index), _LIGHTER_SHADE))
    table = Table(rows, colWidths=[0.85 * inch, 1.55 * inch, width - 3.65 * inch, 1.25 * inch],
                  repeatRows=1)
    table.setStyle(s.table_style(commands))
    return table


def _evidence_style() -> object:
    return s.styles().small.clone("evidence", fontSize=10.5, leading=13.5, borderColor=s.RULE,
                                  borderWidth=0.6, borderPadding=8, leftIndent=8, rightIndent=8,
                                  spaceBefore=8)


# The patient brings the log to visits every week or two, so it covers the next few
# weeks only; a year of empty rows would be pages nobody fills in.
LOG_WEEKS = 6


def log_weeks(plan: Plan) -> list[PlanWeek]:
    """The weeks the paper log covers: the next LOG_WEEKS not yet logged."""
    upcoming = [week for week in plan.weeks if week.done is None and week.runs]
    return upcoming[:LOG_WEEKS]


def _log_grid(plan: Plan, width: float, language: str = hl.ENGLISH) -> list[Flowable]:
    st = s.styles()
    weeks = log_weeks(plan)
    head_style = st.cell_bold.clone("log_head", textColor=white, fontSize=11, leading=13.5)
    rows: list[list[object]] = [[
        Paragraph(say(language, key), head_style)
        for key in ("week", "log_date", "log_ran", "log_pain", "log_morning")
    ]]
    morning = say(language, "log_choices")
    banding: list[tuple[object, ...]] = []
    for week in weeks:
        first = len(rows)
        if week.week % 2 == 0 and week.runs:
            banding.append(("BACKGROUND", (0, first), (-1, first + len(week.runs) - 1),
                            _LOG_SHADE))
        if first > 1 and week.runs:
            banding.append(("LINEABOVE", (0, first), (-1, first), 1.6, s.ACCENT))
        # Plain strings, not Paragraphs: our own short words, and a 50-week log has 150 rows.
        rows += [[str(week.week), words.log_date(session.date, language), "", "", morning]
                 for session in week.runs]
    table = Table(
        rows,
        colWidths=[0.8 * inch, 1.3 * inch, width - 5.25 * inch, 1.3 * inch, 1.85 * inch],
        rowHeights=[None] + [_LOG_ROW_H] * (len(rows) - 1),
        repeatRows=1,
    )
    table.setStyle(s.table_style([
        ("BACKGROUND", (0, 0), (-1, 0), s.ACCENT),
        ("GRID", (0, 0), (-1, -1), 0.8, s.GRID),
        ("LEFTPADDING", (0, 0), (0, 0), 3),
        ("RIGHTPADDING", (0, 0), (0, 0), 3),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("VALIGN", (0, 1), (-1, -1), "MIDDLE"),
        ("FONTSIZE", (0, 1), (-1, -1), 12),
        ("FONTSIZE", (4, 1), (4, -1), 10),
        ("LEADING", (4, 1), (4, -1), 12),
        ("ALIGN", (0, 1), (0, -1), "CENTER"),
        ("ALIGN", (4, 1), (4, -1), "CENTER"),
        *banding,  # one shade per week so a week's runs read as a group
    ]))
    intro = say(language, "log_intro")
    if weeks and weeks[-1] is not plan.weeks[-1]:
        intro += say(language, "log_covers", first=weeks[0].week, last=weeks[-1].week)
    return [Paragraph(say(language, "log_title"), st.heading), Paragraph(intro, st.body),
            Spacer(1, 2 * mm), table]
