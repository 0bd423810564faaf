"""The storage contract: the same tests, unchanged, against the memory, file and PostgreSQL stores.

Every test takes the ``backend`` fixture (tests/storage/conftest.py), parametrised over the three
stores, and uses the injectable step clock, so the same appends give the same bytes and the same
head hash in every store.
"""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime
from typing import Any

import pytest

import tracker
from tracker.errors import (
    ConflictError,
    IntegrityError,
    InvalidEventError,
    InvalidInputError,
    UnknownIdError,
)
from tracker.store.records import ZERO_HASH, Record, make_record

ACTOR = {"type": "actor", "id": "reg-ofcom", "actor": "ofcom", "name": "Ofcom", "kind": "regulator"}


def statement(n: int, occurred: str = "2026-01-05", **extra: Any) -> dict[str, Any]:
    """A statement by Ofcom with id ``st-N``."""
    return {
        "type": "statement",
        "id": f"st-{n}",
        "speaker": "ofcom",
        "quote": f"quote {n}",
        "occurred": occurred,
        "sources": [{"publisher": "Example News", "url": f"https://example.org/{n}"}],
        **extra,
    }


def fill(log: tracker.Log) -> None:
    """The reference history: a batch of two, then two single appends, then a batch of three."""
    log.append([ACTOR, statement(1)])
    log.append(statement(2, "2026-01-08"))
    log.append(statement(3, "2026-01..2026-02"))
    log.append([statement(4), statement(5, "2026-01-11"), statement(6)])


# The head of the reference history on the step clock: the same in every store.
REFERENCE_HEAD = "7:5ea7a32f2e283f056c69c0e0dd591e1b82cc7586def75fb71bed7f92c0ed899a"


class TestEmpty:
    def test_a_new_log_is_empty(self, backend, clock):
        """A new log has head 0 with 64 zeros, no records, and verifies with 0 records."""
        log = backend.open(clock)
        assert (log.head().seq, log.head().hash, log.head().recorded) == (0, ZERO_HASH, None)
        assert list(log.records()) == []
        assert log.verify().records == 0
        assert len(log) == 0


class TestAppend:
    def test_a_batch_gets_contiguous_seqs_and_one_recorded_time(self, backend, clock):
        """A batch of two is records 1 and 2, framed as one batch, stamped with one clock reading."""
        log = backend.open(clock)
        receipts = log.append([ACTOR, statement(1)])
        assert [(r.id, r.seq, r.status) for r in receipts] == [
            ("reg-ofcom", 1, "appended"),
            ("st-1", 2, "appended"),
        ]
        records = list(log.records())
        assert [(r.seq, r.batch_id, r.batch_index, r.batch_count) for r in records] == [
            (1, 1, 0, 2),
            (2, 1, 1, 2),
        ]
        assert [r.recorded for r in records] == ["2026-01-12T09:00:00.000000Z"] * 2
        assert records[0].prev == ZERO_HASH
        assert records[1].prev == records[0].hash

    def test_the_reference_history_has_the_same_head_in_every_store(self, backend, clock):
        """The same appends on the same clock give the same head hash, whatever the store."""
        log = backend.open(clock)
        fill(log)
        assert str(log.head()) == REFERENCE_HEAD
        assert log.verify().head.hash == REFERENCE_HEAD.split(":")[1]
        assert [r.recorded[11:16] for r in log.records()] == [
            "09:00", "09:00", "09:01", "09:02", "09:03", "09:03", "09:03",
        ]  # fmt: skip

    def test_reappending_the_same_event_is_a_no_op(self, backend, clock):
        """An event already in the log with the same content is reported as existing, not written."""
        log = backend.open(clock)
        fill(log)
        receipts = log.append(statement(2, "2026-01-08"))
        assert [(r.id, r.seq, r.status) for r in receipts] == [("st-2", 3, "exists")]
        assert log.head().seq == 7

    def test_a_clock_that_steps_back_is_clamped(self, backend, clock):
        """A record is never stamped earlier than the one before it."""
        log = backend.open(clock)
        log.append(ACTOR)
        clock.set(datetime(2020, 1, 1, tzinfo=UTC))
        log.append(statement(1))
        assert [r.recorded for r in log.records()] == ["2026-01-12T09:00:00.000000Z"] * 2

    def test_a_second_handle_sees_and_extends_the_same_log(self, backend, clock):
        """Appends through one handle are read and built upon through another on the same store."""
        log = backend.open(clock)
        log.append(ACTOR)
        other = tracker.open(log.store, clock=clock)
        other.append(statement(1))
        log.append(statement(2))
        assert [r.event["id"] for r in other.records()] == ["reg-ofcom", "st-1", "st-2"]
        assert log.verify().records == 3


