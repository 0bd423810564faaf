"""Figure series: per metric, values with units, bounds kept, conversion on request, standing marked."""

from __future__ import annotations

import pytest

from tracker.errors import InvalidInputError, UnknownIdError


@pytest.fixture
def figs(book):
    """Actors for figures: a company, a reporter, a checker."""
    book.actor("acme")
    book.actor("wire", "media")
    book.actor("checker", "media")
    return book


@pytest.mark.parametrize(
    ("value", "given", "wanted", "expected"),
    [
        (6700, "per_hour", "per_day", 160800.0),
        (160800, "per_day", "per_hour", 6700.0),
        (120, "per_hour", "per_minute", 2.0),
        (2, "per_minute", "per_hour", 120.0),
        (1, "per_day", "per_week", 7.0),
        (3600, "per_hour", "per_second", 1.0),
        (1.46, "USD_billion", "USD_million", 1460.0),
        (1460, "USD_million", "USD_billion", 1.46),
        (20, "USD_billion", "USD", 20_000_000_000.0),
        (250, "USD_thousand", "USD_million", 0.25),
        (3.5, "EUR_million", "EUR_thousand", 3500.0),
        (2, "GBP_billion", "GBP_million", 2000.0),
        (2.5, "million", "thousand", 2500.0),
        (1500, "million", "billion", 1.5),
        (40, "thousand", "count", 40000.0),
        (60, "percent", "percent", 60.0),
        (4, "percentage_point", "percentage_point", 4.0),
        (90, "minute", "hour", 1.5),
        (2, "week", "day", 14.0),
        (1, "day", "second", 86400.0),
    ],
)
def test_every_conversion_through_the_units_table(figs, value, given, wanted, expected):
    """A value converts within its dimension to the unit asked for, keeping the value as given."""
    figs.figure("f", "m", value, given, "2026-01-05", subject="acme")
    point = figs.state().figures(unit=wanted).points[0]
    assert (point.value, point.unit) == (expected, wanted)
    assert (point.given_value, point.given_unit) == (float(value), given)
    assert point.converted == (given != wanted)


def test_bounds_and_approximate_are_kept_and_converted(figs):
    """A range stays a range in any unit, and 'about' stays about."""
    figs.figure(
        "r", "images", None, "per_hour", "2026-01-05", lower=6000, upper=7000, approximate=True
    )
    figs.figure("atleast", "images", None, "per_hour", "2026-01-06", lower=100)
    table = figs.state().figures(unit="per_day")
    first, second = table["images"].points
    assert (first.value, first.lower, first.upper, first.approximate) == (
        None,
        144000.0,
        168000.0,
        True,
    )
    assert first.text == "about 144,000-168,000 per day"
    assert (first.given_lower, first.given_upper, first.given_unit) == (6000.0, 7000.0, "per_hour")
    assert (second.lower, second.upper, second.text) == (2400.0, None, "at least 2,400 per day")


def test_units_are_never_mixed_silently(figs):
    """Without a unit each point keeps its own and the series says it is mixed; with one, all convert."""
    figs.figure("a", "images", 6700, "per_hour", "2026-01-05")
    figs.figure("b", "images", 100000, "per_day", "2026-01-06")
    state = figs.state()
    series = state.figures(metric="images")["images"]
    assert [(p.value, p.unit) for p in series.points] == [
        (6700.0, "per_hour"),
        (100000.0, "per_day"),
    ]
    assert (series.units, series.mixed_units) == (("per_hour", "per_day"), True)
    converted = state.figures(metric="images", unit="per_day")["images"]
    assert [(p.value, p.unit) for p in converted.points] == [
        (160800.0, "per_day"),
        (100000.0, "per_day"),
    ]
    assert converted.mixed_units is False


def test_conversion_across_dimensions_is_refused(figs):
    """Asking for one unit over figures of another dimension is an error naming the figure, not a mix."""
    figs.figure("loss", "net_loss", 1.46, "USD_billion", "2026-01-05")
    figs.figure("rate", "images", 6700, "per_hour", "2026-01-05")
    state = figs.state()
    with pytest.raises(
        InvalidInputError, match=r"figure loss \(net_loss\): cannot convert USD_billion"
    ):
        state.figures(unit="per_day")
    with pytest.raises(InvalidInputError, match="cannot convert USD_billion .* to EUR"):
        state.figures(metric="net_loss", unit="EUR")
    assert state.figures(metric="images", unit="per_day").points[0].value == 160800.0


def test_unknown_units(figs):
    """A unit outside the table is kept as given but never converted; an unknown target unit gets a hint."""
    figs.figure("odd", "reach", 5, "lakh", "2026-01-05")
    state = figs.state()
    assert state.figures().points[0].text == "5 lakh"
    with pytest.raises(InvalidInputError, match="'lakh', which is not in the units table"):
        state.figures(unit="count")
    with pytest.raises(InvalidInputError, match="unknown unit 'per_days'; did you mean 'per_day'"):
        state.figures(unit="per_days")


def test_series_per_metric_in_occurred_order_with_reporter_and_subject(figs):
    """Series are sorted by metric, points by occurred date; filters pick subject and reporter."""
    figs.figure("z2", "zeta", 2, "count", "2026-01-09", subject="acme", reported_by="wire")
    figs.figure("z1", "zeta", 1, "count", "2026-01-03", subject="acme", reported_by="checker")
    figs.figure("a1", "alpha", 5, "percent", "2025", subject="wire", period="2025")
    state = figs.state()
    table = state.figures()
    assert table.metrics() == ["alpha", "zeta"]
    assert [p.id for p in table.points] == ["a1", "z1", "z2"]
    assert [p.id for p in state.figures(subject="acme").points] == ["z1", "z2"]
    assert [p.id for p in state.figures(reporter="wire").points] == ["z2"]
    assert table["alpha"].points[0].period.text == "2025"
    with pytest.raises(UnknownIdError, match="did you mean 'acme'"):
        state.figures(subject="acm")


