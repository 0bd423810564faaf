"""The sparse seek index: sequence numbers and recorded times to byte offsets, kept fresh."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import orjson
import pytest

import tracker
from tracker.derived.seek import EVERY, SeekIndex

from .conftest import Reads

BATCHES = 26
PER_BATCH = 100  # 2,600 records: samples at 1, 1025 and 2049


def _batch(b: int) -> list[dict[str, Any]]:
    return [
        {
            "type": "statement",
            "speaker": "ofcom",
            "occurred": f"2026-01-{1 + b % 28:02d}",
            "quote": f"Batch {b}, statement {n}.",
            "sources": [{"publisher": "BBC", "url": f"https://bbc.example/{b}/{n}"}],
        }
        for n in range(PER_BATCH)
    ]


@pytest.fixture
def long_log(log_path: Path, clock: Any) -> Path:
    """A log of 2,600 records in 26 batches, one minute apart (the first batch registers)."""
    with tracker.open(log_path, create=True, clock=clock) as log:
        log.append({"type": "actor", "actor": "ofcom", "name": "Ofcom", "kind": "regulator"})
        for b in range(BATCHES):
            log.append(_batch(b)[: PER_BATCH - (1 if b == 0 else 0)])
    return log_path


def _seek(log: Path) -> SeekIndex:
    """A fresh look at the log's seek samples (as a new process has)."""
    return tracker.open(log).derived.seek


def _seek_file(log: Path) -> Path:
    path = _seek(log).path
    assert path is not None
    return path


def _starts(path: Path) -> list[tuple[int, int, str]]:
    """(seq, offset where its line starts, recorded) of every record, read naively."""
    out, offset = [], 0
    for line in path.read_bytes().splitlines(keepends=True):
        record = orjson.loads(line)
        out.append((record["seq"], offset, record["recorded"]))
        offset += len(line)
    return out


def test_a_full_replay_leaves_samples_behind(long_log: Path) -> None:
    """Replaying the whole log writes the seek file: every 1,024th record and the end covered
    (and a last line with its MAC)."""
    tracker.open(long_log).replay()
    starts = _starts(long_log)
    lines = _seek_file(long_log).read_text().rsplit("\n", 1)[0].splitlines()
    samples = [line.split() for line in lines[:-1]]
    assert [(int(s[0]), int(s[1]), s[2]) for s in samples] == [starts[0], starts[1024], starts[2048]]
    assert lines[-1].split()[:3] == ["end", "2600", str(long_log.stat().st_size)]


def test_offsets_of_sequence_numbers(long_log: Path) -> None:
    """offset_of finds where any record starts, building the samples if none are saved."""
    seek = _seek(long_log)
    starts = _starts(long_log)
    for seq in (1, 2, 1024, 1025, 1026, 2048, 2049, 2600):
        assert seek.offset_of(seq) == starts[seq - 1][1]
    assert seek.offset_of(2601) == long_log.stat().st_size
    assert [p.seq for p in seek.points] == [1, 1 + EVERY, 1 + 2 * EVERY]


@pytest.mark.parametrize("minute", [0, 1, 9, 10, 11, 20, 25, 40])
def test_a_known_at_replay_reads_no_record_past_its_cutoff(
    long_log: Path, lines_read: Reads, minute: int
) -> None:
    """A known_at fold reads only the records recorded by then (and the first one after), and
    agrees with the fold that has no samples: samples never bound what is read. (The read
    model reads no record at all to find the same cutoff.)"""
    known_at = f"2026-01-12T09:{minute:02d}:30"
    tracker.open(long_log).replay(fold=True)
    read = tracker.open(long_log).replay(known_at=known_at)
    lines_read.clear()
    lines_read.ends.clear()
    state = tracker.open(long_log).replay(known_at=known_at, fold=True)
    starts = _starts(long_log)
    recorded_by_then = [s for s in starts if s[2] <= f"2026-01-12T09:{minute:02d}:30.000000Z"]
    assert state.head_seq == len(recorded_by_then)
    assert len(recorded_by_then) <= len(lines_read) <= len(recorded_by_then) + 1
    _seek_file(long_log).unlink()
    again = tracker.open(long_log).replay(known_at=known_at, fold=True)
    assert again.summary() == state.summary() == read.summary()
    lines_read.clear()
    assert tracker.open(long_log).replay(known_at=known_at).head_seq == state.head_seq
    assert len(lines_read) <= 1  # the read model holds that prefix: at most the next record


def test_samples_grow_with_the_log_reading_only_new_bytes(
    long_log: Path, clock: Any, lines_read: list[int]
) -> None:
    """After appends, refreshing the samples reads from the end they covered, not before."""
    _seek(long_log).refresh()
    size = long_log.stat().st_size
    with tracker.open(long_log, clock=clock) as log:
        for b in range(BATCHES, BATCHES + 6):
            log.append(_batch(b))
    lines_read.clear()
    seek = _seek(long_log)
    seek.refresh()
    assert min(lines_read) == size
    assert [p.seq for p in seek.points] == [1, 1025, 2049, 3073]
    assert seek.offset_of(3073) == _starts(long_log)[3072][1]


def test_samples_of_another_log_are_rebuilt(long_log: Path, tmp_path: Path, clock: Any) -> None:
    """A seek file of another log (its MAC binds it to its own) is thrown away and rebuilt."""
    _seek(long_log).refresh()
    other = tmp_path / "other.jsonl"
    with tracker.open(other, create=True, clock=clock) as log:
        log.append({"type": "actor", "actor": "ofcom", "name": "OFCOM", "kind": "regulator"})
        for b in range(BATCHES + 2):
            log.append(_batch(b)[:99] if b == 0 else _batch(b))
    shutil.copyfile(_seek_file(long_log), _seek_file(other))
    seek = _seek(other)
    assert seek.offset_of(2700) == _starts(other)[2699][1]
    assert seek.count == 2800
