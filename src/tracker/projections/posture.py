"""Regulatory posture: per (regulator, target), the highest rung of the ladder still open.

The ladder (:data:`tracker.events.models.RUNGS`), lowest first, with its levels::

    1 contact  2 information_request  3 preservation_order  4 demand  5 ultimatum
    6 investigation_opened  7 investigation_widened  8 fine_threatened  9 fine_imposed
    10 ban_or_suspension

Each regulatory action opens its rung for its (regulator, target) pair when it occurs. An
action stays open until one of these ends it:

- a ``closure`` or ``withdrawal`` that names it in ``ends`` (at the closure's date; it
  belongs to the pair of the action it ends, whoever recorded it);
- a supersession by another regulatory action (the world moved on: the newer action replaces
  it), at the date of the newer action.

The pair's posture at any moment is the highest rung among its open actions (level 0 and no
rung once every action is ended). Walking the actions in occurred order (earliest, latest,
sequence number) gives the steps: an ``escalation`` when the posture rises (from nothing to a
first rung, too) and a ``step_down`` when it falls (to a lower rung, or to nothing when the
last open action is ended), each pointing at the event that moved it. Opening or ending an
action below the current posture moves nothing and is no step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, get_args

from tracker.events.dates import PartialDate
from tracker.events.models import ENDINGS, RUNGS, RegulatoryAction
from tracker.projections.fold import Entry
from tracker.projections.results import Row, Rows, Tabular, rows
from tracker.projections.shape import Shape, date, integer, nested, text, texts

LEVELS: dict[str, int] = {rung: i + 1 for i, rung in enumerate(RUNGS)}
"""Ladder rung -> level (1 = contact .. 10 = ban_or_suspension)."""

StepKind = Literal["escalation", "step_down"]

STEP_KINDS: tuple[str, ...] = get_args(StepKind)
"""The two moves of a posture."""


@dataclass(frozen=True)
class PostureStep(Row):
    """One move of a pair's posture: an escalation or a step down, and the event that made it."""

    SHAPE: ClassVar[Shape] = Shape(
        "posture_step",
        "One move of a regulator's posture toward a target, and the event that made it.",
        text("regulator", "the regulator"),
        text("target", "the target"),
        text("kind", "escalation (the posture rose) or step_down (it fell)", choices=STEP_KINDS),
        date("occurred", "when the event that moved it occurred"),
        text(
            "event",
            "the action that opened the new rung, or the closure or superseding action that "
            "ended one",
        ),
        text(
            "from_rung", "the rung before; null when nothing was open", nullable=True, choices=RUNGS
        ),
        integer("from_level", "ladder level before (0: nothing open)"),
        text(
            "to_rung", "the rung after; null when no action is left open", nullable=True,
            choices=RUNGS,
        ),
        integer("to_level", "ladder level after (0: nothing open)"),
    )

    regulator: str
    target: str
    kind: StepKind
    occurred: PartialDate | None
    event: str
    """The action that opened the new rung, or the closure / superseding action that ended one."""
    from_rung: str | None
    to_rung: str | None
    """None when no action is left open."""
    sort_key: tuple[int, int, int] = field(default=(0, 0, 0), repr=False)
    """Occurred order of the event (earliest, latest, sequence number)."""

    @property
    def from_level(self) -> int:
        """Ladder level before (0: nothing open)."""
        return LEVELS.get(self.from_rung or "", 0)

    @property
    def to_level(self) -> int:
        """Ladder level after (0: nothing open)."""
        return LEVELS.get(self.to_rung or "", 0)


@dataclass(frozen=True)
class PostureRow(Row):
    """Where one regulator stands toward one target at the replay point."""

    SHAPE: ClassVar[Shape] = Shape(
        "posture_row",
        "Where one regulator stands toward one target at the replay point.",
        text("regulator", "the regulator"),
        text("target", "the target"),
        text(
            "rung",
            "the highest rung still open; null when every action has ended",
            nullable=True,
            choices=RUNGS,
        ),
        integer("level", "its ladder level (1 contact .. 10 ban_or_suspension; 0: none open)"),
        date("since", "when the posture last moved"),
        text("event", "the event of the last step"),
        text("jurisdiction", "the jurisdiction of the pair's actions", nullable=True),
        texts("open_actions", "every action still open, in occurred order"),
        texts("actions", "every action of the pair, closures included, in occurred order"),
    )

    regulator: str
    target: str
    rung: str | None
    """The highest rung still open; None when every action has been ended."""
    since: PartialDate | None
    """When the posture last moved."""
    event: str
    """The event of the last step (the action holding the rung, or what ended the last one)."""
    jurisdiction: str | None
    open_actions: tuple[str, ...]
    """Every action still open, in occurred order."""
    actions: tuple[str, ...]
    """Every action of the pair, closures included, in occurred order."""

    @property
    def level(self) -> int:
        """Ladder level of :attr:`rung` (0: nothing open)."""
        return LEVELS.get(self.rung or "", 0)


