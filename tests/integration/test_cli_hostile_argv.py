"""Hostile argument lists through `ptdesk.cli.main` (issue 16, proof).

Hypothesis mixes commands with dates, numbers, URLs, paths (devices, FIFOs, symbolic
links, folders, foreign files), nested JSON and patient names. Whatever comes in: the exit
status is 0, 1 or 2; stderr has no traceback and no name or MRN of the test clinic beyond
what the argument list itself said; nothing outside the sandbox folder changes (mode or
content), and the sandbox's devices and FIFO stay what they are.

Device nodes are private copies made with mknod (as root), never the machine's own
/dev/null or /dev/full: a regression must not be able to replace a real device.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ptdesk import cli
from ptdesk.commands import acting

pytestmark = pytest.mark.sqlite_only

# The test clinic: nothing of this may reach stderr unless the argument list said it.
PATIENTS = (("HX-7731", "Nell", "Whitaker"), ("HX-7732", "Orla", "Quennell"),
            ("HX-7733", "Idris", "Fairbanks"))


@dataclass(frozen=True)
class Sandbox:
    root: Path
    outside: Path
    db: Path
    paths: tuple[str, ...]


def _snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Mode and content of everything under `folder` (links and devices by their own mode)."""
    seen: dict[str, tuple[int, bytes]] = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        data = path.read_bytes() if stat.S_ISREG(info.st_mode) else b""
        seen[str(path)] = (info.st_mode, data)
    return seen


