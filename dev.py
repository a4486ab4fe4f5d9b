#!/usr/bin/env python3
"""One-command set-up for PT Desk: `python3 dev.py run` launches the app, `python3 dev.py test` tests it.

Needs only Python >= 3.11. Creates ./.venv on first use and reinstalls only when
pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".ptdesk-installed"


def _pyproject_hash() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_venv() -> None:
    if sys.version_info < (3, 11):
        sys.exit("PT Desk needs Python 3.11 or newer.")
    if not PYTHON.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if STAMP.exists() and STAMP.read_text() == _pyproject_hash():
        return
    print("Installing PT Desk and its dependencies into .venv ...", flush=True)
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[test]"], check=True)
    STAMP.write_text(_pyproject_hash())


def _have_postgres() -> bool:
    if shutil.which("initdb") or os.environ.get("PTDESK_TEST_PG_URL"):
        return True
    return any(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


def ensure_postgres() -> None:
    """The tests also run against a throwaway PostgreSQL server (clinic mode).

    The suite starts and removes that server itself; here we only make sure Debian's
    server programs are installed, when that can be done without asking (root, or
    password-less sudo). Otherwise the suite skips its PostgreSQL half and says why.
    """
    if _have_postgres() or not shutil.which("apt-get"):
        return
    prefix: list[str] = []
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        if not shutil.which("sudo"):
            return
        prefix = ["sudo", "-n"]
    print("Installing PostgreSQL for the clinic-mode tests ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    quiet = {"stdout": subprocess.DEVNULL, "env": env}
    ok = subprocess.call([*prefix, "apt-get", "update", "-qq"], **quiet) == 0 and \
        subprocess.call([*prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends",
                         "postgresql"], **quiet) == 0
    if not ok:
        print("Could not install PostgreSQL; its tests will be skipped.", file=sys.stderr)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "run"
    rest = argv[1:]
    if command not in {"run", "test", "setup", "lint"}:
        print(__doc__)
        print("usage: python3 dev.py [run|test|setup|lint] [args...]")
        return 2
    ensure_venv()
    if command == "setup":
        return 0
    if command == "run":
        return subprocess.call([BIN / "ptdesk", *rest])
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    if command == "lint":
        return subprocess.call([BIN / "ruff", "check", "ptdesk", "tests", "migrations", "bench"], cwd=ROOT)
    lint = subprocess.call([BIN / "ruff", "check", "ptdesk", "tests", "migrations", "bench"], cwd=ROOT)
    ensure_postgres()
    tests = subprocess.call([PYTHON, "-m", "pytest", *rest], cwd=ROOT, env=env)
    return tests or lint


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
