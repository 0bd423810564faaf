"""The one fold every projection rides on: clocks, fixes and placement of events.

:class:`Replayer` is fed the log's events in sequence order (already cut at ``known_at`` by the
caller). For each it decides where the event stands at ``as_of``:

- registrations (actors, topics) always count: they describe our record, not the world;
- a world event counts when it certainly occurred by ``as_of`` (``occurred.latest <= as_of``);
  it is *uncertain* when its interval straddles ``as_of``; otherwise it has not happened yet;
- fixes (correction, retraction, supersession) apply by ``known_at`` alone, whatever ``as_of``:
  a correction replaces its target (which keeps its id), a retraction removes it, a supersession
  marks it superseded by a newer event. The history of every fix stays visible.

Projections receive ``add(entry)`` and ``remove(entry)`` for counted entries only; a fix is
a ``remove`` of the old entry followed by an ``add`` of the new one. Each projection keeps its
own indexes and derives its answers on query, so it can be advanced by more events at any time
without replaying from zero.

A replay with no ``as_of`` can also be moved: back in record time (:meth:`Replayer.rewind`
takes back, newest first, what was recorded after a ``known_at``) and to a world time
(:meth:`Replayer.place_at` takes out what had not happened by an ``as_of``). Both give the state
a replay at those clocks builds, which is how a checkpoint serves replays at any clocks.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol

from tracker.events.models import AnyEvent, Correction, Retraction, Supersession

if TYPE_CHECKING:
    from tracker.events.dates import PartialDate
    from tracker.projections.changes import FieldChange

Placement = Literal["counted", "uncertain", "future", "retracted"]


class Entry(NamedTuple):
    """An event as it stands in a replay: its current version and its record of origin.

    A named tuple rather than a frozen dataclass: a replay makes one per event, and building
    a frozen dataclass costs seven times as much (it sets each field through
    ``object.__setattr__``).
    """

    event: AnyEvent
    """The current version (after corrections); its id is always set."""
    seq: int
    """The sequence number of the record that first recorded it."""
    recorded: str
    """When the log first recorded it (RFC 3339 UTC)."""
    corrected_by: tuple[str, ...] = ()
    """Ids of the corrections applied to it, oldest first."""
    superseded_by: str | None = None
    """The id of the event that superseded it, if one did."""

    @property
    def id(self) -> str:
        """The event's id."""
        return self.event.id  # type: ignore[return-value]

    @property
    def type(self) -> str:
        """The event's type tag."""
        return self.event.type

    @property
    def occurred(self) -> PartialDate | None:
        """When it occurred (None for registrations without a date)."""
        return self.event.occurred

    @property
    def sort_key(self) -> tuple[int, int, int]:
        """Order on the occurred clock: (earliest, latest, sequence number)."""
        occ = self.event.occurred
        if occ is None:
            return (_MIN, _MIN, self.seq)
        a, b = occ.sort_key
        return (a, b, self.seq)


_MIN = -(1 << 62)
_FIX_TYPES = frozenset((Correction, Retraction, Supersession))


