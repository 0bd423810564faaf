"""Property: the read model answers every question exactly as the in-memory fold does.

On random logs with every kind of fix (and records sharing one recorded time), the read model
is built in random steps (caught up after some appends, as a log in use is), then asked every
question the state answers at random clock pairs, known_at cutting at record boundaries and
between them, or given as a record number (``@N``, inside a batch too: the rest of the batch
is left out), as_of placing events before, inside and after their date intervals. Every answer
(every projection, every field, the entries themselves, the errors for unknown ids) equals the
fold's, which stays the reference.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tracker
from tracker._known import resolve
from tracker.derived import files
from tracker.derived.readmodel import ReadModel
from tracker.derived.readmodel.source import StoreSource
from tracker.errors import TrackerError
from tracker.events.dates import format_instant, parse_instant_bound
from tracker.projections.state import State

from .strategies import ACTORS, TAGS, TOPICS, random_log, snapshot

EXAMPLES = int(os.environ.get("TRACKER_READMODEL_EXAMPLES", "25"))


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(tmp_path / "cache"))


def _outcome(question: Callable[[], Any]) -> Any:
    """A question's answer, or the error it raises (type and message)."""
    try:
        return question()
    except TrackerError as exc:
        return (type(exc).__name__, str(exc))


def answers(state: State) -> dict[str, Any]:
    """Everything a state answers: every projection, by every filter, and its internals."""
    out = snapshot(state)
    ids = sorted({e.id for e in state.timeline()} | {e.id for e in state.uncertain()}
                 | {f.target for f in state.fixes()} | {f.fix.id or "" for f in state.fixes()}
                 | {"nothing-here"})
    out |= {
        "entries": list(state.timeline()),
        "uncertain_entries": list(state.uncertain()),
        "summary": state.summary(),
        "head": (state.head_seq, state.head_hash),
        "clocks": (state.as_of, state.known_at, state.known_seq),
        "by_id": [(state.entry(i), state.placement(i), state.history(i),
                   list(state.verifications_of(i)), state.fix(i)) for i in ids],
        "fixes": state.fixes(),
        "retracted": state.retracted(),
        "registry": (state.actors, state.topics, state.registry.actor_entries,
                     state.registry.topic_entries),
    }
    for name in (*ACTORS, "a9", "A0"):
        out[f"actor {name}"] = _outcome(lambda n=name: state.actor(n).to_json())
        out[f"actor view {name}"] = _outcome(lambda n=name: state.actor(n))
        out[f"stances of {name}"] = _outcome(lambda n=name: state.stances(holder=n))
        out[f"changes of {name}"] = _outcome(lambda n=name: state.stance_changes(holder=n))
        out[f"figures about {name}"] = _outcome(lambda n=name: state.figures(subject=n))
        out[f"figures by {name}"] = _outcome(lambda n=name: state.figures(reporter=n))
        out[f"posture of {name}"] = _outcome(lambda n=name: state.posture(regulator=n))
        out[f"posture on {name}"] = _outcome(lambda n=name: state.posture(target=n))
        out[f"timeline of {name}"] = _outcome(lambda n=name: list(state.timeline(actor=n)))
        for other in ACTORS:
            out[f"pair {name} {other}"] = _outcome(
                lambda n=name, o=other: state.posture(regulator=n, target=o)
            )
    for topic in (*TOPICS, "t9"):
        out[f"stances on {topic}"] = _outcome(lambda t=topic: state.stances(topic=t))
        out[f"changes on {topic}"] = _outcome(lambda t=topic: state.stance_changes(topic=t))
        out[f"timeline on {topic}"] = _outcome(lambda t=topic: list(state.timeline(topic=t)))
        for holder in (*ACTORS, "a9"):
            out[f"history {holder} {topic}"] = _outcome(
                lambda h=holder, t=topic: state.stance_history(h, t).to_json()
            )
    for metric in ("m0", "m1", "m9"):
        out[f"figures {metric}"] = _outcome(lambda m=metric: state.figures(metric=m))
        out[f"figures {metric} per day"] = _outcome(
            lambda m=metric: state.figures(metric=m, unit="per_day").to_json()
        )
    out["figures in furlongs"] = _outcome(lambda: state.figures(unit="furlong"))
    for unit in ("count:aircraft", "thousand:aircraft", "million:posts"):  # counts of things
        out[f"figures in {unit}"] = _outcome(lambda u=unit: state.figures(metric="m1", unit=u))
    for kind in ("statement", "figure", "regulatory_action", "verification", "incident",
                 "policy_change"):
        out[f"timeline {kind}"] = list(state.timeline(type=kind))
    for tag in TAGS:
        out[f"timeline {tag}"] = list(state.timeline(tag=tag))
    return out


