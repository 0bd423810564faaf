"""Storage fixtures: a real, throwaway PostgreSQL server, and one log factory per store.

The server is started once per session with ``initdb`` and ``pg_ctl`` in a fresh directory
under /tmp, listening only on a unix socket inside that directory. ``initdb`` refuses to run as
root, so as root the server runs as the ``postgres`` system user in a directory it owns;
as anyone else it runs as you. With ``TRACKER_REQUIRE_SYSTEM=1`` (set by scripts/test) missing
server programs fail the tests; otherwise those tests are skipped with the reason.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

import tracker
from tracker.store import FileStore, MemoryStore

_names = itertools.count(1)


def _server_bindir() -> Path | None:
    """The directory holding initdb and pg_ctl (the newest installed PostgreSQL)."""
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    found.sort(
        key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    return None


@dataclass(frozen=True)
class Server:
    """A running throwaway server: ``url(name)`` gives the URL of a log in its test database."""

    base: str
    """``postgresql:///tracker_test?host=SOCKETDIR&user=...`` (no log name)."""
    directory: Path

    def url(self, log: str | None = None) -> str:
        """A URL for the log ``log`` (a new, unique name when None)."""
        return f"{self.base}&log={log or f't{next(_names)}'}"

    def connect(self) -> psycopg.Connection[Any]:
        """A plain autocommit connection to the test database (for inspecting tables)."""
        return psycopg.connect(self.base, autocommit=True)


def _run(cmd: list[str], *, as_user: str | None, cwd: Path) -> None:
    argv = ["runuser", "-u", as_user, "--", *cmd] if as_user else cmd
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        msg = f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}"
        raise RuntimeError(msg)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server]:
    """Start a throwaway PostgreSQL for the session; stop and delete it afterwards."""
    bindir = _server_bindir()
    if bindir is None:
        reason = (
            "the PostgreSQL server programs (initdb, pg_ctl) are not installed: "
            "run scripts/setup-system (apt-get install postgresql)"
        )
        if os.environ.get("TRACKER_REQUIRE_SYSTEM") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    as_user = "postgres" if os.geteuid() == 0 else None
    directory = Path(tempfile.mkdtemp(prefix="tracker-pg-"))
    data = directory / "data"
    if as_user:
        entry = pwd.getpwnam(as_user)
        os.chown(directory, entry.pw_uid, entry.pw_gid)
    db_user = as_user or pwd.getpwuid(os.geteuid()).pw_name
    started = False
    try:
        _run(
            [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", db_user, "-E", "UTF8",
             "--locale=C", "--no-sync"],
            as_user=as_user, cwd=directory,
        )  # fmt: skip
        options = (
            f"-k {directory} -c listen_addresses='' -c fsync=off -c full_page_writes=off "
            "-c shared_buffers=16MB -c max_connections=80"
        )
        _run(
            [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(directory / "server.log"),
             "-o", options, "-w", "-t", "60", "start"],
            as_user=as_user, cwd=directory,
        )  # fmt: skip
        started = True
        admin = f"postgresql:///postgres?host={directory}&user={db_user}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("CREATE DATABASE tracker_test")
        yield Server(f"postgresql:///tracker_test?host={directory}&user={db_user}", directory)
    finally:
        if started:
            _run(
                [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                as_user=as_user, cwd=directory,
            )  # fmt: skip
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: Server) -> str:
    """The URL of a new, not yet created log in the test database."""
    return pg_server.url()


# --- one factory per store, for the contract suite ---------------------------------------------


@dataclass
class Backend:
    """Makes logs on one kind of store, and can tamper with a stored record (for verify)."""

    kind: str
    open: Callable[..., tracker.Log]
    """``open(clock=...)``: a new, empty log."""
    tamper: Callable[[tracker.Log, int, bytes], None]
    """``tamper(log, seq, line)``: replace the stored bytes of record ``seq`` behind the log's back."""


def _tamper_memory(log: tracker.Log, seq: int, line: bytes) -> None:
    from tracker.store.records import parse_record

    store = log.store
    assert isinstance(store, MemoryStore)
    store._records[seq - 1] = parse_record(line)


def _tamper_file(log: tracker.Log, seq: int, line: bytes) -> None:
    store = log.store
    assert isinstance(store, FileStore)
    lines = store.path.read_bytes().split(b"\n")
    lines[seq - 1] = line
    store.path.write_bytes(b"\n".join(lines))


@pytest.fixture(params=["memory", "file", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """Each store in turn: the contract suite runs unchanged against all three."""
    opened: list[tracker.Log] = []
    kind = request.param

    def remember(log: tracker.Log) -> tracker.Log:
        opened.append(log)
        return log

    if kind == "memory":
        backend = Backend(
            kind, lambda clock: remember(tracker.open(":memory:", clock=clock)), _tamper_memory
        )
    elif kind == "file":
        paths = (tmp_path / f"log{i}.jsonl" for i in itertools.count())
        backend = Backend(
            kind,
            lambda clock: remember(tracker.open(next(paths), create=True, clock=clock)),
            _tamper_file,
        )
    else:
        server: Server = request.getfixturevalue("pg_server")

        def tamper_pg(log: tracker.Log, seq: int, line: bytes) -> None:
            with server.connect() as conn:
                conn.execute(
                    "UPDATE tracker_records SET line = %s WHERE log = %s AND seq = %s",
                    (line, log.store.log_name, seq),  # type: ignore[attr-defined]
                )

        backend = Backend(
            kind,
            lambda clock: remember(tracker.open(server.url(), create=True, clock=clock)),
            tamper_pg,
        )
    yield backend
    for log in opened:
        log.close()


# --- a small log for the command-line tests ------------------------------------------------------


@pytest.fixture
def ofcom_log(tmp_path: Path, clock: Callable[[], Any]) -> Path:
    """A file log of one batch recorded at 09:00: Ofcom's registration and a statement."""
    path = tmp_path / "grok.jsonl"
    actor = {
        "type": "actor",
        "id": "reg-ofcom",
        "actor": "ofcom",
        "name": "Ofcom",
        "kind": "regulator",
    }
    statement = {
        "type": "statement",
        "id": "ofcom-urgent",
        "speaker": "ofcom",
        "quote": "made urgent contact",
        "occurred": "..2026-01-12",
        "sources": [{"publisher": "Ofcom", "url": "https://www.ofcom.org.uk/a"}],
    }
    with tracker.open(path, create=True, clock=clock) as log:
        log.append([actor, statement])
    return path


# --- the command line, in-process ----------------------------------------------------------------


@dataclass
class Ran:
    """What one ``tracker`` run printed, and its exit status."""

    status: int
    out: str
    err: str


@pytest.fixture
def run_tracker(
    clock: object, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Ran]:
    """Run ``tracker ARGS`` in-process on the step clock, with TRACKER_LOG unset."""
    from tracker.cli.main import main

    monkeypatch.delenv("TRACKER_LOG", raising=False)
    capsys.readouterr()

    def run(*argv: str) -> Ran:
        status = main(list(argv), clock=clock)  # type: ignore[arg-type]
        captured = capsys.readouterr()
        return Ran(status, captured.out, captured.err)

    return run
