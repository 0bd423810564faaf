"""What the report shows, taken from a replayed State: plain data, no drawing and no HTML.

:func:`collect` reads the State once and returns a :class:`ReportData` that the charts, the
page and the exports share, so a number in the event list, a marker on a chart and an item in
TimelineJS always name the same event.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tracker.events.dates import PartialDate
from tracker.events.models import (
    RUNGS,
    Figure,
    Incident,
    PolicyChange,
    RegulatoryAction,
    Statement,
    Verification,
)
from tracker.events.units import convert, get_unit
from tracker.projections.fold import Entry, FixEntry
from tracker.projections.state import State
from tracker.report._text import TYPE_LABELS, endpoints

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
    """One world event as the page lists it (numbered in occurred order)."""

    number: int
    entry: Entry
    lane: str
    """The actor whose row it sits on in the timeline chart (a display name)."""
    uncertain: bool
    """Its date straddles ``as_of``: possibly, not certainly, happened by then."""
    verdicts: tuple[Verification, ...] = ()
    """Verifications of it (counted ones), oldest first."""

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
        """A verification contradicts it (it still counts, marked)."""
        return any(v.verdict == "contradicted" for v in self.verdicts)

    @property
    def partly(self) -> bool:
        """A verification only partly confirms it."""
        return any(v.verdict == "partly_confirmed" for v in self.verdicts)

    def statuses(self) -> list[str]:
        """What a reader must know about it, in order: ``disputed``, ``partly confirmed`` or
        ``confirmed`` (by its verifications), ``uncertain`` (at as_of), ``corrected``,
        ``superseded``."""
        out = []
        if self.disputed:
            out.append("disputed")
        elif self.partly:
            out.append("partly confirmed")
        elif self.verdicts:
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
    """A holder's stance toward a topic from one statement on, and how it changed."""

    when: datetime
    stance: int
    event_id: str
    change: str
    """``new``, ``hardened``, ``softened``, ``reversed`` or ``unchanged``."""
    previous_id: str | None


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


@dataclass(frozen=True, slots=True)
class FigureSeries:
    """A metric in one unit (converted within its dimension when units differ)."""

    metric: str
    unit: str
    unit_label: str
    points: tuple[FigurePoint, ...]


@dataclass(frozen=True, slots=True)
class PostureStep:
    """A regulator's posture toward a target after one action: the highest rung still open."""

    when: datetime
    level: int
    """1-based index of the rung on the ladder (0: nothing open)."""
    rung: str
    event_id: str


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
    """(regulator, target) -> steps"""

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
        """A one-line description of an event for lists and tooltips."""
        ev = item.entry.event
        if ev.summary:
            return ev.summary
        name = self.actor_name
        if isinstance(ev, Statement):
            return f"{name(ev.speaker)}: \u201c{ev.quote}\u201d"
        if isinstance(ev, Figure):
            return f"{ev.metric.replace('_', ' ')}: {format_value(ev)}"
        if isinstance(ev, PolicyChange):
            return f"{name(ev.actor)} changes {ev.rule}: {ev.after}"
        if isinstance(ev, RegulatoryAction):
            return f"{name(ev.regulator)}: {ev.rung.replace('_', ' ')} ({name(ev.target)})"
        if isinstance(ev, Verification):
            return f"{name(ev.verifier)} checks {ev.target}: {ev.verdict.replace('_', ' ')}"
        if isinstance(ev, Incident):
            return ev.harm
        return TYPE_LABELS.get(ev.type, ev.type)


def format_number(value: float) -> str:
    """``6700`` -> ``6,700``; ``1.46`` -> ``1.46``."""
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.6g}"


def format_value(fig: Figure) -> str:
    """A figure's value with its unit in words: ``about 6,700 per hour``."""
    unit = get_unit(fig.unit)
    label = unit.label if unit is not None else fig.unit
    if fig.value is not None:
        text = format_number(fig.value)
    elif fig.lower is not None and fig.upper is not None:
        text = f"{format_number(fig.lower)}\u2013{format_number(fig.upper)}"
    elif fig.lower is not None:
        text = f"at least {format_number(fig.lower)}"
    else:
        assert fig.upper is not None
        text = f"at most {format_number(fig.upper)}"
    sep = "" if label == "%" else " "
    return f"{'about ' if fig.approximate else ''}{text}{sep}{label}"


