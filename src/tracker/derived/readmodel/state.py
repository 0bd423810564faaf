"""A state read from the read model: the projections at two clocks, answered on demand.

:class:`ReadState` answers every question :class:`~tracker.projections.state.State` answers,
with the same types and the same values, but holds nothing: each question reads the rows it
needs (the versions of the keys asked about, valid at ``known_at``, placed at ``as_of``, and
the fixes by then), turns them back into the projections' own entries
(:class:`~tracker.derived.readmodel.read.Reader`), hands them to a fresh state
(:meth:`State.restored`) and asks it the same question. The order-dependent work (stance
changes, posture steps, figure standing, disputes) is therefore the projections' own code,
run over the rows of those keys only; the in-memory fold stays the reference a property test
holds this to.

What each question reads:

- a stance question: the statements of the holder (``a:``) or topic (``t:``), or every type the
  stances projection takes, and the retractions that withdrew any of them;
- figures: the figures of the metric (``m:``), subject or reporter (``a:``), and the
  verifications of those figures (``r:``);
- posture: the actions of the regulator or target (``a:``), with the closures that end them
  (``r:``), the actions that superseded them and the actions they end;
- an actor's view: everything naming the actor, its registration and those relating to it,
  and what the figures and posture of those need;
- disputes: every verification, the events they test, every fix.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NoReturn

from tracker._gc import paused
from tracker.events.dates import format_instant
from tracker.events.models import EVENT_TYPES, WORLD_EVENTS
from tracker.projections.actors import ActorView
from tracker.projections.disputes import (
    Disputes,
    Verifications,
)
from tracker.projections.figures import FigureSeries, FigureTable
from tracker.projections.fold import Entry, FixEntry
from tracker.projections.posture import (
    Posture,
    Postures,
)
from tracker.projections.registry import Registry
from tracker.projections.results import Rows, rows
from tracker.projections.stances import (
    StanceChange,
    StanceHistory,
    StanceStep,
    ordered_changes,
)
from tracker.projections.state import HistoryItem, State
from tracker.projections.timeline import Timeline, TimelineView

from .read import ID, MAX_T, VERSION_SELECT, Reader, Row
from .schema import FIX_COLUMNS
from .stream import CHUNK, StreamedTimeline  # (CHUNK: rows read at a time; tests make it small)
from .whole import every_dispute, every_posture

if TYPE_CHECKING:
    from .model import ReadModel

def types_of(projection: type) -> tuple[str, ...]:
    """Every event type a projection takes (its ``TAKES``), by name."""
    takes = getattr(projection, "TAKES", None)
    return tuple(
        name for name, cls in EVENT_TYPES.items() if takes is None or issubclass(cls, takes)
    )


_WORLD = tuple(name for name, cls in EVENT_TYPES.items() if cls in WORLD_EVENTS)
_REGISTRY = types_of(Registry)
_TIMELINE = types_of(Timeline)
_POSTURE = types_of(Postures)
_VERIFICATIONS = types_of(Verifications)
_FREEZE_PAST = 2000
"""Entries in a slice past which it is moved out of the collector's reach (:meth:`_slice`)."""
_MANY = 2000
"""Past this many events, and past an eighth of the log's records, the verifications of the
events are read all at once (a scan of every verification), not event by event (an index
probe each): a scan costs what the log holds, the probes what was asked."""


def micros(t: datetime) -> int:
    """An aware instant in microseconds since the epoch (as ``PartialDate.sort_key`` counts)."""
    from tracker.events.dates import _EPOCH as epoch
    from tracker.events.dates import _ONE_US as one

    return (t - epoch) // one


