"""Every example in README.md runs as written (issue 16, item 7).

Examples are the ```sh blocks and the inline `ptdesk ...` (and other command) spans.
Each runs in bash inside a pseudo-terminal, so password prompts appear as they would
for a person; the test types the password the prompt asks for. Each gets a fresh HOME
and working folder, after an explicit prelude when it needs a database in some state
(PRELUDES). `/tmp/` in an example is moved into the test's own folder. Spans with
placeholders (FILE, [--db DB], list|add) are reference, not examples; the ```text
synopsis is checked against each command's --help instead.

Skipped, and only these (SKIPPED): the GUI launch, commands that need a network or a
PostgreSQL server, and dev.py (it installs packages).
"""

from __future__ import annotations

import getpass
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ptdesk.cli import main

README = Path(__file__).resolve().parents[2] / "README.md"
VENV_BIN = Path(sys.executable).parent

# Example (its start) -> why it is not run. Keep this tiny.
SKIPPED = {
    "python3 dev.py": "dev.py installs packages (and `run` opens the GUI)",
    ".ci/run": "is `python3 dev.py test -q`",
    "pip install": "needs the network",
    "pip wheel": "needs the network (build isolation)",
    "sudo apt-get install": "installs system packages over the network",
    "sudo -u postgres": "needs a PostgreSQL server",
    "export PTDESK_DB=postgresql": "needs a PostgreSQL server on the network",
    "openssl req": "makes the PostgreSQL server's certificate (done on the server)",
}
GUI_LAUNCH = "ptdesk"  # `ptdesk` alone opens the window

LOGIN = getpass.getuser()
PASSWORDS = {"alex": "tempo runs uphill at dawn", "pat.morgan": "a long run on sunday morning",
             LOGIN: "easy friday recovery jog", "sam.lee": "hill repeats on tuesday",
             "demo.admin": "runner-demo", "demo.alvarez": "runner-demo",
             "demo.front": "runner-demo"}

# What state an example needs first (first match wins; the rest start from nothing).
PRELUDES = (
    (re.compile(r"^ptdesk setup "), "initialised"),
    (re.compile(r"users add|audit key export|^ptdesk backup$"), "clinic"),
    (re.compile(r"demo\.pw|^ptdesk patients|^ptdesk audit (verify|key path)$|^ptdesk verify$"),
     "demo"),
    (re.compile(r"alembic revision --autogenerate"), "dev database"),
)
REPO = README.parent

_FENCE = re.compile(r"^( *)```(\w*)\n(.*?)^\1```", re.M | re.S)
_SPAN = re.compile(r"`([^`\n]+)`")
_COMMAND = re.compile(r"^(?:[A-Z_]+=\S+ )*(?:ptdesk|python3?|pip|\.venv/bin/\S+|\.ci/run)"
                      r"(?: |$)")
_PLACEHOLDER = re.compile(r"\[|\S\|\S|\b[A-Z][A-Z_]*\b")


def _readme_parts() -> tuple[list[tuple[str, str]], list[str]]:
    """([(tag, body)] of fenced blocks, [inline command spans])."""
    text = README.read_text(encoding="utf-8")
    blocks = [(m.group(2), _dedent(m.group(3), len(m.group(1)))) for m in _FENCE.finditer(text)]
    prose = _FENCE.sub("", text)
    spans = [s.strip() for s in _SPAN.findall(prose) if _COMMAND.match(s.strip())]
    return blocks, list(dict.fromkeys(spans))


def _dedent(body: str, indent: int) -> str:
    return "\n".join(line[indent:] for line in body.splitlines())


def _is_reference(span: str) -> bool:
    """A span with placeholders (FILE, [--db DB], list|add) describes usage; it is no example."""
    bare = re.sub(r"'[^']*'|\"[^\"]*\"", "", span)
    bare = re.sub(r"^(?:[A-Z_]+=\S+ )+", "", bare)
    return bool(_PLACEHOLDER.search(bare))


def _examples() -> list[str]:
    blocks, spans = _readme_parts()
    untagged = [body for tag, body in blocks if tag not in ("sh", "text")]
    assert not untagged, f"tag every README code block sh (example) or text: {untagged}"
    found = [body for tag, body in blocks if tag == "sh"]
    found += [span for span in spans if not _is_reference(span)]
    return found


def _skip_reason(example: str) -> str | None:
    if example.strip() == GUI_LAUNCH:
        return "opens the GUI"
    for start, reason in SKIPPED.items():
        if example.lstrip().startswith(start):
            return reason
    return None


EXAMPLES = _examples()


def test_the_readme_has_examples_and_the_skip_list_stays_tiny() -> None:
    runnable = [e for e in EXAMPLES if _skip_reason(e) is None]
    reasons = {_skip_reason(e) for e in EXAMPLES} - {None}
    assert len(runnable) >= 10 and len(reasons) <= len(SKIPPED) + 1
    assert any("ptdesk init --db /tmp/x.db && ptdesk demo" in e for e in runnable)


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PTDESK_", "XDG_")) and k not in ("HOME", "PYTHONPATH")}
    env.update(HOME=str(home), PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}",
               LANG="C.UTF-8", LC_ALL="C.UTF-8", QT_QPA_PLATFORM="offscreen")
    return env


