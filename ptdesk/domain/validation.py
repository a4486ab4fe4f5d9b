"""Validation rules for values a clinician types: names, MRN, dates, pain, range of motion."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date

from ptdesk.domain.errors import ValidationError

# The fixed manual-muscle-test scale (Kendall-style with plus/minus), weakest first.
MMT_GRADES: tuple[str, ...] = ("0", "1", "2-", "2", "2+", "3-", "3", "3+", "4-", "4", "4+", "5")

NPRS_MIN, NPRS_MAX = 0, 10

# Plausible limits for knee range of motion in degrees: extension is recorded as a
# signed value (negative = lacks full extension, positive = hyperextension).
KNEE_FLEXION_MIN, KNEE_FLEXION_MAX = 0, 165
KNEE_EXTENSION_MIN, KNEE_EXTENSION_MAX = -60, 20

# Clinic MRNs: letters, digits and dashes, starting with a letter or digit.
MRN_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{2,19}$")
NAME_MAX = 100

SEXES: tuple[str, ...] = ("female", "male", "other", "unknown")
LEGS: tuple[str, ...] = ("left", "right", "unknown")
SIDES: tuple[str, ...] = ("left", "right")
AFFECTED_SIDES: tuple[str, ...] = ("left", "right", "both")


def require_text(field: str, value: str | None, label: str, max_len: int = NAME_MAX) -> str:
    """Return the trimmed text or refuse an empty/overlong/control-character value."""
    text = (value or "").strip()
    if not text:
        raise ValidationError(field, f"{label} is required.")
    return check_text(field, text, label, max_len)


def check_text(field: str, value: str, label: str, max_len: int) -> str:
    if len(value) > max_len:
        raise ValidationError(field, f"{label} is too long ({len(value)} characters; the limit is {max_len}).")
    return check_characters(field, value, label)


def check_characters(field: str, value: str, label: str) -> str:
    """Refuse text no database can store as typed (PostgreSQL refuses NUL outright)."""
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in value):
        raise ValidationError(field, f"{label} contains a control character that cannot be stored.")
    # Lone surrogates come from undecodable bytes (e.g. a mis-encoded command line) and
    # cannot be stored or printed as UTF-8.
    if any(unicodedata.category(ch) == "Cs" for ch in value):
        raise ValidationError(field, f"{label} contains a character that is not valid text.")
    return value


def optional_text(field: str, value: str | None, label: str, max_len: int = 2000) -> str:
    text = (value or "").strip()
    return check_text(field, text, label, max_len) if text else ""


def validate_name(field: str, value: str | None, label: str) -> str:
    name = require_text(field, value, label)
    if any(ch.isdigit() for ch in name):
        raise ValidationError(field, f"{label} should not contain digits.")
    return name


def validate_mrn(value: str | None) -> str:
    mrn = (value or "").strip().upper()
    if not mrn:
        raise ValidationError("mrn", "MRN is required.")
    if not MRN_PATTERN.match(mrn):
        raise ValidationError(
            "mrn", "MRN must be 3–20 letters, digits or dashes, starting with a letter or digit."
        )
    return mrn


def validate_birth_date(value: date | None, today: date | None = None) -> date:
    if value is None:
        raise ValidationError("date_of_birth", "Date of birth is required.")
    today = today or date.today()
    if value > today:
        raise ValidationError("date_of_birth", "Date of birth cannot be in the future.")
    if value.year < today.year - 120:
        raise ValidationError("date_of_birth", "Date of birth is more than 120 years ago.")
    return value


def validate_visit_date(value: date | None, date_of_birth: date | None) -> date:
    if value is None:
        raise ValidationError("visit_date", "Visit date is required.")
    if date_of_birth is not None and value < date_of_birth:
        raise ValidationError("visit_date", "Visit date cannot be before the patient's date of birth.")
    return value


def validate_choice(field: str, value: str | None, choices: tuple[str, ...], label: str) -> str:
    if value not in choices:
        raise ValidationError(field, f"{label} must be one of: {', '.join(choices)}.")
    return value


def validate_int_range(
    field: str, value: int | None, low: int, high: int, label: str, *, required: bool = False
) -> int | None:
    if value is None:
        if required:
            raise ValidationError(field, f"{label} is required.")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, f"{label} must be a whole number.")
    if not low <= value <= high:
        raise ValidationError(field, f"{label} must be {low}–{high}.")
    return value


def validate_number_range(
    field: str, value: float | None, low: float, high: float, label: str, unit: str = ""
) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(field, f"{label} must be a number.")
    if not low <= value <= high:
        suffix = f" {unit}" if unit else ""
        raise ValidationError(field, f"{label} must be between {low:g} and {high:g}{suffix}.")
    return float(value)


def validate_nprs(field: str, value: int | None, label: str = "Pain") -> int | None:
    return validate_int_range(field, value, NPRS_MIN, NPRS_MAX, label)


def validate_knee_flexion(field: str, value: float | None) -> float | None:
    return validate_number_range(field, value, KNEE_FLEXION_MIN, KNEE_FLEXION_MAX, "Knee flexion", "°")


def validate_knee_extension(field: str, value: float | None) -> float | None:
    return validate_number_range(
        field, value, KNEE_EXTENSION_MIN, KNEE_EXTENSION_MAX, "Knee extension", "°"
    )


def validate_mmt(field: str, value: str | None) -> str:
    grade = (value or "").strip()
    if grade not in MMT_GRADES:
        raise ValidationError(field, f"Muscle test grade must be one of {' '.join(MMT_GRADES)}.")
    return grade


def search_key(text: str) -> str:
    """Fold case and accents so 'Zoë Ødegård' is found by typing 'zoe odegard'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Letters that NFKD does not split into base + accent.
    for src, dst in (("ø", "o"), ("æ", "ae"), ("œ", "oe"), ("ß", "ss"), ("ł", "l"), ("đ", "d"),
                     ("ı", "i"), ("þ", "th"), ("ð", "d")):
        stripped = stripped.replace(src, dst)
    return " ".join(stripped.split())
