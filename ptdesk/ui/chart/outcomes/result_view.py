"""The saved score of one measure at a visit with its change since intake and last time, vs MCID."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLabel, QWidget

from ptdesk.ui.chart.outcomes.change_text import ChangeText, VisitResult, result_line
from ptdesk.ui.kit.palette import STATUS_WORDS, status_colour


class ResultView(QLabel):
    """Rich text with a coloured [Better]/[Worse]/[Within error] tag per comparison line."""

    def __init__(self, measure: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{measure}_result")
        self.setAccessibleName(f"{title} result at this visit")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._result: VisitResult | None = None
        self._plain = ""
        self._render()

    def set_result(self, result: VisitResult | None) -> None:
        self._result = result
        self._render()

    def plain_text(self) -> str:
        """What the label says, without markup (tests and screen readers read this)."""
        return self._plain

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._render()  # tag colours follow a light/dark switch
        super().changeEvent(event)

    def _tagged(self, change: ChangeText) -> tuple[str, str]:
        colour = status_colour(change.direction, self.palette()).name()
        word = STATUS_WORDS.get(change.direction, "")
        rich = (f"<span style='color:{colour}; font-weight:600'>[{word}]</span> "
                f"{html.escape(change.text)}")
        return rich, f"[{word}] {change.text}"

    def _render(self) -> None:
        result = self._result
        if result is None:
            self._plain = "Not recorded at this visit yet."
            self.setText(f"<i>{self._plain}</i>")
            return
        score = f"Saved at this visit: {result_line(result.record)}"
        rich, plain = [f"<b>{html.escape(score)}</b>"], [score]
        for change in (result.since_intake, result.since_last):
            if change is not None:
                tagged_rich, tagged_plain = self._tagged(change)
                rich.append(tagged_rich)
                plain.append(tagged_plain)
        if result.note:
            rich.append(f"<i>{html.escape(result.note)}</i>")
            plain.append(result.note)
        self._plain = "\n".join(plain)
        self.setText("<br>".join(rich))
