"""How an event and a number read to people: one describer and one number formatter.

Every output describes an event with :func:`describe` and writes a number with
:func:`number` (a figure's value with its unit: :func:`figure_text`): the projections' JSON
(``summary`` of a timeline row, a diff, a dispute, an actor's events), the command line's
tables and ``show``, and the report, its charts and the exports. They differ only in how
they name actors: ids for the JSON and the command line (the names a command takes),
display names for the report (``name=``). So an event reads the same wherever it is shown.

What comes out is plain text; each output makes it safe for where it goes
(:mod:`tracker._inert`). Words for the vocabulary's codes (a rung, a metric, a type, a
stance) are here too, for the same reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tracker.events.units import get_unit

if TYPE_CHECKING:
    from tracker.events.dates import PartialDate
    from tracker.events.models import AnyEvent

TYPE_LABELS: dict[str, str] = {
    "statement": "Statement",
    "figure": "Figure",
    "policy_change": "Policy change",
    "regulatory_action": "Regulatory action",
    "verification": "Verification",
    "incident": "Incident",
    "correction": "Correction",
    "retraction": "Retraction",
    "supersession": "Supersession",
    "actor": "Actor",
    "topic": "Topic",
}
"""Event type tag -> a heading-case label."""

STANCE_LABELS: dict[int, str] = {
    -2: "strongly against",
    -1: "against",
    0: "neutral",
    1: "for",
    2: "strongly for",
}
"""The signed stance scale in words."""

KIND_GROUPS: dict[str, str] = {
    "person": "People",
    "company": "Companies",
    "product": "Products",
    "platform": "Platforms",
    "regulator": "Regulators",
    "government": "Governments",
    "prosecutor": "Prosecutors",
    "court": "Courts",
    "legislator": "Legislators",
    "media": "Media",
    "ngo": "NGOs",
    "investor": "Investors",
    "other": "Other actors",
}
"""An actor kind as the name of a group of actors (a row of a timeline grouped by kind)."""


def kind_group(kind: str) -> str:
    """``regulator`` -> ``Regulators`` (a kind not listed: its words, capitalised)."""
    return KIND_GROUPS.get(kind) or kind.replace("_", " ").capitalize()


VERDICT_LABELS: dict[str, str] = {
    "confirmed": "Confirmed",
    "contradicted": "Contradicted",
    "partly_confirmed": "Partly confirmed",
}
"""A verification's verdict as a heading-case label."""

_SMALL_WORDS = frozenset({"a", "an", "at", "by", "in", "is", "of", "on", "or", "to", "vs"})


def metric_label(metric: str) -> str:
    """``uk_revenue_decline`` -> ``UK revenue decline`` (two-letter words read as codes)."""
    words = [w.upper() if len(w) == 2 and w not in _SMALL_WORDS else w for w in metric.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def rung_label(rung: str) -> str:
    """``investigation_widened`` -> ``investigation widened``."""
    return rung.replace("_", " ")


def number(value: float) -> str:
    """A number as people write it: ``6,700``, ``1.46``, ``-2``, ``0.000125``, ``1e+20``.

    Whole numbers get thousands separators; others keep up to 12 significant digits, so a
    value reads as it was given (``1,234,567.891``, never rounded to ``1.23457e+06``).
    """
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.12g}"


def figure_text(
    value: float | None, lower: float | None, upper: float | None, unit: str, approximate: bool
) -> str:
    """A figure's value in words: ``about 6,700 per hour``, ``1,500-2,500 per hour``,
    ``at least 3 US dollars``; with no value and no bounds (an unquantified figure),
    ``an unquantified number (aircraft)``; a unit outside the units table is shown as given."""
    known = get_unit(unit)
    label = known.label if known is not None else unit
    if value is not None:
        amount = number(value)
    elif lower is not None and upper is not None:
        amount = f"{number(lower)}-{number(upper)}"
    elif lower is not None:
        amount = f"at least {number(lower)}"
    elif upper is not None:
        amount = f"at most {number(upper)}"
    else:
        return f"an unquantified number ({label})"
    space = "" if label == "%" else " "
    return f"{'about ' if approximate else ''}{amount}{space}{label}"


