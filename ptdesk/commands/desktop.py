"""`ptdesk install-desktop`: add PT Desk to the user's applications menu (freedesktop .desktop + icons)."""

from __future__ import annotations

import argparse
import importlib.resources
import os
import shutil
import subprocess
import sys
from contextlib import suppress
from pathlib import Path

from ptdesk.commands import CommandError

APP_ID = "ptdesk"  # file names: ptdesk.desktop, icons/hicolor/*/apps/ptdesk.png
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "install-desktop", help="add PT Desk to your applications menu",
        description="Write a freedesktop menu entry and the PT Desk icons into "
        "$XDG_DATA_HOME (default ~/.local/share) for the current user. Safe to run again.",
    )
    parser.set_defaults(run=run)


def data_home(environ: dict[str, str] | None = None) -> Path:
    """$XDG_DATA_HOME, or ~/.local/share when unset or not absolute (XDG Base Directory spec)."""
    env = os.environ if environ is None else environ
    value = env.get("XDG_DATA_HOME", "")
    return Path(value) if value and Path(value).is_absolute() else Path.home() / ".local" / "share"


def gui_command() -> str:
    """What the menu entry runs: the bundle's executable, else the `ptdesk-gui` script."""
    if getattr(sys, "frozen", False):  # PyInstaller bundle
        return str(Path(sys.executable).resolve())
    beside = Path(sys.executable).with_name("ptdesk-gui")  # the venv or pipx environment
    if beside.exists():
        return str(beside)
    found = shutil.which("ptdesk-gui")
    return found if found else f"{sys.executable} -m ptdesk"


def _quote(command: str) -> str:
    """Exec= argument quoting (Desktop Entry spec, "The Exec key")."""
    if not any(c in command for c in " \t\"'\\$`"):
        return command
    escaped = command.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("`", "\\`")
    return f'"{escaped}"'


def desktop_entry(command: str) -> str:
    """The menu entry; packaging/ptdesk.desktop is this with the command `ptdesk-gui`."""
    executable = command if " -m " in command else _quote(command)
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Version=1.0\n"
        "Name=PT Desk\n"
        "GenericName=Physical therapy charting\n"
        "Comment=Charting, home exercises and return-to-run plans for runners\n"
        f"Exec={executable}\n"
        f"Icon={APP_ID}\n"
        "Terminal=false\n"
        "Categories=Office;MedicalSoftware;\n"
        "Keywords=physiotherapy;physical therapy;runner;chart;\n"
    )


def icon_files() -> dict[str, Path]:
    """Shipped icon files by hicolor folder ("48x48", "scalable")."""
    folder = Path(str(importlib.resources.files("ptdesk_resources"))) / "icons"
    files = {f"{n}x{n}": folder / f"{APP_ID}-{n}.png" for n in ICON_SIZES}
    files["scalable"] = folder / f"{APP_ID}.svg"
    return files


def install(target: Path, command: str) -> list[Path]:
    """Write the entry and the icons under `target` (an XDG data folder); returns what was written."""
    written: list[Path] = []
    for size, source in icon_files().items():
        if not source.exists():
            raise CommandError(f"icon missing from the installation: {source.name}")
        dest = target / "icons" / "hicolor" / size / "apps" / f"{APP_ID}{source.suffix}"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
        written.append(dest)
    entry = target / "applications" / f"{APP_ID}.desktop"
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_text(desktop_entry(command), encoding="utf-8")
    written.append(entry)
    return written


def _refresh_caches(target: Path) -> None:
    """Menus pick the entry up sooner; both tools are optional."""
    for argv in (["update-desktop-database", str(target / "applications")],
                 ["gtk-update-icon-cache", "-q", "-t", str(target / "icons" / "hicolor")]):
        if shutil.which(argv[0]):
            with suppress(OSError, subprocess.SubprocessError):
                subprocess.run(argv, capture_output=True, check=False, timeout=30)


def run(args: argparse.Namespace) -> int:
    if not sys.platform.startswith("linux") and not sys.platform.startswith("freebsd"):
        raise CommandError("install-desktop is for Linux desktops; on Windows and macOS "
                           "use the installer or the app bundle")
    target = data_home()
    try:
        written = install(target, gui_command())
    except OSError as exc:
        raise CommandError(f"cannot write the menu entry: {exc.strerror}") from exc
    _refresh_caches(target)
    print(f"Added PT Desk to the applications menu: {written[-1]}")
    return 0