def test_standing_marks_verdicts_corrections_and_supersessions(figs):
    """Contradicted, confirmed, corrected and superseded figures stay in the series, each marked."""
    figs.figure("f1", "images", 6700, "per_hour", "2026-01-02", approximate=True)
    figs.figure("f2", "images", 5000, "per_hour", "2026-01-03")
    figs.figure("f3", "images", 4000, "per_hour", "2026-01-04")
    figs.figure("f4", "images", 4500, "per_hour", "2026-01-05")
    figs.verify("v1", "checker", "f1", "contradicted", "2026-01-06")
    figs.verify("v2", "wire", "f1", "confirmed", "2026-01-07")
    figs.verify("v3", "checker", "f2", "confirmed", "2026-01-06")
    figs.verify("v4", "checker", "f3", "partly_confirmed", "2026-01-06")
    figs.correct("c1", "f2", value=5200)
    figs.supersede("s1", "f3", "f4")
    points = figs.state().figures()["images"].points
    assert [
        (p.id, p.value, p.status, p.disputed, p.verdicts, p.corrected_by, p.superseded_by)
        for p in points
    ] == [
        ("f1", 6700.0, "contradicted", True, ("checker:contradicted", "wire:confirmed"), (), None),
        ("f2", 5200.0, "confirmed", False, ("checker:confirmed",), ("c1",), None),
        ("f3", 4000.0, "partly_confirmed", True, ("checker:partly_confirmed",), (), "f4"),
        ("f4", 4500.0, "untested", False, (), (), None),
    ]


def test_verdicts_obey_as_of(figs):
    """A verification published after as_of does not mark the figure yet."""
    figs.figure("f1", "images", 6700, "per_hour", "2026-01-02")
    figs.verify("v1", "checker", "f1", "contradicted", "2026-01-06")
    assert figs.state(as_of="2026-01-05").figures().points[0].status == "untested"
    assert figs.state(as_of="2026-01-06").figures().points[0].status == "contradicted"


def test_retracted_figure_leaves_the_series(figs):
    """A retracted figure is gone from every series."""
    figs.figure("f1", "images", 6700, "per_hour", "2026-01-02")
    figs.figure("f2", "images", 10, "per_hour", "2026-01-03")
    figs.retract("r1", "f2")
    assert [p.id for p in figs.state().figures().points] == ["f1"]


def test_records_flat_with_given_and_converted_columns(figs):
    """A point's record holds the converted and the given value side by side."""
    figs.figure(
        "f1",
        "images",
        6700,
        "per_hour",
        "2026-01-01..2026-01-12",
        approximate=True,
        subject="acme",
        reported_by="wire",
    )
    record = figs.state().figures(unit="per_day").to_records()[0]
    assert record == {
        "id": "f1",
        "metric": "images",
        "subject": "acme",
        "reporter": "wire",
        "occurred": "2026-01-01..2026-01-12",
        "occurred_earliest": "2026-01-01T00:00:00.000000Z",
        "occurred_latest": "2026-01-12T23:59:59.999999Z",
        "occurred_precision": "day",
        "occurred_approximate": False,
        "occurred_at": "2026-01-01T00:00:00.000000Z",
        "period": None,
        "period_earliest": None,
        "period_latest": None,
        "period_precision": None,
        "period_approximate": None,
        "period_at": None,
        "value": 160800.0,
        "lower": None,
        "upper": None,
        "unit": "per_day",
        "approximate": True,
        "unquantified": False,
        "text": "about 160,800 per day",
        "given_value": 6700.0,
        "given_lower": None,
        "given_upper": None,
        "given_unit": "per_hour",
        "status": "untested",
        "disputed": False,
        "verdicts": [],
        "corrected_by": [],
        "corrections": [],
        "superseded_by": None,
        "publishers": ["Example News"],
    }


def test_an_unquantified_figure_has_no_number(book):
    """'Loose bolts were found': recorded with unquantified, no value or bounds, and said so."""
    from tracker.errors import InvalidEventError

    book.actors("faa:regulator", "maker:company")
    book.figure("bolts", "loose_bolts_found", None, "count", "2024-01-15", unquantified=True)
    point = book.state().figures().points[0]
    assert (point.unquantified, point.exact, point.value, point.lower) == (True, False, None, None)
    assert point.text == "an unquantified number (count)"
    assert point.record()["unquantified"] is True
    with pytest.raises(InvalidEventError, match="an unquantified figure has no value"):
        book.figure("b2", "loose_bolts_found", 3, "count", "2024-01-15", unquantified=True)
    with pytest.raises(InvalidEventError, match="unquantified: true"):
        book.figure("b3", "loose_bolts_found", None, "count", "2024-01-15")


def test_a_lower_bound_alone_is_not_a_value(book):
    """A lower bound alone reads 'at least', and is not exact."""
    book.figure("min", "aircraft_inspected", None, "count", "2024-01-15", lower=1)
    point = book.state().figures().points[0]
    assert (point.value, point.lower, point.exact, point.text) == (None, 1, False, "at least 1 count")
