"""Human text for events and entries: one-line descriptions and timeline tables.

Only the command line prints; these helpers turn facade objects into text for it (the
projection commands reuse them). Nothing here reads the clock or the terminal, so the output
of a command depends only on the log and the arguments.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from heapq import merge
from itertools import chain
from typing import TYPE_CHECKING

from tracker.cli.common import table_lines
from tracker.events.describe import listing_key, shown_date

if TYPE_CHECKING:
    from tracker.events.models import AnyEvent
    from tracker.projections.fold import Entry


def number(value: float | None) -> str:
    """A number as every output writes it (:func:`tracker.events.describe.number`); ``?`` for
    none."""
    from tracker.events.describe import number as formatted

    return "?" if value is None else formatted(value)


def words(quote: str | None, summary: str | None) -> str:
    """What a statement said: its quote in quotation marks (as the describer writes it), else
    its summary marked as one."""
    if quote:
        return f"\u201c{quote}\u201d"
    return f"(summary) {summary}" if summary else ""


def describe(event: AnyEvent) -> str:
    """One line saying what an event is: the one describer's line
    (:func:`tracker.events.describe.describe`, actors by id), and for an event that takes a
    stance (a statement, or an act carrying one), ``[stance -2 on TOPIC]``."""
    from tracker.events.describe import describe as described

    line = described(event)
    stance = getattr(event, "stance", None)
    if stance is not None:
        line += f" [stance {stance:+d} on {getattr(event, 'topic', '')}]"
    return line


def notes(entry: Entry) -> str:
    """Marks after a timeline line: corrected, superseded."""
    marks = []
    if entry.corrected_by:
        marks.append("corrected")
    if entry.superseded_by:
        marks.append(f"superseded by {entry.superseded_by}")
    return f" [{'; '.join(marks)}]" if marks else ""


def timeline_table(entries: Iterable[Entry]) -> str:
    """The entries (in any order) as an OCCURRED / TYPE / ID / WHAT table, in listing order."""
    return "\n".join(timeline_lines(sorted(entries, key=lambda e: listing_key(e.occurred, e.seq))))


def in_listing_order(entries: Iterable[Entry]) -> Iterator[Entry]:
    """Entries in the fold's order (earliest possible first), streamed in listing order: an
    "on or before D" entry moves to D (:func:`listing_key`).

    In the fold's order the open-start dates come first and the rest is already in listing
    order, so only the open-start entries are held (sorted, then merged with the rest).
    """
    stream = iter(entries)
    opened: list[Entry] = []
    rest: Iterator[Entry] = iter(())
    for entry in stream:
        if entry.occurred is not None and entry.occurred.earliest is None:
            opened.append(entry)
            continue
        rest = chain((entry,), stream)
        break

    def key(e: Entry) -> tuple[int, int, int]:
        return listing_key(e.occurred, e.seq)

    opened.sort(key=key)
    return merge(opened, rest, key=key)


def timeline_lines(entries: Iterable[Entry], *, sample: int | None = None) -> Iterator[str]:
    """The lines of :func:`timeline_table`, streamed in listing order (columns sized on
    ``sample`` rows)."""
    rows = (
        (shown_date(e.occurred), e.type, e.id, describe(e.event) + notes(e))
        for e in in_listing_order(entries)
    )
    return table_lines(rows, ("OCCURRED", "TYPE", "ID", "WHAT"), widths=(0, 0, 0, 90),
                       sample=sample)


def open_start_note(dates: Iterable[object]) -> str | None:
    """A line explaining "on or before" dates, when any of ``dates`` has an open start.

    ``dates`` are the dates shown (texts or partial dates; None for none).
    """
    if not any(d is not None and str(d).startswith("..") for d in dates):
        return None
    return (
        "note: 'on or before D' has no known start: it is listed at D, the latest it may have "
        "happened (--json keeps the replay's order: the earliest it may have happened first)"
    )


__all__ = [
    "describe",
    "in_listing_order",
    "listing_key",
    "notes",
    "number",
    "open_start_note",
    "shown_date",
    "timeline_lines",
    "timeline_table",
    "words",
]