def _device(folder: Path, name: str, numbers: tuple[int, int]) -> str | None:
    try:
        os.mknod(folder / name, stat.S_IFCHR | 0o666, os.makedev(*numbers))
    except OSError:
        return None  # not root here: the FIFO and the folders still stand in for devices
    (folder / name).chmod(0o666)
    return str(folder / name)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    from ptdesk.db.engine import make_engine, make_session_factory
    from ptdesk.db.migrate import upgrade
    from tests.factories import make_patient

    top = tmp_path_factory.mktemp("hostile")
    root, outside = top / "sandbox", top / "outside"
    root.mkdir()
    outside.mkdir()
    # Files that belong to someone else: PT Desk must leave them exactly as they are.
    (outside / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n")
    (outside / "passwd").chmod(0o644)
    (outside / "notes.txt").write_text("not a database\n")
    (outside / "notes.txt").chmod(0o640)
    db = root / "clinic.db"
    engine = make_engine(db)
    upgrade(engine)
    sf = make_session_factory(engine)
    for mrn, first, last in PATIENTS:
        make_patient(sf, mrn=mrn, first=first, last=last)
    engine.dispose()
    (root / "folder").mkdir()
    os.mkfifo(root / "pipe")
    os.symlink(outside / "passwd", root / "link-out")
    os.symlink(outside / "gone.pdf", root / "link-dangling")
    depth = 50_000
    (root / "nested.json").write_text("[" * depth + "]" * depth)
    (root / "history.json").write_text('[{"week": 1, "runs": [[[[[[]]]]]]}]')
    devices = [d for d in (_device(root, "null", (1, 3)), _device(root, "full", (1, 7))) if d]
    paths = (str(db), str(root / "folder"), str(root / "pipe"), str(root / "link-out"),
             str(root / "link-dangling"), str(root / "nested.json"), str(root / "new.db"),
             str(root / "out.pdf"), str(root / "missing" / "x.pdf"), str(outside / "passwd"),
             str(outside / "notes.txt"), *devices)
    yield Sandbox(root, outside, db, paths)


def _argv(sandbox: Sandbox) -> st.SearchStrategy[list[str]]:
    """Mostly well-formed commands with hostile values, so the values reach PT Desk's code."""
    names = [w for p in PATIENTS for w in p]
    path = st.sampled_from(sandbox.paths)
    url = st.sampled_from([
        f"sqlite:///{sandbox.db}", f"sqlite:///{sandbox.outside / 'passwd'}", "://",
        "mysql://clinic:s3cret@db.example/ptdesk", "postgresql+psycopg://u:s3cret@127.0.0.1:1/x",
        "sqlite+nosuch:///x.db", "sqlite://", "sqlite:///:memory:", "x" * 300 + "://"])
    date = st.sampled_from(["9999-12-31", "0001-01-01", "2026-02-30", "2026-13-01", "today",
                            "", "2026-11-21", "+002026-01-01", "1e9", "٢٠٢٦-٠١-٠١"])
    number = st.sampled_from(["-1", "0", "3", "NaN", "inf", "1e400", "0x10", "٣", " 7 ",
                              "99999999999999999999", "2147483648", "", "-0", "1_000", "2.5"])
    text = st.one_of(st.sampled_from(names + ["", "%", "_", "' OR 1=1 --", "\x00", "é" * 500,
                                              "HX-7731 Whitaker", "whit"]),
                     st.text(max_size=20))
    # Every file PT Desk writes for the user goes through one safe writer (--out, --csv,
    # --pdf, the exported key); `--to DIR` and `restore` have their own attack tests.
    history = st.sampled_from([str(sandbox.root / n) for n in
                               ("nested.json", "history.json", "folder", "nope", "pipe")])

    def pair(option: str, values: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
        return values.map(lambda v: [option, v])

    def flag(option: str) -> st.SearchStrategy[list[str]]:
        return st.just([option])

    sign_in = st.one_of(pair("--as", text), pair("--password-file", path),
                        flag("--password-stdin"))
    per_command: dict[tuple[str, ...], tuple[list[st.SearchStrategy[list[str]]],
                                             list[st.SearchStrategy[list[str]]]]] = {
        # command: (always given, sometimes given)
        ("init",): ([], []),
        ("demo",): ([], [pair("--patients", number), pair("--seed", number),
                         pair("--today", date), sign_in]),
        ("patients",): ([], [pair("--search", text), flag("--json"), sign_in]),
        ("runplan",): ([pair("--measure", st.sampled_from(["km", "mi", "minutes", "x"])),
                        pair("--runs-per-week", number), pair("--current-run", number),
                        pair("--goal-weekly", number), pair("--start", date),
                        pair("--current-weekly", number)],
                       [pair("--goal-long-run", number), pair("--race-date", date),
                        pair("--cap", number), pair("--lighter-every", number),
                        pair("--lighter-pct", number), pair("--history", history),
                        pair("--restart-weekly", number), pair("--taper-weeks", number),
                        pair("--long-run-max-pct", number), pair("--pdf", path),
                        flag("--json")]),
        ("handout", "exercises", "HX-7731"): ([pair("--out", path)], [sign_in]),
        ("handout", "runplan", "HX-7732"): ([pair("--out", path)], [sign_in]),
        ("handout", "exercises"): ([text.map(lambda t: [t]), pair("--out", path)], []),
        ("report", "progress", "HX-7733"): ([pair("--out", path)], [sign_in]),
        ("report", "evaluation", "HX-7733"): ([pair("--out", path)],
                                               [pair("--visit", date), sign_in]),
        ("setup",): ([pair("--clinic", text), pair("--admin", text)],
                     [pair("--name", text), pair("--password-file", path),
                      flag("--password-stdin")]),
        ("users", "list"): ([], [sign_in]),
        ("users", "add", "kim"): ([pair("--role", st.sampled_from(
            ["clinician", "administrator", "assistant", "x"]))],
            [pair("--name", text), pair("--new-password-file", path), sign_in]),
        ("users", "password", "kim"): ([], [pair("--new-password-file", path), sign_in]),
        ("audit", "verify"): ([], [sign_in]),
        ("audit", "report"): ([], [pair("--patient", text), pair("--from", date),
                                   pair("--to", date), pair("--user", text),
                                   pair("--csv", path), sign_in]),
        ("audit", "key", "export"): ([path.map(lambda p: [p])], [sign_in]),
        ("verify",): ([], [sign_in]),
        ("--version",): ([], []),
        ("install-desktop",): ([], []),  # writes under $XDG_DATA_HOME, here in the sandbox
        ("bogus",): ([], []),
        (): ([], []),  # the GUI (replaced by a stub here)
    }

    @st.composite
    def build(draw: st.DrawFn) -> list[str]:
        command = draw(st.sampled_from(sorted(per_command)))
        always, sometimes = per_command[command]
        db = draw(st.one_of(st.just(["--db", str(sandbox.db)]),
                            pair("--db", st.one_of(path, url)), st.just([])))
        words = [*command, *db]
        for part in always:
            words += draw(part)
        if sometimes:
            for part in draw(st.lists(st.sampled_from(sometimes), max_size=3)):
                words += draw(part)
        if draw(st.integers(0, 9)) == 0:  # now and then, a stray word anywhere
            words.insert(draw(st.integers(0, len(words))), draw(text))
        return words

    return build()


def _run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = cli.main(argv)
        except SystemExit as exc:  # argparse: --help (0) and usage errors (2)
            status = 0 if exc.code is None else exc.code if isinstance(exc.code, int) else 2
    return int(status), err.getvalue()


@pytest.fixture
def calm(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No terminal, no GUI, no password in the environment; homes inside the sandbox."""
    from ptdesk.services.audit.key import KEY_ENV

    home = sandbox.root / "home"
    home.mkdir(exist_ok=True)
    for name in ("PTDESK_PASSWORD", "PTDESK_NEW_PASSWORD", "PTDESK_DB", "PTDESK_PG_BIN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv(KEY_ENV, str(sandbox.root / "audit.key"))
    monkeypatch.setattr(acting, "stdin_is_terminal", lambda: False)
    monkeypatch.setattr("getpass.getpass", lambda *_a, **_k: pytest.fail("prompted"))
    monkeypatch.setattr(cli, "_open_gui", lambda _args: 0)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"")))
    yield


def test_hostile_argument_lists(sandbox: Sandbox, calm: None) -> None:
    outside_before = _snapshot(sandbox.outside)
    kinds = {p: p and os.lstat(p).st_mode for p in sandbox.paths if os.path.lexists(p)}
    specials = {p: m for p, m in kinds.items()
                if stat.S_ISCHR(m) or stat.S_ISFIFO(m) or stat.S_ISLNK(m)}

    @settings(max_examples=100, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(argv=_argv(sandbox))
    def one(argv: list[str]) -> None:
        status, err = _run(argv)
        assert status in (0, 1, 2), (argv, status, err)
        assert "Traceback" not in err, (argv, err)
        said = err
        for word in argv:  # an echo of the user's own words is not a leak
            if word:
                said = said.replace(word, "")
        for mrn, first, last in PATIENTS:
            for secret in (mrn, first, last):
                assert secret not in said, (argv, err)
        assert _snapshot(sandbox.outside) == outside_before, argv
        for path, mode in specials.items():
            assert os.lstat(path).st_mode == mode, (argv, path)

    one()
