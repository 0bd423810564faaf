"""The record: one line of the log, its canonical bytes and its place in the hash chain.

A record is a JSON object with exactly these keys (sorted, as they are written)::

    {"batch":{"count":N,"id":B,"index":I},"event":{...},"hash":H,"prev":P,
     "recorded":"2026-01-12T09:00:00.000000Z","seq":S,"v":1}

``hash`` is the lowercase hex SHA-256 of the canonical bytes of the record without ``hash``;
``prev`` is the hash of the record before (64 zeros for the first). ``batch.id`` is the sequence
number of the batch's first record; a batch counts only when its last record (index count-1)
is present. ``v`` is the record schema version: older records are upcast on read, never
rewritten; a newer one is refused with a request to upgrade.

**Version 2: signed, erasable records** (written by a signed append; unsigned appends still
write version 1, byte for byte as before)::

    {"batch":{...},"by":"NAME+KEYID","digest":D,"event":{...},"hash":H,"nonce":N,"prev":P,
     "recorded":"...","seq":S,"sig":G,"v":2}

- ``by`` names the recorder's key (its name and 8-hex key ID, as ``tracker key export``
  prints them before the key itself);
- ``nonce`` is 32 random bytes (hex) and ``digest`` the hex SHA-256 of the nonce's 32 bytes
  followed by the event's canonical bytes: the record commits to its event through this
  salted digest, so that short content cannot be guessed from it;
- ``hash`` covers every member but ``hash``, ``event`` and ``nonce`` (the digest stands for
  them). In canonical order those three are adjacent, so the hashed form is the line with
  one span cut out. Erasing a record removes its ``nonce`` and puts a placeholder
  ``{"id":"erased-S","type":"erased"}`` in place of its event: its hash, the chain and the
  Merkle tree over the hashes are unchanged;
- ``sig`` (base64 Ed25519, on the last record of a batch only) signs the *signing form*: the
  hashed form without ``sig``, after the prefix :data:`SIGNATURE_CONTEXT`. Since that form
  holds ``prev``, the hash of the record before (which covers its own ``by`` and ``digest``,
  and so on back), one signature on a batch's last record covers every record of the batch.

A version 2 record's content is checked through its digest wherever its hash is
(:func:`hash_at` returns no hash for a line whose event does not match its digest). What only
version 2 records need (the signer, the builder, the erased form, the members' checks) is in
:mod:`tracker.store.signed`.
"""

from __future__ import annotations

import hashlib
import re
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
"""The version of an unsigned record (what every append wrote before signed records)."""
SIGNED_VERSION = 2
"""The version of a signed, erasable record."""
NEWEST_VERSION = SIGNED_VERSION
"""The newest record version this tracker reads."""
ZERO_HASH = "0" * 64
_KEYS = frozenset(("batch", "event", "hash", "prev", "recorded", "seq", "v"))
KEYS_V2 = frozenset(("batch", "by", "digest", "event", "hash", "prev", "recorded", "seq", "v"))
"""The members every version 2 record has (``nonce`` unless erased, ``sig`` when signed)."""
_OPTIONAL_V2 = frozenset(("nonce", "sig"))
_ALL_V2 = KEYS_V2 | _OPTIONAL_V2
HASH_KEY = b',"hash":"'
"""How a canonical line's top-level hash member starts (found with ``rfind``)."""
_HASH_MEMBER = len(HASH_KEY) + 64 + 1
EVENT_KEY = b',"event":'
NONCE_KEY = b',"nonce":"'
_NONCE_MEMBER = len(NONCE_KEY) + 64 + 1
SIG_KEY = b',"sig":"'
_SIG_MEMBER = len(SIG_KEY) + 88 + 1
_V2_END = b',"v":2}'
SIGNATURE_CONTEXT = b"tracker record signature v2\n"
"""What a record signature's message starts with (it never signs anything else)."""
_HEX64 = re.compile(r"[0-9a-f]{64}")
_BY = re.compile(r"[^\s+]+\+[0-9a-f]{8}")
_ERASED = re.compile(rb'\{"id":"erased-([1-9][0-9]{0,18})","type":"erased"\}')
ERASED_TYPE = "erased"


def erased_event(seq: int) -> dict[str, Any]:
    """The placeholder that stands in an erased record for its event."""
    return {"id": f"erased-{seq}", "type": ERASED_TYPE}


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
    by: str | None = None
    """Version 2: the recorder's key, ``NAME+KEYID``."""
    digest: str | None = None
    """Version 2: SHA-256 of the nonce's bytes and the event's canonical bytes."""
    nonce: str | None = None
    """Version 2: the event's salt (None once the record is erased)."""
    sig: str | None = None
    """Version 2: the base64 signature, on the last record of a batch."""

    @property
    def erased(self) -> bool:
        """Whether this record's content was erased (a version 2 record without its nonce)."""
        return self.v >= SIGNED_VERSION and self.nonce is None

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
        out = {
            "batch": {"count": self.batch_count, "id": self.batch_id, "index": self.batch_index},
            "event": self.event,
            "hash": self.hash,
            "prev": self.prev,
            "recorded": self.recorded,
            "seq": self.seq,
            "v": self.v,
        }
        if self.v >= SIGNED_VERSION:
            out["by"] = self.by
            out["digest"] = self.digest
            if self.nonce is not None:
                out["nonce"] = self.nonce
            if self.sig is not None:
                out["sig"] = self.sig
        return out

    def line(self) -> bytes:
        """Return the record's canonical bytes (no trailing newline)."""
        if self.raw is not None:
            return self.raw
        return canonical_bytes(self.to_dict())