def shown_date(date: PartialDate | None) -> str:
    """A date as a listing shows it: ``on or before 2026-01-12`` for one with no known start,
    else the text it was given as (``""`` for none)."""
    if date is None:
        return ""
    if date.earliest is None and date.latest is not None and date.text.startswith(".."):
        return f"on or before {date.text[2:]}"
    return date.text


_FIRST = -(1 << 62)


def listing_key(date: PartialDate | None, seq: int) -> tuple[int, int, int]:
    """Where an event goes in a human listing: by the earliest it may have happened, except
    that a date with no known start ("on or before D") goes at D, the latest it may have
    happened (the folds and ``--json`` keep their own order: earliest possible first).
    ``seq`` breaks ties (a record number, or a position in the fold's order)."""
    if date is None:
        return (_FIRST, _FIRST, seq)
    first, last = date.sort_key
    return (last if date.earliest is None else first, last, seq)


def _same(actor: str) -> str:
    return actor


def describe(event: AnyEvent, *, name: Callable[[str], str] = _same) -> str:
    """One line saying what an event is: its summary when it has one, else its key fields.

    ``name`` turns an actor id into what the output shows (default: the id itself; the
    report passes display names).
    """
    if event.summary:
        return event.summary
    ev: Any = event
    match event.type:
        case "statement":
            return f"{name(ev.speaker)}: \u201c{ev.quote}\u201d"
        case "figure":
            text = f"{metric_label(ev.metric)}: " + figure_text(
                ev.value, ev.lower, ev.upper, ev.unit, ev.approximate
            )
            if ev.subject:
                text += f" ({name(ev.subject)})"
            if ev.reported_by:
                text += f", reported by {name(ev.reported_by)}"
            return text
        case "policy_change":
            product = f" on {name(ev.product)}" if ev.product else ""
            before = f"{ev.before} \u2192 " if ev.before else ""
            return f"{name(ev.actor)} changes {ev.rule}{product}: {before}{ev.after}"
        case "regulatory_action":
            ends = f", ending {ev.ends}" if ev.ends else ""
            imposed = f" ({ev.restriction})" if ev.restriction else ""
            return (
                f"{name(ev.regulator)}: {rung_label(ev.rung)} against {name(ev.target)}"
                f"{imposed}{ends}"
            )
        case "verification":
            found = f" \u2014 {ev.finding}" if ev.finding else ""
            return f"{name(ev.verifier)} checks {ev.target}: {ev.verdict.replace('_', ' ')}{found}"
        case "incident":
            victims = f" ({ev.victims})" if ev.victims else ""
            return f"{ev.harm}{victims}"
        case "actor":
            return f"{ev.actor}: {ev.name} ({ev.kind})"
        case "topic":
            return f"{ev.topic}: {ev.name}"
        case "correction":
            return f"corrects {ev.corrects}: {ev.reason}"
        case "retraction":
            return f"retracts {ev.retracts}: {ev.reason}"
        case "supersession":
            return f"{ev.by} supersedes {ev.supersedes}: {ev.reason}"
        case "erasure":
            records = ", ".join(str(r) for r in ev.records)
            plural = "s" if len(ev.records) > 1 else ""
            return f"erases record{plural} {records}: {ev.reason} (ordered by {ev.ordered_by})"
        case "erased":
            return "erased (its content is gone; see the erasure that names it)"
        case "key_rotation":
            return f"{ev.replaces} hands over to {ev.key.rsplit('+', 1)[0]}"
        case "predecessor":
            return f"carries on the older log {str(ev.head).splitlines()[0][:60]}"
        case _:
            return TYPE_LABELS.get(event.type, event.type)


__all__ = [
    "KIND_GROUPS",
    "STANCE_LABELS",
    "TYPE_LABELS",
    "VERDICT_LABELS",
    "describe",
    "figure_text",
    "kind_group",
    "listing_key",
    "metric_label",
    "number",
    "rung_label",
    "shown_date",
]
