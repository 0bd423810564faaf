"""A timeline read in chunks: the whole log's events in occurred order, never all in memory.

:class:`StreamedTimeline` is a :class:`~tracker.projections.timeline.TimelineView` whose entries
are read from the read model as it is iterated, a few thousand at a time, in occurred order
(``sort_a, sort_b, seq``: the fold's sort key). Each chunk is handed to a fresh state and
filtered by the timeline's own ``view`` (actor, topic, type, tag), so what it yields is what a
replay's timeline holds, in the same order. Its length is counted by the database when no
filter needs the events' content, else by reading through.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, overload

from tracker.projections.fold import Entry
from tracker.projections.timeline import TimelineView, entry_record

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
        object.__setattr__(self, "entries", ())
        object.__setattr__(self, "_chunks", chunks)
        object.__setattr__(self, "_count", count)
        object.__setattr__(self, "_length", None)

    def __iter__(self) -> Iterator[Entry]:
        for chunk in self._chunks():
            yield from chunk

    def __len__(self) -> int:
        if self._length is None:
            object.__setattr__(self, "_length", self._count())
        assert self._length is not None
        return self._length

    @overload
    def __getitem__(self, i: int) -> Entry: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Entry]: ...
    def __getitem__(self, i: int | slice) -> Entry | Sequence[Entry]:
        return tuple(self)[i]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TimelineView):
            return NotImplemented
        return tuple(self) == tuple(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<StreamedTimeline of {len(self)} entries>"

    def ids(self) -> list[str]:
        """The event ids, in order."""
        return [e.id for e in self]

    def records(self) -> Iterator[dict[str, Any]]:
        """One flat dict per entry, streamed (what :meth:`to_records` lists)."""
        return (entry_record(e) for e in self)

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per entry, ready for ``pandas.DataFrame(...)`` or ``csv.DictWriter``."""
        return list(self.records())


__all__ = ["CHUNK", "StreamedTimeline"]
