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

from ptdesk.domain.pain_words import COLOURS, LIGHT_WORDS, RUN_ACTIONS
from ptdesk.domain.runplan import PainRules, Plan, PlanWeek, Session, describe_pain_rules
from ptdesk.domain.runplan.amounts import UNIT_WORDS, clock, format_amount, format_pct
from ptdesk.domain.runplan.sessions import rest_day_advice
from ptdesk.domain.runplan.walkrun import WARM_UP_WALK_S
from ptdesk.reports import styles as s
from ptdesk.reports.dto import ClinicInfo, RunPlanHandout
from ptdesk.reports.text_runs import Paragraph

DOC_TITLE = "Return-to-run plan"
DEFAULT_CLINIC = ClinicInfo(name="PT Desk")
_LOG_ROW_H = 0.4 * inch  # room to write by hand
# The four next-morning answers (stiff-settled is amber), on two lines to fit the column.
LOG_MORNING = "better · same\nstiff, then OK · worse"
# Neutral, not green: a lighter week is not the traffic light's "go".
_LIGHTER_SHADE = s.ACCENT_LIGHT
_LOG_SHADE = colors.HexColor("#dfe7f2")
_NUMBER_UNIT = re.compile(r"(\d) (min|km|mi)\b")
_PAUSED = ("<b>Your plan is paused.</b> Do not run for now. Please contact the clinic. Your "
           "therapist will check your leg and tell you when and how to start again.")
_RESTART = ("<b>This plan is a fresh start.</b> Week 1 is the amount your therapist chose for "
            "you, not what you ran last week.")

# colour -> (strong colour, tint, word that survives a greyscale copy, what to do)
# (the words come from ptdesk.domain.pain_words, shared with the exercise sheet)
_LIGHTS: dict[str, tuple[Color, Color, str, str]] = {
    colour: (*s.LIGHT_COLOURS[colour], LIGHT_WORDS[colour], RUN_ACTIONS[colour])
    for colour in COLOURS
}

_EVIDENCE = (
    "<b>Why we build up slowly.</b> Studies of runners (Buist 2008, Nielsen 2014) found that "
    "building up slowly does not, on its own, prevent every injury. But knee problems that come "
    "from running more, such as pain around the kneecap or on the outside of the knee, were more "
    "common when runners added more than 30% to their running over two weeks. This plan stays "
    "well below that."
)


