"""The log's index: event ids, the registry, and which records concern each actor.

An append must know whether an event id is new (or the very same content, which makes a
re-import a no-op), whether the actors, topics and events it names exist, and which events were
retracted; one actor's view needs the records that concern that actor and no others. Working
that out from the log costs a full scan; on a million events that is seconds. So the index is
kept in the log's folder (:mod:`tracker.derived`), in ``index/``:

- ``state.json``: the log position, sequence number, chain hash and recorded time it covers;
  the small tables (actors, topics, names and aliases, retracted ids, which event registered
  what); the valid size of every other file (bytes past it are ignored: a flush cut short) and
  the SHA-256 of those valid bytes; and a last line with its MAC under the user's key;
- ``ids-N/B``: per event id, its content digest, sequence number, type, the root of its family,
  where its record starts and the actors it names, one line each, in N buckets by a hash of the
  id (64 buckets, then 4,096 once the log holds 200,000 events: a lookup reads one bucket);
- ``families-N/B``: per family that grew past one record, the actors it concerns and where its
  records start (the last line for a family wins);
- ``actors/SLUG`` and ``registry``: where the records that concern an actor start, and where
  the registrations and their fixes start (little-endian 64-bit offsets).

A *family* is an event with everything that points at it: corrections, retractions and
supersessions of it, verifications of it, closures ending it, and so on down (a retraction of
a verification joins the verified event's family). A family concerns every actor any of its
records names; when a correction brings a new actor in, that actor's list gets the whole
family. One actor's view folds the registry's records and its own, in log order, and gets
exactly what a full replay shows for that actor.

It is derived data, and believed only when checked: ``state.json`` must carry a valid MAC (a
file edited, planted or copied from another log is rebuilt), the log must still hold a record
with the saved hash ending at the saved position (else it is rebuilt from scratch), and every
other file is read whole and must have the digest ``state.json`` noted (else
:class:`StaleIndexError`, and the caller rebuilds). Delete the folder and everything still
works; the next use rebuilds it. The records folded in are checked by the caller
(:class:`tracker.derived.core.Derived`) as they are read; an event id already in the index
under another record is refused (one id, one record). Flushes happen under the log's lock, so
the sizes in ``state.json`` describe whole lines.
"""

from __future__ import annotations

import array
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from tracker._json import loads as json_loads
from tracker.derived import files, key
from tracker.derived.index_format import (
    _TARGET,
    Entry,
    StaleIndexError,
    _bucket,
    _Family,
    _list_file,
    _parse_id,
    actors_named,
    read_valid,
    write_at_valid_end,
)
from tracker.events.codec import content_digest
from tracker.store.chain import duplicate_id

INDEX_VERSION = 5
"""Bumped when the index's files change shape; an index of another version is rebuilt."""

_SMALL, _LARGE = 64, 4096
"""Buckets of ids (and of families): 64 while the log is small, 4,096 past _GROW_AT ids, so a
lookup reads one bucket of about 15 kB at a million events and a small log keeps few files."""
_GROW_AT = 200_000
_FLUSH_AT = 200_000
"""Pending id lines that trigger a flush during a long session (close flushes the rest), or
as many as are already saved, when that is more: a flush touches every bucket file however
few lines it adds, so flushing at doubling sizes keeps a long import's flushes few (three
on the way to a million events rather than five)."""

