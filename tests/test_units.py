"""Tests for tracker.events.units: the units table and conversion within a dimension."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.errors import InvalidInputError
from tracker.events import units
from tracker.events.units import (
    UNITS,
    Unit,
    base_unit,
    convert,
    get_unit,
    is_known,
    markdown_table,
    same_dimension,
    suggest_unit,
)


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        (6700, "per_hour", "per_day", 160800.0),
        (160800, "per_day", "per_hour", 6700.0),
        (1.46, "USD_billion", "USD_million", 1460.0),
        (20, "USD_billion", "USD", 20_000_000_000.0),
        (20_000_000_000, "USD", "USD_billion", 20.0),
        (0.1, "EUR_million", "EUR_thousand", 100.0),
        (3, "GBP_thousand", "GBP", 3000.0),
        (2.5, "million", "thousand", 2500.0),
        (1, "per_second", "per_week", 604800.0),
        (6700, "per_hour", "per_minute", 6700 / 60),
        (0.1, "thousand", "count", 100.0),
        (0.3, "billion", "million", 300.0),
        (1 / 3, "hour", "minute", 20.0),
        (90, "minute", "hour", 1.5),
        (2, "week", "day", 14.0),
        (1, "day", "second", 86400.0),
        (12.5, "percent", "percent", 12.5),
        (0, "billion", "count", 0.0),
        (-1.46, "USD_billion", "USD_million", -1460.0),
    ],
)
def test_convert(value: float, source: str, target: str, expected: float) -> None:
    """Conversions within a dimension are exact where the decimal answer is, without float noise."""
    assert convert(value, source, target) == expected


def test_convert_keeps_precision_beyond_noise() -> None:
    """Only float noise is snapped away: genuine digits past the twelfth are kept."""
    assert convert(123456789012345.0, "count", "count") == 123456789012345.0
    assert convert(123456789012345.0, "count", "thousand") == 123456789012.345
    assert convert(0.1 + 0.2, "USD", "USD") == 0.1 + 0.2
    assert convert(0.1 + 0.2, "USD", "USD_thousand") == 0.0003
    assert convert(6700, "per_hour", "per_second") == 6700 / 3600


def test_convert_passes_inf_and_nan() -> None:
    """Non-finite values pass through the rounding unchanged."""
    assert convert(math.inf, "thousand", "count") == math.inf
    assert math.isnan(convert(math.nan, "thousand", "count"))


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        (
            "USD_billion",
            "per_hour",
            (
                "cannot convert USD_billion (currency USD) to per_hour (count rate): "
                "different dimensions"
            ),
        ),
        (
            "USD",
            "EUR",
            "cannot convert USD (currency USD) to EUR (currency EUR): different dimensions",
        ),
        (
            "percent",
            "percentage_point",
            (
                "cannot convert percent (percent) to percentage_point (percentage points): "
                "different dimensions"
            ),
        ),
        (
            "per_hour",
            "hour",
            "cannot convert per_hour (count rate) to hour (duration): different dimensions",
        ),
        (
            "million",
            "USD_million",
            "cannot convert million (count) to USD_million (currency USD): different dimensions",
        ),
    ],
)
def test_convert_refuses_cross_dimension(source: str, target: str, message: str) -> None:
    """Units of different dimensions (each currency its own) are never converted."""
    with pytest.raises(InvalidInputError) as info:
        convert(1, source, target)
    assert str(info.value) == message
    assert info.value.code == "invalid-input"
    assert same_dimension(source, target) is False


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        ("usd_bilion", "USD", "unknown unit 'usd_bilion'; did you mean 'USD_billion'?"),
        ("USD", "usd_milion", "unknown unit 'usd_milion'; did you mean 'USD_million'?"),
        ("usd", "USD", "unknown unit 'usd'; did you mean 'USD'?"),
        ("per_hr", "per_day", "unknown unit 'per_hr'; did you mean 'per_hour'?"),
        (
            "percentage_points",
            "percent",
            "unknown unit 'percentage_points'; did you mean 'percentage_point'?",
        ),
    ],
)
def test_convert_refuses_unknown_unit(source: str, target: str, message: str) -> None:
    """An unknown unit is refused with a case-insensitive "did you mean" suggestion."""
    with pytest.raises(InvalidInputError) as info:
        convert(1, source, target)
    assert str(info.value) == message


def test_unknown_unit_without_suggestion_lists_the_codes() -> None:
    """With nothing close, the message lists every known code instead of guessing."""
    with pytest.raises(InvalidInputError) as info:
        convert(1, "zzzz", "count")
    assert str(info.value) == "unknown unit 'zzzz'; known units: " + ", ".join(UNITS)


@pytest.mark.parametrize("code", list(UNITS))
def test_every_unit_round_trips_through_its_base(code: str) -> None:
    """Every unit converts to its dimension's base and back to the same value."""
    base = base_unit(code)
    assert UNITS[base].scale == 1.0
    assert UNITS[base].dimension == UNITS[code].dimension
    for value in (1.0, 6700.0, 1.46, 0.001):
        in_base = convert(value, code, base)
        assert in_base == pytest.approx(value * UNITS[code].scale, rel=1e-12)
        assert convert(in_base, base, code) == value


