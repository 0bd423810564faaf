"""Where a read model reads its log: records streamed after a position, and records read back.

:class:`StoreSource` serves any store: a file log is streamed in big reads and its records read
back with ``pread`` at the offsets the stream gave; another store (PostgreSQL) is read from the
position before each record. Every streamed record is checked against the chain (canonical
bytes, hash, link to the one before, order), as ``verify`` does.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import Any

from tracker.errors import IntegrityError
from tracker.events.codec import load_event
from tracker.store.base import Store
from tracker.store.file import FileStore
from tracker.store.records import ZERO_HASH, check_line

from .build import RecordIn
from .model import Mark


class StoreSource:
    """Streams and reads back the records of ``store`` for a read model."""

    def __init__(self, store: Store) -> None:
        """Serve ``store``."""
        self.store = store

    def stream(self, mark: Mark) -> Iterator[RecordIn]:
        """The records after ``mark`` (sequence number 0: from the first), each checked
        against the chain from the mark's record."""
        store = self.store
        start = mark.position if mark.seq else None
        expected, last, prev = mark.seq + 1, mark.recorded, mark.hash or ZERO_HASH
        position: Any = start
        for line, end in store.read_lines(start):
            record = check_line(line, expected, prev, last)
            event = load_event(record.event, seq=record.seq)
            yield record.seq, record.recorded, event, record.hash, int(position or 0), int(end)
            prev, last, expected, position = record.hash, record.recorded, expected + 1, end

    def lines_at(self, positions: Sequence[int]) -> list[bytes]:
        """The records that start at ``positions`` (each as the line the log stores)."""
        store = self.store
        if isinstance(store, FileStore):
            out = []
            fd = os.open(store.path, os.O_RDONLY | os.O_CLOEXEC)
            try:
                for position in positions:
                    chunk = os.pread(fd, 2048, position)
                    nl = chunk.find(b"\n")
                    while nl < 0:
                        more = os.pread(fd, 1 << 16, position + len(chunk))
                        if not more:
                            msg = f"the log ends inside a record at byte {position}"
                            raise IntegrityError(msg)
                        chunk += more
                        nl = chunk.find(b"\n")
                    out.append(chunk[:nl])
            finally:
                os.close(fd)
            return out
        at_once = getattr(store, "lines_at", None)  # (PostgreSQL: one query for them all)
        if at_once is not None:
            return list(at_once(positions))
        return [next(iter(store.read_lines(position or None)))[0] for position in positions]

    def anchored(self, position: int, record_hash: str) -> bool:
        """Whether the log still holds a record with ``record_hash`` ending at ``position``."""
        store = self.store
        if isinstance(store, FileStore):
            found = store.record_before(position)
            return found is not None and found.hash == record_hash
        head = store.head()
        if head.seq == 0:
            return False
        for line, end in store.read_lines(position - 1 if position else None):
            return end == position and _hash_of(line) == record_hash
        return False


def _hash_of(line: bytes) -> str:
    from tracker.store.records import hash_of_line

    return hash_of_line(line)


__all__ = ["StoreSource"]
