"""CLI subcommands: each module has `register(subparsers)` and a `run(args) -> int`."""

from __future__ import annotations


class UsageError(Exception):
    """Bad usage or bad input: printed as one line, exit status 2."""


class CommandError(Exception):
    """Any other failure the user should read about: one line, exit status 1."""
