"""A timeline read in chunks: the whole log's events in occurred order, never all in memory.

:class:`StreamedTimeline` is a :class:`~tracker.projections.timeline.TimelineView` whose entries
are read from the read model as it is iterated, a few thousand at a time, in occurred order
(``sort_a, sort_b, seq``: the fold's sort key). Each chunk is handed to a fresh state and
filtered by the timeline's own ``view`` (actor, topic, type, tag), so what it yields is what a
replay's timeline holds, in the same order. Its length is counted by the database when no
filter needs the events' content, else by reading through. What needs every entry at once (an
index, a DataFrame) reads them all then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, overload

from tracker.projections.fold import Entry
from tracker.projections.timeline import ENTRY_SHAPE, TimelineView

CHUNK = 2000
"""Entries read (and validated) at a time."""


class StreamedTimeline(TimelineView):
    """Timeline entries read from the read model as they are iterated (module docstring)."""

    _chunks: Callable[[], Iterator[Sequence[Entry]]]
    _count: Callable[[], int]
    _length: int | None

    def __init__(
        self,
        chunks: Callable[[], Iterator[Sequence[Entry]]],
        count: Callable[[], int],
    ) -> None:
        """``chunks`` reads the entries in order, chunk by chunk; ``count`` says how many."""
        object.__setattr__(self, "shape", ENTRY_SHAPE)
        object.__setattr__(self, "_chunks", chunks)
        object.__setattr__(self, "_count", count)
        object.__setattr__(self, "_length", None)

    @property
    def items(self) -> tuple[Entry, ...]:
        """Every entry, read now (what iterating gives, one chunk at a time)."""
        return tuple(self)

    def __iter__(self) -> Iterator[Entry]:
        for chunk in self._chunks():
            yield from chunk

    def __len__(self) -> int:
        if self._length is None:
            object.__setattr__(self, "_length", self._count())
        assert self._length is not None
        return self._length

    def __bool__(self) -> bool:
        return len(self) > 0

    @overload
    def __getitem__(self, i: int) -> Entry: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Entry]: ...
    def __getitem__(self, i: int | slice) -> Entry | Sequence[Entry]:
        return self.items[i]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TimelineView):
            return NotImplemented
        return tuple(self) == tuple(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<StreamedTimeline of {len(self)} entries>"

    def _main_rows(self) -> TimelineView:
        return TimelineView(self.items)

    def ids(self) -> list[str]:
        """The event ids, in order."""
        return [e.id for e in self]

    def records(self) -> Iterator[dict[str, Any]]:
        """One dict of JSON values per entry, streamed (what :meth:`to_records` lists)."""
        dump = ENTRY_SHAPE.dump
        return (dump(e) for e in self)

    def to_records(self) -> list[dict[str, Any]]:
        """One dict of JSON values per entry: what ``--json`` prints."""
        return list(self.records())


__all__ = ["CHUNK", "StreamedTimeline"]
