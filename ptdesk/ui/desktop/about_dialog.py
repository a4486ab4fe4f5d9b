"""Help › About: version, where the database is, its schema version, and the licence notices."""

from __future__ import annotations

import html
import importlib.metadata
import importlib.resources
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QSize, Qt, qVersion
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ptdesk import __version__
from ptdesk.app_log import log_dir

# (distribution, what it does here, licence). The licence names are the projects' own;
# versions are read from the installed metadata.
LIBRARIES = (
    ("PySide6", "Qt for Python: windows and printing", "LGPL-3.0 (Qt and Qt for Python)"),
    ("SQLAlchemy", "database access", "MIT"),
    ("alembic", "database schema upgrades", "MIT"),
    ("reportlab", "PDF handouts and reports", "BSD-3-Clause"),
    ("svglib", "illustrations in the PDFs", "LGPL-3.0"),
    ("platformdirs", "per-user folders", "MIT"),
    ("python-bidi", "right-to-left text in the PDFs", "LGPL-3.0"),
    ("arabic-reshaper", "joined Arabic letters in the PDFs", "MIT"),
    ("psycopg", "PostgreSQL driver (clinic mode)", "LGPL-3.0"),
)
# (file in resources/, title) shown in full: the font licences ask for their text to ship.
NOTICES = (
    ("fonts/DejaVu-LICENSE.txt", "DejaVu fonts (Bitstream Vera licence)"),
    ("fonts/NotoEmoji-LICENSE.txt", "Noto Emoji font (SIL Open Font License 1.1)"),
    ("illustrations/LICENSE.txt", "Exercise illustrations"),
)


def library_version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def notices_html() -> str:
    """Libraries with version and licence, then the full text of every shipped licence file."""
    rows = []
    for name, role, licence in LIBRARIES:
        version = library_version(name)
        if version is None and name == "PySide6":
            version = pyside_version  # a bundle may not carry the metadata
        if version is None:
            continue  # an optional library that is not installed
        rows.append(f"<tr><td>{html.escape(name)} {html.escape(version)}</td>"
                    f"<td>{html.escape(licence)}</td><td>{html.escape(role)}</td></tr>")
    parts = ["<h3>Libraries</h3><table cellspacing='0' cellpadding='3'>", *rows, "</table>",
             f"<p>Qt {html.escape(qVersion())} is used under the GNU LGPL 3.0; its source is "
             "available from the Qt Project.</p>"]
    folder = Path(str(importlib.resources.files("ptdesk_resources")))
    for relative, title in NOTICES:
        path = folder / relative
        if path.exists():
            parts.append(f"<h3>{html.escape(title)}</h3><pre>"
                         f"{html.escape(path.read_text(encoding='utf-8'))}</pre>")
    return "".join(parts)


class AboutDialog(QDialog):
    """`location`/`schema` come from services.about (None before the database is open)."""

    def __init__(self, location: str | None, schema: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About PT Desk")
        icon = QLabel(self)
        icon.setPixmap(QIcon.fromTheme("ptdesk", self.windowIcon()).pixmap(QSize(64, 64)))
        title = QLabel(f"<h2>PT Desk {html.escape(__version__)}</h2>"
                       "Charting, home exercises and return-to-run plans for physical "
                       "therapists who treat runners.", self)
        title.setWordWrap(True)
        header = QHBoxLayout()
        header.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(title, 1)
        self.location_label = QLabel(location or "not open yet", self)
        self.location_label.setObjectName("databaseLocation")
        self.location_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.location_label.setWordWrap(True)
        self.schema_label = QLabel(schema or "not open yet", self)
        self.schema_label.setObjectName("schemaVersion")
        self.log_label = QLabel(str(log_dir()), self)
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Database:", self.location_label)
        form.addRow("Schema version:", self.schema_label)
        form.addRow("Log folder:", self.log_label)
        self.notices = QTextBrowser(self)
        self.notices.setObjectName("licenceNotices")
        self.notices.setOpenExternalLinks(False)
        self.notices.setHtml(notices_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(form)
        layout.addWidget(QLabel("Licences of the bundled libraries and fonts:", self))
        layout.addWidget(self.notices, 1)
        layout.addWidget(buttons)
        self.resize(620, 560)