def render_runplan(handout: RunPlanHandout) -> bytes:
    """The plan handout as PDF bytes on the clinic's paper size."""
    width = s.content_width(handout.clinic.paper_size)
    story: list[Flowable] = [
        *_title_block(handout, width),
        *_notices(handout.plan),
        *_how_it_works(handout),
        _traffic_light(handout, width),
        Spacer(1, 5 * mm),
        CondPageBreak(2.5 * inch),
        Paragraph("Your week-by-week plan", s.styles().heading),
        _week_table(handout.plan, width),
        Spacer(1, 5 * mm),
        KeepTogether([Paragraph(_EVIDENCE, _evidence_style())]),
    ]
    if log_weeks(handout.plan):  # a paused plan has no weeks to log until it is resumed
        story += [PageBreak(), *_log_grid(handout.plan, width)]
    return s.build_pdf(
        story,
        clinic=handout.clinic,
        patient_name=handout.patient_name,
        day=handout.date,
        doc_title=DOC_TITLE,
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
    return format_amount(value, measure)  # type: ignore[arg-type]


def _notices(plan: Plan) -> list[Flowable]:
    st = s.styles()
    out: list[Flowable] = []
    box = st.body.clone("notice", borderColor=s.RED, borderWidth=1.2, borderPadding=8,
                        backColor=s.RED_LIGHT, spaceAfter=10)
    if plan.paused:
        out.append(Paragraph(_PAUSED, box))
    if plan.restart:
        out.append(Paragraph(_RESTART, st.body.clone("restart", spaceAfter=6)))
    return out


def _usual_days(plan: Plan) -> tuple[int, ...]:
    """The run days of a normal week (not race week), as offsets from its first day."""
    for week in plan.weeks:
        if week.runs and not any(session.race for session in week.sessions):
            return tuple((session.date - week.start).days for session in week.runs)
    return ()


def _title_block(handout: RunPlanHandout, width: float) -> list[Flowable]:
    st = s.styles()
    weeks = handout.plan.weeks
    if weeks:
        end = weeks[-1].start + dt.timedelta(days=6)
        span = f"{s.long_date(weeks[0].start)} to {s.long_date(end)}"
    else:
        span = "—"
    # A blank name or clinician leaves a line to write on, not an empty gap.
    name = s.text(handout.patient_name) or "_" * 24
    clinician = s.text(handout.clinician_name) or "_" * 20
    rows = [
        [Paragraph(label, st.label) for label in ("For", "From your therapist", "Plan dates")],
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
        Paragraph("Your return-to-run plan", st.title),
        info,
        Spacer(1, 2 * mm),
        Paragraph(f"Printed {s.long_date(handout.date)}", st.small),
        Spacer(1, 3 * mm),
    ]


def _goal_sentence(plan: Plan) -> str:
    if plan.goal_week is None or plan.goal_date is None:
        goal = "This plan does not reach your goal yet; your therapist will review it with you."
    else:
        goal = (f"You should reach your goal in week {plan.goal_week} "
                f"(the week of {s.long_date(plan.goal_date)})")
        if plan.race_ready is True:
            goal += ", in time for your race. Before the race you run a little less, so you are fresh."
        elif plan.race_ready is False:
            goal += (". That is not in time for your race, so talk with your therapist "
                     "about how to run it.")
        else:
            goal += "."
    if plan.paused:
        goal = "Your plan is paused. Please contact the clinic before you run again."
    return goal


def _how_it_works(handout: RunPlanHandout) -> list[Flowable]:
    st = s.styles()
    plan = handout.plan
    measure_words = "running minutes" if plan.measure == "minutes" else (
        f"running distance ({UNIT_WORDS[plan.measure]})")
    points = [
        f"Your running grows by no more than {format_pct(plan.cap_pct)}% a week, counted in "
        f"{measure_words}. Walking does not count.",
        f"{rest_day_advice(_usual_days(plan))} Run at an easy pace where you can still talk, "
        f"on flat ground at first.",
        "Follow the traffic light below after every run. It tells you whether to go on, "
        "repeat a week, or go back.",
    ]
    if plan.measure == "minutes":
        points.append(f"Times are minutes and seconds (1:30 is one and a half minutes). Start "
                      f"every session with a {clock(WARM_UP_WALK_S)} walk.")
    if any(session.race for week in plan.weeks for session in week.sessions):
        points.append("Your <b>race day</b> is marked in the table. Do not run on other days "
                      "of race week after the race.")
    if any(week.lighter for week in plan.weeks):
        points.append("Shaded weeks are <b>lighter weeks</b>: less running, so your body can "
                      "catch up. Then the plan builds again.")
    out: list[Flowable] = [Paragraph("How this plan works", st.heading)]
    out += [Paragraph(point, st.step, bulletText="•") for point in points]
    if handout.cadence_target_spm:
        out.append(Paragraph(
            f"<b>Step rate:</b> set your metronome to <b>{handout.cadence_target_spm} beats per "
            f"minute</b> and take one step on each beat ({handout.cadence_target_spm} steps a "
            f"minute).", st.step, bulletText="•"))
    out.append(Paragraph(f"<b>Goal:</b> {_goal_sentence(plan)}", st.step, bulletText="•"))
    return out


def _traffic_light(handout: RunPlanHandout, width: float) -> Flowable:
    st = s.styles()
    rules = handout.pain_rules or tuple(describe_pain_rules(PainRules()))
    word_style = st.body_bold.clone("light_word", textColor=white, alignment=TA_CENTER,
                                    fontSize=17, leading=20)
    what_style = st.body_bold.clone("light_what", textColor=white, alignment=TA_CENTER,
                                    fontSize=10.5, leading=12.5)
    rows: list[list[object]] = []
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 7),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
        ("LEFTPADDING", (1, 0), (1, -1), 10),
        ("LINEBELOW", (0, 0), (-1, -2), 3, white),
    ]
    for row, (colour, words) in enumerate(rules):
        strong, tint, word, what = _LIGHTS.get(colour.lower(), (s.MUTED, s.ACCENT_LIGHT, "", ""))
        rows.append([[Paragraph(word, word_style), Paragraph(what, what_style)],
                     Paragraph(s.text(words), st.body)])
        commands += [("BACKGROUND", (0, row), (0, row), strong),
                     ("BACKGROUND", (1, row), (1, row), tint)]
    table = Table(rows, colWidths=[1.45 * inch, width - 1.45 * inch])
    table.setStyle(s.table_style(commands))
    title = Paragraph("Check your pain after each run and the next morning", st.heading)
    return KeepTogether([title, table])


def session_text(session: Session, week: PlanWeek, measure: str) -> str:
    """Short words for one run, e.g. 'Run 1:00, walk 1:30 × 6' or 'Easy run 25:00 min'."""
    if session.race:
        return "RACE DAY"
    if session.run <= 0:
        return session.description
    intervals = session.intervals
    if intervals is not None:
        words = (f"Run {clock(intervals.run_s)}, walk {clock(intervals.walk_s)} "
                 f"× {intervals.repeats}")
        if intervals.then_run_s:
            words += f", then run {clock(intervals.then_run_s)}"
        whole = WARM_UP_WALK_S + intervals.running_s + intervals.walking_s
        return f"{words} (whole session {clock(whole)})"
    if measure == "minutes":
        seconds = int(session.run * 60)
        return f"Run {clock(seconds)} without stopping (whole session " \
               f"{clock(WARM_UP_WALK_S + seconds)})"
    others = [other.run for other in week.runs if other is not session]
    kind = "Longer easy run" if others and session.run > max(others) else "Easy run"
    return f"{kind} {amount_text(session.run, measure)}"


