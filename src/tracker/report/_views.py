"""What the report shows, taken from a replayed State: plain data, no drawing and no HTML.

:func:`collect` reads the State once and returns a :class:`ReportData` that the charts, the
page and the exports share, so a number in the event list, a marker on a chart and an item in
TimelineJS always name the same event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tracker.events.dates import PartialDate
from tracker.events.describe import describe, figure_text, listing_key
from tracker.events.models import (
    ENDINGS,
    Figure,
    Incident,
    PolicyChange,
    RegulatoryAction,
    Statement,
    Verification,
)
from tracker.events.units import get_unit
from tracker.projections.fold import Entry, FixEntry
from tracker.projections.posture import PostureRow
from tracker.projections.state import State
from tracker.report._text import endpoints

_HALF_DAY = timedelta(hours=12)


def _middle(date: PartialDate) -> datetime:
    a, b = date.earliest, date.latest
    assert a is not None and b is not None
    return a + (b - a) / 2


def anchor(date: PartialDate | None) -> datetime | None:
    """One instant to place a date on an axis: the middle of its interval; for an open one
    ("on or before 12 January"), the middle of its known end (noon on the 12th)."""
    if date is None:
        return None
    if date.earliest is not None and date.latest is not None:
        return _middle(date)
    start, end = endpoints(date)
    known = end if end is not None else start
    return None if known is None else _middle(known)


def anchor_id(event_id: str) -> str:
    """The HTML id of an event's row in the page (``e-`` and the event id)."""
    return f"e-{event_id}"


@dataclass(frozen=True, slots=True)
class EventItem:
    """One world event as the page lists it (numbered in listing order: "on or before D" at D)."""

    number: int
    entry: Entry
    lane: str
    """The actor whose row it sits on in the timeline chart (a display name)."""
    uncertain: bool
    """Its date straddles ``as_of``: possibly, not certainly, happened by then."""
    status: str = "untested"
    """Its strongest verdict at as_of (the disputes projection): ``untested``, ``confirmed``,
    ``partly_confirmed`` or ``contradicted``."""
    actor: str | None = None
    """The id of the actor whose row it sits on (:func:`lane_actor`; None: a publisher's)."""

    @property
    def id(self) -> str:
        """The event id."""
        return self.entry.id

    @property
    def type(self) -> str:
        """The event type tag."""
        return self.entry.type

    @property
    def date(self) -> PartialDate:
        """When it occurred."""
        occ = self.entry.event.occurred
        assert occ is not None
        return occ

    @property
    def disputed(self) -> bool:
        """Contested: contradicted or partly confirmed by someone (it still counts, marked)."""
        return self.status in ("contradicted", "partly_confirmed")

    def statuses(self) -> list[str]:
        """What a reader must know about it, in order: ``disputed`` (contradicted), ``partly
        confirmed`` or ``confirmed`` (its verdicts), ``uncertain`` (at as_of), ``corrected``,
        ``superseded``."""
        out = []
        if self.status == "contradicted":
            out.append("disputed")
        elif self.status == "partly_confirmed":
            out.append("partly confirmed")
        elif self.status == "confirmed":
            out.append("confirmed")
        if self.uncertain:
            out.append("uncertain")
        if self.entry.corrected_by:
            out.append("corrected")
        if self.entry.superseded_by:
            out.append("superseded")
        return out


@dataclass(frozen=True, slots=True)
class StancePoint:
    """A change of a holder's stance toward a topic (one row of ``State.stance_changes``)."""

    when: datetime
    stance: int | None
    """The position from then on; None once withdrawn (its statement retracted)."""
    event_id: str
    """The statement that set it, or for a withdrawal the retraction."""
    change: str
    """``new``, ``hardened``, ``softened``, ``reversed`` or ``withdrawn``."""
    previous_id: str | None
    previous: int | None
    """The position before (None for ``new``)."""


