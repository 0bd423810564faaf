"""Tests for tracker.events.dates: partial dates, replay bounds and record instants."""

from __future__ import annotations

import copy
import pickle
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from tracker.errors import InvalidDateError, InvalidInputError
from tracker.events.dates import (
    JSON_SCHEMA_DESCRIPTION,
    PartialDate,
    format_instant,
    parse_instant,
    parse_instant_bound,
)

FORMS = (
    "use YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDTHH:MM[+HH:MM], '..D' (on or before), "
    "'D..' (on or after), 'D1..D2', with '~' for approximate"
)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    """Build an aware UTC datetime."""
    return datetime(year, month, day, hour, minute, second, us, tzinfo=UTC)


# input, earliest, latest, precision, approximate
PARSES = [
    ("2026", utc(2026, 1, 1), utc(2026, 12, 31, 23, 59, 59, 999999), "year", False),
    ("2026-01", utc(2026, 1, 1), utc(2026, 1, 31, 23, 59, 59, 999999), "month", False),
    ("2026-02", utc(2026, 2, 1), utc(2026, 2, 28, 23, 59, 59, 999999), "month", False),
    ("2028-02", utc(2028, 2, 1), utc(2028, 2, 29, 23, 59, 59, 999999), "month", False),
    ("2026-01-09", utc(2026, 1, 9), utc(2026, 1, 9, 23, 59, 59, 999999), "day", False),
    ("2028-02-29", utc(2028, 2, 29), utc(2028, 2, 29, 23, 59, 59, 999999), "day", False),
    ("0001", utc(1, 1, 1), utc(1, 12, 31, 23, 59, 59, 999999), "year", False),
    ("9999-12-31", utc(9999, 12, 31), utc(9999, 12, 31, 23, 59, 59, 999999), "day", False),
    ("  2026-01-09\n", utc(2026, 1, 9), utc(2026, 1, 9, 23, 59, 59, 999999), "day", False),
    ("2026-01-09T14", utc(2026, 1, 9, 14), utc(2026, 1, 9, 14, 59, 59, 999999), "hour", False),
    ("2026-01-09T14:00", utc(2026, 1, 9, 14), utc(2026, 1, 9, 14, 0, 59, 999999), "minute", False),
    ("2026-01-09 14:00", utc(2026, 1, 9, 14), utc(2026, 1, 9, 14, 0, 59, 999999), "minute", False),
    ("2026-01-09T14:00Z", utc(2026, 1, 9, 14), utc(2026, 1, 9, 14, 0, 59, 999999), "minute", False),
    (
        "2026-01-09T14:00+01:00",
        utc(2026, 1, 9, 13),
        utc(2026, 1, 9, 13, 0, 59, 999999),
        "minute",
        False,
    ),
    (
        "2026-01-09T14:00-0530",
        utc(2026, 1, 9, 19, 30),
        utc(2026, 1, 9, 19, 30, 59, 999999),
        "minute",
        False,
    ),
    (
        "2026-01-01T00:30+01:00",
        utc(2025, 12, 31, 23, 30),
        utc(2025, 12, 31, 23, 30, 59, 999999),
        "minute",
        False,
    ),
    (
        "2026-01-09T14+02:00",
        utc(2026, 1, 9, 12),
        utc(2026, 1, 9, 12, 59, 59, 999999),
        "hour",
        False,
    ),
    (
        "2026-01-09T14:00:05",
        utc(2026, 1, 9, 14, 0, 5),
        utc(2026, 1, 9, 14, 0, 5, 999999),
        "second",
        False,
    ),
    (
        "2026-01-09T14:00:05.123",
        utc(2026, 1, 9, 14, 0, 5, 123000),
        utc(2026, 1, 9, 14, 0, 5, 123999),
        "microsecond",
        False,
    ),
    (
        "2026-01-09T14:00:05.123456Z",
        utc(2026, 1, 9, 14, 0, 5, 123456),
        utc(2026, 1, 9, 14, 0, 5, 123456),
        "microsecond",
        False,
    ),
    ("2026~", utc(2026, 1, 1), utc(2026, 12, 31, 23, 59, 59, 999999), "year", True),
    ("2026-01~", utc(2026, 1, 1), utc(2026, 1, 31, 23, 59, 59, 999999), "month", True),
    ("2026-01-09~", utc(2026, 1, 9), utc(2026, 1, 9, 23, 59, 59, 999999), "day", True),
    (
        "2026-01-09T14:00Z~",
        utc(2026, 1, 9, 14),
        utc(2026, 1, 9, 14, 0, 59, 999999),
        "minute",
        True,
    ),
    ("..2026-01-12", None, utc(2026, 1, 12, 23, 59, 59, 999999), "day", False),
    ("../2026-01-12", None, utc(2026, 1, 12, 23, 59, 59, 999999), "day", False),
    ("..2026-01~", None, utc(2026, 1, 31, 23, 59, 59, 999999), "month", True),
    ("2026-01-05..", utc(2026, 1, 5), None, "day", False),
    ("2026-01-05/..", utc(2026, 1, 5), None, "day", False),
    ("2026-01-05..2026-01-08", utc(2026, 1, 5), utc(2026, 1, 8, 23, 59, 59, 999999), "day", False),
    ("2026-01-05/2026-01-08", utc(2026, 1, 5), utc(2026, 1, 8, 23, 59, 59, 999999), "day", False),
    (
        "2026-01-05 .. 2026-01-08",
        utc(2026, 1, 5),
        utc(2026, 1, 8, 23, 59, 59, 999999),
        "day",
        False,
    ),
    ("2026-01-05..2026-01-05", utc(2026, 1, 5), utc(2026, 1, 5, 23, 59, 59, 999999), "day", False),
    ("2026-01..2026-01-08", utc(2026, 1, 1), utc(2026, 1, 8, 23, 59, 59, 999999), "month", False),
    (
        "2026-01-05T10:00..2026-01-08",
        utc(2026, 1, 5, 10),
        utc(2026, 1, 8, 23, 59, 59, 999999),
        "day",
        False,
    ),
    ("2026-01-05~..2026-01-08", utc(2026, 1, 5), utc(2026, 1, 8, 23, 59, 59, 999999), "day", True),
    ("2025/2026~", utc(2025, 1, 1), utc(2026, 12, 31, 23, 59, 59, 999999), "year", True),
]


