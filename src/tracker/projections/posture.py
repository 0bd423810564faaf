"""Regulatory posture: per (regulator, target), the highest rung of the ladder still open.

The ladder (:data:`tracker.events.models.RUNGS`), lowest first, with its levels::

    1 contact  2 information_request  3 preservation_order  4 demand  5 ultimatum
    6 investigation_opened  7 investigation_widened  8 fine_threatened  9 fine_imposed
    10 restriction_imposed  11 ban_or_suspension

Each regulatory action opens its rung for its (regulator, target) pair when it occurs. An
action stays open until one of these ends it:

- an ending (rung ``closure``, ``withdrawal`` or ``overturned``) that names it in ``ends``, at
  the ending's date, when it fits the action (:func:`tracker.events.rules.ending_mismatch`:
  it ends a ladder step, of its own pair, or of its target for ``overturned``, and is not
  dated before it). An ending that does not fit changes nothing and is listed in
  :attr:`Posture.ignored` with the reason; the log may hold such endings from before
  ``tracker add`` refused them;
- a supersession by another regulatory action (the world moved on: the newer action replaces
  it), at the date of the newer action.

An ending or supersession that sorts before the action it ends (their dates overlap) ends it
as it opens: it never moves the posture. A second ending of an action already ended changes
nothing.

The pair's posture at any moment is the highest rung among its open actions (level 0 and no
rung once every action is ended). Walking the actions in occurred order (earliest, latest,
sequence number) gives:

- the history (:attr:`Posture.history`): every action ``opened``, ``ended`` and
  ``superseded``, with the date of the change, the action's rung and the pair's posture
  after it;
- the steps (:attr:`Posture.steps`): an ``escalation`` when the posture rises (from nothing
  to a first rung, too) and a ``step_down`` when it falls (to a lower rung, or to nothing
  when the last open action is ended), each pointing at the event that moved it. Opening or
  ending an action below the current posture moves nothing and is no step;
- the current rows (:attr:`Posture.current`): per pair, its rung, the actions holding it
  (open actions at that rung, with the date of the first), every action in force, and the
  restrictions they impose.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Literal, get_args

from tracker.events.dates import PartialDate
from tracker.events.models import ENDINGS, RUNGS, RegulatoryAction
from tracker.events.rules import ending_mismatch
from tracker.projections.fold import Entry
from tracker.projections.results import Row, Rows, Tabular, rows
from tracker.projections.shape import Shape, date, integer, nested, text, texts

LEVELS: dict[str, int] = {rung: i + 1 for i, rung in enumerate(RUNGS)}
"""Ladder rung -> level (1 = contact .. 11 = ban_or_suspension)."""

StepKind = Literal["escalation", "step_down"]

STEP_KINDS: tuple[str, ...] = get_args(StepKind)
"""The two moves of a posture."""

PostureChangeKind = Literal["opened", "ended", "superseded"]

CHANGE_KINDS: tuple[str, ...] = get_args(PostureChangeKind)
"""What can happen to an action in a pair's history."""


@dataclass(frozen=True)
class PostureChange(Row):
    """One row of a pair's history: an action opened, ended or superseded."""

    SHAPE: ClassVar[Shape] = Shape(
        "posture_change",
        "One action of a regulator toward a target opened, ended or superseded, and the "
        "posture after it.",
        text("regulator", "the regulator"),
        text("target", "the target"),
        text("change", "opened, ended or superseded", choices=CHANGE_KINDS),
        date(
            "occurred",
            "when it happened: the action's date (opened), the ending's or the superseding "
            "action's (ended, superseded)",
        ),
        text("action", "the action opened or ended"),
        text("rung", "the action's rung", choices=RUNGS),
        integer("level", "the action's ladder level"),
        date("action_occurred", "the action's own date"),
        text(
            "event",
            "the event that made the change: the action itself, the ending or the superseding "
            "action",
        ),
        text(
            "by_rung",
            "the rung of the ending or superseding event (null for opened)",
            nullable=True,
            choices=(*RUNGS, *ENDINGS),
        ),
        text("restriction", "what the action imposes, if it says", nullable=True),
        text(
            "posture_rung",
            "the pair's posture after the change; null when nothing is open",
            nullable=True,
            choices=RUNGS,
        ),
        integer("posture_level", "the pair's ladder level after the change (0: none open)"),
    )

    regulator: str
    target: str
    change: PostureChangeKind
    occurred: PartialDate | None
    """When the change happened: the action's date (opened), the ending's or the superseding
    action's (ended, superseded)."""
    action: str
    """The action opened or ended."""
    rung: str
    """The action's rung."""
    event: str
    """The event that made the change: the action itself (opened), the ending, or the
    superseding action."""
    by_rung: str | None
    """The rung of the ending or superseding event (None for opened)."""
    restriction: str | None
    """What the action imposes, if it says (restriction_imposed, ban_or_suspension)."""
    action_occurred: PartialDate | None
    """The action's own date."""
    posture_rung: str | None
    """The pair's posture after the change (None: nothing open)."""
    sort_key: tuple[int, int, int] = field(default=(0, 0, 0), repr=False)
    """Occurred order of the event that made the change."""
    walked: tuple[int, int, int] = field(default=(0, 0, 0), repr=False)
    """Occurred order of the event whose walk wrote the row (the action itself, for an
    action ended by what sorts before it): rows are in this order, so walks of pairs that
    share no event merge exactly by it."""

    @property
    def level(self) -> int:
        """The action's level on the ladder."""
        return LEVELS.get(self.rung, 0)

    @property
    def posture_level(self) -> int:
        """The pair's level after the change (0: nothing open)."""
        return LEVELS.get(self.posture_rung or "", 0)


