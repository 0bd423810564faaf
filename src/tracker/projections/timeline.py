"""The timeline: world events in occurred order, uncertain dates kept as the intervals they are."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

from tracker.projections.fold import Entry


def actors_of(entry: Entry) -> tuple[str, ...]:
    """Every actor id an event names (speaker, subject, regulator, target, verifier, ...)."""
    return tuple(dict.fromkeys(v for _f, ns, v in entry.event.references() if ns == "actor"))


def topics_of(entry: Entry) -> tuple[str, ...]:
    """The topic ids an event names."""
    return tuple(dict.fromkeys(v for _f, ns, v in entry.event.references() if ns == "topic"))


def entry_record(entry: Entry) -> dict[str, Any]:
    """Flatten an entry into one row of plain values (for DataFrames, CSV, JSON)."""
    ev = entry.event
    occ = ev.occurred
    return {
        "id": entry.id,
        "type": entry.type,
        "occurred": occ.text if occ else None,
        "earliest": occ.earliest.isoformat() if occ and occ.earliest else None,
        "latest": occ.latest.isoformat() if occ and occ.latest else None,
        "precision": occ.precision if occ else None,
        "approximate": occ.approximate if occ else False,
        "summary": ev.summary or getattr(ev, "quote", None),
        "actors": ",".join(actors_of(entry)),
        "topics": ",".join(topics_of(entry)),
        "tags": ",".join(ev.tags),
        "publishers": ",".join(dict.fromkeys(s.publisher for s in ev.sources)),
        "seq": entry.seq,
        "recorded": entry.recorded,
        "corrected": bool(entry.corrected_by),
        "superseded_by": entry.superseded_by,
    }


@dataclass(frozen=True)
class TimelineView(Sequence[Entry]):
    """An ordered, filtered list of entries."""

    entries: tuple[Entry, ...]

    @overload
    def __getitem__(self, i: int) -> Entry: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Entry]: ...
    def __getitem__(self, i: int | slice) -> Entry | Sequence[Entry]:
        return self.entries[i]

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def ids(self) -> list[str]:
        """The event ids, in order."""
        return [e.id for e in self.entries]

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per entry, ready for ``pandas.DataFrame(...)`` or ``csv.DictWriter``."""
        return [entry_record(e) for e in self.entries]


class Timeline:
    """Projection: every counted world event, ordered by (earliest, latest, sequence number)."""

    def __init__(self) -> None:
        """Start empty."""
        self._entries: dict[str, Entry] = {}
        self._sorted: tuple[Entry, ...] | None = None

    def add(self, entry: Entry) -> None:
        """Fold in a counted entry (registrations are left to the registry)."""
        if entry.event.KIND == "registration":
            return
        self._entries[entry.id] = entry
        self._sorted = None

    def remove(self, entry: Entry) -> None:
        """Take an entry out."""
        if self._entries.pop(entry.id, None) is not None:
            self._sorted = None

    def __len__(self) -> int:
        return len(self._entries)

    def ordered(self) -> tuple[Entry, ...]:
        """All entries in occurred order."""
        if self._sorted is None:
            self._sorted = tuple(sorted(self._entries.values(), key=lambda e: e.sort_key))
        return self._sorted

    def view(
        self,
        *,
        actor: str | None = None,
        topic: str | None = None,
        type: str | None = None,  # noqa: A002 - the field is called type
        tag: str | None = None,
    ) -> TimelineView:
        """The ordered entries, filtered by actor, topic, event type and tag."""
        out = []
        for e in self.ordered():
            if type is not None and e.type != type:
                continue
            if tag is not None and tag not in e.event.tags:
                continue
            if actor is not None and actor not in actors_of(e):
                continue
            if topic is not None and topic not in topics_of(e):
                continue
            out.append(e)
        return TimelineView(tuple(out))


def sort_entries(entries: Sequence[Entry]) -> TimelineView:
    """Order any entries on the occurred clock."""
    return TimelineView(tuple(sorted(entries, key=lambda e: e.sort_key)))


__all__ = ["Timeline", "TimelineView", "actors_of", "entry_record", "sort_entries", "topics_of"]
