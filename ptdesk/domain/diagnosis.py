"""Reading an episode's diagnosis: which clinical rules apply to it (e.g. patellofemoral pain)."""

from __future__ import annotations

# ICD-10 M22.2 is "Patellofemoral disorders" (WHO ICD-10, chapter XIII); "runner's knee" is
# the clinic's word for patellofemoral pain (CLINICAL.md, condition 3). It matters because
# NPRS change is judged against 1.16 points in patellofemoral pain (Piva 2009).
PATELLOFEMORAL_ICD10_PREFIX = "M22.2"
PATELLOFEMORAL_WORDS = ("patellofemoral", "runner's knee")


def is_patellofemoral(diagnosis: str, icd10_code: str) -> bool:
    """True when the working diagnosis or its ICD-10 code names patellofemoral pain."""
    words = diagnosis.casefold()
    return (any(word in words for word in PATELLOFEMORAL_WORDS)
            or icd10_code.strip().upper().startswith(PATELLOFEMORAL_ICD10_PREFIX))
