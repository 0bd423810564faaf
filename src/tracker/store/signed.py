"""Version 2 records, signed and erasable: made, parsed, checked, erased.

The line's layout (which members the hash leaves out, what the signature signs, the erased
form's placeholder) is described in :mod:`tracker.store.records`, which also holds the
byte-level functions every reader uses (:func:`~tracker.store.records.hash_at`). This module
holds what only version 2 records need: the :class:`Signer` a store signs with, the builder
of a signed record, the checks of a record's own members, and its erased form.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import orjson

from tracker.errors import IntegrityError, InvalidInputError, InvalidRecordError, check_the_log
from tracker.events.codec import canonical_bytes
from tracker.store.records import (
    _ALL_V2,
    _BY,
    _HEX64,
    _OPTIONAL_V2,
    _V2_END,
    EVENT_KEY,
    HASH_KEY,
    KEYS_V2,
    SIGNATURE_CONTEXT,
    SIGNED_VERSION,
    Record,
    erased_event,
    event_digest,
    hash_of_line,
    hashed_span,
    parse_record,
    v1_fields,
)

_ABSENT: Any = object()


class Signer:
    """What signs records: a key's ``by`` text (``NAME+KEYID``) and its signing function.

    :func:`tracker.proofs.keys.record_signer` makes one from a private key; the store only
    calls it (it never sees the key).
    """

    __slots__ = ("by", "sign")

    def __init__(self, by: str, sign: Callable[[bytes], bytes]) -> None:
        """``sign`` returns the 64-byte Ed25519 signature of a message."""
        if not _BY.fullmatch(by):
            msg = f"not a key's NAME+KEYID: {by!r}"
            raise ValueError(msg)
        self.by = by
        self.sign = sign


def make_signed_record(
    *,
    seq: int,
    recorded: str,
    batch_id: int,
    batch_index: int,
    batch_count: int,
    event: dict[str, Any],
    prev: str,
    signer: Signer,
    nonce: bytes,
) -> Record:
    """Build a version 2 record by ``signer``, signed when it closes its batch.

    The bytes are assembled as :func:`make_record_at` assembles a version 1 record's (a test
    holds them equal to :func:`canonical_bytes` of the record).
    """
    event_bytes = canonical_bytes(event)
    digest = event_digest(nonce, event_bytes)
    by = orjson.dumps(signer.by)
    prefix = b'{"batch":{"count":%d,"id":%d,"index":%d},"by":%s,"digest":"%s"' % (
        batch_count,
        batch_id,
        batch_index,
        by,
        digest.encode(),
    )
    tail = b',"prev":"%s","recorded":"%s","seq":%d' % (prev.encode(), recorded.encode(), seq)
    sig = None
    if batch_index == batch_count - 1:
        signature = signer.sign(SIGNATURE_CONTEXT + prefix + tail + _V2_END)
        sig = base64.b64encode(signature).decode()
        tail += b',"sig":"%s"' % sig.encode()
    tail += _V2_END
    record_hash = hashlib.sha256(prefix + tail).hexdigest()
    line = b'%s,"event":%s,"hash":"%s","nonce":"%s"%s' % (
        prefix,
        event_bytes,
        record_hash.encode(),
        nonce.hex().encode(),
        tail,
    )
    return Record(
        seq=seq,
        recorded=recorded,
        batch_id=batch_id,
        batch_index=batch_index,
        batch_count=batch_count,
        event=event,
        prev=prev,
        hash=record_hash,
        v=SIGNED_VERSION,
        raw=line,
        by=signer.by,
        digest=digest,
        nonce=nonce.hex(),
        sig=sig,
    )


def erased_line(line: bytes) -> bytes:
    """The erased form of a version 2 record's line: its nonce gone, a placeholder for its
    event; the same hash (so the chain and the Merkle tree do not change).

    Raises:
        InvalidInputError: the record is version 1 (its hash covers its event) or erased.
    """
    record = parse_record(line)
    if record.v < SIGNED_VERSION:
        msg = (
            f"record {record.seq} is a version 1 record (written unsigned): its hash covers "
            "its event, so it cannot be erased without breaking the chain"
        )
        raise InvalidInputError(msg)
    if record.erased:
        msg = f"record {record.seq} is erased already"
        raise InvalidInputError(msg)
    erased = replace(record, event=erased_event(record.seq), nonce=None, raw=None).line()
    if hash_of_line(erased) != record.hash or hash_of_line(line) != record.hash:
        msg = f"record {record.seq}: its hash does not match its content"
        raise IntegrityError(msg, seq=record.seq, **check_the_log())
    return erased


def check_v2(record: Record, line: bytes) -> None:
    """A version 2 record's own members: its digest and nonce (or an erased record's
    placeholder), and the signature's place, in the forms they are written."""
    seq = record.seq
    if record.nonce is None:
        if record.event != erased_event(seq):
            msg = f"record {seq}: an erased record's placeholder event was edited"
            raise IntegrityError(msg, seq=seq)
    else:
        i = line.rfind(HASH_KEY)
        span = hashed_span(line, i)
        event_bytes = line[span[0] + len(EVENT_KEY) : i] if span else b""
        try:
            salt = bytes.fromhex(record.nonce) if _HEX64.fullmatch(record.nonce) else b""
        except ValueError:
            salt = b""
        if len(salt) != 32 or event_digest(salt, event_bytes) != record.digest:
            msg = f"record {seq}: its event does not match its digest (the event was edited)"
            raise IntegrityError(msg, seq=seq)
    if record.sig is not None and not record.closes_batch:
        msg = f"record {seq}: a signature on a record that does not close its batch (edited)"
        raise IntegrityError(msg, seq=seq)


