"""Exports for the tools newsrooms already use: TimelineJS3, CSV, schema.org ClaimReview.

All three are plain standard library plus the State: they need no chart library. Each is
deterministic (the same replay gives the same bytes) and carries the replay's dates and the log
record it was built from, so an exported file can be traced back like the report.

- :func:`timelinejs` returns the JSON object TimelineJS3 loads (``events`` with ``start_date``,
  optional ``end_date``, ``text``, ``group``, ``display_date``, ``unique_id``; a ``title``
  slide). A partial date keeps its precision (a month is ``{"year", "month"}``), and every
  slide says in ``display_date`` what is known ("on or before 12 January 2026").
- :func:`csv_tables` returns one CSV text per table (events, actors, topics, fixes and each
  projection), written with :mod:`csv` so any spreadsheet reads it back.
- :func:`claimreview` returns one schema.org ``ClaimReview`` per verification: the claim, the
  verdict as ``reviewRating`` and the outlet that checked it as ``author``.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import orjson

from tracker._inert import csv_text, html_text, safe_href, script_json
from tracker.events.dates import PartialDate
from tracker.events.describe import TYPE_LABELS, VERDICT_LABELS, kind_group
from tracker.events.models import Statement, Verification
from tracker.projections.disputes import FixRow, TestedClaim, VerdictRow
from tracker.projections.figures import FigurePoint
from tracker.projections.posture import PostureChange, PostureRow, PostureStep
from tracker.projections.shape import Shape
from tracker.projections.stances import StanceChange, StanceStep
from tracker.projections.timeline import ENTRY_SHAPE, entry_record, topics_of
from tracker.report._text import (
    DEFAULT_TITLE,
    VERDICT_RATINGS,
    display_date,
    endpoints,
    iso_day,
    provenance,
    scope,
)
from tracker.report._views import EventItem, ReportData, collect

if TYPE_CHECKING:
    from tracker.projections.state import State
    from tracker.store.base import Head

GroupBy = Literal["kind", "actor", "topic", "type", "none"]

GROUPINGS: tuple[str, ...] = ("kind", "actor", "topic", "type", "none")
"""How :func:`timelinejs` may put events in rows; the first is the default."""

CSV_TABLES: tuple[str, ...] = (
    "events",
    "actors",
    "topics",
    "stances",
    "stance_changes",
    "figures",
    "posture",
    "posture_history",
    "posture_steps",
    "disputes",
    "verdicts",
    "fixes",
)
"""The tables :func:`csv_tables` returns, in this order."""

PERSON_KINDS = frozenset({"person"})
"""Actor kinds published as a schema.org Person; every other kind is an Organization."""


def to_json(obj: Any) -> bytes:
    """Serialise an export as stable, readable JSON (sorted keys, two-space indent, newline)."""
    return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2) + b"\n"


# --- TimelineJS -------------------------------------------------------------------------------


def _tl_date(dt: datetime, precision: str) -> dict[str, int]:
    out = {"year": dt.year}
    if precision == "year":
        return out
    out["month"] = dt.month
    if precision == "month":
        return out
    out["day"] = dt.day
    if precision == "day":
        return out
    out["hour"] = dt.hour
    out["minute"] = dt.minute
    if precision in ("second", "microsecond"):
        out["second"] = dt.second
    return out


def _tl_dates(date: PartialDate) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """TimelineJS start and end dates for a partial date, each at its own precision."""
    start, end = endpoints(date)
    if start is None:  # on or before: TimelineJS needs a start; the display date says the rest
        assert end is not None and end.earliest is not None
        return _tl_date(end.earliest, end.precision), None
    assert start.earliest is not None
    first = _tl_date(start.earliest, start.precision)
    if end is None or end.earliest is None:
        return first, None
    last = _tl_date(end.earliest, end.precision)
    return first, (None if last == first else last)


def _group(data: ReportData, item: EventItem, by: GroupBy) -> str:
    if by == "kind":
        registered = data.state.actors.get(item.actor) if item.actor else None
        return kind_group(registered.kind) if registered is not None else "Other"
    if by == "actor":
        return item.lane
    if by == "type":
        return TYPE_LABELS.get(item.type, item.type)
    topics = topics_of(item.entry)
    return data.topic_name(topics[0]) if topics else "Other events"


def _slide_text(data: ReportData, item: EventItem) -> str:
    """A slide's body as HTML (TimelineJS renders it as HTML): every recorded text escaped,
    every link an http(s) or mailto one."""
    h = html_text
    ev = item.entry.event
    parts = []
    if isinstance(ev, Statement) and ev.quote and ev.summary:
        parts.append(f"<blockquote>{h(ev.quote)}</blockquote>")
    if isinstance(ev, Verification):
        target = data.by_id.get(ev.target)
        what = data.headline(target) if target else ev.target
        parts.append(f"<p><strong>{h(VERDICT_LABELS[ev.verdict])}</strong>: {h(what)}</p>")
        if ev.finding and ev.summary:  # (else the headline has it)
            parts.append(f"<p>{h(ev.finding)}</p>")
    words = {
        "disputed": "disputed by a verification",
        "uncertain": "not certain to have happened by the as-of date",
        "superseded": f"superseded by {item.entry.superseded_by}",
    }
    status = [words.get(s, s) for s in item.statuses()]
    if status:
        parts.append(f"<p><em>{h('; '.join(status))}</em></p>")
    links = []
    for s in ev.sources:
        href = safe_href(s.url)
        if href is not None:
            links.append(f'<a href="{h(href)}">{h(s.publisher)}</a>')
        else:  # a citation, or a URL that must not be a link: text
            links.append(h(f"{s.publisher}: {s.url or s.citation}"))
    parts.append(f"<p>Sources: {'; '.join(links)}. Event <code>{h(item.id)}</code>.</p>")
    return "".join(parts)


def timelinejs(
    state: State,
    *,
    log_head: Head | None = None,
    group_by: GroupBy = "kind",
    title: str | None = None,
) -> dict[str, Any]:
    """The replay as a TimelineJS3 JSON object (load it with ``new TL.Timeline(id, data)``).

    The title slide is for readers, as the report's header is: the title, the topics, what
    the replay holds in one sentence, and where it comes from as a small credit line (the
    records replayed and the command that checks them against the log head).

    Args:
        state: a replayed state.
        log_head: the log head, named in the title slide's credit line.
        group_by: put events in rows by the ``kind`` of actor who said or did it (regulators,
            media, ...; the default), by ``actor``, ``topic`` or ``type``, or ``none`` (one
            row).
        title: the title slide's headline (default: the report's, "Controversy report").

    Raises:
        InvalidInputError: an unknown ``group_by``.
    """
    if group_by not in GROUPINGS:
        from tracker.errors import InvalidInputError  # noqa: PLC0415

        msg = f"unknown grouping '{group_by}': choose one of {', '.join(GROUPINGS)}"
        raise InvalidInputError(msg)
    data = collect(state)
    events = []
    for item in data.events:
        start, end = _tl_dates(item.date)
        label = html_text(display_date(item.date))
        start["display_date"] = label
        slide: dict[str, Any] = {  # TimelineJS shows every text field as HTML: each escaped
            "unique_id": item.id,
            "start_date": start,
            "display_date": label,
            "text": {"headline": html_text(data.headline(item)), "text": _slide_text(data, item)},
        }
        if group_by != "none":
            slide["group"] = html_text(_group(data, item, group_by))
        if end is not None:
            slide["end_date"] = end
        events.append(slide)
    topics = " \u00b7 ".join(t.name for t in state.topics.values())
    about = [f"<p>{html_text(topics)}</p>"] if topics else []
    about.append(f"<p>{html_text(scope(state))}.</p>")
    about.append(f"<p><small>{html_text(provenance(state, log_head))}</small></p>")
    return {
        "scale": "human",
        "title": {
            "unique_id": "title",
            "text": {"headline": html_text(title or DEFAULT_TITLE), "text": "".join(about)},
        },
        "events": events,
    }


# --- CSV ---------------------------------------------------------------------------------------


def _cell(value: Any, *, raw: bool = False) -> str:
    """One CSV cell: numbers as numbers (a stance of ``-2``), everything else as text that a
    spreadsheet will not run as a formula (:func:`tracker._inert.csv_text`), unless ``raw``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value == int(value) and abs(value) < 1e15 else repr(value)
    if isinstance(value, list | tuple | set | frozenset):
        text = ";".join(_cell(v, raw=True) for v in value)
    elif isinstance(value, Mapping):
        text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    elif isinstance(value, PartialDate):
        text = value.text
    elif isinstance(value, datetime):
        text = value.isoformat()
    else:
        text = str(value)
    return text if raw else csv_text(text)


