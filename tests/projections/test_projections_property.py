"""Property: advancing a State batch by batch gives the projections a fresh replay gives."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tracker
from tracker.events.dates import parse_instant_bound
from tracker.events.models import RUNGS
from tracker.projections.state import State

ACTORS = ("a0", "a1", "a2", "a3")
TOPICS = ("t0", "t1")
UNITS = ("per_hour", "per_day", "count", "USD_billion")
SOURCE = [{"publisher": "P", "url": "https://p.example"}]


class Clock:
    """Record time: one minute per record, with jumps of whole days when asked."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


dates = st.one_of(
    st.integers(1, 20).map(lambda d: f"2026-01-{d:02d}"),
    st.integers(1, 20).map(lambda d: f"..2026-01-{d:02d}"),
    st.integers(1, 10).map(lambda d: f"2026-01-{d:02d}..2026-01-{d + 5:02d}"),
    st.just("2026-01"),
)


def draw_event(
    data: st.DataObject, n: int, live: dict[str, dict[str, Any]]
) -> dict[str, Any] | None:
    """Draw one valid event given the live (not retracted) world events so far."""
    kinds = ["statement", "figure", "action"]
    if live:
        kinds += ["verification", "correction", "retraction", "supersession"]
    if any(e["type"] == "regulatory_action" and e["rung"] in RUNGS for e in live.values()):
        kinds.append("closure")
    kind = data.draw(st.sampled_from(kinds))
    eid = f"e{n}"
    base = {"id": eid, "occurred": data.draw(dates), "sources": SOURCE}
    if kind == "statement":
        topic = data.draw(st.sampled_from((None, *TOPICS)))
        ev = {
            **base,
            "type": "statement",
            "speaker": data.draw(st.sampled_from(ACTORS)),
            "quote": "q",
        }
        if topic is not None:
            ev["topic"] = topic
            ev["stance"] = data.draw(st.integers(-2, 2))
        return ev
    if kind == "figure":
        return {
            **base,
            "type": "figure",
            "metric": data.draw(st.sampled_from(("m0", "m1"))),
            "value": data.draw(st.integers(0, 10_000)),
            "unit": data.draw(st.sampled_from(UNITS)),
            "subject": data.draw(st.sampled_from(ACTORS)),
        }
    if kind == "action":
        return {
            **base,
            "type": "regulatory_action",
            "regulator": data.draw(st.sampled_from(ACTORS[:2])),
            "target": data.draw(st.sampled_from(ACTORS[2:])),
            "rung": data.draw(st.sampled_from(RUNGS)),
        }
    if kind == "closure":
        opened = sorted(
            k for k, e in live.items() if e["type"] == "regulatory_action" and e["rung"] in RUNGS
        )
        ended = live[data.draw(st.sampled_from(opened))]
        return {
            **base,
            "type": "regulatory_action",
            "regulator": ended["regulator"],
            "target": ended["target"],
            "rung": data.draw(st.sampled_from(("closure", "withdrawal"))),
            "ends": ended["id"],
        }
    target = data.draw(st.sampled_from(sorted(live)))
    if kind == "verification":
        return {
            **base,
            "type": "verification",
            "verifier": data.draw(st.sampled_from(ACTORS)),
            "target": target,
            "verdict": data.draw(
                st.sampled_from(("confirmed", "contradicted", "partly_confirmed"))
            ),
        }
    if kind == "retraction":
        return {"type": "retraction", "id": eid, "retracts": target, "reason": "r"}
    if kind == "supersession":
        others = sorted(k for k in live if k != target)
        if not others:
            return None
        return {
            "type": "supersession",
            "id": eid,
            "supersedes": target,
            "by": data.draw(st.sampled_from(others)),
            "reason": "s",
        }
    old = live[target]
    refs = (
        [old["ends"]] if "ends" in old else [old["target"]] if old["type"] == "verification" else []
    )
    if any(ref not in live for ref in refs):
        return None  # the replacement would point at a retracted event: the log refuses that
    replacement = {k: v for k, v in old.items() if k != "id"}
    replacement["occurred"] = data.draw(dates)
    if old["type"] == "statement" and "stance" in old:
        replacement["stance"] = data.draw(st.integers(-2, 2))
    elif old["type"] == "figure":
        replacement["value"] = data.draw(st.integers(0, 10_000))
    elif old["type"] == "regulatory_action" and old["rung"] in RUNGS:
        replacement["rung"] = data.draw(st.sampled_from(RUNGS))
    elif old["type"] == "verification":
        replacement["verdict"] = data.draw(st.sampled_from(("confirmed", "contradicted")))
    return {
        "type": "correction",
        "id": eid,
        "corrects": target,
        "replacement": replacement,
        "reason": "c",
    }


def random_log(data: st.DataObject, length: int) -> tracker.Log:
    """A memory log of the actors and topics, then ``length`` drawn events (fixes among them)."""
    log = tracker.open(":memory:", clock=Clock())
    log.append([{"type": "actor", "actor": a, "name": a, "kind": "other"} for a in ACTORS])
    log.append([{"type": "topic", "topic": t, "name": t} for t in TOPICS])
    live: dict[str, dict[str, Any]] = {}
    for n in range(length):
        if data.draw(st.integers(0, 9), label="rename an actor") == 0:
            actor = data.draw(st.sampled_from(ACTORS))
            log.append({"type": "correction", "corrects": log.replay().registry.actor_entries[actor].id,
                        "replacement": {"type": "actor", "actor": actor, "name": f"{actor} {n}",
                                        "kind": "other"}, "reason": "renamed"})
        ev = draw_event(data, n, live)
        if ev is None:
            continue
        log.append(ev)
        if ev["type"] == "retraction":
            del live[ev["retracts"]]
        elif ev["type"] == "correction":
            live[ev["corrects"]] = {**ev["replacement"], "id": ev["corrects"]}
        elif ev["type"] != "supersession":
            live[ev["id"]] = ev
    return log


def snapshot(state: State) -> dict[str, Any]:
    """Every projection's JSON form."""
    return {
        "timeline": state.timeline().to_records(),
        "stances": state.stances().to_json(),
        "changes": state.stance_changes().to_json(),
        "histories": [
            state.stance_history(a, t).to_json() for a in state.actors for t in state.topics
        ],
        "figures": state.figures().to_json(),
        "per_day": state.figures(metric="m0", unit="per_day").to_json()
        if _rates_only(state)
        else None,
        "posture": state.posture().to_json(),
        "disputes": state.disputes().to_json(),
        "actors": [state.actor(a).to_json() for a in state.actors],
        "uncertain": state.uncertain().ids(),
    }


def _rates_only(state: State) -> bool:
    """Whether metric m0 is on record with rates alone (a metric not on record is refused)."""
    return "m0" in state.metrics() and all(
        p.unit in ("per_hour", "per_day") for p in state.figures(metric="m0").points
    )


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
