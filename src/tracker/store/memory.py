"""An in-memory store: the test double, and a scratch log for notebooks. Positions are indexes."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from tracker.errors import IntegrityError, LockTimeoutError
from tracker.store.base import Clock, Head, Position, Store, Writer, system_clock
from tracker.store.records import ZERO_HASH, Record, hash_of_line, parse_record


class MemoryStore(Store):
    """A log held in a list; it behaves like the file store, minus durability."""

    def __init__(self, *, clock: Clock = system_clock, location: str = ":memory:") -> None:
        """Create an empty in-memory log."""
        self.location = location
        self._clock = clock
        self._records: list[Record] = []
        self._lock = threading.Lock()

    def head(self) -> Head:
        """Return the head."""
        if not self._records:
            return Head(0, ZERO_HASH, None, 0)
        last = self._records[-1]
        return Head(last.seq, last.hash, last.recorded, len(self._records))

    def read(self, start: Position | None = None) -> Iterator[tuple[Record, Position]]:
        """Stream records after index ``start``."""
        end = len(self._records)
        for i in range(int(start or 0), end):
            yield self._records[i], i + 1

    @contextmanager
    def writer(self, *, timeout: float | None = None) -> Iterator[Writer]:
        """Hold the lock and yield a writer."""
        if not self._lock.acquire(timeout=-1 if timeout is None else timeout):
            msg = "the in-memory log is locked by another thread"
            raise LockTimeoutError(msg)
        try:
            yield _MemoryWriter(self)
        finally:
            self._lock.release()


class _MemoryWriter(Writer):
    def __init__(self, store: MemoryStore) -> None:
        super().__init__(store._clock)  # noqa: SLF001 - the writer is the store's own helper
        self._store = store

    def head(self) -> Head:
        return self._store.head()

    def read(self, start: Position | None = None) -> Iterator[tuple[Record, Position]]:
        return self._store.read(start)

    def _write(self, records: Sequence[Record], head: Head) -> Position:
        self._store._records.extend(records)  # noqa: SLF001
        return len(self._store._records)  # noqa: SLF001

    def _rewrite(self, lines: Mapping[int, bytes], records: Sequence[Record], head: Head) -> Position:
        kept = self._store._records  # noqa: SLF001
        new = list(kept)
        for seq, line in lines.items():
            old = kept[seq - 1]
            if hash_of_line(line) != old.hash:
                msg = f"record {seq}: the line put in its place would change its hash"
                raise IntegrityError(msg, seq=seq)
            new[seq - 1] = parse_record(line)
        kept[:] = new
        return self._write(records, head)