@pytest.mark.parametrize(("text", "earliest", "latest", "precision", "approximate"), PARSES)
def test_parse_table(
    text: str,
    earliest: datetime | None,
    latest: datetime | None,
    precision: str,
    approximate: bool,
) -> None:
    """Each accepted form parses to the expected interval, precision and approximate flag."""
    p = PartialDate.parse(text)
    assert p.earliest == earliest
    assert p.latest == latest
    assert p.precision == precision
    assert p.approximate is approximate
    assert p.text == text.strip()
    for bound in (p.earliest, p.latest):
        if bound is not None:
            assert bound.utcoffset() == timedelta(0)


# input, reason (the message is "invalid date '<input>': <reason>; <forms>")
REFUSALS = [
    ("2026-13", "month must be 01-12"),
    ("2026-13-01", "month must be 01-12"),
    ("2026-00", "month must be 01-12"),
    ("2026-02-30", "day must be 01-28 in 2026-02"),
    ("2026-02-29", "day must be 01-28 in 2026-02"),
    ("2026-04-31", "day must be 01-30 in 2026-04"),
    ("2026-01-00", "day must be 01-31 in 2026-01"),
    ("0000", "year must be 0001-9999"),
    ("12/01/2026", "day and month order is ambiguous; write the year first, YYYY-MM-DD"),
    ("12.01.2026", "day and month order is ambiguous; write the year first, YYYY-MM-DD"),
    ("..", "an interval needs at least one end"),
    ("../..", "an interval needs at least one end"),
    ("2026-01-10..2026-01-05", "the start 2026-01-10 is after the end 2026-01-05"),
    ("2026-01-10/2026-01-05", "the start 2026-01-10 is after the end 2026-01-05"),
    (
        "2026-01?",
        (
            "'?' and '%' are not supported: use '~' for approximate, or an interval (D1..D2) "
            "for uncertain"
        ),
    ),
    (
        "2026-01%",
        (
            "'?' and '%' are not supported: use '~' for approximate, or an interval (D1..D2) "
            "for uncertain"
        ),
    ),
    ("", "no date given"),
    ("   ", "no date given"),
    ("yesterday", "not a recognised date"),
    ("2026-01-09Z", "not a recognised date"),
    ("2026-01-09T14:00+01", "not a recognised date"),
    ("26", "the year must have four digits, 0001-9999"),
    ("20260", "the year must have four digits, 0001-9999"),
    ("2026-1-9", "month and day need two digits"),
    ("2026-01-9", "month and day need two digits"),
    ("2026-01-09T24:00", "hour must be 00-23"),
    ("2026-01-09T14:60", "minute must be 00-59"),
    ("2026-01-09T14:00:60", "second must be 00-59"),
    ("2026-01-09T14:00:00.1234567", "at most 6 fractional digits (microseconds)"),
    ("2026-01-09T14:00+24:00", "offset must be Z or +HH:MM between -23:59 and +23:59"),
    ("0001-01-01T00:30+01:00", "the time in UTC falls outside years 0001-9999"),
    ("2026..2027..2028", "an interval has exactly two ends"),
    ("2026/2027/2028", "an interval has exactly two ends"),
    ("/2026", "write '..' for an open end of a slash interval"),
]


