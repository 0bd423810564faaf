"""The storage interface: a small contract every backend (file, memory, PostgreSQL) meets.

A store keeps records and nothing else: it never imports events' models or projections. It:

- stamps and appends new events as one batch under an exclusive lock (``writer().append``),
  durable before it returns;
- appends already-verified records as they are (``writer().append_records``: copy, restore);
- streams records from an opaque position (``read``), and tells its ``head``;
- optionally does better than the defaults given here for reading the prefix recorded by a
  time (``read_until``, a ``known_at`` replay), finding the position after a sequence number
  (``position_of``) and waiting for appends (``wait``, which ``Log.follow`` uses).

Positions are opaque to callers (a byte offset in a file, a sequence number in a database);
a caller only hands back what ``read`` gave it.
"""

from __future__ import annotations

import abc
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tracker.errors import IntegrityError, InvalidInputError, StorageError, TornTailError
from tracker.events.dates import format_instant, parse_instant
from tracker.store.records import ZERO_HASH, Record, hash_of_line, make_record_at
from tracker.store.signed import Signer, make_signed_record

Position = Any
Clock = Callable[[], datetime]


DATABASE_SCHEMES = ("postgresql://", "postgres://")


def is_database_url(location: object) -> bool:
    """Whether ``location`` names a log in PostgreSQL (``postgresql://`` or ``postgres://``)."""
    return isinstance(location, str) and location.startswith(DATABASE_SCHEMES)


def system_clock() -> datetime:
    """The wall clock, in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Head:
    """The end of a log: its last sequence number and hash (0 and 64 zeros when empty)."""

    seq: int
    hash: str
    recorded: str | None
    position: Position

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"


EMPTY_HEAD_HASH = ZERO_HASH


class Writer(abc.ABC):
    """What a store offers while its exclusive lock is held."""

    @abc.abstractmethod
    def head(self) -> Head:
        """Return the head as it is under the lock."""

    @abc.abstractmethod
    def read(self, start: Position | None = None) -> Iterator[tuple[Record, Position]]:
        """Stream records after ``start``, each with the position after it (under the lock)."""

    def read_lines(self, start: Position | None = None) -> Iterator[tuple[bytes, Position]]:
        """Stream the stored bytes of each record after ``start`` (under the lock)."""
        for record, pos in self.read(start):
            yield record.line(), pos

    @abc.abstractmethod
    def _write(self, records: Sequence[Record], head: Head) -> Position:
        """Write the records after ``head`` durably, all or nothing; return the new position."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def append(
        self, events: Sequence[dict[str, Any]], *, signer: Signer | None = None
    ) -> list[Record]:
        """Stamp ``events`` as one batch after the head, write them durably, return the records.

        With ``signer`` the records are version 2 (see :mod:`tracker.store.records`): each
        names the signer's key and commits to its event through a fresh random nonce, and the
        batch's last record carries the signature, made here, under the lock, once the chain
        it extends is known.
        """
        if not events:
            return []
        head, records = self._stamp(events, signer)
        self._write(records, head)
        return records

    def rewrite(
        self, lines: Mapping[int, bytes], events: Sequence[dict[str, Any]], *, signer: Signer
    ) -> list[Record]:
        """Erase: put ``lines`` in place of the stored bytes of those records, and append
        ``events`` as one signed batch, in one step (all or nothing, durable).

        Each new line must have the hash of the line it replaces (an erased form, made by
        :func:`~tracker.store.records.erased_line`): the chain and every record's hash stay.

        Raises:
            IntegrityError: a line would change its record's hash, or names no record.
            StorageError: the store cannot rewrite records, or writing failed.
        """
        head, records = self._stamp(events, signer)
        if any(seq < 1 or seq > head.seq for seq in lines):
            msg = f"the log has no record {max(lines)} to rewrite"
            raise IntegrityError(msg, seq=max(lines))
        self._rewrite(lines, records, head)
        return records

    def _rewrite(self, lines: Mapping[int, bytes], records: Sequence[Record], head: Head) -> Position:
        """Replace the lines (checking each keeps its record's hash), then write ``records``
        after ``head``, in one step. A store that cannot says so."""
        msg = "this store cannot rewrite records (erase a file or PostgreSQL log)"
        raise StorageError(msg)

    def _stamp(
        self, events: Sequence[dict[str, Any]], signer: Signer | None
    ) -> tuple[Head, list[Record]]:
        """The head under the lock, and ``events`` made into records after it (one batch)."""
        head = self.head()
        now = self._clock()
        if now.tzinfo is None:
            msg = "the store's clock must return an aware datetime"
            raise ValueError(msg)
        if head.recorded is not None:
            last = parse_instant(head.recorded)
            now = max(now, last)  # a clock that steps back is clamped
        prev = head.hash
        first = head.seq + 1
        stamp = format_instant(now)
        count = len(events)
        records: list[Record] = []
        for i, event in enumerate(events):
            if signer is None:
                record = make_record_at(
                    seq=first + i,
                    recorded=stamp,
                    batch_id=first,
                    batch_index=i,
                    batch_count=count,
                    event=event,
                    prev=prev,
                )
            else:
                record = make_signed_record(
                    seq=first + i,
                    recorded=stamp,
                    batch_id=first,
                    batch_index=i,
                    batch_count=count,
                    event=event,
                    prev=prev,
                    signer=signer,
                    nonce=os.urandom(32),
                )
            records.append(record)
            prev = record.hash
        return head, records

    def append_records(self, records: Sequence[Record]) -> None:
        """Append records as they are (copy, restore), checking they extend the head.

        Raises:
            IntegrityError: a record does not continue the chain, its hash is wrong, or a
                batch in ``records`` is left unfinished.
        """
        if not records:
            return
        head = self.head()
        self._check_extends(records, head)
        self._write(records, head)

    def rewrite_records(self, lines: Mapping[int, bytes], records: Sequence[Record]) -> None:
        """Put ``lines`` in place of those records' bytes (each keeps its hash: an erased
        form) and append ``records`` as they are, in one step (a copy that carries a source's
        erasures into a destination that still holds the content).

        Raises:
            IntegrityError: as :meth:`append_records`, or a line would change its record's hash.
        """
        if not lines:
            self.append_records(records)
            return
        head = self.head()
        if any(seq < 1 or seq > head.seq for seq in lines):
            msg = f"the log has no record {max(lines)} to rewrite"
            raise IntegrityError(msg, seq=max(lines))
        if records:
            self._check_extends(records, head)
        self._rewrite(lines, records, head)

    def _check_extends(self, records: Sequence[Record], head: Head) -> None:
        """Whether ``records`` continue the chain at ``head``, each hash right, batches whole."""
        prev, seq = head.hash, head.seq
        last_recorded = head.recorded or ""
        for record in records:
            if record.seq != seq + 1 or record.prev != prev:
                msg = (
                    f"record {record.seq} does not extend the log at {seq}:{prev[:12]}...; "
                    "copy into an empty log or one that is a prefix of the source"
                )
                raise IntegrityError(msg, seq=record.seq)
            if record.recorded < last_recorded:
                msg = f"record {record.seq} was recorded before the record it follows"
                raise IntegrityError(msg, seq=record.seq)
            if hash_of_line(record.line()) != record.hash:  # (a signed record: its digest too)
                msg = f"record {record.seq} has a wrong hash"
                raise IntegrityError(msg, seq=record.seq)
            prev, seq, last_recorded = record.hash, record.seq, record.recorded
        if not records[-1].closes_batch:
            msg = f"record {records[-1].seq} leaves its batch unfinished"
            raise IntegrityError(msg, seq=records[-1].seq)