class ReadState(State):
    """The projections at (``as_of``, ``known_at``), read from the read model on demand.

    Build one with ``log.replay(as_of=..., known_at=...)``. It answers as a replay's state does
    (the same types, the same values) and is fixed at its clocks: it cannot be advanced,
    rewound or moved (replay again instead).
    """

    def __init__(
        self,
        model: ReadModel,
        *,
        as_of: datetime | None = None,
        known_at: datetime | None = None,
        upto: tuple[int, str | None] | None = None,
    ) -> None:
        """Read ``model`` at the given clocks (None: unbounded); ``upto``: the record (seq,
        hash) ``known_at`` was given as, when it was (``@28``, a head), whose recorded time
        ``known_at`` is: the state holds records up to it, not the rest of its batch."""
        self.as_of = as_of
        self.known_at = known_at
        self.model = model
        """The read model it reads."""
        db = model.reader()
        if db is not model.db:  # (its own connection: closed with the state, or at exit)
            weakref.finalize(self, db.close)
        mark = model.covered
        if upto is not None:
            k, head = upto
        elif known_at is None:
            k, head = mark.seq, mark.hash or None
        else:
            found = db.execute(
                "SELECT seq, hash FROM stamps WHERE recorded <= ? ORDER BY recorded DESC LIMIT 1",
                (format_instant(known_at),),
            ).fetchone()
            k, head = (found[0], found[1].hex()) if found else (0, None)
        self.head_seq = k
        self.head_hash = head
        self.known_seq: int | None = upto[0] if upto is not None else None
        self._t = MAX_T if as_of is None else micros(as_of)
        self._reader = Reader(db, model.lines_at, k)
        self._registry: Registry | None = None
        self._last_stances: tuple[tuple[str | None, str | None], State] | None = None
        self._stances_whole: tuple[Rows[StanceStep], Rows[StanceChange]] | None = None

    # --- slices ----------------------------------------------------------------------------

    def _slice(
        self,
        rows: Iterable[Row] = (),
        fixes: Iterable[FixEntry] = (),
        only: Iterable[str] | None = None,
        entries: Sequence[Entry] = (),
    ) -> State:
        """A fresh state holding the entries of ``rows`` (and ``entries``, read already) and
        ``fixes``, at these clocks; ``only``: the projections the question reads (None: all).

        The corrections of every corrected entry come too (a corrected figure's point says
        what it was corrected from, when and why: the fold reads that from its fixes).

        The cyclic garbage collector is paused meanwhile: a slice is many objects and no
        cycles, and with it running, the collections its growth sets off went over every
        object already made. A big slice is then moved out of the collector's reach
        (``gc.freeze``, as a replay that folds records in does): else each full collection
        while the answer is shaped and printed goes over it again (together, a third of a
        metric's answer of 16,000 figures at a million events). It is still freed when dropped:
        a slice's state makes no reference cycle (a cycle frozen would never be collected: a
        bound method of the state held by its figures made one, and answering every projection
        of a million events grew to 2,962 MB).
        """
        rows = list(rows)
        with paused(freeze=False):
            state = self._restored(rows, fixes, only, entries)
        if len(rows) + len(entries) >= _FREEZE_PAST:
            gc.freeze()
        return state

    def _restored(
        self,
        rows: Iterable[Row],
        fixes: Iterable[FixEntry],
        only: Iterable[str] | None,
        entries: Sequence[Entry],
    ) -> State:
        held = self._reader.entries(rows)
        if entries:  # (one version of an event at K: drop a second read of the same one)
            merged = {e.id: e for e in entries} | {e.id: e for e in held}
            held = sorted(merged.values(), key=lambda e: e.seq)  # (in their records' order)
        fixes = list(fixes)
        have = {f.target for f in fixes}
        corrected = [e.id for e in held if e.corrected_by and e.id not in have]
        if corrected:
            found = self._reader.fix_entries(self._reader.fixes(targets=corrected))
            fixes = sorted(
                [*fixes, *(f for f in found if f.kind == "correction")], key=lambda f: f.seq
            )
        state = State.restored(
            held, fixes, as_of=self.as_of, known_at=self.known_at, only=only
        )
        state.head_seq, state.head_hash = self.head_seq, self.head_hash
        return state

    def _counted(
        self, keys: Iterable[str] = (), types: Sequence[str] = (), of: Sequence[str] = ()
    ) -> list[Row]:
        """The versions of ``keys`` (of the types ``of``, if given), or of ``types``, that count
        at these clocks."""
        if types:
            return self._reader.by_types(types, where="v.counted_from <= ?", args=(self._t,))
        where = "v.counted_from <= ?"
        args: tuple[Any, ...] = (self._t,)
        if of:
            where += f" AND v.type IN ({','.join('?' * len(of))})"
            args += tuple(of)
        return self._reader.by_keys(keys, where=where, args=args)

    def _withdrawals(self, keys: Iterable[str] = (), types: Sequence[str] = ()) -> list[FixEntry]:
        """The retractions of versions of ``keys`` (or ``types``) that counted at as_of (the
        withdrawn stances)."""
        rows = self._reader.withdrawn(keys, self._t, types or None)
        return self._reader.fix_entries(rows)

    def _with_standing(self, rows: list[Row]) -> list[Row]:
        """Add to ``rows`` the counted verifications of the events among them."""
        ids = [row[ID] for row in rows]
        if len(ids) > max(_MANY, (self.head_seq or 0) // 8):
            return rows + self._counted(types=_VERIFICATIONS)
        return rows + self._counted(f"r:{i}" for i in ids)

    def _with_endings(self, entries: list[Entry]) -> list[Entry]:
        """Add to ``entries`` what the posture walk of the actions among them needs: the
        actions ending them (closures), the actions superseding them, and those they end."""
        actions = [e for e in entries if e.type in _POSTURE]
        ids = {e.id for e in entries}
        more = self._counted((f"r:{e.id}" for e in actions), of=_POSTURE)
        wanted = {e.superseded_by for e in actions if e.superseded_by is not None}
        wanted |= {ends for e in actions if (ends := getattr(e.event, "ends", None)) is not None}
        have = ids | {row[ID] for row in more}
        more += self._reader.by_ids(wanted - have)
        return entries + self._reader.entries(row for row in more if row[ID] not in ids)

    def _exists(self, key: str, *, counted: bool) -> bool:
        where = "v.counted_from <= ?" if counted else "1"
        args: tuple[Any, ...] = (self._t,) if counted else ()
        sql = (
            "SELECT 1 FROM version_keys k JOIN versions v ON v.vid = k.vid WHERE k.key = ? "
            f"AND v.rec_from <= ? AND (v.rec_to IS NULL OR v.rec_to > ?) AND {where} LIMIT 1"
        )
        k = self.head_seq
        return self._reader.db.execute(sql, (key, k, k, *args)).fetchone() is not None

    # --- the registry ------------------------------------------------------------------------

    @property
    def registry(self) -> Registry:
        """The registered actors and topics (read on first use)."""
        if self._registry is None:
            rows = self._counted(types=_REGISTRY)
            self._registry = self._slice(rows, only=("registry",)).registry
        return self._registry

    @registry.setter
    def registry(self, value: Registry) -> None:
        self._registry = value

    def _check_actor(self, actor: str) -> None:
        if not self._exists(f"a:{actor}", counted=True) and not self._exists(
            f"A:{actor}", counted=False
        ):
            self.registry.require_actor(actor)

    def _check_topic(self, topic: str) -> None:
        if not self._exists(f"T:{topic}", counted=False):
            self.registry.require_topic(topic)

    # --- the timeline ----------------------------------------------------------------------

    def timeline(
        self,
        *,
        actor: str | None = None,
        topic: str | None = None,
        type: str | None = None,  # noqa: A002 - the field is called type
        tag: str | None = None,
    ) -> TimelineView:
        """The counted world events in occurred order, optionally filtered (read as iterated:
        see :class:`~tracker.derived.readmodel.stream.StreamedTimeline`).

        Raises:
            UnknownIdError: ``actor`` or ``topic`` is unknown (with the closest one).
            InvalidEventError: ``type`` is no event type (with the closest one).
        """
        self._check_filters(actor, topic, type)
        filters = {"actor": actor, "topic": topic, "type": type, "tag": tag}
        given = [name for name, value in filters.items() if value is not None]
        types = _TIMELINE if type is None else tuple(t for t in _TIMELINE if t == type)
        where = (
            f"v.type IN ({','.join('?' * len(types))}) AND v.rec_from <= ? "
            "AND (v.rec_to IS NULL OR v.rec_to > ?) AND v.counted_from <= ?"
        )
        k = self.head_seq
        args: tuple[Any, ...] = (*types, k, k, self._t)
        if actor is not None or topic is not None:
            key = f"a:{actor}" if actor is not None else f"t:{topic}"
            source = f"version_keys k JOIN versions v ON v.vid = k.vid WHERE k.key = ? AND {where}"
            args = (key, *args)
        else:
            source = f"versions v WHERE {where}"
        exact = len(given) <= 1 and tag is None or (given == ["actor", "type"]) or (
            given == ["topic", "type"]
        )
        db = self._reader.db

        def chunks() -> Iterator[list[Entry]]:
            if not types:
                return
            cursor = db.execute(
                f"SELECT {VERSION_SELECT} FROM {source} ORDER BY v.sort_a, v.sort_b, v.seq", args
            )
            while rows := cursor.fetchmany(CHUNK):
                if exact:  # the query selected and ordered them as the timeline would
                    yield self._reader.entries(rows, as_given=True)
                else:
                    yield list(self._slice(rows, only=("timeline",)).timeline(**filters))

        def count() -> int:
            if not types:
                return 0
            if not exact:
                return sum(len(chunk) for chunk in chunks())
            return int(db.execute(f"SELECT count(*) FROM {source}", args).fetchone()[0])

        return StreamedTimeline(chunks, count)

    def uncertain(self) -> TimelineView:
        """Events whose occurred interval straddles ``as_of``: possibly, not certainly, by then."""
        rows = self._reader.by_types(
            _WORLD, where="v.possible_from <= ? AND v.counted_from > ?", args=(self._t, self._t)
        )
        return self._slice(rows, only=()).uncertain()

    # --- single events and their history ----------------------------------------------------

    def _about(self, event_id: str) -> State:
        fixes = self._reader.fix_entries(self._reader.fixes(targets=[event_id]))
        return self._slice(self._reader.by_ids([event_id]), fixes, only=())

    def entry(self, event_id: str) -> Entry | None:
        """The current version of an event known to the log (counted or not), or None."""
        return self._about(event_id).entry(event_id)

    def placement(self, event_id: str) -> str | None:
        """``counted``, ``uncertain``, ``future`` (not yet at as_of), ``retracted`` or None."""
        return self._about(event_id).placement(event_id)

    def fixes(self) -> list[FixEntry]:
        """Every correction, retraction and supersession known, in log order."""
        return self._reader.fix_entries(self._reader.fixes())

    def fix(self, fix_id: str) -> FixEntry | None:
        """The correction, retraction or supersession with this id, if the log has one."""
        found = self._reader.db.execute(
            f"SELECT {FIX_COLUMNS} FROM fix_records WHERE id = ? AND seq <= ?",
            (fix_id, self.head_seq),
        ).fetchall()
        fixes = self._reader.fix_entries(found)
        return fixes[0] if fixes else None

    def retracted(self) -> dict[str, FixEntry]:
        """Retracted event ids, each with its retraction."""
        found = self._reader.db.execute(
            f"SELECT {FIX_COLUMNS} FROM fix_records WHERE kind = 'retraction' AND seq <= ? "
            "AND before IS NOT NULL ORDER BY seq",
            (self.head_seq,),
        ).fetchall()
        return self._slice((), self._reader.fix_entries(found), only=()).retracted()

    def verifications_of(self, event_id: str) -> TimelineView:
        """The verifications of one event that count at as_of, in occurred order."""
        found = self._counted([f"r:{event_id}"], of=_VERIFICATIONS)
        return self._slice(found, only=("verifications",)).verifications_of(event_id)

    def history(self, event_id: str) -> list[HistoryItem]:
        """How the record of an event changed: when it was recorded, then each fix."""
        return self._about(event_id).history(event_id)

    # --- stances ---------------------------------------------------------------------------

    def _key_values(self, prefix: str) -> list[str]:
        """Every value keyed with ``prefix`` (``t``: every topic any version names), sorted."""
        sql = "SELECT DISTINCT key FROM version_keys WHERE key >= ? AND key < ? ORDER BY key"
        found = self._reader.db.execute(sql, (f"{prefix}:", f"{prefix};"))
        return [key[len(prefix) + 1 :] for (key,) in found]

    def _stance_slice(self, holder: str | None, topic: str | None, *, check: bool = True) -> State:
        if check:
            self._check_actors(holder)
            if topic is not None:
                self._check_topic(topic)
        if self._last_stances is not None and self._last_stances[0] == (holder, topic):
            return self._last_stances[1]  # (stances, then their changes: read once)
        keys = [f"a:{holder}"] if holder is not None else [f"t:{topic}"]
        found, gone = self._counted(keys), self._withdrawals(keys)
        state = self._slice(found, gone, only=("stances",))
        self._last_stances = ((holder, topic), state)
        return state

    def stances(self, *, topic: str | None = None, holder: str | None = None) -> Rows[StanceStep]:
        """Current positions: one step per (holder, topic) with a position, by topic then holder.

        Raises:
            UnknownIdError: ``holder`` or ``topic`` is not registered.
        """
        if holder is None and topic is None:
            return self._every_stance()[0]
        return self._stance_slice(holder, topic).stances(topic=topic, holder=holder)

    def stance_history(self, holder: str, topic: str) -> StanceHistory:
        """One holder's position on one topic as a step function over occurred time.

        Raises:
            UnknownIdError: ``holder`` or ``topic`` is not registered.
        """
        self._check_actor(holder)
        self._check_topic(topic)
        return self._stance_slice(holder, topic).stance_history(holder, topic)

    def stance_changes(
        self, *, topic: str | None = None, holder: str | None = None
    ) -> Rows[StanceChange]:
        """Every classified change (new, hardened, softened, reversed, withdrawn), by occurred date.

        Raises:
            UnknownIdError: ``holder`` or ``topic`` is not registered.
        """
        if holder is None and topic is None:
            return self._every_stance()[1]
        return self._stance_slice(holder, topic).stance_changes(topic=topic, holder=holder)

    def _every_stance(self) -> tuple[Rows[StanceStep], Rows[StanceChange]]:
        """Every position and every change, worked out topic by topic (one topic's statements
        in memory at a time) in one pass, kept for the next ask."""
        if self._stances_whole is None:
            steps: list[StanceStep] = []
            changes: list[StanceChange] = []
            for name in self._key_values("t"):
                part = self._stance_slice(None, name, check=False)
                steps += part.stances(topic=name)
                changes += part.stance_changes(topic=name)
            self._last_stances = None
            self._stances_whole = (rows(steps, StanceStep), ordered_changes(changes))
        return self._stances_whole

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
            UnknownIdError: ``subject`` or ``reporter`` is not a known actor.
            InvalidInputError: ``unit`` is unknown, or a selected figure is in another dimension.
        """
        self._check_actors(subject, reporter)
        if metric is None and subject is None and reporter is None:  # metric by metric
            series: list[FigureSeries] = []
            for name in self.metrics():  # (those on record at known_at: none is refused)
                series += self.figures(metric=name, unit=unit).series
            if not series:  # (an unknown unit is refused even with nothing to convert)
                return self._slice(only=()).figures(unit=unit)
            return FigureTable(tuple(series), unit)
        if metric is not None:
            self._check_metric(metric)
            found = self._counted([f"m:{metric}"])
        else:
            found = self._counted([f"a:{subject if subject is not None else reporter}"])
        state = self._slice(self._with_standing(found), only=("verifications", "figures"))
        return state.figures(metric=metric, subject=subject, reporter=reporter, unit=unit)

    def _knows_metric(self, metric: str) -> bool:
        return self._exists(f"m:{metric}", counted=False)

    def metrics(self) -> list[str]:
        """Every metric of a figure the log holds at ``known_at`` (counted or not), sorted."""
        sql = (
            "SELECT DISTINCT substr(k.key, 3) FROM version_keys k JOIN versions v "
            "ON v.vid = k.vid WHERE k.key >= 'm:' AND k.key < 'm;' "
            "AND v.rec_from <= ? AND (v.rec_to IS NULL OR v.rec_to > ?) ORDER BY 1"
        )
        k = self.head_seq
        return [row[0] for row in self._reader.db.execute(sql, (k, k))]

    def posture(self, *, regulator: str | None = None, target: str | None = None) -> Posture:
        """Each regulator's highest open rung toward each target, and every step that led there.

        Raises:
            UnknownIdError: ``regulator`` or ``target`` is not a known actor.
        """
        self._check_actors(regulator, target)
        if regulator is None and target is None:
            return self._every_posture()
        else:
            actor = regulator if regulator is not None else target
            actions = self._reader.entries(self._counted([f"a:{actor}"], of=_POSTURE))
            state = self._slice(entries=self._with_endings(actions), only=("posture",))
        return state.posture(regulator=regulator, target=target)

    def _every_posture(self) -> Posture:
        """Every pair's posture, a group of linked pairs at a time (:mod:`.whole`)."""
        return every_posture(self)

    def disputes(self) -> Disputes:
        """Tested claims and their verdicts, what is contested, and every fix with its reason.

        Read a few thousand verifications at a time (all of each tested event's together, with
        the event and its fixes), and the fixes a few thousand at a time, so the whole log's
        disputes never hold every verification at once.
        """
        return every_dispute(self)

    # --- the per-actor view -------------------------------------------------------------------

    def actor(self, actor: str) -> ActorView:
        """One actor: registration, relations, events by role, stances, figures and posture.

        Raises:
            UnknownIdError: no actor has this id (with the nearest one, if any).
        """
        self._check_actor(actor)
        named = self._counted([f"a:{actor}"])
        entries = self._with_endings(self._reader.entries(self._with_standing(named)))
        rows = self._counted([f"A:{actor}", f"R:{actor}"])
        gone = self._withdrawals([f"a:{actor}"])
        return self._slice(rows, gone, entries=entries).actor(actor)

    def summary(self) -> dict[str, Any]:
        """Counts of what the state holds."""

        def count(types: Sequence[str], where: str, args: Sequence[Any]) -> int:
            marks = ",".join("?" * len(types))
            sql = (
                f"SELECT count(*) FROM versions v WHERE v.type IN ({marks}) AND v.rec_from <= ? "
                f"AND (v.rec_to IS NULL OR v.rec_to > ?) AND {where}"
            )
            k = self.head_seq
            return int(self._reader.db.execute(sql, (*types, k, k, *args)).fetchone()[0])

        t = self._t
        fixes = self._reader.db.execute(
            "SELECT count(*) FROM fix_records WHERE seq <= ?", (self.head_seq,)
        ).fetchone()[0]
        return {
            "actors": count(["actor"], "1", ()),
            "topics": count(["topic"], "1", ()),
            "events": count(_TIMELINE, "v.counted_from <= ?", (t,)),
            "uncertain": count(_WORLD, "v.possible_from <= ? AND v.counted_from > ?", (t, t)),
            "fixes": int(fixes),
            "head_seq": self.head_seq,
        }

    # --- a read state is fixed at its clocks ------------------------------------------------

    def advance(self, *_args: Any, **_kw: Any) -> NoReturn:
        """Not for a read state: replay again to see more records."""
        _fixed()

    def rewind(self, *_args: Any, **_kw: Any) -> NoReturn:
        """Not for a read state: replay at the earlier ``known_at`` instead."""
        _fixed()

    def place_at(self, *_args: Any, **_kw: Any) -> NoReturn:
        """Not for a read state: replay at that ``as_of`` instead."""
        _fixed()


def _fixed() -> NoReturn:
    msg = "a state read from the read model is fixed at its clocks: replay again to move them"
    raise TypeError(msg)


__all__ = ["ReadState", "micros", "types_of"]
