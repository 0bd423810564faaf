"""The record: one line of the log, its canonical bytes and its place in the hash chain.

A record is a JSON object with exactly these keys (sorted, as they are written)::

    {"batch":{"count":N,"id":B,"index":I},"event":{...},"hash":H,"prev":P,
     "recorded":"2026-01-12T09:00:00.000000Z","seq":S,"v":1}

``hash`` is the lowercase hex SHA-256 of the canonical bytes of the record without ``hash``;
``prev`` is the hash of the record before (64 zeros for the first). ``batch.id`` is the sequence
number of the batch's first record; a batch counts only when its last record (index count-1)
is present. ``v`` is the record schema version: older records are upcast on read, never
rewritten; a newer one is refused with a request to upgrade.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from tracker._json import NestingError
from tracker._json import loads as json_loads
from tracker.errors import IntegrityError, InvalidRecordError
from tracker.events.codec import canonical_bytes
from tracker.events.dates import format_instant, parse_instant

SCHEMA_VERSION = 1
ZERO_HASH = "0" * 64
_KEYS = frozenset(("batch", "event", "hash", "prev", "recorded", "seq", "v"))
HASH_KEY = b',"hash":"'
"""How a canonical line's top-level hash member starts (found with ``rfind``)."""
_HASH_MEMBER = len(HASH_KEY) + 64 + 1


@dataclass(frozen=True, slots=True)
class Record:
    """One stored record. ``line`` is its canonical bytes, without the newline."""

    seq: int
    recorded: str
    batch_id: int
    batch_index: int
    batch_count: int
    event: dict[str, Any]
    prev: str
    hash: str
    v: int = SCHEMA_VERSION
    raw: bytes | None = field(default=None, repr=False, compare=False)
    """The canonical bytes when they were built with the record (new records); else None."""

    @property
    def recorded_at(self) -> datetime:
        """The recorded time as an aware UTC datetime."""
        return parse_instant(self.recorded)

    @property
    def closes_batch(self) -> bool:
        """Whether this is the last record of its batch."""
        return self.batch_index == self.batch_count - 1

    def to_dict(self) -> dict[str, Any]:
        """Return the record as the JSON object that is stored."""
        return {
            "batch": {"count": self.batch_count, "id": self.batch_id, "index": self.batch_index},
            "event": self.event,
            "hash": self.hash,
            "prev": self.prev,
            "recorded": self.recorded,
            "seq": self.seq,
            "v": self.v,
        }

    def line(self) -> bytes:
        """Return the record's canonical bytes (no trailing newline)."""
        if self.raw is not None:
            return self.raw
        return canonical_bytes(self.to_dict())


def compute_hash(body: dict[str, Any]) -> str:
    """Hash a record dict given without its ``hash`` key."""
    return hashlib.sha256(canonical_bytes(body)).hexdigest()


def make_record(
    *,
    seq: int,
    recorded: datetime,
    batch_id: int,
    batch_index: int,
    batch_count: int,
    event: dict[str, Any],
    prev: str,
) -> Record:
    """Build a new record, stamping its hash."""
    return make_record_at(
        seq=seq,
        recorded=format_instant(recorded),
        batch_id=batch_id,
        batch_index=batch_index,
        batch_count=batch_count,
        event=event,
        prev=prev,
    )


def make_record_at(
    *,
    seq: int,
    recorded: str,
    batch_id: int,
    batch_index: int,
    batch_count: int,
    event: dict[str, Any],
    prev: str,
) -> Record:
    """Build a new record from a formatted ``recorded`` stamp, with its canonical bytes.

    The bytes are assembled around the event's canonical bytes rather than by serialising the
    whole record twice (once to hash, once to store): the members are written in sorted key
    order exactly as :func:`canonical_bytes` writes them (a test holds the two equal).
    """
    head = b'{"batch":{"count":%d,"id":%d,"index":%d},"event":' % (
        batch_count,
        batch_id,
        batch_index,
    )
    tail = b',"prev":"%s","recorded":"%s","seq":%d,"v":%d}' % (
        prev.encode(),
        recorded.encode(),
        seq,
        SCHEMA_VERSION,
    )
    event_bytes = canonical_bytes(event)
    digest = hashlib.sha256(head + event_bytes + tail).hexdigest()
    line = b"%s%s,\"hash\":\"%s\"%s" % (head, event_bytes, digest.encode(), tail)
    return Record(
        seq=seq,
        recorded=recorded,
        batch_id=batch_id,
        batch_index=batch_index,
        batch_count=batch_count,
        event=event,
        prev=prev,
        hash=digest,
        raw=line,
    )


