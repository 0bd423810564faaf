"""Human text for events and entries: one-line descriptions and timeline tables.

Only the command line prints; these helpers turn facade objects into text for it (the
projection commands reuse them). Nothing here reads the clock or the terminal, so the output
of a command depends only on the log and the arguments.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from tracker.cli.common import table_lines

if TYPE_CHECKING:
    from tracker.events.models import AnyEvent
    from tracker.projections.fold import Entry


def number(value: float | None) -> str:
    """A number as every output writes it (:func:`tracker.events.describe.number`); ``?`` for
    none."""
    from tracker.events.describe import number as formatted

    return "?" if value is None else formatted(value)


def describe(event: AnyEvent) -> str:
    """One line saying what an event is: the one describer's line
    (:func:`tracker.events.describe.describe`, actors by id), and for a statement that takes a
    stance, ``[stance -2 on TOPIC]``."""
    from tracker.events.describe import describe as described

    line = described(event)
    stance = getattr(event, "stance", None)
    if event.type == "statement" and stance is not None:
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
    """The entries as an OCCURRED / TYPE / ID / WHAT table."""
    return "\n".join(timeline_lines(entries))


def timeline_lines(entries: Iterable[Entry], *, sample: int | None = None) -> Iterator[str]:
    """The lines of :func:`timeline_table`, streamed (columns sized on ``sample`` rows)."""
    rows = (
        (
            e.occurred.text if e.occurred is not None else "",
            e.type,
            e.id,
            describe(e.event) + notes(e),
        )
        for e in entries
    )
    return table_lines(rows, ("OCCURRED", "TYPE", "ID", "WHAT"), widths=(0, 0, 0, 90),
                       sample=sample)


def open_start_note(dates: Iterable[object]) -> str | None:
    """A line explaining ``..D`` dates, when any of ``dates`` has an open start.

    Events sort by the earliest instant they may have happened, so an event known only to
    have happened on or before a day comes before every dated one (even one from 2024).
    ``dates`` are the dates shown (texts or partial dates; None for none).
    """
    if not any(d is not None and str(d).startswith("..") for d in dates):
        return None
    return (
        "note: '..D' means on or before D, with no known start; events sort by the earliest "
        "they may have happened, so these come first"
    )


__all__ = ["describe", "notes", "number", "open_start_note", "timeline_lines", "timeline_table"]
