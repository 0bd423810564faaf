"""The timeline: world events in occurred order, uncertain dates kept as the intervals they are."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tracker.events.describe import describe, figure_text
from tracker.events.models import EVENT_TYPES, WORLD_EVENTS, AnyEvent
from tracker.projections.fold import Entry
from tracker.projections.results import Rows
from tracker.projections.shape import Shape, date, instant, integer, text, texts

summary_of = describe
"""The one describer, as the projections have called it: :func:`tracker.events.describe.describe`
(actors by id). ``figure_text`` here is that module's too."""


_FIELDS: dict[tuple[type, str], tuple[str, ...]] = {}
"""(Event class, namespace) -> the fields that name ids of it, worked out once per class."""


def ids_named(event: AnyEvent, namespace: str) -> tuple[str, ...]:
    """Every id of ``namespace`` (``actor``, ``topic``, ``event``) a world event names, once
    each, in field order (the fold's hot path: ``references()`` without its ``getattr``)."""
    fields = _FIELDS.get((type(event), namespace))
    if fields is None:
        fields = tuple(f for f, ns in event.REFS.items() if ns == namespace)
        _FIELDS[(type(event), namespace)] = fields
    values = event.__dict__  # (getattr on a pydantic model costs more; fields live here)
    out: list[str] = []
    for field in fields:
        value = values[field]
        if not value:  # None, or an empty tuple
            continue
        if type(value) is str:
            out.append(value)
        else:
            out.extend(value)
    for source in values["sources"]:  # a publisher registered as an actor
        publisher = source.__dict__["publisher_id"]
        if publisher is not None:
            out.append(publisher)
    return tuple(dict.fromkeys(out)) if len(out) > 1 else tuple(out)


def actor_ids(event: AnyEvent) -> tuple[str, ...]:
    """Every actor id a world event names, once each, in field order (the fold's hot path)."""
    return ids_named(event, "actor")


def actors_of(entry: Entry) -> tuple[str, ...]:
    """Every actor id an event names (speaker, subject, regulator, target, verifier, ...)."""
    event = entry.event
    if event.KIND == "world":
        return actor_ids(event)
    return tuple(dict.fromkeys(v for _f, ns, v in event.references() if ns == "actor"))


def topics_of(entry: Entry) -> tuple[str, ...]:
    """The topic ids an event names."""
    event = entry.event
    if event.KIND == "world":
        return ids_named(event, "topic")
    return tuple(dict.fromkeys(v for _f, ns, v in event.references() if ns == "topic"))


ENTRY_SHAPE = Shape(
    "timeline_event",
    "One event of the timeline: what happened, when, who and what it names, and its record.",
    text("id", "the event's id", get=lambda e: e.event.id),
    text("type", "the event's type", choices=EVENT_TYPES, get=lambda e: e.event.type),
    date("occurred", "when it occurred", get=lambda e: e.event.occurred),
    text(
        "summary",
        "its summary as recorded, or for a statement without one its quote",
        nullable=True,
        get=lambda e: e.event.summary or e.event.__dict__.get("quote"),
    ),
    text(
        "speaker",
        "for a statement: who said it",
        nullable=True,
        get=lambda e: e.event.speaker if e.event.type == "statement" else None,
    ),
    integer(
        "stance",
        "the stance it takes on its topic, -2 strongly against .. +2 strongly for",
        nullable=True,
        get=lambda e: e.event.__dict__.get("stance"),
    ),
    text(
        "quote",
        "for a statement: the words quoted",
        nullable=True,
        get=lambda e: e.event.__dict__.get("quote"),
    ),
    texts("actors", "every actor it names, in field order", get=lambda e: actors_of(e)),
    texts("topics", "every topic it names", get=lambda e: topics_of(e)),
    texts("tags", "its tags", get=lambda e: e.event.tags),
    texts(
        "publishers",
        "the publishers of its sources",
        get=lambda e: tuple(dict.fromkeys(s.publisher for s in e.event.sources)),
    ),
    integer("seq", "the record number that first recorded it", get=lambda e: e.seq),
    instant("recorded", "when the log first recorded it", get=lambda e: e.recorded),
    texts("corrected_by", "corrections applied to it, oldest first", get=lambda e: e.corrected_by),
    text(
        "superseded_by",
        "the event that superseded it",
        nullable=True,
        get=lambda e: e.superseded_by,
    ),
)
"""The declaration of a timeline row (an :class:`~tracker.projections.fold.Entry`)."""


def entry_record(entry: Entry) -> dict[str, Any]:
    """One entry's row as JSON values (see :data:`ENTRY_SHAPE`)."""
    return ENTRY_SHAPE.dump(entry)


@dataclass(frozen=True)
class TimelineView(Rows[Entry]):
    """An ordered, filtered list of entries (rows of :data:`ENTRY_SHAPE`)."""

    shape: Shape | None = ENTRY_SHAPE

    @property
    def entries(self) -> tuple[Entry, ...]:
        """The entries, in order."""
        return self.items

    def ids(self) -> list[str]:
        """The event ids, in order."""
        return [e.id for e in self.items]


class Timeline:
    """Projection: every counted world event, ordered by (earliest, latest, sequence number)."""

    TAKES = WORLD_EVENTS

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


__all__ = [
    "Timeline",
    "TimelineView",
    "actor_ids",
    "actors_of",
    "entry_record",
    "figure_text",
    "ids_named",
    "sort_entries",
    "summary_of",
    "topics_of",
]