def compute_hash(body: dict[str, Any]) -> str:
    """Hash a record dict given without its ``hash`` key (a version 2 record's hash leaves
    out its event and nonce too: the digest stands for them)."""
    if body.get("v") == SIGNED_VERSION:
        body = {k: v for k, v in body.items() if k not in ("event", "nonce")}
    return hashlib.sha256(canonical_bytes(body)).hexdigest()


def event_digest(nonce: bytes, event_bytes: bytes) -> str:
    """The salted digest a version 2 record commits to its event by."""
    return hashlib.sha256(nonce + event_bytes).hexdigest()


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


def hashed_span(line: bytes, i: int) -> tuple[int, int] | None:
    """Where a version 2 line's unhashed span (event, hash and nonce members) starts and ends,
    given where its top-level ``,"hash":"`` starts (None: not a version 2 line's shape).

    ``,"event":`` cannot occur inside a JSON string (a quote there is escaped), and no member
    before the event holds an object, so its first occurrence is the top-level one.
    """
    e = line.find(EVENT_KEY)
    if e < 0 or e > i:
        return None
    end = i + _HASH_MEMBER
    if line.startswith(NONCE_KEY, end):
        end += _NONCE_MEMBER
    return e, end


def signing_form(line: bytes) -> bytes | None:
    """What the signature of a signed version 2 line signs (None: the line has no ``sig``)."""
    i = line.rfind(HASH_KEY)
    span = hashed_span(line, i) if i > 0 else None
    if span is None or not line.endswith(_V2_END):
        return None
    s = len(line) - len(_V2_END) - _SIG_MEMBER
    if not line.startswith(SIG_KEY, s):
        return None
    return SIGNATURE_CONTEXT + line[: span[0]] + line[span[1] : s] + _V2_END


def _hash_v2(line: bytes, i: int) -> str:
    """A version 2 line's hash: of the line without its event, hash and nonce members, once
    the event is checked against its digest (or found to be an erased record's placeholder).
    "" when the event does not match, so that no stored hash is ever equal to it."""
    e = line.find(EVENT_KEY)
    if e < 76 or e > i:
        return ""
    end = i + _HASH_MEMBER
    view = memoryview(line)
    if line.startswith(NONCE_KEY, end):  # content: it must match the digest before it
        end += _NONCE_MEMBER
        try:
            salted = hashlib.sha256(bytes.fromhex(line[end - 65 : end - 1].decode()))
        except ValueError:
            return ""
        salted.update(view[e + len(EVENT_KEY) : i])
        if line[e - 76 : e - 65] != b',"digest":"' or line[e - 65 : e - 1] != salted.hexdigest().encode():
            return ""
    elif _ERASED.fullmatch(line, e + len(EVENT_KEY), i) is None:
        return ""
    hashed = hashlib.sha256(view[:e])
    hashed.update(view[end:])
    return hashed.hexdigest()


def hash_of_line(line: bytes) -> str:
    """Recompute a canonical line's hash from its bytes, without re-serialising.

    In canonical form the top-level ``hash`` member sits between ``event`` and ``prev``; no
    later member can contain ``,"hash":"``, so its last occurrence is the top-level one.
    """
    i = line.rfind(HASH_KEY)
    return "" if i < 0 else hash_at(line, i)


def hash_at(line: bytes, i: int) -> str:
    """The hash of a canonical line whose top-level ``,"hash":"`` starts at byte ``i``: SHA-256
    of the line without that member (the key, 64 hex digits and the closing quote).

    A version 2 line (it ends in ``,"v":2}``) hashes without its event and nonce too, and
    only when its event matches its digest (else ""): see :func:`_hash_v2`.
    """
    if line.endswith(_V2_END):
        return _hash_v2(line, i)
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
    if record.v >= SIGNED_VERSION:
        from tracker.store.signed import check_v2

        check_v2(record, line)
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
    v = data.get("v") if isinstance(data, dict) else None
    if isinstance(v, int) and not isinstance(v, bool) and v > NEWEST_VERSION:
        msg = (
            f"{where}written by a newer tracker (record schema v{v}; this tracker reads up to "
            f"v{NEWEST_VERSION}): upgrade tracker to read this log"
        )
        raise InvalidRecordError(msg)
    if v == SIGNED_VERSION:
        from tracker.store.signed import v2_from_dict

        return v2_from_dict(data, where)
    if not isinstance(data, dict) or not _KEYS.issuperset(data) or "seq" not in data:
        msg = f"{where}not a tracker record (expected the keys {', '.join(sorted(_KEYS))})"
        raise InvalidRecordError(msg)
    return v1_fields(upcast(data), where)


def v1_fields(data: dict[str, Any], where: str) -> Record:
    """The members every version has, checked for type, as a Record."""
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
