"""Gzip and zip handling in memory, with size limits: nothing is ever extracted to disk.

Zip member names are only labels here (a name such as ../../x.fit is never a path we
write to), so path traversal cannot happen; a member that unpacks past the limit (a
zip bomb) is rejected by name after reading at most the limit plus one byte.
"""

from __future__ import annotations

import gc
import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

from ptdesk.domain.run_files.fit import parse_fit
from ptdesk.domain.run_files.gpx import parse_gpx
from ptdesk.domain.run_files.model import Activity, FileOutcome, RunFileError
from ptdesk.domain.run_files.tcx import parse_tcx

# The longest watch files (a 24-hour ultra at 1 s) are ~20 MB of FIT or ~60 MB of GPX
# with sensor extensions; anything larger unpacked is not a run file.
MAX_FILE_BYTES = 64 * 1024 * 1024
# A zip inside the export (Garmin's UploadedFiles parts) is read into memory up to this.
MAX_INNER_ZIP_BYTES = 1024 * 1024 * 1024
# The most one archive may unpack in total, and the most members looked at.
MAX_ARCHIVE_BYTES = 8 * 1024 * 1024 * 1024
MAX_MEMBERS = 100_000

_PARSERS: dict[str, Callable[[bytes], list[Activity]]] = {
    "fit": parse_fit, "gpx": parse_gpx, "tcx": parse_tcx}
_MB = 1024 * 1024


def run_format(name: str) -> tuple[str, bool] | None:
    """('fit'|'gpx'|'tcx', gzipped) from a file name, or None for any other file."""
    lower = name.lower()
    gzipped = lower.endswith(".gz")
    if gzipped:
        lower = lower[:-3]
    for fmt in _PARSERS:
        if lower.endswith("." + fmt):
            return fmt, gzipped
    return None


def is_zip_name(name: str) -> bool:
    return name.lower().endswith(".zip")


def gunzip(data: bytes, limit: int | None = None) -> bytes:
    """The unpacked bytes of a gzip file, never more than `limit` (default MAX_FILE_BYTES)."""
    limit = MAX_FILE_BYTES if limit is None else limit
    if not data.startswith(b"\x1f\x8b"):
        raise RunFileError("The file is named .gz but is not gzip-compressed.")
    unpacker = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = unpacker.decompress(data, limit + 1)
    except zlib.error:
        raise RunFileError("The gzip file is damaged and could not be unpacked.") from None
    if len(out) > limit:
        raise RunFileError(f"The file unpacks to more than {limit // _MB} MB, far more than "
                           "any run file, so it was not read.")
    if not unpacker.eof:
        raise RunFileError("The gzip file is cut short (it ends before its data does).")
    return out


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while one file is parsed.

    A 1 Hz track makes tens of thousands of short-lived objects (XML elements, track
    points) and no reference cycles; the collector ran over them again and again, a third
    of a bulk import's CPU time. Whoever paused it turns it back on (another thread that
    found it off leaves it alone), so it is never left off.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def read_run_bytes(label: str, name: str, data: bytes) -> FileOutcome:
    """Parse one run file's bytes; every failure becomes a rejected outcome with a reason."""
    found = run_format(name)
    if found is None:
        return FileOutcome(label, rejected="This is not a FIT, GPX or TCX file (judging by "
                                           "its name).")
    fmt, gzipped = found
    try:
        if not data:
            raise RunFileError("The file is empty.")
        if gzipped:
            data = gunzip(data)
            if not data:
                raise RunFileError("The file is empty once unpacked.")
        with _collector_paused():
            activities = _PARSERS[fmt](data)
    except RunFileError as error:
        return FileOutcome(label, rejected=error.reason)
    except RecursionError:  # deeply nested XML
        return FileOutcome(label, rejected="The file is damaged and could not be read.")
    return FileOutcome(label, runs=tuple(a.run for a in activities if a.run is not None),
                       skipped=tuple(a.sport for a in activities if a.run is None))


def printable(name: str) -> str:
    """A member name safe to show on one line (control characters replaced)."""
    return "".join(c if c.isprintable() else "?" for c in name)