def _prelude(kind: str, env: dict[str, str], cwd: Path) -> None:
    """Bring the default database into the state `kind` (non-interactive, like a script)."""
    def sh(command: str) -> None:
        done = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True,
                              text=True, timeout=300, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, (command, done.stdout, done.stderr)

    if kind == "dev database":
        # A checkout to work in (a copy: the new revision must not land in the real one)
        # and the developer's database at the newest schema, as the README assumes.
        shutil.copy(REPO / "alembic.ini", cwd)
        shutil.copytree(REPO / "migrations", cwd / "migrations",
                        ignore=shutil.ignore_patterns("__pycache__"))
        (cwd / ".venv").symlink_to(VENV_BIN.parent)
        sh(f"ptdesk init --db {cwd.parent / 'tmp' / 'dev.db'}")
        return
    sh("ptdesk init")
    if kind == "demo":
        sh("ptdesk demo --patients 0")
    elif kind == "clinic":
        secrets = cwd.parent / "secrets"
        secrets.mkdir(mode=0o700)
        for name in ("alex", "pat.morgan", LOGIN):
            (secrets / name).write_text(PASSWORDS[name] + "\n")
        sh(f"ptdesk setup --clinic 'Riverside Running PT' --admin alex "
           f"--password-file {secrets / 'alex'}")
        for name in ("pat.morgan", LOGIN):
            sh(f"ptdesk --as alex --password-file {secrets / 'alex'} users add {name} "
               f"--role administrator --new-password-file {secrets / name}")


_PROMPT = re.compile(rb"(?:(?:PT Desk password|New password) for (\S+)|(Type it again)): $")


def run_in_terminal(command: str, env: dict[str, str], cwd: Path,
                    timeout: float = 600) -> tuple[int, str]:
    """`bash -c command` on a pseudo-terminal; typed answers to password prompts."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the pty is its controlling terminal, as in a real shell
        try:
            os.chdir(cwd)
            os.execvpe("bash", ["bash", "-c", command], env)
        finally:
            os._exit(127)
    output = b""
    answered = 0
    last_new = ""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _w, _x = select.select([fd], [], [], 1.0)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
            prompt = _PROMPT.search(output, answered)
            if prompt:
                answered = prompt.end()
                if prompt.group(2):
                    answer = last_new
                else:
                    name = prompt.group(1).decode()
                    answer = PASSWORDS[name]
                    if prompt.group(0).startswith(b"New"):
                        last_new = answer
                os.write(fd, answer.encode() + b"\n")
        else:
            os.kill(pid, 9)
            pytest.fail(f"{command!r} did not finish: {output.decode(errors='replace')}")
    finally:
        os.close(fd)
    _pid, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), output.decode("utf-8", "replace")


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.splitlines()[0][:50] for e in EXAMPLES])
def test_readme_example_runs_as_written(example: str, tmp_path: Path) -> None:
    reason = _skip_reason(example)
    if reason:
        pytest.skip(reason)
    home, cwd, scratch = tmp_path / "home", tmp_path / "work", tmp_path / "tmp"
    for folder in (home, cwd, scratch):
        folder.mkdir()
    env = _env(home)
    for pattern, kind in PRELUDES:
        if pattern.search(example):
            _prelude(kind, env, cwd)
            break
    command = example.replace("/tmp/", f"{scratch}/")
    status, output = run_in_terminal(command, env, cwd)
    assert status == 0, output
    assert "Traceback" not in output


def test_the_synopsis_matches_each_commands_help(capsys) -> None:
    blocks, _spans = _readme_parts()
    [synopsis] = [body for tag, body in blocks if tag == "text"]
    checked = 0
    for line in synopsis.splitlines():
        line = re.split(r"\s{2,}", line.strip())[0]  # the usage, not its description
        words = line.split()
        if not words or words[0] != "ptdesk" or len(words) == 1:
            continue
        path: list[str] = []
        for word in words[1:]:
            if not re.fullmatch(r"[a-z][a-z|-]*", word):
                break
            path.append(word)
        alternatives = path[-1].split("|") if path else [""]
        options = set(re.findall(r"--[a-z][a-z-]*", line))
        for alternative in alternatives:
            argv = [*path[:-1], alternative] if path else []
            with pytest.raises(SystemExit) as info:
                main([*filter(None, argv), "--help"])
            assert info.value.code == 0
            text = capsys.readouterr().out
            missing = [o for o in options if o not in text]
            assert not missing, (line, alternative, missing)
            checked += 1
    assert checked >= 15


def test_the_example_database_paths_stay_in_the_test_folder() -> None:
    """The substitution above: every absolute path an example writes is under /tmp/."""
    for example in EXAMPLES:
        if _skip_reason(example):
            continue
        for path in re.findall(r"(?<![\w.])/[\w./-]+", example):
            assert path.startswith("/tmp/") or shutil.which(path), (example, path)