def test_table_contents() -> None:
    """The table holds the documented units with their dimensions, scales and labels."""
    assert UNITS["count"] == Unit("count", "count", 1.0, "count")
    assert UNITS["billion"] == Unit("billion", "count", 1e9, "billion")
    assert UNITS["USD_billion"] == Unit("USD_billion", "currency_USD", 1e9, "billion US dollars")
    assert UNITS["EUR_thousand"] == Unit("EUR_thousand", "currency_EUR", 1e3, "thousand euros")
    assert UNITS["GBP"] == Unit("GBP", "currency_GBP", 1.0, "pounds sterling")
    assert UNITS["percent"] == Unit("percent", "percent", 1.0, "%")
    assert UNITS["percentage_point"].dimension == "percentage_points"
    assert UNITS["per_hour"] == Unit("per_hour", "count_rate", 1 / 3600, "per hour")
    assert UNITS["per_week"].scale == 1 / 604800
    assert UNITS["week"] == Unit("week", "duration", 604800.0, "weeks")
    assert len(UNITS) == 28
    assert {u.dimension for u in UNITS.values()} == {
        "count",
        "currency_USD",
        "currency_EUR",
        "currency_GBP",
        "percent",
        "percentage_points",
        "count_rate",
        "duration",
    }
    assert all(code == unit.code for code, unit in UNITS.items())


def test_table_is_read_only() -> None:
    """Neither the mapping nor a unit can be changed."""
    with pytest.raises(TypeError):
        UNITS["furlong"] = Unit("furlong", "length", 1.0, "furlongs")  # type: ignore[index]
    with pytest.raises(AttributeError):
        UNITS["count"].scale = 2.0  # type: ignore[misc]


def test_lookups() -> None:
    """get_unit and is_known match codes exactly; same_dimension needs both codes known."""
    assert get_unit("USD_million") is UNITS["USD_million"]
    assert get_unit("usd_million") is None
    assert is_known("per_day") is True
    assert is_known("images_per_hour") is False
    assert is_known("Per_Day") is False
    assert same_dimension("per_hour", "per_week") is True
    assert same_dimension("USD", "USD_billion") is True
    assert same_dimension("USD", "nonsense") is False


def test_suggest_unit() -> None:
    """suggest_unit prefers a case-only difference, then the closest code, else None."""
    assert suggest_unit("usd_billion") == "USD_billion"
    assert suggest_unit("GBP_Million") == "GBP_million"
    assert suggest_unit("eur_bilion") == "EUR_billion"
    assert suggest_unit("per_hours") == "per_hour"
    assert suggest_unit("qqqqqq") is None


def test_base_unit_refuses_unknown() -> None:
    """base_unit refuses an unknown code with the same suggestion as convert."""
    assert base_unit("per_day") == "per_second"
    assert base_unit("EUR_billion") == "EUR"
    with pytest.raises(InvalidInputError) as info:
        base_unit("hours")
    assert str(info.value) == "unknown unit 'hours'; did you mean 'hour'?"


def test_markdown_table_matches_the_docstring() -> None:
    """markdown_table renders the table that the module docstring documents."""
    table = markdown_table()
    lines = table.splitlines()
    assert lines[0] == "| Code | Dimension | Scale to base | Base | Label |"
    assert lines[1] == "|---|---|---|---|---|"
    assert lines[2] == "| `count` | count | 1 | `count` | count |"
    assert "| `per_hour` | count rate | 1/3,600 | `per_second` | per hour |" in lines
    assert "| `USD_billion` | currency USD | 1,000,000,000 | `USD` | billion US dollars |" in lines
    assert len(lines) == 2 + len(UNITS)
    assert units.__doc__ is not None and table in units.__doc__


@given(
    st.floats(min_value=1e-6, max_value=1e15),
    st.sampled_from(sorted({u.dimension for u in UNITS.values()})),
    st.data(),
)
def test_conversion_round_trip_property(value: float, dimension: str, data: st.DataObject) -> None:
    """Converting to any unit of the same dimension and back returns the value to within a few ulp.

    A result within 4 ulp of a 12-significant-digit number is snapped to it (so 6700 per hour is
    exactly 160800 per day); a round trip can therefore move a value by up to ~8 ulp, never more.
    """
    codes = [u.code for u in UNITS.values() if u.dimension == dimension]
    a = data.draw(st.sampled_from(codes))
    b = data.draw(st.sampled_from(codes))
    back = convert(convert(value, a, b), b, a)
    assert back == pytest.approx(value, rel=2e-15, abs=0)


def test_counts_of_a_named_thing_are_units():
    """count:THING and its scales are known units, labelled by the thing, converting only
    within the same thing."""
    from tracker.events.units import base_unit, convert, get_unit, is_known

    assert is_known("count:aircraft")
    assert get_unit("count:aircraft").label == "aircraft"
    assert get_unit("thousand:accounts").label == "thousand accounts"
    assert get_unit("million:posts").dimension_label == "count of posts"
    assert convert(2.5, "million:posts", "thousand:posts") == 2500.0
    assert base_unit("billion:views") == "count:views"
    for other in ("count", "count:accounts", "per_hour"):
        with pytest.raises(InvalidInputError, match="different dimensions"):
            convert(1, "count:posts", other)
    assert not is_known("dozen:eggs")
    assert not is_known("count:Aircraft")


def test_series_of_different_things_are_kept_apart(tmp_path):
    """Figures in aircraft and in engines: no note, converted within a thing, refused across."""
    import tracker

    log = tracker.open(tmp_path / "log.jsonl", create=True)
    src = {"publisher": "FAA", "url": "https://example.org/faa"}
    log.append(
        [
            {"type": "figure", "id": "a", "metric": "grounded", "value": 171,
             "unit": "count:aircraft", "occurred": "2024-01-06", "sources": [src]},
            {"type": "figure", "id": "e", "metric": "grounded", "value": 0.4,
             "unit": "thousand:engines", "occurred": "2024-01-07", "sources": [src]},
        ]
    )
    points = log.replay().figures().points
    assert [p.text for p in points] == ["171 aircraft", "0.4 thousand engines"]
    with pytest.raises(InvalidInputError, match="different dimensions"):
        log.replay().figures(unit="count:engines")
    assert [p.value for p in log.replay().figures(metric="grounded").points] == [171, 0.4]
