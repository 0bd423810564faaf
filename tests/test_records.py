"""The record's bytes, frozen: golden vectors of the canonical form and the hash chain.

If a test here fails, existing logs would no longer verify: the canonical form is a contract
written once and checked forever (keys sorted, no insignificant whitespace, UTF-8, RFC 3339 UTC
with microseconds and ``Z``, lowercase hex SHA-256, 64 zeros before the first record).
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
import pytest

import tracker
from tracker.errors import InvalidRecordError
from tracker.events import ActorRegistered, Source, Statement, TopicRegistered
from tracker.store.records import (
    SCHEMA_VERSION,
    ZERO_HASH,
    Record,
    compute_hash,
    hash_of_line,
    make_record,
    parse_record,
)

if TYPE_CHECKING:
    from tests.conftest import StepClock

# The first three lines of a log built by ``test_the_log_writes_the_golden_bytes`` below.
GOLDEN = [
    '{"batch":{"count":1,"id":1,"index":0},"event":{"id":"ev-6ebebd01a3bd9bf2a0aa",'
    '"name":"Image tools behind a paywall","topic":"paywall","type":"topic"},'
    '"hash":"5ce35f26be6afb5c498ec40943cc087055a3cd70c3603c379b0e88a22b7b91e0",'
    '"prev":"0000000000000000000000000000000000000000000000000000000000000000",'
    '"recorded":"2026-01-12T09:00:00.000000Z","seq":1,"v":1}',
    '{"batch":{"count":2,"id":2,"index":0},"event":{"actor":"uk-gov",'
    '"id":"ev-d8c15b79dda26561c474","jurisdiction":"GB","kind":"government",'
    '"name":"UK government","type":"actor"},'
    '"hash":"3d155bd3469ee06b93f4353d8a54fb3c1f2c58d0251f224f8bc8ccd127384cee",'
    '"prev":"5ce35f26be6afb5c498ec40943cc087055a3cd70c3603c379b0e88a22b7b91e0",'
    '"recorded":"2026-01-12T09:01:00.000000Z","seq":2,"v":1}',
    '{"batch":{"count":2,"id":2,"index":1},"event":{"id":"uk-gov-insulting",'
    '"occurred":"..2026-01-12","quote":"« insultant » — 侮辱",'
    '"sources":[{"publisher":"Example Daily","url":"https://example.org/a"}],'
    '"speaker":"uk-gov","stance":-2,"topic":"paywall","type":"statement"},'
    '"hash":"e70dbe52c4fa978818abc6774ed87a0d5f7deaf62f6c42491d033ebd3828773f",'
    '"prev":"3d155bd3469ee06b93f4353d8a54fb3c1f2c58d0251f224f8bc8ccd127384cee",'
    '"recorded":"2026-01-12T09:01:00.000000Z","seq":3,"v":1}',
]
GOLDEN_HASHES = [
    "5ce35f26be6afb5c498ec40943cc087055a3cd70c3603c379b0e88a22b7b91e0",
    "3d155bd3469ee06b93f4353d8a54fb3c1f2c58d0251f224f8bc8ccd127384cee",
    "e70dbe52c4fa978818abc6774ed87a0d5f7deaf62f6c42491d033ebd3828773f",
]
_HASH_MEMBER = re.compile(r',"hash":"[0-9a-f]{64}"')


def alone(seq: int, recorded: datetime, event: dict[str, object], *, prev: str) -> Record:
    """A record that is a whole batch by itself."""
    return make_record(
        seq=seq,
        recorded=recorded,
        batch_id=seq,
        batch_index=0,
        batch_count=1,
        event=event,
        prev=prev,
    )


def golden_events() -> list[list[object]]:
    """The events of the golden log, as two appends (one event, then a batch of two)."""
    return [
        [TopicRegistered(topic="paywall", name="Image tools behind a paywall")],
        [
            ActorRegistered(
                actor="uk-gov", name="UK government", kind="government", jurisdiction="GB"
            ),
            Statement(
                id="uk-gov-insulting",
                occurred="..2026-01-12",
                sources=(Source(publisher="Example Daily", url="https://example.org/a"),),
                speaker="uk-gov",
                quote="« insultant » — 侮辱",
                topic="paywall",
                stance=-2,
            ),
        ],
    ]


def test_the_log_writes_the_golden_bytes(log_path: Path, clock: StepClock) -> None:
    """A log built from the same events on the same clock is byte for byte the golden lines."""
    with tracker.open(log_path, create=True, clock=clock) as log:
        for batch in golden_events():
            log.append(batch)  # type: ignore[arg-type]
    assert log_path.read_bytes() == "".join(line + "\n" for line in GOLDEN).encode()


@pytest.mark.parametrize("index", range(3))
def test_hash_is_sha256_of_the_line_without_its_hash(index: int) -> None:
    """A record's hash is SHA-256 over its canonical bytes with the hash member taken out."""
    line = GOLDEN[index]
    body = _HASH_MEMBER.sub("", line, count=1).encode()
    assert hashlib.sha256(body).hexdigest() == GOLDEN_HASHES[index]
    assert orjson.loads(line)["hash"] == GOLDEN_HASHES[index]


