"""The episode's sides in the Evaluation tab: knee/hip rows, the injured ankle, readiness targets."""

from __future__ import annotations

from collections.abc import Callable

from ptdesk.domain.readiness import ReadinessThresholds
from ptdesk.services.changes import ChangeKind
from ptdesk.services.episodes import (
    EpisodeInfo,
    active_episode,
    set_injured_ankle_side,
    suggest_ankle_side,
)
from ptdesk.services.errors import ServiceError
from ptdesk.services.measure_settings import get_measure_thresholds
from ptdesk.ui.chart.evaluation.ankle_section import ANKLE_SIDE_KEY, AnkleSection
from ptdesk.ui.chart.evaluation.readiness_section import ReadinessSection
from ptdesk.ui.chart.evaluation.strength_grid import StrengthGrid
from ptdesk.ui.chart.form_session import FormSession
from ptdesk.ui.context import AppContext


class EpisodeSides:
    """Knee and hip rows compare on the episode's affected side, ankle rows on the injured
    ankle's (pre-filled from the prior injuries until the clinician's Save confirms it)."""

    def __init__(self, ctx: AppContext, edits: FormSession, ankle: AnkleSection,
                 strength: StrengthGrid, readiness: ReadinessSection,
                 show_error: Callable[[str], None]) -> None:
        self.ctx, self.edits, self.show_error = ctx, edits, show_error
        self.ankle, self.strength, self.readiness = ankle, strength, readiness
        self.episode: EpisodeInfo | None = None
        self._targets = ReadinessThresholds()
        self._signed = False
        self._suggested: str | None = None
        ankle.edited.connect(self._on_ankle_edited)

    def load(self, patient_id: int) -> None:
        sf, actor = self.ctx.session_factory, self.ctx.actor
        episode = active_episode(sf, patient_id, actor=actor)
        self.episode = episode
        suggested = None
        if episode is not None and episode.injured_ankle_side is None:
            suggested = suggest_ankle_side(sf, episode.id, actor=actor)
        self._suggested = suggested
        thresholds = get_measure_thresholds(sf, actor=actor)
        with self.edits.loading():  # showing the episode's sides is not an edit
            self.ankle.set_thresholds(thresholds.ankle)
            self.ankle.set_episode_sides(episode.affected_side if episode else None,
                                         episode.injured_ankle_side if episode else None,
                                         suggested)
        self._targets = thresholds.readiness
        self.apply()

    @property
    def readiness_targets(self) -> ReadinessThresholds:
        return self._targets

    def apply(self) -> None:
        """Every side-dependent display follows the injured ankle shown in the form."""
        affected = self.episode.affected_side if self.episode else None
        self.strength.set_involved_side(affected, self.ankle.ankle_side())
        self.readiness.set_context(affected, self._targets, self.ankle.ankle_side())

    def set_note_signed(self, signed: bool) -> None:
        """A signed note stays unchanged, but the episode's injured ankle (not part of the
        note) can still be chosen there; it is then stored at once."""
        was_signed, self._signed = self._signed, signed
        episode = self.episode
        if not signed and was_signed and episode is not None:
            with self.edits.loading():  # back on a draft note: the pre-fill again
                self.ankle.set_episode_sides(episode.affected_side, episode.injured_ankle_side,
                                             self._suggested)
            self.apply()
        if not signed or self.episode is None or not self.ctx.can("edit_evaluation"):
            return
        self.ankle.fields.widget(ANKLE_SIDE_KEY).setEnabled(True)  # view-only relocks it
        if self.episode.injured_ankle_side is None and self._suggested:
            # No Save here to confirm a pre-fill: show the suggestion, the choice stores it.
            with self.edits.loading():
                self.ankle.fields.set_value(ANKLE_SIDE_KEY, None)
            self.ankle.ankle_hint.setText(f"Suggested from the prior injuries: "
                                          f"{self._suggested}. Choosing a side records it.")
            self.apply()

    def _on_ankle_edited(self) -> None:
        self.apply()
        if self._signed and not self.edits.is_loading:
            self.confirm()

    def confirm(self) -> None:
        """After a save: the injured ankle shown (pre-filled or chosen) is stored for the episode."""
        episode, side = self.episode, self.ankle.ankle_side()
        if episode is None or side == episode.injured_ankle_side:
            return
        try:
            self.episode = set_injured_ankle_side(self.ctx.session_factory, actor=self.ctx.actor,
                                                  episode_id=episode.id, side=side)
        except ServiceError as exc:
            self.show_error(f"The injured ankle side was not saved: {exc}")
            return
        self.ctx.signals.data_changed.emit(ChangeKind.EPISODE, episode.patient_id)
