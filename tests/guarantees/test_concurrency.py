"""Guarantee 1: several processes appending to one log at once never interleave or corrupt it.

Eight processes (forked, so they start together) each append 500 events, singly and in batches
of varying size, to the same log. The result must be exactly 4,000 records with sequence
numbers 1..4000, every line a canonical record, every batch whole, the chain verified, and
each process's events in the order it appended them.

The control run does the same with the lock switched off and a pause between reading the head
and writing (test hooks in ``tracker.store.file``): it must produce a broken log, which proves
that this test catches the bug it exists for.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import tracker
from tracker.errors import TrackerError
from tracker.store import file as file_store

from .conftest import SOAK, Child, Scan, fixed_clock, topic_event

PROCESSES = 16 if SOAK else 8
EVENTS = 2000 if SOAK else 500
SIZES = (1, 1, 7, 1, 13, 1, 1, 3, 24, 1)
"""Batch sizes each process cycles through: mostly single appends, some batches."""
PAUSES = (0.0, 0.0003, 0.0, 0.001, 0.0001)
"""Pauses between appends (a writer that hogs the lock would otherwise run its 500 alone)."""


def _appender(report: int, path: Path, proc: int, go: int, race: bool) -> None:
    """Child: wait for the start signal, then append EVENTS events; report errors."""
    if race:
        file_store._test_skip_lock = True
        file_store._test_before_write = lambda: time.sleep(0.002)
    os.read(go, 1)
    log = tracker.open(path, clock=fixed_clock)
    done = errors = k = 0
    last_error = ""
    while done < EVENTS:
        size = min(SIZES[k % len(SIZES)], EVENTS - done)
        batch = [topic_event(f"p{proc}-{j:05d}") for j in range(done, done + size)]
        try:
            log.append(batch if size > 1 else batch[0])
        except TrackerError as exc:
            errors += 1
            last_error = str(exc)
        except OSError as exc:
            if not race:
                raise
            # with the lock off, derived files beside the log are raced for too: expected chaos
            errors += 1
            last_error = str(exc)
        done += size
        k += 1
        time.sleep(PAUSES[k % len(PAUSES)])  # think time: lets the others in between appends
    os.write(report, f"errors={errors} {last_error}".encode())


def _run(path: Path, fork: Callable[..., Child], *, race: bool) -> list[str]:
    go_read, go_write = os.pipe()
    children = [fork(_appender, path, proc, go_read, race) for proc in range(PROCESSES)]
    os.write(go_write, b"g" * PROCESSES)  # start them all at once
    os.close(go_read)
    os.close(go_write)
    reports = []
    for child in children:
        child.wait(timeout=600 if SOAK else 180)
        out = child.output()
        assert child.exit_code == 0, out
        reports.append(out)
    return reports


def _check(path: Path, scan: Callable[..., Scan]) -> tuple[Scan, list[str]]:
    result = scan(path)
    problems = list(result.problems)
    if result.whole_end != result.size:
        problems.append(f"the log ends torn at byte {result.whole_end} of {result.size}")
    expected = {f"p{p}-{j:05d}" for p in range(PROCESSES) for j in range(EVENTS)}
    if set(result.ids) != expected:
        problems.append(f"{len(expected - set(result.ids))} events missing")
    for proc in range(PROCESSES):
        mine = [i for i in result.ids if i.startswith(f"p{proc}-")]
        if mine != sorted(mine):
            problems.append(f"process {proc}'s events are out of order")
    try:
        with tracker.open(path) as log:
            log.verify()
    except TrackerError as exc:
        problems.append(f"verify: {exc}")
    return result, problems


def test_concurrent_appends_give_one_whole_chain(
    log_path: Path, fork: Callable[..., Child], scan: Callable[..., Scan], figures: dict[str, Any]
) -> None:
    """Eight processes x 500 events at once give exactly 4,000 records, 1..4000, chain verified."""
    tracker.open(log_path, create=True).close()
    reports = _run(log_path, fork, race=False)
    assert all(r.startswith("errors=0 ") for r in reports), reports
    result, problems = _check(log_path, scan)
    assert problems == []
    assert len(result.records) == PROCESSES * EVENTS
    assert [r.seq for r in result.records] == list(range(1, PROCESSES * EVENTS + 1))
    assert len(log_path.read_bytes().splitlines()) == PROCESSES * EVENTS
    with tracker.open(log_path) as log:
        report = log.verify()
    assert report.records == PROCESSES * EVENTS
    owners = [i.split("-")[0] for i in result.ids]
    switches = sum(a != b for a, b in itertools.pairwise(owners))
    assert switches >= 2 * PROCESSES  # the processes really took turns, not one after another
    figures["concurrency: processes"] = PROCESSES
    figures["concurrency: turns between processes"] = switches
    figures["concurrency: records appended at once"] = len(result.records)


def test_control_run_without_the_lock_is_caught(
    log_path: Path, fork: Callable[..., Child], scan: Callable[..., Scan], figures: dict[str, Any]
) -> None:
    """With the lock off and the race window widened, the same check finds a broken log."""
    tracker.open(log_path, create=True).close()
    _run(log_path, fork, race=True)
    _result, problems = _check(log_path, scan)
    chain = [p for p in problems if "was expected" in p or "does not chain" in p]
    assert chain, problems  # duplicate sequence numbers: two writers took the same head
    assert any(p.startswith("verify: ") for p in problems)
    figures["concurrency: control runs caught"] = (
        figures.get("concurrency: control runs caught", 0) + 1
    )


@pytest.mark.parametrize("hook", ["_test_skip_lock", "_test_before_write"])
def test_race_hooks_are_off_by_default(hook: str) -> None:
    """The test hooks that break locking are off unless a test turns them on in a child."""
    assert not getattr(file_store, hook)
