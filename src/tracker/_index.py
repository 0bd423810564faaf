"""The id and registry index: what an append checks against, kept beside the log.

An append must know whether an event id is new (or the very same content, which makes a
re-import a no-op), whether the actors, topics and events it names exist, and which events were
retracted. Rebuilding that from the log costs a full scan; on a million events that is seconds,
so the index is persisted beside a file log, in ``LOG.index/``:

- ``state.json``: the log position, sequence number and chain hash it covers, and the small
  tables (actors, topics, names and aliases, retracted ids, which event registered what);
- ``ids/00`` .. ``ids/3f``: every event id with its content digest, sequence number and type,
  one line each, spread over 64 append-only bucket files by a hash of the id (fsynced before
  the state that vouches for them is replaced).

It is derived data: on first use the index checks that the log still holds a record with the
saved hash ending at the saved position (else it is rebuilt from scratch), then folds in any
records after it. Delete the directory and everything still works, only the next append
rebuilds it. A single append reads one bucket per id it checks (kilobytes), never the log;
a large batch loads the buckets it touches.

Bucket lines whose sequence number is past the saved state are ignored (a flush cut short by a
crash), and the catch-up adds them again from the log.
"""

from __future__ import annotations

import contextlib
import os
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from tracker.events.codec import content_digest

INDEX_VERSION = 1
"""Bumped when the index's files change shape; an index of another version is rebuilt."""

_BUCKETS = 64
_POINT_LOOKUPS = 64
"""Uncached bucket lookups done by scanning the file before whole buckets are loaded."""
_FLUSH_AT = 200_000
"""Pending id lines that trigger a flush during a long session (close flushes the rest)."""

Entry = tuple[str, int, str]
"""(content digest, sequence number, event type)"""


def _bucket(event_id: str) -> int:
    return zlib.crc32(event_id.encode()) & (_BUCKETS - 1)


