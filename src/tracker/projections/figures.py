"""Figure series: per metric, the reported values over time with their units and their standing.

Every counted figure is one point: its value (or its bounds, kept as bounds), its unit as
given, whether it is approximate, the period it covers, who reported it and about whom, and
its standing: the verdicts on it (a contradicted figure still counts and is marked disputed),
the corrections that replaced it, and the event that superseded it.

Points are grouped per metric and ordered on the occurred clock (earliest, latest, sequence
number). Units are never mixed silently: each point keeps its own unit, a series says which
units it holds, and conversion happens only on request (``unit="per_day"``), through the units
table (:mod:`tracker.events.units`), for every selected point alike. A point whose unit is
not in the table, or measures another dimension, is refused with a message naming it rather
than left behind in another unit. No metric is special-cased: the unit alone decides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, overload

from tracker.errors import InvalidInputError
from tracker.events.dates import PartialDate
from tracker.events.describe import figure_text
from tracker.events.models import Figure
from tracker.events.units import convert, get_unit, suggest_unit
from tracker.projections.disputes import STATUSES, Status, Verifications, is_disputed
from tracker.projections.fold import Entry
from tracker.projections.results import Row, Rows, Tabular, rows
from tracker.projections.shape import Shape, boolean, date, nested, number, text, texts


@dataclass(frozen=True)
class FigurePoint(Row):
    """One reported figure in a series."""

    SHAPE: ClassVar[Shape] = Shape(
        "figure_point",
        "One reported figure: its value or bounds, unit, dates, reporter and standing.",
        text("id", "the figure event's id"),
        text("metric", "what is measured"),
        text("subject", "the actor the figure is about", nullable=True),
        text("reporter", "the actor who reported it", nullable=True),
        date("occurred", "when it was reported to hold"),
        date("period", "the period it covers"),
        number("value", "the value, in unit (null when only bounds are known)", nullable=True),
        number("lower", "the lower bound, in unit", nullable=True),
        number("upper", "the upper bound, in unit", nullable=True),
        text("unit", "the unit of value, lower and upper (the requested one after a conversion)"),
        boolean("approximate", "whether the value was given as approximate"),
        boolean(
            "unquantified",
            "whether it was reported with no number (no value, no bounds)",
            get=lambda p: p.unquantified,
        ),
        text("text", "the value in words: 'about 6,700 per hour'"),
        number("given_value", "the value as reported, in given_unit", nullable=True),
        number("given_lower", "the lower bound as reported", nullable=True),
        number("given_upper", "the upper bound as reported", nullable=True),
        text("given_unit", "the unit it was reported in"),
        text("status", "the strongest verdict on it", choices=STATUSES),
        boolean("disputed", "whether a verifier contradicted or only partly confirmed it"),
        texts("verdicts", "'verifier:verdict' for each verdict, in occurred order"),
        texts("corrected_by", "corrections that replaced it, oldest first"),
        texts(
            "corrections",
            "one line per correction: 'corrected from 177 aircraft on DATE: reason'",
        ),
        text("superseded_by", "the event that superseded it", nullable=True),
        texts("publishers", "the publishers of its sources"),
    )

    id: str
    metric: str
    subject: str | None
    reporter: str | None
    occurred: PartialDate | None
    period: PartialDate | None
    value: float | None
    lower: float | None
    upper: float | None
    unit: str
    """The unit of value, lower and upper (the requested unit after a conversion)."""
    approximate: bool
    publishers: tuple[str, ...]
    status: Status = "untested"
    """The strongest verdict on it: untested, confirmed, partly_confirmed or contradicted."""
    verdicts: tuple[str, ...] = ()
    """``verifier:verdict`` for each verdict, in occurred order."""
    corrected_by: tuple[str, ...] = ()
    superseded_by: str | None = None
    corrections: tuple[str, ...] = ()
    """One line per correction: ``corrected from 177 aircraft on 2024-01-13: reason``."""
    given_value: float | None = None
    """The value as reported, in ``given_unit`` (differs from ``value`` after a conversion)."""
    given_lower: float | None = None
    given_upper: float | None = None
    given_unit: str = ""
    sort_key: tuple[int, int, int] = field(default=(0, 0, 0), repr=False)
    """Occurred order (earliest, latest, sequence number)."""

    @property
    def disputed(self) -> bool:
        """Whether a verifier contradicted it or only partly confirmed it."""
        return is_disputed(self.status)

    @property
    def corrected(self) -> bool:
        """Whether a correction replaced the figure as first recorded."""
        return bool(self.corrected_by)

    @property
    def converted(self) -> bool:
        """Whether the value was converted from the unit it was reported in."""
        return self.unit != self.given_unit

    @property
    def unquantified(self) -> bool:
        """Reported with no number: no value and no bounds."""
        return self.value is None and self.lower is None and self.upper is None

    @property
    def exact(self) -> bool:
        """Whether the point has one value (not bounds, not unquantified)."""
        return self.value is not None

    @property
    def text(self) -> str:
        """The value in words: ``about 6,700 per hour``."""
        return figure_text(self.value, self.lower, self.upper, self.unit, self.approximate)

    def to(self, unit: str) -> FigurePoint:
        """This point with value and bounds in ``unit`` (same dimension), keeping the given ones.

        Raises:
            InvalidInputError: the units are unknown or measure different dimensions.
        """
        if unit == self.unit:
            return self
        if get_unit(self.unit) is None:
            msg = (
                f"figure {self.id} ({self.metric}) is in '{self.unit}', which is not in the "
                f"units table, so it cannot be converted to {unit}; leave out the unit, or "
                "filter by metric"
            )
            raise InvalidInputError(msg)
        try:
            return replace(
                self,
                value=None if self.value is None else convert(self.value, self.unit, unit),
                lower=None if self.lower is None else convert(self.lower, self.unit, unit),
                upper=None if self.upper is None else convert(self.upper, self.unit, unit),
                unit=unit,
            )
        except InvalidInputError as exc:
            msg = f"figure {self.id} ({self.metric}): {exc}; filter by metric to convert one series"
            raise InvalidInputError(msg) from None



@dataclass(frozen=True)
class FigureSeries(Tabular):
    """The points of one metric, in occurred order."""

    SHAPE: ClassVar[Shape] = Shape(
        "figure_series",
        "The points of one metric, in occurred order, and the units they are in.",
        text("metric", "what is measured"),
        texts("units", "the distinct units of its points, in order of first appearance"),
        nested("points", FigurePoint.SHAPE, "the points, in occurred order"),
    )

    metric: str
    points: Rows[FigurePoint]

    @property
    def units(self) -> tuple[str, ...]:
        """The distinct units the points are in, in order of first appearance."""
        return tuple(dict.fromkeys(p.unit for p in self.points))

    @property
    def mixed_units(self) -> bool:
        """Whether the points are in more than one unit (convert with ``unit=`` to compare)."""
        return len(self.units) > 1

    def _main_rows(self) -> Rows[FigurePoint]:
        """The points."""
        return self.points

    def to_json(self) -> dict[str, Any]:
        """The metric, its units and its points."""
        return self.SHAPE.dump(self)


@dataclass(frozen=True)
class FigureTable(Tabular):
    """Figure series, one per metric, ordered by metric."""

    series: tuple[FigureSeries, ...] = ()
    unit: str | None = None
    """The unit every value was converted to, if one was requested."""

    def __iter__(self) -> Iterator[FigureSeries]:
        return iter(self.series)

    def __len__(self) -> int:
        return len(self.series)

    @overload
    def __getitem__(self, key: int) -> FigureSeries: ...
    @overload
    def __getitem__(self, key: str) -> FigureSeries: ...
    def __getitem__(self, key: int | str) -> FigureSeries:
        if isinstance(key, int):
            return self.series[key]
        for s in self.series:
            if s.metric == key:
                return s
        raise KeyError(key)

    def metrics(self) -> list[str]:
        """The metrics, in order."""
        return [s.metric for s in self.series]

    @property
    def points(self) -> Rows[FigurePoint]:
        """Every point, metric by metric, each series in occurred order."""
        return rows((p for s in self.series for p in s.points), FigurePoint)

    def _main_rows(self) -> Rows[FigurePoint]:
        """Every point (one table across the metrics)."""
        return self.points

    def to_json(self) -> list[dict[str, Any]]:
        """One object per series."""
        return FigureSeries.SHAPE.dump_all(self.series)


class Figures:
    """Projection: counted figures, indexed by metric, with their verdicts looked up on query."""

    TAKES = (Figure,)

    def __init__(
        self,
        verifications: Verifications,
        corrections: Callable[[str], tuple[str, ...]] | None = None,
    ) -> None:
        """Start empty; ``verifications`` gives the verdicts on each figure, ``corrections``
        the line describing each correction of one (by event id)."""
        self._by_metric: dict[str, dict[str, Entry]] = {}
        self._verifications = verifications
        self._corrections = corrections

    def add(self, entry: Entry) -> None:
        """Fold in a figure; other events are ignored."""
        if isinstance(entry.event, Figure):
            self._by_metric.setdefault(entry.event.metric, {})[entry.id] = entry

    def remove(self, entry: Entry) -> None:
        """Take a figure out."""
        if isinstance(entry.event, Figure):
            found = self._by_metric.get(entry.event.metric)
            if found is not None:
                found.pop(entry.id, None)
                if not found:
                    del self._by_metric[entry.event.metric]

    def metrics(self) -> list[str]:
        """Every metric with a counted figure, sorted."""
        return sorted(self._by_metric)

    def point(self, entry: Entry) -> FigurePoint:
        """The point for one figure entry, with its standing."""
        ev: Figure = entry.event  # type: ignore[assignment]
        status, verdicts = self._verifications.status_of(entry.id)
        return FigurePoint(
            entry.id,
            ev.metric,
            ev.subject,
            ev.reported_by,
            ev.occurred,
            ev.period,
            ev.value,
            ev.lower,
            ev.upper,
            ev.unit,
            ev.approximate,
            tuple(dict.fromkeys(s.publisher for s in ev.sources)),
            status,
            tuple(f"{v.verifier}:{v.verdict}" for v in verdicts),
            entry.corrected_by,
            entry.superseded_by,
            self._corrections(entry.id)
            if self._corrections is not None and entry.corrected_by
            else (),
            ev.value,
            ev.lower,
            ev.upper,
            ev.unit,
            entry.sort_key,
        )

    def table(
        self,
        *,
        metric: str | None = None,
        subject: str | None = None,
        reporter: str | None = None,
        unit: str | None = None,
    ) -> FigureTable:
        """The series, filtered, optionally converted to one unit.

        Raises:
            InvalidInputError: ``unit`` is unknown, or a selected figure cannot be converted.
        """
        if unit is not None and get_unit(unit) is None:
            hint = suggest_unit(unit)
            msg = f"unknown unit '{unit}'" + (f"; did you mean '{hint}'?" if hint else "")
            raise InvalidInputError(msg)
        metrics = [metric] if metric is not None else self.metrics()
        series = []
        for m in metrics:
            entries = sorted(self._by_metric.get(m, {}).values(), key=lambda e: e.sort_key)
            points = []
            for entry in entries:
                ev: Figure = entry.event  # type: ignore[assignment]
                if subject is not None and ev.subject != subject:
                    continue
                if reporter is not None and ev.reported_by != reporter:
                    continue
                p = self.point(entry)
                points.append(p.to(unit) if unit is not None else p)
            if points:
                series.append(FigureSeries(m, rows(points, FigurePoint)))
        return FigureTable(tuple(series), unit)


__all__ = ["FigurePoint", "FigureSeries", "FigureTable", "Figures"]
