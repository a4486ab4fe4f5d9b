"""Every mapped class in one import, so Alembic and services see the whole schema."""

from ptdesk.db.models_audit import AuditHead
from ptdesk.db.models_care import (
    Exercise,
    OutcomeItem,
    OutcomeResult,
    Prescription,
    PrescriptionItem,
    RunLog,
    RunPlan,
    RunPlanWeek,
)
from ptdesk.db.models_late import LateOutcome
from ptdesk.db.models_patients import (
    AuditEntry,
    Clinician,
    ClinicSettings,
    Draft,
    Episode,
    Goal,
    Patient,
)
from ptdesk.db.models_visits import (
    Addendum,
    AnkleExam,
    AssessmentPlanRecord,
    EpisodeFactMerge,
    GaitAssessment,
    KneeExam,
    NoteEpisodeFacts,
    PriorInjuryRecord,
    ReadinessExam,
    SpecialTest,
    StrengthTest,
    SubjectiveExam,
    Visit,
)

__all__ = [
    "Addendum", "AnkleExam", "AssessmentPlanRecord", "AuditEntry", "AuditHead", "ClinicSettings", "Clinician", "Draft", "Episode",
    "EpisodeFactMerge", "NoteEpisodeFacts",
    "Exercise", "GaitAssessment", "Goal", "KneeExam", "LateOutcome", "OutcomeItem", "OutcomeResult", "Patient",
    "Prescription", "PrescriptionItem", "PriorInjuryRecord", "ReadinessExam", "RunLog", "RunPlan", "RunPlanWeek",
    "SpecialTest", "StrengthTest", "SubjectiveExam", "Visit",
]
