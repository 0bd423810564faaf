"""Folding records into the read model: each record adds a version, a fix ends one.

:class:`Builder` takes the log's records in sequence order (already checked against the chain
by whoever streams them) and writes, in one transaction per chunk:

- for an event: its first version, open in record time from its record on, with its world
  placement and its keys (:func:`keys_of`);
- for a correction: the target's current version ends there, and a new version begins with the
  replacement's content (its keys worked out again); for a supersession, a new version begins
  with the same content, now superseded; for a retraction, the current version just ends;
- the fix itself, with the version it ended, and the record's time in ``stamps``.

The keys come from the projections' own functions (which actors and topics an entry names, as
the timeline and the per-actor view work it out), so a slice of the read model holds what the
projections would look at.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from tracker.events.models import (
    ActorRegistered,
    AnyEvent,
    Correction,
    Figure,
    Retraction,
    Supersession,
    TopicRegistered,
)
from tracker.projections.fold import Entry
from tracker.projections.timeline import actors_of, ids_named, topics_of
from tracker.store.chain import duplicate_id

from .schema import MIN_KEY, SEP

RecordIn = tuple[int, str, AnyEvent, str, int, int]
"""What the builder is fed per record: (sequence number, recorded time, event, hash, the
position where the record starts, the position after it)."""

CHUNK = 20_000
"""Records per transaction: bounds memory and the write-ahead log, and lets a reader in."""

_FIX_TYPES = (Correction, Retraction, Supersession)


def keys_of(entry: Entry) -> list[str]:
    """The keys a version is found by (see :mod:`tracker.derived.readmodel.schema`): the ids
    it names, as the projections work them out (:func:`~tracker.projections.timeline.ids_named`,
    what ``actors_of`` and ``topics_of`` give)."""
    event = entry.event
    if event.KIND == "world":
        keys = ["a:" + actor for actor in ids_named(event, "actor")]
        keys += ["t:" + topic for topic in ids_named(event, "topic")]
        keys += ["r:" + ref for ref in ids_named(event, "event")]
        if type(event) is Figure:
            keys.append("m:" + event.metric)
        return keys
    keys = ["R:" + actor for actor in actors_of(entry)]  # the actors a registration relates to
    keys += ["t:" + topic for topic in topics_of(entry)]
    if isinstance(event, ActorRegistered):
        keys.append("A:" + event.actor)
    elif isinstance(event, TopicRegistered):
        keys.append("T:" + event.topic)
    return keys


def placement_columns(event: AnyEvent) -> tuple[int, int, int, int]:
    """(sort_a, sort_b, counted_from, possible_from) of a version's event.

    ``sort_a``/``sort_b`` are its occurred order (the fold's ``Entry.sort_key`` without the
    sequence number); it counts at ``as_of`` T (microseconds) when ``counted_from <= T`` and may
    have happened by T when ``possible_from <= T``, exactly as ``Replayer.placement_of`` says.
    """
    occurred = event.occurred
    if occurred is None:
        low = -(1 << 62)  # (the fold's Entry.sort_key of an undated event)
        return low, low, MIN_KEY, MIN_KEY
    a, b = occurred.sort_key
    if event.KIND == "registration":
        return a, b, MIN_KEY, MIN_KEY
    return a, b, b, a


class Builder:
    """Writes records into an open read-model database; see the module docstring."""

    def __init__(
        self, db: sqlite3.Connection, reread: Callable[[Sequence[Any]], Entry]
    ) -> None:
        """Continue from what ``db`` holds; ``reread`` reads a version's entry back (its event
        from the log), for the keys of a version written in an earlier chunk."""
        self.db = db
        self._reread = reread
        row = db.execute("SELECT coalesce(max(vid), 0) FROM versions").fetchone()
        self._next_vid: int = row[0] + 1
        self._versions: dict[int, list[Any]] = {}
        """Rows to insert, by vid (mutable: a fix in the same chunk may end one)."""
        self._ids: dict[str, int] = {}
        """Every id (events' and fixes') this chunk's records gave, with its record."""
        self._open: dict[str, int | None] = {}
        """Event id -> its current version's vid, for what this chunk touched (None: gone)."""
        self._ended: list[tuple[int, str, int]] = []
        """(rec_to, ended_by, vid) of versions already in the database."""
        self._keys: dict[int, list[str]] = {}
        """Keys of the queued versions, by vid."""
        self._fixes: list[tuple[Any, ...]] = []
        self._stamps: dict[str, tuple[int, bytes]] = {}
        self.last: tuple[int, str, int, str] | None = None
        """(seq, hash, position after, recorded) of the last record folded."""

    def feed_all(self, records: Iterable[RecordIn], after: int) -> Iterator[int]:
        """Fold the records with a sequence number above ``after``; yield at each chunk's end
        (the caller commits there) with the number of records folded so far."""
        count = 0
        for seq, recorded, event, record_hash, start, end in records:
            if seq <= after:
                continue  # another process folded it in first
            self.feed(seq, recorded, event, record_hash, start)
            self.last = (seq, record_hash, end, recorded)
            count += 1
            if count % CHUNK == 0:
                self.flush()
                yield count
        self.flush()
        yield count

    def feed(self, seq: int, recorded: str, event: AnyEvent, record_hash: str, start: int) -> None:
        """Fold one record."""
        digest = bytes.fromhex(record_hash)
        self._stamps[recorded] = (seq, digest)
        event_id: str = event.id  # type: ignore[assignment]
        first = self._ids.setdefault(event_id, seq)  # (flush checks the earlier chunks' ids)
        if first != seq:
            raise duplicate_id(event_id, first, seq)
        if type(event) in _FIX_TYPES:
            self._fix(seq, recorded, event, digest, start)  # type: ignore[arg-type]
            return
        self._add(Entry(event, seq, recorded), seq, start, seq, digest)

    def _add(self, entry: Entry, rec_from: int, src: int, src_seq: int, src_hash: bytes) -> int:
        """Queue a new current version of ``entry``; return its vid."""
        vid = self._next_vid
        self._next_vid += 1
        event = entry.event
        sort_a, sort_b, counted, possible = placement_columns(event)
        self._versions[vid] = [
            vid, entry.id, event.type, rec_from, None, None, entry.seq, entry.recorded,
            sort_a, sort_b, counted, possible, SEP.join(entry.corrected_by), entry.superseded_by,
            src, src_seq, src_hash,
        ]  # fmt: skip
        self._keys[vid] = keys_of(entry)
        self._open[entry.id] = vid
        return vid

    def _current(self, event_id: str) -> list[Any] | None:
        """The current version of an event as a row (None: never recorded, or retracted)."""
        if event_id in self._open:
            vid = self._open[event_id]
            if vid is None:
                return None
            pending = self._versions.get(vid)
            if pending is not None:
                return pending
        row = self.db.execute(
            "SELECT vid, id, type, rec_from, rec_to, ended_by, seq, recorded, sort_a, sort_b, "
            "counted_from, possible_from, corrected_by, superseded_by, src, src_seq, src_hash "
            "FROM versions WHERE id = ? AND rec_to IS NULL",
            (event_id,),
        ).fetchone()
        return list(row) if row is not None else None

    def _end(self, row: list[Any], seq: int, kind: str) -> None:
        vid = row[0]
        if vid in self._versions:
            row[4], row[5] = seq, kind
        else:
            self._ended.append((seq, kind, vid))
        self._open[row[1]] = None

    def _fix(
        self,
        seq: int,
        recorded: str,
        fix: Correction | Retraction | Supersession,
        digest: bytes,
        start: int,
    ) -> None:
        if isinstance(fix, Correction):
            target = fix.corrects
        elif isinstance(fix, Retraction):
            target = fix.retracts
        else:
            target = fix.supersedes
        before = self._current(target)
        self._fixes.append(
            (seq, fix.id, fix.type, target, before[0] if before else None, recorded, start, digest)
        )
        if before is None:
            return  # its target was already retracted (or never recorded): history only
        self._end(before, seq, fix.type)
        corrected_by = tuple(before[12].split(SEP)) if before[12] else ()
        if isinstance(fix, Retraction):
            return
        if isinstance(fix, Correction):
            event = fix.replacement.model_copy(update={"id": target})
            entry = Entry(event, before[6], before[7], (*corrected_by, fix.id or ""), before[13])
            self._add(entry, seq, start, seq, digest)
            return
        # A supersession: the same content, now superseded; its keys are the same too.
        vid = self._next_vid
        self._next_vid += 1
        row = [vid, *before[1:]]
        row[3], row[4], row[5], row[13] = seq, None, None, fix.by
        self._versions[vid] = row
        self._open[target] = vid
        queued = self._keys.get(before[0])
        self._keys[vid] = queued if queued is not None else keys_of(self._reread(before))

    def flush(self) -> None:
        """Write what is queued (the caller commits).

        Raises:
            IntegrityError: a record reuses an id an earlier record gave.
        """
        db = self.db
        self._check_new_ids()
        if self._ended:
            db.executemany("UPDATE versions SET rec_to = ?, ended_by = ? WHERE vid = ?", self._ended)
        if self._versions:
            db.executemany(
                "INSERT INTO versions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                self._versions.values(),
            )
        keys = sorted((key, vid) for vid, found in self._keys.items() for key in found)
        if keys:
            db.executemany("INSERT INTO version_keys VALUES (?, ?)", keys)
        if self._fixes:
            db.executemany("INSERT INTO fix_records VALUES (?,?,?,?,?,?,?,?)", self._fixes)
        if self._stamps:
            db.executemany(
                "INSERT OR REPLACE INTO stamps VALUES (?, ?, ?)",
                [(recorded, seq, h) for recorded, (seq, h) in self._stamps.items()],
            )
        self._versions = {}
        self._open = {}
        self._ids = {}
        self._ended = []
        self._keys = {}
        self._fixes = []
        self._stamps = {}

    def _check_new_ids(self) -> None:
        """Refuse an id an earlier chunk's record used already (one id, one record)."""
        new = list(self._ids.items())
        for i in range(0, len(new), 500):
            part = dict(new[i : i + 500])
            marks = ",".join("?" * len(part))
            for table in ("versions", "fix_records"):
                found = self.db.execute(
                    f"SELECT id, seq FROM {table} WHERE id IN ({marks}) LIMIT 1", list(part)
                ).fetchone()
                if found is not None:
                    raise duplicate_id(found[0], found[1], part[found[0]])


__all__ = ["CHUNK", "Builder", "RecordIn", "keys_of", "placement_columns"]
