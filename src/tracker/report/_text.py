"""Words for people: dates as an editor writes them, for the report, its charts and exports.

Shared by the HTML report, the charts and the exports, so a date reads the same in the page,
on an axis and in TimelineJS. The labels of types, rungs, metrics, stances and verdicts are
the describer's, in :mod:`tracker.events.describe`.
"""

from __future__ import annotations

from datetime import datetime

from tracker.events.dates import PartialDate

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

VERDICT_RATINGS: dict[str, int] = {"contradicted": 1, "partly_confirmed": 2, "confirmed": 3}
"""A verdict on a 1 (false) .. 3 (true) scale, as ClaimReview's ``reviewRating`` wants a number."""


def _instant(dt: datetime, precision: str, *, short: bool) -> str:
    month = _MONTHS[dt.month - 1][:3] if short else _MONTHS[dt.month - 1]
    if precision == "year":
        return f"{dt.year}"
    if precision == "month":
        return f"{month} {dt.year}"
    day = f"{dt.day} {month} {dt.year}"
    if precision == "day":
        return day
    if precision == "hour":
        return f"{day}, {dt.hour:02d}:00 UTC"
    if precision == "minute":
        return f"{day}, {dt.hour:02d}:{dt.minute:02d} UTC"
    return f"{day}, {dt.hour:02d}:{dt.minute:02d}:{dt.second:02d} UTC"


def endpoints(date: PartialDate) -> tuple[PartialDate | None, PartialDate | None]:
    """The two ends of a date as dates of their own, each at its precision (None: open).

    ``2026-01-05..2026-01-08`` -> (5 January, 8 January); ``..2026-01-12`` -> (None, 12
    January); a single date is both ends: ``2026-01`` -> (January, January).
    """
    text = date.text.replace("~", "")
    if not date.is_interval:
        single = PartialDate.parse(text)
        return single, single
    sep = "/" if "/" in text else ".."
    start_text, end_text = (p.strip() for p in text.split(sep))
    start = None if start_text in ("", "..") else PartialDate.parse(start_text)
    end = None if end_text in ("", "..") else PartialDate.parse(end_text)
    return start, end


def display_date(date: PartialDate | None, *, short: bool = False) -> str:
    """A partial date in words: ``9 January 2026``, ``January 2026``, ``5-8 January 2026``,
    ``on or before 12 January 2026``, ``about January 2026``.

    The words follow the precision the date was given at, and never claim more than it says.
    """
    if date is None:
        return "undated"
    approx = "about " if date.approximate else ""
    if date.is_interval:
        start, end = endpoints(date)
        if start is None and end is not None:
            return f"{approx}on or before {display_date(end, short=short).removeprefix('about ')}"
        if end is None and start is not None:
            return f"{approx}on or after {display_date(start, short=short).removeprefix('about ')}"
        assert start is not None and end is not None
        a = display_date(start, short=short).removeprefix("about ")
        b = display_date(end, short=short).removeprefix("about ")
        s, e = start.earliest, end.earliest
        if (
            start.precision == end.precision == "day"
            and s
            and e
            and (s.year, s.month) == (e.year, e.month)
        ):
            return f"{approx}{s.day}\u2013{b}"  # same month: 5-8 January 2026
        return f"{approx}{a} \u2013 {b}"
    assert date.earliest is not None
    return approx + _instant(date.earliest, date.precision, short=short)


def iso_day(dt: datetime | None) -> str:
    """``2026-01-09`` (UTC), or an empty string."""
    return "" if dt is None else f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}"


def instant_text(dt: datetime | None) -> str:
    """A replay bound in words for the footer: ``unbounded`` when unset."""
    if dt is None:
        return "unbounded"
    return f"{iso_day(dt)} {dt.hour:02d}:{dt.minute:02d}:{dt.second:02d} UTC"


__all__ = [
    "VERDICT_RATINGS",
    "display_date",
    "endpoints",
    "instant_text",
    "iso_day",
]
