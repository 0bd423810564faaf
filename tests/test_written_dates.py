"""Dates as articles write them (tracker.events.written): read into the log's grammar, or
refused with the reason, never guessed."""

from __future__ import annotations

import calendar
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tracker
from tracker.errors import InvalidDateError, InvalidFileError, InvalidInputError
from tracker.events.dates import PartialDate
from tracker.events.written import (
    Reading,
    UnsettledDateError,
    date_paths,
    read_date,
    read_event_dates,
)

# The eleven spellings of issue 15, then our own: (as written, as stored, precision).
ISSUE_SPELLINGS = [
    ("12 Januari 2026", "2026-01-12", "day"),  # Indonesian
    ("Januari 12, 2026", "2026-01-12", "day"),  # the seed article's own dateline
    ("12 janvier 2026", "2026-01-12", "day"),  # French
    ("12. Januar 2026", "2026-01-12", "day"),  # German
    ("12 de enero de 2026", "2026-01-12", "day"),  # Spanish
    ("Jan 12 2026", "2026-01-12", "day"),  # English, month first
    ("January 2026", "2026-01", "month"),  # a month stays a month
    ("13/01/2026", "2026-01-13", "day"),  # 13 cannot be a month: one reading
    ("~2026-01-11", "2026-01-11~", "day"),  # the mark moves to where the log writes it
]
OUR_SPELLINGS = [
    ("12 de janeiro de 2026", "2026-01-12", "day"),  # Portuguese
    ("12 gennaio 2026", "2026-01-12", "day"),  # Italian
    ("12 januari 2026", "2026-01-12", "day"),  # Dutch
    ("Sat 12 Jan 2026", "2026-01-12", "day"),  # a weekday before the date is fine
    ("1er mars 2026", "2026-03-01", "day"),  # a French ordinal
    ("März 2026", "2026-03", "month"),  # a German month, with its umlaut
    ("~January 2026", "2026-01~", "month"),  # approximate, month precision kept
    ("12 January 2026~", "2026-01-12~", "day"),
    ("..12 January 2026", "..2026-01-12", "day"),  # on or before, as the grammar's '..D'
    ("5 Jan 2026..12 Jan 2026", "2026-01-05..2026-01-12", "day"),
    ("01/2026", "2026-01", "month"),  # a month in numbers
    ("2026/01/13", "2026-01-13", "day"),  # year first: nobody writes YDM
    ("Tue 13-01-2026", "2026-01-13", "day"),  # a date in numbers is no range of days
    ("12.01.2026", None, None),  # refused below: 12 January or 1 December
]


@pytest.mark.parametrize(
    ("given", "text", "precision"), [s for s in ISSUE_SPELLINGS + OUR_SPELLINGS if s[1]]
)
def test_a_spelling_is_read_at_its_own_precision(given: str, text: str, precision: str) -> None:
    """Each spelling is read into the log's grammar, neither widened nor narrowed."""
    reading = read_date(given)
    assert reading == Reading(given, text, precision)  # type: ignore[arg-type]
    assert PartialDate.parse(reading.text).precision == precision


def test_the_logs_own_form_is_left_alone() -> None:
    """A date in the log's grammar needs no reading: 2026-01-11~ (the issue's eleventh) too."""
    for text in ("2026-01-11~", "2026-01-11", "..2026-01-12", "2026-01-09T14:00+01:00", "2026"):
        assert read_date(text) is None


def test_the_echo_says_what_was_read_and_its_precision() -> None:
    """The line `tracker add` prints on stderr."""
    assert str(read_date("Januari 12, 2026")) == 'read "Januari 12, 2026" as 2026-01-12 (day)'


def _refusal(text: str, **kwargs: object) -> str:
    with pytest.raises(UnsettledDateError) as caught:
        read_date(text, **kwargs)  # type: ignore[arg-type]
    return caught.value.message