class Index:
    """Event ids, the registry and the actors' records as of a log position (module docstring).

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
        self._directory_str = os.fspath(directory) if directory is not None else ""
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
        self._sizes: dict[str, int] = {}
        """file (relative to the directory) -> its valid size, as saved"""
        self._digests: dict[str, str] = {}
        """file -> the SHA-256 of its valid bytes, as saved"""
        self._recent: dict[str, Entry] = {}
        self._cache: dict[int, dict[str, Entry]] = {}
        self._families: dict[str, _Family] = {}
        self._family_cache: dict[int, dict[str, _Family]] = {}
        self._lists: dict[str, array.array[int]] = {}
        """actor id (or "" for the registry) -> offsets added since the last flush"""
        self.buckets = _SMALL
        self.count = 0
        """How many id lines are saved or pending (a re-added id counts twice: no matter)."""
        self._pending_ids: list[tuple[str, bytes]] = []
        self._pending_families: set[str] = set()
        self._pending_count = 0
        self._partial = False
        """Whether some entries are only on disk (a saved index was loaded): else everything
        saved was added in this process and is still in memory, and lookups read no file."""
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
        if (
            not isinstance(state, dict)
            or state.get("version") != INDEX_VERSION
            or not check(state.get("position"), state.get("hash"))
        ):
            if discard:
                self.discard()
            return False
        try:  # a state.json written by another version: rebuilt, never an error
            owners = {k: (v[0], v[1]) for k, v in state["owners"].items()}
            fields = (state["position"], state["seq"], state["hash"], state["recorded"],
                      state["actors"], state["topics"], state["names"], set(state["retracted"]),
                      state["sizes"], state["digests"], state["buckets"], state["count"])
            if not all(isinstance(state[k], dict)
                       for k in ("actors", "topics", "names", "sizes", "digests")):
                raise TypeError(state)  # noqa: TRY301 - one way out for every malformed field
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            if discard:
                self.discard()
            return False
        (self.position, self.seq, self.hash, self.recorded, self.actors, self.topics,
         self.names, self.retracted, self._sizes, self._digests, self.buckets,
         self.count) = fields
        self.owners = owners
        self._partial = True
        return True

    def attach(self, directory: Path, scope: str) -> None:
        """Keep from now on in ``directory`` an index that was built in memory from the start."""
        assert self._keep and self.directory is None and not self._partial
        self.directory = directory
        self._directory_str = os.fspath(directory)
        self.scope = scope

    def discard(self) -> None:
        """Remove a saved index that no longer matches the log."""
        self._partial = False
        if self.directory is not None:
            files.discard(self.directory)

    def _read(self, name: str) -> bytes:
        """The valid bytes of a saved file (none if it was never saved), checked.

        Raises:
            StaleIndexError: the file is shorter than saved, or its bytes are not the ones saved.
        """
        size = self._sizes.get(name, 0)
        if not size:
            return b""
        return read_valid(f"{self._directory_str}/{name}", size, self._digests.get(name))

    # --- event ids -----------------------------------------------------------------------

    def event(self, event_id: str) -> Entry | None:
        """(digest, seq, type, family root, offset, actors) of an event id the log holds."""
        hit = self._recent.get(event_id)
        if hit is not None or not self._partial:
            return hit
        bucket = _bucket(event_id, self.buckets)
        cached = self._cache.get(bucket)
        if cached is None:
            return self._scan_id(bucket, event_id)
        return cached.get(event_id)

    def prefetch(self, event_ids: Iterable[str]) -> None:
        """Load the buckets of many ids at once (a large batch checks them all)."""
        if not self._partial:
            return
        for bucket in {_bucket(i, self.buckets) for i in event_ids} - self._cache.keys():
            self._cache[bucket] = self._read_ids(bucket)

    def _scan_id(self, bucket: int, event_id: str) -> Entry | None:
        # One id among a bucket's lines (a single append's lookup): search the bytes as read,
        # without parsing the bucket or copying it.
        data = self._read(f"ids-{self.buckets}/{bucket}")
        key = event_id.encode() + b" "
        if data.startswith(key):
            at = 0
        else:
            at = data.find(b"\n" + key) + 1  # the first line for the id, as _read_ids keeps
            if at == 0:
                return None
        end = data.find(b"\n", at)
        return _parse_id(data[at:end])[1]

    def _read_ids(self, bucket: int) -> dict[str, Entry]:
        out: dict[str, Entry] = {}
        for line in self._read(f"ids-{self.buckets}/{bucket}").split(b"\n")[:-1]:
            key, entry = _parse_id(line)
            out.setdefault(key, entry)
        return out

    def event_ids(self) -> Iterator[str]:
        """Every event id (for suggestions; reads every bucket of a saved index)."""
        seen = set(self._recent)
        yield from self._recent
        if not self._partial:
            return
        for bucket in range(self.buckets):
            cached = self._cache.get(bucket)
            for event_id in cached if cached is not None else self._read_ids(bucket):
                if event_id not in seen:
                    yield event_id

    def suggest_event(self, ref: str) -> str | None:
        """The closest known event id to a mistyped one."""
        import difflib

        prefix = ref[:3]
        pool = [i for i in self.event_ids() if i.startswith(prefix)]
        close = difflib.get_close_matches(ref, pool, n=1, cutoff=0.6)
        return close[0] if close else None

    # --- families and actors -------------------------------------------------------------

    def _family(self, root: str) -> _Family | None:
        hit = self._families.get(root)
        if hit is not None or not self._partial:
            return hit
        bucket = _bucket(root, self.buckets)
        cached = self._family_cache.get(bucket)
        if cached is None:
            cached = self._family_cache[bucket] = self._read_families(bucket)
        found = cached.get(root)
        if found is not None:  # a private copy: it changes when the family grows
            found = _Family(set(found.interest), list(found.offsets))
            self._families[root] = found
        return found

    def _read_families(self, bucket: int) -> dict[str, _Family]:
        out: dict[str, _Family] = {}
        for line in self._read(f"families-{self.buckets}/{bucket}").split(b"\n")[:-1]:
            parts = line.split(b" ")
            if len(parts) != 3:
                msg = "an unreadable family line"
                raise StaleIndexError(msg)
            interest = set(parts[1].decode().split(",")) if parts[1] != b"-" else set()
            out[parts[0].decode()] = _Family(interest, [int(o) for o in parts[2].split(b",")])
        return out

    def family_offsets(self, root: str) -> list[int]:
        """Where each record of the family rooted at ``root`` starts, in log order (empty:
        the event has no family beyond itself)."""
        family = self._family(root)
        return list(family.offsets) if family is not None else []

    def offsets_for(self, actor: str) -> list[int]:
        """Where every record that concerns ``actor`` starts, and every registry record, in
        log order."""
        found: set[int] = set()
        for name in (actor, ""):
            saved = array.array("q")
            saved.frombytes(self._read(_list_file(name)))
            found.update(saved)
            found.update(self._lists.get(name, ()))
        return sorted(found)

    def _list(self, name: str) -> array.array[int]:
        got = self._lists.get(name)
        if got is None:
            got = self._lists[name] = array.array("q")
        return got

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
        target_field = _TARGET.get(kind)
        target = event.get(target_field) if target_field is not None else None
        root, root_type = event_id, kind
        if target is not None:
            hit = self.event(target)
            if hit is not None:
                root = hit[3] or target
                root_type = hit[2] if not hit[3] else self._type_of(root)
        named = actors_named(event) if root_type not in ("actor", "topic") else set()
        entry = (
            digest or content_digest(event),
            seq,
            kind,
            "" if root == event_id else root,
            offset,
            ",".join(sorted(named)),
        )
        self._recent[event_id] = entry
        cached = self._cache.get(_bucket(event_id, self.buckets)) if self._cache else None
        if cached is not None:
            cached.setdefault(event_id, entry)
        if self._keep:
            self._pending_ids.append((
                event_id,
                b"%s %s %d %s %s %d %s\n"
                % (event_id.encode(), entry[0].encode(), seq, kind.encode(),
                   entry[3].encode() or b"-", offset, entry[5].encode() or b"-"),
            ))
            self._pending_count += 1
        self.count += 1
        self._join_family(event_id, named, root, root_type, offset)
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

    def _join_family(
        self, event_id: str, named: set[str], root: str, root_type: str, offset: int
    ) -> None:
        """Add a record to its family; give it (or the whole family) to the actors concerned."""
        if root_type in ("actor", "topic"):
            self._list("").append(offset)  # registrations and their fixes: every view reads them
            return
        if root == event_id:  # a new family: most events stay alone, and cost no family line
            for actor in named:
                self._list(actor).append(offset)
            return
        family = self._family(root)
        if family is None:  # the root was alone until now: make its family explicit
            hit = self.event(root)
            if hit is None:
                family = _Family(set(), [])
            else:
                family = _Family(set(hit[5].split(",")) if hit[5] else set(), [hit[4]])
            self._families[root] = family
        for actor in family.interest:
            self._list(actor).append(offset)
        for actor in named - family.interest:  # newly concerned: give it the whole family
            self._list(actor).extend(family.offsets)
            self._list(actor).append(offset)
        family.interest |= named
        family.offsets.append(offset)
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
        """Whether lookups may have to read saved buckets (not everything is in memory)."""
        return self._partial

    @property
    def should_flush(self) -> bool:
        """Whether enough is pending that a long session should save it now."""
        pending = self._pending_count
        return pending >= _FLUSH_AT and pending >= self.count - pending

    # --- saving --------------------------------------------------------------------------

    def flush(self) -> None:
        """Save what was added since the last flush; call it holding the log's lock."""
        if self.directory is None or not self._dirty or self.hash is None:
            return
        sizes = dict(self._sizes)
        digests = dict(self._digests)
        try:
            buckets = self.buckets
            if not files.private_folder(self.directory):
                return  # no private place: the index lives in memory only
            if buckets == _SMALL and self.count > _GROW_AT:  # (its folders are made above:
                buckets = self._grow(sizes, digests)  # an index built whole, never saved yet)
            for sub in ("", f"ids-{buckets}", f"families-{buckets}", "actors"):
                if not files.private_folder(self.directory / sub):
                    return  # no private place: the index lives in memory only
            by_bucket: dict[int, list[bytes]] = {}
            for event_id, line in self._pending_ids:
                by_bucket.setdefault(_bucket(event_id, buckets), []).append(line)
            for bucket, lines in by_bucket.items():
                self._append(f"ids-{buckets}/{bucket}", b"".join(lines), sizes, digests)
            by_bucket = {}
            for root in self._pending_families:
                family = self._families[root]
                interest = ",".join(sorted(family.interest)).encode() or b"-"
                offsets = b",".join(b"%d" % o for o in family.offsets)
                by_bucket.setdefault(_bucket(root, buckets), []).append(
                    b"%s %s %s\n" % (root.encode(), interest, offsets)
                )
            for bucket, lines in by_bucket.items():
                self._append(f"families-{buckets}/{bucket}", b"".join(lines), sizes, digests)
            for name, listed in self._lists.items():
                self._append(_list_file(name), listed.tobytes(), sizes, digests)
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
                "sizes": sizes,
                "digests": digests,
                "buckets": buckets,
                "count": self.count,
            }
            sealed = key.seal(_KIND, self.scope, orjson.dumps(state))
            if sealed is None or not files.atomic_write(self.directory / "state.json", sealed):
                return  # derived data: no key or no room just means no saved index
            if buckets != self.buckets:
                for kind in ("ids", "families"):
                    files.discard(self.directory / f"{kind}-{self.buckets}")
        except (OSError, StaleIndexError):
            return  # derived data: a read-only place just means no saved index
        if buckets != self.buckets:
            self.buckets = buckets
            self._cache = {}
            self._family_cache = {}
        self._sizes = sizes
        self._digests = digests
        self._pending_ids = []
        self._pending_families = set()
        self._lists = {}
        self._pending_count = 0
        self._dirty = False

    def _grow(self, sizes: dict[str, int], digests: dict[str, str]) -> int:
        """Spread the saved ids and families over more buckets (the log grew past _GROW_AT).

        Returns the new number of buckets; the old files are gone only once it is written.
        """
        assert self.directory is not None
        for kind in ("ids", "families"):
            spread: dict[int, list[bytes]] = {}
            for bucket in range(self.buckets):
                name = f"{kind}-{self.buckets}/{bucket}"
                for line in self._read(name).split(b"\n")[:-1]:
                    first = line[: line.index(b" ")].decode()
                    spread.setdefault(_bucket(first, _LARGE), []).append(line + b"\n")
                sizes.pop(name, None)
                digests.pop(name, None)
            if not files.private_folder(self.directory / f"{kind}-{_LARGE}"):
                raise OSError(kind)
            for bucket, lines in spread.items():
                self._append(f"{kind}-{_LARGE}/{bucket}", b"".join(lines), sizes, digests)
        return _LARGE

    def _append(
        self, name: str, data: bytes, sizes: dict[str, int], digests: dict[str, str]
    ) -> None:
        """Write ``data`` at the valid end of a file and note the digest of its valid bytes."""
        assert self.directory is not None
        sizes[name], digests[name] = write_at_valid_end(
            self.directory / name, data, sizes.get(name, 0)
        )


_KIND = "index"

__all__ = ["INDEX_VERSION", "Index", "StaleIndexError", "actors_named"]
