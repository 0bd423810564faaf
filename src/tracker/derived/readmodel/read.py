"""Reading slices of the read model back as the projections' own entries and fixes.

A slice is the rows one question needs at one pair of clocks: the versions of some keys (or
ids) valid at the ``known_at`` sequence number K, placed at the ``as_of`` instant T, and the fixes
recorded by K. Each row points at the record holding its content; :class:`Reader` reads those
records back from the log (only those) and checks each against the hash the read model noted
when it walked the chain. Those bytes validated then, as a replay validates them; a record
whose hash covers its event (version 1) is therefore rebuilt without validating it again
(:func:`tracker.events.trusted.trusted_event`: the same objects, held equal to validation by a
test), any other one is validated as a replay does. Either way the entries equal a replay's,
field for field.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

import orjson

from tracker._gc import paused
from tracker.errors import IntegrityError, check_the_log
from tracker.events.codec import load_event
from tracker.events.models import AnyEvent, Correction, Retraction, Supersession
from tracker.events.trusted import Unplanned, trusted_event
from tracker.projections.fold import Entry, FixEntry
from tracker.store.records import HASH_KEY, SCHEMA_VERSION, hash_at, parse_record

from .model import LinesAt
from .schema import FIX_COLUMNS, SEP, VERSION_COLUMNS

Row = tuple[Any, ...]
"""A row of ``versions`` (columns in :data:`VERSION_COLUMNS` order)."""
FixRow = tuple[Any, ...]
"""A row of ``fixes`` (columns in :data:`FIX_COLUMNS` order)."""

MAX_T = 2**63 - 1
"""The ``as_of`` of a replay with none: every dated event counts."""

_BATCH = 500
"""Values per ``IN (...)`` list (old SQLite builds allow 999 variables)."""

VERSION_SELECT = ", ".join(f"v.{c.strip()}" for c in VERSION_COLUMNS.split(","))
"""The columns of ``versions`` aliased ``v``, in table order."""
_V = VERSION_SELECT

# Column positions in a versions row.
VID, ID, TYPE, REC_FROM, REC_TO, ENDED_BY, SEQ, RECORDED = range(8)
CORRECTED_BY, SUPERSEDED_BY, SRC, SRC_SEQ, SRC_HASH = 12, 13, 14, 15, 16


class Reader:
    """Reads rows of the read model valid at ``known_at`` sequence number ``k`` and builds
    the entries they stand for."""

    def __init__(self, db: sqlite3.Connection, lines_at: LinesAt, k: int) -> None:
        """Read through ``db`` at sequence number ``k``; records come from ``lines_at``."""
        self.db = db
        self.lines_at = lines_at
        self.k = k

    # --- rows ------------------------------------------------------------------------------

    def by_keys(self, keys: Iterable[str], *, where: str = "1", args: Sequence[Any] = ()) -> list[Row]:
        """The versions valid at K found by any of ``keys``, meeting ``where`` (on ``v``)."""
        found: dict[int, Row] = {}
        keys = list(dict.fromkeys(keys))
        for i in range(0, len(keys), _BATCH):
            part = keys[i : i + _BATCH]
            sql = (
                f"SELECT {_V} FROM version_keys k JOIN versions v ON v.vid = k.vid "
                f"WHERE k.key IN ({','.join('?' * len(part))}) AND v.rec_from <= ? "
                f"AND (v.rec_to IS NULL OR v.rec_to > ?) AND ({where})"
            )
            for row in self.db.execute(sql, (*part, self.k, self.k, *args)):
                found[row[VID]] = row
        return list(found.values())

    def by_types(
        self, types: Sequence[str], *, where: str = "1", args: Sequence[Any] = ()
    ) -> list[Row]:
        """The versions valid at K of events of these types, meeting ``where`` (on ``v``)."""
        sql = (
            f"SELECT {_V} FROM versions v WHERE v.type IN ({','.join('?' * len(types))}) "
            f"AND v.rec_from <= ? AND (v.rec_to IS NULL OR v.rec_to > ?) AND ({where})"
        )
        return self.db.execute(sql, (*types, self.k, self.k, *args)).fetchall()

    def by_ids(self, ids: Iterable[str]) -> list[Row]:
        """The versions of these event ids valid at K (whatever their placement)."""
        found: list[Row] = []
        ids = list(dict.fromkeys(ids))
        for i in range(0, len(ids), _BATCH):
            part = ids[i : i + _BATCH]
            sql = (
                f"SELECT {VERSION_COLUMNS} FROM versions WHERE id IN ({','.join('?' * len(part))}) "
                "AND rec_from <= ? AND (rec_to IS NULL OR rec_to > ?)"
            )
            found += self.db.execute(sql, (*part, self.k, self.k)).fetchall()
        return found

    def withdrawn(
        self, keys: Iterable[str], t: int, types: Sequence[str] | None = None
    ) -> list[FixRow]:
        """The retractions recorded by K of versions found by ``keys`` (or of ``types``) that
        counted at ``t`` (the statements whose stance was withdrawn), as fix rows."""
        seqs: set[int] = set()
        if types is not None:
            sql = (
                f"SELECT v.rec_to FROM versions v WHERE v.type IN ({','.join('?' * len(types))}) "
                "AND v.ended_by = 'retraction' AND v.rec_to <= ? AND v.counted_from <= ?"
            )
            seqs.update(s for (s,) in self.db.execute(sql, (*types, self.k, t)))
        keys = list(dict.fromkeys(keys))
        for i in range(0, len(keys), _BATCH):
            part = keys[i : i + _BATCH]
            sql = (
                f"SELECT v.rec_to FROM version_keys k JOIN versions v ON v.vid = k.vid "
                f"WHERE k.key IN ({','.join('?' * len(part))}) AND v.ended_by = 'retraction' "
                "AND v.rec_to <= ? AND v.counted_from <= ?"
            )
            seqs.update(s for (s,) in self.db.execute(sql, (*part, self.k, t)))
        return self.fixes(seqs=sorted(seqs))

    def fixes(
        self, *, seqs: Sequence[int] | None = None, targets: Iterable[str] | None = None
    ) -> list[FixRow]:
        """Fix rows recorded by K: all of them, or those at ``seqs``, or of ``targets``."""
        if seqs is None and targets is None:
            sql = f"SELECT {FIX_COLUMNS} FROM fix_records WHERE seq <= ? ORDER BY seq"
            return self.db.execute(sql, (self.k,)).fetchall()
        column, values = ("seq", list(seqs)) if seqs is not None else ("target", list(targets or ()))
        out: list[FixRow] = []
        for i in range(0, len(values), _BATCH):
            part = values[i : i + _BATCH]
            sql = (
                f"SELECT {FIX_COLUMNS} FROM fix_records WHERE {column} IN "
                f"({','.join('?' * len(part))}) AND seq <= ?"
            )
            out += self.db.execute(sql, (*part, self.k)).fetchall()
        out.sort()
        return out

    def by_vids(self, vids: Iterable[int]) -> dict[int, Row]:
        """Versions by vid (whatever their validity: the versions fixes replaced)."""
        out: dict[int, Row] = {}
        wanted = list(dict.fromkeys(vids))
        for i in range(0, len(wanted), _BATCH):
            part = wanted[i : i + _BATCH]
            sql = f"SELECT {VERSION_COLUMNS} FROM versions WHERE vid IN ({','.join('?' * len(part))})"
            out.update((row[VID], row) for row in self.db.execute(sql, part))
        return out

    # --- entries ---------------------------------------------------------------------------

    def entries(self, rows: Iterable[Row], *, as_given: bool = False) -> list[Entry]:
        """The entries the rows stand for, in the order of their first records (or, with
        ``as_given``, in the rows' order)."""
        ordered = list(rows) if as_given else sorted(rows, key=lambda r: r[SEQ])
        with paused(freeze=False):  # (many objects, no cycles: see ReadState._slice)
            events = self._events([(r[SRC], r[SRC_HASH], r[SRC_SEQ], r[SRC_SEQ] == r[SEQ], r[ID])
                                   for r in ordered])
            return [
                Entry(
                    event,
                    r[SEQ],
                    r[RECORDED],
                    tuple(r[CORRECTED_BY].split(SEP)) if r[CORRECTED_BY] else (),
                    r[SUPERSEDED_BY],
                )
                for r, event in zip(ordered, events, strict=True)
            ]

    def fix_entries(self, rows: Sequence[FixRow]) -> list[FixEntry]:
        """The fixes the rows stand for (in log order), each with the version it replaced."""
        befores = self.by_vids(r[4] for r in rows if r[4] is not None)
        ordered = sorted(befores.values(), key=lambda r: r[SEQ])
        before_entries = {
            row[VID]: entry for row, entry in zip(ordered, self.entries(ordered), strict=True)
        }
        fixes = self._events([(r[6], r[7], r[0], True, r[1]) for r in rows])
        out = []
        for r, fix in zip(rows, fixes, strict=True):
            assert isinstance(fix, Correction | Retraction | Supersession)
            out.append(FixEntry(fix, r[0], r[5], r[3], before_entries.get(r[4])))
        return out

    def _events(self, specs: Sequence[tuple[int, bytes, int, bool, str]]) -> list[AnyEvent]:
        """The events of (position, hash, sequence number, as first recorded?, id) specs.

        A version that is not the event as first recorded holds a correction's replacement
        (with the event's id), as the fold makes it.
        """
        positions = sorted({spec[0] for spec in specs})
        lines = dict(zip(positions, self.lines_at(positions), strict=True))
        parsed: dict[int, AnyEvent] = {}
        out: list[AnyEvent] = []
        for position, digest, seq, original, event_id in specs:
            event = parsed.get(position)
            if event is None:
                event = parsed[position] = _event_of(lines[position], digest, seq)
            if not original:
                assert isinstance(event, Correction)
                event = event.replacement.model_copy(update={"id": event_id})
            out.append(event)
        return out


_EVENT_KEY = b'"event":'
_VERSION_TAIL = b',"v":%d}' % SCHEMA_VERSION


def _event_of(line: bytes, digest: bytes, seq: int) -> AnyEvent:
    """The event of a record read back, once its bytes hash to what the read model noted.

    Raises:
        IntegrityError: the record is not the one the read model noted (the log was changed
            after this user's chain check read it).
    """
    i = line.rfind(HASH_KEY)
    if i <= 0 or hash_at(line, i) != digest.hex():
        msg = (
            f"record {seq} is no longer what it was when this log was last checked (its bytes "
            "changed)"
        )
        raise IntegrityError(msg, seq=seq, **check_the_log(
            "run 'tracker verify' to find what was edited", "log.verify() finds what was edited"))
    if line.endswith(_VERSION_TAIL):  # (a version 1 record: its hash covers its event)
        j = line.find(_EVENT_KEY)
        try:  # the very bytes validated when the chain was walked: built, not validated again
            return trusted_event(orjson.loads(line[j + len(_EVENT_KEY) : i]))
        except (Unplanned, KeyError, TypeError, ValueError):
            pass  # (never, for bytes that validated: the careful path below says what is wrong)
    return load_event(parse_record(line).event, seq=seq)


__all__ = ["MAX_T", "Reader", "Row", "VERSION_SELECT"]