@dataclass(frozen=True)
class IgnoredEnding(Row):
    """An ending the log holds that does not fit the action it names: it changes nothing."""

    SHAPE: ClassVar[Shape] = Shape(
        "ignored_ending",
        "An ending the log holds that does not fit the action it names; posture ignores it.",
        text("event", "the ending"),
        text("regulator", "the ending's regulator"),
        text("target", "the ending's target"),
        text("rung", "closure, withdrawal or overturned", choices=ENDINGS),
        date("occurred", "when the ending occurred"),
        text("ends", "the action it names"),
        text("ended_regulator", "that action's regulator"),
        text("ended_target", "that action's target"),
        text("reason", "why it does not fit"),
    )

    event: str
    regulator: str
    target: str
    rung: str
    occurred: PartialDate | None
    ends: str
    ended_regulator: str
    ended_target: str
    reason: str
    """Why it does not fit (:func:`tracker.events.rules.ending_mismatch`)."""
    sort_key: tuple[int, int, int] = field(default=(0, 0, 0), repr=False)
    """Occurred order of the ending."""


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
        integer("level", "its ladder level (1 contact .. 11 ban_or_suspension; 0: none open)"),
        date("since", "when the posture last moved"),
        text("event", "the event of the last step"),
        text("jurisdiction", "the jurisdiction of the pair's actions", nullable=True),
        texts("open_actions", "every action still open, in occurred order"),
        texts("actions", "every action of the pair, closures included, in occurred order"),
        texts("holding", "the open actions at the rung (what holds it), in occurred order"),
        date("holding_since", "the first holding action's own date"),
        texts("restrictions", "what the actions in force impose"),
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
    holding: tuple[str, ...] = ()
    """The open actions at :attr:`rung` (what holds the posture), in occurred order."""
    holding_since: PartialDate | None = None
    """The date of the first of :attr:`holding` (its own date, not when the posture moved)."""
    restrictions: tuple[str, ...] = ()
    """What the actions in force impose (restriction_imposed, ban_or_suspension)."""

    @property
    def level(self) -> int:
        """Ladder level of :attr:`rung` (0: nothing open)."""
        return LEVELS.get(self.rung or "", 0)


