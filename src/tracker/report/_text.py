"""Words for people: dates as an editor writes them, for the report, its charts and exports.

Shared by the HTML report, the charts and the exports, so a date reads the same in the page,
on an axis and in TimelineJS. The labels of types, rungs, metrics, stances and verdicts are
the describer's, in :mod:`tracker.events.describe`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from tracker.events.dates import PartialDate

if TYPE_CHECKING:
    from tracker.projections.state import State
    from tracker.store.base import Head

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


DEFAULT_TITLE = "Controversy report"
"""The headline of a report or a timeline's title slide when none is given (``--title``)."""


def _same(text: str) -> str:
    return text


def scope(state: State, *, strong: Callable[[str], str] = _same) -> str:
    """What a replay holds, as one sentence for readers (no full stop): ``Events certain to
    have happened by 2026-01-10 23:59:59 UTC, as the log knew them on ...``, or ``Every event
    in the log, as its 33 records tell them``. Never "unbounded": an unset date is left out.

    ``strong`` wraps each date (the report makes them bold).
    """
    what = (
        f"Events certain to have happened by {strong(instant_text(state.as_of))}"
        if state.as_of
        else "Every event in the log"
    )
    if state.known_at:
        return f"{what}, as the log knew them on {strong(instant_text(state.known_at))}"
    records = "record tells" if state.head_seq == 1 else "records tell"
    return f"{what}, as its {state.head_seq} {records} them"


def provenance(state: State, head: Head | None) -> str:
    """Where a published view comes from, in one credit line: the records replayed (and the
    last one's hash, when the log head named does not already say it) and the command that
    checks the view against the log head."""
    if not state.head_seq:
        return "Built by tracker from an empty log."
    text = (
        f"Built by tracker from records 1\u2013{state.head_seq} of an append-only, "
        "hash-chained log"
    )
    if head is None or head.seq != state.head_seq:
        text += f" (record {state.head_seq}: {state.head_hash})"
    text += "."
    if head is not None:
        text += f" Check it with: tracker verify --head {head}"
    return text


__all__ = [
    "DEFAULT_TITLE",
    "VERDICT_RATINGS",
    "display_date",
    "endpoints",
    "instant_text",
    "iso_day",
    "provenance",
    "scope",
]
