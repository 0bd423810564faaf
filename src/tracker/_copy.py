"""Copying a log's records as they are between stores (backup, migration, restore)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tracker import _read
from tracker.errors import IntegrityError, InvalidInputError
from tracker.store.base import Head, Store
from tracker.store.file import FileStore
from tracker.store.records import Record

if TYPE_CHECKING:
    from tracker._log import Log


@dataclass(frozen=True, slots=True)
class CopyReport:
    """What a copy did."""

    copied: int
    """Records appended to the destination."""
    skipped: int
    """Records the destination already held (it was a prefix of the source)."""
    head: Head
    """The destination's head afterwards (the same as the source's)."""
    source: str
    """Where the source lives (a path, or a URL without its password)."""
    destination: str
    """Where the copy lives."""


def _same_place(a: Store, b: Store) -> bool:
    if isinstance(a, FileStore) and isinstance(b, FileStore):
        return a.path.resolve() == b.path.resolve()
    return a is b or (type(a) is type(b) and a.location == b.location and a.location != ":memory:")


def copy_records(source: Store, target: Store, *, chunk: int) -> CopyReport:
    """Copy ``source``'s records as they are onto ``target`` (see :meth:`Log.copy_to`).

    Records the source erased that the target still holds with their content lose it in the
    target too, in the step that appends the rest (an erasure is carried into a copy).
    """
    if _same_place(source, target):
        msg = f"cannot copy {source.location} onto itself: give another destination"
        raise InvalidInputError(msg)
    end = source.head()  # raises TornTailError on a damaged end
    copied = skipped = 0
    with target.writer() as writer:
        have = writer.head()
        if have.seq > end.seq:
            msg = (
                f"{target.location} holds {have.seq} records, more than the {end.seq} of "
                f"{source.location}: copy into an empty log or a backup of this one"
            )
            raise IntegrityError(msg, seq=end.seq + 1)
        pending: list[Record] = []
        erased: dict[int, bytes] = {}  # records the source erased that the target holds
        for record, _pos in _read.checked_records(source.read_lines()):
            if record.seq <= have.seq:
                if record.seq == have.seq and record.hash != have.hash:
                    msg = (
                        f"{target.location} is not a copy of {source.location}: their record "
                        f"{have.seq} differs; copy into an empty log instead"
                    )
                    raise IntegrityError(msg, seq=have.seq)
                if record.erased:
                    erased[record.seq] = record.line()
                skipped += 1
                continue
            if erased and not pending:  # the target's copies of them lose their content too
                erased = _still_held(writer, erased)
            pending.append(record)
            if len(pending) >= chunk and record.closes_batch:
                writer.rewrite_records(erased, pending)
                erased = {}
                copied += len(pending)
                pending = []
        if erased and not pending:
            erased = _still_held(writer, erased)
        if pending or erased:
            writer.rewrite_records(erased, pending)
            copied += len(pending)
        head = writer.head()
    return CopyReport(copied, skipped, head, source.location, target.location)


def _still_held(writer: Any, erased: dict[int, bytes]) -> dict[int, bytes]:
    """Of the erased lines, those whose records the target still holds otherwise (with their
    content): an erasure in the source is carried into a copy brought up to date."""
    held: dict[int, bytes] = {}
    last = max(erased)
    for record, _pos in writer.read():
        if record.seq > last:
            break
        line = erased.get(record.seq)
        if line is not None and not record.erased:
            held[record.seq] = line
    return held


def copy_to(log: Log, destination: Any, chunk: int) -> CopyReport:
    """:meth:`tracker.Log.copy_to`: into a Log, a Store, or a path or URL (created if new)."""
    from tracker._log import Log
    from tracker._opening import open
    from tracker.store.base import Store

    if isinstance(destination, Log):
        target, owned = destination.store, False
    elif isinstance(destination, Store):
        target, owned = destination, False
    else:
        target, owned = open(destination, create=True).store, True
    try:
        return copy_records(log.store, target, chunk=chunk)
    finally:
        if owned:
            target.close()


__all__ = ["CopyReport", "copy_records", "copy_to"]
