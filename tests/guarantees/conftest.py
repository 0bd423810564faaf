"""Fixtures for the guarantee battery: forked children, event factories, a log scanner, figures.

The battery runs at CI size by default. ``TRACKER_SOAK=1`` runs the longer soak (more
processes, more kills, more generated cases); see docs/guarantees.md.

Each stress test adds what it did to :data:`FIGURES` (kills, tears, cases, ...); the totals are
printed at the end of the run, and are the figures docs/guarantees.md quotes.
"""

from __future__ import annotations

import os
import signal
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tracker.errors import InvalidRecordError
from tracker.store.records import ZERO_HASH, Record, hash_of_line, parse_record

SOAK = os.environ.get("TRACKER_SOAK", "").strip() not in ("", "0")
"""True for the long soak run (TRACKER_SOAK=1)."""

FIGURES: dict[str, int] = {}
"""What the battery did in this run, by name (printed in the terminal summary)."""

FIXED_TIME = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)


def fixed_clock() -> datetime:
    """A clock that never moves: children of the stress tests never read the wall clock."""
    return FIXED_TIME


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the battery's figures, so a run states what it proved."""
    if not FIGURES:
        return
    mode = "soak" if SOAK else "ci"
    terminalreporter.section(f"guarantees: figures of this run ({mode})")
    for name in sorted(FIGURES):
        terminalreporter.write_line(f"{name}: {FIGURES[name]}")


@pytest.fixture
def figures() -> dict[str, int]:
    """The run's figures; a test adds its counts with ``figures[name] = figures.get(name, 0) + n``."""
    return FIGURES


# --- events ---------------------------------------------------------------------------------


