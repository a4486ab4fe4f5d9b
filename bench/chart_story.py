"""Register a demo story patient and chart her initial evaluation through the real window, by hand.

`chart_initial_evaluation(app, window, story)` clicks and types (bench/input_driver.py) what a
clinician would to reproduce the demo's stored patient, episode and initial evaluation, signs
it, and returns the tally and the visit id. `check_stored` reads the record back through the
services and lists every difference from the demo.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from input_driver import Hands, Tally, wait_until
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialogButtonBox,
    QMessageBox,
    QWidget,
)

from ptdesk.demo.kit import Story
from ptdesk.domain import evaluation as ev
from ptdesk.domain.episode_facts import EpisodeFacts
from ptdesk.domain.note_facts import show_in_note
from ptdesk.ui.chart.evaluation.episode_facts_form import FORM_FIELDS

SOAP_KEYS = ("soap_subjective", "soap_objective", "soap_assessment", "soap_plan")
# With "Draft from exam", what the clinician still types in each SOAP box: the demo note's
# sentences that the structured exam does not hold (the lumbar screen is not a form field;
# "not a structural injury" is the clinician's judgement). The rest of the demo's SOAP text
# restates charted findings, which the draft writes.
STILL_TYPED = {"DEMO-0001": {
    "soap_objective": "Lumbar screen: full pain-free range.",
    "soap_assessment": "Weakness pattern, not a structural knee injury.",
}}


@dataclass
class Charted:
    visit_id: int
    patient_id: int
    drafted: bool  # the SOAP boxes were drafted from the exam, then completed by hand
    soap_expected: dict[str, str]


def _button(dialog: QWidget, *texts: str) -> QAbstractButton:
    for button in dialog.findChildren(QAbstractButton):
        label = button.text().replace("&", "").lower()
        if button.isVisible() and any(label.startswith(t) for t in texts):
            return button
    raise RuntimeError(f"no button {texts} in {dialog.windowTitle()!r}")


def _register(hands: Hands, window: Any, story: Story) -> None:
    """File ▸ New patient…, the patient and the first episode, Save."""
    p, errors = story.patient, []
    goal, goal_date = story.goals[0] if story.goals else ("", None)
    values = {
        "mrn": p.mrn, "first_name": p.first_name, "last_name": p.last_name,
        "preferred_name": p.preferred_name or "", "date_of_birth": p.date_of_birth.isoformat(),
        "sex": p.sex, "dominant_leg": p.dominant_leg, "phone": p.phone, "email": p.email,
        "address": p.address, "referring_physician": p.referring_physician,
        "diagnosis": story.diagnosis, "icd10_code": story.icd10_code,
        "affected_side": story.affected_side, "onset_date": story.onset.isoformat(),
        "start_date": story.start.isoformat(), "goal": goal,
        "goal_date": goal_date.isoformat() if goal_date else "",
    }

    def fill(dialog: QWidget) -> None:
        for key, wanted in values.items():
            hands.set_widget(dialog.inputs[key], wanted)  # type: ignore[attr-defined]
        hands.press(dialog.buttons.button(QDialogButtonBox.StandardButton.Save))  # type: ignore[attr-defined]

    hands.step("register patient")
    hands.when_modal(fill, errors)
    hands.press(window.toolbar.widgetForAction(window.new_patient_action))
    if errors:
        raise errors[0]
    wait_until(hands.app, lambda: window.chart.patient_id is not None, what="the new chart")


def _open_new_visit(hands: Hands, window: Any) -> Any:
    hands.step("start visit")
    chart = window.chart
    bar = chart.tabs.tabBar()
    index = next(i for i in range(chart.tabs.count())
                 if chart.tabs.tabText(i).replace("&", "") == "Visits")
    if chart.tabs.currentIndex() != index:
        hands.click(bar, bar.tabRect(index).center())
    hands.press(chart.visits_tab.new_buttons["initial_evaluation"])
    tab = chart.evaluation_tab
    wait_until(hands.app, lambda: getattr(tab, "_visit", None) is not None
               and chart.tabs.currentWidget() is not None, what="the new visit to open")
    return tab


def episode_facts(story: Story, expected: ev.Evaluation) -> EpisodeFacts:
    """The facts the demo's note shows: its episode's, with the goal race its history holds.

    Since issue 18 they live on the episode (typed once, in the patient dialog, or in the
    evaluation, which writes the episode) and every note of the episode shows them.
    """
    history = expected.subjective or ev.SubjectiveFindings()
    return EpisodeFacts(diagnosis=story.diagnosis, icd10_code=story.icd10_code,
                        affected_side=story.affected_side, onset_date=story.onset,
                        goal_race=history.goal_race, goal_race_date=history.goal_race_date)


def target_raw(section: Any, expected: ev.Evaluation,
               facts: EpisodeFacts | None = None) -> dict[str, Any]:
    """What every input of `section` shows for the demo's evaluation (a scratch copy loads it)."""
    scratch = type(section)()
    scratch.load(expected)
    keys = scratch.fields.keys()
    for name, (_section, key) in FORM_FIELDS.items():
        if facts is not None and key in keys:
            scratch.fields.set_value(key, getattr(facts, name))
    raw: dict[str, Any] = scratch.raw()
    scratch.deleteLater()
    return raw


