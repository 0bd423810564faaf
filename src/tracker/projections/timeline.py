"""The timeline: world events in occurred order, uncertain dates kept as the intervals they are."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

from tracker.events.models import WORLD_EVENTS, AnyEvent
from tracker.events.units import get_unit
from tracker.projections.fold import Entry


def _number(value: float) -> str:
    return f"{value:,.12g}" if abs(value) >= 1000 else f"{value:.12g}"


def figure_text(
    value: float | None, lower: float | None, upper: float | None, unit: str, approximate: bool
) -> str:
    """A figure's value in words: ``about 6,700 per hour``, ``1.2-1.5 billion US dollars``;
    with no value and no bounds, ``an unquantified number (aircraft)``."""
    if value is None and lower is None and upper is None:
        known = get_unit(unit)
        return f"an unquantified number ({known.label if known is not None else unit})"
    if value is not None:
        amount = _number(value)
    elif lower is not None and upper is not None:
        amount = f"{_number(lower)}-{_number(upper)}"
    elif lower is not None:
        amount = f"at least {_number(lower)}"
    else:
        amount = f"at most {_number(upper)}"  # type: ignore[arg-type]
    known = get_unit(unit)
    label = known.label if known is not None else unit
    space = "" if label == "%" else " "
    return f"{'about ' if approximate else ''}{amount}{space}{label}"


def summary_of(event: AnyEvent) -> str:
    """One line saying what an event is: its summary, else its quote, else its key fields."""
    if event.summary:
        return event.summary
    ev: Any = event
    match event.type:
        case "statement":
            return str(ev.quote)
        case "figure":
            text = figure_text(ev.value, ev.lower, ev.upper, ev.unit, ev.approximate)
            return f"{ev.metric}: {text}"
        case "policy_change":
            return f"{ev.actor} changes {ev.rule}: {ev.after}"
        case "regulatory_action":
            ends = f" (ends {ev.ends})" if ev.ends else ""
            imposed = f" ({ev.restriction})" if ev.restriction else ""
            return f"{ev.regulator}: {ev.rung} against {ev.target}{imposed}{ends}"
        case "verification":
            return f"{ev.verifier}: {ev.verdict} {ev.target}"
        case "incident":
            return str(ev.harm)
        case "actor" | "topic":
            return str(ev.name)
        case "correction":
            return f"correction of {ev.corrects}: {ev.reason}"
        case "retraction":
            return f"retraction of {ev.retracts}: {ev.reason}"
        case _:
            return f"{ev.supersedes} superseded by {ev.by}: {ev.reason}"


_ACTOR_FIELDS: dict[type, tuple[str, ...]] = {}
"""Event class -> the fields that name actors, worked out once per class."""


def actor_ids(event: AnyEvent) -> tuple[str, ...]:
    """Every actor id a world event names, once each, in field order (the fold's hot path)."""
    fields = _ACTOR_FIELDS.get(type(event))
    if fields is None:
        fields = tuple(f for f, ns in event.REFS.items() if ns == "actor")
        _ACTOR_FIELDS[type(event)] = fields
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


def actors_of(entry: Entry) -> tuple[str, ...]:
    """Every actor id an event names (speaker, subject, regulator, target, verifier, ...)."""
    event = entry.event
    if event.KIND == "world":
        return actor_ids(event)
    return tuple(dict.fromkeys(v for _f, ns, v in event.references() if ns == "actor"))


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

    def to_json(self) -> list[dict[str, Any]]:
        """The rows as JSON-able values (the same flat dicts)."""
        return self.to_records()


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
    "sort_entries",
    "summary_of",
    "topics_of",
]
