"""The evaluation form's draft: its key and the JSON kept for it (raw texts, invalid ones too)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

DRAFT_FORMAT = 1


def form_key(visit_id: int) -> str:
    return f"evaluation:visit:{visit_id}"


@dataclass(frozen=True)
class RestoredDraft:
    sections: dict[str, Any]  # section name -> raw input texts
    version: int | None       # the visit version the draft was typed on


def draft_payload(visit_id: int, version: int | None, sections: dict[str, Any]) -> str:
    return json.dumps({"format": DRAFT_FORMAT, "visit_id": visit_id, "version": version,
                       "sections": sections})


def read_draft(payload: str) -> RestoredDraft:
    """ValueError when the stored draft cannot be read (it is then left as it is)."""
    try:
        data = json.loads(payload)
        sections = data["sections"]
        version = data.get("version")
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError("unreadable draft") from exc
    if not isinstance(sections, dict):
        raise ValueError("unreadable draft")
    return RestoredDraft(sections, version if isinstance(version, int) else None)