@pytest.mark.parametrize(("text", "reason"), REFUSALS)
def test_refusal_table(text: str, reason: str) -> None:
    """Each refused input raises InvalidDateError with one line quoting it and listing the forms."""
    with pytest.raises(InvalidDateError) as info:
        PartialDate.parse(text)
    expected = f"invalid date '{text.strip()}': {reason}; {FORMS}"
    assert str(info.value) == expected
    assert "\n" not in str(info.value)
    assert info.value.code == "invalid-date"
    assert isinstance(info.value, InvalidInputError)
    assert isinstance(info.value, ValueError)


def test_refusal_escapes_unprintable_input() -> None:
    """An input with a control character inside is quoted escaped, keeping the message one line."""
    with pytest.raises(InvalidDateError) as info:
        PartialDate.parse("2026\n01")
    assert str(info.value) == f"invalid date '2026\\n01': not a recognised date; {FORMS}"


def test_parse_refuses_non_string() -> None:
    """A value that is not a string is refused with InvalidDateError, not a TypeError."""
    with pytest.raises(InvalidDateError) as info:
        PartialDate.parse(20260109)  # type: ignore[arg-type]
    assert str(info.value) == f"invalid date 20260109: expected a string, not int; {FORMS}"


def test_sort_order() -> None:
    """Sorting by sort_key orders by earliest then latest, with open ends at the extremes."""
    # At an equal start the narrower interval comes first: the day, then its month, then its year.
    expected = [
        "..2025",
        "..2026-01-12",
        "2026-01-01",
        "2026-01",
        "2026",
        "2026-01-05",
        "2026-01-05..2026-01-08",
        "2026-01-05..",
        "2026-01-05T10:00",
        "2026-01-05T10:00:30",
        "2026-01-09T14:00+01:00",
        "2026-01-09T14:00",
        "2026-02~",
        "2027",
    ]
    shuffled = expected[1::2][::-1] + expected[::2]
    assert sorted(shuffled) != expected  # the text order alone would not do
    ordered = sorted((PartialDate.parse(t) for t in shuffled), key=lambda p: p.sort_key)
    assert [p.text for p in ordered] == expected


def test_sort_key_values() -> None:
    """The sort key is exact microseconds since the epoch, with open ends mapped to int64 limits."""
    assert PartialDate.parse("1970-01-01").sort_key == (0, 86_400_000_000 - 1)
    assert PartialDate.parse("..1970-01-01").sort_key == (-(2**63), 86_400_000_000 - 1)
    assert PartialDate.parse("1970-01-02..").sort_key == (86_400_000_000, 2**63 - 1)
    assert PartialDate.parse("1969-12-31T23:59:59.999999").sort_key == (-1, -1)


def test_certain_and_possible_at_boundaries() -> None:
    """latest == t counts as certain, earliest == t as possible, one microsecond either side not."""
    p = PartialDate.parse("2026-01-05..2026-01-08")
    start, end = utc(2026, 1, 5), utc(2026, 1, 8, 23, 59, 59, 999999)
    us = timedelta(microseconds=1)
    assert p.certain_by(end) is True
    assert p.certain_by(end - us) is False
    assert p.possibly_by(start) is True
    assert p.possibly_by(start - us) is False
    # Uncertain in between: possibly but not certainly done.
    mid = utc(2026, 1, 6)
    assert p.possibly_by(mid) and not p.certain_by(mid)


