"""tracker.copy and Log.copy_to: records as they are between any two stores, verified on the way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import tracker
from tracker.errors import IntegrityError, InvalidInputError, TornTailError

ACTOR = {"type": "actor", "id": "reg-ofcom", "actor": "ofcom", "name": "Ofcom", "kind": "regulator"}


def statement(n: int) -> dict[str, Any]:
    """A statement by Ofcom with id ``st-N``."""
    return {
        "type": "statement",
        "id": f"st-{n}",
        "speaker": "ofcom",
        "quote": f"quote {n} \u2014 caf\u00e9",
        "occurred": "2026-01-05",
        "sources": [{"publisher": "Example News", "url": f"https://example.org/{n}"}],
    }


@pytest.fixture
def source(tmp_path: Path, clock) -> Path:
    """A file log of 8 records in 4 batches (the first of two, the last of three)."""
    path = tmp_path / "source.jsonl"
    with tracker.open(path, create=True, clock=clock) as log:
        log.append([ACTOR, statement(1)])
        log.append(statement(2))
        log.append([statement(3), statement(4)])
        log.append([statement(5), statement(6), statement(7)])
    return path


def test_file_to_postgres_to_file_gives_back_the_same_bytes(source, pg_url, tmp_path):
    """A log copied into PostgreSQL and back out is byte-for-byte the original file."""
    there = tracker.copy(source, pg_url)
    back = tmp_path / "back.jsonl"
    again = tracker.copy(pg_url, back)
    assert back.read_bytes() == source.read_bytes()
    assert (there.copied, there.skipped, again.copied, again.skipped) == (8, 0, 8, 0)
    with tracker.open(source) as original, tracker.open(pg_url) as shared:
        assert str(shared.verify().head) == str(original.verify().head) == str(there.head)
        assert shared.replay().summary() == original.replay().summary()


def test_copying_again_brings_only_what_is_new(source, tmp_path, clock):
    """A second copy into the same backup skips the prefix it holds and appends the rest."""
    backup = tmp_path / "backup.jsonl"
    tracker.copy(source, backup)
    with tracker.open(source, clock=clock) as log:
        log.append(statement(8))
    report = tracker.copy(source, backup)
    assert (report.copied, report.skipped, report.head.seq) == (1, 8, 9)
    assert backup.read_bytes() == source.read_bytes()


def test_a_copy_in_small_chunks_keeps_batches_whole(source, tmp_path):
    """Chunks end only at batch boundaries, so every chunk is accepted and the bytes match."""
    target = tmp_path / "chunked.jsonl"
    with tracker.open(source) as log:
        report = log.copy_to(target, chunk=1)
    assert report.copied == 8
    assert target.read_bytes() == source.read_bytes()


def test_a_destination_that_diverges_is_refused_and_untouched(source, tmp_path, clock):
    """A log with other records is not a backup of this one: refused, its bytes unchanged."""
    other = tmp_path / "other.jsonl"
    with tracker.open(other, create=True, clock=clock) as log:
        log.append([ACTOR, statement(99)])
    before = other.read_bytes()
    with pytest.raises(IntegrityError, match="is not a copy of .*record 2 differs"):
        tracker.copy(source, other)
    assert other.read_bytes() == before


def test_a_longer_destination_is_refused(source, tmp_path, clock):
    """Copying into a log with more records than the source is refused."""
    longer = tmp_path / "longer.jsonl"
    tracker.copy(source, longer)
    with tracker.open(longer, clock=clock) as log:
        log.append(statement(8))
    with pytest.raises(IntegrityError, match="holds 9 records, more than the 8 of"):
        tracker.copy(source, longer)


def test_a_log_cannot_be_copied_onto_itself(source):
    """The same file as source and destination is refused before anything is read."""
    with pytest.raises(InvalidInputError, match="onto itself"):
        tracker.copy(source, str(source))


def test_an_edited_source_stops_the_copy_at_the_bad_record(source, tmp_path):
    """A source record whose bytes were edited stops the copy; the destination keeps only verified records."""
    lines = source.read_bytes().split(b"\n")
    lines[4] = lines[4].replace(b"quote 4", b"quote X")
    source.write_bytes(b"\n".join(lines))
    target = tmp_path / "target.jsonl"
    with pytest.raises(IntegrityError, match="record 5: its hash does not match"):
        tracker.copy(source, target)
    with tracker.open(target) as copy:
        assert copy.head().seq == 0


def test_a_torn_source_is_refused(source, tmp_path):
    """A source ending in a torn line must be repaired before it is copied."""
    with source.open("ab") as f:
        f.write(b'{"batch":{"count":1')
    with pytest.raises(TornTailError, match="tracker repair"):
        tracker.copy(source, tmp_path / "target.jsonl")
    assert not (tmp_path / "target.jsonl").exists()


def test_a_memory_log_copies_into_postgres_with_its_times(pg_url, clock):
    """Records keep their recorded times and hashes across stores."""
    scratch = tracker.open(":memory:", clock=clock)
    scratch.append([ACTOR, statement(1)])
    scratch.append(statement(2))
    with tracker.open(pg_url, create=True) as shared:
        report = scratch.copy_to(shared)
        assert [(r.seq, r.recorded, r.hash) for r in shared.records()] == [
            (r.seq, r.recorded, r.hash) for r in scratch.records()
        ]
    assert report.head.seq == 3
