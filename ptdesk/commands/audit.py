"""`ptdesk audit verify|report|key|settings`: check the chain, list who did what, carry the key."""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

from ptdesk.commands import CommandError, UsageError
from ptdesk.commands.acting import (
    PASSWORD_ENV,
    actor_name,
    add_actor_option,
    read_secret,
    signed_in_actor,
)
from ptdesk.commands.common import (
    add_db_option,
    open_database,
    output_path,
    parse_date,
    write_user_file,
)
from ptdesk.db.engine import SessionFactory
from ptdesk.services.errors import NotFoundError, ServiceError

COLUMNS = ("id", "when_utc", "user", "workstation", "action", "patient_mrn", "record_type",
           "record_id", "summary")
CSV_HEADER = ",".join(COLUMNS).encode()  # how every audit export begins


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "audit", help="check the audit log or report from it",
        description="The audit log records who viewed or changed what, and when. `verify` "
        "detects edited, deleted, reordered or truncated entries; `report` lists entries "
        "(administrators).",
    )
    actions = parser.add_subparsers(dest="audit_action", metavar="ACTION", required=True)
    verify = actions.add_parser("verify", help="check that no entry was changed or removed")
    report = actions.add_parser("report", help="list audit entries (administrators)")
    report.add_argument("--patient", metavar="MRN", help="only entries about this patient")
    report.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="first day")
    report.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="last day")
    report.add_argument("--user", metavar="U", help="only entries by this user name")
    report.add_argument("--csv", metavar="FILE", help="write the entries to a CSV file")
    key = actions.add_parser(
        "key", help="where this workstation keeps the audit key; export or install it",
        description="Each workstation of a clinic on a PostgreSQL server needs the same "
        "audit key. `path` prints where this workstation keeps it, `export FILE` writes it "
        "to a file to carry to another workstation, `install FILE` puts it in place there "
        "after checking it against the audit log, `rotate` replaces it with a new key and "
        "re-seals the whole log with it (administrators; audited). PT Desk never makes a "
        "new key by itself once the log has entries.")
    key.add_argument("key_action", choices=("path", "export", "install", "rotate"),
                     metavar="KEY_ACTION", help="path, export, install or rotate")
    key.add_argument("file", nargs="?", metavar="FILE", help="the key file (export, install)")
    settings = actions.add_parser(
        "settings", help="show or change the syslog witness and restore copies kept",
        description="Without options, print the settings. --syslog HOST[:PORT] sends the hash "
        "of every audit entry to that syslog server (UDP, port 514 by default) as a witness "
        "kept outside this database; --syslog off stops it. --restore-copies N keeps the "
        "newest N databases set aside by restores (default 3). Changes: administrators.")
    settings.add_argument("--syslog", metavar="HOST[:PORT]|off",
                          help="syslog destination for audit entry hashes, or off")
    settings.add_argument("--restore-copies", type=int, metavar="N",
                          help="databases kept aside by restores to keep (1-100)")
    for sub in (verify, report, key, settings):
        add_db_option(sub)
        add_actor_option(sub)
        sub.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.audit_action == "key" and args.key_action == "install" and args.file:
        done = _install_before_restore(args)
        if done is not None:
            return done
    engine, session_factory = open_database(args)
    try:
        if args.audit_action == "verify":
            return _verify(session_factory)
        if args.audit_action == "key":
            return _key(args, session_factory)
        if args.audit_action == "settings":
            return _settings(args, session_factory)
        return _report(args, session_factory)
    finally:
        engine.dispose()


def _verify(session_factory: SessionFactory) -> int:
    from ptdesk.services.audit.log import head_text, verify_chain

    result = verify_chain(session_factory)
    if result.ok:
        state = "" if result.sealed else " (no sealed entries yet)"
        print(f"Audit log OK: {result.entries} entries, chain unbroken{state}.")
        print(head_text(result.head).capitalize() + ".")
        return 0
    print("Audit log check FAILED:")
    for problem in result.problems:
        print(f"  - {problem}")
    raise CommandError(f"the audit log failed its check ({len(result.problems)} problem(s))")


def _key(args: argparse.Namespace, session_factory: SessionFactory) -> int:
    from ptdesk.services.accounts import needs_setup
    from ptdesk.services.audit import key_admin as keys

    if args.key_action == "path":
        print(keys.workstation_key_path(session_factory) or "(in memory)")
        return 0
    if args.key_action == "rotate":
        return _rotate(args, session_factory)
    if not args.file:
        raise UsageError(f"audit key {args.key_action} needs a FILE")
    file = Path(args.file).expanduser()
    try:
        if args.key_action == "export":
            keys.export_key(session_factory, actor=signed_in_actor(args, session_factory),
                            dest=file)
            print(f"Wrote the audit key to {file} (owner-only). Install it on the other "
                  "workstation with `ptdesk audit key install FILE`, then delete this copy.")
            return 0
        # Signing in writes to the audit log, which needs the key: the service signs in
        # only once the key is in place.
        name = actor_name(args)
        password = "" if needs_setup(session_factory) else read_secret(
            f"PT Desk password for {name}: ", PASSWORD_ENV, f"the password of {name}")
        target = keys.install_key(session_factory, source=file, username=name,
                                  password=password)
    except ServiceError as exc:
        raise CommandError(str(exc)) from exc
    print(f"Installed the audit key at {target}; it matches the clinic's audit log.")
    return 0


