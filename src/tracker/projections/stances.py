"""Stance histories: each (holder, topic) as a step function over occurred time, with changes.

A stance is a position toward a topic, on the signed scale -2 (strongly against) .. +2
(strongly for), taken by a statement (its holder is the speaker) or by an act: a regulatory
action (its holder is the regulator: a grounding order is a hard line on keeping the aircraft
grounded, its lifting a softer one) or a policy change (its holder is the actor changing its
rule) that carries ``topic`` and ``stance``. Acts count and are classified exactly as
statements are; below, "statement" means any of them. For one (holder, topic), the
statements that take a stance are ordered on the occurred clock (earliest, latest, sequence
number). Each sets the position from its date on; a statement that repeats the position in
force adds evidence to the current step instead of starting a new one.

Each change between steps is classified, comparing the position before (``b``) with the
position after (``a``):

- ``new``: the first position on record for the pair (there is no ``b``);
- ``hardened``: same side, further from neutral: ``|a| > |b|`` and ``a * b >= 0``
  (-1 to -2, +1 to +2, and neutral 0 to either side);
- ``softened``: same side, nearer neutral: ``|a| < |b|`` and ``a * b >= 0``
  (-2 to -1, +2 to +1, and either side to neutral 0);
- ``reversed``: the sign flips, ``a * b < 0`` (-1 to +1, +2 to -2, ...);
- ``withdrawn``: the statement that held the position was retracted (it should never have
  been recorded). Its step is gone from the history; the change points at the retracted
  statement (before) and the retraction (after), and ``position_after`` is the position the
  remaining evidence gives at that date (None when nothing else is on record by then).

A statement repeating the position in force is not a change. A corrected statement is
replaced everywhere by its correction (its new position, speaker, topic or date), and the
steps and changes it takes part in carry the correction ids; a superseded statement stays in
the history (the newer event brings its own position) and carries ``superseded_by``.
Corrections, retractions and supersessions apply by ``known_at`` alone, as every fix does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, ClassVar, Literal

from tracker.events.dates import PartialDate
from tracker.events.describe import describe
from tracker.events.models import AnyEvent, PolicyChange, RegulatoryAction, Statement
from tracker.projections.fold import Entry, FixEntry
from tracker.projections.results import Row, Rows, Tabular, rows
from tracker.projections.shape import Shape, date, integer, nested, text, texts

ChangeKind = Literal["new", "hardened", "softened", "reversed", "withdrawn"]

CHANGE_KINDS: tuple[str, ...] = ("new", "hardened", "softened", "reversed", "withdrawn")
"""Every stance change classification, in the order the docs define them."""


def classify(before: int | None, after: int) -> ChangeKind | None:
    """Classify a move from position ``before`` to ``after``; None when nothing changed.

    >>> classify(None, -2), classify(-1, -2), classify(-2, -1), classify(-1, 1), classify(1, 1)
    ('new', 'hardened', 'softened', 'reversed', None)
    """
    if before is None:
        return "new"
    if before == after:
        return None
    if before * after < 0:
        return "reversed"
    return "hardened" if abs(after) > abs(before) else "softened"


@dataclass(frozen=True)
class StanceStep(Row):
    """One step of a stance history: a position held from one date until the next change."""

    SHAPE: ClassVar[Shape] = Shape(
        "stance_step",
        "A position one holder took on one topic, from the statement that set it until the "
        "next change.",
        text("holder", "the actor holding the position (the statement's speaker)"),
        text("topic", "the topic"),
        integer("position", "-2 strongly against .. +2 strongly for"),
        date("since", "when the statement that set this position occurred"),
        date("until", "when the next step began; null while the position still holds"),
        texts("evidence", "the statements holding this position, in occurred order"),
        text(
            "quote",
            "the words of the statement that set it, verbatim; null when none were quoted",
            nullable=True,
        ),
        text(
            "summary",
            "the summary of the event that set it (an act with none: what it did); never the "
            "speaker's words",
            nullable=True,
        ),
        texts("corrected_by", "corrections applied to any of the evidence"),
        text(
            "superseded_by", "the event that superseded the latest evidence", nullable=True
        ),
    )

    holder: str
    topic: str
    position: int
    """-2 strongly against .. +2 strongly for."""
    since: PartialDate | None
    """When the statement that set this position occurred."""
    until: PartialDate | None
    """When the next step began; None while the position still holds."""
    evidence: tuple[str, ...]
    """The statements holding this position, in occurred order (the first one set it)."""
    quote: str | None
    """The words of the statement that set it, verbatim (None when none were quoted)."""
    corrected_by: tuple[str, ...] = ()
    """Corrections applied to any of the evidence."""
    superseded_by: str | None = None
    """The event that superseded the latest evidence, if one did."""
    summary: str | None = None
    """The summary of the event that set it (for an act with none: what it did), never the
    speaker's words."""

    @property
    def current(self) -> bool:
        """Whether the position still holds at the replay point."""
        return self.until is None


