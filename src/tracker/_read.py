"""Reading a log for the facade, checked as it is read: replay's stream, one actor's records,
verify's walk, the raw records ``tracker log`` lists, and a copy's source.

Nothing here believes a record it has not checked: each stream checks every record's hash and
its link to the record before, and that its event id was not used by an earlier record (one
id, one record); ``verify`` checks everything (:class:`~tracker.store.chain.Chain`).
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import orjson
from pydantic import ValidationError

from tracker.derived.index import StaleIndexError
from tracker.derived.seek import EVERY, Point
from tracker.errors import IntegrityError, InvalidInputError, UnknownIdError, check_the_log
from tracker.events.codec import EVENT_ADAPTER, load_event
from tracker.events.dates import PartialDate, format_instant
from tracker.events.models import AnyEvent
from tracker.store.chain import Chain, duplicate_id
from tracker.store.checkpoint import Checkpoint, origin_of
from tracker.store.file import FileStore, open_regular
from tracker.store.records import (
    HASH_KEY,
    SCHEMA_VERSION,
    SIGNED_VERSION,
    Record,
    hash_at,
    hash_of_line,
    parse_record,
    record_from_dict,
)

if TYPE_CHECKING:
    from tracker._endings import EndingCheck
    from tracker._log import Log
    from tracker.derived.core import Derived
    from tracker.proofs.audit import Audit
    from tracker.store.base import Position, Store

Streamed = tuple[int, str, AnyEvent, str, "Position"]
"""(seq, recorded, event, hash, position after) of a record a replay folds."""


def stream(
    store: Store,
    derived: Derived,
    start: Position | None,
    chain: Chain,
    cutoff: str | None,
    hasher: Any = None,
) -> Iterator[Streamed]:
    """Yield the records after ``start`` for a replay, checking the chain as they come.

    ``chain`` is where the walk stands (the record before ``start``: its sequence number, hash
    and recorded time) and holds the event ids already seen (``chain.ids``, a dict); it is
    moved along. Stops before the first record recorded after ``cutoff`` (RFC 3339) if given.
    ``hasher`` (a file log's replay that will save a checkpoint) is fed every byte read.

    Raises:
        IntegrityError: a record's hash, link or sequence number is wrong, or it reuses an id.
    """
    ids = chain.ids if chain.ids is not None else {}
    if not isinstance(store, FileStore):
        if cutoff is None:
            records = store.read(start)
        else:  # the prefix recorded by the cutoff: a database reads only it
            records = store.read_until(start, until_recorded=cutoff)
        for record, pos in records:
            if cutoff is not None and record.recorded > cutoff:
                return
            event = load_event(record.event, seq=record.seq)  # an invalid event says so first
            chain.check(record.line())
            yield record.seq, record.recorded, event, record.hash, pos
        return
    # The file fast path: the record's tail (hash, prev, recorded, seq, v) is parsed alone
    # and the event's bytes go straight to the validator, never through Python dicts.
    loads, validate = orjson.loads, EVENT_ADAPTER.validator.validate_json
    hash_key, event_key, versions = HASH_KEY, b'"event":', _VERSIONS
    seek = derived.seek
    # A walk over the whole log from where the seek samples end fills them in on the way.
    sampling = cutoff is None and not seek.ready() and not start
    prev, expected, recorded = chain.prev, chain.seq + 1, chain.recorded
    pos = int(start or 0)
    try:
        for line, pos in store.read_lines(start):
            if hasher is not None:
                hasher.update(line)
                hasher.update(b"\n")
            i = line.rfind(hash_key)
            try:
                tail = loads(b"{" + line[i + 1 :]) if i > 0 else None
            except orjson.JSONDecodeError:
                tail = None
            if (
                tail is None
                or tail.get("v") not in versions
                or tail.get("prev") != prev
                or tail.get("seq") != expected
                or not isinstance(tail.get("recorded"), str)
                or tail["recorded"] < recorded
                or hash_at(line, i) != tail.get("hash")
            ):
                record = parse_record(line, where=f"{store.location} at byte {pos - len(line) - 1}: ")
                if cutoff is not None and record.recorded > cutoff:
                    return
                event = load_event(record.event, seq=record.seq)  # an invalid event says so first
                if (
                    record.seq != expected
                    or record.prev != prev
                    or record.recorded < recorded
                    or hash_of_line(line) != record.hash
                ):
                    msg = (
                        f"record {expected}: its hash or its link to the record before is wrong "
                        "(or it is out of place)"
                    )
                    raise IntegrityError(msg, seq=expected, **check_the_log(
                        f"run 'tracker verify --log {store.location}' for details",
                        "log.verify() says more"))
                seq, record_hash, recorded = record.seq, record.hash, record.recorded
            else:
                if tail["recorded"] != recorded:  # a batch shares one stamp: keep one string
                    recorded = tail["recorded"]
                if cutoff is not None and recorded > cutoff:
                    return
                j = line.find(event_key)
                seq, record_hash = expected, tail["hash"]
                try:
                    event = validate(line[j + 8 : i])
                except ValidationError:  # the careful path says what is wrong
                    event = load_event(loads(line)["event"], seq=seq)
            first = ids.setdefault(event.id, seq)  # type: ignore[arg-type]
            if first != seq:
                raise duplicate_id(event.id or "", first, seq)
            if sampling and seq % EVERY == 1:
                seek.note(Point(seq, pos - len(line) - 1, recorded, record_hash))
            yield seq, recorded, event, record_hash, pos
            prev, expected = record_hash, expected + 1
    finally:
        chain.seq, chain.prev, chain.recorded = expected - 1, prev, recorded
    if sampling and expected > 1:
        seek.covered(expected - 1, pos, prev)


_VERSIONS = (SCHEMA_VERSION, SIGNED_VERSION)
"""The record versions replay's fast path reads (its hash check covers a version 2 record's
event through its digest: :func:`tracker.store.records.hash_at`)."""


def records_at(store: FileStore, offsets: list[int]) -> Iterator[tuple[int, str, AnyEvent, str]]:
    """Read the records starting at ``offsets`` (in order), checking each one's hash.

    The offsets come from the index (authenticated); a record whose hash is wrong there means
    the index or the log changed.

    Raises:
        StaleIndexError: an offset is past the end, or no whole record starts there.
    """
    loads, validate = orjson.loads, EVENT_ADAPTER.validator.validate_json
    hash_key, event_key = HASH_KEY, b'"event":'
    fd = open_regular(os.fspath(store.real_path), os.O_RDONLY)
    with builtins.open(fd, "rb", buffering=0):
        for offset in offsets:
            chunk = os.pread(fd, 2048, offset)
            nl = chunk.find(b"\n")
            while nl < 0:
                more = os.pread(fd, 1 << 16, offset + len(chunk))
                if not more:
                    raise StaleIndexError(offset)  # past the end: the caller rebuilds it
                chunk += more
                nl = chunk.find(b"\n")
            line = chunk[:nl]
            i = line.rfind(hash_key)
            try:
                tail = loads(b"{" + line[i + 1 :])
                ok = hash_at(line, i) == tail["hash"]
            except (orjson.JSONDecodeError, KeyError, TypeError):
                ok = False
            if not ok or i <= 0:
                # Not a whole record there: the index is stale. (If the log itself was
                # edited, the full replay the caller falls back to says where.)
                raise StaleIndexError(offset)
            j = line.find(event_key)
            try:
                event = validate(line[j + 8 : i])
            except ValidationError:
                event = load_event(loads(line)["event"], seq=tail["seq"])
            yield tail["seq"], tail["recorded"], event, tail["hash"]


_ENDING_KINDS = (b'"type":"regulatory_action"', b'"type":"correction"', b'"type":"retraction"')
"""Records an ending check follows (a cheap test on the line before looking at its event)."""


def verify_walk(
    store: Store,
    want: Checkpoint | None,
    audit: Audit | None = None,
    endings: EndingCheck | None = None,
) -> tuple[Chain, Audit | None]:
    """Walk the whole chain (every check of :class:`Chain`, ids included) against ``want``.

    ``audit`` (signatures and erasures, :mod:`tracker.proofs.audit`) sees every record; one is
    made at the first signed record when none is given (erasures need no keys to check).
    ``endings`` (:class:`tracker._endings.EndingCheck`) is fed the regulatory actions and
    their fixes along the walk.
    Returns the chain as it ends (its ``seq`` is the record count) and the audit, if any.

    Raises:
        IntegrityError: the first bad record, or how the log fails to extend ``want``.
    """
    want_seq = want.seq if want is not None else -1
    seen_want = want is None or want.seq == 0
    chain = Chain(ids={})
    check = chain.check
    for line, _pos in store.read_lines():
        data = check(line)
        record_hash = data["hash"]
        if audit is not None or data["v"] != SCHEMA_VERSION:
            if audit is None:  # signed records: check erasures (signatures need keys)
                from tracker.proofs.audit import Audit

                audit = Audit(None)
            audit.see(data, line)
        if endings is not None and any(kind in line for kind in _ENDING_KINDS):
            event = data.get("event")
            if isinstance(event, dict):  # (an erased record holds none)
                endings.feed(chain.seq, event)
        if chain.seq == 1 and want is not None and want.seq > 0 and want.origin is not None:
            origin = origin_of(record_hash)
            if origin != want.origin:
                msg = (
                    f"the published head is for the log {want.origin}, and this log is "
                    f"{origin}: it is another log, or its first record was rewritten"
                )
                raise IntegrityError(msg, seq=1)
        if chain.seq == want_seq:
            assert want is not None
            if record_hash != want.hash:
                msg = (
                    f"the log does not extend the published head {want.seq}:{want.hash[:16]}...: "
                    f"record {want.seq} has hash {record_hash[:16]}... (the log was rewritten "
                    f"at or before record {want.seq})"
                )
                raise IntegrityError(msg, seq=want.seq)
            seen_want = True
    if not seen_want and want is not None:
        msg = (
            f"the log does not extend the published head {want.seq}:{want.hash[:16]}...: "
            f"it has only {chain.seq} records"
        )
        raise IntegrityError(msg, seq=chain.seq + 1)
    return chain, audit


def checked_records(lines: Iterable[tuple[bytes, Position]]) -> Iterator[tuple[Record, Position]]:
    """Walk a log's stored lines from its first, yielding each record once it has passed.

    Each line must pass every check of :class:`Chain` (event ids included).

    Raises:
        IntegrityError: names the first bad sequence number.
    """
    check = Chain(ids={}).check
    for line, pos in lines:
        yield record_from_dict(check(line)), pos


def filtered(
    store: Store,
    type: str | None,  # noqa: A002 - the field is called type
    actor: str | None,
    topic: str | None,
    occ: PartialDate | None,
    rec: PartialDate | None,
    by: str | None = None,
) -> Iterator[Record]:
    """The raw records matching the filters (``tracker log``), checked from the first record.

    ``by``: only records signed in the name of this key (``NAME+KEYID``, or ``NAME`` for any
    key of that name).

    Raises:
        IntegrityError: a record before the last one listed does not extend the chain, or
            reuses an event id.
    """
    rec_from = format_instant(rec.earliest) if rec and rec.earliest else None
    rec_to = format_instant(rec.latest) if rec and rec.latest else None
    if rec_to is None:
        records = store.read()
    else:  # a prefix of the log: a store with an index on recorded time reads only it
        records = store.read_until(until_recorded=rec_to)
    check = Chain(ids={}).check
    by_name = by if by is None or "+" not in by else None
    for record, _pos in records:
        check(record.line())
        event = record.event
        if type is not None and event["type"] != type:
            continue
        if by is not None:
            signer = record.by
            if signer is None or (
                signer != by if by_name is None else signer.rpartition("+")[0] != by_name
            ):
                continue
        if rec_from is not None and record.recorded < rec_from:
            continue
        if rec_to is not None and record.recorded > rec_to:
            continue
        if occ is not None:
            text = event.get("occurred")
            if text is None or not overlaps(PartialDate.parse(text), occ):
                continue
        if actor is not None or topic is not None:
            refs = {(ns, v) for _f, ns, v in load_event(event).references()}
            if actor is not None and ("actor", actor) not in refs and event.get("actor") != actor:
                continue
            if topic is not None and ("topic", topic) not in refs and event.get("topic") != topic:
                continue
        yield record


def overlaps(a: PartialDate, b: PartialDate) -> bool:
    """Whether two date intervals share an instant (an open end reaches forever)."""
    if a.latest is not None and b.earliest is not None and a.latest < b.earliest:
        return False
    return not (b.latest is not None and a.earliest is not None and b.latest < a.earliest)


def first_hash(store: Store) -> str | None:
    """The hash of record 1 (None for an empty log): the origin of a published head."""
    for record, _pos in store.read():
        return record.hash
    return None


def records(
    log: Log,
    type: str | None,  # noqa: A002 - the field is called type
    actor: str | None,
    topic: str | None,
    occurred: str | None,
    recorded: str | None,
    by: str | None,
) -> Iterator[Record]:
    """:meth:`tracker.Log.records`: the filters checked (an unknown type, actor or topic said
    with the closest one), then the records streamed (:func:`filtered`)."""
    from tracker._plan import LOG_DOORS

    occ = PartialDate.parse(occurred) if occurred is not None else None
    rec = PartialDate.parse(recorded) if recorded is not None else None
    if type is not None and type not in LOG_DOORS:
        from tracker.events.flat import spec as flat_spec

        flat_spec(type)  # raises for an unknown type, with a suggestion
    if actor is not None or topic is not None:
        index = log.derived.catch_up()
        for kind, value, table in (
            ("actor", actor, index.actors),
            ("topic", topic, index.topics),
        ):
            if value is not None and value not in table:
                guess = _suggest(value, table, index.names if kind == "actor" else None)
                hint = f"; did you mean '{guess}'?" if guess else ""
                raise UnknownIdError(
                    f"no {kind} '{value}' is registered{hint}",
                    hint=f" (log.replay().{kind}s holds the registered ones)",
                    cli_hint=f" (see 'tracker {kind} list')",
                )
    if by is not None and not by.strip():
        raise InvalidInputError(
            "the key name is empty: give a key's NAME or NAME+KEYID",
            hint=" (records(by=...); tracker.proofs.keys.list_keys() lists yours)",
            cli_hint=" (--by; see 'tracker key list')",
        )
    return filtered(log.store, type, actor, topic, occ, rec, by)


def recorders(store: Store, seqs: Iterable[int]) -> dict[int, str | None]:
    """:meth:`tracker.Log.recorders`: who each record claims recorded it."""
    out: dict[int, str | None] = {}
    for seq in sorted(set(seqs)):
        for record, _pos in store.read(store.position_of(seq - 1)):
            out[seq] = record.by if record.seq == seq else None
            break
    return out


def _suggest(value: str, candidates: Any, aliases: dict[str, str] | None = None) -> str | None:
    from tracker.projections.registry import suggest

    return suggest(value, candidates, aliases)


__all__ = [
    "checked_records", "filtered", "first_hash", "overlaps", "recorders", "records", "records_at",
    "stream", "verify_walk",
]