@pytest.mark.parametrize(
    ("text", "first", "second"),
    [
        ("03/04/2026", "2026-04-03", "2026-03-04"),
        ("12.01.2026", "2026-01-12", "2026-12-01"),
        ("le 03/04/2026", "2026-04-03", "2026-03-04"),  # through dateparser, the same rule
    ],
)
def test_an_ambiguous_day_and_month_is_refused_with_both_readings(
    text: str, first: str, second: str
) -> None:
    """Two readings, both real days: refused, naming both and how to choose (from Python, by
    the argument that chooses; the command line names its flag)."""
    assert _refusal(text) == (
        f"invalid date '{text}': it reads as {first} (day first) or as {second} (month "
        "first); write YYYY-MM-DD, or give the order (order='DMY' or 'MDY')"
    )
    assert _refusal(text, order_hint="--date-order DMY or MDY, or $TRACKER_DATE_ORDER") == (
        f"invalid date '{text}': it reads as {first} (day first) or as {second} (month "
        "first); write YYYY-MM-DD, or give the order (--date-order DMY or MDY, or "
        "$TRACKER_DATE_ORDER)"
    )


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_python_callers_hear_the_argument_that_sets_the_order(tmp_path: Path, fmt: str) -> None:
    """tracker.read_events refuses an ambiguous date naming its own argument, date_order=,
    never the command line's --date-order (a Python caller has no flags); given, it settles."""
    path = tmp_path / f"events.{fmt}"
    if fmt == "jsonl":
        path.write_text(
            '{"type":"topic","topic":"t","name":"T"}\n'
            '{"type":"statement","occurred":"03/04/2026","speaker":"a","quote":"q",'
            '"sources":[{"publisher":"P","url":"https://p.org/1"}]}\n'
        )
    else:
        path.write_text(
            "type,occurred,speaker,quote,source,publisher\n"
            "statement,03/04/2026,a,q,https://p.org/1,P\n"
        )
    with pytest.raises(InvalidFileError) as caught:
        tracker.read_events(path)
    message = str(caught.value)
    assert "give the order (date_order='DMY' or 'MDY')" in message
    assert "--date-order" not in message and "TRACKER_DATE_ORDER" not in message
    read = tracker.read_events(path, date_order="DMY")
    assert read.events[-1].occurred.text == "2026-04-03"


def test_an_order_settles_it() -> None:
    """DMY and MDY each pick their reading; a day past 12 needs no order, whichever is given."""
    assert read_date("03/04/2026", order="DMY") == Reading("03/04/2026", "2026-04-03", "day")
    assert read_date("03/04/2026", order="MDY") == Reading("03/04/2026", "2026-03-04", "day")
    assert read_date("13/01/2026", order="MDY") == Reading("13/01/2026", "2026-01-13", "day")
    assert read_date("04/04/2026") == Reading("04/04/2026", "2026-04-04", "day")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("12 Jan", "it has no year; write the year too (12 January 2026), or YYYY-MM-DD"),
        ("Jan 12", "it has no year; write the year too (12 January 2026), or YYYY-MM-DD"),
        (
            "12 Jan 26",
            "it has no year of four digits; write it in full (12 January 2026), or YYYY-MM-DD",
        ),
        (
            "Monday",  # dateparser would take the coming Monday: the wall clock, never
            "it has no year of four digits; write it in full (12 January 2026), or YYYY-MM-DD",
        ),
        ("12/01/26", "give the year with four digits (12/01/2026), or write YYYY-MM-DD"),
        (
            "A0001",  # dateparser reads the year 1 in it
            "it has no year of four digits; write it in full (12 January 2026), or YYYY-MM-DD",
        ),
        ("Monday 2026", "only its year is read; write the year alone (2026), or the day"),
        ("in 2026", "only its year is read; write the year alone (2026), or the day"),
        (
            "12 January 2026 14:30",
            "a time of day is read only as the log writes it: 2026-01-12THH:MM, with Z, +HH:MM "
            "or a zone name (UTC if none)",
        ),
        ("Q1 2026", "a quarter is not a day, a month or a year; give an interval (D1..D2)"),
        ("31/02/2026", "no such day, read day first or month first"),
        # Main read these as the 12th alone, narrowing what the article said (review):
        (
            "12-13 January 2026",
            "it names days 12 to 13, not one day; write the interval "
            "(2026-01-12..2026-01-13), or the one day",
        ),
        (
            "January 12 - 13, 2026",
            "it names days 12 to 13, not one day; write the interval "
            "(2026-01-12..2026-01-13), or the one day",
        ),
        (
            "12 Jan 2026..1 Jan 2026",
            "read as 2026-01-12..2026-01-01, which is refused: the start 2026-01-12 is after "
            "the end 2026-01-01",
        ),
    ],
)
def test_what_would_need_a_guess_is_refused(text: str, reason: str) -> None:
    """No year, a short year, a time, a quarter, a day that does not exist: one line why."""
    assert _refusal(text) == f"invalid date '{text}': {reason}"


