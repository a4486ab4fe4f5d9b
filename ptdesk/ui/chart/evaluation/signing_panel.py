"""Signature and addenda under the evaluation: Sign note, who signed and when, Add addendum."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from xml.sax.saxutils import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ptdesk.services.errors import ServiceError
from ptdesk.services.evaluations import VisitSummary
from ptdesk.services.permissions import refusal
from ptdesk.services.signing import AddendumInfo, add_addendum, list_addenda, sign_visit, signature
from ptdesk.ui.chart.evaluation.addendum_dialog import AddendumDialog
from ptdesk.ui.chart.evaluation.carry_marks import sign_question_text
from ptdesk.ui.chart.evaluation.fields import ErrorLabel
from ptdesk.ui.chart.evaluation.sign_measures_check import missing_measures_note
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.heading import heading as make_heading

SIGN_QUESTION = ("Sign this note now?\n\nOnce signed, the note can no longer be changed. "
                 "Corrections are added underneath as addenda, with your name and the time.")


def _local(when: datetime) -> str:
    """A UTC time as the clinic's local date and time."""
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


class SigningPanel(QWidget):
    """Sign button (with a confirmation) while a draft; signer line and addenda once signed."""

    note_signed = Signal(int)  # visit id
    addendum_added = Signal(int)  # visit id

    def __init__(self, ctx: AppContext, before_sign: Callable[[], bool],
                 parent: QWidget | None = None,
                 unconfirmed: Callable[[], list[str]] | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        # Saves pending edits first, so what is signed is exactly what is on screen.
        self._before_sign = before_sign
        # Carried-forward values never re-measured nor confirmed (carry_marks.py): listed in
        # the Sign question; signing confirms them, audited with the signature.
        self._unconfirmed = unconfirmed or list
        self._visit: VisitSummary | None = None
        self.heading = make_heading("Signature and addenda", 1.25)
        self.signed_label = QLabel()
        self.signed_label.setObjectName("signedBy")
        self.signed_label.setAccessibleName("Signed by")
        self.signed_label.setWordWrap(True)
        self.sign_button = QPushButton("Sign note…")
        self.sign_button.setAccessibleName("Sign note")
        self.add_button = QPushButton("Add addendum…")
        self.add_button.setAccessibleName("Add addendum")
        self.message = ErrorLabel()
        self.message.setAccessibleName("Signing message")
        self.addenda_box = QVBoxLayout()
        self.addenda_box.setSpacing(8)
        self.entries: list[QLabel] = []
        self._build_layout()
        self._connect_signals()
        self.show_visit(None)

    def _build_layout(self) -> None:
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)
        buttons = QHBoxLayout()
        buttons.addWidget(self.signed_label, 1)
        buttons.addWidget(self.sign_button)
        buttons.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 16)
        layout.addWidget(self.heading)
        layout.addWidget(rule)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addLayout(self.addenda_box)

    def _connect_signals(self) -> None:
        self.sign_button.clicked.connect(self._on_sign_button_clicked)
        self.add_button.clicked.connect(self._on_add_button_clicked)

    # ---- updates from the tab ----------------------------------------------------------

    def show_visit(self, visit: VisitSummary | None) -> None:
        """Show the signature state and addenda of `visit` (None: nothing open)."""
        self._visit = visit
        self.message.show_message("")
        self.setVisible(visit is not None)
        if visit is None:
            self._show_addenda([])
            return
        signed = visit.status == "signed"
        self.sign_button.setVisible(not signed)
        self.add_button.setVisible(signed)
        self._allow(self.sign_button, "sign_note")
        self._allow(self.add_button, "add_addendum")
        if signed:
            info = signature(self.ctx.session_factory, visit.id, actor=self.ctx.actor)
            who = info.signed_by_name or "a clinician"
            when = f" on {_local(info.signed_at)}" if info.signed_at else ""
            self.signed_label.setText(f"Signed by {who}{when}. The note cannot be changed; "
                                      "add an addendum to correct it.")
            self._show_addenda(list_addenda(self.ctx.session_factory, visit.id,
                                            actor=self.ctx.actor))
        else:
            self.signed_label.setText("Not signed yet.")
            self._show_addenda([])

    def _allow(self, button: QPushButton, permission: str) -> None:
        """Grey out what the role may not do, and say why (the service refuses anyway).

        The context's cached permissions: showing a visit reads nothing more."""
        allowed = self.ctx.can(permission)
        button.setEnabled(allowed)
        if allowed:
            button.setToolTip("")
            return
        role = self.ctx.role
        button.setToolTip(refusal(role, permission) if role else "Sign in with your own account.")

    def _show_addenda(self, addenda: list[AddendumInfo]) -> None:
        for label in self.entries:
            self.addenda_box.removeWidget(label)
            label.deleteLater()
        self.entries = []
        for item in addenda:
            label = QLabel(
                f"<b>Addendum</b> by {escape(item.author_name)}, {_local(item.created_at)}<br>"
                f"<i>Reason:</i> {escape(item.reason)}<br>"
                + escape(item.text).replace("\n", "<br>"))
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setFrameShape(QFrame.Shape.StyledPanel)
            label.setMargin(6)
            label.setAccessibleName(f"Addendum by {item.author_name}")
            self.addenda_box.addWidget(label)
            self.entries.append(label)

    # ---- slots -------------------------------------------------------------------------

    def _on_sign_button_clicked(self) -> None:
        if self._visit is None or self._visit.status == "signed":
            return
        # Saved first, so the question (and the missing-measure check) sees what is on
        # screen; declining leaves a saved draft, as Save would.
        if not self._before_sign():
            self.message.show_message("Not signed: the note could not be saved first "
                                      "(see the message at the top).")
            return
        carried = self._unconfirmed()
        question = (SIGN_QUESTION + missing_measures_note(self.ctx, self._visit)
                    + sign_question_text(carried))
        if QMessageBox.question(self, "Sign note", question) \
                != QMessageBox.StandardButton.Yes:
            return
        visit = self._visit  # the save above refreshed it to the newest version
        try:
            sign_visit(self.ctx.session_factory, actor=self.ctx.actor, visit_id=visit.id,
                       expected_version=visit.version, confirmed_carried=tuple(carried))
        except ServiceError as exc:
            self.message.show_message(f"Not signed: {exc}")
            return
        self.note_signed.emit(visit.id)

    def _on_add_button_clicked(self) -> None:
        visit = self._visit
        if visit is None or visit.status != "signed":
            return

        def submit(reason: str, text: str) -> None:
            add_addendum(self.ctx.session_factory, actor=self.ctx.actor, visit_id=visit.id,
                         reason=reason, text=text)

        dialog = AddendumDialog(submit, self)
        if dialog.exec() == AddendumDialog.DialogCode.Accepted:
            self.show_visit(visit)
            self.addendum_added.emit(visit.id)