def test_certain_and_possible_with_open_ends() -> None:
    """An open start is always possible; an open end is never certain."""
    before = PartialDate.parse("..2026-01-12")
    after = PartialDate.parse("2026-01-05..")
    assert before.possibly_by(utc(1, 1, 1)) is True
    assert before.certain_by(utc(2026, 1, 12, 23, 59, 59, 999999)) is True
    assert before.certain_by(utc(2026, 1, 12, 23, 59, 59, 999998)) is False
    assert after.certain_by(utc(9999, 12, 31, 23, 59, 59, 999999)) is False
    assert after.possibly_by(utc(2026, 1, 5)) is True
    assert after.possibly_by(utc(2026, 1, 4, 23, 59, 59, 999999)) is False


def test_value_semantics() -> None:
    """Equality and hashing cover all five fields, including the text."""
    a = PartialDate.parse("2026-01-05..2026-01-08")
    b = PartialDate.parse("2026-01-05/2026-01-08")
    assert (a.earliest, a.latest, a.precision) == (b.earliest, b.latest, b.precision)
    assert a != b
    assert a == PartialDate.parse(" 2026-01-05..2026-01-08 ")
    assert hash(a) == hash(PartialDate.parse("2026-01-05..2026-01-08"))
    assert PartialDate.parse("2026-01~") != PartialDate.parse("2026-01")
    assert len({a, b, PartialDate.parse("2026-01-05..2026-01-08")}) == 2
    assert (a == "2026-01-05..2026-01-08") is False


def test_immutable_and_copyable() -> None:
    """Attributes cannot be set; pickling and copying give equal values."""
    p = PartialDate.parse("2026-01-09T14:00+01:00~")
    with pytest.raises(AttributeError):
        p.text = "2027"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        p.extra = 1  # type: ignore[attr-defined]
    assert pickle.loads(pickle.dumps(p)) == p
    assert copy.copy(p) is p
    assert copy.deepcopy(p) is p


def test_str_repr_json() -> None:
    """str and to_json give the text; repr shows how to rebuild it."""
    p = PartialDate.parse(" 2026-01~ ")
    assert str(p) == "2026-01~"
    assert p.to_json() == "2026-01~"
    assert repr(p) == "PartialDate('2026-01~')"


def test_is_interval() -> None:
    """is_interval is true for closed and open intervals, false for single dates."""
    assert PartialDate.parse("2026-01-09T14:00").is_interval is False
    assert PartialDate.parse("2026-01-05..2026-01-08").is_interval is True
    assert PartialDate.parse("2026-01-05/..").is_interval is True


@pytest.mark.parametrize(
    ("value", "end", "expected"),
    [
        ("2026-01-10", True, utc(2026, 1, 10, 23, 59, 59, 999999)),
        ("2026-01-10", False, utc(2026, 1, 10)),
        ("2026-01", True, utc(2026, 1, 31, 23, 59, 59, 999999)),
        ("2026-02", True, utc(2026, 2, 28, 23, 59, 59, 999999)),
        ("2028-02", True, utc(2028, 2, 29, 23, 59, 59, 999999)),
        ("2028-02", False, utc(2028, 2, 1)),
        ("2026", True, utc(2026, 12, 31, 23, 59, 59, 999999)),
        ("2026-01-12T09:00:00.000000Z", True, utc(2026, 1, 12, 9)),
        ("2026-01-10T10:00+01:00", True, utc(2026, 1, 10, 9, 0, 59, 999999)),
        (date(2026, 1, 10), True, utc(2026, 1, 10, 23, 59, 59, 999999)),
        (date(2026, 1, 10), False, utc(2026, 1, 10)),
        (datetime(2026, 1, 10, 9, 30), True, utc(2026, 1, 10, 9, 30)),
        (datetime(2026, 1, 10, 9, 30), False, utc(2026, 1, 10, 9, 30)),
        (
            datetime(2026, 1, 10, 9, 30, tzinfo=timezone(timedelta(hours=-5))),
            True,
            utc(2026, 1, 10, 14, 30),
        ),
    ],
)
def test_parse_instant_bound(value: str | date | datetime, end: bool, expected: datetime) -> None:
    """A day or month given means its end (or start with end=False); datetimes pass through as UTC."""
    bound = parse_instant_bound(value, end=end)
    assert bound == expected
    assert bound.tzinfo is UTC


@pytest.mark.parametrize("text", ["2026-01-05..2026-01-08", "..2026-01-12", "2026-01-05/.."])
def test_parse_instant_bound_refuses_intervals(text: str) -> None:
    """An interval or open-ended date is not a bound: one date must be given."""
    with pytest.raises(InvalidDateError) as info:
        parse_instant_bound(text)
    assert str(info.value) == f"invalid date '{text}': give one date, not an interval; {FORMS}"