@dataclass(frozen=True, slots=True)
class FigurePoint:
    """One reported value of a metric, in the series' display unit."""

    when: datetime
    value: float | None
    lower: float | None
    upper: float | None
    approximate: bool
    reporter: str
    event_id: str
    disputed: bool
    superseded: bool
    corrections: tuple[str, ...] = ()
    """What corrections replaced (``corrected from 177 aircraft on DATE: reason``)."""


@dataclass(frozen=True, slots=True)
class FigureSeries:
    """A metric in one unit (converted within its dimension when units differ)."""

    metric: str
    unit: str
    unit_label: str
    points: tuple[FigurePoint, ...]


@dataclass(frozen=True, slots=True)
class PostureStep:
    """One change of a pair's history (``State.posture().history``) and its posture after it."""

    when: datetime | None
    """Where the posture changes: the start of the change's date, the order the projection
    walks in (None for an "on or before" date: it counts from the start)."""
    level: int
    """The highest rung still open after the change: 1-based on the ladder (0: none open)."""
    rung: str
    """That rung's name (``none`` for 0)."""
    event_id: str
    action: str
    """The action's own rung (opened), or what ended it: ``closure``, ``withdrawal``,
    ``overturned`` or ``superseded``."""
    action_level: int
    """The rung of the action opened or ended, on the ladder."""
    mark: datetime
    """Where the change's marker goes (the anchor of its date)."""

    @property
    def ending(self) -> bool:
        """Whether the change ends an action."""
        return self.action in (*ENDINGS, "superseded")


@dataclass
class ReportData:
    """Everything the report draws and lists."""

    state: State
    events: list[EventItem] = field(default_factory=list)
    by_id: dict[str, EventItem] = field(default_factory=dict)
    fixes: list[FixEntry] = field(default_factory=list)
    stances: dict[str, dict[str, list[StancePoint]]] = field(default_factory=dict)
    """topic -> holder -> points"""
    figures: list[FigureSeries] = field(default_factory=list)
    posture: dict[tuple[str, str], list[PostureStep]] = field(default_factory=dict)
    """(regulator, target) -> actions in date order, for the ladder chart"""
    posture_now: list[PostureRow] = field(default_factory=list)
    """Who stands where at the replay point (``State.posture().current``)."""

    def actor_name(self, actor: str | None) -> str:
        """An actor's display name (its id when it is not registered)."""
        if actor is None:
            return ""
        reg = self.state.actors.get(actor)
        return reg.name if reg is not None else actor

    def topic_name(self, topic: str) -> str:
        """A topic's display name."""
        reg = self.state.topics.get(topic)
        return reg.name if reg is not None else topic

    def headline(self, item: EventItem) -> str:
        """A one-line description of an event for lists, tooltips and slides: the one
        describer's (:func:`tracker.events.describe.describe`), actors by display name."""
        return describe(item.entry.event, name=self.actor_name)


def format_value(fig: Figure) -> str:
    """A figure's value with its unit in words: ``about 6,700 per hour``."""
    return figure_text(fig.value, fig.lower, fig.upper, fig.unit, fig.approximate)


def lane_actor(entry: Entry) -> str | None:
    """The actor an event belongs to on the timeline: who spoke, acted, reported or tested
    (None: it names no such actor)."""
    ev = entry.event
    if isinstance(ev, Statement):
        return ev.speaker
    if isinstance(ev, Figure):
        return ev.reported_by or ev.subject
    if isinstance(ev, PolicyChange):
        return ev.actor
    if isinstance(ev, RegulatoryAction):
        return ev.regulator
    if isinstance(ev, Verification):
        return ev.verifier
    if isinstance(ev, Incident) and ev.actors:
        return ev.actors[0]
    return None


def lane_of(data: ReportData, entry: Entry) -> str:
    """The name of the row an event sits on in the timeline: its :func:`lane_actor`'s, else
    its first source's publisher."""
    actor = lane_actor(entry)
    if actor is None:
        ev = entry.event
        return ev.sources[0].publisher if ev.sources else "other"
    return data.actor_name(actor)


