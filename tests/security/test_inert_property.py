"""Property (issue 13): any text put in any field comes out of every export inert, and
round-trips as text.

Hypothesis picks a free-text field of the log of :mod:`hostile` (every field of every event
type, sources included, found from the models) and any text for it (any Unicode but lone
surrogates, weighted towards markup, formula starts, control characters, bidi overrides and
URL schemes); the other fields hold plain words. Then:

- CSV: no text cell starts like a formula, and every neutralised cell restores to the raw
  export's cell, which holds the text as recorded;
- TimelineJS: every text field is text or the slide's own few elements, links only to
  http(s) and mailto, no control character; headline and group read back as the text, its
  controls shown;
- ClaimReview: links only to http(s) and mailto; its JSON reads back as the recorded text;
- the terminal: ``replay``, ``show``, ``log`` and ``actor show`` emit no control character;
- the report (fewer examples: its charts take a second): only the page's own elements, links
  and a whole page.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import tracker
from tracker._inert import FORMULA_STARTS, csv_restore, safe_href, visible
from tracker.cli.main import main
from tracker.report import claimreview, csv_tables, render_report, timelinejs
from tracker.report._views import collect

from . import hostile
from .test_inert_outputs import (
    _fragment_is_inert,
    _is_number,
    _is_safe_target,
    _links,
    parse,
)

TAGS = [t for t in hostile.tags() if ".source" not in t or ".source0." in t]
"""Every free-text field (of sources, those of the first, a ``javascript:`` one, and of the
one whose URL is free text too)."""

_DANGER = list("=+-@'\t\r\n<>&\"/!$\\:;#%*") + [
    "\x00", "\x07", "\x1b", "\x1b[31m", "\x1b]0;t\x07", "\x7f", "\x85", "\x9b", "\x9d",
    "\u061c", "\u200e", "\u202e", "\u2066", "\u2028", "\u2029", "\ufeff", "\u200b",
    "<!--", "<script>", "</script>", "javascript:", "data:", "http://", "mailto:", "=cmd|",
]
TEXT = st.lists(
    st.one_of(st.sampled_from(_DANGER), st.characters(exclude_categories=("Cs",))),
    min_size=1,
    max_size=12,
).map("".join).filter(lambda t: t.strip())
"""Any text (no lone surrogates: JSON cannot carry them), mostly built of dangerous pieces."""

UNSAFE_IN_HTML = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _log(tag: str, value: str, path: Path | str = ":memory:") -> tracker.Log:
    return hostile.build(path, lambda t: value if t == tag else f"plain {t}")


CARRIED = ("evil.name", "t1.name", "correction.reason", "check.finding", "fig.unit")
"""Fields the CSV tables carry whole (each is also tried on every run, below)."""


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tag=st.sampled_from(TAGS), value=TEXT)
@example(tag="evil.name", value="=HYPERLINK(\"http://x\")")
@example(tag="t1.name", value="\x1b]0;t\x07'@x")
@example(tag="correction.reason", value="+1\u202e")
@example(tag="check.finding", value="-2 <!--<script>")
@example(tag="fig.unit", value="\t=cmd|' /C calc'!A0")
@example(tag="correction.replacement.quote", value="</script>&")
def test_any_text_in_any_field_comes_out_of_every_export_inert(tag: str, value: str) -> None:
    """CSV, TimelineJS and ClaimReview carry any text inert, and give it back as text."""
    with _log(tag, value) as log:
        state = log.replay()
    stored = value.strip()  # the models strip white space at the ends, as typed

    safe, raw = csv_tables(state), csv_tables(state, raw=True)
    found = False
    for name in safe:
        safe_rows = list(csv.reader(io.StringIO(safe[name], newline="")))
        raw_rows = list(csv.reader(io.StringIO(raw[name], newline="")))
        assert len(safe_rows) == len(raw_rows)
        for safe_row, raw_row in zip(safe_rows, raw_rows, strict=True):
            for cell, raw_cell in zip(safe_row, raw_row, strict=True):
                assert cell[:1] not in FORMULA_STARTS or _is_number(cell), (name, cell)
                assert csv_restore(cell) == raw_cell
                found = found or stored in raw_cell
    if tag in CARRIED:
        assert found  # fields every export table carries whole

    data = timelinejs(state, title=value, group_by="actor")
    report = collect(state)
    for slide, item in zip(data["events"], report.events, strict=True):
        headline = _fragment_is_inert(slide["text"]["headline"])
        assert headline.elements == []
        assert "".join(headline.text) == _as_html_text(report.headline(item))
        group = _fragment_is_inert(slide["group"])
        assert "".join(group.text) == _as_html_text(item.lane)
        _fragment_is_inert(slide["text"]["text"])
    title = _fragment_is_inert(data["title"]["text"]["headline"])
    assert "".join(title.text) == _as_html_text(value)

    for review in claimreview(state):
        urls = [review.get("url")] + [
            a["url"] for a in review.get("itemReviewed", {}).get("appearance", [])
        ]
        assert all(u is None or safe_href(u) == u for u in urls)
        assert json.loads(json.dumps(review)) == review
    if tag == "correction.replacement.quote":  # the claim as corrected is the one reviewed
        assert any(r.get("claimReviewed") == stored for r in claimreview(state))


def _as_html_text(text: str) -> str:
    """What an escaped text reads back as from HTML: itself, controls shown; a carriage
    return before a newline is one line break to HTML."""
    return visible(text, keep="\t\n")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tag=st.sampled_from(TAGS), value=TEXT)
def test_any_text_in_any_field_reaches_no_terminal(tag: str, value: str) -> None:
    """The human printers emit no control character, bidi override or line separator."""
    with tempfile.TemporaryDirectory(prefix="tracker-inert-") as folder:
        path = Path(folder) / "log.jsonl"
        _log(tag, value, path).close()
        for argv in (["replay"], ["show", "said"], ["show", "fig"], ["log"],
                     ["actor", "show", "evil"], ["disputes"], ["stances"]):
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                status = main(["--log", str(path), *argv])
            assert status == 0, err.getvalue()
            assert not hostile.UNSAFE.search(out.getvalue()), (argv, out.getvalue())
            assert not hostile.UNSAFE.search(err.getvalue()), (argv, err.getvalue())


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tag=st.sampled_from(TAGS), value=TEXT)
def test_any_text_in_any_field_keeps_the_report_whole(tag: str, value: str) -> None:
    """The report holds only its own elements and safe links, whole, whatever the text."""
    with _log(tag, value) as log:
        page = render_report(log.replay(), title=value)
    parsed = parse(page)
    tags = [t for t, _ in parsed.elements]
    assert not set(tags) & {"img", "iframe", "object", "embed", "form", "base", "input", "frame"}
    assert (tags.count("meta"), tags.count("link"), tags.count("style")) == (4, 1, 5)
    assert not [a for _, attrs in parsed.elements for a in attrs if a.startswith("on")]
    assert all(_is_safe_target(href) for href in _links(parsed))
    assert page.count("<script") == page.count('<script type="application/ld+json">')
    assert page.rstrip().endswith("</html>") and "<footer" in page
    assert not UNSAFE_IN_HTML.search(page.replace("\r", ""))