@dataclass(frozen=True)
class Posture(Tabular):
    """Who stands where (one row per regulator and target) and every step that led there."""

    SHAPE: ClassVar[Shape] = Shape(
        "posture",
        "Each regulator's highest open rung toward each target, and every step that led there.",
        nested("current", PostureRow.SHAPE, "one row per regulator and target"),
        nested("steps", PostureStep.SHAPE, "every escalation and step down, in occurred order"),
    )

    current: Rows[PostureRow]
    """One row per (regulator, target), ordered by regulator then target."""
    steps: Rows[PostureStep]
    """Every escalation and step down, in occurred order."""

    def of(self, regulator: str, target: str) -> PostureRow | None:
        """The row of one pair, or None."""
        return next(
            (r for r in self.current if r.regulator == regulator and r.target == target), None
        )

    def history(self, regulator: str, target: str) -> Rows[PostureStep]:
        """The steps of one pair, in occurred order."""
        return rows(
            (s for s in self.steps if s.regulator == regulator and s.target == target),
            PostureStep,
        )

    def table(self) -> dict[str, dict[str, str | None]]:
        """Who stands where across regulators: ``{target: {regulator: rung}}``, sorted."""
        out: dict[str, dict[str, str | None]] = {}
        for r in sorted(self.current, key=lambda r: (r.target, r.regulator)):
            out.setdefault(r.target, {})[r.regulator] = r.rung
        return out

    def _main_rows(self) -> Rows[PostureRow]:
        """The current rows (the main table; the steps are :attr:`steps`)."""
        return self.current

    def to_json(self) -> dict[str, Any]:
        """Current rows and steps."""
        return self.SHAPE.dump(self)


class Postures:
    """Projection: counted regulatory actions; the ladder walk is derived on query."""

    TAKES = (RegulatoryAction,)

    def __init__(self) -> None:
        """Start empty."""
        self._actions: dict[str, Entry] = {}

    def add(self, entry: Entry) -> None:
        """Fold in a regulatory action (closures too); other events are ignored."""
        if isinstance(entry.event, RegulatoryAction):
            self._actions[entry.id] = entry

    def remove(self, entry: Entry) -> None:
        """Take an action out."""
        if isinstance(entry.event, RegulatoryAction):
            self._actions.pop(entry.id, None)

    def posture(self, *, regulator: str | None = None, target: str | None = None) -> Posture:
        """Walk the ladder for every pair; filter the result by regulator and target."""
        actions = self._actions
        ordered = sorted(actions.values(), key=lambda e: e.sort_key)

        def pair_of(entry: Entry) -> tuple[str, str]:
            ev: RegulatoryAction = entry.event  # type: ignore[assignment]
            if ev.ends is not None and ev.ends in actions:
                ended: RegulatoryAction = actions[ev.ends].event  # type: ignore[assignment]
                return (ended.regulator, ended.target)
            return (ev.regulator, ev.target)

        # superseding action id -> the actions it replaces
        replaces: dict[str, list[str]] = {}
        for e in ordered:
            if e.superseded_by is not None and e.superseded_by in actions:
                replaces.setdefault(e.superseded_by, []).append(e.id)

        open_: dict[tuple[str, str], dict[str, int]] = {}
        rung_of: dict[tuple[str, str], str | None] = {}
        last: dict[tuple[str, str], tuple[PartialDate | None, str]] = {}
        members: dict[tuple[str, str], list[str]] = {}
        jurisdiction: dict[tuple[str, str], str | None] = {}
        ended_before: set[str] = set()  # ended by a closure that sorts before the action
        steps: list[PostureStep] = []

        def move(pair: tuple[str, str], entry: Entry) -> None:
            opened = open_.get(pair, {})
            top = max(opened.items(), key=lambda kv: (kv[1], kv[0]), default=None)
            new = RUNGS[top[1] - 1] if top else None
            old = rung_of.get(pair)
            if new == old:
                return
            kind: StepKind = (
                "escalation" if LEVELS.get(new or "", 0) > LEVELS.get(old or "", 0) else "step_down"
            )
            steps.append(
                PostureStep(
                    pair[0], pair[1], kind, entry.event.occurred, entry.id, old, new, entry.sort_key
                )
            )
            rung_of[pair] = new
            last[pair] = (entry.event.occurred, entry.id)

        def end(action_id: str, by: Entry) -> None:
            ended = actions.get(action_id)
            if ended is None:
                return
            pair = pair_of(ended)
            if open_.get(pair, {}).pop(action_id, None) is None:
                ended_before.add(action_id)
                return
            move(pair, by)

        for e in ordered:
            ev: RegulatoryAction = e.event  # type: ignore[assignment]
            pair = pair_of(e)
            if ev.rung in ENDINGS:
                if ev.ends in actions:
                    members.setdefault(pair, []).append(e.id)
                    end(ev.ends, e)
                continue
            members.setdefault(pair, []).append(e.id)
            jurisdiction[pair] = ev.jurisdiction or jurisdiction.get(pair)
            if e.id not in ended_before:
                open_.setdefault(pair, {})[e.id] = LEVELS[ev.rung]
                move(pair, e)
            for old in replaces.get(e.id, ()):
                end(old, e)

        current = []
        for pair in sorted(members):
            if pair not in last:
                continue  # only closures whose actions were ended before they opened
            if (regulator is not None and pair[0] != regulator) or (
                target is not None and pair[1] != target
            ):
                continue
            since, event = last[pair]
            opened = tuple(a for a in members[pair] if a in open_.get(pair, {}))
            current.append(
                PostureRow(
                    pair[0],
                    pair[1],
                    rung_of.get(pair),
                    since,
                    event,
                    jurisdiction.get(pair),
                    opened,
                    tuple(members[pair]),
                )
            )
        chosen = [
            s
            for s in steps
            if (regulator is None or s.regulator == regulator)
            and (target is None or s.target == target)
        ]
        return Posture(rows(current, PostureRow), rows(chosen, PostureStep))


__all__ = ["LEVELS", "STEP_KINDS", "Posture", "PostureRow", "PostureStep", "Postures", "StepKind"]