@dataclass(frozen=True)
class StanceChange(Row):
    """A classified change of position, pointing at the evidence before and after it."""

    SHAPE: ClassVar[Shape] = Shape(
        "stance_change",
        "A classified change of one holder's position on one topic, with the statements "
        "before and after it.",
        text("holder", "the actor whose position changed"),
        text("topic", "the topic"),
        text(
            "kind",
            "new, hardened (same side, further from 0), softened (nearer 0), reversed (sign "
            "flip) or withdrawn (the statement was retracted)",
            choices=CHANGE_KINDS,
        ),
        date("occurred", "when the statement after the change occurred (withdrawn: the "
             "retracted one)"),
        integer("position_before", "the position before; null for new", nullable=True),
        integer(
            "position_after",
            "the position after; null when a withdrawal leaves none on record",
            nullable=True,
        ),
        text("before", "the latest statement holding the earlier position", nullable=True),
        text("after", "the statement that set the new position (withdrawn: the retraction)"),
        text(
            "quote",
            "the words of the statement after the change, verbatim; null when none were quoted",
            nullable=True,
        ),
        text(
            "summary",
            "the summary of the event after the change (an act with none: what it did)",
            nullable=True,
        ),
        text("reason", "for withdrawn: why the statement was retracted", nullable=True),
        texts("corrected_by", "corrections applied to the statement after the change"),
    )

    holder: str
    topic: str
    kind: ChangeKind
    occurred: PartialDate | None
    """When the statement after the change occurred (for ``withdrawn``: the retracted one)."""
    position_before: int | None
    position_after: int | None
    before: str | None
    """The latest statement holding the earlier position (None for ``new``)."""
    after: str
    """The statement that set the new position, or for ``withdrawn`` the retraction."""
    quote: str | None = None
    """The words of the statement after the change (for ``withdrawn``: the retracted one),
    verbatim; None when none were quoted."""
    reason: str | None = None
    """For ``withdrawn``: why the statement was retracted."""
    corrected_by: tuple[str, ...] = ()
    """Corrections applied to the statement after the change."""
    sort_key: tuple[int, int, int] = field(default=(0, 0, 0), repr=False)
    """Occurred order of the statement after (earliest, latest, sequence number)."""
    summary: str | None = None
    """The summary of the event after the change (an act with none: what it did)."""


@dataclass(frozen=True)
class StanceHistory(Tabular):
    """The step function of one (holder, topic) over occurred time, with its changes."""

    SHAPE: ClassVar[Shape] = Shape(
        "stance_history",
        "One holder's position on one topic as a step function, with its changes.",
        text("holder", "the holder"),
        text("topic", "the topic"),
        nested("steps", StanceStep.SHAPE, "the steps, in occurred order"),
        nested("changes", StanceChange.SHAPE, "the classified changes, in occurred order"),
    )

    holder: str
    topic: str
    steps: Rows[StanceStep]
    changes: Rows[StanceChange]

    @property
    def current(self) -> StanceStep | None:
        """The step in force at the replay point, or None when no position is on record."""
        return self.steps[-1] if self.steps else None

    def position_at(self, when: datetime) -> int | None:
        """The position in force at ``when``: the last step set by a statement certainly by then."""
        found: int | None = None
        for step in self.steps:
            if step.since is not None and not step.since.certain_by(when):
                break
            found = step.position
        return found

    def _main_rows(self) -> Rows[StanceStep]:
        """The steps (the main table; the changes are :attr:`changes`)."""
        return self.steps

    def to_json(self) -> dict[str, Any]:
        """The steps and the changes."""
        return self.SHAPE.dump(self)


STANCE_TAKERS = (Statement, PolicyChange, RegulatoryAction)
"""The event classes that can take a stance."""


def stance_holder(event: AnyEvent) -> str | None:
    """Who holds the stance an event takes: the speaker, the acting actor, the regulator."""
    if isinstance(event, Statement):
        return event.speaker
    if isinstance(event, PolicyChange):
        return event.actor
    if isinstance(event, RegulatoryAction):
        return event.regulator
    return None


def stance_key(entry: Entry) -> tuple[str, str] | None:
    """The (holder, topic) of an event that takes a stance, else None."""
    ev = entry.event
    holder = stance_holder(ev)
    if holder is None or ev.stance is None or ev.topic is None:  # type: ignore[union-attr]
        return None
    return (holder, ev.topic)  # type: ignore[union-attr]


def _quote(event: AnyEvent) -> str | None:
    return event.quote if isinstance(event, Statement) else None


def _summary(event: AnyEvent) -> str | None:
    if event.summary is not None or isinstance(event, Statement):
        return event.summary
    return describe(event)