def hash_of_line(line: bytes) -> str:
    """Recompute a canonical line's hash from its bytes, without re-serialising.

    In canonical form the top-level ``hash`` member sits between ``event`` and ``prev``; no
    later member can contain ``,"hash":"``, so its last occurrence is the top-level one.
    """
    i = line.rfind(HASH_KEY)
    return "" if i < 0 else hash_at(line, i)


def hash_at(line: bytes, i: int) -> str:
    """The hash of a canonical line whose top-level ``,"hash":"`` starts at byte ``i``: SHA-256
    of the line without that member (the key, 64 hex digits and the closing quote)."""
    return hashlib.sha256(line[:i] + line[i + _HASH_MEMBER :]).hexdigest()


def parse_record(line: bytes, *, where: str = "") -> Record:
    """Parse one line (without newline) into a Record, upcasting an older schema version.

    Raises:
        InvalidRecordError: the line is not a record, or comes from a newer tracker.
    """
    try:
        data = json_loads(line)
    except orjson.JSONDecodeError:
        msg = f"{where}not a tracker record (not JSON)"
        raise InvalidRecordError(msg) from None
    except NestingError as exc:
        msg = f"{where}not a tracker record ({exc})"
        raise InvalidRecordError(msg) from None
    return record_from_dict(data, where=where)


def check_line(line: bytes, expected: int, prev: str, last_recorded: str) -> Record:
    """Check a stored line as record ``expected`` of a chain whose last hash is ``prev``.

    The line must be a record in canonical form, numbered ``expected``, whose hash matches
    its content and whose ``prev`` is ``prev``, recorded no earlier than ``last_recorded``.

    Raises:
        IntegrityError: names ``expected`` as the first bad record, and what is wrong.
        InvalidRecordError: the line comes from a newer tracker.
    """
    try:
        record = parse_record(line, where=f"record {expected}: ")
    except InvalidRecordError as exc:
        if "newer tracker" in exc.message:
            raise
        msg = f"record {expected}: the line is not a valid record (edited or inserted)"
        raise IntegrityError(msg, seq=expected) from None
    if record.seq != expected:
        if record.seq > expected:
            what = f"record {expected} is missing (found {record.seq} in its place)"
        else:
            what = f"record {expected} is out of place (found {record.seq} in its place)"
        raise IntegrityError(f"{what}: lines were deleted, moved or inserted", seq=expected)
    if record.line() != line:
        msg = f"record {expected}: the line is not in canonical form (it was edited)"
        raise IntegrityError(msg, seq=expected)
    if hash_of_line(line) != record.hash:
        msg = f"record {expected}: its hash does not match its content (it was edited)"
        raise IntegrityError(msg, seq=expected)
    if record.prev != prev:
        msg = f"record {expected}: the chain is broken (prev does not match record {expected - 1})"
        raise IntegrityError(msg, seq=expected)
    if record.recorded < last_recorded:
        msg = f"record {expected}: recorded before the record it follows"
        raise IntegrityError(msg, seq=expected)
    return record


def record_from_dict(data: Any, *, where: str = "") -> Record:
    """Build a Record from a parsed record object, checking its shape."""
    if not isinstance(data, dict) or not _KEYS.issuperset(data) or "seq" not in data:
        msg = f"{where}not a tracker record (expected the keys {', '.join(sorted(_KEYS))})"
        raise InvalidRecordError(msg)
    v = data.get("v")
    if isinstance(v, int) and v > SCHEMA_VERSION:
        msg = (
            f"{where}written by a newer tracker (record schema v{v}; this tracker reads up to "
            f"v{SCHEMA_VERSION}): upgrade tracker to read this log"
        )
        raise InvalidRecordError(msg)
    data = upcast(data)
    try:
        batch = data["batch"]
        record = Record(
            seq=data["seq"],
            recorded=data["recorded"],
            batch_id=batch["id"],
            batch_index=batch["index"],
            batch_count=batch["count"],
            event=data["event"],
            prev=data["prev"],
            hash=data["hash"],
            v=data["v"],
        )
    except (KeyError, TypeError):
        msg = f"{where}not a tracker record (a field is missing or of the wrong type)"
        raise InvalidRecordError(msg) from None
    if not (
        isinstance(record.seq, int)
        and isinstance(record.event, dict)
        and isinstance(record.hash, str)
        and isinstance(record.prev, str)
        and isinstance(record.recorded, str)
        and isinstance(record.batch_index, int)
        and isinstance(record.batch_count, int)
    ):
        msg = f"{where}not a tracker record (a field is of the wrong type)"
        raise InvalidRecordError(msg)
    return record


def upcast(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a record dict from an older schema version up to the current one.

    Version 1 is the first; when version 2 comes, its upcaster goes here and old lines keep
    their bytes (and so their hashes) on disk.
    """
    return data
