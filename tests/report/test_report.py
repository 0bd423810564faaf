"""The HTML report and single charts: what the page says, and that it is the same every time."""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser

import pytest

import tracker
from tracker.errors import InvalidInputError, MissingExtraError
from tracker.events.dates import PartialDate
from tracker.report import display_date, render_chart, render_report


class _Tags(HTMLParser):
    """Collects every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


@pytest.fixture(scope="module")
def full_html(grok_log_path) -> str:
    """The report of the whole log."""
    with tracker.open(grok_log_path) as log:
        return render_report(log.replay(), log_head=log.head(), title="Grok and the deepfakes")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2026-01-09", "9 January 2026"),
        ("2026-01", "January 2026"),
        ("2026", "2026"),
        ("2026-01~", "about January 2026"),
        ("2026-01-09T14:05", "9 January 2026, 14:05 UTC"),
        ("..2026-01-12", "on or before 12 January 2026"),
        ("2026-01-05..", "on or after 5 January 2026"),
        ("2026-01-05..2026-01-08", "5\u20138 January 2026"),
        ("2025-12-28..2026-01-02", "28 December 2025 \u2013 2 January 2026"),
        ("2025-07/2025-09", "July 2025 \u2013 September 2025"),
    ],
)
def test_display_date_says_what_is_known_and_no_more(text: str, words: str) -> None:
    """A partial date reads at its own precision, with ranges and open ends in words."""
    assert display_date(PartialDate.parse(text)) == words


def test_report_is_one_self_contained_page(full_html: str) -> None:
    """Nothing in the page is loaded from elsewhere: no script src, stylesheet, image or font."""
    assert full_html.startswith("<!doctype html>\n")
    loading = []
    for tag, attrs in _tags(full_html):
        embeds = ("script", "img", "iframe", "source", "video", "audio", "embed", "object")
        if tag in embeds and (attrs.get("src") or attrs.get("data")):
            loading.append((tag, attrs))
        if tag == "link" and attrs.get("href") != "data:,":
            loading.append((tag, attrs))
        if tag == "script" and attrs.get("type") != "application/ld+json":
            loading.append((tag, attrs))
    assert loading == []
    assert "@import" not in full_html
    assert "url(http" not in full_html


def test_report_footer_names_the_log_head_and_the_replay_dates(grok_log_path) -> None:
    """The footer carries both clocks, the replayed records and the log head with its full hash."""
    with tracker.open(grok_log_path) as log:
        head = log.head()
        html = render_report(log.replay(as_of="2026-01-09", known_at="2026-01-12"), log_head=head)
    footer = html[html.index("<footer") :]
    assert "<dt>World time (as of)</dt><dd>2026-01-09 23:59:59 UTC</dd>" in footer
    assert "<dt>Record time (known at)</dt><dd>2026-01-12 23:59:59 UTC</dd>" in footer
    assert "<dt>Replayed records</dt><dd>1\u201336</dd>" in footer
    assert f"<dd class=hash>{head.seq}:{head.hash}</dd>" in footer
    assert f"tracker verify --head {head.seq}:{head.hash}" in footer


def test_report_shows_every_chart_and_numbers_every_event(full_html: str) -> None:
    """Four charts, each with an accessible title, and one numbered row per event."""
    charts = re.findall(r'<svg [^>]*data-chart="([a-z]+)"', full_html)
    assert charts == ["timeline", "stances", "figures", "posture"]
    assert full_html.count('role="img"') == 4
    rows = re.findall(r'<li id="e-([a-z0-9.-]+)"><span class="n">(\d+)</span>', full_html)
    assert [int(n) for _id, n in rows] == list(range(1, 23))
    assert rows[0] == ("paris-opened", "1")
    assert rows[-1] == ("ofcom-investigation", "22")  # "on or before 12 January": at the 12th


def test_report_ids_are_unique_across_its_charts(full_html: str) -> None:
    """Inline charts share one page, so every id (and every link to one) must be unique."""
    ids = Counter(attrs["id"] for _tag, attrs in _tags(full_html) if attrs.get("id"))
    assert [i for i, n in ids.items() if n > 1] == []
    for ref in re.findall(r"url\(#([^)]+)\)", full_html):
        assert ref in ids


def test_chart_markers_link_to_the_events_they_stand_for(full_html: str) -> None:
    """Every in-page link from a chart lands on an event row."""
    rows = set(re.findall(r'<li id="(e-[a-z0-9.-]+)"', full_html))
    links = re.findall(r'<a xlink:href="#(e-[^"]+)">', full_html)
    assert set(links) <= rows
    assert "e-verge-still-free" in links  # the verification, on the timeline
    assert "e-uk-gov-ban" in links  # a hardened stance, on the stance chart
    assert "e-ofcom-demand" in links  # a rung, on the ladder


def test_report_marks_disputes_corrections_and_supersessions(full_html: str) -> None:
    """Contradicted events carry a disputed badge; fixes are listed with their reasons."""
    row = re.search(r'<li id="e-images-per-hour">.*?</li>', full_html, re.S)
    assert row is not None and '<span class="badge bad">disputed</span>' in row.group(0)
    row = re.search(r'<li id="e-raise-15">.*?</li>', full_html, re.S)
    assert row is not None and '<span class="badge">superseded</span>' in row.group(0)
    assert (
        "<em>the contact was on the 5th</em>. Changed: occurred 2026-01-06 \u2192 2026-01-05."
        in full_html
    )
    assert "<em>the round closed larger than first reported</em>" in full_html


def test_report_stance_table_names_each_change_and_its_evidence(full_html: str) -> None:
    """The stance table gives before and after, the change, and links both statements."""
    assert (
        "<tr><td>UK government</td><td>Regulating X over Grok</td>"
        '<td>for (<a href="#e-uk-gov-act">#7</a>)'
        " \u2192 <strong>strongly for</strong></td><td>hardened</td><td>10 January 2026</td>"
        '<td><a href="#e-uk-gov-ban">#21</a></td></tr>'
    ) in full_html
    assert "<td>reversed</td>" in full_html


def test_report_as_of_marks_uncertain_events(grok_log_path) -> None:
    """At as_of 9 January, events that straddle it are listed as not certain, and not counted."""
    with tracker.open(grok_log_path) as log:
        html = render_report(log.replay(as_of="2026-01-09"), log_head=log.head())
    for event_id in ("ofcom-investigation", "crans-montana"):
        row = re.search(rf'<li id="e-{event_id}">.*?</li>', html, re.S)
        assert row is not None and "not certain by the as-of date" in row.group(0)
    assert "e-musk-censorship" not in html  # 10 January: not yet
    assert "<b>17</b><span>events, 2 more uncertain</span>" in html


def test_report_is_byte_identical_across_runs(grok_log_path) -> None:
    """Two renders of the same replay give the same bytes (no clock, no random ids)."""
    with tracker.open(grok_log_path) as log:
        first = render_report(log.replay(as_of="2026-01-10"), log_head=log.head())
        second = render_report(log.replay(as_of="2026-01-10"), log_head=log.head())
    assert first == second


def test_report_of_an_empty_log_still_renders(tmp_path) -> None:
    """An empty log gives a page with empty charts and the zero head, not an error."""
    with tracker.open(tmp_path / "empty.jsonl", create=True) as log:
        html = render_report(log.replay(), log_head=log.head())
    assert "No events in this replay." in html
    assert f"<dd class=hash>0:{'0' * 64}</dd>" in html
    assert '<p class="empty">No events.</p>' in html


def test_render_chart_png_and_svg(grok_log_path) -> None:
    """One chart as PNG (stable bytes) or as a well-formed standalone SVG with its tick labels."""
    with tracker.open(grok_log_path) as log:
        state = log.replay()
    png = render_chart(state, "posture", format="png", dpi=60)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert render_chart(state, "posture", format="png", dpi=60) == png
    svg = render_chart(state, "stances")
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"strongly against", "against", "neutral", "for", "strongly for"} <= texts
    assert {"hardened", "reversed", "Elon Musk", "UK government", "Grok"} <= texts


def test_render_chart_refuses_an_unknown_chart_or_format(grok_log_path) -> None:
    """Unknown names get one line listing the choices."""
    with tracker.open(grok_log_path) as log:
        state = log.replay()
    with pytest.raises(
        InvalidInputError, match="unknown chart 'pie': choose one of timeline, stances"
    ):
        render_chart(state, "pie")
    with pytest.raises(InvalidInputError, match="unknown image format 'gif': use svg or png"):
        render_chart(state, "posture", format="gif")  # type: ignore[arg-type]


def test_charts_without_matplotlib_say_which_extra_to_install(grok_log_path, monkeypatch) -> None:
    """With matplotlib missing, the report raises MissingExtraError naming the pip line."""
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with tracker.open(grok_log_path) as log:
        state = log.replay()
    with pytest.raises(MissingExtraError, match=r"pip install 'tracker\[report\]'") as err:
        render_report(state)
    assert err.value.code == "missing-extra"
    assert isinstance(err.value, ImportError)


def test_a_withdrawn_stance_ends_its_line_and_links_the_retraction(tmp_path) -> None:
    """A retracted stance statement is 'withdrawn': the earlier position holds again, and the
    row links to the retraction's entry."""
    src = {"publisher": "Example", "url": "https://example.org/a"}
    with tracker.open(tmp_path / "w.jsonl", create=True) as log:
        log.append(
            [
                {"type": "actor", "actor": "ann", "name": "Ann Example", "kind": "person"},
                {"type": "topic", "topic": "tax", "name": "The new tax"},
                {
                    "id": "for-it",
                    "type": "statement",
                    "occurred": "2026-02-01",
                    "speaker": "ann",
                    "topic": "tax",
                    "stance": 1,
                    "quote": "A fair tax.",
                    "sources": [src],
                },
                {
                    "id": "against-it",
                    "type": "statement",
                    "occurred": "2026-02-05",
                    "speaker": "ann",
                    "topic": "tax",
                    "stance": -1,
                    "quote": "Not now.",
                    "sources": [src],
                },
            ]
        )
        log.append(
            {
                "id": "oops",
                "type": "retraction",
                "retracts": "against-it",
                "reason": "misattributed",
            }
        )
        state = log.replay()
        html = render_report(state, log_head=log.head())
        svg = render_chart(state, "stances").decode()
    assert (
        "<td>against (<code>against-it</code>) \u2192 <strong>for</strong></td><td>withdrawn</td>"
        '<td>5 February 2026</td><td><a href="#e-oops">the retraction</a></td></tr>'
    ) in html
    assert '<li id="e-oops">' in html
    assert ">withdrawn</text>" in svg