def test_parse_instant_bound_refuses_bad_input() -> None:
    """A bad string carries the parse message; another type is refused by name."""
    with pytest.raises(InvalidDateError) as info:
        parse_instant_bound("2026-13")
    assert str(info.value) == f"invalid date '2026-13': month must be 01-12; {FORMS}"
    with pytest.raises(InvalidDateError) as info:
        parse_instant_bound(20260110)  # type: ignore[arg-type]
    assert str(info.value) == (
        "invalid date 20260110: expected a date string, a date or a datetime, not int"
    )


@pytest.mark.parametrize(
    ("dt", "text"),
    [
        (utc(2026, 1, 12, 9), "2026-01-12T09:00:00.000000Z"),
        (utc(2026, 1, 12, 9, 0, 0, 123456), "2026-01-12T09:00:00.123456Z"),
        (
            datetime(2026, 1, 12, 10, 0, 0, 5, tzinfo=timezone(timedelta(hours=1))),
            "2026-01-12T09:00:00.000005Z",
        ),
        (utc(1, 1, 1), "0001-01-01T00:00:00.000000Z"),
        (utc(9999, 12, 31, 23, 59, 59, 999999), "9999-12-31T23:59:59.999999Z"),
    ],
)
def test_format_and_parse_instant(dt: datetime, text: str) -> None:
    """format_instant writes RFC 3339 UTC with six fractional digits and Z; parse_instant inverts it."""
    assert format_instant(dt) == text
    back = parse_instant(text)
    assert back == dt
    assert back.tzinfo is UTC


def test_format_instant_refuses_naive() -> None:
    """A naive datetime has no instant, so format_instant refuses it."""
    with pytest.raises(ValueError) as info:
        format_instant(datetime(2026, 1, 12, 9))
    assert (
        str(info.value) == "format_instant needs an aware datetime, got naive 2026-01-12T09:00:00"
    )


@pytest.mark.parametrize(
    "text",
    [
        "2026-01-12T09:00:00Z",
        "2026-01-12T09:00:00.000000+00:00",
        "2026-01-12 09:00:00.000000Z",
        "2026-01-12T09:00:00.000000z",
        "2026-13-12T09:00:00.000000Z",
        "",
    ],
)
def test_parse_instant_refuses_other_forms(text: str) -> None:
    """parse_instant accepts only the exact form format_instant writes."""
    with pytest.raises(InvalidDateError) as info:
        parse_instant(text)
    assert str(info.value) == (
        f"invalid instant '{text}': expected RFC 3339 UTC with microseconds, "
        "like 2026-01-12T09:00:00.000000Z"
    )


@given(st.datetimes(timezones=st.just(UTC)))
def test_instant_round_trip(dt: datetime) -> None:
    """parse_instant(format_instant(dt)) == dt for every aware UTC datetime."""
    assert parse_instant(format_instant(dt)) == dt


class Happened(BaseModel):
    """A model with partial-date fields, as the event models use them."""

    occurred: PartialDate
    reported: PartialDate | None = None


def test_pydantic_validates_and_serialises() -> None:
    """A PartialDate field accepts a string or an instance and dumps back to the same text."""
    m = Happened(occurred=" 2026-01-05/.. ")  # type: ignore[arg-type]
    assert m.occurred == PartialDate.parse("2026-01-05/..")
    assert m.model_dump() == {"occurred": "2026-01-05/..", "reported": None}
    assert m.model_dump(mode="json") == {"occurred": "2026-01-05/..", "reported": None}
    assert m.model_dump_json() == '{"occurred":"2026-01-05/..","reported":null}'
    assert Happened.model_validate_json(m.model_dump_json()) == m
    p = PartialDate.parse("2026-01~")
    assert Happened(occurred=p, reported=p).reported is p


def test_pydantic_error_carries_the_message() -> None:
    """An invalid date string fails validation with the InvalidDateError message as is."""
    with pytest.raises(ValidationError) as info:
        Happened.model_validate_json('{"occurred": "2026-13"}')
    (error,) = info.value.errors()
    assert error["type"] == "invalid_date"
    assert error["loc"] == ("occurred",)
    assert error["msg"] == f"invalid date '2026-13': month must be 01-12; {FORMS}"