def _install_before_restore(args: argparse.Namespace) -> int | None:
    """`audit key install FILE` where no database exists yet (before a restore onto a new
    computer); None when there is a database, which the normal install checks against."""
    from ptdesk.db.engine import resolve_url
    from ptdesk.services.audit import key_admin as keys
    from ptdesk.services.backup.restore_auth import current_accounts

    url = resolve_url(getattr(args, "db", None))
    try:
        if current_accounts(url) is not None:
            return None
    except Exception:  # an unreadable database: the normal path reports it
        return None
    try:
        target = keys.install_key_before_restore(url, Path(args.file).expanduser())
    except ServiceError as exc:
        raise CommandError(str(exc)) from exc
    print(f"Installed the audit key at {target}. There is no database here yet: restore a "
          "backup sealed with this key (`ptdesk restore FILE`), which checks it.")
    return 0


def _settings(args: argparse.Namespace, session_factory: SessionFactory) -> int:
    from ptdesk.services.audit.settings import get_guard_settings, set_guard_settings

    try:
        if args.syslog is None and args.restore_copies is None:
            current = get_guard_settings(session_factory)
        else:
            syslog = None if args.syslog is None else (
                "" if args.syslog.strip().lower() == "off" else args.syslog)
            current = set_guard_settings(session_factory,
                                         actor=signed_in_actor(args, session_factory),
                                         syslog_address=syslog,
                                         restore_copies_kept=args.restore_copies)
    except ServiceError as exc:
        raise CommandError(str(exc)) from exc
    print(f"syslog: {current.syslog_address or 'off'}")
    print(f"restore copies kept: {current.restore_copies_kept}")
    return 0


def _rotate(args: argparse.Namespace, session_factory: SessionFactory) -> int:
    from ptdesk.services.audit import key_admin as keys

    if args.file:
        raise UsageError("audit key rotate takes no FILE")
    name = actor_name(args)
    password = read_secret(f"PT Desk password for {name}: ", PASSWORD_ENV,
                           f"the password of {name}")
    try:
        target = keys.rotate_key(session_factory, username=name, password=password)
    except ServiceError as exc:
        raise CommandError(str(exc)) from exc
    print(f"The audit log was re-sealed with a new key, now at {target}. On a clinic server, "
          "export it (`ptdesk audit key export FILE`) and install it on every other "
          "workstation; backups made before today were sealed with the old key.")
    return 0


def _report(args: argparse.Namespace, session_factory: SessionFactory) -> int:
    from ptdesk.services.audit.log import report

    start = parse_date("--from", args.start) if args.start else None
    end = parse_date("--to", args.end) if args.end else None
    if start and end and end < start:
        raise UsageError("--to must be on or after --from")
    # An existing file is replaced only if it is an earlier audit export (its header row);
    # a device or pipe (/dev/null, /dev/full, a FIFO) is written to, never replaced.
    out = output_path("--csv", args.csv, replaces=CSV_HEADER) if args.csv else None
    actor = signed_in_actor(args, session_factory)
    try:
        rows = report(session_factory, patient_mrn=args.patient, start=start,
                      end=end, user=args.user, actor=actor,
                      action="export" if out else "view")
    except NotFoundError as exc:
        raise UsageError(str(exc)) from exc
    except ServiceError as exc:
        raise CommandError(str(exc)) from exc
    table = [(r.id, r.at.strftime("%Y-%m-%d %H:%M:%S"), r.actor, r.workstation, r.action,
              r.patient_mrn, r.record_type, "" if r.record_id is None else r.record_id,
              r.summary) for r in rows]
    if out is not None:
        _write_csv(out, table)
        print(f"Wrote {len(table)} entries to {out}.")
        return 0
    print("  ".join(COLUMNS))
    for row in table:
        print("  ".join(str(value) for value in row))
    print(f"{len(table)} entries.")
    return 0


def _write_csv(path: Path, table: list[tuple[object, ...]]) -> None:
    """Owner-only and atomic (ptdesk.services.output_files): the report names patients (by
    MRN) and staff."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(table)
    write_user_file("--csv", path, buffer.getvalue().encode("utf-8"), replaces=CSV_HEADER)
