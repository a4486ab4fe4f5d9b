"""Plain values the progress report prints: findings, scores, symmetry and chart series."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ptdesk.reports.dto import ClinicInfo

Flag = str  # "better", "worse" or "within_error"


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    """One finding of the evaluation summary at intake and at the latest visit that tested it."""

    label: str
    intake: str
    latest: str  # "" when not re-tested since intake
    intake_date: dt.date | None = None
    latest_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ScoreRow:
    """An outcome measure from intake to now, read against its MCID."""

    measure: str  # "LEFS"
    scale: str  # "0–80, higher is better"
    intake: str
    latest: str
    change: str  # "+12", "−3" or "—"
    interpretation: str  # "meaningful improvement"
    flag: Flag | None  # None when measured only once


@dataclass(frozen=True, slots=True)
class SymmetryRow:
    """Latest left/right readings of one muscle group and its limb symmetry index."""

    muscle_group: str
    left: str
    right: str
    lsi: str  # "72%" or "—"
    intake_lsi: str
    flagged: bool  # LSI below 90%, or MMT grades a full grade apart
    change: Flag | None  # intake to latest, judged against measurement error
    method: str  # "dynamometer", "mmt" or "mixed"
    involved: str = ""  # "Right", "Left" or "Weaker vs stronger" (per body region)
    grades: str = ""  # MMT only: "4 / 5" (left / right); such rows never have an LSI


@dataclass(frozen=True, slots=True)
class AnkleRow:
    """One opposite-ankle measure judged on the injured ankle's side, with its cited limit."""

    label: str
    text: str
    flagged: bool


@dataclass(frozen=True, slots=True)
class ReadinessRow:
    """One return-to-run readiness criterion at intake and at the latest evaluation."""

    criterion: str
    target: str
    intake: str
    latest: str
    met_intake: bool | None
    met_latest: bool | None


@dataclass(frozen=True, slots=True)
class RunPainRow:
    """One logged run's pain between visits; `red` follows the run plan's pain rule."""

    day: dt.date
    pain: int
    next_morning: str
    other: str  # "swelling, limping" or ""
    red: bool


@dataclass(frozen=True, slots=True)
class ChangeNote:
    flag: Flag
    text: str


@dataclass(frozen=True, slots=True)
class ChartPoint:
    day: dt.date
    value: float


@dataclass(frozen=True, slots=True)
class ChartMark:
    """A separate dated mark on a line chart (e.g. pain during a logged run); red stands out."""

    day: dt.date
    value: float
    red: bool = False


@dataclass(frozen=True, slots=True)
class ChartLine:
    label: str
    points: tuple[ChartPoint, ...]
    band: tuple[tuple[dt.date, float, float], ...] = ()  # (day, low, high) error band


@dataclass(frozen=True, slots=True)
class LineChart:
    """A dated line chart; `band` is a horizontal band (e.g. intake ± MCID)."""

    title: str
    y_label: str
    y_min: float
    y_max: float
    lines: tuple[ChartLine, ...]
    band: tuple[float, float] | None = None
    band_label: str = ""
    threshold: float | None = None
    threshold_label: str = ""
    higher_is_better: bool = True
    line_band_label: str = ""  # legend text for the lines' own shaded bands
    marks: tuple[ChartMark, ...] = ()  # drawn as squares, not joined to the lines
    marks_label: str = ""
    red_label: str = ""


@dataclass(frozen=True, slots=True)
class VolumeBar:
    week: int
    planned: float | None
    done: float | None
    ceiling: float | None
    over_cap: bool


@dataclass(frozen=True, slots=True)
class VolumeChart:
    title: str
    unit: str
    cap_pct: float
    bars: tuple[VolumeBar, ...]


@dataclass(frozen=True, slots=True)
class ProgramLine:
    exercise: str
    dosage: str


@dataclass(frozen=True, slots=True)
class GoalLine:
    description: str
    target: str  # "by March 1, 2027" or ""
    status: str  # "Met March 3, 2027", "Open"


@dataclass(frozen=True, slots=True)
class LoadWeekRow:
    """One week of the load table: the flag column is a rule, `change`/`acute_chronic` are not."""

    week: str  # "15–21 Jun"
    running: str
    planned: str
    cap: str
    two_week: str  # "+38% (flag)", "+5%", "no baseline (restart)", "—"
    flagged: bool
    change: str  # information only
    acute_chronic: str  # information only


@dataclass(frozen=True, slots=True)
class LoadSection:
    """Load between visits (issue 24): weeks, single-run spikes, the notes printed with them."""

    unit: str
    weeks: tuple[LoadWeekRow, ...]
    spikes: tuple[str, ...]
    summary: str
    notes: tuple[str, ...]  # the rules, with their sources
    info_note: str  # printed in grey: information only, with its limits
    cadence: str = ""


@dataclass(frozen=True, slots=True)
class ProgressReport:
    """Everything the referring physician's progress report prints."""

    clinic: ClinicInfo
    clinician_name: str
    date: dt.date
    patient_name: str
    date_of_birth: dt.date
    mrn: str
    referring_physician: str
    diagnosis: str
    icd10_code: str
    affected_side: str
    episode_start: dt.date | None
    visits_to_date: int
    first_visit: dt.date | None
    last_visit: dt.date | None
    # Notes written after their day of service: "Late entry — service ..., written ...".
    late_entries: tuple[str, ...] = ()
    highlights: tuple[ChangeNote, ...] = ()
    evaluation: tuple[ComparisonRow, ...] = ()
    scores: tuple[ScoreRow, ...] = ()
    score_notes: tuple[str, ...] = ()
    symmetry: tuple[SymmetryRow, ...] = ()
    symmetry_date: dt.date | None = None
    pain_chart: LineChart | None = None
    outcome_charts: tuple[LineChart, ...] = ()
    lsi_chart: LineChart | None = None
    volume_chart: VolumeChart | None = None
    program: tuple[ProgramLine, ...] = ()
    program_date: dt.date | None = None
    plan_summary: tuple[tuple[str, str], ...] = ()
    plan_notes: tuple[str, ...] = ()
    goals: tuple[GoalLine, ...] = ()
    injured_ankle_side: str | None = None
    ankle: tuple[AnkleRow, ...] = ()
    ankle_date: dt.date | None = None
    ankle_note: str = ""
    readiness: tuple[ReadinessRow, ...] = ()
    readiness_dates: tuple[dt.date | None, dt.date | None] = (None, None)
    readiness_summary: str = ""
    run_pain: tuple[RunPainRow, ...] = ()
    run_pain_summary: str = ""
    audit_head: str = ""  # "Printed at N entries, last hash …": where the audit chain ended
    load: LoadSection | None = None
