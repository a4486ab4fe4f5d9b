"""bench/run.py is the one harness: every target has a probe in its table, and --only is checked."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def run() -> ModuleType:
    sys.path.insert(0, str(BENCH))
    try:
        return importlib.import_module("run")
    finally:
        sys.path.remove(str(BENCH))


def test_every_target_is_measured_by_one_probe_in_the_table(run: ModuleType, tmp_path: Path) -> None:
    reps = {"startup": 1, "ui": 1, "chart": 1, "opens": 1, "runs": 1}
    table = run._measurements(tmp_path / "clinic.db", {}, reps, 1)
    measured = [name for names, _ in table for name in names]
    assert len(measured) == len(set(measured))
    # The 100k search runs on its own clinic, outside the table.
    assert set(measured) | {"search_keystroke_ms_100k"} == set(run.TARGETS)


def test_only_takes_known_figures_and_refuses_unknown_ones(
        run: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    args = run.parse_args(["--only", "progress_tab_ms, verify_s"])
    assert args.only == frozenset({"progress_tab_ms", "verify_s"})
    assert run._wanted(["save_evaluation_ms", "verify_s"], args.only)
    assert not run._wanted(["rss_mib"], args.only)
    assert run._wanted(["rss_mib"], run.parse_args([]).only)
    with pytest.raises(SystemExit) as exit_info:
        run.parse_args(["--only", "progress_tab_ms,made_up_ms"])
    assert exit_info.value.code == 2
    assert "unknown figure made_up_ms" in capsys.readouterr().err


def test_no_second_generation_of_bench_scripts() -> None:
    """One harness: figures come from probe_*.py run by run.py, not standalone bench_*.py."""
    assert sorted(p.name for p in BENCH.glob("bench_*.py")) == []


def test_a_fresh_machine_builds_a_bench_clinic_that_encrypted_runs_can_convert(
        run: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No cache yet: the build must finish (it checkpoints the file with plain SQLite) and
    leave a plaintext clinic, which `--encrypted` converts with `ptdesk encrypt`. New clinics
    are encrypted from their first start, which once broke the build on a clean clone."""
    import sqlite3

    cache = importlib.import_module("clinic_cache")
    monkeypatch.setattr(cache, "CACHE_DIR", tmp_path / "cache")
    clinic = cache.ensure_clinic(6, 3)
    with sqlite3.connect(clinic.path) as connection:
        patients = connection.execute("SELECT count(*) FROM patients").fetchone()[0]
    connection.close()
    assert patients == clinic.info["patients"] + 3  # the three bench extras