def read_limited(stream: IO[bytes], limit: int) -> bytes:
    """At most `limit` bytes; RunFileError when there are more."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise RunFileError(f"The file unpacks to more than {limit // _MB} MB, far more than "
                           "any run file, so it was not read.")
    return data


def listed_members(stream: IO[bytes]) -> int | None:
    """How many entries the zip's end record declares, read before zipfile lists them all
    (a central directory of millions of tiny entries is a zip bomb of its own); None when
    no end record is found (zipfile then reports the damage)."""
    try:
        size = stream.seek(0, io.SEEK_END)
        tail_at = max(0, size - 22 - 65535)
        stream.seek(tail_at)
        tail = stream.read()
        stream.seek(0)
    except (OSError, ValueError):
        return None
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    entries = struct.unpack_from("<H", tail, at + 10)[0]
    locator = at - 20
    if entries == 0xFFFF and locator >= 0 and tail[locator:locator + 4] == b"PK\x06\x07":
        record = struct.unpack_from("<Q", tail, locator + 8)[0]  # the zip64 end record
        try:
            stream.seek(record)
            head = stream.read(56)
            stream.seek(0)
        except (OSError, ValueError):
            return None
        if len(head) == 56 and head[:4] == b"PK\x06\x06":
            return int(struct.unpack_from("<Q", head, 32)[0])
    return int(entries)


def _members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    return [i for i in archive.infolist() if not i.is_dir()
            and (run_format(i.filename) is not None or is_zip_name(i.filename))]


def count_zip_files(stream: IO[bytes]) -> int:
    """How many run files (and inner zips) a zip lists, for a progress bar; 1 if unreadable."""
    try:
        with zipfile.ZipFile(stream) as archive:
            return max(1, min(len(_members(archive)), MAX_MEMBERS))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return 1


def iter_zip(label: str, stream: IO[bytes], *, nested: bool = False) -> Iterator[FileOutcome]:
    """Outcomes for each run file in a zip (and in zips inside it, one level deep).

    Files that are not run files (the export's CSV, photos, JSON) are passed over.
    """
    declared = listed_members(stream)
    if declared is not None and declared > MAX_MEMBERS:
        yield FileOutcome(label, rejected=f"The zip lists more than {MAX_MEMBERS} files, "
                                          "more than any export holds, so it was not read.")
        return
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        yield FileOutcome(label, rejected="The zip file is damaged or is not a zip file.")
        return
    budget = MAX_ARCHIVE_BYTES
    with archive:
        members = _members(archive)
        for info in members[:MAX_MEMBERS]:
            member_label = f"{label}!{printable(info.filename)}"
            if budget <= 0:
                yield FileOutcome(member_label, rejected="The zip unpacks to more than "
                                  f"{MAX_ARCHIVE_BYTES // _MB} MB in all; the rest of it was "
                                  "not read.")
                return
            if is_zip_name(info.filename) and nested:
                yield FileOutcome(member_label, rejected="A zip inside a zip inside a zip is "
                                                         "not opened.")
                continue
            limit = MAX_INNER_ZIP_BYTES if is_zip_name(info.filename) else MAX_FILE_BYTES
            try:
                with archive.open(info) as member:
                    data = read_limited(member, limit)
            except RunFileError as error:
                yield FileOutcome(member_label, rejected=error.reason)
                continue
            except RuntimeError:  # zipfile's error for an encrypted member
                yield FileOutcome(member_label, rejected="The file is password-protected in "
                                                         "the zip.")
                continue
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
                    ValueError):
                yield FileOutcome(member_label, rejected="The file is damaged inside the zip "
                                                         "and could not be unpacked.")
                continue
            budget -= len(data)
            if is_zip_name(info.filename):
                yield from iter_zip(member_label, io.BytesIO(data), nested=True)
            else:
                yield read_run_bytes(member_label, info.filename, data)
        if len(members) > MAX_MEMBERS:
            yield FileOutcome(f"{label}!…", rejected=f"The zip lists more than {MAX_MEMBERS} "
                                                     "files; the rest of it was not read.")