def lane_of(data: ReportData, entry: Entry) -> str:
    """The actor an event belongs to on the timeline: who spoke, acted, reported or tested."""
    ev = entry.event
    actor: str | None = None
    if isinstance(ev, Statement):
        actor = ev.speaker
    elif isinstance(ev, Figure):
        actor = ev.reported_by or ev.subject
    elif isinstance(ev, PolicyChange):
        actor = ev.actor
    elif isinstance(ev, RegulatoryAction):
        actor = ev.regulator
    elif isinstance(ev, Verification):
        actor = ev.verifier
    elif isinstance(ev, Incident) and ev.actors:
        actor = ev.actors[0]
    if actor is None:
        return ev.sources[0].publisher if ev.sources else "other"
    return data.actor_name(actor)


def _classify(before: int | None, after: int) -> str:
    if before is None:
        return "new"
    if after == before:
        return "unchanged"
    if before * after < 0:
        return "reversed"
    if after == 0 or abs(after) < abs(before):
        return "softened"
    return "hardened"


def collect(state: State) -> ReportData:
    """Read everything the report needs from ``state``."""
    data = ReportData(state)
    entries = list(state.timeline())
    uncertain = {e.id for e in state.uncertain()}
    entries += [e for e in state.uncertain()]
    entries.sort(key=lambda e: e.sort_key)
    verdicts: dict[str, list[Verification]] = defaultdict(list)
    for entry in entries:
        ev = entry.event
        if isinstance(ev, Verification) and entry.id not in uncertain:
            verdicts[ev.target].append(ev)
    for number, entry in enumerate(entries, start=1):
        item = EventItem(
            number,
            entry,
            lane_of(data, entry),
            entry.id in uncertain,
            tuple(verdicts.get(entry.id, ())),
        )
        data.events.append(item)
        data.by_id[item.id] = item
    data.fixes = state.fixes()
    counted = [i for i in data.events if not i.uncertain]
    data.stances = _stances(counted)
    data.figures = _figures(counted)
    data.posture = _posture(counted)
    return data


def _stances(items: list[EventItem]) -> dict[str, dict[str, list[StancePoint]]]:
    out: dict[str, dict[str, list[StancePoint]]] = {}
    for item in sorted(items, key=lambda i: (anchor(i.date), i.number)):
        ev = item.entry.event
        if not isinstance(ev, Statement) or ev.stance is None or ev.topic is None:
            continue
        if item.entry.superseded_by is not None:
            continue
        when = anchor(ev.occurred)
        assert when is not None
        series = out.setdefault(ev.topic, {}).setdefault(ev.speaker, [])
        prev = series[-1] if series else None
        series.append(
            StancePoint(
                when,
                ev.stance,
                item.id,
                _classify(prev.stance if prev else None, ev.stance),
                prev.event_id if prev else None,
            )
        )
    return out


def _figures(items: list[EventItem]) -> list[FigureSeries]:
    groups: dict[tuple[str, str], list[tuple[EventItem, Figure]]] = {}
    for item in items:
        ev = item.entry.event
        if not isinstance(ev, Figure):
            continue
        unit = get_unit(ev.unit)
        key = (ev.metric, unit.dimension if unit is not None else f"unit:{ev.unit}")
        groups.setdefault(key, []).append((item, ev))
    out = []
    for (metric, _dim), members in groups.items():
        units = [f.unit for _i, f in members]
        display = max(set(units), key=lambda u: (units.count(u), -units.index(u)))
        unit = get_unit(display)

        def conv(value: float | None, code: str, display: str = display) -> float | None:
            if value is None or code == display:
                return value
            return convert(value, code, display)

        points = []
        for item, fig in members:
            when = anchor(fig.occurred)
            assert when is not None
            points.append(
                FigurePoint(
                    when,
                    conv(fig.value, fig.unit),
                    conv(fig.lower, fig.unit),
                    conv(fig.upper, fig.unit),
                    fig.approximate,
                    fig.reported_by or (fig.sources[0].publisher if fig.sources else ""),
                    item.id,
                    item.disputed,
                    item.entry.superseded_by is not None,
                )
            )
        out.append(FigureSeries(metric, display, unit.label if unit else display, tuple(points)))
    return out


def _posture(items: list[EventItem]) -> dict[tuple[str, str], list[PostureStep]]:
    out: dict[tuple[str, str], list[PostureStep]] = {}
    open_actions: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for item in sorted(items, key=lambda i: (anchor(i.date), i.number)):
        ev = item.entry.event
        if not isinstance(ev, RegulatoryAction) or item.entry.superseded_by is not None:
            continue
        key = (ev.regulator, ev.target)
        actions = open_actions[key]
        if ev.ends is not None:
            actions.pop(ev.ends, None)
        else:
            actions[item.id] = RUNGS.index(ev.rung) + 1
        level = max(actions.values(), default=0)
        when = anchor(ev.occurred)
        assert when is not None
        out.setdefault(key, []).append(
            PostureStep(when, level, RUNGS[level - 1] if level else "none", item.id)
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
    "format_number",
    "format_value",
]
