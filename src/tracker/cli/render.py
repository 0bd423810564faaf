"""Human text for events and entries: one-line descriptions and timeline tables.

Only the command line prints; these helpers turn facade objects into text for it (the
projection commands reuse them). Nothing here reads the clock or the terminal, so the output
of a command depends only on the log and the arguments.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from tracker.cli.common import table

if TYPE_CHECKING:
    from tracker.events.models import AnyEvent
    from tracker.projections.fold import Entry


def number(value: float | None) -> str:
    """A number as people write it: ``6,700``, ``1.46``."""
    if value is None:
        return "?"
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.6g}" if abs(value) >= 1000 else f"{value:.6g}"


def describe(event: AnyEvent) -> str:
    """One line saying what an event is about (its summary, or its key fields)."""
    ev: Any = event
    kind = ev.type
    if kind == "statement":
        said = ev.summary or f'"{ev.quote}"'
        stance = f" [stance {ev.stance:+d} on {ev.topic}]" if ev.stance is not None else ""
        return f"{ev.speaker}: {said}{stance}"
    if ev.summary:
        return str(ev.summary)
    if kind == "figure":
        if ev.value is not None:
            amount = number(ev.value)
        else:
            low = number(ev.lower) if ev.lower is not None else ""
            high = number(ev.upper) if ev.upper is not None else ""
            amount = f"{low}..{high}"
        about = "~" if ev.approximate else ""
        who = f" ({ev.subject})" if ev.subject else ""
        by = f", reported by {ev.reported_by}" if ev.reported_by else ""
        return f"{ev.metric}{who} = {about}{amount} {ev.unit}{by}"
    if kind == "policy_change":
        before = f"{ev.before} -> " if ev.before else ""
        product = f" on {ev.product}" if ev.product else ""
        return f"{ev.actor}{product}: {ev.rule}: {before}{ev.after}"
    if kind == "regulatory_action":
        ends = f" (ends {ev.ends})" if ev.ends else ""
        where = f" [{ev.jurisdiction}]" if ev.jurisdiction else ""
        return f"{ev.regulator} -> {ev.target}: {ev.rung}{ends}{where}"
    if kind == "verification":
        found = f": {ev.finding}" if ev.finding else ""
        return f"{ev.verifier} {ev.verdict} {ev.target}{found}"
    if kind == "incident":
        victims = f" ({ev.victims})" if ev.victims else ""
        return f"{ev.harm}{victims}"
    if kind == "actor":
        return f"{ev.actor}: {ev.name} ({ev.kind})"
    if kind == "topic":
        return f"{ev.topic}: {ev.name}"
    if kind == "correction":
        return f"corrects {ev.corrects}: {ev.reason}"
    if kind == "retraction":
        return f"retracts {ev.retracts}: {ev.reason}"
    if kind == "supersession":
        return f"{ev.by} supersedes {ev.supersedes}: {ev.reason}"
    if kind == "erasure":
        records = ", ".join(str(r) for r in ev.records)
        return f"erases record{'s' if len(ev.records) > 1 else ''} {records}: {ev.reason} (ordered by {ev.ordered_by})"
    if kind == "erased":
        return "erased (its content is gone; see the erasure that names it)"
    if kind == "key_rotation":
        return f"{ev.replaces} hands over to {ev.key.rsplit('+', 1)[0]}"
    if kind == "predecessor":
        return f"carries on the older log {str(ev.head).splitlines()[0][:60]}"
    return str(kind)


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
    rows = [
        (
            e.occurred.text if e.occurred is not None else "",
            e.type,
            e.id,
            describe(e.event) + notes(e),
        )
        for e in entries
    ]
    return table(rows, ("OCCURRED", "TYPE", "ID", "WHAT"), widths=(0, 0, 0, 90))


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


__all__ = ["describe", "notes", "number", "open_start_note", "timeline_table"]
