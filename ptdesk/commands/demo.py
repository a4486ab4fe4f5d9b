"""`ptdesk demo`: fill a database with the demo clinic (five story patients plus N synthetic)."""

from __future__ import annotations

import argparse
from datetime import date

from ptdesk.commands import UsageError
from ptdesk.commands.acting import add_actor_option, signed_in_actor
from ptdesk.commands.common import add_db_option, open_database, parse_date
from ptdesk.demo.generator import (
    DEFAULT_SEED,
    DEFAULT_SYNTHETIC,
    DEMO_TODAY,
    MAX_SEED,
    MAX_SYNTHETIC,
    DemoRefusedError,
    build_demo_clinic,
    refuse_live_clinic,
)
from ptdesk.services.keys.clinic_key import is_locked

EARLIEST_TODAY = date(2020, 1, 1)
LOCKED_CLINIC = ("This database holds accounts the demo did not create (it needs a password to "
                 "open), so the demo clinic is not added to it. Use a new database file for the "
                 "demo (--db demo.db).")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "demo", help="fill the database with a demo clinic",
        description="Add the demo clinic: five hand-written patients (DEMO-0001 to DEMO-0005) "
        "and N synthetic patients with visit histories. The same seed always gives the same "
        "patients, and running it again adds only what is missing. Only an empty database or "
        "one that holds nothing but the demo is accepted.",
    )
    parser.add_argument("--patients", metavar="N", type=int, default=DEFAULT_SYNTHETIC,
                        help=f"synthetic patients to add, 0 to {MAX_SYNTHETIC:,} "
                        f"(default {DEFAULT_SYNTHETIC})")
    parser.add_argument("--seed", metavar="S", type=int, default=DEFAULT_SEED,
                        help=f"random seed for the synthetic patients (default {DEFAULT_SEED})")
    parser.add_argument("--today", metavar="YYYY-MM-DD", default=DEMO_TODAY.isoformat(),
                        help="date the demo histories end on (default %(default)s, fixed so "
                        "the demo is the same every time)")
    add_db_option(parser)
    add_actor_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not 0 <= args.patients <= MAX_SYNTHETIC:
        raise UsageError(f"--patients must be a whole number from 0 to {MAX_SYNTHETIC} "
                         f"(got {args.patients})")
    if not 0 <= args.seed <= MAX_SEED:
        raise UsageError(f"--seed must be a whole number from 0 to {MAX_SEED} (got {args.seed})")
    today = parse_date("--today", args.today)
    if today < EARLIEST_TODAY:
        raise UsageError(f"--today must be {EARLIEST_TODAY.isoformat()} or later "
                         "(the demo patients' stories need their birth dates behind them)")
    engine, session_factory = open_database(args, unlocked=False)
    try:
        # Before any sign-in: a live clinic is refused whoever asks (exit 2). An encrypted
        # clinic that needs a password is one: the demo's own opens without one.
        if is_locked(session_factory):
            raise DemoRefusedError(LOCKED_CLINIC)
        refuse_live_clinic(session_factory)
        # A fresh database gets the published demo sign-ins, which completes its setup.
        result = build_demo_clinic(session_factory, actor=signed_in_actor(args, session_factory),
                                   patients=args.patients, seed=args.seed, today=today,
                                   demo_logins=True, demo_only=True)
    except DemoRefusedError as exc:
        raise UsageError(str(exc)) from None
    finally:
        engine.dispose()
    print(result.summary_line())
    if result.logins_enabled:
        print(result.logins_line())
    return 0