@dataclass(frozen=True)
class Posture(Tabular):
    """Who stands where (one row per regulator and target) and every step that led there."""

    SHAPE: ClassVar[Shape] = Shape(
        "posture",
        "Each regulator's highest open rung toward each target, the history of its actions, "
        "every step that led there, and the endings ignored.",
        nested("current", PostureRow.SHAPE, "one row per regulator and target"),
        nested("steps", PostureStep.SHAPE, "every escalation and step down, in occurred order"),
        nested(
            "history",
            PostureChange.SHAPE,
            "every action opened, ended and superseded, in occurred order",
        ),
        nested("ignored", IgnoredEnding.SHAPE, "endings that do not fit the action they name"),
    )

    current: Rows[PostureRow]
    """One row per (regulator, target), ordered by regulator then target."""
    steps: Rows[PostureStep]
    """Every escalation and step down, in occurred order."""
    history: Rows[PostureChange] = field(default_factory=lambda: rows((), PostureChange))
    """Every action opened, ended and superseded, per pair in occurred order."""
    ignored: Rows[IgnoredEnding] = field(default_factory=lambda: rows((), IgnoredEnding))
    """Endings that do not fit the action they name (they change nothing)."""

    def of(self, regulator: str, target: str) -> PostureRow | None:
        """The row of one pair, or None."""
        return next(
            (r for r in self.current if r.regulator == regulator and r.target == target), None
        )

    def steps_of(self, regulator: str, target: str) -> Rows[PostureStep]:
        """The steps of one pair, in occurred order."""
        return rows(
            (s for s in self.steps if s.regulator == regulator and s.target == target),
            PostureStep,
        )

    def history_of(self, regulator: str, target: str) -> Rows[PostureChange]:
        """The actions of one pair opened, ended and superseded, in occurred order."""
        return rows(
            (h for h in self.history if h.regulator == regulator and h.target == target),
            PostureChange,
        )

    def table(self) -> dict[str, dict[str, str | None]]:
        """Who stands where across regulators: ``{target: {regulator: rung}}``, sorted."""
        out: dict[str, dict[str, str | None]] = {}
        for r in sorted(self.current, key=lambda r: (r.target, r.regulator)):
            out.setdefault(r.target, {})[r.regulator] = r.rung
        return out

    def _main_rows(self) -> Rows[PostureRow]:
        """The current rows (the main table; the others are attributes)."""
        return self.current

    def to_json(self) -> dict[str, Any]:
        """Current rows, steps, history and ignored endings."""
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
        walk = _Walk(self._actions)
        walk.run()

        def chosen(pair: tuple[str, str]) -> bool:
            return (regulator is None or pair[0] == regulator) and (
                target is None or pair[1] == target
            )

        current = [walk.row(pair) for pair in sorted(walk.members) if pair in walk.last]
        return Posture(
            rows((r for r in current if chosen((r.regulator, r.target))), PostureRow),
            rows((s for s in walk.steps if chosen((s.regulator, s.target))), PostureStep),
            rows((h for h in walk.history if chosen((h.regulator, h.target))), PostureChange),
            rows(
                (
                    i
                    for i in walk.ignored
                    if (regulator is None or regulator in (i.regulator, i.ended_regulator))
                    and (target is None or target in (i.target, i.ended_target))
                ),
                IgnoredEnding,
            ),
        )


