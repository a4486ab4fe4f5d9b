"""Plain values the evaluation and plan-of-care report prints: the note's sections as tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ptdesk.reports.dto import ClinicInfo

DRAFT_MARK = "Draft — not signed"


@dataclass(frozen=True, slots=True)
class Table:
    """One charted section as a table: a header row, text rows, and the cells to flag."""

    title: str
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # fractions of the page width, summing to 1
    flagged: tuple[tuple[int, int], ...] = ()  # (row, column) of rows, counted from 0
    note: str = ""  # a key printed above the table


@dataclass(frozen=True, slots=True)
class AddendumLine:
    author: str
    written: str  # "March 4, 2026, 14:05 UTC"
    reason: str
    text: str


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    """Everything one evaluation's printout shows, already worded; the renderer only lays out."""

    clinic: ClinicInfo
    title: str  # "Initial evaluation and plan of care"
    draft: bool
    printed_on: dt.date
    patient_name: str
    patient_rows: tuple[tuple[str, str], ...]  # (label, value): DOB, MRN, physician, diagnosis…
    date_rows: tuple[tuple[str, str], ...]  # date of service, signed, late entry
    late_entry: str  # "" or the sentence with both dates, printed prominently
    sections: tuple[Table, ...]  # subjective, knee, special tests, ankle, strength, gait…
    notes: tuple[tuple[str, str], ...]  # (heading, free text): the SOAP narrative
    outcomes: Table | None
    assessment: tuple[tuple[str, str], ...]  # working diagnosis, problem list, assessment
    goals: Table | None
    plan: tuple[tuple[str, str], ...]  # frequency, duration, interventions
    program: Table | None
    run_plan: tuple[tuple[str, str], ...]
    run_plan_notes: tuple[str, ...]
    clinician_name: str
    signature: str  # "Electronically signed by … on …" or the draft mark
    content_hash: str
    addenda: tuple[AddendumLine, ...]
    referring_physician: str