def to_csv(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None, *, raw: bool = False
) -> str:
    """Rows of plain values as CSV text (RFC 4180: a header, CRLF, quotes where needed).

    Lists are joined with ``;``, booleans are ``true``/``false``, None is an empty cell,
    numbers are numbers. A text cell that starts like a spreadsheet formula (``=``, ``+``,
    ``-``, ``@``, a tab, a carriage return) or with ``'`` gets a ``'`` in front (OWASP's rule
    against formula injection; :func:`tracker._inert.csv_restore` takes it off again), unless
    ``raw`` (for programs that read the file, never for a spreadsheet).
    """
    if columns is None:
        columns = list(dict.fromkeys(k for row in rows for k in row))
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c), raw=raw) for c in columns])
    return buf.getvalue()


def _columns(shape: Shape) -> list[str]:
    return [c.name for c in shape.columns]


COLUMNS: dict[str, list[str]] = {
    "actors": ["actor", "name", "kind", "jurisdiction", "aliases", "relations"],
    "topics": ["topic", "name", "description"],
    "stances": _columns(StanceStep.SHAPE),
    "stance_changes": _columns(StanceChange.SHAPE),
    "figures": _columns(FigurePoint.SHAPE),
    "posture": _columns(PostureRow.SHAPE),
    "posture_history": _columns(PostureChange.SHAPE),
    "posture_steps": _columns(PostureStep.SHAPE),
    "disputes": _columns(TestedClaim.SHAPE),
    "verdicts": _columns(VerdictRow.SHAPE),
    "fixes": _columns(FixRow.SHAPE),
}
"""The header of each table but ``events``, so a table with no rows still has its header: the
projections' declared columns (each row type's ``SHAPE``), never a copy of them."""


