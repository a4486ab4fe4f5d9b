"""TLS for clinic mode: PostgreSQL connections that leave this computer verify the server.

libpq's own default (`prefer`) silently falls back to plaintext, so a URL naming any
host other than a local socket or a loopback address gets `sslmode=verify-full`: the
connection is encrypted and the server's certificate must be signed by the clinic's CA
and name the host. The CA file is the URL's `sslrootcert`, else $PTDESK_PG_CA_FILE, else
libpq's default (~/.postgresql/root.crt). An sslmode written in the URL is honoured, and
`ptdesk verify` and the status bar say what it leaves open.
"""

from __future__ import annotations

import ipaddress
import os

from sqlalchemy.engine import URL

CA_ENV = "PTDESK_PG_CA_FILE"
DEFAULT_MODE = "verify-full"
# What a weaker mode leaves open, in the words `ptdesk verify` and the status bar use.
WEAK = {
    "require": "server identity not verified",
    "disable": "not encrypted",
    "allow": "not encrypted",
    "prefer": "not encrypted",
}
VERIFYING = frozenset({"verify-ca", "verify-full"})


def _query_value(url: URL, name: str) -> str | None:
    value = url.query.get(name)
    if isinstance(value, tuple):  # a repeated parameter: libpq takes the last
        value = value[-1] if value else None
    return value


def _hosts(url: URL) -> list[str]:
    hosts = []
    for value in (url.host, _query_value(url, "host"), _query_value(url, "hostaddr")):
        if value:
            hosts += [h.strip() for h in value.split(",")]
    return hosts


def _is_local_host(host: str) -> bool:
    if not host or host.startswith("/") or host.startswith("@") or host == "localhost":
        return True  # a Unix socket folder (or abstract socket), or the loopback name
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_local(url: URL) -> bool:
    """True for a local socket (no host: libpq's default) or a loopback host only."""
    return all(_is_local_host(host) for host in _hosts(url))


def sslmode(url: URL) -> str | None:
    """The sslmode the connection uses: the URL's, else ours for a remote host; None for a
    local connection left to libpq (it never crosses the network)."""
    explicit = _query_value(url, "sslmode")
    if explicit:
        return explicit
    return None if is_local(url) else DEFAULT_MODE


def tls_connect_args(url: URL) -> dict[str, str]:
    """Connection arguments to add (nothing the URL already says is overridden)."""
    args: dict[str, str] = {}
    mode = sslmode(url)
    if mode is None:
        return args
    if not _query_value(url, "sslmode"):
        args["sslmode"] = mode
    ca_file = os.environ.get(CA_ENV, "")
    if mode in VERIFYING and ca_file and not _query_value(url, "sslrootcert"):
        args["sslrootcert"] = os.path.expanduser(ca_file)
    return args


def transport_text(url: URL) -> str:
    """One line about the connection's protection, as `ptdesk verify` prints it."""
    mode = sslmode(url)
    if mode is None:
        return "a local connection (socket or loopback); it does not cross the network"
    if mode in WEAK:
        return f"{WEAK[mode]} (sslmode={mode})"
    if mode == "verify-ca":
        return ("encrypted; the server's certificate is signed by the clinic's CA, but its "
                "name is not checked (sslmode=verify-ca)")
    if mode == "verify-full":
        return "encrypted, server identity verified (sslmode=verify-full)"
    return f"sslmode={mode[:20]}"


def transport_warning(url: URL) -> str | None:
    """What the status bar says about a remote connection that is not fully protected."""
    mode = sslmode(url)
    return None if mode is None else WEAK.get(mode)
