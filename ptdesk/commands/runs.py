"""`ptdesk runs import MRN FILE_OR_FOLDER... [--json]`: add runs from watch files to a run log."""

from __future__ import annotations

import argparse
import json
import os

from ptdesk.commands import CommandError, UsageError
from ptdesk.commands.acting import add_actor_option, signed_in_actor
from ptdesk.commands.common import add_db_option, open_database
from ptdesk.services.errors import NotFoundError, PermissionDeniedError, ServiceError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "runs", help="import runs from watch files into a patient's run log",
        description="Work with a patient's run log from the command line.")
    actions = parser.add_subparsers(dest="runs_action", metavar="ACTION", required=True)
    imports = actions.add_parser(
        "import", help="import FIT, GPX or TCX files, folders or export zips",
        description="Add runs from watch files (FIT, GPX, TCX, also gzipped), folders of them, "
                    "or a zip such as a Strava or Garmin bulk export, to the patient's run log. "
                    "Walks and other sports are skipped; a run already in the log is not "
                    "added twice; damaged files are listed and the rest still imports. Pain "
                    "answers are entered per run afterwards.")
    imports.add_argument("mrn", metavar="MRN", help="the patient's medical record number")
    imports.add_argument("paths", metavar="FILE_OR_FOLDER", nargs="+",
                         help="run files, folders or zip files")
    imports.add_argument("--json", action="store_true", help="print one JSON object")
    add_db_option(imports)
    add_actor_option(imports)
    imports.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    missing = [p for p in args.paths if not os.path.exists(p)]
    if missing:
        raise UsageError(f"no such file or folder: {missing[0]}")
    engine, session_factory = open_database(args)
    from ptdesk.services.patients import find_by_mrn
    from ptdesk.services.run_import import MissingPathError, import_runs

    try:
        actor = signed_in_actor(args, session_factory)
        try:
            patient_id = find_by_mrn(session_factory, args.mrn, actor=actor).id
        except NotFoundError:
            raise UsageError("no patient with that MRN") from None
        result = import_runs(session_factory, actor=actor, patient_id=patient_id,
                             paths=args.paths)
    except PermissionDeniedError as exc:
        raise CommandError(str(exc)) from exc
    except MissingPathError as exc:  # removed between the check above and the import
        raise UsageError(str(exc)) from exc
    except ServiceError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(result.to_json()))
        return 0
    print(f"Added {result.added}, duplicates {result.duplicates}, skipped (not running) "
          f"{result.skipped}, rejected {len(result.rejected)}.")
    for rejected in result.rejected:
        print(f"  {rejected.file}: {rejected.reason}")
    if result.added:
        print("Enter the pain answers of the imported runs in the Run log.")
    return 0
