"""The append path's fast ways give exactly what its careful ways give: records and errors."""

from __future__ import annotations

import copy
from importlib import resources
from pathlib import Path
from typing import Any

import orjson
import pytest

import tracker
from tracker.errors import InvalidEventError
from tracker.events.codec import prepare_event, prepare_events


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
