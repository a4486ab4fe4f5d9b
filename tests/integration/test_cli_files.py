"""Files and paths the CLI is given (issue 16, item 1): nothing it did not create changes.

`--db` must be a regular file or a new path, and only a file PT Desk creates gets a mode;
output files go through an exclusive temporary file beside the target, a pre-planted link
cannot redirect them, and an existing device or FIFO is written to, never replaced.
"""

from __future__ import annotations

import os
import shutil
import stat
import threading
from pathlib import Path

import pytest

from ptdesk.cli import main
from ptdesk.services import output_files
from ptdesk.services.output_files import OutputFileError, write_output

pytestmark = pytest.mark.sqlite_only


def private_device(folder: Path, name: str) -> Path:
    """A character device node of our own (the kernel's null or full device) in `folder`.

    Never the machine's /dev/null or /dev/full: code that wrongly replaced a device must
    only ever damage a copy in the test folder. Needs root (CAP_MKNOD), else skipped.
    """
    numbers = {"null": (1, 3), "full": (1, 7)}[name]
    path = folder / name
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(*numbers))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here ({exc.strerror})")
    path.chmod(0o666)  # as the real ones are (mknod obeys the umask)
    return path


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Story patients with active handouts; no account has a password yet (no sign-in)."""
    from ptdesk.db.engine import make_engine, make_session_factory
    from ptdesk.db.migrate import upgrade
    from ptdesk.demo.generator import build_demo_clinic

    path = tmp_path_factory.mktemp("files-demo") / "demo.db"
    engine = make_engine(path)
    upgrade(engine)
    build_demo_clinic(make_session_factory(engine), actor="test", patients=0)
    engine.dispose()
    return path


def _handout(db: Path, out: str | Path) -> int:
    return main(["handout", "exercises", "DEMO-0001", "--out", str(out), "--db", str(db)])


# ---- --db ---------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["verify"], ["patients"], ["init"], ["audit", "verify"]])
def test_a_foreign_file_named_by_db_keeps_its_mode_and_content(
    tmp_path: Path, command: list[str], capsys
) -> None:
    # A stand-in for /etc/passwd: someone else's file, readable by all (never the real one).
    foreign = tmp_path / "passwd"
    foreign.write_text("root:x:0:0:root:/root:/bin/bash\n")
    foreign.chmod(0o644)
    before = foreign.read_bytes()
    status = main([*command, "--db", f"sqlite:///{foreign}"])
    assert status in (1, 2)
    assert stat.S_IMODE(foreign.stat().st_mode) == 0o644
    assert foreign.read_bytes() == before
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_an_existing_database_keeps_the_mode_its_owner_gave_it(tmp_path: Path,
                                                               sqlite_template: Path) -> None:
    db = tmp_path / "shared.db"
    shutil.copyfile(sqlite_template, db)
    db.chmod(0o640)  # the owner chose group read, e.g. for a backup job
    assert main(["patients", "--db", str(db)]) == 0
    assert stat.S_IMODE(db.stat().st_mode) == 0o640


def test_a_new_database_is_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "new" / "clinic.db"
    assert main(["init", "--db", str(db)]) == 0
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700


@pytest.mark.parametrize("kind", ["folder", "fifo", "device", "dangling link"])
@pytest.mark.parametrize("command", [["init"], ["patients"], ["verify"]])
def test_db_must_be_a_regular_file_or_a_new_path(tmp_path: Path, kind: str, command: list[str],
                                                 capsys) -> None:
    if kind == "folder":
        target = str(tmp_path)
    elif kind == "fifo":
        target = str(tmp_path / "pipe")
        os.mkfifo(target)
    elif kind == "device":
        target = str(private_device(tmp_path, "null"))
    else:
        target = str(tmp_path / "link.db")
        os.symlink(tmp_path / "elsewhere" / "x.db", target)
    assert main([*command, "--db", target]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ptdesk: --db: ") and err.count("\n") == 1
    if kind == "device":
        info = os.stat(target)
        assert stat.S_ISCHR(info.st_mode) and stat.S_IMODE(info.st_mode) == 0o666
    assert not (tmp_path / "elsewhere").exists()


@pytest.mark.parametrize("url", ["mysql://clinic:s3cret@db.example/ptdesk", "://",
                                 "oracle+cx_oracle://u:s3cret@h/x", "sqlite+nosuch:///x.db"])
def test_unsupported_or_broken_db_urls_are_one_line(url: str, capsys) -> None:
    assert main(["patients", "--db", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ptdesk: --db: ") and err.count("\n") == 1
    assert "s3cret" not in err and "Traceback" not in err


# ---- output files ---------------------------------------------------------------------------


def test_out_dev_null_is_written_to_not_replaced(demo_db: Path, tmp_path: Path) -> None:
    null = private_device(tmp_path, "null")
    assert _handout(demo_db, null) == 0
    assert stat.S_ISCHR(null.stat().st_mode) and stat.S_IMODE(null.stat().st_mode) == 0o666


def test_out_fifo_receives_the_pdf_and_stays_a_fifo(demo_db: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "printer.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    opened = threading.Event()

    def read() -> None:
        with open(fifo, "rb") as handle:  # blocks until the writer opens it too
            opened.set()
            received.append(handle.read())

    # O_NONBLOCK on the writer side needs a reader first: open it before the command runs.
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    holder = os.open(fifo, os.O_WRONLY)  # lets the reader's open return
    assert opened.wait(30)
    try:
        assert _handout(demo_db, fifo) == 0
    finally:
        os.close(holder)
    reader.join(30)
    assert received and received[0].startswith(b"%PDF")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_out_fifo_nobody_reads_is_refused_at_once(demo_db: Path, tmp_path: Path, capsys) -> None:
    fifo = tmp_path / "nobody.fifo"
    os.mkfifo(fifo)
    assert _handout(demo_db, fifo) == 2
    assert "nothing is reading" in capsys.readouterr().err
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_full_disk_is_a_clear_message_and_the_device_stays(demo_db: Path, tmp_path: Path,
                                                           capsys) -> None:
    full = private_device(tmp_path, "full")
    assert _handout(demo_db, full) == 1
    err = capsys.readouterr().err
    assert "disk is full" in err and err.count("\n") == 1 and "Traceback" not in err
    assert stat.S_ISCHR(full.stat().st_mode)


def test_planted_link_at_the_old_temp_name_redirects_nothing(demo_db: Path,
                                                             tmp_path: Path) -> None:
    public = tmp_path / "public"
    public.mkdir()
    out = tmp_path / "sheet.pdf"
    # Before issue 16 the temporary file was always `.sheet.pdf.tmp`, opened through links.
    os.symlink(public / "leak.pdf", tmp_path / ".sheet.pdf.tmp")
    assert _handout(demo_db, out) == 0
    assert not (public / "leak.pdf").exists()
    assert out.read_bytes().startswith(b"%PDF") and stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == [".sheet.pdf.tmp"]


def test_planted_link_at_the_temp_name_is_never_followed(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Even a link at the exact random name: O_EXCL|O_NOFOLLOW fails instead of following."""
    monkeypatch.setattr(output_files.secrets, "token_hex", lambda _n: "guessed")
    public = tmp_path / "public"
    public.mkdir()
    os.symlink(public / "leak.pdf", tmp_path / ".sheet.pdf.guessed.tmp")
    with pytest.raises(OutputFileError):
        write_output(tmp_path / "sheet.pdf", b"%PDF-1.4 patient")
    assert not (public / "leak.pdf").exists() and not (tmp_path / "sheet.pdf").exists()


