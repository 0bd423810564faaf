"""The fast import path reads exactly what the careful one reads, and refuses what it refuses.

``tracker import`` parses a JSONL line with orjson when the raw bytes prove the careful reader
(:func:`tracker._json.load_json_line`) would give the same value, and validates, dumps and
digests the whole file in one pass that ``Log.append_prepared`` then uses as it is. These tests
hold the fast path to the careful one: the same value or the same error for generated lines
(duplicate keys, big integers, NaN, odd whitespace, escapes), the same events and ids from
``read_events`` as line-by-line validation, and the same log bytes as ``Log.append`` of the
file's dicts.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tracker
from tracker import _import, _json
from tracker._import import prepare_file, read_events
from tracker._json import load_json_fast, load_json_line
from tracker.cli import main
from tracker.errors import InvalidFileError
from tracker.events.codec import event_to_dict, parse_event, prepare_event


def _outcome(parse: Any, line: bytes) -> tuple[str, str, str]:
    """What a reader makes of a line: its value (repr tells 1 from 1.0 and -0.0), or its error."""
    try:
        value = parse(line)
    except Exception as exc:  # noqa: BLE001 - any error must be the same error
        return ("error", type(exc).__name__, str(exc))
    return ("ok", type(value).__name__, repr(value))


# --- generated JSON-ish lines --------------------------------------------------------------------

_WS = st.sampled_from(["", "", " ", "\t", "\r", "\n", " \t ", "\x0c", "\u00a0"])
_KEYS = st.sampled_from(
    [
        '"a"',
        '"b"',
        '"a:"',
        '"a\\u003a"',
        '"a\\u003A"',
        '"\\u0061"',
        '"\\u0061:"',
        '":"',
        '"é"',
        '"\\u00e9"',
        '"😀"',
        '"\\ud83d\\ude00"',
        '"type"',
        '"\\\\u003a"',
    ]
)
_NUMBERS = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from([2**63 - 1, 2**63, 2**64 - 1, 2**64, -(2**63), -(2**63) - 1]).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.from_regex(r"-?(0|[1-9][0-9]{0,21})(\.[0-9]{1,25})?([eE][+-]?[0-9]{1,3})?", fullmatch=True),
    st.sampled_from(
        [
            "1e400",
            "-1E309",
            "1.7976931348623157e308",
            "5e-324",
            "1e-400",
            "NaN",
            "Infinity",
            "-Infinity",
            "-0",
            "-0.0",
            "01",
            "1.",
            "1234567890123456789",
            "12345678901234567890",
            "9007199254740993",
        ]
    ),
)
_STRINGS = st.one_of(
    st.text(max_size=8).map(json.dumps),
    st.text(max_size=8).map(lambda s: json.dumps(s, ensure_ascii=False)),
    st.sampled_from(
        [
            '"x:y"',
            '"https://example.org/a"',
            '"\\ud800"',
            '"\\udc00x"',
            '"a\\u003ab"',
            '"\\\\u003a"',
            '"12345678901234567890"',
            '"tab\tinside"',
            '"\\u0000"',
        ]
    ),
)
_SCALARS = st.one_of(_NUMBERS, _STRINGS, st.sampled_from(["true", "false", "null"]))


def _object(members: list[tuple[str, str, str, str]]) -> str:
    return "{" + ",".join(f"{w1}{k}{w2}:{w1}{v}{w2}" for k, w1, w2, v in members) + "}"


def _containers(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(st.tuples(_KEYS, _WS, _WS, children), max_size=5).map(_object),
        st.lists(children, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
    )


_VALUES = st.recursive(_SCALARS, _containers, max_leaves=12)
_RAW = st.sampled_from(
    [b"", b"", b"", b"\xff", b"\xed\xa0\x80", b"\xc3", b"\x00", b"\xef\xbb\xbf", b"\x7f"]
)


@st.composite
def _lines(draw: st.DrawFn) -> bytes:
    text = draw(_WS) + draw(_VALUES) + draw(_WS)
    line = text.encode()
    raw = draw(_RAW)
    if raw:  # a byte that is not UTF-8 (or not allowed), somewhere in the line
        at = draw(st.integers(0, len(line)))
        line = line[:at] + raw + line[at:]
    return line


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_lines())
def test_fast_reader_agrees_with_careful_reader(line: bytes) -> None:
    """For any line, the fast reader gives the careful reader's value, or its very error."""
    assert _outcome(load_json_fast, line) == _outcome(load_json_line, line)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b", "a:", "u"]), _SCALARS), min_size=2, max_size=6
    ).filter(lambda ms: len({k for k, _ in ms}) < len(ms)),
    st.booleans(),
)
def test_a_key_given_twice_is_always_refused(members: list[tuple[str, str]], nest: bool) -> None:
    """A line with a key given twice in one object is refused as the careful reader refuses it."""
    inner = "{" + ",".join(f'"{k}":{v}' for k, v in members) + "}"
    line = (f'{{"type":"x","in":[{inner}]}}' if nest else inner).encode()
    careful = _outcome(load_json_line, line)
    assert careful[0] == "error"
    assert _outcome(load_json_fast, line) == careful


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b'{"a":"x:y","a":"z"}', "the key 'a' appears twice in one object"),
        (b'{"u":"https://a","v":{"u":1,"u":2}}', "the key 'u' appears twice in one object"),
        # a colon spelt as an escape: the colon count alone could not see this one
        (b'{"a\\u003a":"b","a\\u003a":"c"}', "the key 'a:' appears twice in one object"),
        (b'{"n":18446744073709551616}', "the number 18446744073709551616 is beyond 64 bits"),
        (b'{"n":-9223372036854775809}', "the number -9223372036854775809 is beyond 64 bits"),
        (b'{"n":1e400}', "the number 1e400 is too large to store (it reads as infinity)"),
        (b'{"n":NaN}', "NaN is not a number tracker can store"),
    ],
)
def test_fast_reader_refuses_what_orjson_would_take(line: bytes, message: str) -> None:
    """Each input orjson takes silently (or refuses with its own words) gets the careful error."""
    with pytest.raises(_json.UnfaithfulJSONError) as caught:
        load_json_fast(line)
    assert message in str(caught.value)


