"""The fast paths give exactly what the careful paths give: record bytes, lines, replays."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tracker
from tracker.events.codec import canonical_bytes
from tracker.projections.state import State
from tracker.store import file as file_store
from tracker.store.memory import MemoryStore
from tracker.store.records import ZERO_HASH, make_record_at, parse_record

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(
    event=st.dictionaries(st.text(), json_values, max_size=6),
    seq=st.integers(1, 10**9),
    count=st.integers(1, 5000),
    index=st.integers(0, 4999),
)
def test_a_new_records_bytes_are_its_canonical_bytes(
    event: dict[str, Any], seq: int, count: int, index: int
) -> None:
    """The line assembled around the event's bytes equals serialising the whole record."""
    record = make_record_at(
        seq=seq,
        recorded="2026-01-12T09:00:00.000000Z",
        batch_id=seq,
        batch_index=index,
        batch_count=count,
        event=event,
        prev=ZERO_HASH,
    )
    slow = canonical_bytes(record.to_dict())
    assert record.line() == slow
    assert parse_record(slow) == record


@pytest.mark.parametrize(
    ("first", "chunk"), [(1, 1), (7, 7), (64, 64), (1 << 13, 1 << 22), (1, 64), (3, 1 << 22)]
)
def test_lines_across_chunk_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: int, chunk: int
) -> None:
    """Reading in chunks of any size (the first small, each next twice as big up to the
    largest) yields every line and the offset after it."""
    data = b"".join(b"x" * n + b"\n" for n in (0, 1, 5, 63, 64, 65, 200, 3))
    path = tmp_path / "lines"
    path.write_bytes(data)
    monkeypatch.setattr(file_store, "_FIRST_CHUNK", first)
    monkeypatch.setattr(file_store, "_CHUNK", chunk)
    expected, offset = [], 0
    for line in data.split(b"\n")[:-1]:
        offset += len(line) + 1
        expected.append((line, offset))
    with open(path, "rb") as f:
        got = list(file_store._iter_lines(f.fileno(), 0, len(data)))
        assert got == expected
        assert list(file_store._iter_lines(f.fileno(), 3, len(data) - 4)) == [
            (b"x" * 5, 9),
            (b"x" * 63, 73),
            (b"x" * 64, 138),
            (b"x" * 65, 204),
            (b"x" * 200, 405),
        ]


def _source(n: int) -> list[dict[str, str]]:
    return [{"publisher": "AP", "url": f"https://apnews.example/{n}", "published": "2026-01-09"}]


def _events() -> Iterator[list[dict[str, Any]]]:
    yield [
        {"type": "actor", "actor": "ofcom", "name": "Ofcom", "kind": "regulator"},
        {"type": "actor", "actor": "xai", "name": "xAI", "kind": "company"},
        {"type": "topic", "topic": "paywall", "name": "The paywall"},
    ]
    yield [
        {"type": "statement", "id": "s1", "speaker": "ofcom", "topic": "paywall", "stance": -2,
         "occurred": "2026-01-09", "quote": "Not enough.", "sources": _source(1)},
        {"type": "figure", "id": "f1", "metric": "images", "value": 6700, "unit": "per_hour",
         "approximate": True, "occurred": "..2026-01-08", "subject": "xai", "sources": _source(2)},
        {"type": "incident", "id": "i1", "harm": "Images shared", "occurred": "2026-01-05..2026-01-12",
         "actors": ["xai"], "sources": _source(3)},
        {"type": "regulatory_action", "id": "r1", "regulator": "ofcom", "target": "xai",
         "rung": "demand", "occurred": "2026-01-10T14:00+01:00", "sources": _source(4)},
    ]
    yield [
        {"type": "verification", "verifier": "ofcom", "target": "f1", "verdict": "contradicted",
         "occurred": "2026-01-11", "sources": _source(5)},
        {"type": "correction", "corrects": "s1", "reason": "misquoted",
         "replacement": {"type": "statement", "speaker": "ofcom", "topic": "paywall", "stance": -1,
                         "occurred": "2026-01-09", "quote": "Not yet enough.",
                         "sources": _source(1)}},
        {"type": "statement", "id": "s2", "speaker": "xai", "occurred": "2026-01~",
         "summary": "xAI answers.", "sources": _source(6)},
    ]
    yield [
        {"type": "supersession", "supersedes": "s2", "by": "s1", "reason": "newer position"},
        {"type": "retraction", "retracts": "i1", "reason": "not verified"},
        {"type": "regulatory_action", "regulator": "ofcom", "target": "xai", "rung": "closure",
         "ends": "r1", "occurred": "2026-01-20", "sources": _source(7)},
    ]


