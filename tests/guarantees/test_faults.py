"""Guarantee 5: when the machine fails us, a clear error, nothing half-written, the right exit code.

Full disk (a file size limit set in a child), a read-only log and a read-only directory (in a
child that drops root's privileges when it has them), a missing directory, a path that is a
directory, a file that is not a log, a log from a newer tracker, a failed fsync, a lock held
too long. A short or failed write is cut back to the size before the append; a failed fsync is
reported as "durability unknown", never as success, and never retried.

Each error is a :class:`~tracker.errors.TrackerError` whose ``exit_code`` is the design's
(1 refused, 4 torn, 5 broken chain, 6 I/O or durability unknown, 7 lock timeout).
"""

from __future__ import annotations

import errno
import fcntl
import os
import resource
import shutil
import signal
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

import tracker
from tracker.errors import (
    InvalidRecordError,
    LockTimeoutError,
    LogExistsError,
    LogNotFoundError,
    TrackerError,
)
from tracker.store import file as file_store
from tracker.store.records import compute_hash

from .conftest import Child, fixed_clock, topic_event

NOBODY = 65534


def _report_error(report: int, exc: TrackerError) -> None:
    payload = {"class": type(exc).__name__, "message": str(exc), "exit": exc.exit_code}
    os.write(report, orjson.dumps(payload))


def _run_child(
    fork: Callable[..., Child], target: Callable[..., None], *args: Any
) -> dict[str, Any]:
    child = fork(target, *args)
    child.wait(timeout=60)
    out = child.output()
    assert child.exit_code == 0, out
    result: dict[str, Any] = orjson.loads(out)
    return result


@pytest.fixture
def small_log(log_path: Path) -> Path:
    """A log with three records."""
    with tracker.open(log_path, create=True, clock=fixed_clock) as log:
        log.append([topic_event(f"t-{i}") for i in range(3)])
    return log_path


# --- full disk -------------------------------------------------------------------------------


def _append_under_size_limit(report: int, path: Path, limit: int, pad: int) -> None:
    """Child: cap the file size, append a batch, report the error and the write sizes seen."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
    writes: list[int] = []
    real_write = os.write

    def counting_write(fd: int, data: Any) -> int:
        n = real_write(fd, data)
        if fd != report:
            writes.append(n)
        return n

    os.write = counting_write  # type: ignore[assignment]
    log = tracker.open(path, clock=fixed_clock)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    try:
        log.append([topic_event(f"big-{i}", pad=pad) for i in range(20)])
    except TrackerError as exc:
        os.write = real_write  # type: ignore[assignment]
        payload = {"class": type(exc).__name__, "message": str(exc), "exit": exc.exit_code}
        os.write(report, orjson.dumps({**payload, "writes": writes}))
        return
    os.write = real_write  # type: ignore[assignment]
    os.write(report, orjson.dumps({"class": None, "writes": writes}))


@pytest.mark.parametrize("room", [0, 5000, 40000])
def test_a_full_disk_leaves_the_log_as_it_was(
    small_log: Path, fork: Callable[..., Child], room: int
) -> None:
    """With no room, or room for part of a batch, the append fails and the log is unchanged."""
    before = small_log.read_bytes()
    result = _run_child(fork, _append_under_size_limit, small_log, len(before) + room, 4000)
    assert result["class"] == "StorageError"
    assert result["exit"] == 6
    assert "File too large" in result["message"]
    assert "free some space (or raise the file size limit)" in result["message"]
    if room:
        assert 0 < result["writes"][0] < 20 * 4000  # a short write really happened ...
    assert small_log.read_bytes() == before  # ... and was cut back
    with tracker.open(small_log) as log:
        assert log.verify().records == 3


# --- read-only places --------------------------------------------------------------------------


@pytest.fixture
def open_dir() -> Iterator[Path]:
    """A directory outside pytest's private tree, so an unprivileged child can reach it."""
    path = Path(tempfile.mkdtemp(prefix="tracker-faults-"))
    path.chmod(0o755)
    yield path
    for p in (path, *path.iterdir()):
        p.chmod(0o755 if p.is_dir() else 0o644)
    shutil.rmtree(path)


def _drop_privileges() -> None:
    """Root ignores file modes: become nobody, so read-only means read-only."""
    if os.geteuid() == 0:
        os.setgid(NOBODY)
        os.setuid(NOBODY)


