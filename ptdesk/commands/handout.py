"""`ptdesk handout exercises|runplan MRN --out FILE.pdf`: print a patient's active handout to a file."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ptdesk.commands import CommandError, UsageError
from ptdesk.commands.acting import add_actor_option, signed_in_actor
from ptdesk.commands.common import add_db_option, open_database
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
    add_db_option(parser)
    add_actor_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    out = Path(args.out).expanduser()
    if out.is_dir():
        raise UsageError(f"--out is a folder, not a file: {out}")
    if not out.parent.exists():
        raise UsageError(f"--out: the folder {out.parent} does not exist")
    if args.kind != "exercises" and (args.compact or args.summary):
        raise UsageError("--compact and --summary apply to the exercise sheet only")
    engine, session_factory = open_database(args)
    from ptdesk.services import handouts

    try:
        actor = signed_in_actor(args, session_factory)
        patient_id = handouts.patient_id_for_mrn(session_factory, args.mrn, actor=actor)
        if args.kind == "exercises":
            data = handouts.exercise_sheet_pdf(session_factory, actor=actor, patient_id=patient_id,
                                               compact=args.compact, summary=args.summary)
        else:
            data = handouts.runplan_pdf(session_factory, actor=actor, patient_id=patient_id)
    except PermissionDeniedError as exc:
        raise CommandError(str(exc)) from exc
    except (NotFoundError, ServiceError) as exc:
        raise UsageError(str(exc)) from exc
    finally:
        engine.dispose()
    _write_private(out, data)
    print(f"Wrote {out} ({len(data) // 1024 + 1} KB).")
    return 0


def _write_private(path: Path, data: bytes) -> None:
    """Write atomically with owner-only permissions: the handout carries the patient's name."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CommandError(f"cannot write {path}: {exc.strerror}") from exc