@pytest.mark.parametrize("depth", [64, 65, 300, 1000, 5000])
def test_deep_nesting_gives_the_careful_result(depth: int) -> None:
    """Nesting past the limit (64 levels) is refused by both readers alike, in one line: never
    Python's RecursionError (near 1,000 levels), whatever the depth."""
    line = b'{"a":' * depth + b"1" + b"}" * depth
    assert _outcome(load_json_fast, line) == _outcome(load_json_line, line)
    if depth > _json.MAX_DEPTH:
        with pytest.raises(_json.NestingError, match="nested deeper than 64 levels"):
            load_json_fast(line)


def test_an_ordinary_line_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """A line with colons in its URLs and times, escapes and 18-digit numbers is read by orjson."""

    def refuse(line: bytes) -> object:
        raise AssertionError("the careful reader was used")

    monkeypatch.setattr(_json, "load_json_line", refuse)
    line = (
        b'{"type": "figure", "occurred": "2026-01-09T10:00:00Z", "value": -123456789012345678,'
        b' "note": "caf\\u00e9 \\ud83d\\ude00", "sources": [{"url": "https://a.example/x:y"}]}'
    )
    assert load_json_fast(line) == orjson.loads(line)


# --- whole files -----------------------------------------------------------------------------


def _grok_events() -> list[dict[str, Any]]:
    """The bundled example's events (every kind, corrections included), ids no event names
    left out (to be derived from the content)."""
    text = resources.files("tracker.examples").joinpath("grok.jsonl").read_bytes()
    events = [orjson.loads(line)["event"] for line in text.splitlines() if line.strip()]
    for event in events:
        if text.count(orjson.dumps(event["id"])) == 1:
            del event["id"]
    return events


def _write(path: Path, events: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events))
    return path


def test_read_events_matches_line_by_line_validation(tmp_path: Path) -> None:
    """read_events gives the events, ids and labels that validating each line alone gives."""
    events = _grok_events()
    src = _write(tmp_path / "e.jsonl", events)
    got = read_events(src)
    expected = [parse_event(e, where=f"{src}:{i}") for i, e in enumerate(events, 1)]
    assert got.events == expected
    assert [event_to_dict(e) for e in got.events] == [event_to_dict(e) for e in expected]
    assert got.labels == [f"{src}:{i}" for i in range(1, len(events) + 1)]
    derived = [e for e in got.events if e.id is not None and e.id.startswith("ev-")]
    assert 5 < len(derived) < len(events)


def test_prepare_file_matches_prepare_event(tmp_path: Path) -> None:
    """The one-pass preparation gives per event what prepare_event gives for it alone."""
    events = _grok_events()
    src = _write(tmp_path / "e.jsonl", events)
    assert prepare_file(src).prepared == [prepare_event(e) for e in events]


def test_import_writes_the_bytes_append_writes(tmp_path: Path) -> None:
    """`tracker import FILE` leaves the log byte for byte as Log.append of the file's dicts."""
    from datetime import UTC, datetime

    def fixed() -> datetime:
        return datetime(2026, 1, 20, 12, 0, tzinfo=UTC)

    events = _grok_events()
    src = _write(tmp_path / "e.jsonl", events)
    by_cli = tmp_path / "cli.jsonl"
    by_api = tmp_path / "api.jsonl"
    tracker.open(by_cli, create=True, clock=fixed).close()
    assert main(["import", str(src), "--log", str(by_cli)], clock=fixed) == 0
    with tracker.open(by_api, create=True, clock=fixed) as log:
        log.append(events, labels=[f"{src}:{i}" for i in range(1, len(events) + 1)])
    assert by_cli.read_bytes() == by_api.read_bytes()
    assert by_cli.read_bytes().count(b"\n") == len(events)


def test_chunks_prepare_what_one_pass_prepares(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Prepared in chunks (the last of one event), a file gives what prepare_event gives."""
    monkeypatch.setattr(_import, "_CHUNK", 4)
    events = _grok_events()
    assert len(events) % 4 == 1
    src = _write(tmp_path / "e.jsonl", events)
    assert prepare_file(src).prepared == [prepare_event(e) for e in events]


def test_bad_lines_in_later_chunks_are_listed_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bad event in a later chunk and a bad line after it are both listed, in file order."""
    monkeypatch.setattr(_import, "_CHUNK", 4)
    events = _grok_events()
    lines = [json.dumps(e) for e in events]
    lines[9] = '{"type": "topic", "topic": "Not An Id", "name": "T"}'
    lines[20] = '{"type": "topic",'
    src = tmp_path / "e.jsonl"
    src.write_text("\n".join(lines) + "\n")
    with pytest.raises(InvalidFileError) as caught:
        prepare_file(src)
    assert caught.value.problems == [
        f"{src}:10: topic.topic: \"Not An Id\" is not an id: use lowercase letters, digits, '.', "
        "'_' or '-', starting with a letter or digit, at most 64 characters (for example "
        "'not-an-id')",
        f"{src}:21: not valid JSON (at column 18); write one JSON object per line",
    ]
    with pytest.raises(InvalidFileError) as again:
        read_events(src)
    assert again.value.problems == caught.value.problems