@dataclass(frozen=True, slots=True)
class FixEntry:
    """A correction, retraction or supersession as recorded, with the version it replaced."""

    fix: Correction | Retraction | Supersession
    seq: int
    recorded: str
    target: str
    before: Entry | None
    """The target as it stood before this fix (None if it was already gone)."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (FixEntry, (self.fix, self.seq, self.recorded, self.target, self.before))

    @property
    def kind(self) -> str:
        """``correction``, ``retraction`` or ``supersession``."""
        return self.fix.type

    @property
    def reason(self) -> str:
        """Why the fix was made."""
        return self.fix.reason

    @property
    def after(self) -> AnyEvent | None:
        """For a correction: the target as the correction left it (its id kept); else None."""
        if not isinstance(self.fix, Correction):
            return None
        return self.fix.replacement.model_copy(update={"id": self.target})

    def changes(self) -> tuple[FieldChange, ...]:
        """For a correction: every field it changed, old and new value; else nothing."""
        from tracker.projections.changes import field_changes

        before = self.before.event if self.before is not None else None
        return field_changes(before, self.after)


class Projection(Protocol):
    """What a projection implements: take counted entries in and out.

    A projection may also say which event classes it folds, as a class attribute ``TAKES``
    (a tuple of classes; absent or None: every class). The replayer then hands it only
    those, which spares a call per projection per event; ``add`` and ``remove`` must still
    ignore what they do not take, so that calling them directly stays correct.
    """

    def add(self, entry: Entry) -> None:
        """Fold in an entry that now counts."""

    def remove(self, entry: Entry) -> None:
        """Take out an entry that no longer counts (retracted, or about to be replaced)."""


@dataclass
class Replayer:
    """Feeds events to projections under the two clocks; see the module docstring."""

    as_of: datetime | None
    projections: list[Projection]
    entries: dict[str, Entry] = field(default_factory=dict)
    placement: dict[str, Placement] = field(default_factory=dict)
    uncertain: dict[str, Entry] = field(default_factory=dict)
    fixes: list[FixEntry] = field(default_factory=list)
    fixes_by_target: dict[str, list[FixEntry]] = field(default_factory=dict)
    retracted: dict[str, FixEntry] = field(default_factory=dict)
    last_seq: int = 0
    _routes: dict[type, tuple[Projection, ...]] = field(default_factory=dict, repr=False)
    _in_seq_order: bool = field(default=True, repr=False)
    """Whether ``entries`` is in sequence order (a fold keeps it so; a rewind may not)."""

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_routes"] = {}  # rebuilt on use: it depends on the classes, not the data
        return state

    def feed(self, seq: int, recorded: str, event: AnyEvent) -> None:
        """Fold one event, recorded at ``recorded`` with sequence number ``seq``."""
        self.last_seq = seq
        if type(event) in _FIX_TYPES:
            self._fix(seq, recorded, event)  # type: ignore[arg-type]
            return
        entry = Entry(event, seq, recorded)
        self.entries[event.id] = entry  # type: ignore[index]
        self._place(entry)

    def feed_all(self, items: Iterable[tuple[int, str, AnyEvent]]) -> None:
        """Fold many events in order."""
        for seq, recorded, event in items:
            self.feed(seq, recorded, event)

    def restore(self, entries: Iterable[Entry], fixes: Iterable[FixEntry] = ()) -> None:
        """Take in entries and fixes as a replay at these clocks holds them, without folding.

        ``entries`` are current versions (in the order of their first records), ``fixes`` the
        fixes recorded by then (in log order, each with the version it replaced): a read model
        hands over the slice of a replay that a question needs, and the projections then answer
        it with their own code. Each entry is placed at ``as_of`` as :meth:`feed` places it.
        """
        for entry in entries:
            self.entries[entry.id] = entry
            self._place(entry)
        for fix in fixes:
            self.fixes.append(fix)
            self.fixes_by_target.setdefault(fix.target, []).append(fix)
            if fix.before is not None and isinstance(fix.fix, Retraction):
                self.retracted[fix.target] = fix
                self.placement[fix.target] = "retracted"
            self.last_seq = max(self.last_seq, fix.seq)

    def rewind(self, cutoff: str) -> int:
        """Undo every record recorded after ``cutoff`` (RFC 3339), newest first.

        The state becomes the one a replay of the records recorded by ``cutoff`` builds: each
        fix is taken back (a retracted or corrected event gets its earlier version back) and
        each event recorded later is taken out. A replay of a late ``known_at`` can so start
        from the checkpoint of the whole log instead of folding most of it again.

        Returns the sequence number of the last record kept (0: none).
        """
        undo: list[tuple[int, int, str | FixEntry]] = []  # (-seq, 0 fix / 1 event, what)
        for fix in reversed(self.fixes):
            if fix.recorded <= cutoff:
                break
            undo.append((-fix.seq, 0, fix))
        for event_id, entry in reversed(self.entries.items()):
            if entry.recorded > cutoff:
                undo.append((-entry.seq, 1, event_id))
            elif self._in_seq_order:
                break  # every entry before it was recorded earlier still
        heapq.heapify(undo)
        first_undone = 0
        while undo:
            neg_seq, _kind, what = heapq.heappop(undo)
            first_undone = -neg_seq
            if isinstance(what, FixEntry):
                self._unfix(what, undo, cutoff)
                continue
            entry = self.entries[what]
            self._unplace(entry)
            del self.entries[what]
            del self.placement[what]
        if first_undone:
            self.last_seq = first_undone - 1
        return self.last_seq

    def place_at(self, as_of: datetime) -> None:
        """Move a replay with no ``as_of`` to world time ``as_of``: take out what had not happened.

        Every fix applies by record time alone, so the events' current versions are those of
        the unbounded replay; only where each stands changes (counted, uncertain, or not yet).
        The result is the state a replay at ``as_of`` builds.
        """
        if self.as_of is not None:
            msg = "only a replay with no as_of can be moved to one"
            raise ValueError(msg)
        self.as_of = as_of
        placement, uncertain = self.placement, self.uncertain
        for event_id, entry in self.entries.items():
            where = self.placement_of(entry.event)
            if where == "counted":
                continue
            for projection in self._route(type(entry.event)):
                projection.remove(entry)
            placement[event_id] = where
            if where == "uncertain":
                uncertain[event_id] = entry

    def _unfix(self, fix: FixEntry, undo: list[tuple[int, int, str | FixEntry]], cutoff: str) -> None:
        """Take back the last fix folded (see :meth:`rewind`)."""
        assert self.fixes[-1] is fix
        self.fixes.pop()
        of_target = self.fixes_by_target[fix.target]
        of_target.pop()
        if not of_target:
            del self.fixes_by_target[fix.target]
        before = fix.before
        if before is None:
            return  # it changed nothing: its target was already gone
        if isinstance(fix.fix, Retraction):
            del self.retracted[fix.target]
            if before.recorded > cutoff:  # back, to be taken out in its turn
                heapq.heappush(undo, (-before.seq, 1, fix.target))
            else:  # back for good, but at the end of the entries, out of their order
                self._in_seq_order = False
        else:
            self._unplace(self.entries[fix.target])
        self.entries[fix.target] = before
        self._place(before)

    def placement_of(self, event: AnyEvent) -> Placement:
        """Where an event stands at ``as_of``: counted, uncertain, or not yet happened."""
        if self.as_of is None or event.KIND == "registration":
            return "counted"
        occ = event.occurred
        if occ is None or occ.certain_by(self.as_of):
            return "counted"
        if occ.possibly_by(self.as_of):
            return "uncertain"
        return "future"

    def _route(self, cls: type) -> tuple[Projection, ...]:
        """The projections that fold events of class ``cls``, in their order."""
        found = self._routes.get(cls)
        if found is None:
            found = tuple(
                p
                for p in self.projections
                if (takes := getattr(p, "TAKES", None)) is None or issubclass(cls, takes)
            )
            self._routes[cls] = found
        return found

    def _place(self, entry: Entry) -> None:
        event = entry.event
        where = "counted" if self.as_of is None else self.placement_of(event)
        self.placement[event.id] = where  # type: ignore[index]
        if where == "counted":
            for projection in self._routes.get(type(event)) or self._route(type(event)):
                projection.add(entry)
        elif where == "uncertain":
            self.uncertain[event.id] = entry  # type: ignore[index]

    def _unplace(self, entry: Entry) -> None:
        where = self.placement.get(entry.id)
        if where == "counted":
            for projection in self._route(type(entry.event)):
                projection.remove(entry)
        elif where == "uncertain":
            del self.uncertain[entry.id]

    def _fix(self, seq: int, recorded: str, fix: Correction | Retraction | Supersession) -> None:
        if isinstance(fix, Correction):
            target = fix.corrects
        elif isinstance(fix, Retraction):
            target = fix.retracts
        else:
            target = fix.supersedes
        before = self.entries.get(target)
        record = FixEntry(fix, seq, recorded, target, before)
        self.fixes.append(record)
        self.fixes_by_target.setdefault(target, []).append(record)
        if before is None:
            return  # already retracted: the fix is kept in the history only
        self._unplace(before)
        if isinstance(fix, Retraction):
            del self.entries[target]
            self.placement[target] = "retracted"
            self.retracted[target] = record
            return
        if isinstance(fix, Correction):
            new_event = fix.replacement.model_copy(update={"id": target})
            after = before._replace(
                event=new_event, corrected_by=(*before.corrected_by, fix.id or "")
            )
        else:
            after = before._replace(superseded_by=fix.by)
        self.entries[target] = after
        self._place(after)
