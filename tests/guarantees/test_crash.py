"""Guarantee 2: a crash never loses an acknowledged event, and a torn end is found, not hidden.

Two tests. The first forks a child (the parent has already imported tracker) that appends
single events and large batches in a loop, reporting each append through a pipe only after
``append`` returned; it is killed with SIGKILL at a random moment, 200 times (half of the kills
are aimed at a write in progress, the moment a kill can tear a line). After
each kill: every acknowledged event is in the log; the log holds at most one damaged region,
at its very end; opening the log reports it with its exact byte offset and changes nothing;
only an explicit repair cuts it, after saving the cut bytes beside the log.

A kill rarely lands inside a write, so the second test makes the tears itself: it cuts the
log at every byte offset inside the last record, inside a multi-record batch, and inside the
first record, and checks the same promises at each offset.
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

import tracker
from tracker.cli import main
from tracker.errors import TornTailError
from tracker.store import file as file_store

from .conftest import SOAK, Child, Scan, fixed_clock, topic_event

KILLS = 2000 if SOAK else 200
BATCH = 60
"""Events in a large batch (each about 8 KB, so one batch is one write of about half a MB)."""
PAD = 8000
ROTATE_AT = 4 << 20
"""Start a new log once the current one passes this size (keeps each round's reads short)."""


def _crash_worker(report: int, path: Path, round_no: int, aimed: bool) -> None:
    """Child: append a single event, then a large batch, and so on; ack each after it returns.

    ``aimed``: the child appends only large batches, and just before its n-th write (n at
    random, 1 to 3) wakes a killer thread that sends it SIGKILL a random 0-600 microseconds
    later, while the write (of about 2 MB) is under way: the kill lands inside the write far
    more often than a kill from the parent, whose wake-up alone can outlast a write.
    """
    if aimed:
        rng = random.Random(round_no)
        fatal = rng.randrange(1, 4)
        delay = rng.uniform(0.0, 0.0006)
        writes = 0
        go = threading.Event()
        threading.Thread(target=_kill_self_after, args=(go, delay), daemon=True).start()

        def before_write() -> None:
            nonlocal writes
            writes += 1
            if writes == fatal:
                go.set()

        file_store._test_before_write = before_write
    log = tracker.open(path, clock=fixed_clock)
    k = 0
    while True:
        if k % 2 == 0 and not aimed:
            events = [topic_event(f"r{round_no}-{k}-0")]
        else:
            size, pad = (BATCH * 2, PAD * 2) if aimed else (BATCH, PAD)
            events = [topic_event(f"r{round_no}-{k}-{j}", pad=pad) for j in range(size)]
        log.append(events)
        os.write(report, f"{k} {len(events)}\n".encode())  # the acknowledgement
        k += 1


def _kill_self_after(go: threading.Event, seconds: float) -> None:
    go.wait()
    _spin(seconds)
    os.kill(os.getpid(), signal.SIGKILL)


def _spin(seconds: float) -> None:
    """Wait a short while precisely (sleep is too coarse below a millisecond)."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def _acked(report: str, round_no: int) -> set[str]:
    ids = set()
    for line in report.splitlines():
        if line.startswith("ERROR") or not line.strip():
            continue
        k, n = line.split()
        ids.update(f"r{round_no}-{k}-{j}" for j in range(int(n)))
    return ids


def _check_after_crash(path: Path, scan: Callable[..., Scan]) -> bytes:
    """Check one crashed log and repair it if torn; return the bytes cut (empty if whole)."""
    before = path.read_bytes()
    expect = scan(path)
    assert expect.problems == []  # every whole line is a good, chained record
    torn_at: int | None = None
    try:
        tracker.open(path).close()
    except TornTailError as exc:
        torn_at = exc.offset
        assert exc.offset == expect.whole_end  # the exact byte where whole batches end
        assert exc.length == len(before) - expect.whole_end
        assert f"byte {exc.offset}" in str(exc)
    else:
        assert expect.whole_end == len(before)
    assert path.read_bytes() == before  # opening never repairs
    if torn_at is None:
        assert tracker.repair(path) is None
        return b""
    with pytest.raises(TornTailError):  # still torn: nothing is cut until asked
        tracker.open(path)
    damage = tracker.repair(path)
    assert damage is not None
    assert damage.offset == torn_at
    saved = path.with_name(f"{path.name}.torn-{torn_at}")
    assert saved.read_bytes() == before[torn_at:]  # the cut bytes, kept beside the log
    assert path.read_bytes() == before[:torn_at]
    saved.unlink()
    return before[torn_at:]


def test_sigkill_at_random_moments_loses_nothing_acknowledged(
    tmp_path: Path, fork: Callable[..., Child], scan: Callable[..., Scan], figures: dict[str, Any]
) -> None:
    """200 SIGKILLs mid-append: acked events all present, one torn end at most, repair on demand."""
    rng = random.Random(6)
    generation = 0
    path = tmp_path / "log-0.jsonl"
    tracker.open(path, create=True).close()
    acked: set[str] = set()
    torn_lines = torn_batches = appends_acked = rounds_acked = 0
    for round_no in range(KILLS):
        if path.stat().st_size > ROTATE_AT:
            generation += 1
            path = tmp_path / f"log-{generation}.jsonl"
            tracker.open(path, create=True).close()
            acked = set()
        aimed = round_no % 2 == 1
        child = fork(_crash_worker, path, round_no, aimed)
        if not aimed:  # the parent kills at a random moment
            time.sleep(rng.uniform(0.0, 0.03))
            child.kill()
        child.wait()
        report = child.output()
        assert child.killed, report  # it died of the kill, not of an error
        acked |= _acked(report, round_no)
        appends_acked += report.count("\n")
        rounds_acked += "\n" in report
        cut = _check_after_crash(path, scan)
        if cut:
            if cut.endswith(b"\n"):
                torn_batches += 1  # the write stopped exactly between two lines of a batch
            else:
                torn_lines += 1  # the write stopped inside a line
        with tracker.open(path) as log:
            log.verify()
            present = {stored.event.id for stored in log.events()}
        missing = acked - present
        assert not missing, f"round {round_no}: acknowledged events lost: {sorted(missing)[:5]}"
    figures["crash: SIGKILLs"] = KILLS
    figures["crash: appends acknowledged between kills"] = appends_acked
    figures["crash: kills that tore a line (found, repaired)"] = torn_lines
    figures["crash: kills that cut a batch between lines (found, repaired)"] = torn_batches
    figures["crash: kills after at least one acknowledged append"] = rounds_acked
    assert rounds_acked >= KILLS // 4  # kills landed in mid-run, not only at start-up
    assert torn_lines + torn_batches >= 1  # some kills really did tear the log


# --- every byte offset -----------------------------------------------------------------------


def _build(path: Path, clock: Callable[[], Any], case: str) -> tuple[bytes, int, int]:
    """Write a small log; return its bytes and the [start, end) span of its final batch."""
    log = tracker.open(path, create=True, clock=clock)
    if case != "first record":
        log.append(topic_event("opening"))
        log.append([topic_event(f"early-{j}") for j in range(3)])
    if case == "multi-record batch":
        log.append([topic_event(f"final-{j}", pad=40 * j) for j in range(4)])
    else:
        log.append(topic_event("final", pad=100))
    log.close()
    data = path.read_bytes()
    records = data.splitlines(keepends=True)
    last = tracker.open(path).head().seq
    final_count = 4 if case == "multi-record batch" else 1
    start = len(data) - sum(len(line) for line in records[-final_count:])
    assert last == len(records)
    return data, start, len(data)


@pytest.mark.parametrize("case", ["last record", "multi-record batch", "first record"])
def test_a_cut_at_every_byte_offset_is_found_and_repaired_on_request(
    tmp_path: Path, clock: Callable[[], Any], case: str, figures: dict[str, Any]
) -> None:
    """Cut inside the final batch at every byte: open reports the batch's offset; repair cuts it."""
    path = tmp_path / "log.jsonl"
    data, start, end = _build(path, clock, case)
    kept = data[:start]
    whole_records = kept.count(b"\n")
    tears = 0
    for cut in range(start + 1, end):
        path.write_bytes(data[:cut])
        with pytest.raises(TornTailError) as caught:
            tracker.open(path)
        assert (caught.value.offset, caught.value.length) == (start, cut - start)
        assert f"byte {start}" in str(caught.value)
        assert path.read_bytes() == data[:cut]  # reported, not repaired
        damage = tracker.repair(path)
        assert damage is not None
        assert (damage.offset, damage.length) == (start, cut - start)
        saved = path.with_name(f"log.jsonl.torn-{start}")
        assert saved.read_bytes() == data[start:cut]
        saved.unlink()
        assert path.read_bytes() == kept
        with tracker.open(path) as log:
            assert log.verify().records == whole_records
        tears += 1
    assert tears == end - start - 1  # every offset inside the batch was a tear, and was caught
    figures["crash: byte offsets cut and caught (deterministic)"] = (
        figures.get("crash: byte offsets cut and caught (deterministic)", 0) + tears
    )


def test_appending_after_a_repair_continues_the_chain(tmp_path: Path, clock: Any) -> None:
    """After repair cuts an unfinished batch, the next append takes its sequence number."""
    path = tmp_path / "log.jsonl"
    data, start, _end = _build(path, clock, "multi-record batch")
    boundary = data.index(b"\n", start) + 1  # exactly between the batch's first two lines
    path.write_bytes(data[:boundary])
    with pytest.raises(TornTailError, match="an unfinished batch: 1 of 4 records"):
        tracker.open(path)
    tracker.repair(path)
    with tracker.open(path, clock=clock) as log:
        (receipt,) = log.append(topic_event("after-repair"))
        assert receipt.seq == 5
        assert log.verify().records == 5
        ids = [stored.event.id for stored in log.events()]
    assert ids == ["opening", "early-0", "early-1", "early-2", "after-repair"]


def test_a_second_repair_at_the_same_offset_keeps_the_first_saved_bytes(
    tmp_path: Path, clock: Any
) -> None:
    """Two crashes torn at the same place: each repair saves its bytes in a file of its own."""
    path = tmp_path / "log.jsonl"
    data, start, end = _build(path, clock, "last record")
    path.write_bytes(data[: start + 10])
    tracker.repair(path)
    path.write_bytes(data[: start + 20])
    damage = tracker.repair(path)
    assert damage is not None
    assert damage.description.endswith(f"saved to {path}.torn-{start}.2")
    assert path.with_name(f"log.jsonl.torn-{start}").read_bytes() == data[start : start + 10]
    assert path.with_name(f"log.jsonl.torn-{start}.2").read_bytes() == data[start : start + 20]
    assert end > start + 20


def test_tracker_reports_a_torn_end_with_exit_4_and_repairs_only_when_asked(
    tmp_path: Path, clock: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every command on a torn log exits 4 naming the offset; `tracker repair` cuts, once."""
    path = tmp_path / "log.jsonl"
    data, start, end = _build(path, clock, "multi-record batch")
    cut = start + (end - start) // 2
    path.write_bytes(data[:cut])
    for argv in (
        ["replay"],
        ["log"],
        ["verify"],
        ["head"],
        ["add", "topic", "--topic", "t", "--name", "T"],
    ):
        capsys.readouterr()
        assert main([*argv, "--log", str(path)]) == 4
        out, err = capsys.readouterr()
        assert out == ""
        assert err.startswith(f"tracker: error: {path} ends in an unfinished batch")
        assert f"from byte {start}" in err
        assert f"Run 'tracker repair --log {path}'" in err
        assert len(err.splitlines()) == 1
        assert path.read_bytes() == data[:cut]
    assert main(["repair", "--log", str(path), "--json"]) == 0
    result = orjson.loads(capsys.readouterr().out)
    assert (result["repaired"], result["offset"], result["length"]) == (True, start, cut - start)
    assert path.with_name(f"log.jsonl.torn-{start}").read_bytes() == data[start:cut]
    assert path.read_bytes() == data[:start]
    assert main(["repair", "--log", str(path)]) == 0
    assert capsys.readouterr().out.startswith("nothing to repair")
    assert main(["verify", "--log", str(path)]) == 0
