"""`ptdesk report progress|evaluation MRN [--visit YYYY-MM-DD] --out FILE.pdf`: a report as PDF."""

from __future__ import annotations

import argparse

from ptdesk.commands import CommandError, UsageError
from ptdesk.commands.acting import add_actor_option, signed_in_actor
from ptdesk.commands.common import (
    add_db_option,
    open_database,
    output_path,
    parse_date,
    write_user_file,
)
from ptdesk.services.errors import PermissionDeniedError, ServiceError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "report", help="write a patient's progress report or evaluation as PDF",
        description="Write a report for the referring physician to a PDF file: `progress` "
                    "(current episode of care: scores, strength symmetry, charts, plan) or "
                    "`evaluation` (the evaluation and plan of care, with a certification "
                    "block; without --visit the latest signed initial evaluation or "
                    "re-evaluation).",
    )
    parser.add_argument("kind", choices=("progress", "evaluation"), help="which report")
    parser.add_argument("mrn", metavar="MRN", help="the patient's medical record number")
    parser.add_argument("--visit", metavar="YYYY-MM-DD", default=None,
                        help="evaluation only: the visit's date of service (a draft prints "
                             "only when named here, marked as not signed)")
    parser.add_argument("--out", metavar="FILE.pdf", required=True, help="where to write the PDF")
    add_db_option(parser)
    add_actor_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.visit is not None and args.kind != "evaluation":
        raise UsageError("--visit is only for `ptdesk report evaluation`")
    visit = parse_date("--visit", args.visit) if args.visit is not None else None
    out = output_path("--out", args.out)
    engine, session_factory = open_database(args)
    from ptdesk.services.patients import find_by_mrn

    try:
        actor = signed_in_actor(args, session_factory)
        patient_id = find_by_mrn(session_factory, args.mrn, actor=actor).id
        if args.kind == "evaluation":
            from ptdesk.services.evaluation_report import evaluation_pdf

            data = evaluation_pdf(session_factory, actor=actor, patient_id=patient_id,
                                  visit_date=visit)
        else:
            from ptdesk.services.progress.report import progress_report_pdf

            data = progress_report_pdf(session_factory, actor=actor, patient_id=patient_id)
    except PermissionDeniedError as exc:
        raise CommandError(str(exc)) from exc
    except ServiceError as exc:  # unknown MRN, no such visit, or nothing to report on yet
        raise UsageError(str(exc)) from exc
    finally:
        engine.dispose()
    write_user_file("--out", out, data)
    print(f"Wrote {out} ({len(data) // 1024 + 1} KB).")
    return 0
