#!/usr/bin/env python3
"""One-command set-up for PT Desk: `python3 dev.py run` launches the app, `python3 dev.py test` tests it.

Needs only Python >= 3.11. Creates ./.venv on first use and reinstalls only when
pyproject.toml changes. `python3 dev.py bundle` builds the installable application
folder (dist/ptdesk-VERSION-linux-x86_64.tar.gz) with PyInstaller.
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


def _pyproject_hash(extras: str = "test") -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    return digest if extras == "test" else f"{digest}:{extras}"


def ensure_venv(extras: str = "test") -> None:
    # The system python3 runs this file before any venv exists, and may be older than the
    # project's minimum: it must reach this line to say so (hence not ruff's UP036).
    if sys.version_info < (3, 11):  # noqa: UP036
        sys.exit("PT Desk needs Python 3.11 or newer.")
    if not PYTHON.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = STAMP.with_name(STAMP.name + ("" if extras == "test" else f"-{extras}"))
    if stamp.exists() and stamp.read_text() == _pyproject_hash(extras):
        return
    print("Installing PT Desk and its dependencies into .venv ...", flush=True)
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[{extras}]"], check=True)
    stamp.write_text(_pyproject_hash(extras))


def _root_prefix() -> list[str] | None:
    """How to run apt-get without asking: as root, or password-less sudo; None if neither."""
    if not hasattr(os, "geteuid") or os.geteuid() == 0:
        return []
    if shutil.which("sudo") and subprocess.call(["sudo", "-n", "true"], stderr=subprocess.DEVNULL) == 0:
        return ["sudo", "-n"]
    return None


def _apt_install(packages: list[str], prefix: list[str]) -> bool:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    quiet = {"stdout": subprocess.DEVNULL, "env": env}
    return subprocess.call([*prefix, "apt-get", "update", "-qq"], **quiet) == 0 and \
        subprocess.call([*prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends",
                         *packages], **quiet) == 0


def ensure_qt_libraries() -> None:
    """The window needs the X11 libraries of Qt's xcb plugin, which PyPI cannot ship.

    ptdesk/platform_check.py finds the missing ones with ldd (it imports no Qt); the
    Debian/Ubuntu packages are installed here when that needs no password, as for
    PostgreSQL. Otherwise the app itself prints the one `apt-get install` line.
    """
    if not sys.platform.startswith("linux") or not shutil.which("apt-get"):
        return
    found = subprocess.run([PYTHON, "-m", "ptdesk.platform_check"], capture_output=True,
                           text=True, check=False, cwd=ROOT)
    packages = found.stdout.split()
    if found.returncode != 0 or not packages:
        return
    prefix = _root_prefix()
    if prefix is None:
        return  # the app explains what to install
    print(f"Installing the display libraries Qt needs: {' '.join(packages)} ...", flush=True)
    if not _apt_install(packages, prefix):
        print("Could not install them; PT Desk will say what is missing.", file=sys.stderr)


def bundle() -> int:
    """PyInstaller one-folder bundle, packed with its install script (packaging/README.md)."""
    ensure_venv("test,bundle")
    # PyInstaller copies the xcb libraries it finds into the bundle, so the clinic's
    # machine needs none of them: make sure they are here first.
    ensure_qt_libraries()
    for old in (ROOT / "dist").glob("ptdesk-*.tar.gz"):
        old.unlink()  # CI smoke-tests the one just built
    return subprocess.call([PYTHON, ROOT / "packaging" / "build_bundle.py"], cwd=ROOT)


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
    prefix = _root_prefix()
    if prefix is None:
        return
    print("Installing PostgreSQL for the clinic-mode tests ...", flush=True)
    if not _apt_install(["postgresql"], prefix):
        print("Could not install PostgreSQL; its tests will be skipped.", file=sys.stderr)


def _lint() -> int:
    """ruff on everything, and mypy --strict on the layers that promise it (pyproject's [tool.mypy])."""
    ruff = subprocess.call(
        [BIN / "ruff", "check", "ptdesk", "tests", "migrations", "bench", "dev.py"], cwd=ROOT)
    mypy = subprocess.call([BIN / "mypy", "ptdesk/domain", "ptdesk/db", "ptdesk/services"], cwd=ROOT)
    return ruff or mypy


def _workers(rest: list[str]) -> list[str]:
    """One test process per core (pytest-xdist), up to 4, unless the arguments choose."""
    chosen = any(a == "-n" or a.startswith(("-n", "--numprocesses")) or "xdist" in a
                 for a in rest)
    cores = min(os.cpu_count() or 1, 4)
    return [] if chosen or cores < 2 else ["-n", str(cores)]


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "run"
    rest = argv[1:]
    if command not in {"run", "test", "setup", "lint", "bundle"}:
        print(__doc__)
        print("usage: python3 dev.py [run|test|setup|lint|bundle] [args...]")
        return 2
    if command == "bundle":
        return bundle()
    ensure_venv()
    if command == "setup":
        return 0
    if command == "run":
        ensure_qt_libraries()
        return subprocess.call([BIN / "ptdesk", *rest])
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    if command == "lint":
        return _lint()
    lint = _lint()
    ensure_postgres()
    tests = subprocess.call([PYTHON, "-m", "pytest", *_workers(rest), *rest], cwd=ROOT, env=env)
    return tests or lint


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
