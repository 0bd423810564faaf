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
from typing import Any, ClassVar

from tracker.events.dates import PartialDate
from tracker.events.describe import describe
from tracker.events.models import WORLD_EVENTS, ActorRegistered, Relation
from tracker.projections.figures import FigurePoint, FigureTable
from tracker.projections.fold import Entry
from tracker.projections.posture import PostureRow
from tracker.projections.results import Row, Rows, Tabular, rows
from tracker.projections.shape import Shape, date, integer, mapping, nested, text, texts
from tracker.projections.stances import StanceStep
from tracker.projections.timeline import actor_ids

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
class RelationRow(Row):
    """A relation touching the actor: ``source relation target``, seen from the actor."""

    SHAPE: ClassVar[Shape] = Shape(
        "relation",
        "A relation touching the actor: source relation target, seen from the actor.",
        text("source", "the actor the relation goes from"),
        text("relation", "the relation (developed_by, runs_on, led_by, ...)"),
        text("target", "the actor it goes to"),
        text(
            "direction",
            "out (the actor is the source) or in (the actor is the target)",
            choices=("out", "in"),
        ),
        date("start", "when the relation began (null: not recorded)"),
        date("end", "when it ended (null: not ended, or not recorded)"),
    )

    source: str
    relation: str
    target: str
    direction: str
    """``out`` (the actor is the source: xai led_by musk) or ``in`` (grok developed_by xai)."""
    start: PartialDate | None = None
    """When the relation began (None: not recorded)."""
    end: PartialDate | None = None
    """When it ended (None: not ended, or not recorded)."""


@dataclass(frozen=True)
class ActorEvent(Row):
    """One event the actor took part in, with its roles there."""

    SHAPE: ClassVar[Shape] = Shape(
        "actor_event",
        "One event an actor took part in, with its roles there.",
        text("id", "the event's id"),
        text("type", "the event's type"),
        texts("roles", "the actor's roles in it (speaker, subject, regulator, target, ...)"),
        date("occurred", "when it occurred"),
        text("summary", "what it is, in one line"),
    )

    id: str
    type: str
    roles: tuple[str, ...]
    occurred: PartialDate | None
    summary: str


@dataclass(frozen=True)
class ActorView(Tabular):
    """Everything the replay knows about one actor."""

    SHAPE: ClassVar[Shape] = Shape(
        "actor_view",
        "Everything a replay knows about one actor.",
        text("actor", "the actor's id"),
        text("name", "its display name (null if its registration was retracted)", nullable=True),
        text("kind", "what sort of actor it is", nullable=True),
        texts(
            "aliases",
            "other names it goes by",
            get=lambda v: v.registration.aliases if v.registration else (),
        ),
        text(
            "jurisdiction",
            "where it operates",
            nullable=True,
            get=lambda v: v.registration.jurisdiction if v.registration else None,
        ),
        text("registered_by", "the id of the event that registered it", nullable=True),
        integer("registered_seq", "the record number of that event", nullable=True),
        nested("relations", RelationRow.SHAPE, "relations touching it, outgoing first"),
        nested("events", ActorEvent.SHAPE, "every counted event naming it, in occurred order"),
        mapping(
            "by_role",
            "role -> ids of the events where it had that role, in occurred order",
            get=lambda v: v.by_role(),
        ),
        nested("stances", StanceStep.SHAPE, "its current positions, by topic"),
        nested(
            "figures",
            FigurePoint.SHAPE,
            "figures about it (it is the subject)",
            get=lambda v: v.figures.points,
        ),
        nested(
            "reported_figures",
            FigurePoint.SHAPE,
            "figures it reported",
            get=lambda v: v.reported_figures.points,
        ),
        nested("actions_taken", PostureRow.SHAPE, "its posture toward each target, as regulator"),
        nested("actions_faced", PostureRow.SHAPE, "each regulator's posture toward it"),
    )

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

    def _main_rows(self) -> Rows[ActorEvent]:
        """The events it took part in (the main table; the other sections are attributes)."""
        return self.events

    def to_json(self) -> dict[str, Any]:
        """Every section."""
        return self.SHAPE.dump(self)


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
            (ActorEvent(e.id, e.type, roles_in(e)[actor], e.occurred, describe(e.event))
             for e in found),
            ActorEvent,
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
    return rows(out, RelationRow)


__all__ = [
    "ROLES",
    "ActorEvent",
    "ActorView",
    "Involvement",
    "RelationRow",
    "relation_rows",
    "roles_in",
]