def test_out_through_a_link_replaces_the_file_and_keeps_the_link(demo_db: Path,
                                                                tmp_path: Path) -> None:
    real = tmp_path / "real.pdf"
    real.write_bytes(b"%PDF-1.4 an older handout")
    link = tmp_path / "latest.pdf"
    os.symlink(real, link)
    assert _handout(demo_db, link) == 0
    assert link.is_symlink() and real.read_bytes().startswith(b"%PDF")


def test_out_never_replaces_a_file_that_is_not_a_pdf(demo_db: Path, tmp_path: Path,
                                                     capsys) -> None:
    # A stand-in for /etc/passwd named by mistake (as root PT Desk could replace it).
    other = tmp_path / "passwd"
    other.write_text("root:x:0:0:root:/root:/bin/bash\n")
    other.chmod(0o644)
    assert _handout(demo_db, other) == 2
    assert "is not a PDF file" in capsys.readouterr().err
    assert other.read_text().startswith("root:x") and stat.S_IMODE(other.stat().st_mode) == 0o644


@pytest.mark.parametrize("kind", ["dangling link", "folder", "missing folder"])
def test_unusable_out_is_refused_before_any_work(demo_db: Path, tmp_path: Path, kind: str,
                                                 capsys) -> None:
    if kind == "dangling link":
        out = tmp_path / "x.pdf"
        os.symlink(tmp_path / "gone" / "x.pdf", out)
    elif kind == "folder":
        out = tmp_path
    else:
        out = tmp_path / "missing" / "x.pdf"
    assert _handout(demo_db, out) == 2
    err = capsys.readouterr().err
    assert err.startswith("ptdesk: --out: ") and err.count("\n") == 1
    assert not (tmp_path / "gone").exists() and not (tmp_path / "missing").exists()


def test_write_output_to_dev_full_says_the_disk_is_full(tmp_path: Path) -> None:
    """What `audit report --csv /dev/full` gets once it writes through this module."""
    full = private_device(tmp_path, "full")
    with pytest.raises(OutputFileError, match="disk is full"):
        write_output(full, b"when,who\n")
    assert stat.S_ISCHR(full.stat().st_mode)


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output_files.os, "fsync", full)
    with pytest.raises(OutputFileError, match="disk is full"):
        write_output(tmp_path / "report.pdf", b"%PDF")
    assert list(tmp_path.iterdir()) == []
