"""What changed between two replayed states: events, stances, figures, posture, verdicts, fixes.

``diff(a, b)`` compares two states of one log, each replayed at its own ``(as_of, known_at)``.
The case users care about most keeps ``as_of`` fixed and moves ``known_at``: "what do we know
today about the first week that we did not know on the 10th?". Then every difference is
something the log learnt in between: events recorded late, corrections and retractions
(which apply by ``known_at`` alone), verdicts published and recorded, and what they did to
stances, figures and posture. Moving ``as_of`` instead shows what happened in the world.

Each section lists what ``b`` has that ``a`` lacks (``added``), what ``a`` had that ``b`` lacks
(``removed``), and for events and figures present in both, how they differ (``corrected``,
``superseded``, and for figures ``disputed`` / ``undisputed`` when their standing moved).
Rows are ordered on the occurred clock, fixes in log order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from tracker.events.dates import PartialDate
from tracker.events.describe import describe
from tracker.projections.disputes import FixRow, VerdictRow
from tracker.projections.figures import FigurePoint
from tracker.projections.fold import Entry
from tracker.projections.posture import PostureStep
from tracker.projections.results import Row, Rows, Tabular, rows
from tracker.projections.shape import Shape, date, instant, integer, merge, nested, text
from tracker.projections.stances import StanceChange

if TYPE_CHECKING:
    from tracker.projections.state import State

T = TypeVar("T")


SECTIONS: tuple[str, ...] = ("event", "stance_change", "figure", "posture", "verdict", "fix")
"""The kinds of row a diff compares (a row's ``section``)."""

CHANGES: tuple[str, ...] = (
    "added",
    "removed",
    "corrected",
    "superseded",
    "disputed",
    "undisputed",
)
"""What can happen to a row between two states."""


@dataclass(frozen=True)
class Change(Row):
    """One difference: which section, what happened to it, and the item itself."""

    SHAPE: ClassVar[Shape] = Shape(
        "change",
        "One difference between two replays: which section, what happened, and to what.",
        text("section", "what kind of row changed", choices=SECTIONS),
        text("change", "what happened to it", choices=CHANGES),
        text("id", "the event (or fix, or verification) the row is about"),
        date("occurred", "when what the row is about occurred"),
        text("summary", "the difference in words"),
    )

    section: str
    """``event``, ``stance_change``, ``figure``, ``posture``, ``verdict`` or ``fix``."""
    change: str
    """``added``, ``removed``, ``corrected``, ``superseded``, ``disputed`` or ``undisputed``."""
    id: str
    """The event (or fix, or verification) the row is about."""
    occurred: PartialDate | None
    summary: str
    item: Any = None
    """The typed row from the projection (a FigurePoint, a StanceChange, ...), when there is one."""
    sort_key: tuple[int, int, int] = field(default=(0, 0, 0), repr=False, compare=False)
    """Occurred order of what the row is about (earliest, latest, sequence number)."""

    def detail(self) -> dict[str, Any]:
        """The row plus the item's own columns (for ``--json``)."""
        return CHANGE_DETAIL.dump(self)


CHANGE_DETAIL = merge(
    "change_detail",
    "One difference, with the row it is about as its section's projection gives it.",
    Change.SHAPE,
    nested(
        "item",
        (
            StanceChange.SHAPE,
            FigurePoint.SHAPE,
            PostureStep.SHAPE,
            VerdictRow.SHAPE,
            FixRow.SHAPE,
        ),
        "the row from the projection (null for the event section)",
        many=False,
        nullable=True,
    ),
)
"""A diff row in ``--json``: the flat columns, then the projection's own row."""

CLOCKS = Shape(
    "clocks",
    "The two clocks a replay was made at (null: unbounded).",
    instant("as_of", "world time: events that certainly occurred by then", nullable=True),
    instant("known_at", "record time: what the log had recorded by then", nullable=True),
    integer(
        "known_at_record",
        "when known_at was given as a record number: the last record kept",
        nullable=True,
    ),
)


@dataclass(frozen=True)
class StateDiff(Tabular):
    """The differences from state ``a`` to state ``b``, section by section."""

    SHAPE: ClassVar[Shape] = Shape(
        "diff",
        "What changed from one replay (a) to another (b), section by section.",
        nested("a", CLOCKS, "the first replay's clocks", many=False, get=lambda d: d.clocks("a")),
        nested("b", CLOCKS, "the second replay's clocks", many=False, get=lambda d: d.clocks("b")),
        nested("events", CHANGE_DETAIL, "events added, removed, corrected or superseded"),
        nested("stance_changes", CHANGE_DETAIL, "stance changes added or removed"),
        nested("figures", CHANGE_DETAIL, "figures added, removed, corrected or re-judged"),
        nested("posture", CHANGE_DETAIL, "posture steps added or removed"),
        nested("verdicts", CHANGE_DETAIL, "verdicts added or removed"),
        nested("fixes", CHANGE_DETAIL, "fixes added or removed"),
    )

    a_as_of: datetime | None
    a_known_at: datetime | None
    b_as_of: datetime | None
    b_known_at: datetime | None
    events: Rows[Change]
    stance_changes: Rows[Change]
    figures: Rows[Change]
    posture: Rows[Change]
    """Posture steps: escalations and step downs."""
    verdicts: Rows[Change]
    fixes: Rows[Change]
    a_known_seq: int | None = None
    """When ``a`` was replayed to a record number: that number."""
    b_known_seq: int | None = None
    """When ``b`` was replayed to a record number: that number."""

    SECTIONS: ClassVar[tuple[str, ...]] = (
        "events",
        "stance_changes",
        "figures",
        "posture",
        "verdicts",
        "fixes",
    )

    @property
    def changes(self) -> Rows[Change]:
        """Every row, section by section."""
        return rows((c for name in self.SECTIONS for c in getattr(self, name)), Change)

    def __bool__(self) -> bool:
        return any(getattr(self, name) for name in self.SECTIONS)

    def clocks(self, side: str) -> dict[str, datetime | int | None]:
        """The clocks of side ``a`` or ``b``."""
        if side == "a":
            return {
                "as_of": self.a_as_of,
                "known_at": self.a_known_at,
                "known_at_record": self.a_known_seq,
            }
        return {
            "as_of": self.b_as_of,
            "known_at": self.b_known_at,
            "known_at_record": self.b_known_seq,
        }

    def _main_rows(self) -> Rows[Change]:
        """Every row, flat, with the same columns (``section`` tells them apart)."""
        return self.changes

    def to_json(self) -> dict[str, Any]:
        """The two clocks of each side, then each section with its items in full."""
        return self.SHAPE.dump(self)


def _set_diff(a: Iterable[T], b: Iterable[T]) -> tuple[list[T], list[T]]:
    """Items of ``b`` not in ``a`` and items of ``a`` not in ``b``, each in its own order."""
    la, lb = list(a), list(b)
    sa, sb = set(la), set(lb)
    return [x for x in lb if x not in sa], [x for x in la if x not in sb]


def _event_changes(a: State, b: State) -> list[Change]:
    ea = {e.id: e for e in a.timeline()}
    out = []

    def add(change: str, e: Entry, text: str) -> None:
        out.append(Change("event", change, e.id, e.occurred, text, None, e.sort_key))

    for e in b.timeline():
        old = ea.pop(e.id, None)
        if old is None:
            add("added", e, describe(e.event))
            continue
        if old.event != e.event or old.corrected_by != e.corrected_by:
            fixes = ", ".join(f for f in e.corrected_by if f not in old.corrected_by)
            add("corrected", e, f"{describe(e.event)} (was: {describe(old.event)}; by {fixes})")
        if old.superseded_by != e.superseded_by and e.superseded_by is not None:
            add("superseded", e, f"{describe(e.event)} (superseded by {e.superseded_by})")
    for old in ea.values():
        add("removed", old, describe(old.event))
    return _by_date(out)


def _by_date(changes: Sequence[Change]) -> list[Change]:
    """Order on the occurred clock, as the timeline does; ties: added before removed."""
    return sorted(changes, key=lambda c: (c.sort_key, c.change))


def _figure_changes(a: State, b: State) -> list[Change]:
    pa = {p.id: p for p in a.figures().points}
    out = []

    def add(change: str, p: FigurePoint, note: str = "") -> None:
        text = f"{p.metric}: {p.text}{note}"
        out.append(Change("figure", change, p.id, p.occurred, text, p, p.sort_key))

    for p in b.figures().points:
        old = pa.pop(p.id, None)
        if old is None:
            add("added", p, f" [{p.status}]" if p.status != "untested" else "")
            continue
        if p.corrected_by != old.corrected_by:
            add("corrected", p, f" (was {old.text})")
        if p.disputed != old.disputed:
            add("disputed" if p.disputed else "undisputed", p, f" [{old.status} -> {p.status}]")
        if p.superseded_by != old.superseded_by and p.superseded_by is not None:
            add("superseded", p, f" (superseded by {p.superseded_by})")
    for old in pa.values():
        add("removed", old)
    return _by_date(out)


def _stance_text(c: StanceChange) -> str:
    if c.kind == "new":
        return f"{c.holder} on {c.topic}: new {c.position_after:+d}"
    after = "none" if c.position_after is None else f"{c.position_after:+d}"
    return f"{c.holder} on {c.topic}: {c.kind} {c.position_before:+d} -> {after}"


def _step_text(s: PostureStep) -> str:
    return f"{s.regulator} -> {s.target}: {s.kind} {s.from_rung or 'none'} -> {s.to_rung or 'none'}"


def _event_text(first: State, then: State) -> Callable[[str], str]:
    """The one describer's line for an event (a verification, a fix) as ``first`` knows it,
    else as ``then`` does."""
    fixes = {f.fix.id: f.fix for f in (*then.fixes(), *first.fixes())}

    def text(event_id: str) -> str:
        entry = first.entry(event_id) or then.entry(event_id)
        event = entry.event if entry is not None else fixes.get(event_id)
        return describe(event) if event is not None else event_id

    return text


Keyed = TypeVar("Keyed", StanceChange, PostureStep, VerdictRow)


def _section(
    section: str,
    a: Iterable[Keyed],
    b: Iterable[Keyed],
    id_of: Callable[[Keyed], str],
    text: Callable[[Keyed], str],
    removed_text: Callable[[Keyed], str] | None = None,
) -> list[Change]:
    """Rows of ``b`` not in ``a`` (added) and of ``a`` not in ``b`` (removed), by date; a
    removed row's text is ``removed_text`` when given (the row as ``a`` knew it)."""
    added, removed = _set_diff(a, b)
    out = [
        Change(section, change, id_of(x), x.occurred, say(x), x, x.sort_key)
        for change, items, say in (
            ("added", added, text),
            ("removed", removed, removed_text or text),
        )
        for x in items
    ]
    return _by_date(out)


def diff(a: State, b: State) -> StateDiff:
    """What changed from state ``a`` to state ``b`` (two replays of the same log).

    Example::

        before = log.replay(as_of="2026-01-09", known_at="2026-01-10")
        after = log.replay(as_of="2026-01-09", known_at="2026-01-12")
        for row in tracker.diff(before, after).to_records():
            print(row["section"], row["change"], row["id"], row["summary"])
    """
    da, db = a.disputes(), b.disputes()
    event_text, old_text = _event_text(b, a), _event_text(a, b)
    fixes_a = {f.id for f in da.fixes}
    fixes_b = {f.id for f in db.fixes}
    fix_rows = [
        Change("fix", "added", f.id, None, event_text(f.id), f)
        for f in db.fixes
        if f.id not in fixes_a
    ]
    fix_rows += [
        Change("fix", "removed", f.id, None, old_text(f.id), f)
        for f in da.fixes
        if f.id not in fixes_b
    ]
    return StateDiff(
        a.as_of,
        a.known_at,
        b.as_of,
        b.known_at,
        rows(_event_changes(a, b), Change),
        rows(
            _section(
                "stance_change",
                a.stance_changes(),
                b.stance_changes(),
                lambda c: c.after,
                _stance_text,
            ),
            Change,
        ),
        rows(_figure_changes(a, b), Change),
        rows(
            _section(
                "posture", a.posture().steps, b.posture().steps, lambda s: s.event, _step_text
            ),
            Change,
        ),
        rows(
            _section(
                "verdict",
                da.verdicts,
                db.verdicts,
                lambda v: v.verification,
                lambda v: event_text(v.verification),
                lambda v: old_text(v.verification),
            ),
            Change,
        ),
        rows(fix_rows, Change),
        a.known_seq,
        b.known_seq,
    )


__all__ = ["CHANGES", "CHANGE_DETAIL", "CLOCKS", "SECTIONS", "Change", "StateDiff", "diff"]
