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

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NoReturn

from tracker.events.dates import format_instant
from tracker.events.models import EVENT_TYPES, WORLD_EVENTS
from tracker.projections.actors import ActorView
from tracker.projections.disputes import Disputes, Verifications
from tracker.projections.figures import Figures, FigureTable
from tracker.projections.fold import Entry, FixEntry
from tracker.projections.posture import Posture, Postures
from tracker.projections.registry import Registry
from tracker.projections.results import Rows
from tracker.projections.stances import StanceChange, StanceHistory, Stances, StanceStep
from tracker.projections.state import HistoryItem, State
from tracker.projections.timeline import Timeline, TimelineView

from .read import ID, MAX_T, VERSION_SELECT, Reader, Row
from .stream import CHUNK, StreamedTimeline

if TYPE_CHECKING:
    from .model import ReadModel

def types_of(projection: type) -> list[str]:
    """The ``y:`` keys of every event type a projection takes (its ``TAKES``)."""
    takes = getattr(projection, "TAKES", None)
    return [f"y:{name}" for name, cls in EVENT_TYPES.items() if takes is None or issubclass(cls, takes)]


_WORLD = [f"y:{name}" for name, cls in EVENT_TYPES.items() if cls in WORLD_EVENTS]
_REGISTRY = types_of(Registry)
_TIMELINE = types_of(Timeline)
_STANCES = types_of(Stances)
_FIGURES = types_of(Figures)
_POSTURE = types_of(Postures)
_VERIFICATIONS = types_of(Verifications)
_MANY = 2000
"""Past this many figures, their verifications are read all at once, not figure by figure."""


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
        self, model: ReadModel, *, as_of: datetime | None = None, known_at: datetime | None = None
    ) -> None:
        """Read ``model`` at the given clocks (None: unbounded)."""
        self.as_of = as_of
        self.known_at = known_at
        self._model = model
        db = model.db
        mark = model.covered
        if known_at is None:
            k, head = mark.seq, mark.hash or None
        else:
            found = db.execute(
                "SELECT seq, hash FROM stamps WHERE recorded <= ? ORDER BY recorded DESC LIMIT 1",
                (format_instant(known_at),),
            ).fetchone()
            k, head = (found[0], found[1].hex()) if found else (0, None)
        self.head_seq = k
        self.head_hash = head
        self.known_seq: int | None = None
        self._t = MAX_T if as_of is None else micros(as_of)
        self._reader = Reader(db, model.lines_at, k)
        self._registry: Registry | None = None

    # --- slices ----------------------------------------------------------------------------

    def _slice(
        self,
        rows: Iterable[Row] = (),
        fixes: Iterable[FixEntry] = (),
    ) -> State:
        """A fresh state holding the entries of ``rows`` and ``fixes``, at these clocks."""
        state = State.restored(
            self._reader.entries(rows), fixes, as_of=self.as_of, known_at=self.known_at
        )
        state.head_seq, state.head_hash = self.head_seq, self.head_hash
        return state

    def _counted(self, keys: Iterable[str]) -> list[Row]:
        """The versions of ``keys`` that count at these clocks."""
        return self._reader.by_keys(keys, where="v.counted_from <= ?", args=(self._t,))

    def _withdrawals(self, keys: Iterable[str]) -> list[FixEntry]:
        """The retractions of versions of ``keys`` that counted at as_of (withdrawn stances)."""
        return self._reader.fix_entries(self._reader.withdrawn(keys, self._t))

    def _with_standing(self, rows: list[Row]) -> list[Row]:
        """Add to ``rows`` the counted verifications of the events among them."""
        ids = [row[ID] for row in rows]
        if len(ids) > _MANY:
            return rows + self._counted(_VERIFICATIONS)
        return rows + self._counted(f"r:{i}" for i in ids)

    def _with_endings(self, rows: list[Row]) -> list[Row]:
        """Add to ``rows`` what the posture walk of the actions among them needs: the actions
        ending them (closures), the actions superseding them, and the actions they end."""
        entries = self._reader.entries(rows)
        ids = {e.id for e in entries}
        more = self._counted(f"r:{i}" for i in ids)
        wanted = {e.superseded_by for e in entries if e.superseded_by is not None}
        wanted |= {ends for e in entries if (ends := getattr(e.event, "ends", None)) is not None}
        more += [r for r in self._reader.by_ids(wanted - ids) if r[0] not in {m[0] for m in more}]
        return rows + more

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
            self._registry = self._slice(self._counted(_REGISTRY)).registry
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
        see :class:`~tracker.derived.readmodel.stream.StreamedTimeline`)."""
        filters = {"actor": actor, "topic": topic, "type": type, "tag": tag}
        given = [(name, value) for name, value in filters.items() if value is not None]
        prefix = {"actor": "a", "topic": "t", "type": "y", "tag": "g"}
        key = f"{prefix[given[0][0]]}:{given[0][1]}" if given else None
        world = ",".join(f"'{k[2:]}'" for k in _TIMELINE)
        where = (
            f"v.type IN ({world}) AND v.rec_from <= ? AND (v.rec_to IS NULL OR v.rec_to > ?) "
            "AND v.counted_from <= ?"
        )
        k = self.head_seq
        args: tuple[Any, ...]
        if key is None:
            source, args = f"versions v WHERE {where}", (k, k, self._t)
        else:
            source = f"version_keys k JOIN versions v ON v.vid = k.vid WHERE k.key = ? AND {where}"
            args = (key, k, k, self._t)
        db = self._reader.db

        def chunks() -> Iterator[list[Entry]]:
            cursor = db.execute(
                f"SELECT {VERSION_SELECT} FROM {source} ORDER BY v.sort_a, v.sort_b, v.seq", args
            )
            while rows := cursor.fetchmany(CHUNK):
                yield list(self._slice(rows).timeline(**filters))

        def count() -> int:
            if len(given) > 1:
                return sum(len(chunk) for chunk in chunks())
            return int(db.execute(f"SELECT count(*) FROM {source}", args).fetchone()[0])

        return StreamedTimeline(chunks, count)

    def uncertain(self) -> TimelineView:
        """Events whose occurred interval straddles ``as_of``: possibly, not certainly, by then."""
        rows = self._reader.by_keys(
            _WORLD, where="v.possible_from <= ? AND v.counted_from > ?", args=(self._t, self._t)
        )
        return self._slice(rows).uncertain()

    # --- single events and their history ----------------------------------------------------

    def _about(self, event_id: str) -> State:
        fixes = self._reader.fix_entries(self._reader.fixes(targets=[event_id]))
        return self._slice(self._reader.by_ids([event_id]), fixes)

    def entry(self, event_id: str) -> Entry | None:
        """The current version of an event known to the log (counted or not), or None."""
        return self._about(event_id).entry(event_id)

    def placement(self, event_id: str) -> str | None:
        """``counted``, ``uncertain``, ``future`` (not yet at as_of), ``retracted`` or None."""
        return self._about(event_id).placement(event_id)

    def fixes(self) -> list[FixEntry]:
        """Every correction, retraction and supersession known, in log order."""
        return self._reader.fix_entries(self._reader.fixes())

    def retracted(self) -> dict[str, FixEntry]:
        """Retracted event ids, each with its retraction."""
        return self._slice((), self.fixes()).retracted()

    def history(self, event_id: str) -> list[HistoryItem]:
        """How the record of an event changed: when it was recorded, then each fix."""
        return self._about(event_id).history(event_id)

    # --- stances ---------------------------------------------------------------------------

    def _stance_keys(self, holder: str | None, topic: str | None) -> list[str]:
        if holder is not None:
            return [f"a:{holder}"]
        if topic is not None:
            return [f"t:{topic}"]
        return _STANCES

    def _stance_slice(self, holder: str | None, topic: str | None) -> State:
        self._check_actors(holder)
        if topic is not None:
            self._check_topic(topic)
        keys = self._stance_keys(holder, topic)
        return self._slice(self._counted(keys), self._withdrawals(keys))

    def stances(self, *, topic: str | None = None, holder: str | None = None) -> Rows[StanceStep]:
        """Current positions: one step per (holder, topic) with a position, by topic then holder.

        Raises:
            UnknownIdError: ``holder`` or ``topic`` is not registered.
        """
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
        return self._stance_slice(holder, topic).stance_changes(topic=topic, holder=holder)

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
        if metric is not None:
            self._check_metric(metric)
            keys = [f"m:{metric}"]
        elif subject is not None or reporter is not None:
            keys = [f"a:{subject if subject is not None else reporter}"]
        else:
            keys = _FIGURES
        state = self._slice(self._with_standing(self._counted(keys)))
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
            rows = self._counted(_POSTURE)
        else:
            actor = regulator if regulator is not None else target
            rows = self._with_endings(self._counted([f"a:{actor}"]))
        return self._slice(rows).posture(regulator=regulator, target=target)

    def disputes(self) -> Disputes:
        """Tested claims and their verdicts, what is contested, and every fix with its reason."""
        verifications = self._counted(_VERIFICATIONS)
        entries = self._reader.entries(verifications)
        targets = {t for e in entries if (t := getattr(e.event, "target", None)) is not None}
        rows = verifications + [r for r in self._reader.by_ids(targets)
                                if r[0] not in {v[0] for v in verifications}]
        return self._slice(rows, self.fixes()).disputes()

    # --- the per-actor view -------------------------------------------------------------------

    def actor(self, actor: str) -> ActorView:
        """One actor: registration, relations, events by role, stances, figures and posture.

        Raises:
            UnknownIdError: no actor has this id (with the nearest one, if any).
        """
        self._check_actor(actor)
        named = self._counted([f"a:{actor}"])
        rows = self._with_endings(self._with_standing(named))
        rows += self._counted([f"A:{actor}", f"R:{actor}"])
        return self._slice(rows, self._withdrawals([f"a:{actor}"])).actor(actor)

    def summary(self) -> dict[str, Any]:
        """Counts of what the state holds."""

        def count(keys: Sequence[str], where: str, args: Sequence[Any]) -> int:
            marks = ",".join("?" * len(keys))
            sql = (
                "SELECT count(*) FROM version_keys k JOIN versions v ON v.vid = k.vid "
                f"WHERE k.key IN ({marks}) AND v.rec_from <= ? "
                f"AND (v.rec_to IS NULL OR v.rec_to > ?) AND {where}"
            )
            k = self.head_seq
            return int(self._reader.db.execute(sql, (*keys, k, k, *args)).fetchone()[0])

        t = self._t
        fixes = self._reader.db.execute(
            "SELECT count(*) FROM fix_records WHERE seq <= ?", (self.head_seq,)
        ).fetchone()[0]
        return {
            "actors": count(["y:actor"], "1", ()),
            "topics": count(["y:topic"], "1", ()),
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
