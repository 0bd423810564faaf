"""The registry: actors and topics as they stood, with their relations in both directions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tracker.errors import UnknownIdError
from tracker.events.models import ActorRegistered, Relation, TopicRegistered
from tracker.projections.fold import Entry
from tracker.projections.shape import Shape, boolean, date, integer, nested, text, texts


def _out_of_order(entries: dict[str, Entry], last: Entry) -> bool:
    """Whether an entry just put at the end belongs before the one preceding it."""
    if len(entries) < 2:
        return False
    newest_first = reversed(entries.values())
    next(newest_first)
    return next(newest_first).seq > last.seq


def _reordered(entries: dict[str, Entry]) -> tuple[dict[str, Entry], dict[str, Any]]:
    """The entries in the order of their first record, and their events in the same order."""
    ordered = dict(sorted(entries.items(), key=lambda item: item[1].seq))
    return ordered, {key: entry.event for key, entry in ordered.items()}


ACTOR_RELATION = Shape(
    "actor_relation",
    "A relation an actor's registration declares.",
    text("type", "the relation (developed_by, runs_on, led_by, ...)"),
    text("target", "the actor it points at"),
    date("start", "when the relation began (null: not recorded)"),
    date("end", "when it ended (null: not ended, or not recorded)"),
)

ACTOR_ROW = Shape(
    "registered_actor",
    "A registered actor.",
    text("actor", "its id"),
    text("name", "its display name"),
    text("kind", "what sort of actor it is"),
    texts("aliases", "other names it goes by"),
    text("jurisdiction", "where it operates", nullable=True),
    nested("relations", ACTOR_RELATION, "the relations its registration declares"),
    text("event", "the id of the event that registered it"),
    integer("seq", "the record number of that event"),
)

TOPIC_ROW = Shape(
    "registered_topic",
    "A registered topic.",
    text("topic", "its id"),
    text("name", "its name"),
    text("description", "what it covers", nullable=True),
    text("event", "the id of the event that registered it"),
)

RELATION_ROW = Shape(
    "relation",
    "A relation between two actors, as the source's registration declares it.",
    text("source", "the actor whose registration declares it"),
    *ACTOR_RELATION.fields,
    boolean(
        "in_force",
        "whether it holds at the as_of date: begun by then (or no start) and not ended "
        "(with no as_of: not ended)",
    ),
)


class Registry:
    """Projection: the registered actors and topics (registrations always count)."""

    TAKES = (ActorRegistered, TopicRegistered)

    def __init__(self) -> None:
        """Start empty."""
        self.actors: dict[str, ActorRegistered] = {}
        self.topics: dict[str, TopicRegistered] = {}
        self.actor_entries: dict[str, Entry] = {}
        self.topic_entries: dict[str, Entry] = {}

    def add(self, entry: Entry) -> None:
        """Register an actor or topic; other events are ignored.

        Actors and topics stay in the order they were first registered, also when a
        correction replaces a registration (it is taken out and put back).
        """
        ev = entry.event
        if isinstance(ev, ActorRegistered):
            self.actors[ev.actor] = ev
            self.actor_entries[ev.actor] = entry
            if _out_of_order(self.actor_entries, entry):
                self.actor_entries, self.actors = _reordered(self.actor_entries)
        elif isinstance(ev, TopicRegistered):
            self.topics[ev.topic] = ev
            self.topic_entries[ev.topic] = entry
            if _out_of_order(self.topic_entries, entry):
                self.topic_entries, self.topics = _reordered(self.topic_entries)

    def remove(self, entry: Entry) -> None:
        """Unregister (a retracted or about-to-be-corrected registration)."""
        ev = entry.event
        if isinstance(ev, ActorRegistered):
            self.actors.pop(ev.actor, None)
            self.actor_entries.pop(ev.actor, None)
        elif isinstance(ev, TopicRegistered):
            self.topics.pop(ev.topic, None)
            self.topic_entries.pop(ev.topic, None)

    def require_actor(self, actor: str) -> ActorRegistered:
        """The registration of ``actor``.

        Raises:
            UnknownIdError: no such actor (with the closest id, name or alias, if one is close).
        """
        hit = self.actors.get(actor)
        if hit is not None:
            return hit
        names = {
            name.lower(): slug
            for slug, reg in self.actors.items()
            for name in (reg.name, *reg.aliases)
        }
        guess = suggest(actor, self.actors, names)
        hint = f"; did you mean '{guess}'?" if guess else ""
        msg = f"unknown actor '{actor}'{hint}"
        raise UnknownIdError(
            msg,
            hint=" (state.actors holds the registered ones)",
            cli_hint=" (see 'tracker actor list')",
        )

    def require_topic(self, topic: str) -> TopicRegistered:
        """The registration of ``topic``.

        Raises:
            UnknownIdError: no such topic (with the closest id, if one is close).
        """
        hit = self.topics.get(topic)
        if hit is not None:
            return hit
        guess = suggest(topic, self.topics)
        hint = f"; did you mean '{guess}'?" if guess else ""
        msg = f"unknown topic '{topic}'{hint}"
        raise UnknownIdError(
            msg,
            hint=" (state.topics holds the registered ones)",
            cli_hint=" (see 'tracker topic list')",
        )

    def related_to(self, actor: str) -> list[tuple[str, Relation]]:
        """Relations touching ``actor``, both directions, as (source actor, relation)."""
        out: list[tuple[str, Relation]] = []
        for slug, reg in sorted(self.actors.items()):
            for rel in reg.relations:
                if slug == actor or rel.target == actor:
                    out.append((slug, rel))
        return out


def suggest(
    value: str, candidates: Iterable[str], aliases: dict[str, str] | None = None
) -> str | None:
    """The closest candidate to a mistyped id, checking aliases and names too.

    ``aliases`` maps lowercase names and aliases to ids; see :func:`tracker._suggest.closest`.
    """
    from tracker._suggest import closest

    pool = sorted(set(candidates))
    if aliases:
        hit = aliases.get(value.lower())
        if hit is not None:
            return hit
    return closest(value, pool)
