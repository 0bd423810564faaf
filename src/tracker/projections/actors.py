"""Per-actor view: an actor's registration, relations, every event it took part in and its role.

The role is the field that names the actor, so it is never guessed:

=================  ==========================================================
role               fields
=================  ==========================================================
``speaker``        statement.speaker
``subject``        statement.about, figure.subject
``reporter``       figure.reported_by
``actor``          policy_change.actor
``product``        policy_change.product
``regulator``      regulatory_action.regulator
``target``         regulatory_action.target
``verifier``       verification.verifier
``involved``       incident.actors
=================  ==========================================================

The view (:meth:`tracker.State.actor`) adds the actor's current stances, the figures about it
or reported by it, and the regulatory posture it holds or faces, from the other projections.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tracker.events.dates import PartialDate
from tracker.events.models import WORLD_EVENTS, ActorRegistered, Relation
from tracker.projections.figures import FigureTable
from tracker.projections.fold import Entry
from tracker.projections.posture import PostureRow
from tracker.projections.results import Rows, date_columns, joined, rows
from tracker.projections.stances import StanceStep
from tracker.projections.timeline import actor_ids, summary_of

ROLES: dict[str, str] = {
    "speaker": "speaker",
    "about": "subject",
    "subject": "subject",
    "reported_by": "reporter",
    "actor": "actor",
    "product": "product",
    "regulator": "regulator",
    "target": "target",
    "verifier": "verifier",
    "actors": "involved",
}
"""Event field naming an actor -> the actor's role in the event."""


_ACTOR_FIELDS: dict[type, tuple[tuple[str, str], ...]] = {}
"""Event class -> its (field, role) pairs that name actors, worked out once per class."""


def roles_in(entry: Entry) -> dict[str, tuple[str, ...]]:
    """Actor id -> its roles in one world event (in field order)."""
    event = entry.event
    fields = _ACTOR_FIELDS.get(type(event))
    if fields is None:
        fields = tuple((f, ROLES.get(f, f)) for f, ns in event.REFS.items() if ns == "actor")
        _ACTOR_FIELDS[type(event)] = fields
    values = event.__dict__  # (getattr on a pydantic model costs more; fields live here)
    out: dict[str, tuple[str, ...]] = {}
    for field, role in fields:
        value = values[field]
        if not value:  # None, or an empty tuple
            continue
        for actor in (value,) if type(value) is str else value:
            found = out.get(actor, ())
            if role not in found:
                out[actor] = (*found, role)
    for source in values["sources"]:
        publisher = source.publisher_id
        if publisher is not None and "publisher" not in out.get(publisher, ()):
            out[publisher] = (*out.get(publisher, ()), "publisher")
    return out


@dataclass(frozen=True)
class RelationRow:
    """A relation touching the actor: ``source relation target``, seen from the actor."""

    source: str
    relation: str
    target: str
    direction: str
    """``out`` (the actor is the source: xai led_by musk) or ``in`` (grok developed_by xai)."""
    start: PartialDate | None = None
    """When the relation began (None: not recorded)."""
    end: PartialDate | None = None
    """When it ended (None: not ended, or not recorded)."""

    def record(self) -> dict[str, Any]:
        """One flat row."""
        return {
            "source": self.source,
            "relation": self.relation,
            "target": self.target,
            "direction": self.direction,
            **date_columns("start", self.start),
            **date_columns("end", self.end),
        }


@dataclass(frozen=True)
class ActorEvent:
    """One event the actor took part in, with its roles there."""

    id: str
    type: str
    roles: tuple[str, ...]
    occurred: PartialDate | None
    summary: str

    def record(self) -> dict[str, Any]:
        """One flat row."""
        return {
            "id": self.id,
            "type": self.type,
            "roles": joined(self.roles),
            **date_columns("occurred", self.occurred),
            "summary": self.summary,
        }


