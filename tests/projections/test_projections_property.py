"""Property: advancing a State batch by batch gives the projections a fresh replay gives."""

from __future__ import annotations

import pickle
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tracker
from tracker.events.dates import parse_instant_bound
from tracker.projections.state import State

from .strategies import SOURCE, Clock, random_log, snapshot


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    length=st.integers(0, 24),
    as_of=st.sampled_from((None, "2026-01-03", "2026-01-09", "2026-01-15")),
)
def test_batches_equal_one_pass(data: st.DataObject, length: int, as_of: str | None) -> None:
    """Feeding the log to a State in random batches, querying between, matches a replay at each point."""
    log = random_log(data, length)
    stored = list(log.events())
    state = State(as_of=parse_instant_bound(as_of) if as_of else None)
    i = 0
    while i < len(stored):
        size = data.draw(st.integers(1, 6), label="batch size")
        for item in stored[i : i + size]:
            state.advance(item.seq, item.recorded, item.event)
        i += size
        known_at = stored[min(i, len(stored)) - 1].recorded
        if i < len(stored) and stored[i].recorded == known_at:
            continue  # mid-way through one append (one recorded time): no replay stops here
        assert snapshot(state) == snapshot(log.replay(as_of=as_of, known_at=known_at))
    assert snapshot(state) == snapshot(log.replay(as_of=as_of))


def internals(state: State) -> dict[str, Any]:
    """What a state knows beyond its projections: every event's version, place and history."""
    ids = sorted({*state._replayer.entries, *state._replayer.placement})  # noqa: SLF001
    return {
        "summary": state.summary(),
        "head_seq": state.head_seq,
        "entries": [state.entry(i) for i in ids],
        "placement": [state.placement(i) for i in ids],
        "history": [state.history(i) for i in ids],
        "fixes": state.fixes(),
        "retracted": state.retracted(),
        "registry": (state.actors, state.topics),
        "uncertain": state.uncertain().ids(),
    }


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    length=st.integers(0, 30),
    as_of=st.sampled_from((None, "2026-01-03", "2026-01-09", "2026-01-15")),
)
def test_a_checkpoint_rewound_and_placed_equals_a_replay(
    data: st.DataObject, length: int, as_of: str | None
) -> None:
    """The whole log's state, pickled as a checkpoint, rewound to any known_at and placed at an
    as_of, equals a replay at those clocks; it folds on and rewinds again alike."""
    log = random_log(data, length)
    stored = list(log.events())
    whole = State()
    for item in stored:
        whole.advance(item.seq, item.recorded, item.event)
    checkpoint = pickle.dumps(whole, protocol=pickle.HIGHEST_PROTOCOL)
    world = parse_instant_bound(as_of) if as_of else None
    stamps = sorted({item.recorded for item in stored})
    for cutoff in ["2025-12-31T00:00:00.000000Z", *stamps]:
        state = pickle.loads(checkpoint)  # noqa: S301 - made just above
        head = state.rewind(parse_instant_bound(cutoff), cutoff)
        if world is not None:
            state.place_at(world)
        fresh = log.replay(as_of=as_of, known_at=cutoff)
        assert head == fresh.head_seq
        assert snapshot(state) == snapshot(fresh)
        assert internals(state) == internals(fresh)
        for item in stored[head:]:
            state.advance(item.seq, item.recorded, item.event)
        assert snapshot(state) == snapshot(log.replay(as_of=as_of))
        again = data.draw(st.sampled_from(stamps), label="a second cutoff")
        state.rewind(parse_instant_bound(again), again)
        assert internals(state) == internals(log.replay(as_of=as_of, known_at=again))


def test_a_second_rewind_finds_records_behind_a_restored_retraction() -> None:
    """A retraction taken back puts its event at the end; a later, earlier rewind still finds all."""
    log = tracker.open(":memory:", clock=Clock())
    log.append({"type": "actor", "actor": "a0", "name": "a0", "kind": "other"})
    log.append({**_STATEMENT, "id": "e1"})
    log.append({**_STATEMENT, "id": "e2", "quote": "later"})
    log.append({"type": "retraction", "retracts": "e1", "reason": "r"})
    stamps = [item.recorded for item in log.events()]
    state = log.replay()
    state.rewind(parse_instant_bound(stamps[2]), stamps[2])  # e1 is back, after e2
    assert [state.placement(i) for i in ("e1", "e2")] == ["counted", "counted"]
    state.rewind(parse_instant_bound(stamps[1]), stamps[1])
    assert state.entry("e2") is None
    assert internals(state) == internals(log.replay(known_at=stamps[1]))


_STATEMENT = {"type": "statement", "speaker": "a0", "quote": "q", "occurred": "2026-01-05",
              "sources": SOURCE}
