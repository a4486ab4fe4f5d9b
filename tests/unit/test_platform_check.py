"""The Qt display pre-flight check: a missing xcb library becomes one `apt-get install` line.

The machine running the tests may well have every library, so ldd's answer is faked
(a function, and a fake `ldd` program on PATH for the real `ptdesk` process).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import dev
from ptdesk import platform_check
from ptdesk.platform_check import fix_message, missing_libraries, package_for, preflight, uses_xcb

LDD_MISSING = """\
\tlinux-vdso.so.1 (0x00007ffd7b5f2000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f0d0c000000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxkbcommon-x11.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f0d0be00000)
"""


def fake_ldd(output: str):
    calls: list[list[str]] = []

    def run(argv: list[str]) -> str:
        calls.append(argv)
        return output
    return run, calls


def test_missing_libraries_come_from_ldd_once_each_and_in_order(tmp_path: Path) -> None:
    plugin = tmp_path / "libqxcb.so"
    run, calls = fake_ldd(LDD_MISSING)
    found = missing_libraries(plugin, run=run, load=lambda name: True)
    assert found == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxkbcommon-x11.so.0"]
    assert calls == [["ldd", str(plugin)]]


def test_the_message_names_the_libraries_and_the_one_apt_get_line(tmp_path: Path) -> None:
    run, _ = fake_ldd(LDD_MISSING)
    # xcb-cursor is opened by Qt itself at run time, so ldd cannot see it missing.
    message = preflight({"QT_QPA_PLATFORM": "xcb"}, run=run,
                        load=lambda name: name != "libxcb-cursor.so.0", plugin=tmp_path / "x.so")
    assert message is not None
    assert "libxcb-cursor.so.0" in message and "libxcb-icccm.so.4" in message
    lines = message.splitlines()
    assert lines[-1].strip() == ("sudo apt-get install libxcb-icccm4 libxcb-keysyms1 "
                                 "libxkbcommon-x11-0 libxcb-cursor0")


def test_nothing_missing_means_no_message(tmp_path: Path) -> None:
    run, _ = fake_ldd("\tlibc.so.6 => /lib/libc.so.6 (0x1)\n")
    assert preflight({}, run=run, load=lambda name: True, plugin=tmp_path / "x.so") is None


@pytest.mark.parametrize(("soname", "package"), [
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libX11-xcb.so.1", "libx11-xcb1"),
    ("libdbus-1.so.3", "libdbus-1-3"),
    ("libglib-2.0.so.0", "libglib2.0-0"),
    ("libEGL.so.1", "libegl1"),
    ("libxcb-xinerama.so.0", "libxcb-xinerama0"),
])
def test_debian_package_names(soname: str, package: str) -> None:
    assert package_for(soname) == package


@pytest.mark.parametrize(("environ", "platform", "expected"), [
    ({}, "linux", True),
    ({"QT_QPA_PLATFORM": "xcb"}, "linux", True),
    ({"QT_QPA_PLATFORM": "xcb;wayland"}, "linux", True),
    ({"QT_QPA_PLATFORM": "offscreen"}, "linux", False),
    ({"QT_QPA_PLATFORM": "wayland;xcb"}, "linux", False),
    ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
    ({}, "win32", False),
    ({}, "darwin", False),
])
def test_only_an_xcb_start_is_checked(environ: dict[str, str], platform: str, expected: bool) -> None:
    assert uses_xcb(environ, platform) is expected


def test_the_plugin_is_found_in_the_installed_pyside6() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("the xcb plugin exists on Linux only")
    plugin = platform_check.xcb_plugin()
    assert plugin is not None and plugin.name == "libqxcb.so" and plugin.exists()


def test_the_app_prints_the_fix_and_exits_before_qt_starts(tmp_path: Path) -> None:
    """The real `ptdesk` with a fake `ldd` that reports xcb-cursor missing."""
    if not sys.platform.startswith("linux"):
        pytest.skip("Linux only")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    ldd = bin_dir / "ldd"
    ldd.write_text("#!/bin/sh\nprintf '\\tlibxcb-icccm.so.4 => not found\\n'\n")
    ldd.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "QT_QPA_PLATFORM": "xcb", "DISPLAY": ":99"}
    env.pop("WAYLAND_DISPLAY", None)
    done = subprocess.run([sys.executable, "-m", "ptdesk", "--db", str(tmp_path / "c.db")],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "libxcb-icccm.so.4" in done.stderr
    assert "sudo apt-get install libxcb-icccm4" in done.stderr
    assert "Traceback" not in done.stderr and "qt.qpa" not in done.stderr
    assert not (tmp_path / "c.db").exists()  # stopped before opening anything


def test_dev_run_installs_the_missing_packages_without_asking(monkeypatch) -> None:
    """`dev.py run` as root (or with password-less sudo): apt-get gets exactly those packages."""
    installed: list[tuple[list[str], list[str]]] = []

    def fake_run(argv, **kwargs):
        assert argv[1:] == ["-m", "ptdesk.platform_check"]
        return subprocess.CompletedProcess(argv, 0, stdout="libxcb-cursor0 libxcb-icccm4\n")

    monkeypatch.setattr(dev.sys, "platform", "linux")
    monkeypatch.setattr(dev.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(dev.subprocess, "run", fake_run)
    monkeypatch.setattr(dev, "_root_prefix", lambda: ["sudo", "-n"])
    monkeypatch.setattr(dev, "_apt_install",
                        lambda packages, prefix: installed.append((packages, prefix)) or True)
    dev.ensure_qt_libraries()
    assert installed == [(["libxcb-cursor0", "libxcb-icccm4"], ["sudo", "-n"])]


def test_dev_run_leaves_it_to_the_app_when_it_would_have_to_ask(monkeypatch) -> None:
    monkeypatch.setattr(dev.sys, "platform", "linux")
    monkeypatch.setattr(dev.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(dev.subprocess, "run", lambda argv, **kw: subprocess.CompletedProcess(
        argv, 0, stdout="libxcb-cursor0\n"))
    monkeypatch.setattr(dev, "_root_prefix", lambda: None)
    monkeypatch.setattr(dev, "_apt_install", lambda *a: pytest.fail("must not install"))
    dev.ensure_qt_libraries()


def test_fix_message_is_one_install_line() -> None:
    message = fix_message(["libxcb-cursor.so.0"])
    assert [line for line in message.splitlines() if "apt-get" in line] == [
        "  sudo apt-get install libxcb-cursor0"]
