"""Plain values the services fill and the PDF handouts print (no database, no Qt)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ptdesk.domain.handout_language import ENGLISH, stop_and_call

if TYPE_CHECKING:
    from ptdesk.domain.runplan import Plan

PaperSize = Literal["letter", "a4"]

# Plain words a patient can act on; the clinic may pass its own list instead.
# English here; `handout_language.stop_and_call(language)` has every language.
DEFAULT_STOP_AND_CALL: tuple[str, ...] = stop_and_call(ENGLISH)


@dataclass(frozen=True, slots=True)
class ClinicInfo:
    """Who the handout comes from; printed in every page header.

    The logo is a file (`logo_path`, PNG/JPG/SVG) or, as the clinic settings store
    it, the image's bytes (`logo_bytes`, PNG/JPG), which win when both are given.
    """

    name: str
    address: str = ""
    phone: str = ""
    logo_path: Path | None = None
    paper_size: PaperSize = "letter"
    logo_bytes: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class ExerciseSheetItem:
    """One dosed exercise as the patient should read it.

    `image_path` is the library's SVG drawing or a JPG/PNG file. A clinician's
    own photo may instead come as `image_bytes` (JPG/PNG, as stored in the
    chart); it replaces the drawing on the sheet.
    """

    name: str
    purpose: str
    steps: tuple[str, ...]
    dosage_text: str
    side_text: str
    precautions: tuple[str, ...] = ()
    note: str = ""
    image_path: Path | None = None
    image_bytes: bytes | None = field(default=None, repr=False)
    # The library's lines that fit the prescription (ptdesk.domain.handout_notes); the
    # clinician's own `note` prints apart from them, as written.
    library_notes: tuple[str, ...] = ()
    # For the one-page summary: how much ("3 sets of 10") and how often ("once a day");
    # empty = the summary shows `dosage_text`.
    amount_text: str = ""
    when_text: str = ""
    # The cadence drill's metronome setting, when the clinician set a cadence target.
    metronome_bpm: int | None = None


@dataclass(frozen=True, slots=True)
class ExerciseSheet:
    """A patient's take-home exercise programme."""

    clinic: ClinicInfo
    clinician_name: str
    patient_name: str
    date: dt.date
    items: tuple[ExerciseSheetItem, ...]
    stop_and_call: tuple[str, ...] = DEFAULT_STOP_AND_CALL
    # (colour, words) pairs as `ptdesk.domain.pain_words.exercise_pain_lights` words them;
    # empty = the default pain rules.
    pain_guide: tuple[tuple[str, str], ...] = ()
    # Four smaller cards to a page, for long programmes.
    compact: bool = False
    # A one-page table at the end (exercise, how much, side, when) for the fridge.
    summary: bool = False
    # The handout language of every fixed phrase ("en", "es"); the items come already
    # worded in it (or in English where an exercise has no such text).
    language: str = ENGLISH


@dataclass(frozen=True, slots=True)
class RunPlanHandout:
    """A return-to-run plan as printed for the patient.

    `pain_rules` are (colour, text) pairs, colour being "green", "amber" or
    "red", as `ptdesk.domain.runplan.describe_pain_rules` words them.
    """

    clinic: ClinicInfo
    clinician_name: str
    patient_name: str
    date: dt.date
    plan: Plan
    cadence_target_spm: int | None = None
    pain_rules: tuple[tuple[str, str], ...] = ()
    language: str = "en"  # the handout's language: every fixed phrase, date and unit
