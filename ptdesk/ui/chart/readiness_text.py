"""Return-to-run readiness in plain lines, for the Overview and the Run plan tab (warns, never blocks)."""

from __future__ import annotations

from ptdesk.services.readiness import ReadinessStatus


def readiness_text(status: ReadinessStatus, *, detail: bool = True) -> str:
    """ "2 of 4 readiness criteria met; not met: …" and, with `detail`, one line per criterion."""
    lines = [status.summary + ("." if not status.summary.endswith(".") else "")]
    if detail:
        for c in status.criteria:
            if c.optional and c.met is None:
                continue  # optional hop tests not done: nothing to say
            mark = "✓" if c.met else "✗" if c.met is False else "–"
            lines.append(f"{mark} {c.label}: {c.result or 'not tested'} (target {c.target})")
    return "\n".join(lines)
