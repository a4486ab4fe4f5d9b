"""Installing as a Python app: the wheel carries every resource, its commands work from
anywhere, and `ptdesk install-desktop` writes the menu entry and icons."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from ptdesk.commands.desktop import ICON_SIZES, desktop_entry

ROOT = Path(__file__).resolve().parents[2]


def _run(argv: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=300, **kwargs)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built from a copy of the sources, so the checkout's build/ and egg-info stay untouched."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("ptdesk", "resources", "migrations"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    out = tmp_path_factory.mktemp("wheel")
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out),
                  str(src)])
    assert built.returncode == 0, built.stderr[-2000:]
    (found,) = out.glob("ptdesk-*.whl")
    return found


@pytest.mark.slow
def test_the_wheel_carries_every_resource(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {
        "ptdesk_resources": ROOT / "resources",
        "ptdesk_migrations": ROOT / "migrations",
    }
    for package, folder in shipped.items():
        for path in folder.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                assert f"{package}/{path.relative_to(folder).as_posix()}" in names
    for must in ("ptdesk_resources/fonts/DejaVuSans.ttf", "ptdesk_resources/icons/ptdesk.svg",
                 "ptdesk_resources/icons/ptdesk-256.png", "ptdesk_migrations/env.py",
                 "ptdesk/commands/desktop.py", "ptdesk/ui/desktop/about_dialog.py"):
        assert must in names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[console_scripts]\nptdesk = ptdesk.cli:main" in text
    assert "[gui_scripts]\nptdesk-gui = ptdesk.cli:main" in text


@pytest.mark.slow
def test_the_installed_wheel_works_from_anywhere(wheel: Path, tmp_path: Path) -> None:
    """A fresh environment with the wheel; its dependencies come from this one (no download)."""
    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
                .stdout.strip())
    # Dependencies only: a plain path line, so this venv's editable ptdesk is not picked up.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installed = _run([sys.executable, "-m", "pip", "--python", str(python), "install",
                      "--no-deps", "--quiet", str(wheel)])
    assert installed.returncode == 0, installed.stderr[-2000:]
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**os.environ, "PTDESK_PASSWORD": "", "XDG_DATA_HOME": str(tmp_path / "xdg"),
           "QT_QPA_PLATFORM": "offscreen", "PTDESK_LOG_DIR": str(tmp_path / "log")}
    env.pop("PYTHONPATH", None)
    bin_dir = env_dir / "bin"
    where = _run([str(python), "-c", "import ptdesk, ptdesk_resources; "
                  "print(ptdesk.__file__); print(ptdesk_resources.__file__)"], cwd=work, env=env)
    assert all(line.startswith(str(env_dir)) for line in where.stdout.split()), where.stdout
    assert (bin_dir / "ptdesk-gui").exists()
    db = str(tmp_path / "c.db")
    for argv in (["--version"], ["init", "--db", db], ["demo", "--patients", "0", "--db", db],
                 ["--as", "demo.alvarez", "handout", "exercises", "DEMO-0001",
                  "--out", str(tmp_path / "sheet.pdf"), "--db", db],
                 ["install-desktop"]):
        env["PTDESK_PASSWORD"] = "runner-demo"
        done = _run([str(bin_dir / "ptdesk"), *argv], cwd=work, env=env)
        assert done.returncode == 0, (argv, done.stderr[-2000:])
    assert (tmp_path / "sheet.pdf").read_bytes().startswith(b"%PDF-")
    entry = (tmp_path / "xdg" / "applications" / "ptdesk.desktop").read_text()
    assert f"Exec={bin_dir / 'ptdesk-gui'}\n" in entry


def test_install_desktop_writes_the_entry_and_icons(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "share")}
    done = _run([sys.executable, "-m", "ptdesk", "install-desktop"], env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    share = tmp_path / "share"
    entry = (share / "applications" / "ptdesk.desktop").read_text(encoding="utf-8")
    assert entry.startswith("[Desktop Entry]\n") and "\nIcon=ptdesk\n" in entry
    assert "\nTerminal=false\n" in entry and "\nExec=" in entry
    for size in ICON_SIZES:
        png = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "ptdesk.png"
        assert png.read_bytes().startswith(b"\x89PNG")
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "ptdesk.svg").exists()
    again = _run([sys.executable, "-m", "ptdesk", "install-desktop"], env=env, cwd=tmp_path)
    assert again.returncode == 0  # safe to run again


def test_the_packaged_desktop_file_is_what_the_command_writes() -> None:
    path = ROOT / "packaging" / "ptdesk.desktop"
    assert path.read_text(encoding="utf-8") == desktop_entry("ptdesk-gui")
    if shutil.which("desktop-file-validate") is None:
        return  # desktop-file-utils not installed: the content check above still ran
    checked = _run(["desktop-file-validate", str(path)])
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_exec_paths_with_spaces_are_quoted() -> None:
    assert "Exec=\"/opt/PT Desk/ptdesk\"\n" in desktop_entry("/opt/PT Desk/ptdesk")