class TestRefused:
    @pytest.mark.parametrize(
        ("events", "error"),
        [
            ([statement(7), {**statement(8), "speaker": "ofcomm"}], UnknownIdError),
            ([statement(7), {**statement(1), "quote": "changed"}], ConflictError),
            ([statement(7), {**statement(8), "sources": []}], InvalidEventError),
        ],
        ids=["unknown-actor", "conflicting-id", "invalid-event"],
    )
    def test_a_refused_batch_leaves_nothing(self, backend, clock, events, error):
        """A batch with one bad event is refused whole: the head and the records are unchanged."""
        log = backend.open(clock)
        log.append([ACTOR, statement(1)])
        before = list(log.records())
        with pytest.raises(error):
            log.append(events)
        assert list(log.records()) == before
        assert log.head().seq == 2
        assert log.append(statement(7))[0].seq == 3

    def test_an_unknown_actor_suggests_the_close_one(self, backend, clock):
        """The refusal names the unknown actor and suggests the registered one."""
        log = backend.open(clock)
        log.append(ACTOR)
        with pytest.raises(UnknownIdError, match="unknown actor 'ofcomm'; did you mean 'ofcom'"):
            log.append({**statement(1), "speaker": "ofcomm"})


class TestRead:
    def test_read_resumes_after_a_position_it_gave(self, backend, clock):
        """Reading from the position given with record 3 yields records 4 to 7."""
        log = backend.open(clock)
        fill(log)
        positions = {record.seq: pos for record, pos in log.store.read()}
        assert [r.seq for r, _ in log.store.read(positions[3])] == [4, 5, 6, 7]
        assert list(log.store.read(positions[7])) == []
        assert log.store.read_lines().__next__()[0] == next(log.records()).line()

    def test_the_head_position_is_where_reading_ends(self, backend, clock):
        """Reading from the head's position yields nothing until something is appended."""
        log = backend.open(clock)
        fill(log)
        head = log.head()
        assert list(log.store.read(head.position)) == []
        log.append(statement(8))
        assert [r.seq for r, _ in log.store.read(head.position)] == [8]

    def test_position_of_a_seq_resumes_after_it(self, backend, clock):
        """position_of(5) is where record 6 starts; 0 is the start; beyond the head is refused."""
        log = backend.open(clock)
        fill(log)
        assert [r.seq for r, _ in log.store.read(log.store.position_of(5))] == [6, 7]
        assert [r.seq for r, _ in log.store.read(log.store.position_of(0))] == [1, 2, 3, 4, 5, 6, 7]
        with pytest.raises(InvalidInputError, match="no record 9"):
            log.store.position_of(9)

    def test_read_until_is_the_prefix_recorded_by_then(self, backend, clock):
        """read_until stops before the first record stamped after the cut-off."""
        log = backend.open(clock)
        fill(log)
        cut = "2026-01-12T09:01:30.000000Z"
        assert [r.seq for r, _ in log.store.read_until(until_recorded=cut)] == [1, 2, 3]
        assert [
            r.seq for r, _ in log.store.read_until(until_recorded="2026-01-12T09:02:00.000000Z")
        ] == [1, 2, 3, 4]
        assert list(log.store.read_until(until_recorded="2026-01-11T00:00:00.000000Z")) == []


class TestReplay:
    def test_known_at_replays_what_the_log_held_then(self, backend, clock):
        """known_at 09:01 sees the first three records: the actor and two statements."""
        log = backend.open(clock)
        fill(log)
        state = log.replay(known_at="2026-01-12T09:01")
        assert state.summary() == {
            "actors": 1, "topics": 0, "events": 2, "uncertain": 0, "fixes": 0, "head_seq": 3,
        }  # fmt: skip

    def test_as_of_counts_what_certainly_occurred(self, backend, clock):
        """as_of 2026-01-10 counts three statements and lists the January-February one as uncertain."""
        log = backend.open(clock)
        fill(log)
        state = log.replay(as_of="2026-01-10")
        assert [e.id for e in state.timeline()] == ["st-1", "st-4", "st-6", "st-2"]
        assert [e.id for e in state.uncertain()] == ["st-3"]
        assert state.placement("st-5") == "future"

    def test_a_correction_applies_by_known_at_alone(self, backend, clock):
        """A correction recorded later moves an event into an as_of window once known."""
        log = backend.open(clock)
        fill(log)
        log.append(
            {
                "type": "correction",
                "id": "fix-5",
                "corrects": "st-5",
                "replacement": {**statement(5, "2026-01-02"), "id": None},
                "reason": "wrong day",
            }
        )
        before = log.replay(as_of="2026-01-03", known_at="2026-01-12T09:03")
        after = log.replay(as_of="2026-01-03")
        assert [e.id for e in before.timeline()] == []
        assert [e.id for e in after.timeline()] == ["st-5"]


