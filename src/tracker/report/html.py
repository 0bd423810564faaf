"""The report: one self-contained HTML page built from a replayed State.

The page has no script, loads nothing (styles and charts are inline, the icon is a ``data:``
URL) and works offline, on a laptop or a phone. It is deterministic: the same log and dates
give the same bytes, and the footer names the log head and the replay dates, so a published
chart can be traced back to the exact record.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from tracker._inert import html_text, safe_href
from tracker.events.dates import PartialDate
from tracker.events.describe import (
    STANCE_LABELS,
    TYPE_LABELS,
    VERDICT_LABELS,
    describe,
    metric_label,
    rung_label,
)
from tracker.events.models import (
    RUNGS,
    Figure,
    PolicyChange,
    Source,
    Statement,
    Verification,
)
from tracker.report import charts
from tracker.report._text import DEFAULT_TITLE, display_date, endpoints, instant_text, scope
from tracker.report._views import EventItem, ReportData, anchor_id, collect, format_value
from tracker.report.exports import claimreview_html, claimreview_of

if TYPE_CHECKING:
    from tracker.projections.state import State
    from tracker.store.base import Head

_CSS = """
:root{color-scheme:light;--ink:#1d1d1f;--muted:#5f6368;--rule:#e3e3e3;--bg:#fff;--soft:#f6f6f4;
--accent:#0b57a4;--bad:#c1121f;--ok:#1b7f3b;--warn:#9a6700}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);
font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.wrap{max-width:60rem;margin:0 auto;padding:0 1rem}
header.top{border-bottom:1px solid var(--rule);padding:1.6rem 0 1rem}
.kicker{text-transform:uppercase;letter-spacing:.08em;font-size:.75rem;color:var(--muted);margin:0}
h1{font-size:clamp(1.6rem,4vw,2.3rem);line-height:1.15;margin:.3rem 0 .5rem}
h2{font-size:1.35rem;margin:2.4rem 0 .4rem;padding-top:.4rem;border-top:3px solid var(--ink)}
h3{font-size:1.05rem;margin:1.4rem 0 .4rem}
p{margin:.4rem 0 .8rem}
a{color:var(--accent)}
.dek{font-size:1.05rem;color:#333;margin:.2rem 0 .8rem}
nav.toc{display:flex;flex-wrap:wrap;gap:.3rem .9rem;font-size:.9rem}
.glance{display:grid;grid-template-columns:repeat(auto-fit,minmax(7.4rem,1fr));gap:.6rem;
margin:1.2rem 0}
.card{background:var(--soft);border-radius:.4rem;padding:.6rem .8rem}
.card b{display:block;font-size:1.5rem;line-height:1.2}
.card b.word{font-size:1.05rem;padding:.2rem 0}
.card span{display:block;font-size:.85rem;line-height:1.35;color:var(--muted)}
.card.wide{grid-column:span 2}
figure{margin:1rem 0 1.4rem}
.chart-box{overflow-x:auto;-webkit-overflow-scrolling:touch}
svg.chart{display:block;width:100%;height:auto}
.hint{display:none}
figcaption{font-size:.85rem;color:var(--muted);margin-top:.3rem}
.lede{color:#333}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.4rem 0 1rem}
th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid var(--rule)}
th{font-size:.78rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
ol.events{list-style:none;padding:0;margin:0}
ol.events li{display:grid;grid-template-columns:2.4rem 1fr;gap:.2rem .6rem;padding:.7rem 0;
border-bottom:1px solid var(--rule)}
ol.events li:target{background:#fff6d6;outline:2px solid #f0c000;outline-offset:2px}
.n{font-weight:700;color:var(--muted);font-variant-numeric:tabular-nums;text-align:right}
.meta{font-size:.85rem;color:var(--muted)}
.what{font-weight:600}
blockquote{margin:.3rem 0;padding:.1rem 0 .1rem .8rem;border-left:3px solid var(--rule);color:#333}
.sources{font-size:.85rem}
.badge{display:inline-block;font-size:.72rem;font-weight:600;padding:.05rem .45rem;
border-radius:1rem;
margin-right:.3rem;background:var(--soft);color:var(--ink);white-space:nowrap}
.badge.bad{background:#fde8e8;color:var(--bad)}
.badge.ok{background:#e5f4ea;color:var(--ok)}
.badge.warn{background:#fff1d6;color:var(--warn)}
.badge.type{background:none;border:1px solid var(--rule);color:var(--muted)}
ul.plain{padding-left:1.1rem}
ul.plain li{margin:.25rem 0}
.empty{color:var(--muted);font-style:italic}
footer{margin:3rem 0 2rem;padding-top:1rem;border-top:1px solid var(--rule);font-size:.85rem;
color:var(--muted)}
footer dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.4rem 0}
footer dt{font-weight:600;color:var(--ink)}
footer dd{margin:0}
code,.hash{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.82rem;word-break:break-all}
@media (max-width:40rem){svg.chart{min-width:600px}.hint{display:inline}}
@media (max-width:36rem){body{font-size:15px}ol.events li{grid-template-columns:1.8rem 1fr}
footer dl{grid-template-columns:1fr}h2{margin-top:1.8rem}}
@media print{nav.toc{display:none}h2{break-after:avoid}figure,li{break-inside:avoid}}
"""


def render_report(
    state: State,
    *,
    log_head: Head | None = None,
    title: str | None = None,
) -> str:
    """Render the report of a replayed state as one self-contained HTML page.

    Args:
        state: what ``log.replay(as_of=..., known_at=...)`` returned.
        log_head: the log's head (``log.head()``), named in the footer so readers can check
            the page against the log with ``tracker verify --head``.
        title: the page's headline (default: "Controversy report").

    Raises:
        MissingExtraError: matplotlib (the ``report`` extra) is not installed.
    """
    data = collect(state)
    svgs = {}
    for name in charts.CHARTS:
        fig = charts.draw(name, data)
        svgs[name] = charts.to_svg(fig, name, title=_CHART_TITLES[name])
    page = _Page(data, svgs, log_head, title or DEFAULT_TITLE)
    return page.render()


CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'"
)
"""The page's Content-Security-Policy: it runs no script, loads nothing, and submits nothing.

Styles are inline (the ``<style>`` element and the charts' own ``style`` attributes) and the
icon is a ``data:`` URL; everything else (scripts, frames, fonts, fetches, plugins, a ``<base>``
that would move relative links, forms) is refused. The JSON-LD blocks are data, not scripts:
browsers never run them, so the policy does not need to allow them."""

_CHART_TITLES = {
    "timeline": "Timeline of events by actor",
    "stances": "Stances over time, by holder and topic",
    "figures": "Reported figures over time",
    "posture": "Regulators' escalation over time",
}


def _h(text: object) -> str:
    """Recorded text for the page: escaped, its control characters shown."""
    return html_text(text)


def _in_page(event_id: str) -> str:
    """The href of an event's row on this page."""
    return _h("#" + anchor_id(event_id))


def _link(href: str, text: str) -> str:
    """A link within the page (``#...``)."""
    assert href.startswith("#")
    return f'<a href="{_h(href)}">{_h(text)}</a>'


def _event_ref(item: EventItem | None, fallback: str) -> str:
    if item is None:
        return f"<code>{_h(fallback)}</code>"
    return f'<a href="{_in_page(item.id)}">#{item.number}</a>'


class _Page:
    def __init__(
        self, data: ReportData, svgs: dict[str, str], head: Head | None, title: str
    ) -> None:
        self.data = data
        self.state = data.state
        self.svgs = svgs
        self.head = head
        self.title = title

    # --- whole page -------------------------------------------------------------------------

    def render(self) -> str:
        parts = [
            "<!doctype html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta name="generator" content="tracker {_version()}">',
            f"<title>{_h(self.title)}</title>",
            '<link rel="icon" href="data:,">',
            f"<style>{_CSS}</style>",
            claimreview_html(claimreview_of(self.data)),
            "</head>",
            "<body>",
            self.header(),
            '<main class="wrap">',
            self.glance(),
            self.timeline(),
            self.stances(),
            self.figures(),
            self.posture(),
            self.disputes(),
            self.events(),
            "</main>",
            self.footer(),
            "</body>",
            "</html>",
        ]
        return "\n".join(p for p in parts if p) + "\n"

    def header(self) -> str:
        st = self.state
        topics = [t.name for t in st.topics.values()]
        held = scope(st, strong=lambda date: f"<strong>{_h(date)}</strong>")
        toc = " ".join(
            _link(f"#{a}", t)
            for a, t in (
                ("timeline", "Timeline"),
                ("stances", "Stances"),
                ("figures", "Figures"),
                ("regulators", "Regulators"),
                ("disputes", "Disputes and corrections"),
                ("events", "All events"),
            )
        )
        kicker = " \u00b7 ".join(topics) if topics else "tracker report"
        return (
            '<header class="top"><div class="wrap">'
            f'<p class="kicker">{_h(kicker)}</p>'
            f"<h1>{_h(self.title)}</h1>"
            f'<p class="dek">{held}. Each marker links to its event and its sources; '
            "the footer names the exact log record this page was built from.</p>"
            f'<nav class="toc" aria-label="Sections">{toc}</nav>'
            "</div></header>"
        )

    def glance(self) -> str:
        d = self.data
        counted = [i for i in d.events if not i.uncertain]
        disputed = [i for i in d.events if i.disputed]
        sources = {s.url or s.citation for i in d.events for s in i.entry.event.sources}
        regulators = {row.regulator for row in d.posture_now}
        more = len(d.events) - len(counted)
        cards = [
            (
                str(len(counted)),
                _plural(len(counted), "event") + (f", {more} more uncertain" if more else ""),
            ),
            (str(len(sources)), _plural(len(sources), "source") + " cited"),
            (str(len(disputed)), _plural(len(disputed), "disputed claim")),
            (str(len(d.fixes)), _plural(len(d.fixes), "correction") + " to this record"),
        ]
        if regulators:
            cards.append(
                (
                    str(len(regulators)),
                    _plural(len(regulators), "authority", "authorities") + " acting",
                )
            )
        inner = "".join(
            f'<div class="card"><b>{_h(a)}</b><span>{_h(b)}</span></div>' for a, b in cards
        )
        top = self._top_rung()
        if top is not None:
            rung, who = top
            inner += (
                f'<div class="card wide"><b class="word">{_h(rung)}</b>'
                f"<span>highest step so far ({_h(who)})</span></div>"
            )
        return f'<section class="glance" aria-label="At a glance">{inner}</section>'

    def _top_rung(self) -> tuple[str, str] | None:
        rows = [r for r in self.data.posture_now if r.level > 0]
        if not rows:
            return None
        top = max(rows, key=lambda r: r.level)  # the first listed among equals
        return rung_label(str(top.rung)), self.data.actor_name(top.regulator)

    # --- sections ---------------------------------------------------------------------------

    def _figure(self, name: str, caption: str) -> str:
        return (
            f'<figure><div class="chart-box">{self.svgs[name]}</div>'
            f'<figcaption><span class="hint">Swipe sideways to see the whole chart. </span>'
            f"{caption}</figcaption></figure>"
        )

    def timeline(self) -> str:
        return (
            '<section id="timeline"><h2>Timeline</h2>'
            '<p class="lede">Every event on the row of the actor who said, did, reported or '
            f"tested it; the numbers match the list of events at the end. {_h(self._dating())}</p>"
            + self._figure(
                "timeline",
                "Events far outside the main period are arrows at the edge, with their date. "
                "Filled markers certainly happened by the as-of date; hollow ones may not have.",
            )
            + "</section>"
        )

    def _dating(self) -> str:
        """How precisely the events are dated, in one sentence."""
        kinds: dict[str, int] = {}
        for item in self.data.events:
            start, end = endpoints(item.date)
            if start is None:
                kind = "as on or before a date"
            elif end is None:
                kind = "as on or after a date"
            elif item.date.is_interval:
                kind = "as a range of dates"
            elif item.date.precision in ("year", "month"):
                kind = f"to the {item.date.precision}"
            else:
                continue
            kinds[kind] = kinds.get(kind, 0) + 1
        total = len(self.data.events)
        if not kinds:
            return "Every event is dated to the day or better." if total else ""
        ranked = sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))
        parts = [f"{n} only {kind}" for kind, n in ranked]
        verb = "is" if ranked[0][1] == 1 else "are"
        parts[0] = f"{ranked[0][1]} {verb} dated only {ranked[0][0]}"
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return f"Of {total} events, {listed}: each is drawn as what is known."

    def stances(self) -> str:
        d = self.data
        rows = []
        for topic, holders in d.stances.items():
            for holder, points in holders.items():
                for p in points:
                    before = ""
                    if p.previous is not None:
                        prev = d.by_id.get(p.previous_id or "")
                        ref = _event_ref(prev, p.previous_id or "")
                        before = f"{_h(STANCE_LABELS[p.previous])} ({ref}) \u2192 "
                    now = "withdrawn" if p.stance is None else STANCE_LABELS[p.stance]
                    item = d.by_id.get(p.event_id)
                    when = display_date(item.date) if item else display_date(_date(p.when))
                    rows.append(
                        f"<tr><td>{_h(d.actor_name(holder))}</td><td>{_h(d.topic_name(topic))}</td>"
                        f"<td>{before}<strong>{_h(now)}</strong></td>"
                        f"<td>{_h(p.change)}</td><td>{_h(when)}</td>"
                        f'<td><a href="{_in_page(p.event_id)}">'
                        f"{_h('#' + str(item.number) if item else 'the retraction')}</a></td></tr>"
                    )
        table = (
            '<div class="scroll"><table><thead><tr><th>Who</th><th>On</th><th>Stance</th>'
            "<th>Change</th><th>When</th><th>Evidence</th></tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table></div>"
            if rows
            else '<p class="empty">No statement takes a stance on a topic.</p>'
        )
        return (
            '<section id="stances"><h2>Stances</h2>'
            '<p class="lede">Where each actor stands on each topic, from strongly against to '
            "strongly for, as a step that holds until their next statement. Each change is "
            "labelled (hardened, softened, reversed, withdrawn) and links to the statement "
            "behind it.</p>"
            + (
                self._figure("stances", "Click a marker to jump to the statement.")
                if d.stances
                else ""
            )
            + table
            + "</section>"
        )

    def figures(self) -> str:
        d = self.data
        rows = []
        for series in d.figures:
            for p in series.points:
                item = d.by_id[p.event_id]
                ev = item.entry.event
                assert isinstance(ev, Figure)
                period = f" (for {display_date(ev.period)})" if ev.period else ""
                was = "".join(f' <span class="meta">{_h(c)}.</span>' for c in p.corrections)
                rows.append(
                    f"<tr><td>{_h(metric_label(ev.metric))}{_h(period)}</td>"
                    f'<td class="num">{_h(format_value(ev))}</td>'
                    f"<td>{_h(d.actor_name(ev.subject))}</td>"
                    f"<td>{_h(d.actor_name(ev.reported_by) or self._publisher(ev.sources))}</td>"
                    f"<td>{_h(display_date(item.date))}</td>"
                    f"<td>{self._badges(item)}{was}</td><td>{_event_ref(item, item.id)}</td></tr>"
                )
        table = (
            '<div class="scroll"><table><thead><tr><th>Metric</th><th>Value</th><th>About</th>'
            "<th>Reported by</th><th>Reported</th><th>Status</th><th>Event</th></tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table></div>"
            if rows
            else '<p class="empty">No figures reported.</p>'
        )
        return (
            '<section id="figures"><h2>Figures</h2>'
            '<p class="lede">The numbers reported, in their units, by date reported. Values in '
            "one dimension are converted to one unit; a range is drawn as a bar; a red ring marks "
            "a figure that a verification contradicts.</p>"
            + (
                self._figure(
                    "figures",
                    "Hollow markers are approximate (\u201cabout\u201d) or superseded values.",
                )
                if d.figures
                else ""
            )
            + table
            + "</section>"
        )

    def posture(self) -> str:
        d = self.data
        items = []
        for row in d.posture_now:  # the posture projection: who stands where at the replay point
            item = d.by_id.get(row.event)
            since = f" ({_h(display_date(row.since))})" if row.since is not None else ""
            rung = rung_label(row.rung) if row.rung else "no step open"
            items.append(
                f"<li><strong>{_h(d.actor_name(row.regulator))}</strong> \u2192 "
                f"{_h(d.actor_name(row.target))}: {_h(rung)}{since}, "
                f"{_event_ref(item, row.event)}</li>"
            )
        ladder = " < ".join(rung_label(r) for r in RUNGS)
        return (
            '<section id="regulators"><h2>Regulators</h2>'
            '<p class="lede">The escalation ladder: each action on its rung at its date, and for '
            "each authority and target the highest step still open (a closure or withdrawal "
            "ends a step). Below: where each stands now.</p>"
            + (
                self._figure("posture", f"The ladder, lowest first: {_h(ladder)}.")
                if d.posture
                else ""
            )
            + (
                f'<ul class="plain">{"".join(items)}</ul>'
                if items
                else '<p class="empty">No regulatory actions.</p>'
            )
            + "</section>"
        )

    def disputes(self) -> str:
        d = self.data
        checks = []
        for item in d.events:
            ev = item.entry.event
            if not isinstance(ev, Verification):
                continue
            target = d.by_id.get(ev.target)
            what = d.headline(target) if target else ev.target
            cls = {"contradicted": "bad", "confirmed": "ok"}.get(ev.verdict, "warn")
            finding = f"<blockquote>{_h(ev.finding)}</blockquote>" if ev.finding else ""
            checks.append(
                f'<li><span class="badge {cls}">{_h(VERDICT_LABELS[ev.verdict])}</span> '
                f"<strong>{_h(d.actor_name(ev.verifier))}</strong> tested "
                f"{_event_ref(target, ev.target)}: {_h(what)} "
                f'<span class="meta">({_h(display_date(item.date))}, '
                f"{_event_ref(item, item.id)})</span>{finding}</li>"
            )
        fixes = []
        for fix in d.fixes:
            target = d.by_id.get(fix.target)
            before = fix.before
            label = {
                "correction": "Corrected",
                "retraction": "Retracted",
                "supersession": "Superseded",
            }[fix.kind]
            extra = ""
            if fix.kind == "supersession":
                by = d.by_id.get(fix.fix.by)  # type: ignore[union-attr]
                extra = f" by {_event_ref(by, fix.fix.by)}"  # type: ignore[union-attr]
            was = ""
            if fix.kind == "correction":
                changed = "; ".join(
                    f"{c.field} {c.old_text} \u2192 {c.new_text}" for c in fix.changes()
                )
                was = f" Changed: {_h(changed)}." if changed else ""
            if target is not None:
                what = d.headline(target)
            elif before is not None:
                what = describe(before.event, name=d.actor_name)
            else:
                what = fix.target
            fixes.append(
                f'<li id="{_h(anchor_id(str(fix.fix.id)))}"><span class="badge warn">{label}</span> '
                f"{_event_ref(target, fix.target)} {_h(what)}{extra}: "
                f"<em>{_h(fix.reason)}</em>.{was} "
                f'<span class="meta">Recorded {_h(fix.recorded[:16].replace("T", " "))} UTC.'
                "</span></li>"
            )
        return (
            '<section id="disputes"><h2>Disputes and corrections</h2>'
            "<h3>What was checked</h3>"
            + (
                f'<ul class="plain">{"".join(checks)}</ul>'
                if checks
                else '<p class="empty">No verifications.</p>'
            )
            + "<h3>Corrections to this record</h3>"
            '<p class="lede">Our record was wrong, or the world moved on. The log never changes a '
            "line: each fix is a new record, and applies to every replay made after it.</p>"
            + (
                f'<ul class="plain">{"".join(fixes)}</ul>'
                if fixes
                else '<p class="empty">None.</p>'
            )
            + "</section>"
        )

    def events(self) -> str:
        d = self.data
        rows = []
        for item in d.events:
            ev = item.entry.event
            quote = ""
            if isinstance(ev, Statement) and ev.quote and ev.summary:
                quote = f"<blockquote>\u201c{_h(ev.quote)}\u201d</blockquote>"
            elif isinstance(ev, PolicyChange):
                quote = (
                    f'<div class="meta">{_h(ev.rule)}: {_h(ev.before or "?")} \u2192 '
                    f"{_h(ev.after)}</div>"
                )
            elif isinstance(ev, Verification) and ev.finding and ev.summary:
                quote = f"<blockquote>{_h(ev.finding)}</blockquote>"  # (else the headline has it)
            rows.append(
                f'<li id="{_h(anchor_id(item.id))}"><span class="n">{item.number}</span><div>'
                f'<div class="meta">{_h(display_date(item.date))} \u00b7 {_h(item.lane)} '
                f'<span class="badge type">{_h(TYPE_LABELS.get(item.type, item.type))}</span>'
                f"{self._badges(item)}</div>"
                f'<div class="what">{_h(d.headline(item))}</div>{quote}'
                f'<div class="sources">{self._sources(ev.sources)} <code>{_h(item.id)}</code></div>'
                "</div></li>"
            )
        return (
            '<section id="events"><h2>All events</h2>'
            '<p class="lede">In the order they happened; an event known only to a range sorts by '
            "the start of its range, and one dated \u201con or before\u201d a day (no known "
            "start) at that day, as tracker's listings place it.</p>"
            + (
                f'<ol class="events">{"".join(rows)}</ol>'
                if rows
                else '<p class="empty">No events.</p>'
            )
            + "</section>"
        )

    # --- pieces -----------------------------------------------------------------------------

    def _badges(self, item: EventItem) -> str:
        return "".join(
            f'<span class="badge{_BADGE_CLASS.get(status, "")}">'
            f"{_h(_BADGE_TEXT.get(status, status))}</span>"
            for status in item.statuses()
        )

    @staticmethod
    def _publisher(sources: Iterable[Source]) -> str:
        return next((s.publisher for s in sources), "")

    @staticmethod
    def _sources(sources: Iterable[Source]) -> str:
        out = []
        for s in sources:
            when = f", {display_date(s.published, short=True)}" if s.published else ""
            href = safe_href(s.url)
            if href is not None:
                out.append(
                    f'<a href="{_h(href)}" rel="noopener noreferrer">{_h(s.publisher)}</a>{_h(when)}'
                )
            else:  # no URL, or one that is not http(s)/mailto: shown as text, never a link
                out.append(f"{_h(s.publisher)}: {_h(s.url or s.citation or '')}{_h(when)}")
        return "Sources: " + "; ".join(out) if out else ""

    def footer(self) -> str:
        st = self.state
        rows = [
            ("World time (as of)", instant_text(st.as_of)),
            ("Record time (known at)", instant_text(st.known_at)),
            ("Replayed records", f"1\u2013{st.head_seq}" if st.head_seq else "none"),
        ]
        if st.head_hash:
            rows.append(("Last replayed record", f"{st.head_seq}:{st.head_hash}"))
        if self.head is not None:
            rows.append(("Log head", str(self.head)))
        cells = "".join(
            f"<dt>{_h(k)}</dt><dd{' class=hash' if ':' in v and len(v) > 60 else ''}>{_h(v)}</dd>"
            for k, v in rows
        )
        check = (
            "<p>To check this page against the log: "
            f"<code>tracker verify --head {_h(self.head)}</code></p>"
            if self.head is not None
            else ""
        )
        return (
            f'<footer class="wrap"><p>Built by tracker {_h(_version())} from an append-only, '
            "hash-chained log.</p>"
            f"<dl>{cells}</dl>{check}</footer>"
        )


_BADGE_CLASS = {
    "disputed": " bad",
    "partly confirmed": " warn",
    "confirmed": " ok",
    "uncertain": " warn",
}
_BADGE_TEXT = {"uncertain": "not certain by the as-of date"}


def _date(when: datetime) -> PartialDate:
    """The day of an instant, as a partial date (for rows that have no event of their own)."""
    return PartialDate.parse(f"{when.year:04d}-{when.month:02d}-{when.day:02d}")


def _plural(count: int, word: str, many: str | None = None) -> str:
    return word if count == 1 else (many or word + "s")


def _version() -> str:
    from tracker import __version__  # noqa: PLC0415

    return __version__


__all__ = ["render_report"]