def test_chain_starts_at_64_zeros_and_links_each_record_to_the_one_before() -> None:
    """The first record's prev is 64 zeros; every later prev is the hash of the record before."""
    records = [orjson.loads(line) for line in GOLDEN]
    assert records[0]["prev"] == ZERO_HASH == "0" * 64
    assert [r["prev"] for r in records[1:]] == GOLDEN_HASHES[:2]
    assert [r["seq"] for r in records] == [1, 2, 3]


@pytest.mark.parametrize("index", range(3))
def test_lines_are_sorted_compact_utf8(index: int) -> None:
    """Keys are sorted at every level, there is no insignificant whitespace, text is raw UTF-8."""
    line = GOLDEN[index].encode()
    data = orjson.loads(line)
    assert orjson.dumps(data, option=orjson.OPT_SORT_KEYS) == line
    assert list(data) == ["batch", "event", "hash", "prev", "recorded", "seq", "v"]
    assert list(data["event"]) == sorted(data["event"])
    assert b'": ' not in line
    assert b", " not in line  # (no value in these lines contains a comma and a space)
    assert b"\\u" not in line  # non-ASCII is written as UTF-8, not escaped


def test_recorded_is_rfc3339_utc_with_microseconds() -> None:
    """Recorded times are UTC with six fractional digits and Z, whatever zone the clock used."""
    paris = timezone(timedelta(hours=1))
    record = alone(
        1,
        datetime(2026, 1, 12, 10, 0, 0, 120, tzinfo=paris),
        {"id": "t", "name": "T", "topic": "t", "type": "topic"},
        prev=ZERO_HASH,
    )
    assert record.recorded == "2026-01-12T09:00:00.000120Z"
    assert record.recorded_at == datetime(2026, 1, 12, 9, 0, 0, 120, tzinfo=UTC)
    for line in GOLDEN:
        assert re.fullmatch(
            r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", orjson.loads(line)["recorded"]
        )


def test_make_record_reproduces_a_golden_line() -> None:
    """``make_record`` stamps the same bytes and hash as the golden vector."""
    record = alone(
        1,
        datetime(2026, 1, 12, 9, 0, tzinfo=UTC),
        {
            "type": "topic",
            "topic": "paywall",
            "name": "Image tools behind a paywall",
            "id": "ev-6ebebd01a3bd9bf2a0aa",
        },
        prev=ZERO_HASH,
    )
    assert record.line() == GOLDEN[0].encode()
    assert record.hash == GOLDEN_HASHES[0]
    assert record.v == SCHEMA_VERSION == 1
    assert record.closes_batch


@pytest.mark.parametrize("index", range(3))
def test_hash_of_line_equals_compute_hash(index: int) -> None:
    """The fast hash over a line's bytes equals the hash of the parsed record without ``hash``."""
    line = GOLDEN[index].encode()
    body = orjson.loads(line)
    del body["hash"]
    assert hash_of_line(line) == compute_hash(body) == GOLDEN_HASHES[index]


def test_hash_of_line_is_not_fooled_by_a_hash_inside_the_event() -> None:
    """Text that looks like a hash member inside the event does not confuse the fast hash."""
    record = alone(
        7,
        datetime(2026, 1, 12, 9, 0, tzinfo=UTC),
        {"id": "t", "name": ',"hash":"' + "f" * 64 + '"', "topic": "t", "type": "topic"},
        prev="a" * 64,
    )
    assert hash_of_line(record.line()) == record.hash


def test_parse_record_round_trips_the_golden_lines() -> None:
    """Parsing a golden line gives its fields, and serialising it gives the same bytes."""
    record = parse_record(GOLDEN[2].encode())
    assert record == Record(
        seq=3,
        recorded="2026-01-12T09:01:00.000000Z",
        batch_id=2,
        batch_index=1,
        batch_count=2,
        event=orjson.loads(GOLDEN[2])["event"],
        prev=GOLDEN_HASHES[1],
        hash=GOLDEN_HASHES[2],
        v=1,
    )
    assert record.closes_batch
    assert not parse_record(GOLDEN[1].encode()).closes_batch
    for line in GOLDEN:
        assert parse_record(line.encode()).line() == line.encode()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        pytest.param(b"a,b,c", "not a tracker record (not JSON)", id="not-json"),
        pytest.param(
            b'{"seq":1}',
            "not a tracker record (a field is missing or of the wrong type)",
            id="missing-fields",
        ),
        pytest.param(
            b'{"name":"x"}',
            "not a tracker record (expected the keys batch, event, hash, prev, recorded, seq, v)",
            id="other-json",
        ),
        pytest.param(
            GOLDEN[0].replace('"seq":1', '"seq":"1"').encode(),
            "not a tracker record (a field is of the wrong type)",
            id="wrong-type",
        ),
        pytest.param(
            GOLDEN[0].replace('"v":1}', '"v":3}').encode(),
            "written by a newer tracker (record schema v3; this tracker reads up to v2): "
            "upgrade tracker to read this log",
            id="newer-schema",
        ),
    ],
)
def test_parse_record_refusals(line: bytes, message: str) -> None:
    """A line that is not a record of this tracker is refused with one line saying why."""
    with pytest.raises(InvalidRecordError) as caught:
        parse_record(line, where="log.jsonl at byte 0: ")
    assert str(caught.value) == f"log.jsonl at byte 0: {message}"