def test_regulators_list_where_each_stands_by_the_posture_projection(full_html: str) -> None:
    """Below the ladder, each authority's current rung as the posture projection has it."""
    assert (
        "<li><strong>Ofcom</strong> \u2192 X: investigation opened (on or before 12 January 2026), "
        '<a href="#e-ofcom-investigation">#22</a></li>'
    ) in full_html
    assert (
        "<li><strong>Paris prosecutor</strong> \u2192 X: investigation widened (2 January 2026), "
        '<a href="#e-paris-widened">#4</a></li>'
    ) in full_html
    assert (
        '<div class="card wide"><b class="word">investigation widened</b>'
        "<span>highest step so far (Paris prosecutor)</span></div>"
    ) in full_html


def test_timeline_writes_short_headlines_where_a_row_has_room(grok_log_path) -> None:
    """Beside a mark with free room in its row, the timeline writes its headline (cut at a word
    with an ellipsis when long); crowded marks keep just their number."""
    with tracker.open(grok_log_path) as log:
        svg = render_chart(log.replay(), "timeline").decode()
    texts = re.findall(r">([^<>]+)</text>", svg)
    assert "Commission orders X to keep Grok documents" in texts  # alone in its row: whole
    assert "4  Paris inquiry widened to Grok deepfakes" in texts  # room on the right
    assert any(t.startswith("Grok: \u201cImage generation") and t.endswith("\u2026") for t in texts)
    assert "14" in texts and "17" in texts  # crowded: numbers only