def _quick_fills(hands: Hands, section: Any, target: dict[str, Any]) -> None:
    """Use a section's quick-fill buttons where a scratch copy shows they only help."""
    for name, button in getattr(section, "quick_fills", {}).items():
        if not button.isVisibleTo(section) or not button.isEnabled():
            continue
        scratch = type(section)()
        scratch.set_raw(section.raw())
        before = {k for k, v in scratch.raw().items() if target.get(k) == v}
        scratch.quick_fills[name].click()
        after = {k for k, v in scratch.raw().items() if target.get(k) == v}
        scratch.deleteLater()
        if before <= after and len(after) > len(before) + 1:
            hands.press(button)


def _drive_fields(hands: Hands, section: Any, target: dict[str, Any],
                  keys: list[str] | None = None) -> None:
    fields = section.fields
    for key in keys if keys is not None else fields.keys():
        widget = fields.widget(key)
        if key not in target or not widget.isVisibleTo(section) or not widget.isEnabled():
            continue
        if fields.raw()[key] != target[key]:
            hands.set_widget(widget, target[key])


def _editor(hands: Hands, view: Any, column: int) -> QWidget:
    """The cell editor the table has open in `column` (where the keyboard focus is)."""
    def open_editor() -> QWidget | None:
        if view.currentIndex().column() != column:
            return None
        found = [w for w in view.viewport().findChildren(
            QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly) if w.isVisible()]
        return found[-1] if len(found) == 1 else None
    wait_until(hands.app, lambda: open_editor() is not None, what="the cell editor")
    editor = open_editor()
    assert editor is not None
    return editor


def _prior_injuries(hands: Hands, section: Any, injuries: tuple[ev.PriorInjury, ...]) -> None:
    """Add injury, type the description, Tab over the side (chosen if not the default), date."""
    wanted = [[i.description, i.side, i.injury_date.isoformat() if i.injury_date else ""]
              for i in injuries]
    if section.injuries.raw() == wanted:
        return
    view = section.injury_view
    for description, side, when in wanted:
        hands.press(section.add_injury_button)
        editor = _editor(hands, view, 0)
        hands.type(editor, description)
        hands.key(editor, Qt.Key.Key_Tab)
        combo = _editor(hands, view, 1)
        if side != "left":
            hands.set_widget(combo, side)
        hands.key(combo, Qt.Key.Key_Tab)
        date_editor = _editor(hands, view, 2)
        if when:
            hands.type(date_editor, when)
        hands.key(date_editor, Qt.Key.Key_Return)
    if section.injuries.raw() != wanted:
        raise RuntimeError(f"prior injuries typed as {section.injuries.raw()}")


def _chart_sections(hands: Hands, tab: Any, story: Story, expected: ev.Evaluation
                    ) -> tuple[bool, dict[str, str]]:
    soap_expected = {key: getattr(expected, key) for key in SOAP_KEYS}
    drafted = False
    for name, section in tab.sections.items():
        if not section.isVisibleTo(tab):
            continue
        hands.step(f"section {name}")
        target = target_raw(section, expected, episode_facts(story, expected))
        if name == "ankle" and story.injured_ankle_side:
            target["injured_ankle_side"] = story.injured_ankle_side
        _quick_fills(hands, section, target)
        every_key: list[str] = section.fields.keys()  # FormFields, not a dict
        keys = [k for k in every_key if k not in SOAP_KEYS]
        _drive_fields(hands, section, target, keys)
        if name == "subjective" and expected.subjective is not None:
            _prior_injuries(hands, section, expected.subjective.prior_injuries)
        if not any(k in SOAP_KEYS for k in every_key):
            continue
        hands.step("SOAP note")
        draft_button = getattr(section, "draft_button", None)
        if draft_button is not None and draft_button.isVisibleTo(tab):
            hands.press(draft_button)
            drafted = True
            extra = STILL_TYPED.get(story.patient.mrn, {})
            for key in SOAP_KEYS:
                text = section.fields.raw()[key]
                add = extra.get(key, "")
                soap_expected[key] = f"{text}\n{add}" if text and add else (text or add)
                target[key] = soap_expected[key]
        _drive_fields(hands, section, target, list(SOAP_KEYS))
    return drafted, soap_expected