def collect(state: State) -> ReportData:
    """Read everything the report needs from ``state`` and its projections."""
    data = ReportData(state)
    uncertain = {e.id for e in state.uncertain()}
    # numbered in listing order, as the command line lists them: "on or before D" at D
    entries = sorted(
        [*state.timeline(), *state.uncertain()], key=lambda e: listing_key(e.occurred, e.seq)
    )
    disputes = state.disputes()
    status = {c.event: c.status for c in disputes.claims}
    for number, entry in enumerate(entries, start=1):
        item = EventItem(
            number,
            entry,
            lane_of(data, entry),
            entry.id in uncertain,
            status.get(entry.id, "untested"),
            lane_actor(entry),
        )
        data.events.append(item)
        data.by_id[item.id] = item
    data.fixes = state.fixes()
    data.stances = _stances(state)
    data.figures = _figures(state)
    data.posture = _posture(state)
    data.posture_now = list(state.posture().current)
    return data


def _stances(state: State) -> dict[str, dict[str, list[StancePoint]]]:
    out: dict[str, dict[str, list[StancePoint]]] = {}
    dated = [(when, c) for c in state.stance_changes() if (when := anchor(c.occurred)) is not None]
    dated.sort(key=lambda wc: wc[0])  # in date order (stable), so each line runs left to right
    for when, change in dated:
        out.setdefault(change.topic, {}).setdefault(change.holder, []).append(
            StancePoint(
                when,
                change.position_after,
                change.after,
                change.kind,
                change.before,
                change.position_before,
            )
        )
    return out


def _figures(state: State) -> list[FigureSeries]:
    out = []
    for series in state.figures().series:
        groups: dict[str, list[Any]] = {}
        for point in series.points:
            unit = get_unit(point.unit)
            groups.setdefault(unit.dimension if unit else f"unit:{point.unit}", []).append(point)
        for members in groups.values():
            units = [p.unit for p in members]
            shown = max(dict.fromkeys(units), key=units.count)  # the commonest, first on ties
            label = get_unit(shown)
            points = []
            listed = sorted(enumerate(members), key=lambda ip: listing_key(ip[1].occurred, ip[0]))
            for _i, p in listed:  # in listing order, as `tracker figures` lists them
                when = anchor(p.occurred)
                if when is None:
                    continue
                q = p.to(shown)
                reporter = p.reporter or (p.publishers[0] if p.publishers else "")
                points.append(
                    FigurePoint(
                        when,
                        q.value,
                        q.lower,
                        q.upper,
                        q.approximate,
                        reporter,
                        p.id,
                        p.disputed,
                        p.superseded_by is not None,
                        p.corrections,
                    )
                )
            if points:
                out.append(
                    FigureSeries(
                        series.metric, shown, label.label if label else shown, tuple(points)
                    )
                )
    return out


def _posture(state: State) -> dict[tuple[str, str], list[PostureStep]]:
    """Each pair's history from the posture projection, each change with the posture after it,
    in the projection's order: the chart draws what ``tracker posture`` answers."""
    out: dict[tuple[str, str], list[PostureStep]] = {}
    for h in state.posture().history:
        mark = anchor(h.occurred)
        if mark is None:
            continue  # an action with no date: nothing to place
        action = h.rung if h.change == "opened" else h.by_rung or h.change
        if h.change == "superseded":
            action = "superseded"
        steps = out.setdefault((h.regulator, h.target), [])
        when = h.occurred.earliest if h.occurred is not None else None
        before = next((s.when for s in reversed(steps) if s.when is not None), None)
        if when is not None and before is not None and when < before:
            when = before  # an ending sorted before its action ends it as the action opens
        steps.append(
            PostureStep(
                when,
                h.posture_level,
                h.posture_rung or "none",
                h.event,
                action,
                h.level,
                mark,
            )
        )
    return out


__all__ = [
    "EventItem",
    "FigurePoint",
    "FigureSeries",
    "PostureStep",
    "ReportData",
    "StancePoint",
    "anchor",
    "anchor_id",
    "collect",
    "lane_actor",
    "format_value",
]
