"""`python3 dev.py bundle`: stage the sources, run PyInstaller (ptdesk.spec), pack a .tar.gz.

Output: dist/ptdesk-VERSION-linux-ARCH.tar.gz holding ptdesk/ (the application folder with
`ptdesk` inside), install.sh and the menu entry. On Windows and macOS the same spec gives
dist/ptdesk/ (or "PT Desk.app"); see packaging/README.md for packing those.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "packaging"
WORK = ROOT / "build" / "bundle"
DIST = ROOT / "dist"
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache")


def version() -> str:
    namespace: dict[str, str] = {}
    exec((ROOT / "ptdesk" / "__init__.py").read_text(encoding="utf-8"), namespace)
    return namespace["__version__"]


def stage() -> Path:
    """The packages under their installed names, as pip would lay them out."""
    src = WORK / "src"
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    for source, name in (("ptdesk", "ptdesk"), ("resources", "ptdesk_resources"),
                         ("migrations", "ptdesk_migrations")):
        shutil.copytree(ROOT / source, src / name, ignore=IGNORE)
    return src


def pack(app_folder: Path) -> Path:
    arch = platform.machine().lower() or "x86_64"
    name = f"ptdesk-{version()}-linux-{arch}"
    out = DIST / f"{name}.tar.gz"
    with tarfile.open(out, "w:gz", compresslevel=6) as tar:
        tar.add(app_folder, arcname=f"{name}/ptdesk")
        for extra in ("install.sh", "ptdesk.desktop"):
            tar.add(HERE / extra, arcname=f"{name}/{extra}")
        tar.add(HERE / "README.md", arcname=f"{name}/README.md")
    return out


def main() -> int:
    started = time.monotonic()
    src = stage()
    env = {**os.environ, "PTDESK_BUNDLE_SRC": str(src)}
    built = subprocess.call([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                             "--distpath", str(WORK / "dist"), "--workpath", str(WORK / "work"),
                             str(HERE / "ptdesk.spec")], cwd=ROOT, env=env)
    if built != 0:
        print("PyInstaller failed.", file=sys.stderr)
        return built
    app_folder = WORK / "dist" / "ptdesk"
    DIST.mkdir(exist_ok=True)
    if not sys.platform.startswith("linux"):
        print(f"Application folder: {app_folder} (pack it as packaging/README.md says)")
        return 0
    out = pack(app_folder)
    size = out.stat().st_size / 1e6
    print(f"Bundle: {out} ({size:.0f} MB) in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
