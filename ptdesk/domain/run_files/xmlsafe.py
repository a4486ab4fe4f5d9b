"""Refuse XML that declares a DTD: run files never need one, and entities are the XML attacks."""

from __future__ import annotations

from ptdesk.domain.run_files.model import RunFileError

# GPX and TCX are written by watches and apps without a DOCTYPE. Refusing any DTD closes
# entity expansion ("billion laughs") and external entities for both the standard
# library's parser (TCX) and gpxpy's (which uses lxml when installed), with no extra
# dependency: defusedxml would only cover the parser we call ourselves.
_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")


def xml_text(data: bytes, what: str) -> bytes:
    """The document with leading blanks removed (Strava's TCX start with spaces)."""
    body = data.lstrip(b" \t\r\n\xef\xbb\xbf")
    if not body.startswith(b"<"):
        raise RunFileError(f"This is not a {what} file (it is not XML).")
    # XML keywords are case-sensitive, so a plain search finds every declaration.
    if any(marker in body for marker in _DTD_MARKERS):
        raise RunFileError(f"The {what} file declares XML entities, which run files never "
                           "do, so it was not read.")
    return body