class Stances:
    """Projection: statements that take a stance, indexed by (holder, topic).

    It keeps the counted stance statements per pair; histories and changes are derived on
    query, so more events can be folded in at any time.
    """

    TAKES = STANCE_TAKERS

    def __init__(self) -> None:
        """Start empty."""
        self._pairs: dict[tuple[str, str], dict[str, Entry]] = {}

    def add(self, entry: Entry) -> None:
        """Fold in a statement that takes a stance; other events are ignored."""
        key = stance_key(entry)
        if key is not None:
            self._pairs.setdefault(key, {})[entry.id] = entry

    def remove(self, entry: Entry) -> None:
        """Take a statement out (retracted, or about to be replaced by its correction)."""
        key = stance_key(entry)
        if key is None:
            return
        pair = self._pairs.get(key)
        if pair is not None:
            pair.pop(entry.id, None)
            if not pair:
                del self._pairs[key]

    def pairs(
        self, *, holder: str | None = None, topic: str | None = None
    ) -> list[tuple[str, str]]:
        """The (holder, topic) pairs with a position on record, ordered by topic then holder."""
        keys = [
            k
            for k in self._pairs
            if (holder is None or k[0] == holder) and (topic is None or k[1] == topic)
        ]
        return sorted(keys, key=lambda k: (k[1], k[0]))

    def history(self, holder: str, topic: str, withdrawn: Sequence[FixEntry] = ()) -> StanceHistory:
        """The step function of one pair; ``withdrawn``: retractions of its stance statements."""
        entries = sorted(self._pairs.get((holder, topic), {}).values(), key=lambda e: e.sort_key)
        steps: list[StanceStep] = []
        changes: list[StanceChange] = []
        starts: list[tuple[int, int, int]] = []  # sort key of each step's first evidence
        for entry in entries:
            ev = entry.event
            position: int = ev.stance  # type: ignore[union-attr,assignment]
            previous = steps[-1] if steps else None
            kind = classify(previous.position if previous else None, position)
            if previous is not None and kind is None:  # restated: more evidence, same step
                steps[-1] = replace(
                    previous,
                    evidence=(*previous.evidence, entry.id),
                    corrected_by=(*previous.corrected_by, *entry.corrected_by),
                    superseded_by=entry.superseded_by,
                )
                continue
            if previous is not None:
                steps[-1] = replace(previous, until=ev.occurred)
            steps.append(
                StanceStep(
                    holder,
                    topic,
                    position,
                    ev.occurred,
                    None,
                    (entry.id,),
                    _quote(ev),
                    entry.corrected_by,
                    entry.superseded_by,
                    _summary(ev),
                )
            )
            starts.append(entry.sort_key)
            changes.append(
                StanceChange(
                    holder,
                    topic,
                    kind,  # type: ignore[arg-type]
                    ev.occurred,
                    previous.position if previous else None,
                    position,
                    previous.evidence[-1] if previous else None,
                    entry.id,
                    _quote(ev),
                    None,
                    entry.corrected_by,
                    entry.sort_key,
                    _summary(ev),
                )
            )
        for fix in withdrawn:
            gone = fix.before
            assert gone is not None  # the caller passes retractions of counted statements
            statement = gone.event
            in_force = None
            for start, step in zip(starts, steps, strict=True):
                if start > gone.sort_key:
                    break
                in_force = step.position
            changes.append(
                StanceChange(
                    holder,
                    topic,
                    "withdrawn",
                    statement.occurred,
                    statement.stance,  # type: ignore[union-attr]
                    in_force,
                    gone.id,
                    fix.fix.id or "",
                    _quote(statement),
                    fix.reason,
                    gone.corrected_by,
                    gone.sort_key,
                    _summary(statement),
                )
            )
        changes.sort(key=lambda c: c.sort_key)
        return StanceHistory(holder, topic, rows(steps, StanceStep), rows(changes, StanceChange))

    def histories(
        self,
        *,
        holder: str | None = None,
        topic: str | None = None,
        withdrawn: Mapping[tuple[str, str], Sequence[FixEntry]] | None = None,
    ) -> list[StanceHistory]:
        """Every pair's history, ordered by topic then holder.

        ``withdrawn``: per pair, the retractions of its stance statements; a pair whose only
        stance was withdrawn (it has no step left) has a history too.
        """
        withdrawn = withdrawn or {}
        keys = {
            k
            for k in (*self._pairs, *withdrawn)
            if (holder is None or k[0] == holder) and (topic is None or k[1] == topic)
        }
        return [
            self.history(h, t, withdrawn.get((h, t), ()))
            for h, t in sorted(keys, key=lambda k: (k[1], k[0]))
        ]


def merge_changes(histories: Iterable[StanceHistory]) -> Rows[StanceChange]:
    """Every change of the histories in occurred order (ties: topic, holder)."""
    return ordered_changes(c for h in histories for c in h.changes)


def ordered_changes(changes: Iterable[StanceChange]) -> Rows[StanceChange]:
    """Changes in occurred order (ties: topic, holder), as every list of changes is given."""
    out = list(changes)
    out.sort(key=lambda c: (c.sort_key, c.topic, c.holder))
    return rows(out, StanceChange)


__all__ = [
    "CHANGE_KINDS",
    "ChangeKind",
    "StanceChange",
    "StanceHistory",
    "StanceStep",
    "Stances",
    "classify",
    "merge_changes",
    "ordered_changes",
    "stance_key",
]
