"""The replayed state: what the log said at (as_of, known_at), with every projection on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tracker.events.models import ActorRegistered, AnyEvent, TopicRegistered
from tracker.projections.fold import Entry, FixEntry, Projection, Replayer
from tracker.projections.registry import Registry
from tracker.projections.timeline import Timeline, TimelineView, sort_entries


@dataclass(frozen=True, slots=True)
class HistoryItem:
    """One step in an event's history: first recorded, then each fix."""

    kind: str
    """``recorded``, ``correction``, ``retraction`` or ``supersession``."""
    seq: int
    recorded: str
    event: AnyEvent
    """The event recorded (for ``recorded``), or the fix."""
    reason: str | None = None


class State:
    """Projections as they stood at ``as_of`` (world time) on the log as known at ``known_at``.

    Build one with ``log.replay(as_of=..., known_at=...)``. Feed it more events with
    :meth:`advance` to move ``known_at`` forward without replaying from zero.
    """

    def __init__(self, *, as_of: datetime | None = None, known_at: datetime | None = None) -> None:
        """Start an empty state for the given clocks (None: unbounded)."""
        self.as_of = as_of
        self.known_at = known_at
        self.registry = Registry()
        self._timeline = Timeline()
        self.projections: dict[str, Projection] = {"registry": self.registry, "timeline": self._timeline}
        self._replayer = Replayer(as_of=as_of, projections=list(self.projections.values()))
        self.head_seq = 0
        self.head_hash: str | None = None

    # --- feeding ---------------------------------------------------------------------------

    def advance(self, seq: int, recorded: str, event: AnyEvent, record_hash: str | None = None) -> None:
        """Fold one more event (in sequence order)."""
        self._replayer.feed(seq, recorded, event)
        self.head_seq = seq
        if record_hash is not None:
            self.head_hash = record_hash

    # --- the registry ----------------------------------------------------------------------

    @property
    def actors(self) -> dict[str, ActorRegistered]:
        """Registered actors by id."""
        return self.registry.actors

    @property
    def topics(self) -> dict[str, TopicRegistered]:
        """Registered topics by id."""
        return self.registry.topics

    # --- the timeline ----------------------------------------------------------------------

    def timeline(
        self,
        *,
        actor: str | None = None,
        topic: str | None = None,
        type: str | None = None,  # noqa: A002 - the field is called type
        tag: str | None = None,
    ) -> TimelineView:
        """The counted world events in occurred order, optionally filtered."""
        return self._timeline.view(actor=actor, topic=topic, type=type, tag=tag)

    def uncertain(self) -> TimelineView:
        """Events whose occurred interval straddles ``as_of``: possibly, not certainly, by then."""
        return sort_entries(list(self._replayer.uncertain.values()))

    # --- single events and their history ----------------------------------------------------

    def entry(self, event_id: str) -> Entry | None:
        """The current version of an event known to the log (counted or not), or None."""
        return self._replayer.entries.get(event_id)

    def placement(self, event_id: str) -> str | None:
        """``counted``, ``uncertain``, ``future`` (not yet at as_of), ``retracted`` or None."""
        return self._replayer.placement.get(event_id)

    def fixes(self) -> list[FixEntry]:
        """Every correction, retraction and supersession known, in log order."""
        return list(self._replayer.fixes)

    def retracted(self) -> dict[str, FixEntry]:
        """Retracted event ids, each with its retraction."""
        return dict(self._replayer.retracted)

    def history(self, event_id: str) -> list[HistoryItem]:
        """How the record of an event changed: when it was recorded, then each fix."""
        fixes = self._replayer.fixes_by_target.get(event_id, [])
        original = fixes[0].before if fixes else self._replayer.entries.get(event_id)
        items: list[HistoryItem] = []
        if original is not None:
            items.append(HistoryItem("recorded", original.seq, original.recorded, original.event))
        items.extend(HistoryItem(f.kind, f.seq, f.recorded, f.fix, f.fix.reason) for f in fixes)
        return items

    def summary(self) -> dict[str, Any]:
        """Counts of what the state holds."""
        return {
            "actors": len(self.actors),
            "topics": len(self.topics),
            "events": len(self._timeline),
            "uncertain": len(self._replayer.uncertain),
            "fixes": len(self._replayer.fixes),
            "head_seq": self.head_seq,
        }
