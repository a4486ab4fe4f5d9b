"""A runner's imported watch runs with both load flags, a restart week and a gait target (issue 24)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ptdesk.db.engine import SessionFactory
from ptdesk.domain.runplan import PlanInputs
from ptdesk.services import evaluations
from ptdesk.services.run_import import import_runs
from ptdesk.services.runplans import save_plan
from tests.factories import ACTOR, full_evaluation, make_episode, make_patient
from tests.helpers.run_files import RunSpec, day, fit_bytes, gpx_bytes, tcx_bytes

START = date(2026, 6, 1)  # a Monday; day(n) is n days later
TODAY = date(2026, 6, 28)
# (day, km): week 1 is the restart week (its 6 km run is not a spike, no baseline);
# week 2 totals 10; week 3 totals 16.5 > 130% of week 1's 12 (a two-week jump) and holds
# day 18's 8 km > 110% of the longest run in the 30 days before (6 km): a spike.
# Week 4: 11 km; 4.4 km on day 23 is exactly 110% of nothing bigger than 8: no spike.
RUNS = ((0, 3.0), (2, 3.0), (4, 6.0), (7, 3.0), (9, 3.0), (11, 4.0), (14, 4.0), (16, 4.5),
        (18, 8.0), (21, 3.3), (23, 4.4), (25, 3.3))


def write_runs(folder: Path) -> list[str]:
    """The runs above as FIT, GPX and TCX files in turn (cadence 164 rising to 175)."""
    folder.mkdir(parents=True, exist_ok=True)
    writers = (("fit", fit_bytes), ("gpx", gpx_bytes), ("tcx", tcx_bytes))
    paths = []
    for n, (offset, km) in enumerate(RUNS):
        ext, write = writers[n % 3]
        spec = RunSpec(start=day(offset), minutes=km * 6, distance_m=km * 1000,
                       cadence_spm=164 + n)
        path = folder / f"run-{n:02d}.{ext}"
        path.write_bytes(write(spec))
        paths.append(str(path))
    return paths


def imported_patient(session_factory: SessionFactory, folder: Path) -> int:
    """A runner with a gait target, a 3-runs-a-week km plan from START and the runs imported."""
    patient_id = make_patient(session_factory).id
    episode = make_episode(session_factory, patient_id, start=date(2026, 5, 20))
    visit = evaluations.create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                                     visit_date=date(2026, 5, 25),
                                     visit_type="initial_evaluation")
    evaluations.save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id,
                                evaluation=full_evaluation())  # gait: 160 spm, +7.5 %
    save_plan(session_factory, actor=ACTOR, patient_id=patient_id,
              inputs=PlanInputs("km", 3, 3, 30, current_weekly=9, start=START))
    result = import_runs(session_factory, actor=ACTOR, patient_id=patient_id,
                         paths=write_runs(folder), today=TODAY)
    assert result.added == len(RUNS) and not result.rejected
    return patient_id