def test_pydantic_refuses_non_string() -> None:
    """A number where a date belongs is refused with a type error naming the expected form."""
    with pytest.raises(ValidationError) as info:
        Happened(occurred=20260109)  # type: ignore[arg-type]
    (error,) = info.value.errors()
    assert error["type"] == "partial_date_type"
    assert error["msg"] == "a date must be a string, like '2026-01-09' or '..2026-01-12'"


def test_pydantic_json_schema() -> None:
    """The JSON Schema of a PartialDate field is a described string with examples."""
    schema = Happened.model_json_schema()
    assert schema["properties"]["occurred"] == {
        "title": "Occurred",
        "type": "string",
        "description": JSON_SCHEMA_DESCRIPTION,
        "examples": ["2026-01-09", "..2026-01-12", "2026-01~"],
    }
    assert "'..D' means on or before D" in JSON_SCHEMA_DESCRIPTION


# -- properties -------------------------------------------------------------------------------

OFFSETS = st.sampled_from(["", "Z", "+00:00", "+01:00", "-05:30", "+0530", "-1200", "+14:00"])


@st.composite
def single_dates(draw: st.DrawFn) -> tuple[str, datetime, str]:
    """Draw one valid endpoint text, with the UTC instant it starts at and its precision."""
    day = draw(st.dates(min_value=date(2, 1, 1), max_value=date(9998, 12, 31)))
    precision = draw(
        st.sampled_from(["year", "month", "day", "hour", "minute", "second", "microsecond"])
    )
    if precision == "year":
        return f"{day.year:04d}", utc(day.year, 1, 1), precision
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}", utc(day.year, day.month, 1), precision
    if precision == "day":
        return day.isoformat(), utc(day.year, day.month, day.day), precision
    hour, minute, second = (
        draw(st.integers(0, 23)),
        draw(st.integers(0, 59)),
        draw(st.integers(0, 59)),
    )
    micro = draw(st.integers(0, 999999))
    sep = draw(st.sampled_from(["T", " "]))
    text = f"{day.isoformat()}{sep}{hour:02d}"
    start = datetime(day.year, day.month, day.day, hour)
    if precision in ("minute", "second", "microsecond"):
        text += f":{minute:02d}"
        start = start.replace(minute=minute)
    if precision in ("second", "microsecond"):
        text += f":{second:02d}"
        start = start.replace(second=second)
    if precision == "microsecond":
        text += f".{micro:06d}"
        start = start.replace(microsecond=micro)
    offset = draw(OFFSETS)
    text += offset
    if offset in ("", "Z"):
        return text, start.replace(tzinfo=UTC), precision
    sign = -1 if offset[0] == "-" else 1
    delta = timedelta(hours=int(offset[1:3]), minutes=int(offset[-2:]))
    return text, (start - sign * delta).replace(tzinfo=UTC), precision


@given(single_dates(), st.booleans())
def test_single_date_round_trip(drawn: tuple[str, datetime, str], approximate: bool) -> None:
    """Any valid single date parses to earliest <= latest at its start, and reparses equal."""
    text, start, precision = drawn
    if approximate:
        text += "~"
    p = PartialDate.parse(text)
    assert p.earliest == start
    assert p.latest is not None and p.earliest <= p.latest
    assert p.precision == precision
    assert p.approximate is approximate
    assert PartialDate.parse(p.text) == p
    assert parse_instant(format_instant(p.earliest)) == p.earliest


@given(single_dates(), single_dates(), st.sampled_from(["..", "/", " .. "]))
def test_interval_round_trip(
    a: tuple[str, datetime, str], b: tuple[str, datetime, str], sep: str
) -> None:
    """Any ordered pair of dates forms an interval spanning both; reparsing gives it back."""
    first, second = PartialDate.parse(a[0]), PartialDate.parse(b[0])
    assert first.earliest is not None and second.earliest is not None
    if first.earliest > second.latest:  # type: ignore[operator]
        a, b, first, second = b, a, second, first
    p = PartialDate.parse(f"{a[0]}{sep}{b[0]}")
    assert p.earliest == first.earliest
    assert p.latest == second.latest
    assert p.earliest is not None and p.latest is not None and p.earliest <= p.latest
    assert PartialDate.parse(p.text) == p
    open_end = "/.." if sep == "/" else ".."
    q = PartialDate.parse(f"{a[0]}{open_end}")
    assert (q.earliest, q.latest) == (first.earliest, None)
    assert PartialDate.parse(q.text) == q