class _Walk:
    """One walk of the ladder over every counted action, in occurred order."""

    def __init__(self, actions: dict[str, Entry]) -> None:
        self.actions = actions
        self.ordered = sorted(actions.values(), key=lambda e: e.sort_key)
        self.replaces: dict[str, list[str]] = {}  # superseding action id -> actions it replaces
        for e in self.ordered:
            if e.superseded_by is not None and e.superseded_by in actions:
                self.replaces.setdefault(e.superseded_by, []).append(e.id)
        self.open: dict[tuple[str, str], dict[str, int]] = {}
        self.rung_of: dict[tuple[str, str], str | None] = {}
        self.last: dict[tuple[str, str], tuple[PartialDate | None, str]] = {}
        self.members: dict[tuple[str, str], list[str]] = {}
        self.jurisdiction: dict[tuple[str, str], str | None] = {}
        self.ended: dict[str, Entry] = {}  # action id -> what ended it
        self.early: dict[str, tuple[Entry, PostureChangeKind]] = {}
        """Actions ended (by an ending or a supersession) that sorts before they open."""
        self.steps: list[PostureStep] = []
        self.history: list[PostureChange] = []
        self.ignored: list[IgnoredEnding] = []
        self.walking: tuple[int, int, int] = (0, 0, 0)
        """The occurred order of the event being walked."""

    @staticmethod
    def pair(entry: Entry) -> tuple[str, str]:
        ev: RegulatoryAction = entry.event  # type: ignore[assignment]
        return (ev.regulator, ev.target)

    def run(self) -> None:
        for e in self.ordered:
            self.walking = e.sort_key
            ev: RegulatoryAction = e.event  # type: ignore[assignment]
            if ev.rung in ENDINGS:
                self.ending(e, ev)
                continue
            pair = self.pair(e)
            self.members.setdefault(pair, []).append(e.id)
            self.jurisdiction[pair] = ev.jurisdiction or self.jurisdiction.get(pair)
            early = self.early.pop(e.id, None)
            self.note(pair, "opened", e, e)
            if early is not None:  # ended by what sorts before it: it never moves the posture
                self.ended[e.id] = early[0]
                self.note(pair, early[1], e, early[0])
            else:
                self.open.setdefault(pair, {})[e.id] = LEVELS[ev.rung]
                self.move(pair, e)
            for old in self.replaces.get(e.id, ()):
                self.end(self.actions[old], e, "superseded")

    def ending(self, e: Entry, ev: RegulatoryAction) -> None:
        ended = self.actions.get(ev.ends or "")
        if ended is None:
            return  # it ends an action not counted here (not yet happened, or retracted)
        problem = ending_mismatch(ev, ended.event)
        if problem is not None:
            gone: RegulatoryAction = ended.event  # type: ignore[assignment]
            self.ignored.append(
                IgnoredEnding(
                    e.id,
                    ev.regulator,
                    ev.target,
                    ev.rung,
                    ev.occurred,
                    ended.id,
                    gone.regulator,
                    gone.target,
                    problem,
                    e.sort_key,
                )
            )
            return
        self.members.setdefault(self.pair(ended), []).append(e.id)
        if ended.id in self.ended:
            return  # already ended (by an earlier ending or a supersession)
        if ended.id not in self.open.get(self.pair(ended), {}):
            self.early.setdefault(ended.id, (e, "ended"))  # ends it as it opens
            return
        self.end(ended, e, "ended")

    def end(self, action: Entry, by: Entry, kind: PostureChangeKind) -> None:
        if action.id in self.ended:
            return
        pair = self.pair(action)
        if self.open.get(pair, {}).pop(action.id, None) is None:
            self.early.setdefault(action.id, (by, kind))  # superseded before it opened
            return
        self.ended[action.id] = by
        self.note(pair, kind, action, by)
        self.move(pair, by)

    def note(
        self, pair: tuple[str, str], kind: PostureChangeKind, action: Entry, by: Entry
    ) -> None:
        """Add a history row, with the pair's posture as it stands (a :meth:`move` updates it)."""
        ev: RegulatoryAction = action.event  # type: ignore[assignment]
        self.history.append(
            PostureChange(
                pair[0],
                pair[1],
                kind,
                by.event.occurred,
                action.id,
                ev.rung,
                by.id,
                None if by is action else by.event.rung,  # type: ignore[union-attr]
                ev.restriction,
                ev.occurred,
                self.rung_of.get(pair),
                by.sort_key,
                self.walking,
            )
        )

    def move(self, pair: tuple[str, str], entry: Entry) -> None:
        opened = self.open.get(pair, {})
        top = max(opened.values(), default=0)
        new = RUNGS[top - 1] if top else None
        self.history[-1] = replace(self.history[-1], posture_rung=new)
        old = self.rung_of.get(pair)
        if new == old:
            return
        kind: StepKind = (
            "escalation" if LEVELS.get(new or "", 0) > LEVELS.get(old or "", 0) else "step_down"
        )
        self.steps.append(
            PostureStep(
                pair[0], pair[1], kind, entry.event.occurred, entry.id, old, new, entry.sort_key
            )
        )
        self.rung_of[pair] = new
        self.last[pair] = (entry.event.occurred, entry.id)

    def row(self, pair: tuple[str, str]) -> PostureRow:
        since, event = self.last[pair]
        opened = self.open.get(pair, {})
        in_force = [self.actions[a] for a in self.members[pair] if a in opened]
        rung = self.rung_of.get(pair)
        holding = [a for a in in_force if a.event.rung == rung]  # type: ignore[union-attr]
        return PostureRow(
            pair[0],
            pair[1],
            rung,
            since,
            event,
            self.jurisdiction.get(pair),
            tuple(a.id for a in in_force),
            tuple(self.members[pair]),
            tuple(a.id for a in holding),
            holding[0].event.occurred if holding else None,
            tuple(
                r
                for a in in_force
                if (r := a.event.restriction) is not None  # type: ignore[union-attr]
            ),
        )


__all__ = [
    "CHANGE_KINDS",
    "LEVELS",
    "STEP_KINDS",
    "IgnoredEnding",
    "Posture",
    "PostureChange",
    "PostureChangeKind",
    "PostureRow",
    "PostureStep",
    "Postures",
    "StepKind",
]
