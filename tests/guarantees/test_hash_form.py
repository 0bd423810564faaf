"""Guarantee 8: a stable hash form, and no input it cannot carry faithfully.

The canonical bytes and hashes of a few records are frozen by golden vectors in
``tests/test_records.py`` (an orjson or pydantic upgrade that changed what a hash means fails
there). What this file adds: input that the canonical form could not store as written is
refused at import with one clear line, instead of being silently changed:

- a key given twice in one JSON object (orjson keeps the last one, other readers the first);
- an integer beyond 64 bits (orjson reads it as a rounded float);
- a number beyond a double's range, and NaN or Infinity (not JSON, though Python accepts them);
- a whole number a float field would round (9007199254740993 is stored as ...992).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import tracker
from tracker._json import load_json_line
from tracker.cli import main

STATEMENT = (
    b'{"type":"statement","id":"s1","speaker":"ofcom","quote":"Comply.",'
    b'"occurred":"2026-01-09","sources":[{"publisher":"Ofcom","url":"https://ofcom.org.uk"}]'
)
FIGURE = (
    b'{"type":"figure","id":"f1","metric":"images","unit":"per_hour","occurred":"2026-01",'
    b'"sources":[{"publisher":"Bloomberg","url":"https://bloomberg.com/a"}],"value":'
)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (STATEMENT + b',"quote":"Do not comply."}', "the key 'quote' appears twice in one object"),
        (
            STATEMENT[:-2] + b',"publisher":"Other"}]}',
            "the key 'publisher' appears twice in one object",
        ),
        (FIGURE + b"18446744073709551616}", "the number 18446744073709551616 is beyond 64 bits"),
        (FIGURE + b"-9223372036854775809}", "the number -9223372036854775809 is beyond 64 bits"),
        (FIGURE + b"1e400}", "the number 1e400 is too large to store (it reads as infinity)"),
        (FIGURE + b"NaN}", "NaN is not a number tracker can store"),
        (FIGURE + b"-Infinity}", "-Infinity is not a number tracker can store"),
        (FIGURE + b"9007199254740993}", "9007199254740993 has more digits than a number can be"),
    ],
    ids=["duplicate", "nested-duplicate", "2^64", "-2^63-1", "1e400", "nan", "-inf", "2^53+1"],
)
def test_input_the_log_cannot_store_faithfully_is_refused_at_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: bytes, message: str
) -> None:
    """`tracker import` refuses the line in one clear line naming it; the log is unchanged."""
    log = tmp_path / "log.jsonl"
    with tracker.open(log, create=True) as opened:
        opened.append({"type": "actor", "actor": "ofcom", "name": "Ofcom", "kind": "regulator"})
    before = log.read_bytes()
    file = tmp_path / "events.jsonl"
    file.write_bytes(line + b"\n")
    capsys.readouterr()
    assert main(["import", str(file), "--log", str(log)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    first = err.splitlines()[0]
    assert first.startswith(f"tracker: error: {file}:1: ")
    assert message in first
    assert log.read_bytes() == before


@pytest.mark.parametrize(
    "text",
    [
        b'{"a": 18446744073709551615, "b": -9223372036854775808}',  # the 64-bit extremes
        b'{"a": 1.7976931348623157e308, "b": 5e-324, "c": -0.0}',  # a double's extremes
        b'{"a": {"a": {"a": 1}}, "b": [{"a": 1}, {"a": 2}]}',  # equal keys in different objects
    ],
)
def test_what_can_be_stored_faithfully_is_read_as_orjson_reads_it(text: bytes) -> None:
    """At the edges of what is allowed, the import reader agrees with the canonical codec."""
    import orjson

    assert load_json_line(text) == orjson.loads(text)