@dataclass(frozen=True)
class ActorView:
    """Everything the replay knows about one actor."""

    actor: str
    registration: ActorRegistered | None
    """None if its registration was retracted (events naming it still count)."""
    relations: Rows[RelationRow]
    events: Rows[ActorEvent]
    """Every counted event naming it, in occurred order."""
    stances: Rows[StanceStep]
    """Its current positions (as holder), by topic."""
    figures: FigureTable
    """Figures about it (it is the subject)."""
    reported_figures: FigureTable
    """Figures it reported."""
    actions_taken: Rows[PostureRow]
    """Its posture toward each target, as regulator."""
    actions_faced: Rows[PostureRow]
    """Each regulator's posture toward it, as target."""
    registered_by: str | None = None
    """The id of the event that registered it."""
    registered_seq: int | None = None
    """The sequence number of that event's record."""

    @property
    def name(self) -> str | None:
        """Its display name."""
        return self.registration.name if self.registration else None

    @property
    def kind(self) -> str | None:
        """What sort of actor it is."""
        return self.registration.kind if self.registration else None

    def by_role(self) -> dict[str, list[str]]:
        """Role -> ids of the events where the actor had it, in occurred order (roles sorted)."""
        out: dict[str, list[str]] = {}
        for e in self.events:
            for role in e.roles:
                out.setdefault(role, []).append(e.id)
        return dict(sorted(out.items()))

    def to_records(self) -> list[dict[str, Any]]:
        """The events it took part in, flat."""
        return self.events.to_records()

    def to_json(self) -> dict[str, Any]:
        """Every section."""
        reg = self.registration
        return {
            "actor": self.actor,
            "name": self.name,
            "kind": self.kind,
            "aliases": list(reg.aliases) if reg else [],
            "jurisdiction": reg.jurisdiction if reg else None,
            "registered_by": self.registered_by,
            "registered_seq": self.registered_seq,
            "relations": self.relations.to_json(),
            "events": self.events.to_json(),
            "by_role": self.by_role(),
            "stances": self.stances.to_json(),
            "figures": self.figures.to_records(),
            "reported_figures": self.reported_figures.to_records(),
            "actions_taken": self.actions_taken.to_json(),
            "actions_faced": self.actions_faced.to_json(),
        }


class Involvement:
    """Projection: for each actor, the counted world events naming it, with its roles."""

    TAKES = WORLD_EVENTS

    def __init__(self) -> None:
        """Start empty."""
        self._by_actor: dict[str, dict[str, Entry]] = {}
        """Actor -> event id -> entry (its roles are worked out again on query)."""

    def add(self, entry: Entry) -> None:
        """Index a world event under every actor it names (registrations are the registry's)."""
        event = entry.event
        if event.KIND == "registration":
            return
        event_id, by_actor = event.id, self._by_actor
        for actor in actor_ids(event):
            found = by_actor.get(actor)
            if found is None:
                found = by_actor[actor] = {}
            found[event_id] = entry  # type: ignore[index]

    def remove(self, entry: Entry) -> None:
        """Take an event out."""
        if entry.event.KIND == "registration":
            return
        for actor in actor_ids(entry.event):
            found = self._by_actor.get(actor)
            if found is not None:
                found.pop(entry.id, None)
                if not found:
                    del self._by_actor[actor]

    def knows(self, actor: str) -> bool:
        """Whether any counted event names the actor."""
        return actor in self._by_actor

    def events(self, actor: str) -> Rows[ActorEvent]:
        """The events naming the actor, in occurred order."""
        found = sorted(self._by_actor.get(actor, {}).values(), key=lambda e: e.sort_key)
        return rows(
            ActorEvent(e.id, e.type, roles_in(e)[actor], e.occurred, summary_of(e.event))
            for e in found
        )


def relation_rows(
    actor: str, related: list[tuple[str, Relation]], as_of: datetime | None = None
) -> Rows[RelationRow]:
    """Relations touching ``actor`` (from :meth:`Registry.related_to`) in force at ``as_of``
    (:meth:`Relation.in_force`: begun by then and not ended), outgoing first."""
    out = [
        RelationRow(s, r.type, r.target, "out" if s == actor else "in", r.start, r.end)
        for s, r in related
        if r.in_force(as_of)
    ]
    out.sort(key=lambda r: (r.direction != "out", r.relation, r.source, r.target))
    return rows(out)


__all__ = [
    "ROLES",
    "ActorEvent",
    "ActorView",
    "Involvement",
    "RelationRow",
    "relation_rows",
    "roles_in",
]
