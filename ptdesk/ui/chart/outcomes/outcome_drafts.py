"""The outcome forms' drafts: one per visit and measure, their keys and the JSON kept for them."""

from __future__ import annotations

import json
from typing import Any

DRAFT_FORMAT = 1
LABELS = {"nprs": "Pain (NPRS)", "lefs": "LEFS", "kujala": "Kujala", "psfs": "PSFS"}


def form_key(visit_id: int, measure: str) -> str:
    return f"outcomes:visit:{visit_id}:{measure}"


def draft_payload(state: dict[str, Any]) -> str:
    return json.dumps({"format": DRAFT_FORMAT, "state": state})


def read_state(payload: str) -> dict[str, Any] | None:
    """The saved form state; None when the draft cannot be read (it is left in place)."""
    try:
        state = json.loads(payload)["state"]
    except (ValueError, KeyError, TypeError):
        return None
    return state if isinstance(state, dict) else None
