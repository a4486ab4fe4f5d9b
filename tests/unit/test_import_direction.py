"""Architecture rule 1: Qt only under ptdesk/ui, no SQLAlchemy or Qt in the pure domain."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "ptdesk"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _modules(package: str = "") -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_qt_is_imported_only_under_ui() -> None:
    offenders = [
        str(p.relative_to(ROOT)) for p in _modules()
        if "ui" not in p.relative_to(ROOT).parts[:1]
        and any(name.split(".")[0] in {"PySide6", "shiboken6"} for name in _imports(p))
    ]
    assert offenders == []


def test_domain_is_pure_python() -> None:
    forbidden = {"PySide6", "sqlalchemy", "alembic", "reportlab", "ptdesk.db", "ptdesk.services",
                 "ptdesk.ui", "ptdesk.reports"}
    offenders = [
        (str(p.relative_to(ROOT)), name) for p in _modules("domain") for name in _imports(p)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]
    assert offenders == []


def test_reports_and_services_never_import_ui() -> None:
    offenders = [
        str(p.relative_to(ROOT)) for pkg in ("reports", "services", "db", "demo") for p in _modules(pkg)
        if any(name.startswith("ptdesk.ui") for name in _imports(p))
    ]
    assert offenders == []


def test_sql_stays_in_db_and_services() -> None:
    offenders = [
        str(p.relative_to(ROOT)) for pkg in ("ui", "reports", "domain") for p in _modules(pkg)
        if any(name.split(".")[0] == "sqlalchemy" for name in _imports(p))
    ]
    assert offenders == []


def test_this_test_sees_the_code() -> None:
    # Guard against the scan silently finding nothing after a move.
    assert len(_modules("domain")) >= 5 and len(_modules("services")) >= 5