def _fingerprint(state: State) -> Any:
    """Everything a replay decided, as comparable values (models compare field by field)."""
    replayer = state._replayer
    return (
        replayer.entries,
        replayer.placement,
        replayer.uncertain,
        replayer.fixes,
        replayer.retracted,
        state.summary(),
        state.timeline().to_records(),
        state.actors,
        state.topics,
        state.head_seq,
        state.head_hash,
    )


@pytest.mark.parametrize(
    ("as_of", "known_at"),
    [(None, None), ("2026-01-10", None), ("2026-01-09", "2026-01-12T09:02"), (None, "2026-01-12T09:01")],
)
def test_file_replay_equals_the_validated_dict_path(
    log_path: Path, clock: Any, as_of: str | None, known_at: str | None
) -> None:
    """Replaying the file (event bytes straight to the validator) builds the same state as
    replaying the same records through validate_python on their dicts."""
    memory = MemoryStore(clock=clock)
    with tracker.open(log_path, create=True, clock=clock) as log:
        for batch in _events():
            log.append(batch)
    with memory.writer() as writer:
        writer.append_records(list(tracker.open(log_path).records()))
    fast = tracker.open(log_path).replay(as_of=as_of, known_at=known_at, fold=True)
    careful = tracker.open(memory).replay(as_of=as_of, known_at=known_at)
    assert _fingerprint(fast) == _fingerprint(careful)
    expected = {None: 13, "2026-01-12T09:02": 10, "2026-01-12T09:01": 7}[known_at]
    assert fast.summary()["head_seq"] == expected


def test_a_replay_leaves_the_collector_as_it_found_it(empty_log: tracker.Log) -> None:
    """Replay pauses the garbage collector while it folds, and restores it after."""
    empty_log.append({"type": "actor", "actor": "ofcom", "name": "Ofcom", "kind": "regulator"})
    assert gc.isenabled()
    empty_log.replay()
    assert gc.isenabled()
    gc.disable()
    try:
        empty_log.replay()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_replay_refuses_a_record_whose_hash_is_wrong(log_path: Path, clock: Any) -> None:
    """A record whose event still validates but whose hash does not match stops the replay."""
    with tracker.open(log_path, create=True, clock=clock) as log:
        for batch in _events():
            log.append(batch)
    data = log_path.read_bytes()
    log_path.write_bytes(data.replace(b'"Not enough."', b'"Quite enough."'))
    with pytest.raises(tracker.TrackerError, match="record 4: its hash or its link") as caught:
        tracker.open(log_path).replay()
    assert caught.value.exit_code == 5


def test_a_writer_sees_appends_made_by_another_log(log_path: Path, clock: Any) -> None:
    """Appends through two open logs on one file interleave into one unbroken chain."""
    first = tracker.open(log_path, create=True, clock=clock)
    second = tracker.open(log_path, clock=clock)
    first.append({"type": "actor", "actor": "ofcom", "name": "Ofcom", "kind": "regulator"})
    second.append({"type": "actor", "actor": "xai", "name": "xAI", "kind": "company"})
    first.append({"type": "topic", "topic": "paywall", "name": "The paywall"})
    second.append({"type": "topic", "topic": "ban", "name": "A ban"})
    assert [r.seq for r in first.records()] == [1, 2, 3, 4]
    assert first.verify().records == 4


def test_a_writer_rereads_a_log_that_was_replaced(log_path: Path, tmp_path: Path, clock: Any) -> None:
    """If the file under an open log is swapped for another, the next append chains onto it."""
    log = tracker.open(log_path, create=True, clock=clock)
    log.append({"type": "actor", "actor": "ofcom", "name": "Ofcom", "kind": "regulator"})
    other = tmp_path / "other.jsonl"
    with tracker.open(other, create=True, clock=clock) as o:
        o.append({"type": "actor", "actor": "cnil", "name": "CNIL", "kind": "regulator"})
        o.append({"type": "actor", "actor": "xai", "name": "xAI", "kind": "company"})
    shutil.copyfile(other, log_path)
    log.append({"type": "topic", "topic": "paywall", "name": "The paywall"})
    assert log.verify().records == 3