def v2_members_ok(data: dict[str, Any]) -> bool:
    """Whether a parsed line is shaped as a version 2 record (what :func:`_v2_from_dict` and
    :func:`_check_v2` check beyond the hash, for ``verify``'s fast path). The hash check
    itself, :func:`hash_at`, holds the event to its digest (so a live record's digest is
    lowercase hex already); the members every record has are the fast path's business."""
    if data.get("v") != SIGNED_VERSION or not _ALL_V2.issuperset(data):
        return False
    by = data.get("by")
    nonce, sig = data.get("nonce", _ABSENT), data.get("sig", _ABSENT)
    if type(by) is not str or _BY.fullmatch(by) is None:
        return False
    if nonce is _ABSENT:
        digest = data.get("digest")
        if (
            type(digest) is not str
            or _HEX64.fullmatch(digest) is None
            or data["event"] != erased_event(data["seq"])
        ):
            return False
    elif type(nonce) is not str or _HEX64.fullmatch(nonce) is None or "digest" not in data:
        return False
    if sig is _ABSENT:
        return True
    batch = data["batch"]
    return type(sig) is str and len(sig) == 88 and batch["index"] == batch["count"] - 1


def v2_from_dict(data: dict[str, Any], where: str) -> Record:
    """A version 2 record from its parsed object, its members checked for form."""
    keys = data.keys()
    if not (KEYS_V2 <= keys and keys <= KEYS_V2 | _OPTIONAL_V2):
        names = ", ".join(sorted(KEYS_V2 | _OPTIONAL_V2))
        msg = f"{where}not a tracker record (a version 2 record has the keys {names})"
        raise InvalidRecordError(msg)
    record = v1_fields(data, where)
    by, digest = data["by"], data["digest"]
    nonce, sig = data.get("nonce", _ABSENT), data.get("sig", _ABSENT)
    if not (
        isinstance(by, str)
        and _BY.fullmatch(by)
        and isinstance(digest, str)
        and _HEX64.fullmatch(digest)
        and (nonce is _ABSENT or (isinstance(nonce, str) and _HEX64.fullmatch(nonce)))
        and (sig is _ABSENT or (isinstance(sig, str) and len(sig) == 88))
    ):
        msg = f"{where}not a tracker record (its by, digest, nonce or sig is malformed)"
        raise InvalidRecordError(msg)
    return Record(
        seq=record.seq,
        recorded=record.recorded,
        batch_id=record.batch_id,
        batch_index=record.batch_index,
        batch_count=record.batch_count,
        event=record.event,
        prev=record.prev,
        hash=record.hash,
        v=SIGNED_VERSION,
        by=by,
        digest=digest,
        nonce=None if nonce is _ABSENT else nonce,
        sig=None if sig is _ABSENT else sig,
    )


__all__ = [
    "Signer",
    "check_v2",
    "erased_line",
    "make_signed_record",
    "v2_from_dict",
    "v2_members_ok",
]