EVENT_COLUMNS = [
    "number",
    *_columns(ENTRY_SHAPE),
    "display_date",
    "uncertain",
    "status",
    "disputed",
    "lane",
]
"""The header of the events table: the timeline's declared columns, numbered as in the report."""


def csv_tables(state: State, *, raw: bool = False) -> dict[str, str]:
    """Every table of the replay as CSV text, by name: :data:`CSV_TABLES`.

    ``events`` is the timeline (uncertain events included, marked); ``actors`` and ``topics``
    the registry; the others are the projections' rows (``State.stances()``,
    ``stance_changes()``, ``figures()``, ``posture()`` current and steps, ``disputes()``
    claims, verdicts and fixes), flat as their ``to_records()`` give them.

    Text cells that start like a formula are neutralised for spreadsheets (see
    :func:`to_csv`); ``raw=True`` keeps every text exactly as recorded, for programs."""
    data = collect(state)
    events = []
    for item in data.events:
        row = {"number": item.number, **entry_record(item.entry)}
        row["display_date"] = display_date(item.date)
        row["uncertain"] = item.uncertain
        row["status"] = item.status
        row["disputed"] = item.disputed
        row["lane"] = item.lane
        events.append(row)
    actors = [
        {
            "actor": a.actor,
            "name": a.name,
            "kind": a.kind,
            "jurisdiction": a.jurisdiction,
            "aliases": a.aliases,
            "relations": [f"{r.type}:{r.target}" for r in a.relations],
        }
        for a in sorted(state.actors.values(), key=lambda a: a.actor)
    ]
    topics = [
        {"topic": t.topic, "name": t.name, "description": t.description}
        for t in sorted(state.topics.values(), key=lambda t: t.topic)
    ]
    posture = state.posture()
    disputes = state.disputes()
    rows: dict[str, list[dict[str, Any]]] = {
        "actors": actors,
        "topics": topics,
        "stances": state.stances().to_records(),
        "stance_changes": state.stance_changes().to_records(),
        "figures": state.figures().to_records(),
        "posture": posture.current.to_records(),
        "posture_history": posture.history.to_records(),
        "posture_steps": posture.steps.to_records(),
        "disputes": disputes.claims.to_records(),
        "verdicts": disputes.verdicts.to_records(),
        "fixes": disputes.fixes.to_records(),
    }
    tables = {"events": to_csv(events, EVENT_COLUMNS, raw=raw)}
    tables.update((name, to_csv(rows[name], COLUMNS[name], raw=raw)) for name in CSV_TABLES[1:])
    return tables


