"""known_at as a record: ``@28`` (the log as it stood just after record 28) and a published head.

A replay to record N is the fold of records 1..N exactly, whatever their recorded times (the
rest of record N's batch shares its time and is left out), answered by the read model as by
the in-memory fold; a head (its note, SEQ:HASH, a Head, a Checkpoint) means its size, and its
hash must match.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import tracker
from tracker.errors import IntegrityError, InvalidInputError
from tracker.events.codec import load_event
from tracker.examples import demo_log_path
from tracker.projections.state import State

from .conftest import StepClock


def answers(state: State) -> tuple[Any, ...]:
    """Every answer of a state, as JSON values."""
    return (
        state.timeline().to_records(),
        [e.id for e in state.uncertain()],
        state.stances().to_json(),
        state.stance_changes().to_json(),
        state.figures().to_json(),
        state.posture().to_json(),
        state.disputes().to_json(),
        sorted(state.actors),
    )


def fold_prefix(log: tracker.Log, n: int, as_of: datetime | None) -> State:
    """The reference: records 1..n folded one by one."""
    state = State(as_of=as_of)
    for record, _pos in log.store.read():
        if record.seq > n:
            break
        state.advance(record.seq, record.recorded, load_event(record.event), record.hash)
    return state


@pytest.fixture
def grok(tmp_path: Path) -> tracker.Log:
    """A copy of the bundled log (its first batch holds 12 records with one recorded time)."""
    path = tmp_path / "grok.jsonl"
    shutil.copyfile(demo_log_path(), path)
    return tracker.open(path)


@pytest.mark.parametrize("as_of", [None, "2026-01-10"])
def test_every_record_number_replays_that_prefix(grok: tracker.Log, as_of: str | None) -> None:
    """@n equals the fold of records 1..n, from the read model and folded in memory."""
    bound = tracker.open(grok.location).replay(as_of=as_of).as_of
    for n in range(grok.head().seq + 1):
        reference = fold_prefix(grok, n, bound)
        for fold in (False, True):
            state = grok.replay(as_of=as_of, known_at=n, fold=fold)
            assert type(state).__name__ == ("State" if fold else "ReadState")
            assert answers(state) == answers(reference), (n, fold)
            assert (state.head_seq, state.known_seq) == (n, n)
            assert state.head_hash == (reference.head_hash if n else None)
        assert answers(grok.replay(as_of=as_of, known_at=f"@{n}")) == answers(reference)


def test_a_record_inside_a_batch_leaves_the_rest_of_the_batch_out(grok: tracker.Log) -> None:
    """Records 1-12 share one recorded time: @5 keeps five of them, a date keeps all twelve."""
    first = next(iter(grok.store.read()))[0]
    for fold in (False, True):
        by_date = grok.replay(known_at=first.recorded, fold=fold)
        by_record = grok.replay(known_at="@5", fold=fold)
        assert (by_date.head_seq, len(by_date.actors)) == (12, by_date.head_seq - 2)
        assert by_record.head_seq == 5 and len(by_record.actors) == 5
        assert by_record.known_at == datetime.fromisoformat(first.recorded)


def test_an_actors_view_at_a_record(grok: tracker.Log) -> None:
    """Log.actor takes a record number too, and agrees with the fold's view."""
    for n in (5, 14, 20, 30):
        assert grok.actor("xai", known_at=n).to_json() == grok.replay(
            known_at=n, fold=True
        ).actor("xai").to_json()


def test_a_published_head_in_every_form(grok: tracker.Log) -> None:
    """A Head, a Checkpoint, its note and SEQ:HASH all replay to the head's size."""
    head = grok.head()
    note = grok.checkpoint().note()
    forms: list[Any] = [head, grok.checkpoint(), note, str(head), f"  {head}\n"]
    for form in forms:
        for fold in (False, True):
            state = grok.replay(known_at=form, fold=fold)
            assert (state.known_seq, state.head_hash) == (head.seq, head.hash)


def test_a_head_of_another_log_is_refused(grok: tracker.Log) -> None:
    """A head whose hash the log's record does not have is an integrity error, naming it."""
    wrong = f"12:{'ab' * 32}"
    with pytest.raises(IntegrityError, match=r"does not extend the head 12:abababababab"):
        grok.replay(known_at=wrong)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (99, r"no record 99 in .*its last record is 33"),
        ("@99", r"no record 99"),
        (-1, r"known_at=-1: a record number is 0"),
        ("@x", r"known_at='@x': a record number is @N"),
        (True, r"known_at=True: give a date, a record number"),
    ],
)
def test_bad_record_numbers_speak_python(grok: tracker.Log, value: Any, message: str) -> None:
    """A record the log lacks, or a malformed one, is refused in the API's own terms."""
    with pytest.raises(InvalidInputError, match=message):
        grok.replay(known_at=value)


def test_at_zero_is_the_empty_log(grok: tracker.Log) -> None:
    """@0 replays nothing."""
    for fold in (False, True):
        state = grok.replay(known_at="@0", fold=fold)
        assert (state.head_seq, state.known_seq, len(state.actors)) == (0, 0, 0)
        assert (state.head_hash, state.timeline().to_records()) == (None, [])


def test_fixes_inside_one_batch(tmp_path: Path, clock: StepClock) -> None:
    """A correction and a retraction appended in one batch apply record by record."""
    with tracker.init(tmp_path / "own.jsonl", clock=clock) as log:
        log.append([{"type": "topic", "topic": "t", "name": "T"}])
        source = [{"publisher": "P", "url": "https://example.org/a"}]
        figure = {
            "type": "figure",
            "id": "f",
            "occurred": "2026-02-01",
            "metric": "m",
            "value": 1,
            "unit": "count",
            "sources": source,
        }
        replacement = {**figure, "value": 2}
        del replacement["id"]
        log.append(
            [
                figure,
                {"type": "correction", "id": "c", "corrects": "f", "replacement": replacement,
                 "reason": "typo"},
                {"type": "retraction", "id": "r", "retracts": "f", "reason": "duplicate"},
            ]
        )
        values = [
            [
                [p["value"] for s in log.replay(known_at=n, fold=fold).figures().to_json()
                 for p in s["points"]]
                for n in range(5)
            ]
            for fold in (False, True)
        ]
    assert values == [[[], [], [1.0], [2.0], []]] * 2