def _sign(hands: Hands, tab: Any) -> None:
    hands.step("sign")
    errors: list[BaseException] = []

    def confirm(dialog: QWidget) -> None:
        if isinstance(dialog, QMessageBox):
            hands.press(dialog.button(QMessageBox.StandardButton.Yes))
        else:
            hands.press(_button(dialog, "sign", "yes"))

    hands.when_modal(confirm, errors)
    hands.press(tab.signing.sign_button)
    if errors:
        raise errors[0]
    wait_until(hands.app, lambda: tab._visit is not None and tab._visit.status == "signed",
               what="the note to be signed")


def chart_initial_evaluation(app: QApplication, window: Any, story: Story
                             ) -> tuple[Tally, Charted]:
    """Register the story patient and chart and sign her initial evaluation, counting inputs."""
    hands = Hands(app)
    expected = story.visits[0].evaluation
    _register(hands, window, story)
    tab = _open_new_visit(hands, window)
    drafted, soap = _chart_sections(hands, tab, story, expected)
    _sign(hands, tab)
    return hands.tally, Charted(tab._visit.id, window.chart.patient_id, drafted, soap)


def _normalised(e: ev.Evaluation) -> ev.Evaluation:
    """Row order is not content: sort the repeated rows and the ticked choices."""
    s = e.subjective
    if s is not None:
        s = replace(s, symptoms=tuple(sorted(s.symptoms)),
                    pain_locations=tuple(sorted(s.pain_locations)),
                    aggravating=tuple(sorted(s.aggravating)))
    return replace(
        e, subjective=s,
        knees=tuple(sorted(e.knees, key=lambda k: k.side)),
        ankles=tuple(sorted(e.ankles, key=lambda a: a.side)),
        special_tests=tuple(sorted(e.special_tests, key=lambda t: (t.test, t.side))),
        strength=tuple(sorted(e.strength, key=lambda m: (m.muscle_group, m.side))),
    )


def check_stored(session_factory: Any, actor: str, story: Story, charted: Charted) -> list[str]:
    """Every difference between what was saved and the demo's record (empty: reproduced)."""
    from ptdesk.services.episodes import active_episode
    from ptdesk.services.evaluations import load_evaluation
    from ptdesk.services.patients import get_patient

    problems: list[str] = []
    patient = get_patient(session_factory, actor=actor, patient_id=charted.patient_id)
    for key in ("mrn", "first_name", "last_name", "date_of_birth", "sex", "dominant_leg",
                "phone", "email", "address", "referring_physician"):
        if getattr(patient, key) != getattr(story.patient, key):
            problems.append(f"patient.{key}")
    episode = active_episode(session_factory, charted.patient_id, actor=actor)
    if episode is None:
        return [*problems, "no episode"]
    for key, wanted in (("diagnosis", story.diagnosis), ("icd10_code", story.icd10_code),
                        ("affected_side", story.affected_side), ("onset_date", story.onset),
                        ("start_date", story.start),
                        ("injured_ankle_side", story.injured_ankle_side)):
        if getattr(episode, key, wanted) != wanted:
            problems.append(f"episode.{key}")
    if story.goals and (episode.goals[0].description, episode.goals[0].target_date) \
            != story.goals[0]:
        problems.append("episode.goals[0]")
    summary, stored = load_evaluation(session_factory, actor=actor, visit_id=charted.visit_id)
    if summary.status != "signed":
        problems.append("visit not signed")
    demo = story.visits[0].evaluation
    facts = episode_facts(story, demo)
    if stored.episode_facts != facts:
        problems.append("evaluation.episode_facts")
    expected = replace(show_in_note(demo, facts), **charted.soap_expected)
    got, want = _normalised(stored), _normalised(expected)
    for name in want.__dataclass_fields__:
        if name == "episode_facts":  # compared above (not part of the note's equality)
            continue
        mine, theirs = getattr(got, name), getattr(want, name)
        if mine == theirs:
            continue
        if hasattr(theirs, "__dataclass_fields__") and mine is not None:
            problems += [f"evaluation.{name}.{f}" for f in theirs.__dataclass_fields__
                         if getattr(mine, f) != getattr(theirs, f)]
        else:
            problems.append(f"evaluation.{name}")
    return problems
