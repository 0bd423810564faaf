"""The log's index: event ids, the registry, and where each event's family of records starts.

An append must know whether an event id is new (or the very same content, which makes a
re-import a no-op), whether the actors, topics and events it names exist, and which events were
retracted; reading back the version of an event the log holds now (a closure's check) needs the
records of its family and no others. Working that out from the log costs a full scan; on a
million events that is seconds. So the index is kept in the log's folder
(:mod:`tracker.derived`), in ``index/``:

- ``state.json``: the log position, sequence number, chain hash and recorded time it covers;
  the small tables (actors, topics, names and aliases, retracted ids, which event registered
  what); and a last line with its MAC under the user's key;
- ``ids.sqlite`` (:mod:`tracker.derived.index_format`): per event id, its content digest,
  sequence number, type, the root of its family and where its record starts; per family that
  grew past one record, where its records start; and the sequence number its rows cover,
  which must be the one ``state.json`` names.

A *family* is an event with everything that points at it: corrections, retractions and
supersessions of it, verifications of it, closures ending it, and so on down (a retraction of
a verification joins the verified event's family).

Nothing here holds every id: what was added since the last save is kept in memory (at most
:data:`_FLUSH_AT` ids while an index is built or a long import runs: a save follows), and
everything saved is looked up in the database, a batch's ids in one query.

It is derived data, and believed only when checked: ``state.json`` must carry a valid MAC (a
file edited, planted or copied from another log is rebuilt), the log must still hold a record
with the saved hash ending at the saved position (else it is rebuilt from scratch), and the
database must be a regular file of this user covering exactly that record (else
:class:`StaleIndexError` or a rebuild). Delete the folder and everything still works; the next
use rebuilds it. The records folded in are checked by the caller
(:class:`tracker.derived.core.Derived`) as they are read; an event id already in the index
under another record is refused (one id, one record). Saves happen under the log's lock.
"""

from __future__ import annotations

import array
import contextlib
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from tracker._json import loads as json_loads
from tracker.derived import files, key
from tracker.derived.index_format import (
    TARGET_FIELD,
    Entry,
    StaleIndexError,
    covered,
    create_ids,
    open_ids,
)
from tracker.events.codec import content_digest
from tracker.store.chain import duplicate_id

INDEX_VERSION = 7
"""Bumped when the index's files change shape; an index of another version is rebuilt."""

_FLUSH_AT = 50_000
"""Ids added since the last save that trigger a save during a long session (an index built
from the whole log, a big import; close saves the rest): what bounds the index's memory."""

_MANY = 900
"""Ids per lookup query (SQLite allows 32,766 parameters; fewer keeps each statement small)."""


