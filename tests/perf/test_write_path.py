"""The append path's fast ways give exactly what its careful ways give: records and errors."""

from __future__ import annotations

import copy
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import orjson
import pytest

import tracker
from tracker.errors import InvalidEventError
from tracker.events.codec import (
    EVENT_ADAPTER,
    _validate,
    event_to_dict,
    parse_event,
    prepare_event,
    prepare_events,
)


def _grok_events() -> list[dict[str, Any]]:
    """Every event of the bundled example (all types, given and derived ids), in log order."""
    text = resources.files("tracker.examples").joinpath("grok.jsonl").read_bytes()
    return [orjson.loads(line)["event"] for line in text.splitlines()]


def _untidy() -> list[dict[str, Any]]:
    """Events as a user types them: spaces to strip, unsorted tags, whole numbers, no ids."""
    src = [{"publisher": "  AP ", "url": "https://apnews.example/1", "published": "2026-01-09"}]
    return [
        {"type": "actor", "actor": "ofcom", "name": " Ofcom ", "kind": "regulator"},
        {"type": "topic", "topic": "paywall", "name": "Paywall", "tags": ["b", "a", "b"]},
        {"type": "statement", "speaker": "ofcom", "occurred": "2026-01-09", "sources": src,
         "quote": "  we are in touch  ", "topic": "paywall", "stance": -1, "id": None},
        {"type": "figure", "metric": "images", "value": 6700, "unit": "per_hour",
         "occurred": "2026-01~", "sources": src, "approximate": True},
        {"type": "figure", "metric": "loss", "lower": 1, "upper": 2.5, "unit": "USD_billion",
         "occurred": "..2026-01-12", "sources": src, "approximate": False},
    ]


def _wheres(i: int) -> str:
    return f"events.jsonl:{i + 1}"


@pytest.mark.parametrize("events", [_grok_events(), _untidy()], ids=["grok", "untidy"])
def test_a_batch_prepares_as_its_events_do_one_by_one(events: list[dict[str, Any]]) -> None:
    """Batch validation gives the same models, canonical dicts and digests as one at a time."""
    batch = prepare_events(copy.deepcopy(events), _wheres)
    alone = [prepare_event(e, where=_wheres(i)) for i, e in enumerate(copy.deepcopy(events))]
    assert [(m, d, g) for m, d, g in batch] == alone
    assert [orjson.dumps(d, option=orjson.OPT_SORT_KEYS) for _m, d, _g in batch] == [
        orjson.dumps(d, option=orjson.OPT_SORT_KEYS) for _m, d, _g in alone
    ]


def test_a_batch_with_bad_events_names_the_first_as_alone() -> None:
    """A batch holding bad events raises exactly the error its first bad event raises alone."""
    events = _untidy()
    events[2] = {**events[2], "stance": 7}
    events[4] = {**events[4], "lower": "x"}
    with pytest.raises(InvalidEventError) as batch:
        prepare_events(events, _wheres)
    with pytest.raises(InvalidEventError) as alone:
        prepare_event(events[2], where=_wheres(2))
    assert batch.value.message == alone.value.message
    assert batch.value.message == "events.jsonl:3: statement.stance: must be at most 2, got 7"


@pytest.mark.parametrize("events", [_grok_events(), _untidy()], ids=["grok", "untidy"])
def test_a_batch_of_models_prepares_as_its_models_do_one_by_one(
    events: list[dict[str, Any]],
) -> None:
    """Models (as tracker import reads them) dump in one call to what they give one by one."""
    models = [parse_event(e) for e in events]
    batch = prepare_events(models, _wheres)
    assert batch == [prepare_event(m) for m in models]
    assert [d for _m, d, _g in batch] == [d for _m, d, _g in prepare_events(events, _wheres)]


def test_a_batch_mixing_models_and_dicts_prepares_as_one_by_one() -> None:
    """Models in a batch are taken as they are, whichever path the batch goes."""
    events: list[Any] = _untidy()
    events[1] = prepare_event(events[1])[0]
    batch = prepare_events(events, _wheres)
    assert batch == [prepare_event(e) for e in events]


def test_appending_a_batch_writes_what_single_appends_write(tmp_path: Path, clock: Any) -> None:
    """A batch and the same events appended one at a time give the same event bytes."""
    events = _grok_events()
    with tracker.open(tmp_path / "batch.jsonl", create=True, clock=clock) as log:
        log.append(copy.deepcopy(events))
    with tracker.open(tmp_path / "single.jsonl", create=True, clock=clock) as log:
        for event in copy.deepcopy(events):
            log.append(event)

    def event_bytes(name: str) -> list[bytes]:
        lines = (tmp_path / name).read_bytes().splitlines()
        return [orjson.dumps(orjson.loads(x)["event"], option=orjson.OPT_SORT_KEYS) for x in lines]

    assert event_bytes("batch.jsonl") == event_bytes("single.jsonl")
    assert len(event_bytes("batch.jsonl")) == len(events)


def test_a_bad_batch_leaves_the_log_untouched(tmp_path: Path, clock: Any) -> None:
    """An invalid event late in a big batch refuses the whole batch, with its label."""
    path = tmp_path / "log.jsonl"
    events = _grok_events()
    bad = copy.deepcopy(events[5])
    bad["occurred"] = "2026-13-01"
    with tracker.open(path, create=True, clock=clock) as log:
        log.append(events[:3])
        before = path.read_bytes()
        with pytest.raises(InvalidEventError) as exc:
            log.append([*events[3:], bad], labels=[f"f:{i}" for i in range(len(events) - 2)])
        assert path.read_bytes() == before
    with pytest.raises(InvalidEventError) as alone:
        prepare_event(bad, where=f"f:{len(events) - 3}")
    assert exc.value.message == alone.value.message
    assert exc.value.message.startswith(f"f:{len(events) - 3}: ")


