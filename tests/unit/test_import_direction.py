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


def test_only_the_composition_root_imports_db() -> None:
    # ui/app.py opens the engine; every other ui module names the session factory's type
    # through services (ptdesk.services.uow.SessionFactory), type-checking imports included.
    offenders = [
        (str(p.relative_to(ROOT)), name) for p in _modules("ui") for name in _imports(p)
        if (name == "ptdesk.db" or name.startswith("ptdesk.db."))
        and p != ROOT / "ui" / "app.py"
    ]
    assert offenders == []


def test_this_test_sees_the_code() -> None:
    # Guard against the scan silently finding nothing after a move.
    assert len(_modules("domain")) >= 5 and len(_modules("services")) >= 5


# ---- ui: features never import each other ------------------------------------------------------
# A feature is one chart tab (ui/chart/<tab>/ or ui/chart/overview.py) or one ui folder
# below. It may use ui/kit, ui/context, the chart's core (ui/chart/*.py: the ChartTab base,
# FormSession) and the two shared flows every editor needs (conflicts/, printing/); what two
# features share otherwise moves to ui/kit. Imports only for type checking do not count.
UI_FOLDERS = ("patients", "conflicts", "signin", "admin", "printing")
SHARED_FLOWS = ("conflicts", "printing")


def _feature(path: Path) -> str | None:
    parts = path.relative_to(ROOT / "ui").with_suffix("").parts
    if parts[0] == "chart" and len(parts) > 2:
        return f"chart.{parts[1]}"
    if parts[:2] == ("chart", "overview"):
        return "chart.overview"
    return parts[0] if parts[0] in UI_FOLDERS else None


def _module_path(name: str) -> Path | None:
    base = ROOT.parent / Path(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def _runtime_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")
                   for n in ast.walk(node)}
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_ui_features_never_import_each_other() -> None:
    offenders = []
    for path in _modules("ui"):
        own = _feature(path)
        if own is None:
            continue
        for name in _runtime_imports(path):
            target = _module_path(name) if name.startswith("ptdesk.ui.") else None
            other = _feature(target) if target is not None else None
            if other is not None and other != own and (other not in SHARED_FLOWS
                                                       or own in SHARED_FLOWS):
                offenders.append((str(path.relative_to(ROOT)), name))
    assert offenders == []


def test_the_kit_is_feature_free() -> None:
    offenders = [
        (str(p.relative_to(ROOT)), name) for p in _modules("ui/kit") for name in _imports(p)
        if name.startswith("ptdesk.ui.") and not name.startswith(("ptdesk.ui.kit",
                                                                  "ptdesk.ui.context"))
    ]
    assert offenders == []


def test_ui_top_level_keeps_only_the_window_and_its_composition() -> None:
    top = {p.stem for p in (ROOT / "ui").glob("*.py")}
    # The desktop shell (start-up, single instance, appearance, About) is its own folder.
    assert top == {"__init__", "app", "context", "crash_guard", "main_window"}
    assert len([p for p in _modules("ui") if _feature(p) is not None]) >= 40  # the scan sees
