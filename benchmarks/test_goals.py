"""pytest-benchmark cases for the goals of issue 7 and their floors, on the generated log.

Off by default: each case then runs once and checks its answer. ``pytest benchmarks
--benchmark-enable`` times them. The table with ratios comes from ``bash benchmarks/run SIZE``.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

import tracker
from benchmarks.measures import _drop_derived, _one_event, body_hash, lines_of


def _expected_counted(log: Path) -> tuple[int, int]:
    """(records, world events that count with no bounds), from the raw lines."""
    world, retracted, records = set(), set(), 0
    for line in lines_of(log):
        event = orjson.loads(line)["event"]
        records += 1
        kind = event["type"]
        if kind == "retraction":
            retracted.add(event["retracts"])
        elif kind not in ("actor", "topic", "correction", "supersession"):
            world.add(event["id"])
    return records, len(world - retracted)


@pytest.mark.benchmark(group="floors")
def test_floor_parse_keep(benchmark: Any, bench_log: Path) -> None:
    """The keep-everything orjson parse reads one dict per record."""
    kept = benchmark(lambda: [orjson.loads(line) for line in lines_of(bench_log)])
    assert len(kept) == _expected_counted(bench_log)[0]
    assert kept[0]["seq"] == 1


@pytest.mark.benchmark(group="floors")
def test_floor_parse_chain(benchmark: Any, bench_log: Path) -> None:
    """The floor of verify: every line's body hashes to its hash, and links to the one before."""

    def chain() -> int:
        prev, n = "0" * 64, 0
        for line in lines_of(bench_log):
            record = orjson.loads(line)
            assert record["prev"] == prev
            assert body_hash(line) == record["hash"]
            prev, n = record["hash"], n + 1
        return n

    assert benchmark(chain) == _expected_counted(bench_log)[0]


@pytest.mark.benchmark(group="goal1-cold-replay")
def test_cold_replay(benchmark: Any, bench_log: Path) -> None:
    """A cold replay (nothing derived on disk) counts every world event not retracted."""
    records, counted = _expected_counted(bench_log)

    def replay() -> tracker.State:
        with tracker.open(bench_log) as log:
            return log.replay()

    state = benchmark.pedantic(replay, setup=lambda: _drop_derived(bench_log), rounds=3)
    assert state.summary()["events"] == counted
    assert state.head_seq == records


@pytest.mark.benchmark(group="goal3-known-at")
def test_replay_known_at(benchmark: Any, bench_log: Path) -> None:
    """A replay to a known_at in the middle stops at the last record recorded by then."""
    stamps = [orjson.loads(line)["recorded"] for line in lines_of(bench_log)]
    middle = stamps[len(stamps) // 2]
    last_seq = max(i + 1 for i, s in enumerate(stamps) if s <= middle)

    def replay() -> tracker.State:
        with tracker.open(bench_log) as log:
            return log.replay(known_at=middle)

    state = benchmark(replay)
    assert state.head_seq == last_seq


@pytest.mark.benchmark(group="goal7-verify")
def test_verify(benchmark: Any, bench_log: Path) -> None:
    """Verify walks every record of the generated log and finds it whole."""

    def verify() -> tracker.VerifyReport:
        with tracker.open(bench_log) as log:
            return log.verify()

    report = benchmark(verify)
    assert report.records == _expected_counted(bench_log)[0]


@pytest.mark.benchmark(group="goal5-append")
def test_append_single(benchmark: Any, bench_log: Path, work_dir: Path) -> None:
    """One durable append of one event on an open log gets the next sequence number."""
    copy = work_dir / "append.jsonl"
    shutil.copyfile(bench_log, copy)
    counter = itertools.count()
    with tracker.open(copy) as log:
        start = len(log)
        receipts = benchmark(lambda: log.append(_one_event(next(counter))))
        assert receipts[0].status == "appended"
        assert len(log) == start + next(counter)


@pytest.mark.benchmark(group="goal5-append")
def test_cold_import_tracker(benchmark: Any) -> None:
    """``import tracker`` in a fresh interpreter succeeds (its cost is the CLI's floor)."""
    done = benchmark(
        lambda: subprocess.run([sys.executable, "-c", "import tracker"], capture_output=True)
    )
    assert done.returncode == 0


@pytest.mark.benchmark(group="goal6-bulk-import")
def test_bulk_import(benchmark: Any, bench_log: Path, work_dir: Path) -> None:
    """Re-importing the first 5,000 events in batches of 1,000 (ids derived again) rebuilds
    the same bytes."""
    from datetime import datetime

    from benchmarks.generate import BenchClock

    batches: list[tuple[str, list[dict[str, Any]]]] = []
    wanted = 0
    for line in lines_of(bench_log):
        record = orjson.loads(line)
        if wanted >= 5000 and record["batch"]["index"] == 0:
            break
        event = record["event"]
        if event.get("id", "").startswith("ev-"):
            del event["id"]
        if record["batch"]["index"] == 0:
            batches.append((record["recorded"], []))
        batches[-1][1].append(event)
        wanted += 1
    target = work_dir / "import.jsonl"

    def setup() -> None:
        for p in work_dir.glob("import.jsonl*"):
            p.unlink()

    def run() -> int:
        clock = BenchClock()
        with tracker.open(target, create=True, clock=clock) as log:
            for recorded, events in batches:
                clock.now = datetime.fromisoformat(recorded)
                log.append(events)
            return len(log)

    assert benchmark.pedantic(run, setup=setup, rounds=3) == wanted
    size = os.path.getsize(target)
    with open(bench_log, "rb") as f:
        assert f.read(size) == target.read_bytes()