def write_csv(
    state: State, directory: str | os.PathLike[str], *, raw: bool = False
) -> list[Path]:
    """Write every table as ``<name>.csv`` into ``directory`` (created if missing); return the
    paths written. ``raw`` as for :func:`csv_tables`."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in csv_tables(state, raw=raw).items():
        path = folder / f"{name}.csv"
        path.write_text(text, encoding="utf-8", newline="")
        written.append(path)
    return written


# --- ClaimReview -----------------------------------------------------------------------------


def _agent(data: ReportData, actor: str | None, fallback: str) -> dict[str, Any]:
    reg = data.state.actors.get(actor) if actor else None
    if reg is None:
        return {"@type": "Organization", "name": fallback or (actor or "unknown")}
    kind = "Person" if reg.kind in PERSON_KINDS else "Organization"
    return {"@type": kind, "name": reg.name}


def _claim_author(data: ReportData, item: EventItem) -> tuple[str | None, str]:
    ev = item.entry.event
    for field in ("speaker", "reported_by", "actor", "regulator", "verifier", "subject"):
        value = getattr(ev, field, None)
        if isinstance(value, str):
            return value, data.actor_name(value)
    publisher = ev.sources[0].publisher if ev.sources else ""
    return None, publisher


def claimreview(state: State) -> list[dict[str, Any]]:
    """One schema.org ``ClaimReview`` (JSON-LD) per counted verification, oldest first.

    The claim is the verified event (a statement's quote, else its summary), the verdict is the
    ``reviewRating`` (1 contradicted, 2 partly confirmed, 3 confirmed, with the verdict in words
    as ``alternateName``) and the verifier is the ``author``.
    """
    return claimreview_of(collect(state))


def claimreview_of(data: ReportData) -> list[dict[str, Any]]:
    """:func:`claimreview` over data already collected (the report embeds it)."""
    out = []
    for item in data.events:
        ev = item.entry.event
        if not isinstance(ev, Verification) or item.uncertain:
            continue
        target = data.by_id.get(ev.target)
        review: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "identifier": item.id,
            "datePublished": iso_day(ev.occurred.earliest),
            "author": _agent(data, ev.verifier, ev.sources[0].publisher),
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": VERDICT_RATINGS[ev.verdict],
                "bestRating": 3,
                "worstRating": 1,
                "alternateName": VERDICT_LABELS[ev.verdict],
            },
        }
        url = next((u for s in ev.sources if (u := safe_href(s.url))), None)
        if url:
            review["url"] = url
        if ev.finding:
            review["reviewBody"] = ev.finding
        if target is not None:
            claimed = target.entry.event
            text = (
                claimed.quote
                if isinstance(claimed, Statement) and claimed.quote
                else data.headline(target)
            )
            review["claimReviewed"] = text
            author_id, author_name = _claim_author(data, target)
            claim: dict[str, Any] = {
                "@type": "Claim",
                "identifier": target.id,
                "author": _agent(data, author_id, author_name),
                "datePublished": iso_day(target.date.earliest or target.date.latest),
            }
            appearances = [
                {
                    "@type": "CreativeWork",
                    "url": s.url,
                    "publisher": {"@type": "Organization", "name": s.publisher},
                }
                for s in claimed.sources
                if safe_href(s.url)  # (an executable URL is left out: never a link)
            ]
            if appearances:
                claim["appearance"] = appearances
                claim["firstAppearance"] = appearances[0]
            review["itemReviewed"] = claim
        else:
            review["claimReviewed"] = ev.target
        out.append(review)
    return out


def claimreview_html(reviews: Iterable[Mapping[str, Any]]) -> str:
    """The reviews as ``<script type="application/ld+json">`` blocks for a web page."""
    # (script_json escapes <, >, & and the line separators: no text ends the element early or
    # opens a comment that swallows the page)
    blocks = [f'<script type="application/ld+json">{script_json(r)}</script>' for r in reviews]
    return "\n".join(blocks)


__all__ = [
    "CSV_TABLES",
    "GROUPINGS",
    "claimreview",
    "claimreview_html",
    "csv_tables",
    "timelinejs",
    "to_csv",
    "to_json",
    "write_csv",
]