def records_until(
    records: Iterator[tuple[Record, Position]], until_recorded: str
) -> Iterator[tuple[Record, Position]]:
    """The records of a stream up to the first one recorded after ``until_recorded``."""
    for record, pos in records:
        if record.recorded > until_recorded:
            return
        yield record, pos


class Store(abc.ABC):
    """A log's storage medium."""

    location: str
    """Where the log lives, as the user named it (a path, a URL without its password)."""

    @abc.abstractmethod
    def head(self) -> Head:
        """Return the current head (reads the end of the log; cheap)."""

    @abc.abstractmethod
    def read(self, start: Position | None = None) -> Iterator[tuple[Record, Position]]:
        """Stream complete-batch records after ``start`` (from the beginning when None).

        Each record comes with the position just after it, which may be handed back later.
        """

    @abc.abstractmethod
    def writer(self, *, timeout: float | None = None) -> AbstractContextManager[Writer]:
        """Take the exclusive lock and return a Writer; released when the block exits."""

    def read_lines(self, start: Position | None = None) -> Iterator[tuple[bytes, Position]]:
        """Stream the stored bytes of each record (for verify): canonical bytes, no newline."""
        for record, pos in self.read(start):
            yield record.line(), pos

    def first_line(self) -> bytes | None:
        """The stored bytes of the first record (None while the log is empty)."""
        for line, _pos in self.read_lines():
            return line
        return None

    def read_until(
        self, start: Position | None = None, *, until_recorded: str
    ) -> Iterator[tuple[Record, Position]]:
        """Stream the records after ``start`` recorded at or before ``until_recorded``.

        Recorded times never go down along a log, so these records are a prefix of it (a
        ``known_at`` replay). This default stops at the first later record; a store with an
        index on recorded time reads only the prefix.
        """
        return records_until(self.read(start), until_recorded)

    def position_of(self, seq: int) -> Position | None:
        """Return the position just after record ``seq`` (None for 0, the start).

        Raises:
            InvalidInputError: the log has no record ``seq``.
        """
        if seq == 0:
            return None
        if seq > 0:
            for record, pos in self.read():
                if record.seq == seq:
                    return pos
        msg = f"there is no record {seq} in {self.location}: its last record is {self.head().seq}"
        raise InvalidInputError(msg)

    def wait(self, position: Position | None, *, timeout: float, poll: float = 0.5) -> bool:
        """Block until the log may have grown past ``position``; False after ``timeout`` s.

        This default polls the head every ``poll`` seconds; a store that can be told about
        appends (PostgreSQL's LISTEN/NOTIFY) overrides it.
        """
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.head().position != (position or 0):
                    return True
            except TornTailError:
                pass  # a writer is mid-append: its batch is whole when it finishes
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(poll, left))

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release any resources (connections); the file store holds none between calls."""