def _sessions_text(week: PlanWeek, measure: str) -> str:
    # Runs with the same words share one line ("Mon, Wed, Fri: ...") to keep the table short.
    groups: dict[str, list[str]] = {}
    for session in week.sessions:
        groups.setdefault(session_text(session, week, measure), []).append(f"{session.date:%a}")
    return "<br/>".join(f"<b>{', '.join(days)}:</b> {_no_break(s.text(words))}"
                        for words, days in groups.items())


def _no_break(markup: str) -> str:
    # "5 min" or "walk 1 min × 2" split over two lines is easy to misread.
    markup = _NUMBER_UNIT.sub(r"\1&nbsp;\2", markup)
    return markup.replace(" × ", "&nbsp;×&nbsp;")


def _week_dates(start: dt.date) -> str:
    end = start + dt.timedelta(days=6)
    if end.month == start.month:
        return f"{start:%b}&nbsp;{start.day}–{end.day}"
    return f"{start:%b}&nbsp;{start.day} – {end:%b}&nbsp;{end.day}"


def _week_table(plan: Plan, width: float) -> Table:
    st = s.styles()
    head_style = st.cell_bold.clone("week_head", textColor=white)
    centre = st.cell.clone("week_centre", alignment=TA_CENTER)
    centre_bold = st.cell_bold.clone("week_centre_bold", alignment=TA_CENTER)
    rows: list[list[object]] = [[
        Paragraph("Week", head_style), Paragraph("Dates", head_style),
        Paragraph("Your runs", head_style), Paragraph("Weekly running", head_style),
    ]]
    commands: list[tuple[object, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), s.ACCENT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.6, s.RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]
    for index, week in enumerate(plan.weeks, start=1):
        label = f"<b>{week.week}</b>"
        if week.lighter:
            label += "<br/><font size=9.5>lighter week</font>"
        if week.taper:
            label += "<br/><font size=9.5>easier week</font>"
        if week.done is not None:
            label += "<br/><font size=9.5>✓ logged</font>"
        rows.append([
            Paragraph(label, centre),
            Paragraph(_week_dates(week.start), st.cell),
            Paragraph(_sessions_text(week, plan.measure), st.cell),
            Paragraph(amount_text(week.total, plan.measure), centre_bold),
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


def _log_grid(plan: Plan, width: float) -> list[Flowable]:
    st = s.styles()
    weeks = log_weeks(plan)
    head_style = st.cell_bold.clone("log_head", textColor=white, fontSize=11, leading=13.5)
    rows: list[list[object]] = [[
        Paragraph("Week", head_style), Paragraph("Date", head_style),
        Paragraph("What I ran", head_style), Paragraph("Pain during (0–10)", head_style),
        Paragraph("Next morning (circle one)", head_style),
    ]]
    banding: list[tuple[object, ...]] = []
    for week in weeks:
        first = len(rows)
        if week.week % 2 == 0 and week.runs:
            banding.append(("BACKGROUND", (0, first), (-1, first + len(week.runs) - 1),
                            _LOG_SHADE))
        if first > 1 and week.runs:
            banding.append(("LINEABOVE", (0, first), (-1, first), 1.6, s.ACCENT))
        # Plain strings, not Paragraphs: our own short words, and a 50-week log has 150 rows.
        rows += [[str(week.week), f"{session.date:%a} {s.short_date(session.date)}", "", "",
                  LOG_MORNING] for session in week.runs]
    table = Table(
        rows,
        colWidths=[0.7 * inch, 1.3 * inch, width - 5.15 * inch, 1.3 * inch, 1.85 * inch],
        rowHeights=[None] + [_LOG_ROW_H] * (len(rows) - 1),
        repeatRows=1,
    )
    table.setStyle(s.table_style([
        ("BACKGROUND", (0, 0), (-1, 0), s.ACCENT),
        ("GRID", (0, 0), (-1, -1), 0.8, s.GRID),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("VALIGN", (0, 1), (-1, -1), "MIDDLE"),
        ("FONTSIZE", (0, 1), (-1, -1), 12),
        ("FONTSIZE", (4, 1), (4, -1), 10),
        ("LEADING", (4, 1), (4, -1), 12),
        ("ALIGN", (0, 1), (0, -1), "CENTER"),
        ("ALIGN", (4, 1), (4, -1), "CENTER"),
        *banding,  # one shade per week so a week's runs read as a group
    ]))
    intro = ("After each run, write what you did, your pain during the run (0 = none, "
             "10 = worst), and the next morning circle how it feels compared with before.")
    if weeks and weeks[-1] is not plan.weeks[-1]:
        intro += (f" This log covers weeks {weeks[0].week} to {weeks[-1].week}. Bring it to your "
                  "next visit and we will give you the next pages.")
    return [Paragraph("Your running log", st.heading), Paragraph(intro, st.body),
            Spacer(1, 2 * mm), table]