class Index:
    """Event ids and the registry as of a log position; see the module docstring.

    With ``directory`` None it lives in memory only (in-memory and database stores).
    """

    def __init__(self, directory: Path | None = None) -> None:
        """Start empty; :meth:`load` fills it from ``directory`` when there is one saved."""
        self.directory = directory
        self.position: Any = None
        self.seq = 0
        self.hash: str | None = None
        self.actors: dict[str, str] = {}
        """actor id -> id of the event that registered it"""
        self.topics: dict[str, str] = {}
        self.names: dict[str, str] = {}
        """lowercased actor names and aliases -> actor id (for suggestions)"""
        self.retracted: set[str] = set()
        self.owners: dict[str, tuple[str, str]] = {}
        """registration event id -> (``actor`` or ``topic``, slug)"""
        self._recent: dict[str, Entry] = {}
        self._cache: dict[int, dict[str, Entry]] = {}
        self._pending: dict[int, list[bytes]] = {}
        self._pending_count = 0
        self._disk_seq = 0
        """The sequence number the saved buckets are valid up to (0: nothing saved)."""
        self._point_lookups = 0
        self._dirty = False

    # --- loading -------------------------------------------------------------------------

    def load(self, check: Any) -> bool:
        """Load the saved state if ``check(position, hash)`` confirms the log still holds it.

        Returns whether a saved state was used; otherwise the index is empty and a stale
        directory is removed, so the caller folds the whole log in.
        """
        if self.directory is None:
            return False
        try:
            state = orjson.loads((self.directory / "state.json").read_bytes())
        except (OSError, orjson.JSONDecodeError):
            self._discard()
            return False
        if (
            not isinstance(state, dict)
            or state.get("version") != INDEX_VERSION
            or not check(state.get("position"), state.get("hash"))
        ):
            self._discard()
            return False
        self.position = state["position"]
        self.seq = self._disk_seq = state["seq"]
        self.hash = state["hash"]
        self.actors = state["actors"]
        self.topics = state["topics"]
        self.names = state["names"]
        self.retracted = set(state["retracted"])
        self.owners = {k: (v[0], v[1]) for k, v in state["owners"].items()}
        return True

    def _discard(self) -> None:
        """Remove a saved index that no longer matches the log."""
        if self.directory is None or not self.directory.exists():
            return
        for path in sorted(self.directory.rglob("*"), reverse=True):
            with contextlib.suppress(OSError):
                path.rmdir() if path.is_dir() else path.unlink()
        with contextlib.suppress(OSError):
            self.directory.rmdir()

    # --- lookups -------------------------------------------------------------------------

    def event(self, event_id: str) -> Entry | None:
        """(digest, seq, type) of an event id the log holds, else None."""
        hit = self._recent.get(event_id)
        if hit is not None or self._disk_seq == 0:
            return hit
        bucket = _bucket(event_id)
        cached = self._cache.get(bucket)
        if cached is None:
            if self._point_lookups < _POINT_LOOKUPS:
                self._point_lookups += 1
                return self._scan(bucket, event_id)
            cached = self._cache[bucket] = self._read_bucket(bucket)
        return cached.get(event_id)

    def prefetch(self, event_ids: Iterable[str]) -> None:
        """Load the buckets of many ids at once (a large batch checks them all)."""
        if self._disk_seq == 0:
            return
        for bucket in {_bucket(i) for i in event_ids} - self._cache.keys():
            self._cache[bucket] = self._read_bucket(bucket)

    def _bucket_bytes(self, bucket: int) -> bytes:
        assert self.directory is not None
        try:
            return (self.directory / "ids" / f"{bucket:02x}").read_bytes()
        except FileNotFoundError:
            return b""

    def _scan(self, bucket: int, event_id: str) -> Entry | None:
        data = b"\n" + self._bucket_bytes(bucket)
        needle = b"\n" + event_id.encode() + b" "
        at = data.find(needle)
        while at >= 0:
            end = data.find(b"\n", at + 1)
            if end < 0:
                return None  # a line still being written by another process
            entry = _parse_line(data[at + 1 : end])
            if entry is not None and entry[1][1] <= self._disk_seq:
                return entry[1]
            at = data.find(needle, at + 1)
        return None

    def _read_bucket(self, bucket: int) -> dict[str, Entry]:
        out: dict[str, Entry] = {}
        lines = self._bucket_bytes(bucket).split(b"\n")
        lines.pop()  # "" after the last newline, or a line still being written
        for line in lines:
            entry = _parse_line(line)
            if entry is not None and entry[1][1] <= self._disk_seq:
                out.setdefault(entry[0], entry[1])
        return out

    def event_ids(self) -> Iterator[str]:
        """Every event id (for suggestions; reads every bucket of a saved index)."""
        seen = set(self._recent)
        yield from self._recent
        if self._disk_seq == 0:
            return
        for bucket in range(_BUCKETS):
            cached = self._cache.get(bucket)
            for event_id in cached if cached is not None else self._read_bucket(bucket):
                if event_id not in seen:
                    yield event_id

    def suggest_event(self, ref: str) -> str | None:
        """The closest known event id to a mistyped one."""
        import difflib

        prefix = ref[:3]
        pool = [i for i in self.event_ids() if i.startswith(prefix)]
        close = difflib.get_close_matches(ref, pool, n=1, cutoff=0.6)
        return close[0] if close else None

    # --- folding records in ----------------------------------------------------------------

    def add(self, event: dict[str, Any], seq: int, digest: str | None = None) -> None:
        """Fold in one recorded event (its canonical dict, with its id)."""
        event_id = event["id"]
        kind = event["type"]
        entry = (digest or content_digest(event), seq, kind)
        self._recent[event_id] = entry
        bucket = _bucket(event_id)
        cached = self._cache.get(bucket)
        if cached is not None:
            cached.setdefault(event_id, entry)
        if self.directory is not None:
            self._pending.setdefault(bucket, []).append(
                b"%s %s %d %s\n" % (event_id.encode(), entry[0].encode(), seq, kind.encode())
            )
            self._pending_count += 1
        self.seq = seq
        self._dirty = True
        if kind == "actor" or kind == "topic":
            self._register(event, event_id)
        elif kind == "retraction":
            target = event["retracts"]
            self.retracted.add(target)
            self._unregister(target)
        elif kind == "correction":
            replacement = event["replacement"]
            if replacement["type"] in ("actor", "topic"):
                target = event["corrects"]
                self._unregister(target)
                self._register(replacement, target)

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
    def saved(self) -> bool:
        """Whether lookups may have to read saved buckets (not everything is in memory)."""
        return self._disk_seq > 0

    @property
    def should_flush(self) -> bool:
        """Whether enough is pending that a long session should save it now."""
        return self._pending_count >= _FLUSH_AT

    # --- saving --------------------------------------------------------------------------

    def flush(self) -> None:
        """Save what was added since the last flush (a no-op without a directory)."""
        if self.directory is None or not self._dirty or self.hash is None:
            return
        ids = self.directory / "ids"
        try:
            ids.mkdir(parents=True, exist_ok=True)
            for bucket, lines in self._pending.items():
                fd = os.open(ids / f"{bucket:02x}", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                try:
                    os.write(fd, b"".join(lines))
                    os.fsync(fd)  # the ids are durable before the state that vouches for them
                finally:
                    os.close(fd)
            state = {
                "version": INDEX_VERSION,
                "position": self.position,
                "seq": self.seq,
                "hash": self.hash,
                "actors": self.actors,
                "topics": self.topics,
                "names": self.names,
                "retracted": sorted(self.retracted),
                "owners": self.owners,
            }
            temp = self.directory / f"state.json.{os.getpid()}.tmp"
            with open(temp, "wb") as out:
                out.write(orjson.dumps(state))
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, self.directory / "state.json")
        except OSError:
            return  # derived data: a read-only place just means no saved index
        self._pending = {}
        self._pending_count = 0
        self._disk_seq = self.seq
        self._dirty = False


def _parse_line(line: bytes) -> tuple[str, Entry] | None:
    parts = line.split(b" ")
    if len(parts) != 4:
        return None
    try:
        return parts[0].decode(), (parts[1].decode(), int(parts[2]), parts[3].decode())
    except ValueError:
        return None


__all__ = ["INDEX_VERSION", "Index"]
