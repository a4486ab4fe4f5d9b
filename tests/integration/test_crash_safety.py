"""Crash safety: SIGKILL a process saving visits at random moments; nothing acknowledged is lost."""

from __future__ import annotations

import os
import sys

import pytest

from tests.integration.crash_harness import kill_loop

KILLS = 20


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killed_writers_never_lose_acknowledged_saves_or_break_verify(tmp_path) -> None:
    seed = int(os.environ.get("PTDESK_CRASH_SEED", "7"))
    outcome = kill_loop(tmp_path / "crash.db", KILLS, seed, stop_after=55)
    assert outcome.failures == [], outcome.failures[:10]
    assert outcome.kills == KILLS, f"only {outcome.kills} kills in {outcome.seconds:.0f} s"
    # The children really were working when killed: saves, signatures and addenda happened.
    acks = outcome.acks
    assert len(acks.saved) >= KILLS and acks.signed and acks.addenda
