"""Before a handout prints in Spanish: name the clinic's own exercises that will print in English."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

# How the clinician (who works in English) reads the language's name.
LANGUAGE_IN_ENGLISH: dict[str, str] = {"en": "English", "es": "Spanish"}


def language_in_english(language: str) -> str:
    return LANGUAGE_IN_ENGLISH.get(language, language)


def missing_language_box(parent: QWidget | None, names: list[str],
                         language: str) -> QMessageBox:
    """The warning: which exercises print in English, with Print anyway / Cancel."""
    lang = language_in_english(language)
    box = QMessageBox(parent)
    box.setObjectName("missing_language")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(f"Print in {lang}")
    box.setTextFormat(Qt.TextFormat.RichText)
    items = "".join(f"<li>{escape(name)}</li>" for name in names)
    count = "This exercise has" if len(names) == 1 else "These exercises have"
    box.setText(f"{count} no {lang} text, so {'it prints' if len(names) == 1 else 'they print'}"
                f" in English:<ul>{items}</ul>")
    them = "this exercise" if len(names) == 1 else "these exercises"
    box.setInformativeText(f"Everything else on the sheet prints in {lang}. You can go over "
                           f"{them} with the patient, or print the sheet in English.")
    box.print_anyway = box.addButton("Print anyway",  # type: ignore[attr-defined]
                                     QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(box.print_anyway)  # type: ignore[attr-defined]
    return box


def confirm_missing_language(parent: QWidget | None, names: list[str], language: str) -> bool:
    """True to print anyway; nothing to ask (True) when every exercise has the language."""
    if not names:
        return True
    box = missing_language_box(parent, names, language)
    box.exec()
    return box.clickedButton() is box.print_anyway  # type: ignore[attr-defined]
