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
    from tracker.events.dates import PartialDate
    from tracker.events.models import AnyEvent
    from tracker.projections.fold import Entry


def number(value: float | None) -> str:
    """A number as people write it: ``6,700``, ``1.46``."""
    if value is None:
        return "?"
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.6g}" if abs(value) >= 1000 else f"{value:.6g}"


def words(quote: str | None, summary: str | None) -> str:
    """What a statement said: its quote in quotation marks, else its summary marked as one."""
    if quote:
        return f'"{quote}"'
    return f"(summary) {summary}" if summary else ""


def describe(event: AnyEvent) -> str:
    """One line saying what an event is about (its summary, or its key fields)."""
    ev: Any = event
    kind = ev.type
    stance = (
        f" [stance {ev.stance:+d} on {ev.topic}]" if getattr(ev, "stance", None) is not None else ""
    )
    if kind == "statement":  # the words in quotation marks; a summary is never shown as words
        said = f'"{ev.quote}"' if ev.quote else f"(summary, not a quote) {ev.summary}"
        return f"{ev.speaker}: {said}{stance}"
    if ev.summary:
        return f"{ev.summary}{stance}"
    if kind == "figure":
        if ev.unquantified:
            amount = "(unquantified)"
        elif ev.value is not None:
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
        return f"{ev.actor}{product}: {ev.rule}: {before}{ev.after}{stance}"
    if kind == "regulatory_action":
        ends = f" (ends {ev.ends})" if ev.ends else ""
        imposed = f": {ev.restriction}" if ev.restriction else ""
        where = f" [{ev.jurisdiction}]" if ev.jurisdiction else ""
        return f"{ev.regulator} -> {ev.target}: {ev.rung}{imposed}{ends}{where}{stance}"
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


def shown_date(date: PartialDate | None) -> str:
    """A date as a listing shows it: ``on or before 2026-01-12`` for one with no known start,
    else the text it was given as."""
    if date is None:
        return ""
    if date.earliest is None and date.latest is not None and date.text.startswith(".."):
        return f"on or before {date.text[2:]}"
    return date.text


_FIRST = -(1 << 62)


def listing_key(date: PartialDate | None, seq: int) -> tuple[int, int, int]:
    """Where an event goes in a human listing: by the earliest it may have happened, except
    that a date with no known start ("on or before D") goes at D, the latest it may have
    happened (the folds and ``--json`` keep their own order: earliest possible first)."""
    if date is None:
        return (_FIRST, _FIRST, seq)
    first, last = date.sort_key
    return (last if date.earliest is None else first, last, seq)


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
