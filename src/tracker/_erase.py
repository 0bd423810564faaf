"""The facade's room for erasure: :meth:`tracker.Log.erase`.

Erasing an event removes its content from the log for good while every hash stays: its
record (and each record that refers to it: the corrections that repeat its content, the
retractions, supersessions and verifications that name it, and so on down) keeps its hash, its
salted digest and its signer, loses its nonce, and holds a placeholder
(``{"id":"erased-SEQ","type":"erased"}``) where its event was. One signed ``erasure`` record
names the records, the reason and who ordered it. The store does both in one step (a file
log is written anew beside itself, fsynced and renamed over; a PostgreSQL log updates the rows
in the transaction that appends the erasure), then every file derived from the log is thrown
away, to be rebuilt without the content.

Only version 2 records (signed appends) can be erased: a version 1 record's hash covers its
event. A registration (an actor, a topic) is erased only with every record that names it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tracker.errors import ConflictError, InvalidInputError, UnknownIdError
from tracker.events.codec import load_event, prepare_events
from tracker.store.records import parse_record
from tracker.store.signed import Signer, erased_line

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from tracker._log import Log
    from tracker.store.base import Writer


@dataclass(frozen=True, slots=True)
class ErasureReceipt:
    """What an erasure did (or, for a dry run, would do)."""

    seq: int
    """The erasure record (for a dry run: the number it would have)."""
    id: str
    """The erasure record's event id."""
    erased: tuple[int, ...]
    """The records erased, in order."""
    events: tuple[str, ...]
    """The event ids they held (the ones asked for, then those that referred to them)."""
    by: str
    """The key that signed the erasure, ``NAME+KEYID``."""
    dry_run: bool = False


_LOG_TYPES = frozenset(("erased", "erasure", "key_rotation", "predecessor"))


def erase(
    log: Log,
    event_ids: Iterable[str],
    *,
    reason: str,
    ordered_by: str,
    signer: Signer | None,
    dry_run: bool = False,
) -> ErasureReceipt:
    """Erase events from ``log``; see :meth:`tracker.Log.erase`."""
    ids = list(dict.fromkeys(event_ids))
    if not ids:
        msg = "name at least one event to erase"
        raise InvalidInputError(msg)
    if signer is None:
        raise InvalidInputError(
            "an erasure is a signed record: give the key to sign it with, one the log's keys "
            "file lets erase",
            hint=" (log.erase(..., signer=KEY NAME), or tracker.open(..., signer=...))",
            cli_hint=" (--sign KEY, or $TRACKER_SIGNING_KEY)",
        )
    draft = {"type": "erasure", "records": [1], "reason": reason, "ordered_by": ordered_by}
    prepare_events([draft], lambda _i: "")  # reason and ordered_by say what is wrong first
    with log.store.writer() as writer:
        found, events = _targets(writer, _registrations(log, writer, ids))
        lines = {seq: _erasable(seq, line, events[seq]) for seq, line in found.items()}
        erasure = {**draft, "records": sorted(lines)}
        _model, data, _digest = prepare_events([erasure], lambda _i: "")[0]
        if dry_run:
            seq = writer.head().seq + 1
        else:
            seq = writer.rewrite(lines, [data], signer=signer)[0].seq
    if not dry_run:
        log._forget_derived()  # noqa: SLF001 - the facade's own room
    order = sorted(lines)
    return ErasureReceipt(
        seq, data["id"], tuple(order), tuple(events[s] for s in order), signer.by, dry_run
    )


def _registrations(log: Log, writer: Writer, ids: list[str]) -> list[str]:
    """The ids, an actor's or topic's id (not an event's) taken as its registration's."""
    index = log.derived.catch_up(writer)  # (verified, a damaged saved index rebuilt)
    out = []
    for given in ids:
        if index.event(given) is None:
            given = index.actors.get(given) or index.topics.get(given) or given
        out.append(given)
    return out


def _lines(writer: Writer) -> Iterator[bytes]:
    read_lines = getattr(writer, "read_lines", None)
    if read_lines is not None:
        for line, _pos in read_lines():
            yield line
        return
    for record, _pos in writer.read():
        yield record.line()


def _targets(writer: Writer, ids: list[str]) -> tuple[dict[int, bytes], dict[int, str]]:
    """The lines of the records to erase: each event asked for, and every record that refers
    to one of them, down the chain of references (a fix of a verification of it...).

    One pass suffices: a record refers only to events recorded before it.

    Raises:
        UnknownIdError: an id is in no record.
        ConflictError: an id is a record about the log itself, or a registration named by
            records not erased with it.
    """
    wanted = set(ids)
    erasing: set[str] = set()
    slugs: dict[tuple[str, str], str] = {}  # (namespace, actor or topic id) -> its event id
    found: dict[int, bytes] = {}
    events: dict[int, str] = {}
    naming: dict[str, list[int]] = {}  # registration event id -> records naming it
    needles = [b'"%s"' % i.encode() for i in wanted]
    for seq, line in enumerate(_lines(writer), 1):
        if not any(n in line for n in needles):
            continue
        record = parse_record(line)
        event: dict[str, Any] = record.event
        event_id = str(event.get("id"))
        kind = event.get("type")
        if event_id in wanted and event_id not in erasing:
            if kind in _LOG_TYPES:
                msg = f"'{event_id}' is a record about the log itself ({kind}): it cannot be erased"
                raise ConflictError(msg)
            erasing.add(event_id)
            found[seq], events[seq] = line, event_id
            if kind in ("actor", "topic"):
                slugs[(kind, event[kind])] = event_id
                needles.append(b'"%s"' % event[kind].encode())
            continue
        refs = load_event(event, seq=record.seq).references()
        if any(ns == "event" and ref in erasing for _f, ns, ref in refs):
            erasing.add(event_id)  # a fix or verification of an erased event: it goes too
            wanted.add(event_id)
            needles.append(b'"%s"' % event_id.encode())
            found[seq], events[seq] = line, event_id
            continue
        for _f, ns, ref in refs:
            owner = slugs.get((ns, ref))
            if owner is not None:
                naming.setdefault(owner, []).append(seq)
    missing = [i for i in ids if i not in erasing]
    if missing:
        raise UnknownIdError(
            f"unknown event '{missing[0]}'",
            hint=" (log.records() lists the log's records, with their events' ids)",
            cli_hint=" (see 'tracker log' for ids)",
        )
    for owner, seqs in naming.items():
        kept = [s for s in seqs if s not in found]
        if kept:
            shown = ", ".join(str(s) for s in kept[:10]) + (" ..." if len(kept) > 10 else "")
            msg = (
                f"'{owner}' registers an actor or topic that records {shown} still name: "
                "erase those events too (name them all in one erasure), or keep the registration"
            )
            raise ConflictError(msg)
    return found, events


def _erasable(seq: int, line: bytes, event_id: str) -> bytes:
    """The erased form of a record's line, or why it cannot be erased."""
    try:
        return erased_line(line)
    except InvalidInputError as exc:
        msg = (
            f"event '{event_id}' (record {seq}) cannot be erased: {exc.message}; only records "
            "appended signed (version 2) can be; to make an older log's content erasable, "
            "carry it into a new log (tracker carry)"
        )
        raise InvalidInputError(msg) from None


__all__ = ["ErasureReceipt", "erase"]