def read_model(log: tracker.Log) -> tuple[ReadModel, StoreSource]:
    """A read model of a file log, in a private folder of the cache."""
    source = StoreSource(log.store)
    folder = files.log_folder("file", str(log.location), "test")
    return ReadModel(folder, "test", source.lines_at, source.anchored), source


def clock_pairs(data: st.DataObject, log: tracker.Log) -> Iterator[tuple[Any, Any]]:
    """(as_of, known_at) pairs: unbounded, at record stamps, between them, before the log, and
    record numbers (0: the empty log)."""
    stamps = sorted({r.recorded for r in log.records()})
    cutoffs: list[str | int | None] = [None, "2025-12-31T00:00:00.000000Z"]
    for _ in range(3):
        if stamps:
            stamp = data.draw(st.sampled_from(stamps), label="known_at at a record")
            cutoffs.append(stamp)
            between = parse_instant_bound(stamp) + timedelta(seconds=30)
            cutoffs.append(format_instant(between))
        cutoffs.append(data.draw(st.integers(0, len(log)), label="known_at as a record number"))
    as_ofs = [None, "2026-01-03", "2026-01-09", "2026-01-15", "2026-01-31T23:59:59Z"]
    for known_at in cutoffs:
        yield data.draw(st.sampled_from(as_ofs), label="as_of"), known_at


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), length=st.integers(0, 28))
def test_the_read_model_answers_as_the_fold(data: st.DataObject, length: int) -> None:
    """Built in random steps, the read model answers every question at every clock pair as the
    fold does, down to each entry and each error."""
    memory = random_log(data, length)
    records = list(memory.records())
    from tracker.derived.readmodel import build, state

    chunks = (build.CHUNK, state.CHUNK)  # small chunks: every boundary is crossed somewhere
    build.CHUNK = data.draw(st.integers(1, 6), label="records per build chunk")
    state.CHUNK = data.draw(st.integers(1, 6), label="rows per read chunk")
    try:
        _check_read_model(data, records)
    finally:
        build.CHUNK, state.CHUNK = chunks


def _check_read_model(data: st.DataObject, records: list[Any]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        log = tracker.open(folder / "log.jsonl", create=True)
        model, source = read_model(log)
        i = 0
        while i < len(records):  # append some records, sometimes catch the read model up
            size = data.draw(st.integers(1, 8), label="records appended")
            batch_end = i + size
            while batch_end < len(records) and not records[batch_end - 1].closes_batch:
                batch_end += 1
            with log.store.writer() as writer:
                writer.append_records(records[i:batch_end])
            i = batch_end
            if data.draw(st.booleans(), label="catch up now"):
                model.extend(source.stream)
        model.extend(source.stream)
        assert model.covered.seq == len(records)
        for as_of, known_at in clock_pairs(data, log):
            fold = log.replay(as_of=as_of, known_at=known_at, fold=True)
            _k, upto = resolve(log, known_at)  # (a record number: that record, as the facade)
            read = model.state(as_of=fold.as_of, known_at=fold.known_at, upto=upto)
            assert answers(read) == answers(fold), (as_of, known_at)
            if upto is not None:
                assert (fold.known_seq, fold.head_seq) == (known_at, known_at)
            tested = {getattr(v.event, "target", "") for v in fold.timeline(type="verification")}
            for target in tested:  # what `tracker show` lists: the timeline's verifications of it
                assert list(fold.verifications_of(target)) == [
                    v for v in fold.timeline(type="verification") if v.event.target == target  # type: ignore[union-attr]
                ]
        model.close()
        facade = log.replay(as_of=as_of, known_at=known_at)  # the facade's own read model
        assert type(facade).__name__ == "ReadState"
        assert answers(facade) == answers(fold)
        if records:  # and a record number through the facade, inside a batch when there is one
            n = data.draw(st.integers(1, len(records)), label="the facade's @N")
            by_number = log.replay(as_of=as_of, known_at=f"@{n}")
            assert type(by_number).__name__ == "ReadState"
            assert answers(by_number) == answers(log.replay(as_of=as_of, known_at=n, fold=True))
        log.close()


def test_a_state_from_the_read_model_is_fixed_at_its_clocks(tmp_path: Path) -> None:
    """A read state cannot be advanced, rewound or moved: it says to replay again."""
    log = tracker.open(tmp_path / "log.jsonl", create=True)
    log.append({"type": "actor", "actor": "a0", "name": "A", "kind": "other"})
    model, source = read_model(log)
    model.extend(source.stream)
    state = model.state(as_of=None, known_at=None)
    for move in (lambda: state.advance(2, "", None), lambda: state.rewind(datetime.now(), ""),
                 lambda: state.place_at(datetime.now())):
        with pytest.raises(TypeError, match="replay again"):
            move()
    assert list(state.actors) == ["a0"]
