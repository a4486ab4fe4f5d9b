"""`ptdesk report progress MRN --out FILE.pdf`: write a patient's progress report to a file."""

from __future__ import annotations

import argparse

from ptdesk.commands import CommandError, UsageError
from ptdesk.commands.acting import add_actor_option, signed_in_actor
from ptdesk.commands.common import add_db_option, open_database, output_path, write_user_file
from ptdesk.services.errors import PermissionDeniedError, ServiceError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "report", help="write a patient's progress report as PDF",
        description="Write the progress report for the referring physician (current episode "
                    "of care: scores, strength symmetry, charts, plan) to a PDF file.",
    )
    parser.add_argument("kind", choices=("progress",), help="which report")
    parser.add_argument("mrn", metavar="MRN", help="the patient's medical record number")
    parser.add_argument("--out", metavar="FILE.pdf", required=True, help="where to write the PDF")
    add_db_option(parser)
    add_actor_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    out = output_path("--out", args.out)
    engine, session_factory = open_database(args)
    from ptdesk.services.patients import find_by_mrn
    from ptdesk.services.progress.report import progress_report_pdf

    try:
        actor = signed_in_actor(args, session_factory)
        patient_id = find_by_mrn(session_factory, args.mrn, actor=actor).id
        data = progress_report_pdf(session_factory, actor=actor, patient_id=patient_id)
    except PermissionDeniedError as exc:
        raise CommandError(str(exc)) from exc
    except ServiceError as exc:  # unknown MRN, or nothing to report on yet
        raise UsageError(str(exc)) from exc
    finally:
        engine.dispose()
    write_user_file("--out", out, data)
    print(f"Wrote {out} ({len(data) // 1024 + 1} KB).")
    return 0