class TestAppendRecords:
    def test_copied_records_keep_their_bytes(self, backend, clock):
        """Records from another log go in as they are: same lines, same head."""
        source = tracker.open(":memory:", clock=clock)
        fill(source)
        target = backend.open(clock)
        with target.store.writer() as writer:
            writer.append_records(list(source.records()))
        assert [r.line() for r in target.records()] == [r.line() for r in source.records()]
        assert str(target.head()) == REFERENCE_HEAD
        assert target.verify().records == 7

    def _records(self, clock) -> list[Record]:
        source = tracker.open(":memory:", clock=clock)
        fill(source)
        return list(source.records())

    @pytest.mark.parametrize(
        ("mangle", "message"),
        [
            (lambda rs: rs[1:], "record 2 does not extend the log at 0"),
            (lambda rs: [rs[0], rs[2]], "record 3 does not extend the log at 1"),
            (
                lambda rs: [rs[0], Record(**{**_fields(rs[1]), "hash": "f" * 64})],
                "record 2 has a wrong hash",
            ),
            (lambda rs: rs[:4] + rs[4:6], "record 6 leaves its batch unfinished"),
        ],
        ids=["gap-at-start", "gap", "wrong-hash", "unfinished-batch"],
    )
    def test_records_that_do_not_extend_the_log_are_refused(self, backend, clock, mangle, message):
        """A gap, a wrong hash or a torn batch is refused, and nothing of it is written."""
        target = backend.open(clock)
        records = self._records(clock)
        with target.store.writer() as writer, pytest.raises(IntegrityError, match=message):
            writer.append_records(mangle(records))
        assert target.head().seq == 0
        assert list(target.records()) == []

    def test_records_recorded_before_the_head_are_refused(self, backend, clock):
        """A record stamped earlier than the record it follows is refused."""
        target = backend.open(clock)
        records = self._records(clock)
        early = _single(1, datetime(2030, 1, 1, tzinfo=UTC), records[0].event, ZERO_HASH)
        late = _single(2, datetime(2029, 1, 1, tzinfo=UTC), records[1].event, early.hash)
        with target.store.writer() as writer:
            writer.append_records([early])
            with pytest.raises(IntegrityError, match="recorded before"):
                writer.append_records([late])
        assert [r.seq for r in target.records()] == [1]


def _single(seq: int, when: datetime, event: dict[str, Any], prev: str) -> Record:
    """A record that is a batch of its own."""
    return make_record(
        seq=seq, recorded=when, batch_id=seq, batch_index=0, batch_count=1, event=event, prev=prev
    )


def _fields(record: Record) -> dict[str, Any]:
    return {name: getattr(record, name) for name in Record.__slots__}


class TestVerify:
    def test_an_edited_record_is_caught(self, backend, clock):
        """Changing one stored record's bytes makes verify name that record."""
        log = backend.open(clock)
        fill(log)
        line = next(r for r in log.records() if r.seq == 4).line()
        backend.tamper(log, 4, line.replace(b"quote 3", b"quote X"))
        with pytest.raises(IntegrityError, match="record 4: its hash does not match"):
            log.verify()

    def test_a_published_head_pins_the_log(self, backend, clock):
        """verify accepts a head the log extends and refuses one it does not."""
        log = backend.open(clock)
        fill(log)
        pinned = log.head()
        log.append(statement(8))
        assert log.verify(head=pinned).records == 8
        with pytest.raises(IntegrityError, match="does not extend the published head 7"):
            log.verify(head=f"7:{'0' * 64}")


class TestFollow:
    def test_follow_yields_what_another_handle_appends(self, backend, clock):
        """A follower started at the head receives the events appended afterwards, in order."""
        log = backend.open(clock)
        fill(log)
        stream = log.follow(after=log.head().seq, timeout=10, poll=0.01)
        got: list[tuple[int, str]] = []
        follower = threading.Thread(
            target=lambda: got.extend((e.seq, e.event.id) for e in itertools.islice(stream, 3))
        )
        follower.start()
        other = tracker.open(log.store, clock=clock)
        other.append(statement(8))
        other.append([statement(9), statement(10)])
        follower.join(timeout=20)
        assert got == [(8, "st-8"), (9, "st-9"), (10, "st-10")]

    def test_follow_from_a_seq_replays_then_stops_when_idle(self, backend, clock):
        """follow(after=5) yields records 6 and 7, then stops after the idle timeout."""
        log = backend.open(clock)
        fill(log)
        assert [(e.seq, e.event.id) for e in log.follow(after=5, timeout=0.05, poll=0.01)] == [
            (6, "st-5"),
            (7, "st-6"),
        ]