def test_the_numbered_list_places_an_on_or_before_date_at_its_end(tmp_path) -> None:
    """An action reported in March with no known start (``..2026-03-09``) is numbered after
    January's events, as ``tracker replay`` lists it, not first (issue 14 item 12); a figure
    dated so goes after January's figure in the figures table."""
    src = {"publisher": "Example", "url": "https://example.org/a"}
    with tracker.open(tmp_path / "o.jsonl", create=True) as log:
        log.append(
            [
                {"type": "actor", "actor": "agency", "name": "Air Agency", "kind": "regulator"},
                {"type": "actor", "actor": "maker", "name": "Maker Co", "kind": "company"},
                {
                    "id": "probe",
                    "type": "regulatory_action",
                    "occurred": "2026-01-10",
                    "regulator": "agency",
                    "target": "maker",
                    "rung": "investigation_opened",
                    "sources": [src],
                },
                {
                    "id": "jan-count",
                    "type": "figure",
                    "occurred": "2026-01-11",
                    "metric": "planes_inspected",
                    "value": 40,
                    "unit": "count:aircraft",
                    "subject": "maker",
                    "sources": [src],
                },
                {
                    "id": "cap",
                    "type": "regulatory_action",
                    "occurred": "..2026-03-09",
                    "regulator": "agency",
                    "target": "maker",
                    "rung": "restriction_imposed",
                    "restriction": "production capped",
                    "sources": [src],
                },
                {
                    "id": "mar-count",
                    "type": "figure",
                    "occurred": "..2026-03-09",
                    "metric": "planes_inspected",
                    "value": 90,
                    "unit": "count:aircraft",
                    "subject": "maker",
                    "sources": [src],
                },
            ]
        )
        state = log.replay()
        html = render_report(state, log_head=log.head())
    # the fold keeps its own order (earliest possible first) ...
    assert [e.id for e in state.timeline()] == ["cap", "mar-count", "probe", "jan-count"]
    # ... the page numbers and lists as the command line does
    numbered = re.findall(r'<li id="e-([\w-]+)"><span class="n">(\d+)</span>', html)
    assert numbered == [("probe", "1"), ("jan-count", "2"), ("cap", "3"), ("mar-count", "4")]
    assert "on or before 9 March 2026" in html
    figures = html[
        html.index('<section id="figures">') : html.index(
            "</section>", html.index('<section id="figures">')
        )
    ]
    assert figures.index("#2<") < figures.index("#4<")