@pytest.mark.parametrize("events", [_grok_events(), _untidy()], ids=["grok", "untidy"])
def test_validating_by_type_gives_what_the_union_gives(events: list[dict[str, Any]]) -> None:
    """An event validated by its own model equals the union's result, field for field."""
    for event in events:
        by_type = _validate(copy.deepcopy(event), "")
        by_union = EVENT_ADAPTER.validate_python(copy.deepcopy(event))
        assert type(by_type) is type(by_union)
        assert by_type == by_union
        assert event_to_dict(by_type) == event_to_dict(by_union)


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"type": "statement", "speaker": "x", "occurred": "2026-01-09"},
         "statement.sources: required"),
        ({"type": ["statement"], "speaker": "x"}, "unknown event type '['statement']'"),
        ({"type": "statment", "speaker": "x"}, "unknown event type 'statment'; did you mean"),
        ({"type": "figure", "metric": "m", "unit": "count", "valu": 3, "occurred": "2026",
          "sources": [{"publisher": "AP", "url": "u"}]},
         "figure.valu: unknown field; did you mean 'value'?"),
    ],
)
def test_a_bad_event_gets_the_unions_message(event: dict[str, Any], message: str) -> None:
    """An event its own model refuses is reported as the union reports it."""
    with pytest.raises(InvalidEventError) as exc:
        prepare_event(event, where="f:1")
    assert exc.value.message.startswith(f"f:1: {message}")


def test_appending_a_statement_builds_no_other_validator(tmp_path: Path) -> None:
    """A fresh process appending one statement builds its model's validator and no other."""
    log = tmp_path / "log.jsonl"
    script = (
        "import sys, tracker\n"
        "from tracker.events import codec, models\n"
        f"log = tracker.open({str(log)!r}, create=True)\n"
        "log.append(dict(type='actor', actor='ofcom', name='Ofcom', kind='regulator'))\n"
        "log.append(dict(type='statement', speaker='ofcom', occurred='2026-01-09', quote='q',\n"
        "                sources=[dict(publisher='AP', url='https://a')]))\n"
        "log.close()\n"
        "built = sorted(n for n, m in models.EVENT_TYPES.items() if m.__pydantic_complete__)\n"
        "print(built, '_adapter' in vars(codec.EVENT_ADAPTER))\n"
    )
    argv = [sys.executable, "-c", script]
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['actor', 'statement'] False"


def _statement(n: int, **extra: Any) -> dict[str, Any]:
    return {"type": "statement", "speaker": "ofcom", "occurred": "2026-01-09",
            "quote": f"Statement {n}.", "sources": [{"publisher": "AP", "url": f"https://a/{n}"}],
            **extra}


def test_a_session_that_saved_its_index_looks_ids_up_in_the_database(
    tmp_path: Path, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index built in this process answers from its database once saved (what was saved
    left memory), as a reopened log does."""
    from tracker.derived import index as _index

    path = tmp_path / "log.jsonl"
    monkeypatch.setattr(_index, "_FLUSH_AT", 5)
    batch = [_statement(n) for n in range(20)]
    verify = {"type": "verification", "verifier": "ofcom", "target": "st-3", "verdict": "confirmed",
              "occurred": "2026-01-10", "sources": [{"publisher": "AP", "url": "https://a/v"}]}
    later = [_statement(3), _statement(21, id="st-3"), verify, _statement(22, id="st-22")]
    with tracker.open(path, create=True, clock=clock) as log:
        log.append([{"type": "actor", "actor": "ofcom", "name": "Ofcom", "kind": "regulator"}])
        log.append(batch)  # 21 pending lines: flushed
        folder = log.derived.folder
        assert folder is not None
        assert (folder / "index" / "state.json").exists()
        assert log._index.saved is True
        in_memory = log.append(copy.deepcopy(later))
        with pytest.raises(tracker.errors.ConflictError) as memory_conflict:
            log.append(_statement(99, id="st-3"))
    path.write_bytes(b"".join(path.read_bytes().splitlines(keepends=True)[:21]))
    shutil.rmtree(folder / "index")
    with tracker.open(path, clock=clock) as log:
        log.append([])  # builds and (on close) saves the index of the first 21 records
    with tracker.open(path, clock=clock) as log:
        assert log._index.saved is False
        from_files = log.append(copy.deepcopy(later))
        assert log._index.saved is True
        with pytest.raises(tracker.errors.ConflictError) as file_conflict:
            log.append(_statement(99, id="st-3"))
    assert [(r.id, r.status) for r in from_files] == [(r.id, r.status) for r in in_memory]
    assert [r.status for r in in_memory] == ["exists", "appended", "appended", "appended"]
    assert memory_conflict.value.message == file_conflict.value.message


def test_a_long_session_saves_its_index_every_flush_at_ids(
    tmp_path: Path, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index is saved each time _FLUSH_AT ids are pending (a save writes only those), so
    a long import never holds more of it than that."""
    from tracker.derived import index as _index

    monkeypatch.setattr(_index, "_FLUSH_AT", 4)
    flushed_at: list[int] = []
    real = _index.Index.flush

    def spy(self: Any) -> None:
        flushed_at.append(self.count)
        real(self)

    monkeypatch.setattr(_index.Index, "flush", spy)
    with tracker.open(tmp_path / "log.jsonl", create=True, clock=clock) as log:
        log.append([{"type": "actor", "actor": "ofcom", "name": "Ofcom", "kind": "regulator"}])
        for n in range(20):
            log.append(_statement(n))
        assert flushed_at == [4, 8, 12, 16, 20]
    assert flushed_at == [4, 8, 12, 16, 20, 21]  # and close saves the rest