class Index:
    """Event ids, the registry and the families as of a log position (module docstring).

    With ``directory`` None it lives in memory only (in-memory and database stores, or no
    private folder to keep it in). ``scope`` names the log for the MAC of ``state.json``.
    """

    def __init__(self, directory: Path | None = None, scope: str = "", *, keep: bool = False) -> None:
        """Start empty; :meth:`load` fills it from ``directory`` when there is one saved.

        With ``keep`` and no directory yet, what is added is kept for a directory given later
        (:meth:`attach`): a file log's first records come before its folder is known.
        """
        self.directory = directory
        self.scope = scope
        self._keep = keep or directory is not None
        self.position: Any = None
        self.seq = 0
        self.hash: str | None = None
        self.recorded = ""
        """When the last record folded in was recorded (the chain check goes on from it)."""
        self.actors: dict[str, str] = {}
        """actor id -> id of the event that registered it"""
        self.topics: dict[str, str] = {}
        self.names: dict[str, str] = {}
        """lowercased actor names and aliases -> actor id (for suggestions)"""
        self.retracted: set[str] = set()
        self.owners: dict[str, tuple[str, str]] = {}
        """registration event id -> (``actor`` or ``topic``, slug)"""
        self._recent: dict[str, Entry] = {}
        """Ids added since the last save."""
        self._looked: dict[str, Entry | None] = {}
        """Ids of the last batch looked up in the database (None: not there)."""
        self._families: dict[str, array.array[int]] = {}
        """Families grown (or read) since the last save: root -> where its records start."""
        self._pending_families: set[str] = set()
        self._db: sqlite3.Connection | None = None
        self._fresh = True
        """Whether the database in the directory holds nothing of this index (the first save
        makes it anew)."""
        self._saved_seq = 0
        """The sequence number the database's rows reach, as this index loaded or saved it."""
        self.count = 0
        """How many ids are saved or pending."""
        self._partial = False
        """Whether some entries are only in the database: else everything was added in this
        process and is still in memory, and lookups read nothing."""
        self._dirty = False

    # --- loading -------------------------------------------------------------------------

    def load(self, check: Any, *, discard: bool = True) -> bool:
        """Load the saved state if ``check(position, hash)`` confirms the log still holds it.

        Returns whether a saved state was used; otherwise the index is empty, so the caller
        folds the whole log in, and a stale directory is removed when ``discard`` is true.
        Only a caller holding the log's lock may discard: a reader without it leaves the files
        to the next writer, which may be saving them at this very moment.
        """
        if self.directory is None:
            return False
        body = key.unseal(_KIND, self.scope, files.read_file(self.directory / "state.json"))
        try:
            state = json_loads(body) if body is not None else None
        except ValueError:  # (orjson's and the nesting limit's)
            state = None
        db = None
        try:  # a state.json written by another version: rebuilt, never an error
            if (
                not isinstance(state, dict)
                or state.get("version") != INDEX_VERSION
                or not check(state.get("position"), state.get("hash"))
            ):
                raise TypeError(state)  # noqa: TRY301 - one way out for every mismatch
            owners = {k: (v[0], v[1]) for k, v in state["owners"].items()}
            fields = (state["position"], state["seq"], state["hash"], state["recorded"],
                      state["actors"], state["topics"], state["names"], set(state["retracted"]),
                      state["count"])
            if not all(isinstance(state[k], dict) for k in ("actors", "topics", "names")):
                raise TypeError(state)  # noqa: TRY301
            db = open_ids(self.directory)
            if db is None or covered(db) != state["seq"]:  # a save cut short, or not ours
                raise TypeError(state)  # noqa: TRY301
        except (KeyError, TypeError, ValueError, AttributeError, IndexError, StaleIndexError):
            if db is not None:
                db.close()
            if discard:
                self.discard()
            return False
        (self.position, self.seq, self.hash, self.recorded, self.actors, self.topics,
         self.names, self.retracted, self.count) = fields
        self.owners = owners
        self._db = db
        self._saved_seq = self.seq
        self._fresh = False
        self._partial = True
        return True

    def attach(self, directory: Path, scope: str) -> None:
        """Keep from now on in ``directory`` an index that was built in memory from the start."""
        assert self._keep and self.directory is None and not self._partial
        self.directory = directory
        self.scope = scope

    def discard(self) -> None:
        """Remove a saved index that no longer matches the log."""
        self.close()
        self._partial = False
        self._fresh = True
        if self.directory is not None:
            files.discard(self.directory)

    def close(self) -> None:
        """Close the database (what was not saved stays in memory; it is opened again if
        this index is used again)."""
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    def _saved_db(self) -> sqlite3.Connection:
        """The database this index was loaded from or saved to, opened again if need be.

        Raises:
            StaleIndexError: it is gone, or no longer the one this index saved.
        """
        if self._db is None:
            db = open_ids(self.directory) if self.directory is not None else None
            if db is None or covered(db) != self._saved_seq:
                if db is not None:
                    db.close()
                msg = "the index database is gone or was replaced"
                raise StaleIndexError(msg)
            self._db = db
        return self._db

    def _query(self, sql: str, params: Iterable[Any]) -> list[Any]:
        """Rows of a query on the saved database.

        Raises:
            StaleIndexError: it cannot be read (damaged, gone, or replaced).
        """
        db = self._saved_db()
        try:
            return db.execute(sql, tuple(params)).fetchall()
        except sqlite3.Error:
            msg = "the index database cannot be read"
            raise StaleIndexError(msg) from None

    # --- event ids -----------------------------------------------------------------------

    def event(self, event_id: str) -> Entry | None:
        """(digest, seq, type, family root, offset) of an event id the log holds."""
        hit = self._recent.get(event_id)
        if hit is not None or not self._partial:
            return hit
        if event_id in self._looked:
            return self._looked[event_id]
        rows = self._query(
            "SELECT digest, seq, type, root, offset FROM ids WHERE id = ?", (event_id,)
        )
        return tuple(rows[0]) if rows else None

    def prefetch(self, event_ids: Iterable[str]) -> None:
        """Look many ids up at once (a large batch checks them all); forget the last batch's."""
        if not self._partial:
            return
        recent = self._recent
        wanted = list({i for i in event_ids if i not in recent})
        looked: dict[str, Entry | None] = dict.fromkeys(wanted)
        for i in range(0, len(wanted), _MANY):
            part = wanted[i : i + _MANY]
            marks = ",".join("?" * len(part))
            for row in self._query(
                f"SELECT id, digest, seq, type, root, offset FROM ids WHERE id IN ({marks})", part
            ):
                looked[row[0]] = tuple(row[1:])
        self._looked = looked

    def event_ids(self) -> Iterator[str]:
        """Every event id (for suggestions; reads the whole table of a saved index)."""
        yield from self._recent
        if not self._partial:
            return
        recent = set(self._recent)
        for (event_id,) in self._query("SELECT id FROM ids", ()):
            if event_id not in recent:
                yield event_id

    def suggest_event(self, ref: str) -> str | None:
        """The closest known event id to a mistyped one."""
        import difflib

        prefix = ref[:3]
        pool = {i for i in self._recent if i.startswith(prefix)}
        if self._partial:
            rows = self._query(
                "SELECT id FROM ids WHERE id >= ? AND id < ?", (prefix, prefix + "\U0010ffff")
            )
            pool.update(row[0] for row in rows)
        close = difflib.get_close_matches(ref, sorted(pool), n=1, cutoff=0.6)
        return close[0] if close else None

    # --- families ------------------------------------------------------------------------

    def _family(self, root: str) -> array.array[int] | None:
        hit = self._families.get(root)
        if hit is not None or not self._partial:
            return hit
        rows = self._query("SELECT offsets FROM families WHERE root = ?", (root,))
        if not rows:
            return None
        found = array.array("q")
        found.frombytes(rows[0][0])
        self._families[root] = found  # (a private copy: it changes when the family grows)
        return found

    def family_offsets(self, root: str) -> list[int]:
        """Where each record of the family rooted at ``root`` starts, in log order (empty:
        the event has no family beyond itself)."""
        family = self._family(root)
        return list(family) if family is not None else []

    # --- folding records in ----------------------------------------------------------------

    def add(
        self,
        event: dict[str, Any],
        seq: int,
        offset: int,
        digest: str | None = None,
        *,
        check: bool = True,
    ) -> None:
        """Fold in one recorded event (its canonical dict, with its id) starting at ``offset``.

        Raises:
            IntegrityError: (with ``check``) the index holds the id under another record.
        """
        event_id = event["id"]
        kind = event["type"]
        if check:
            known = self.event(event_id)
            if known is not None and known[1] != seq:
                raise duplicate_id(event_id, known[1], seq)
        target_field = TARGET_FIELD.get(kind)
        target = event.get(target_field) if target_field is not None else None
        root, root_type = event_id, kind
        if target is not None:
            hit = self.event(target)
            if hit is not None:
                root = hit[3] or target
                root_type = hit[2] if not hit[3] else self._type_of(root)
        entry = (
            digest or content_digest(event),
            seq,
            kind,
            "" if root == event_id else root,
            offset,
        )
        self._recent[event_id] = entry
        self.count += 1
        if root != event_id and root_type not in ("actor", "topic"):
            self._join_family(root, offset)
        self.seq = seq
        self._dirty = True
        if kind == "actor" or kind == "topic":
            self._register(event, event_id)
        elif kind == "retraction":
            self.retracted.add(target)  # type: ignore[arg-type]
            self._unregister(target)  # type: ignore[arg-type]
        elif kind == "correction":
            replacement = event["replacement"]
            if replacement["type"] in ("actor", "topic"):
                self._unregister(target)  # type: ignore[arg-type]
                self._register(replacement, target)  # type: ignore[arg-type]

    def _type_of(self, event_id: str) -> str:
        hit = self.event(event_id)
        return hit[2] if hit is not None else ""

    def _join_family(self, root: str, offset: int) -> None:
        """Add a record to the family rooted at ``root`` (made explicit when it first grows)."""
        family = self._family(root)
        if family is None:  # the root was alone until now
            hit = self.event(root)
            family = self._families[root] = array.array("q", [hit[4]] if hit is not None else [])
        family.append(offset)
        self._pending_families.add(root)

    def _register(self, event: dict[str, Any], event_id: str) -> None:
        if event["type"] == "actor":
            slug = event["actor"]
            self.actors[slug] = event_id
            self.owners[event_id] = ("actor", slug)
            for name in (event.get("name", ""), *event.get("aliases", ())):
                self.names.setdefault(str(name).lower(), slug)
        else:
            slug = event["topic"]
            self.topics[slug] = event_id
            self.owners[event_id] = ("topic", slug)

    def _unregister(self, event_id: str) -> None:
        owner = self.owners.pop(event_id, None)
        if owner is None:
            return
        table = self.actors if owner[0] == "actor" else self.topics
        if table.get(owner[1]) == event_id:
            del table[owner[1]]

    @property
    def dirty(self) -> bool:
        """Whether anything was added since the last flush."""
        return self._dirty

    @property
    def saved(self) -> bool:
        """Whether lookups may have to read the database (not everything is in memory)."""
        return self._partial

    @property
    def should_flush(self) -> bool:
        """Whether enough is pending that a long session should save it now."""
        return self._keep and len(self._recent) >= _FLUSH_AT

    # --- saving --------------------------------------------------------------------------

    def flush(self) -> None:
        """Save what was added since the last flush; call it holding the log's lock.

        What was saved leaves memory: later lookups read it from the database.
        """
        if self.directory is None or not self._dirty or self.hash is None:
            return
        try:
            if not files.private_folder(self.directory):
                return  # no private place: the index lives in memory only
            if self._fresh:
                self.close()
                self._db = create_ids(self.directory)
                if self._db is None:
                    return
                self._fresh = False
                self._saved_seq = 0
            self._save_rows(self._saved_db())
            self._saved_seq = self.seq
            state = {
                "version": INDEX_VERSION,
                "position": self.position,
                "seq": self.seq,
                "hash": self.hash,
                "recorded": self.recorded,
                "actors": self.actors,
                "topics": self.topics,
                "names": self.names,
                "retracted": sorted(self.retracted),
                "owners": self.owners,
                "count": self.count,
            }
            sealed = key.seal(_KIND, self.scope, orjson.dumps(state))
            if sealed is None or not files.atomic_write(self.directory / "state.json", sealed):
                return  # derived data: no key or no room just means no saved index
        except (OSError, sqlite3.Error, StaleIndexError):
            return  # derived data: a read-only place just means no saved index
        self._recent = {}
        self._looked = {}
        self._families = {}
        self._pending_families = set()
        self._partial = True
        self._dirty = False

    def _save_rows(self, db: sqlite3.Connection) -> None:
        """Write the pending ids and families and the sequence number they reach, at once."""
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany(
                "INSERT OR IGNORE INTO ids (id, digest, seq, type, root, offset) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                sorted((event_id, *entry) for event_id, entry in self._recent.items()),
            )
            db.executemany(
                "INSERT OR REPLACE INTO families VALUES (?, ?)",
                [(root, self._families[root].tobytes()) for root in self._pending_families],
            )
            db.execute("UPDATE meta SET v = ? WHERE k = 'seq'", (self.seq,))
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise


_KIND = "index"

__all__ = ["INDEX_VERSION", "Index", "StaleIndexError"]