def test_a_corrected_figure_says_what_it_was_in_the_figures_table(tmp_path) -> None:
    """A count corrected from 177 to 171: the figures table shows 171 and, beside it, what it
    was, when the correction was recorded and why (issue 14 item 2)."""
    src = {"publisher": "Example", "url": "https://example.org/a"}
    with tracker.open(tmp_path / "c.jsonl", create=True) as log:
        log.append(
            [
                {"type": "actor", "actor": "maker", "name": "Maker Co", "kind": "company"},
                {"id": "count", "type": "figure", "occurred": "2026-01-06",
                 "metric": "aircraft_grounded", "value": 177, "unit": "count:aircraft",
                 "subject": "maker", "sources": [src]},
            ]
        )
        log.append({"type": "correction", "corrects": "count", "reason": "the order covers 171",
                    "replacement": {"type": "figure", "occurred": "2026-01-06",
                                    "metric": "aircraft_grounded", "value": 171,
                                    "unit": "count:aircraft", "subject": "maker",
                                    "sources": [src]}})
        html = render_report(log.replay(), log_head=log.head())
    figures = html[html.index('<section id="figures">'):]
    row = re.search(r"<tr><td>Aircraft grounded</td>.*?</tr>", figures, re.S)
    assert row is not None
    assert "171 aircraft" in row.group(0)
    assert re.search(
        r'<span class="meta">corrected from 177 aircraft on \d{4}-\d\d-\d\d: the order covers '
        r"171\.</span>",
        row.group(0),
    )
