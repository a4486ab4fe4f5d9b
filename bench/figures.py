"""The benchmark's figures: targets, median/min/max, the printed table, the JSON and the machine."""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics
import sys
from dataclasses import dataclass, field
from typing import Any

# The table, in its order; a figure passes when its median is at or under the target.
TARGETS: dict[str, float] = {
    "startup_ratio": 2.0,
    "search_keystroke_ms": 16.0,
    "open_chart_ms": 100.0,
    "save_evaluation_ms": 50.0,
    "exercise_sheet_ms": 100.0,
    "runplan_pdf_ms": 100.0,
    "progress_report_ms": 250.0,
    "progress_tab_ms": 100.0,
    "rss_mib": 250.0,
    "search_keystroke_ms_100k": 16.0,
    "import_1000_runs_s": 30.0,
    # Issue 19: half of the 2,079 inputs measured on 2026-12-06 before any change (probe_inputs.py).
    "evaluation_inputs": 1039.0,
    "evaluation_input_s": 30.0,
}
MEASURED, SKIPPED, UNAVAILABLE, ERROR = "measured", "skipped", "not available", "error"


@dataclass(frozen=True)
class Detail:
    """A supporting number printed under a figure (not judged against a target)."""

    label: str
    value: float
    unit: str


@dataclass(frozen=True)
class Figure:
    name: str
    samples: tuple[float, ...] = ()
    status: str = MEASURED
    note: str = ""
    details: tuple[Detail, ...] = field(default_factory=tuple)

    @property
    def unit(self) -> str:
        return unit_of(self.name)

    @property
    def target(self) -> float:
        return TARGETS[self.name]

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def passed(self) -> bool | None:
        median = self.median
        return None if median is None or self.status != MEASURED else median <= self.target

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status, "unit": self.unit, "target": self.target,
            "median": self.median, "min": min(self.samples, default=None),
            "max": max(self.samples, default=None), "runs": len(self.samples),
            "pass": self.passed, "note": self.note, "samples": [round(s, 3) for s in self.samples],
            "details": {d.label: {"value": round(d.value, 3), "unit": d.unit}
                        for d in self.details},
        }


def unit_of(name: str) -> str:
    if name.endswith("_inputs"):
        return ""  # a count of key presses and clicks
    if name.endswith("_ratio"):
        return "x"
    if name.endswith("_s"):
        return "s"
    return "MiB" if name.endswith("_mib") else "ms"


def median(values: list[float]) -> float:
    return statistics.median(values)


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if not unit:
        return f"{value:.0f}"
    if unit == "x":
        return f"{value:.2f}x"
    return f"{value:.1f} {unit}" if value < 1000 else f"{value:.0f} {unit}"


def table(figures: list[Figure]) -> str:
    head = f"{'figure':<28} {'median':>11} {'min':>11} {'max':>11} {'target':>11}  result"
    lines = [head, "-" * len(head)]
    for fig in figures:
        target = "<= " + _fmt(fig.target, fig.unit)
        if fig.status != MEASURED:
            lines.append(f"{fig.name:<28} {fig.status.upper():>11} {'':>11} {'':>11} "
                         f"{target:>11}  -")
        else:
            result = "PASS" if fig.passed else "FAIL"
            lines.append(f"{fig.name:<28} {_fmt(fig.median, fig.unit):>11} "
                         f"{_fmt(min(fig.samples), fig.unit):>11} "
                         f"{_fmt(max(fig.samples), fig.unit):>11} {target:>11}  {result}")
        for detail in fig.details:
            lines.append(f"    {detail.label:<40} {_fmt(detail.value, detail.unit):>11}")
        if fig.note:
            lines.append(f"    ({fig.note})")
    return "\n".join(lines)


def report_json(figures: list[Figure], extra: dict[str, Any]) -> dict[str, Any]:
    """`figures` are the medians (None when not measured), `targets` the issue's limits."""
    by_name = {f.name: f for f in figures}
    return {
        "figures": {name: by_name[name].median if name in by_name else None for name in TARGETS},
        "targets": dict(TARGETS),
        "details": {f.name: f.as_json() for f in figures},
        **extra,
    }


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def machine() -> dict[str, Any]:
    try:
        import PySide6

        pyside = PySide6.__version__
    except ImportError:
        pyside = "not installed"
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "nproc": os.cpu_count(), "cpu": _cpu_model(), "ram_gib": _ram_gib(),
        "os": platform.platform(), "python": sys.version.split()[0], "pyside6": pyside,
        "sqlite": sqlite3.sqlite_version, "qt_platform": os.environ.get("QT_QPA_PLATFORM", ""),
        "load_average": [round(x, 2) for x in load] if load else None,
    }


def machine_line(info: dict[str, Any]) -> str:
    return (f"{info['nproc']} CPUs ({info['cpu']}), {info['ram_gib']} GiB RAM, "
            f"Python {info['python']}, PySide6 {info['pyside6']}, SQLite {info['sqlite']}, "
            f"Qt platform {info['qt_platform'] or 'default'}, load average "
            f"{' '.join(str(x) for x in info['load_average'] or [])}")