def _try_readonly(report: int, path: Path) -> None:
    """Child: read and verify the log, then try to append; report what happened."""
    _drop_privileges()
    with tracker.open(path, clock=fixed_clock) as log:
        records = log.verify().records
        replayed = len(list(log.events()))
        try:
            log.append(topic_event("refused"))
        except TrackerError as exc:
            payload = {"class": type(exc).__name__, "message": str(exc), "exit": exc.exit_code}
            os.write(report, orjson.dumps({**payload, "records": records, "replayed": replayed}))
            return
    os.write(report, orjson.dumps({"class": None}))


@pytest.mark.parametrize("place", ["file", "directory"])
def test_a_read_only_log_can_be_read_and_refuses_appends(
    open_dir: Path, fork: Callable[..., Child], place: str
) -> None:
    """A log that cannot be written is read and verified; an append fails with one clear line."""
    path = open_dir / "log.jsonl"
    with tracker.open(path, create=True, clock=fixed_clock) as log:
        log.append([topic_event("a"), topic_event("b")])
    (open_dir / "log.jsonl.lock").unlink()
    path.chmod(0o444)
    if place == "directory":
        open_dir.chmod(0o555)  # not even the lock file can be made
    else:
        open_dir.chmod(0o777)
    before = path.read_bytes()
    result = _run_child(fork, _try_readonly, path)
    assert (result["records"], result["replayed"]) == (2, 2)
    assert result["class"] == "StorageError"
    assert result["exit"] == 6
    assert (
        "Permission denied; check the file's permissions, or use a writable copy"
        in result["message"]
    )
    assert ("cannot lock" if place == "directory" else "cannot append to") in result["message"]
    assert path.read_bytes() == before


# --- wrong paths ---------------------------------------------------------------------------------


def test_a_missing_directory_is_named(tmp_path: Path) -> None:
    """Opening or creating a log in a directory that does not exist names the directory."""
    path = tmp_path / "no-such-dir" / "log.jsonl"
    with pytest.raises(LogNotFoundError, match="the directory .*no-such-dir does not exist") as a:
        tracker.open(path)
    with pytest.raises(LogNotFoundError, match="no-such-dir does not exist; create it first") as b:
        tracker.open(path, create=True)
    assert a.value.exit_code == b.value.exit_code == 1
    assert not path.parent.exists()


def test_a_missing_log_says_how_to_create_one(tmp_path: Path) -> None:
    """Opening a log that is not there says to create it with tracker init."""
    with pytest.raises(LogNotFoundError, match="no log at .*: create it with 'tracker init'"):
        tracker.open(tmp_path / "log.jsonl")


def test_a_directory_is_not_a_log(tmp_path: Path) -> None:
    """A log path that is a directory is refused when opening and when creating."""
    with pytest.raises(LogNotFoundError, match="is a directory, not a log file"):
        tracker.open(tmp_path)
    with pytest.raises(LogNotFoundError, match="is a directory, not a log file"):
        tracker.open(tmp_path, create=True)
    with pytest.raises(LogExistsError, match="is a directory|already exists"):
        tracker.init(tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "content",
    [
        b"date,actor,quote\n2026-01-09,ofcom,Comply.\n",
        b'{"type": "statement", "speaker": "ofcom", "quote": "Comply."}\n',
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        b"just some notes, no newline",
        b"\xef\xbb\xbf" + b'{"batch":{}}\n',
        b"[1, 2, 3]\n",
    ],
)
def test_a_file_that_is_not_a_log_is_refused_untouched(tmp_path: Path, content: bytes) -> None:
    """A CSV, an import file, a picture, notes: 'not a tracker log', and the file is untouched."""
    path = tmp_path / "notes.jsonl"
    path.write_bytes(content)
    with pytest.raises(InvalidRecordError, match="is not a tracker log") as caught:
        tracker.open(path)
    assert caught.value.exit_code == 1
    assert "\n" not in str(caught.value)
    assert path.read_bytes() == content
    assert not path.with_name("notes.jsonl.lock").exists()


def _newer(record: dict[str, Any]) -> bytes:
    body = {k: v for k, v in record.items() if k != "hash"}
    body["v"] = 3
    body["hash"] = compute_hash(body)
    return orjson.dumps(body, option=orjson.OPT_SORT_KEYS) + b"\n"


