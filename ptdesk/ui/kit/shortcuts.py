"""The keyboard shortcuts of the chart's forms, defined once: the forms bind them, Help lists them."""

from __future__ import annotations

# Quick fills act on the evaluation section holding the keyboard focus (quick_fill.py).
QUICK_FILL_KEYS = {
    "tests_negative": "Ctrl+Shift+N",
    "no_tenderness": "Ctrl+Shift+T",
    "effusion_none": "Ctrl+Shift+E",
    "normal": "Ctrl+Shift+W",
    "no_red_flags": "Ctrl+Shift+R",
    "undo": "Ctrl+Shift+U",
}
DRAFT_NOTE_KEY = "Ctrl+Shift+D"

# (keys, what they do), in the order Help › Keyboard shortcuts shows them.
FORM_SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Tab / Shift+Tab", "Next / previous field, in reading order"),
    ("Arrow keys", "Move within a group of tick boxes (one Tab stop per group)"),
    ("Space", "Tick or untick the box in focus"),
    ("Alt+1 … Alt+7", "Evaluation: jump to a section (Subjective … Assessment)"),
    (QUICK_FILL_KEYS["normal"], "Evaluation: within normal limits (section in focus)"),
    (QUICK_FILL_KEYS["tests_negative"], "Evaluation: all special / ligament tests negative"),
    (QUICK_FILL_KEYS["no_tenderness"], "Evaluation: no tenderness (section in focus)"),
    (QUICK_FILL_KEYS["effusion_none"], "Evaluation: knee effusion none, both sides"),
    (QUICK_FILL_KEYS["no_red_flags"], "Evaluation: red flags screened, none found"),
    (QUICK_FILL_KEYS["undo"], "Evaluation: undo the last quick fill (section in focus)"),
    (DRAFT_NOTE_KEY, "Evaluation: draft the SOAP note from the exam"),
)
