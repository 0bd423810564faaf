"""Events rebuilt from validated bytes without validating again equal validated ones exactly.

The read model reads records back and, once their bytes hash to what it noted when it walked
(and validated) them, rebuilds each event without validating it again
(:func:`tracker.events.trusted.trusted_event`). That is only right if the objects are the very
ones validation makes: here each is compared with the validated one field by field, down
every nested model and tuple, by value and by type (a float field read from ``5`` is ``5.0``,
as validation makes it; ``==`` alone would not tell them apart), with the same fields set.
"""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from tracker.events.codec import EVENT_ADAPTER, canonical_bytes, prepare_event
from tracker.events.models import EVENT_TYPES
from tracker.events.trusted import trusted_event
from tracker.examples import demo_log_path
from tracker.store.records import HASH_KEY

from .projections.strategies import random_log


def assert_same(built: Any, validated: Any, where: str = "event") -> None:
    """``built`` is ``validated``'s twin: the same types and values all the way down."""
    assert type(built) is type(validated), f"{where}: {type(built)} != {type(validated)}"
    if isinstance(validated, BaseModel):
        assert built.__pydantic_fields_set__ == validated.__pydantic_fields_set__, where
        assert list(built.__dict__) == list(validated.__dict__), where
        assert built.__pydantic_extra__ == validated.__pydantic_extra__, where
        assert built.__pydantic_private__ == validated.__pydantic_private__, where
        for name, value in validated.__dict__.items():
            assert_same(built.__dict__[name], value, f"{where}.{name}")
    elif isinstance(validated, tuple):
        assert len(built) == len(validated), where
        for i, (a, b) in enumerate(zip(built, validated, strict=True)):
            assert_same(a, b, f"{where}[{i}]")
    else:
        assert built == validated, where
    assert built == validated, where


def check_line(line: bytes) -> str:
    """Rebuild a stored record's event both ways, compare them; return its type."""
    event = orjson.loads(line[: line.rfind(HASH_KEY)] + b"}")["event"]
    raw = canonical_bytes(event)
    validated = EVENT_ADAPTER.validator.validate_json(raw)
    assert_same(trusted_event(orjson.loads(raw)), validated)
    assert_same(trusted_event(event), validated)
    return str(validated.type)


def test_every_event_of_the_bundled_log_is_rebuilt_as_validation_builds_it() -> None:
    """Every record of the Grok log (every event type, real sources, dates, relations)."""
    seen = {check_line(line) for line in demo_log_path().read_bytes().splitlines()}
    assert seen >= set(EVENT_TYPES) - {"retraction", "supersession"}  # (those: below)


FULL: list[dict[str, Any]] = [
    {"type": "actor", "actor": "a", "name": " A ", "kind": "media", "aliases": ["x", "y"],
     "relations": [{"type": "part_of", "target": "b", "start": "2025", "end": "2026-01~"}],
     "jurisdiction": "GB", "occurred": "2025-03", "summary": "s", "tags": ["b", "a", "a"]},
    {"type": "topic", "topic": "t", "name": "T", "description": "d"},
    {"type": "statement", "speaker": "a", "quote": "q", "topic": "t", "stance": -2,
     "about": ["b"], "occurred": "2026-01-02..2026-01-05", "reported": "2026-01-06T10:00Z",
     "sources": [{"publisher": "P", "publisher_id": "p", "url": "https://p", "published":
                  "2026-01-06", "quote": "w"}, {"publisher": "Q", "citation": "c"}]},
    {"type": "figure", "metric": "m", "value": 5, "unit": "count", "approximate": True,
     "period": "2026-01", "subject": "a", "reported_by": "b", "occurred": "..2026-01-09",
     "sources": [{"publisher": "P", "url": "u"}]},
    {"type": "figure", "metric": "m", "lower": 1, "upper": 2.5, "unit": "USD_billion",
     "occurred": "2026", "sources": [{"publisher": "P", "url": "u"}]},
    {"type": "figure", "metric": "m", "unquantified": True, "unit": "count",
     "occurred": "2026", "sources": [{"publisher": "P", "url": "u"}]},
    {"type": "policy_change", "actor": "a", "product": "b", "rule": "r", "before": "x",
     "after": "y", "topic": "t", "stance": 1, "occurred": "2026-02-01T12:30:00+01:00",
     "sources": [{"publisher": "P", "url": "u"}]},
    {"type": "regulatory_action", "regulator": "a", "target": "b", "rung": "fine_imposed",
     "jurisdiction": "EU", "restriction": None, "occurred": "2026-02-01",
     "sources": [{"publisher": "P", "url": "u"}]},
    {"type": "verification", "verifier": "a", "target": "ev-1", "verdict": "contradicted",
     "finding": "f", "occurred": "2026-02-01", "sources": [{"publisher": "P", "url": "u"}]},
    {"type": "incident", "harm": "h", "victims": "v", "location": "l", "actors": ["a", "b"],
     "occurred": "2026-02-01", "sources": [{"publisher": "P", "url": "u"}]},
    {"type": "retraction", "retracts": "ev-1", "reason": "r"},
    {"type": "supersession", "supersedes": "ev-1", "by": "ev-2", "reason": "r"},
    {"type": "correction", "corrects": "ev-1", "reason": "r", "replacement": {
        "type": "figure", "metric": "m", "value": 7, "unit": "count", "occurred": "2026",
        "sources": [{"publisher": "P", "url": "u"}]}},
]
"""Every type, with every optional field given (and values validation rewrites)."""


def test_every_field_of_every_type_is_rebuilt_as_validation_builds_it() -> None:
    """Each type with all its fields (whole numbers in float fields, aliases, a null)."""
    for data in FULL:
        line = b"{\"event\":" + canonical_bytes(prepare_event(data)[1]) + b",\"hash\":\"0\"}"
        check_line(line)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), length=st.integers(1, 40))
def test_random_logs_are_rebuilt_as_validation_builds_them(data: st.DataObject, length: int) -> None:
    """Every record of random logs with every kind of fix."""
    log = random_log(data, length)
    for line, _ in log.store.read_lines():
        check_line(line)


def test_whole_numbers_in_float_fields_become_floats() -> None:
    """A record written with ``"value":5`` (as an older tracker might) reads back as 5.0."""
    line = (b'{"event":{"type":"figure","metric":"m","value":5,"lower":4,"upper":6,'
            b'"unit":"count","occurred":"2026","sources":[{"publisher":"P","url":"u"}]},'
            b'"hash":"0"}')
    check_line(line)
    built = trusted_event(orjson.loads(line)["event"])
    assert type(built.value) is float  # type: ignore[union-attr]