@pytest.mark.parametrize("where", ["first", "last"])
def test_a_log_from_a_newer_tracker_asks_for_an_upgrade(small_log: Path, where: str) -> None:
    """A record of a newer schema version, first or last, asks to upgrade tracker; nothing changes."""
    lines = small_log.read_bytes().splitlines(keepends=True)
    index = 0 if where == "first" else -1
    lines[index] = _newer(orjson.loads(lines[index]))
    small_log.write_bytes(b"".join(lines))
    before = small_log.read_bytes()
    with (
        pytest.raises(InvalidRecordError, match="newer tracker .*upgrade tracker") as caught,
        tracker.open(small_log) as log,
    ):
        log.verify()
    assert caught.value.exit_code == 1
    assert small_log.read_bytes() == before


# --- fsync ----------------------------------------------------------------------------------------


def _append_with_failing_fsync(report: int, path: Path, what: str) -> None:
    """Child: make every fsync fail with EIO, then append (or create); report what happened."""
    calls: list[int] = []

    def failing_fsync(fd: int) -> None:
        calls.append(fd)
        raise OSError(errno.EIO, "Input/output error")

    log = tracker.open(path, clock=fixed_clock) if what == "append" else None
    os.fsync = failing_fsync  # type: ignore[assignment]
    try:
        if log is not None:
            log.append([topic_event("maybe-1"), topic_event("maybe-2")])
        else:
            tracker.init(path.with_name("new.jsonl"))
    except TrackerError as exc:
        payload = {"class": type(exc).__name__, "message": str(exc), "exit": exc.exit_code}
        os.write(report, orjson.dumps({**payload, "fsyncs": len(calls)}))
        return
    os.write(report, orjson.dumps({"class": None, "fsyncs": len(calls)}))


def test_a_failed_fsync_is_never_reported_as_success(
    small_log: Path, fork: Callable[..., Child]
) -> None:
    """An append whose fsync fails raises 'durability unknown' (exit 6), once, never ok."""
    result = _run_child(fork, _append_with_failing_fsync, small_log, "append")
    assert result["class"] == "StorageError"
    assert result["exit"] == 6
    assert "fsync of" in result["message"]
    assert (  # (from Python, the advice in Python's terms; the command line's is below)
        "whether the last append is durable is unknown; check it with log.verify() before "
        "relying on it" in result["message"]
    )
    assert result["fsyncs"] == 1  # not retried until it "works"
    with tracker.open(small_log) as log:  # the bytes reached the file: whole, and verifiable
        assert log.verify().records == 5


def test_a_failed_fsync_at_init_is_a_storage_error(
    small_log: Path, fork: Callable[..., Child]
) -> None:
    """Creating a log whose fsync fails says so in one line (exit 6), not with a traceback."""
    result = _run_child(fork, _append_with_failing_fsync, small_log, "init")
    assert result["class"] == "StorageError"
    assert result["exit"] == 6
    assert "durab" in result["message"]


# --- the lock ---------------------------------------------------------------------------------


def _append_with_timeout(report: int, path: Path) -> None:
    log = tracker.open(path, clock=fixed_clock, lock_timeout=0.2)
    try:
        log.append(topic_event("late"))
    except TrackerError as exc:
        _report_error(report, exc)
        return
    os.write(report, b'{"class": null}')