def topic_event(event_id: str, *, pad: int = 0) -> dict[str, Any]:
    """A topic registration with id and slug ``event_id`` (the cheapest valid event).

    ``pad`` adds a description of that many characters, to make large batches.
    """
    event: dict[str, Any] = {"type": "topic", "id": event_id, "topic": event_id, "name": event_id}
    if pad:
        event["description"] = ("lorem ipsum " * (pad // 12 + 1))[:pad].strip() or "x"
    return event


SEED_EVENTS: list[dict[str, Any]] = [
    {"type": "actor", "actor": "ofcom", "name": "Ofcom", "kind": "regulator"},
    {"type": "actor", "actor": "x", "name": "X", "kind": "platform"},
    {"type": "actor", "actor": "bloomberg", "name": "Bloomberg", "kind": "media"},
    {"type": "topic", "topic": "paywall", "name": "The paywall move"},
]
"""The actors and topic the bad-input batteries' valid events name (one batch)."""


@pytest.fixture
def make_topic() -> Callable[..., dict[str, Any]]:
    """Build a topic registration event (see :func:`topic_event`)."""
    return topic_event


# --- forked children ------------------------------------------------------------------------


@dataclass
class Child:
    """A forked child process with a pipe it writes its reports to."""

    pid: int
    reader: int
    status: int | None = None
    _out: bytearray = field(default_factory=bytearray)

    def kill(self) -> None:
        """Kill the child with SIGKILL (it gets no chance to clean up)."""
        os.kill(self.pid, signal.SIGKILL)

    def wait(self, timeout: float = 120.0) -> int:
        """Wait for the child to end (killing it after ``timeout`` s); return its wait status."""
        deadline = time.monotonic() + timeout
        while self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
                break
            if time.monotonic() > deadline:
                self.kill()
                os.waitpid(self.pid, 0)
                msg = f"child {self.pid} did not finish within {timeout} s"
                raise AssertionError(msg)
            self._drain()
            time.sleep(0.002)
        return self.status

    def _drain(self) -> None:
        os.set_blocking(self.reader, False)
        try:
            while chunk := os.read(self.reader, 65536):
                self._out += chunk
        except BlockingIOError:
            pass

    def output(self) -> str:
        """Everything the child reported (read to the end; call after it ended)."""
        os.set_blocking(self.reader, True)
        while chunk := os.read(self.reader, 65536):
            self._out += chunk
        os.close(self.reader)
        return self._out.decode()

    @property
    def killed(self) -> bool:
        """Whether the child died of SIGKILL."""
        return (
            self.status is not None
            and os.WIFSIGNALED(self.status)
            and os.WTERMSIG(self.status) == signal.SIGKILL
        )

    @property
    def exit_code(self) -> int | None:
        """The child's exit code, or None if a signal ended it."""
        if self.status is None or not os.WIFEXITED(self.status):
            return None
        return os.WEXITSTATUS(self.status)


def fork_child(target: Callable[..., None], *args: Any) -> Child:
    """Fork; the child runs ``target(report_fd, *args)`` and exits (1 if it raised).

    The parent has already imported tracker, so a child starts in well under a millisecond.
    A child that raises writes ``ERROR`` and its traceback to the pipe before exiting.
    """
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 0
        try:
            os.close(reader)
            target(writer, *args)
        except BaseException:  # noqa: BLE001 - report everything to the parent
            code = 1
            try:
                os.write(writer, ("\nERROR " + traceback.format_exc()).encode())
            except OSError:
                pass
        finally:
            os._exit(code)
    os.close(writer)
    return Child(pid, reader)


@pytest.fixture
def fork() -> Callable[..., Child]:
    """Fork a child running a function (see :func:`fork_child`)."""
    return fork_child


# --- reading a log independently of the store -------------------------------------------------


@dataclass
class Scan:
    """What a log file holds, read line by line without the store's help."""

    records: list[Record]
    problems: list[str]
    whole_end: int
    """Byte offset just after the last record that closes a batch (the end of whole batches)."""
    size: int

    @property
    def ids(self) -> list[str]:
        """The event ids of the records, in log order."""
        return [r.event["id"] for r in self.records]


def scan_log(path: Path, *, limit: int = 20) -> Scan:
    """Read a log file byte by byte and list every problem (at most ``limit``, then a count).

    Checks: each line is a canonical record whose hash is right; sequence numbers run 1, 2,
    ...; each ``prev`` is the hash before; batches are whole and their framing consistent;
    event ids are unique. A torn end (bytes after the last newline, or an unfinished batch)
    is not a problem here: ``whole_end`` tells where whole batches end.
    """
    data = path.read_bytes()
    problems: list[str] = []
    records: list[Record] = []
    prev = ZERO_HASH
    batch: tuple[int, int] | None = None  # (batch id, next index expected)
    pos = 0
    whole_end = 0
    seen: set[str] = set()
    extra = 0

    def problem(text: str) -> None:
        nonlocal extra
        if len(problems) < limit:
            problems.append(text)
        else:
            extra += 1

    while True:
        nl = data.find(b"\n", pos)
        if nl < 0:
            break
        line = data[pos:nl]
        where = f"byte {pos}"
        pos = nl + 1
        try:
            record = parse_record(line)
        except InvalidRecordError:
            problem(f"{where}: not a record")
            continue
        expected_seq = records[-1].seq + 1 if records else 1
        if record.line() != line:
            problem(f"{where}: not canonical")
        if hash_of_line(line) != record.hash:
            problem(f"{where}: hash does not match content")
        if record.seq != expected_seq:
            problem(f"{where}: seq {record.seq} where {expected_seq} was expected")
        if record.prev != prev:
            problem(f"{where}: record {record.seq} does not chain to the record before")
        if batch is None:
            if record.batch_index != 0 or record.batch_id != record.seq:
                problem(f"{where}: record {record.seq} does not start a batch")
        elif (record.batch_id, record.batch_index) != batch:
            problem(f"{where}: record {record.seq} breaks the framing of batch {batch[0]}")
        event_id = record.event.get("id")
        if event_id in seen:
            problem(f"{where}: event id {event_id} appears twice")
        seen.add(event_id)
        records.append(record)
        prev = record.hash
        if record.closes_batch:
            batch = None
            whole_end = pos
        else:
            batch = (record.batch_id, record.batch_index + 1)
    if extra:
        problems.append(f"... and {extra} more problems")
    return Scan(records, problems, whole_end, len(data))


@pytest.fixture
def scan() -> Callable[..., Scan]:
    """Read a log file independently of the store (see :func:`scan_log`)."""
    return scan_log
