"""Pre-flight check that Qt's Linux display plugin (xcb) can load, before any QApplication exists.

Without it Qt aborts with "could not load the Qt platform plugin xcb" and a core dump,
which tells a clinician nothing. This module imports no Qt (it finds the plugin file on
disk) so `dev.py run` and the app can both ask it which Debian/Ubuntu packages are missing.
`python -m ptdesk.platform_check` prints them space-separated (nothing when all is well).
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

# ldd output line for a library the loader cannot find: "\tlibxcb-icccm.so.4 => not found".
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)

# Libraries Qt opens itself at run time (dlopen), so ldd never lists them. Since Qt 6.5
# the xcb plugin refuses to start without xcb-cursor (Qt 6.5 changelog, "xcb: require
# libxcb-cursor0").
DLOPENED = ("libxcb-cursor.so.0",)

# Debian/Ubuntu package for each library the xcb plugin links, where the name is not the
# policy rule in `package_for` (Debian Policy 8.1: soname "libfoo.so.N" -> package "libfooN").
PACKAGES = {
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libGLX.so.0": "libglx0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libSM.so.6": "libsm6",
    "libICE.so.6": "libice6",
}

# The packages named by Qt's own "Qt for X11 requirements" page for the xcb plugin;
# the README lists these, and a clean machine usually lacks a few of them.
README_PACKAGES = (
    "libxcb-cursor0", "libxcb-icccm4", "libxcb-image0", "libxcb-keysyms1",
    "libxcb-render-util0", "libxcb-shape0", "libxcb-xkb1", "libxkbcommon-x11-0",
    "libegl1", "libfontconfig1", "libdbus-1-3",
)

Runner = Callable[[list[str]], str]
Loader = Callable[[str], bool]


def package_for(soname: str) -> str:
    """Debian package that ships `soname` (the table above, else the policy naming rule)."""
    if soname in PACKAGES:
        return PACKAGES[soname]
    match = re.fullmatch(r"(lib[\w.+-]+?)\.so\.(\d+)(?:\.\d+)*", soname)
    if match is None:
        return soname
    stem, major = match.group(1).lower(), match.group(2)
    return f"{stem}-{major}" if stem[-1].isdigit() else f"{stem}{major}"


def xcb_plugin(site: Path | None = None) -> Path | None:
    """The xcb platform plugin inside the installed PySide6 (or a bundle), without importing it."""
    if site is None:
        spec = importlib.util.find_spec("PySide6")
        if spec is None or spec.origin is None:
            return None
        site = Path(spec.origin).parent
    for candidate in (site / "Qt" / "plugins" / "platforms" / "libqxcb.so",
                      site / "plugins" / "platforms" / "libqxcb.so"):
        if candidate.exists():
            return candidate
    return None


# ctypes and subprocess are imported where used: the app asks `preflight` before its window
# on every start, and only a real X display (xcb) needs them.


def _run_ldd(argv: list[str]) -> str:
    import subprocess

    return subprocess.run(argv, capture_output=True, text=True, check=False, timeout=30).stdout


def _can_load(soname: str) -> bool:
    import ctypes

    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def uses_xcb(environ: dict[str, str] | os._Environ[str] | None = None,
             platform: str | None = None) -> bool:
    """Whether Qt will try the xcb plugin: Linux, and no other platform chosen."""
    env = os.environ if environ is None else environ
    if not (platform or sys.platform).startswith("linux"):
        return False
    chosen = env.get("QT_QPA_PLATFORM", "")
    if not chosen and env.get("WAYLAND_DISPLAY"):
        return False  # Qt 6 starts on Wayland there and only falls back to xcb
    if chosen:
        # "xcb", "xcb:option=value" or a fallback list "wayland;xcb": xcb only when first.
        return re.split(r"[;:]", chosen)[0] == "xcb"
    return True


def missing_libraries(plugin: Path | None = None, run: Runner = _run_ldd,
                      load: Loader = _can_load) -> list[str]:
    """Shared libraries the xcb plugin needs and this machine lacks, in ldd's order."""
    import subprocess

    plugin = plugin if plugin is not None else xcb_plugin()
    if plugin is None:
        return []  # no PySide6 xcb plugin to check (Windows, macOS or an odd install)
    try:
        output = run(["ldd", str(plugin)])
    except (OSError, subprocess.SubprocessError):
        output = ""  # no ldd: still check the libraries Qt opens itself
    missing: list[str] = []
    for name in [*_NOT_FOUND.findall(output), *(n for n in DLOPENED if not load(n))]:
        if name not in missing:
            missing.append(name)
    return missing


def missing_packages(libraries: list[str]) -> list[str]:
    packages: list[str] = []
    for name in libraries:
        package = package_for(name)
        if package not in packages:
            packages.append(package)
    return packages


def fix_message(libraries: list[str]) -> str:
    """What the app prints instead of Qt's core dump: the libraries and the one line that fixes it."""
    packages = " ".join(missing_packages(libraries))
    return (f"PT Desk cannot open its window: Qt's display plugin (xcb) needs "
            f"{', '.join(libraries)}, which this computer does not have.\n"
            f"Install them with:\n  sudo apt-get install {packages}")


def preflight(environ: dict[str, str] | None = None, run: Runner = _run_ldd,
              load: Loader = _can_load, plugin: Path | None = None) -> str | None:
    """None when the window can open; else the message to print (never installs anything)."""
    if not uses_xcb(environ):
        return None
    libraries = missing_libraries(plugin, run, load)
    return fix_message(libraries) if libraries else None


def main() -> int:
    """`python -m ptdesk.platform_check`: the missing packages, space-separated (used by dev.py)."""
    print(" ".join(missing_packages(missing_libraries())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