def test_what_is_no_date_keeps_the_grammars_refusal() -> None:
    """Text nothing can read is refused as the log's grammar refuses it, forms listed."""
    with pytest.raises(InvalidDateError) as caught:
        read_date("banana")
    assert not isinstance(caught.value, UnsettledDateError)
    assert caught.value.message.startswith("invalid date 'banana': not a recognised date; use")
    with pytest.raises(InvalidDateError, match="month must be 01-12"):
        read_date("2026-13-01")  # year first with '-' is the grammar's: never swapped


def test_a_filler_word_is_no_month() -> None:
    """dateparser reads 'a' as one: '12 a 2026' would be 12 January. It is no date here."""
    with pytest.raises(InvalidDateError) as caught:
        read_date("12 a 2026")
    assert "not a recognised date" in caught.value.message


def test_other_languages_on_request() -> None:
    """Polish is not read by default; asked for, it is (any of dateparser's locale codes)."""
    with pytest.raises(InvalidDateError):
        read_date("12 listopada 2026")
    assert read_date("12 listopada 2026", languages=["pl"]) == Reading(
        "12 listopada 2026", "2026-11-12", "day"
    )
    with pytest.raises(InvalidInputError) as caught:
        read_date("12 listopada 2026", languages=["pl", "xx"])
    assert caught.value.message == (
        "unknown date language 'xx': give dateparser's codes, as in "
        "TRACKER_DATE_LANGUAGES=en,pl,cs"
    )


def test_the_dates_of_an_event_come_from_the_models() -> None:
    """Every PartialDate field is found, a correction's replacement and sources included."""
    assert date_paths("figure") == (
        ("occurred",),
        ("reported",),
        ("sources", "*", "published"),
        ("period",),
    )
    assert ("replacement", "@") in date_paths("correction")
    assert date_paths("no-such-type") == ()


def test_an_events_dates_are_rewritten_in_place() -> None:
    """Readings and refusals are named by field; a non-date is left for validation."""
    data = {
        "type": "correction",
        "corrects": "x",
        "occurred": "12 Jan",
        "replacement": {
            "type": "figure",
            "occurred": "January 2026",
            "period": "banana",
            "sources": [{"published": "2026-01-02"}, {"published": "3 Jan 2026"}],
        },
    }
    readings, problems = read_event_dates(data)
    assert [(f, str(r)) for f, r in readings] == [
        ("replacement.occurred", 'read "January 2026" as 2026-01 (month)'),
        ("replacement.sources.1.published", 'read "3 Jan 2026" as 2026-01-03 (day)'),
    ]
    assert [f for f, _ in problems] == ["occurred"]
    assert data["replacement"] == {
        "type": "figure",
        "occurred": "2026-01",
        "period": "banana",
        "sources": [{"published": "2026-01-02"}, {"published": "2026-01-03"}],
    }
    assert data["occurred"] == "12 Jan"


@settings(max_examples=25, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_an_english_day_reads_as_itself(day: date) -> None:
    """'D Month YYYY' and 'Month D, YYYY' read as that very day."""
    month = calendar.month_name[day.month]
    expected = day.isoformat()
    assert read_date(f"{day.day} {month} {day.year}").text == expected  # type: ignore[union-attr]
    assert read_date(f"{month} {day.day}, {day.year}").text == expected  # type: ignore[union-attr]


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)))
def test_a_numeric_day_is_read_only_when_it_has_one_reading(day: date) -> None:
    """D/M/YYYY is read when the swap is no day or the same day, else refused; DMY settles it."""
    text = f"{day.day:02d}/{day.month:02d}/{day.year}"
    swapped_is_a_day = day.day <= 12
    if swapped_is_a_day and day.day != day.month:
        with pytest.raises(UnsettledDateError, match="day first"):
            read_date(text)
    else:
        assert read_date(text).text == day.isoformat()  # type: ignore[union-attr]
    assert read_date(text, order="DMY").text == day.isoformat()  # type: ignore[union-attr]
