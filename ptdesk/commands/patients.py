"""`ptdesk patients`: list or search patients, as a table or JSON."""

from __future__ import annotations

import argparse
import json

from ptdesk.commands.acting import add_actor_option, signed_in_actor
from ptdesk.commands.common import add_db_option, open_database
from ptdesk.services.patients import search_patients


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "patients", help="list or search patients",
        description="List patients, optionally filtered by name, MRN or birth date prefix.",
    )
    parser.add_argument("--search", metavar="TEXT", default="",
                        help="words that start a first name, last name or MRN, or a birth date")
    parser.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    add_db_option(parser)
    add_actor_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    engine, session_factory = open_database(args)
    try:
        actor = signed_in_actor(args, session_factory)
        patients = search_patients(session_factory, args.search, actor=actor)
    finally:
        engine.dispose()
    if args.json:
        rows = [
            {"mrn": p.mrn, "first_name": p.first_name, "last_name": p.last_name,
             "date_of_birth": p.date_of_birth.isoformat(), "sex": p.sex}
            for p in patients
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    if not patients:
        print("No patients found.")
        return 0
    print(f"{'MRN':<12} {'Name':<40} {'Born':<10}")
    for p in patients:
        print(f"{p.mrn:<12} {p.display_name[:40]:<40} {p.date_of_birth.isoformat()}")
    print(f"{len(patients)} patient{'s' if len(patients) != 1 else ''}")
    return 0
