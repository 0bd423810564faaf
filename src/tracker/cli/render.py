"""Human text for events and entries: one-line descriptions and timeline tables.

Only the command line prints; these helpers turn facade objects into text for it (the
projection commands reuse them). Nothing here reads the clock or the terminal, so the output
of a command depends only on the log and the arguments.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from tracker.cli.common import table
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
    """The entries as an OCCURRED / TYPE / ID / WHAT table, in listing order."""
    rows = [
        (shown_date(e.occurred), e.type, e.id, describe(e.event) + notes(e))
        for e in sorted(entries, key=lambda e: listing_key(e.occurred, e.seq))
    ]
    return table(rows, ("OCCURRED", "TYPE", "ID", "WHAT"), widths=(0, 0, 0, 90))


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
    "listing_key",
    "notes",
    "number",
    "open_start_note",
    "shown_date",
    "timeline_table",
    "words",
]
