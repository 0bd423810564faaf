"""Copying a log's records as they are between stores (backup, migration, restore)."""

from __future__ import annotations

from dataclasses import dataclass

from tracker import _read
from tracker.errors import IntegrityError, InvalidInputError
from tracker.store.base import Head, Store
from tracker.store.file import FileStore
from tracker.store.records import Record


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
    """Copy ``source``'s records as they are onto ``target`` (see :meth:`Log.copy_to`)."""
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
        for record, _pos in _read.checked_records(source.read_lines()):
            if record.seq <= have.seq:
                if record.seq == have.seq and record.hash != have.hash:
                    msg = (
                        f"{target.location} is not a copy of {source.location}: their record "
                        f"{have.seq} differs; copy into an empty log instead"
                    )
                    raise IntegrityError(msg, seq=have.seq)
                skipped += 1
                continue
            pending.append(record)
            if len(pending) >= chunk and record.closes_batch:
                writer.append_records(pending)
                copied += len(pending)
                pending = []
        if pending:
            writer.append_records(pending)
            copied += len(pending)
        head = writer.head()
    return CopyReport(copied, skipped, head, source.location, target.location)


__all__ = ["CopyReport", "copy_records"]
