"""The replayed state: what the log said at (as_of, known_at), with every projection on it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from tracker.errors import UnknownIdError
from tracker.events.describe import describe
from tracker.events.models import ActorRegistered, AnyEvent, TopicRegistered
from tracker.projections.actors import ActorView, Involvement, relation_rows
from tracker.projections.changes import FieldChange, correction_note
from tracker.projections.disputes import (
    Disputes,
    TestedClaim,
    Verifications,
    assemble,
    fix_row,
)
from tracker.projections.figures import Figures, FigureTable
from tracker.projections.fold import Entry, FixEntry, Projection, Replayer
from tracker.projections.posture import Posture, PostureRow, Postures
from tracker.projections.registry import Registry
from tracker.projections.results import Rows, rows
from tracker.projections.stances import (
    StanceChange,
    StanceHistory,
    Stances,
    StanceStep,
    merge_changes,
    stance_key,
)
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
    changes: tuple[FieldChange, ...] = ()
    """For a correction: every field it changed, with the old and the new value."""


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
        self._verifications = Verifications()
        self._stances = Stances()
        by_target: dict[str, list[FixEntry]] = {}  # the replayer's: Figures reads it, not self
        self._figures = Figures(self._verifications, partial(_correction_notes, by_target))
        self._postures = Postures()
        self._involvement = Involvement()
        self.projections: dict[str, Projection] = {
            "registry": self.registry,
            "timeline": self._timeline,
            "verifications": self._verifications,
            "stances": self._stances,
            "figures": self._figures,
            "posture": self._postures,
            "involvement": self._involvement,
        }
        self._replayer = Replayer(
            as_of=as_of, projections=list(self.projections.values()), fixes_by_target=by_target
        )
        self.head_seq = 0
        self.head_hash: str | None = None
        self.known_seq: int | None = None
        """When known_at was given as a record number (``@28``, a head): that record."""
        self._check_ids = True
        """Whether ids given by a user are checked (a read model's slice was checked already)."""

    @classmethod
    def restored(
        cls,
        entries: Iterable[Entry],
        fixes: Iterable[FixEntry] = (),
        *,
        as_of: datetime | None = None,
        known_at: datetime | None = None,
        only: Iterable[str] | None = None,
    ) -> State:
        """A state holding only the given entries and fixes: a read model's slice for one
        question (see :meth:`Replayer.restore`); ids given to it are not checked again.

        ``only`` names the projections (keys of :attr:`projections`) that are fed the entries
        (None: all): a question that reads one projection need not fill the others.
        """
        state = cls(as_of=as_of, known_at=known_at)
        if only is not None:
            fed = [state.projections[name] for name in only]
            state._replayer.projections = fed
        state._replayer.restore(entries, fixes)
        state._check_ids = False
        return state

    # --- feeding ---------------------------------------------------------------------------

    def advance(
        self, seq: int, recorded: str, event: AnyEvent, record_hash: str | None = None
    ) -> None:
        """Fold one more event (in sequence order)."""
        self._replayer.feed(seq, recorded, event)
        self.head_seq = seq
        if record_hash is not None:
            self.head_hash = record_hash

    def rewind(self, known_at: datetime, cutoff: str) -> int:
        """Take back every record recorded after ``cutoff`` (``known_at`` as RFC 3339).

        Returns the sequence number of the last record kept; the caller sets
        :attr:`head_hash` to that record's hash.
        """
        self.known_at = known_at
        self.head_seq = self._replayer.rewind(cutoff)
        self.head_hash = None
        return self.head_seq

    def place_at(self, as_of: datetime) -> None:
        """Move a state with no ``as_of`` to world time ``as_of`` (see :meth:`Replayer.place_at`)."""
        self._replayer.place_at(as_of)
        self.as_of = as_of

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
        """The counted world events in occurred order, optionally filtered.

        Raises:
            UnknownIdError: ``actor`` or ``topic`` is unknown (with the closest one).
            InvalidEventError: ``type`` is no event type (with the closest one).
        """
        self._check_filters(actor, topic, type)
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

    def fix(self, fix_id: str) -> FixEntry | None:
        """The correction, retraction or supersession with this id, if the log has one."""
        return next((f for f in self._replayer.fixes if f.fix.id == fix_id), None)

    def retracted(self) -> dict[str, FixEntry]:
        """Retracted event ids, each with its retraction."""
        return dict(self._replayer.retracted)

    def verifications_of(self, event_id: str) -> TimelineView:
        """The verifications of one event that count at as_of, in occurred order."""
        return TimelineView(tuple(self._verifications.of(event_id)))

    def history(self, event_id: str) -> list[HistoryItem]:
        """How the record of an event changed: when it was recorded, then each fix."""
        fixes = self._replayer.fixes_by_target.get(event_id, [])
        original = fixes[0].before if fixes else self._replayer.entries.get(event_id)
        items: list[HistoryItem] = []
        if original is not None:
            items.append(HistoryItem("recorded", original.seq, original.recorded, original.event))
        items.extend(
            HistoryItem(f.kind, f.seq, f.recorded, f.fix, f.fix.reason, f.changes())
            for f in fixes
        )
        return items

    # --- checking ids given by a user ---------------------------------------------------------

    def _check_actors(self, *actors: str | None) -> None:
        """Refuse any given (not None) actor id that is unknown: see :meth:`_check_actor`."""
        for actor in actors:
            if actor is not None:
                self._check_actor(actor)

    def _check_actor(self, actor: str) -> None:
        """Refuse an actor id that is neither registered nor named by a counted event."""
        if self._check_ids and not self._involvement.knows(actor):
            self.registry.require_actor(actor)

    def _check_topic(self, topic: str) -> None:
        if self._check_ids:
            self.registry.require_topic(topic)

    def _check_filters(self, actor: str | None, topic: str | None, type_: str | None) -> None:
        """Refuse a timeline filter naming an unknown actor, topic or event type: a typo
        would otherwise read as "no events"."""
        if type_ is not None:
            from tracker.events.flat import spec

            spec(type_)  # raises for an unknown type, with a suggestion
        self._check_actors(actor)
        if topic is not None:
            self._check_topic(topic)

    # --- stances ---------------------------------------------------------------------------

    def _withdrawn(self) -> dict[tuple[str, str], list[FixEntry]]:
        """Retractions of stance statements that counted at as_of, by (holder, topic)."""
        out: dict[tuple[str, str], list[FixEntry]] = {}
        for fix in self._replayer.retracted.values():
            gone = fix.before
            key = stance_key(gone) if gone is not None else None
            if key is not None and self._replayer.placement_of(gone.event) == "counted":  # type: ignore[union-attr]
                out.setdefault(key, []).append(fix)
        return out

    def _histories(self, holder: str | None, topic: str | None) -> list[StanceHistory]:
        self._check_actors(holder)
        if topic is not None:
            self._check_topic(topic)
        return self._stances.histories(holder=holder, topic=topic, withdrawn=self._withdrawn())

    def stances(self, *, topic: str | None = None, holder: str | None = None) -> Rows[StanceStep]:
        """Current positions: one step per (holder, topic) with a position, by topic then holder.

        Raises:
            UnknownIdError: ``holder`` or ``topic`` is not registered.
        """
        return rows(
            (h.current for h in self._histories(holder, topic) if h.current is not None),
            StanceStep,
        )

    def stance_history(self, holder: str, topic: str) -> StanceHistory:
        """One holder's position on one topic as a step function over occurred time.

        Raises:
            UnknownIdError: ``holder`` or ``topic`` is not registered.
        """
        self._check_actor(holder)
        self._check_topic(topic)
        return self._stances.history(holder, topic, self._withdrawn().get((holder, topic), ()))

    def stance_changes(
        self, *, topic: str | None = None, holder: str | None = None
    ) -> Rows[StanceChange]:
        """Every classified change (new, hardened, softened, reversed, withdrawn), by occurred date.

        Raises:
            UnknownIdError: ``holder`` or ``topic`` is not registered.
        """
        return merge_changes(self._histories(holder, topic))

    # --- figures, posture, disputes ----------------------------------------------------------

    def figures(
        self,
        *,
        metric: str | None = None,
        subject: str | None = None,
        reporter: str | None = None,
        unit: str | None = None,
    ) -> FigureTable:
        """Figure series per metric, in occurred order; ``unit`` converts every value to it.

        Raises:
            UnknownIdError: ``subject`` or ``reporter`` is not a known actor, or no figure of
                ``metric`` is on record (with the closest metric, if one is close).
            InvalidInputError: ``unit`` is unknown, or a selected figure is in another dimension.
        """
        self._check_actors(subject, reporter)
        if metric is not None and self._check_ids:
            self._check_metric(metric)
        return self._figures.table(metric=metric, subject=subject, reporter=reporter, unit=unit)

    def metrics(self) -> list[str]:
        """Every metric of a figure the log holds at ``known_at`` (counted or not), sorted."""
        found = {e.event.metric for e in self._replayer.entries.values() if e.type == "figure"}  # type: ignore[union-attr]
        return sorted(found)

    def _knows_metric(self, metric: str) -> bool:
        """Whether a figure of ``metric`` is on record (counted at as_of or not yet)."""
        return metric in self._figures.metrics() or metric in self.metrics()

    def _check_metric(self, metric: str) -> None:
        """Refuse a metric no figure on record has (one counted at as_of or not yet)."""
        if self._knows_metric(metric):
            return
        from tracker._suggest import did_you_mean

        known = self.metrics()
        listed = ", ".join(known) if known else "none"
        msg = f"no metric '{metric}' on record{did_you_mean(metric, known)} (metrics: {listed})"
        raise UnknownIdError(msg)

    def posture(self, *, regulator: str | None = None, target: str | None = None) -> Posture:
        """Each regulator's highest open rung toward each target, and every step that led there.

        Raises:
            UnknownIdError: ``regulator`` or ``target`` is not a known actor.
        """
        self._check_actors(regulator, target)
        return self._postures.posture(regulator=regulator, target=target)

    def disputes(self) -> Disputes:
        """Tested claims and their verdicts, what is contested, and every fix with its reason."""
        return assemble(self._tested_claims(), (fix_row(f) for f in self._replayer.fixes))

    def _tested_claims(self) -> Iterator[tuple[tuple[int, int, int], TestedClaim]]:
        """Each tested event as a claim, with the occurred order of the event."""
        for target in self._verifications.targets():
            status, verdicts = self._verifications.status_of(target)
            entry = self._replayer.entries.get(target)
            fixes = self._replayer.fixes_by_target.get(target)
            if entry is None and fixes:
                entry = fixes[-1].before  # retracted: describe it as it was
            yield (
                entry.sort_key if entry is not None else (0, 0, 0),
                TestedClaim(
                    target,
                    entry.type if entry is not None else None,
                    describe(entry.event) if entry is not None else None,
                    entry.occurred if entry is not None else None,
                    self._replayer.placement.get(target),
                    status,
                    verdicts,
                ),
            )

    # --- the per-actor view -------------------------------------------------------------------

    def actor(self, actor: str) -> ActorView:
        """One actor: registration, relations, events by role, stances, figures and posture.

        Raises:
            UnknownIdError: no actor has this id (with the nearest one, if any).
        """
        self._check_actor(actor)
        posture = self._postures.posture()
        registered = self.registry.actor_entries.get(actor)
        return ActorView(
            actor,
            self.actors.get(actor),
            relation_rows(actor, self.registry.related_to(actor), self.as_of),
            self._involvement.events(actor),
            self.stances(holder=actor),
            self._figures.table(subject=actor),
            self._figures.table(reporter=actor),
            rows((r for r in posture.current if r.regulator == actor), PostureRow),
            rows((r for r in posture.current if r.target == actor), PostureRow),
            registered.id if registered is not None else None,
            registered.seq if registered is not None else None,
        )

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


def _correction_notes(
    fixes_by_target: dict[str, list[FixEntry]], event_id: str
) -> tuple[str, ...]:
    """One line per correction of an event: what it was before, when, and why.

    A function of the replayer's fixes, not a method of the state: a projection holding a
    bound method of the state would make a reference cycle of every state, which only the
    cyclic collector frees (a read model's slices are many and big).
    """
    return tuple(
        correction_note(
            f.before.event if f.before is not None else None, f.after, f.recorded, f.reason
        )
        for f in fixes_by_target.get(event_id, ())
        if f.kind == "correction"
    )
