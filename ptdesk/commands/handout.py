"""`ptdesk handout exercises|runplan MRN --out FILE.pdf [--language en|es]`: a patient's handout as PDF."""

from __future__ import annotations

import argparse
import sys

from ptdesk.commands import CommandError, UsageError
from ptdesk.commands.acting import add_actor_option, signed_in_actor
from ptdesk.commands.common import add_db_option, open_database, output_path, write_user_file
from ptdesk.domain.handout_language import HANDOUT_LANGUAGES
from ptdesk.services.errors import NotFoundError, PermissionDeniedError, ServiceError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "handout", help="write a patient's exercise sheet or run plan as PDF",
        description="Write the patient's active exercise sheet or return-to-run plan to a PDF file.",
    )
    parser.add_argument("kind", choices=("exercises", "runplan"), help="which handout")
    parser.add_argument("mrn", metavar="MRN", help="the patient's medical record number")
    parser.add_argument("--out", metavar="FILE.pdf", required=True, help="where to write the PDF")
    parser.add_argument("--compact", action="store_true",
                        help="exercises only: four smaller cards to a page, for long programmes")
    parser.add_argument("--summary", action="store_true",
                        help="exercises only: add a one-page table of every exercise at the end")
    parser.add_argument("--language", choices=HANDOUT_LANGUAGES, default=None,
                        help="print in English (en) or Spanish (es); default: the patient's "
                        "preferred handout language")
    add_db_option(parser)
    add_actor_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    out = output_path("--out", args.out)
    if args.kind != "exercises" and (args.compact or args.summary):
        raise UsageError("--compact and --summary apply to the exercise sheet only")
    engine, session_factory = open_database(args)
    from ptdesk.services import handouts

    try:
        actor = signed_in_actor(args, session_factory)
        patient_id = handouts.patient_id_for_mrn(session_factory, args.mrn, actor=actor)
        if args.kind == "exercises":
            language = args.language or handouts.preferred_language(
                session_factory, actor=actor, patient_id=patient_id)
            english_only = handouts.exercises_without_language(
                session_factory, actor=actor, patient_id=patient_id, language=language)
            data = handouts.exercise_sheet_pdf(session_factory, actor=actor, patient_id=patient_id,
                                               compact=args.compact, summary=args.summary,
                                               language=language)
        else:
            english_only = []  # every run-plan word comes from the phrase table
            data = handouts.runplan_pdf(session_factory, actor=actor, patient_id=patient_id,
                                        language=args.language)
    except PermissionDeniedError as exc:
        raise CommandError(str(exc)) from exc
    except (NotFoundError, ServiceError) as exc:
        raise UsageError(str(exc)) from exc
    finally:
        engine.dispose()
    write_user_file("--out", out, data)
    if english_only:
        # Exercise names are the clinic's library words, not patient data.
        print(f"ptdesk: note: printed in English (no {language} text): "
              + "; ".join(english_only), file=sys.stderr)
    print(f"Wrote {out} ({len(data) // 1024 + 1} KB).")
    return 0

