"""Light, dark or system appearance: remembered per user in QSettings, applied at start and on change.

"System" gives back the palette Qt chose from the desktop at start (and the platform's
colour scheme where Qt 6.8+ can follow it); "light" and "dark" are fixed Fusion palettes,
so the choice looks the same on every desktop. Widgets that pick colours by the window's
lightness (error labels, banners) follow automatically.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

MODES = ("system", "light", "dark")
LABELS = {"system": "&Same as the computer", "light": "&Light", "dark": "&Dark"}
LAST_KEY = "appearance/mode"  # the last choice on this computer: used before sign-in
USER_KEY = "appearance/users/{user}"  # each PT Desk user's own choice

_system_palette: QPalette | None = None


def _palette(colours: dict[QPalette.ColorRole, str], disabled_text: str) -> QPalette:
    palette = QPalette()
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText,
                 QPalette.ColorRole.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled_text))
    return palette


R = QPalette.ColorRole
LIGHT = _palette({
    R.Window: "#efefef", R.WindowText: "#000000", R.Base: "#ffffff", R.AlternateBase: "#f5f5f5",
    R.ToolTipBase: "#ffffdc", R.ToolTipText: "#000000", R.PlaceholderText: "#6b6b6b",
    R.Text: "#000000", R.Button: "#efefef", R.ButtonText: "#000000", R.BrightText: "#ffffff",
    R.Light: "#ffffff", R.Midlight: "#cacaca", R.Mid: "#b8b8b8", R.Dark: "#9f9f9f",
    R.Shadow: "#767676", R.Highlight: "#308cc6", R.HighlightedText: "#ffffff",
    R.Link: "#0000ff", R.LinkVisited: "#ff00ff",
}, "#8c8c8c")
DARK = _palette({
    R.Window: "#2b2b2b", R.WindowText: "#e8e8e8", R.Base: "#1e1e1e", R.AlternateBase: "#262626",
    R.ToolTipBase: "#3a3a3a", R.ToolTipText: "#e8e8e8", R.PlaceholderText: "#8f8f8f",
    R.Text: "#e8e8e8", R.Button: "#353535", R.ButtonText: "#e8e8e8", R.BrightText: "#ffffff",
    R.Light: "#4a4a4a", R.Midlight: "#3f3f3f", R.Mid: "#2f2f2f", R.Dark: "#1a1a1a",
    R.Shadow: "#101010", R.Highlight: "#2f7fc1", R.HighlightedText: "#ffffff",
    R.Link: "#6cb4ff", R.LinkVisited: "#c58af9",
}, "#7a7a7a")


def saved_mode(settings: QSettings, user: str | None = None) -> str:
    """The user's choice, else the last one made on this computer, else "system"."""
    value = settings.value(USER_KEY.format(user=user)) if user else None
    if value not in MODES:
        value = settings.value(LAST_KEY, "system")
    return str(value) if value in MODES else "system"


def save_mode(settings: QSettings, mode: str, user: str | None = None) -> None:
    if mode not in MODES:
        raise ValueError(f"unknown appearance {mode!r}")
    settings.setValue(LAST_KEY, mode)
    if user:
        settings.setValue(USER_KEY.format(user=user), mode)
    settings.sync()


def apply(mode: str, app: QApplication | None = None) -> None:
    """Switch every window's palette now."""
    global _system_palette
    app = app if app is not None else QApplication.instance()  # type: ignore[assignment]
    if app is None:
        return
    if _system_palette is None:  # what Qt chose from the desktop, before we changed anything
        _system_palette = QPalette(app.palette())
    hints = QGuiApplication.styleHints()
    if hasattr(hints, "setColorScheme"):  # Qt 6.8+: dialogs drawn by the platform follow too
        scheme = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}
        hints.setColorScheme(scheme.get(mode, Qt.ColorScheme.Unknown))
    app.setPalette({"light": LIGHT, "dark": DARK}.get(mode, _system_palette))


def is_dark(widget: QWidget) -> bool:
    return widget.palette().color(QPalette.ColorRole.Window).lightness() < 128


class AppearanceDialog(QDialog):
    """View › Appearance…: the three choices, previewed as soon as one is clicked."""

    mode_chosen = Signal(str)

    def __init__(self, settings: QSettings, user: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("appearanceDialog")
        self.setWindowTitle("Appearance")
        self.settings = settings
        self.user = user
        self.initial = saved_mode(settings, user)
        self.group = QButtonGroup(self)
        group_box = QGroupBox("How PT Desk looks for you on this computer", self)
        choices = QVBoxLayout(group_box)
        self.buttons: dict[str, QRadioButton] = {}
        for index, mode in enumerate(MODES):
            button = QRadioButton(LABELS[mode], group_box)
            button.setObjectName(f"appearance_{mode}")
            self.group.addButton(button, index)
            self.buttons[mode] = button
            choices.addWidget(button)
        self.buttons[self.initial].setChecked(True)
        layout = QVBoxLayout(self)
        layout.addWidget(group_box)
        layout.addWidget(QLabel("Printed handouts always stay black on white.", self))
        self.box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        layout.addWidget(self.box)
        self.setMinimumWidth(380)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.group.idClicked.connect(self._on_group_id_clicked)
        self.box.accepted.connect(self.accept)
        self.box.rejected.connect(self.reject)

    def mode(self) -> str:
        return MODES[max(self.group.checkedId(), 0)]

    def _on_group_id_clicked(self, index: int) -> None:
        apply(MODES[index])  # preview; Cancel puts the saved one back

    def accept(self) -> None:
        save_mode(self.settings, self.mode(), self.user)
        apply(self.mode())
        self.mode_chosen.emit(self.mode())
        super().accept()

    def reject(self) -> None:
        apply(self.initial)
        super().reject()
