"""The Sign dialog's outcome-measure check: what the clinic asks for at this visit is missing."""

from __future__ import annotations

from ptdesk.services.errors import ServiceError
from ptdesk.services.evaluations import VisitSummary
from ptdesk.services.visit_measures import visit_measures
from ptdesk.ui.context import AppContext


def missing_measures_note(ctx: AppContext, visit: VisitSummary) -> str:
    """A paragraph for the Sign question naming the missing measures, or "" when none are.

    Signing goes ahead only if the clinician then answers Yes; a measure added after
    signing is kept as a dated late entry beside the note.
    """
    try:
        measures = visit_measures(ctx.session_factory, actor=ctx.actor, visit_id=visit.id)
    except ServiceError:
        return ""
    if not measures.missing:
        return ""
    noun = "measure is" if len(measures.missing) == 1 else "measures are"
    return (f"\n\nMissing: {measures.missing_text}. The clinic asks for these outcome "
            f"measures at this visit and the {noun} not recorded. Sign anyway? A measure "
            "added after signing is kept as a dated late entry beside the note.")