def test_a_lock_held_too_long_times_out_cleanly(
    small_log: Path, fork: Callable[..., Child]
) -> None:
    """A writer that cannot get the lock in time gives up with exit 7 and writes nothing."""
    before = small_log.read_bytes()
    fd = os.open(small_log.with_name("log.jsonl.lock"), os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        result = _run_child(fork, _append_with_timeout, small_log)
    finally:
        os.close(fd)
    assert result["class"] == LockTimeoutError.__name__
    assert result["exit"] == 7
    assert "held the lock" in result["message"]
    assert small_log.read_bytes() == before


def test_a_dead_writer_never_leaves_the_lock_held(
    small_log: Path, fork: Callable[..., Child]
) -> None:
    """A writer killed while holding the lock releases it: the next append gets it at once."""

    def hold_forever(report: int, path: Path) -> None:
        store = file_store.FileStore(path)
        with store.writer():
            os.write(report, b"locked\n")
            signal.pause()

    child = fork(hold_forever, small_log)
    os.set_blocking(child.reader, True)
    assert os.read(child.reader, 7) == b"locked\n"
    child.kill()
    child.wait()
    with tracker.open(small_log, clock=fixed_clock, lock_timeout=2) as log:
        (receipt,) = log.append(topic_event("after"))
    assert receipt.seq == 4
    assert stat.S_ISREG(small_log.with_name("log.jsonl.lock").stat().st_mode)


# --- the same faults through the command line: the design's exit codes ------------------------


def _cli_in_child(report: int, argv: list[str], fault: str, root: Path) -> None:
    """Child: set up ``fault``, run ``tracker ARGV`` in-process, report status and stderr."""
    import contextlib
    import io

    from tracker.cli import main

    if fault == "full disk":
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        limit = (root / "log.jsonl").stat().st_size + 3000
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    elif fault == "read-only":
        _drop_privileges()
    elif fault == "failed fsync":
        os.fsync = lambda fd: (_ for _ in ()).throw(OSError(errno.EIO, "Input/output error"))  # type: ignore[assignment]
    elif fault == "lock held":
        import tracker._log

        tracker._log.open.__kwdefaults__["lock_timeout"] = 0.2  # seconds, not the default 10
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        status = main(argv)
    os.write(
        report, orjson.dumps({"status": status, "stderr": err.getvalue(), "stdout": out.getvalue()})
    )


def _big_import(root: Path) -> Path:
    file = root / "events.jsonl"
    lines = [orjson.dumps(topic_event(f"imp-{i}", pad=300)) for i in range(40)]
    file.write_bytes(b"\n".join(lines) + b"\n")
    return file


@pytest.mark.parametrize(
    ("fault", "status", "message"),
    [
        ("full disk", 6, "File too large; free some space (or raise the file size limit)"),
        ("read-only", 6, "Permission denied; check the file's permissions, or use a writable copy"),
        ("failed fsync", 6, "whether the last append is durable is unknown; run 'tracker verify'"),
        ("lock held", 7, "held the lock"),
        ("missing directory", 1, "does not exist"),
        ("directory", 1, "is a directory, not a log file"),
        ("not a log", 1, "is not a tracker log"),
        ("newer schema", 1, "newer tracker"),
        ("torn", 4, "tracker repair"),
        ("edited", 5, "record 2"),
    ],
)
def test_the_command_line_exits_with_the_designs_code(
    open_dir: Path, fork: Callable[..., Child], fault: str, status: int, message: str
) -> None:
    """Each fault through `tracker`: its exit code, one line on stderr, nothing half-written."""
    log = open_dir / "log.jsonl"
    with tracker.open(log, create=True, clock=fixed_clock) as opened:
        opened.append([topic_event("t-1"), topic_event("t-2")])
        opened.append(topic_event("t-3"))
    argv = ["import", str(_big_import(open_dir)), "--log", str(log)]
    holder = None
    if fault == "read-only":
        (open_dir / "log.jsonl.lock").unlink()
        log.chmod(0o444)
        open_dir.chmod(0o555)
    elif fault == "lock held":
        holder = os.open(open_dir / "log.jsonl.lock", os.O_RDWR)
        fcntl.flock(holder, fcntl.LOCK_EX)
    elif fault == "missing directory":
        argv[-1] = str(open_dir / "nowhere" / "log.jsonl")
    elif fault == "directory":
        argv[-1] = str(open_dir)
    elif fault == "not a log":
        argv[-1] = str(_big_import(open_dir))
    elif fault == "newer schema":
        lines = log.read_bytes().splitlines(keepends=True)
        lines[0] = _newer(orjson.loads(lines[0]))
        log.write_bytes(b"".join(lines))
    elif fault == "torn":
        log.write_bytes(log.read_bytes()[:-9])
        argv = ["replay", "--log", str(log)]
    elif fault == "edited":
        log.write_bytes(log.read_bytes().replace(b'"name":"t-2"', b'"name":"t-9"'))
        argv = ["verify", "--log", str(log)]
    before = log.read_bytes()
    try:
        result = _run_child(fork, _cli_in_child, argv, fault, open_dir)
    finally:
        if holder is not None:
            os.close(holder)
    assert result["status"] == status, result
    assert result["stdout"] == ""
    lines = result["stderr"].splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("tracker: error: ")
    assert message in lines[0]
    if fault == "failed fsync":  # written, but not known durable: whole, and verifiable
        with tracker.open(log) as reopened:
            assert reopened.verify().records == 43
    else:
        assert log.read_bytes() == before  # nothing half-written, nothing "repaired"
