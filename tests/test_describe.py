"""One describer and one number formatter (issue 15, item 6): every output says what an event
is, and writes a number, through ``tracker.events.describe``, so they cannot drift apart.

The JSON (a diff's, a dispute's, an actor's ``summary``), the command line (``replay``,
``log``, ``actor show``), the report and TimelineJS describe each event with the same line;
only the way actors are named differs (ids for JSON and the command line, display names for
the report and its exports).
"""

from __future__ import annotations

import html
from typing import Any

import pytest

import tracker
from tracker._inert import visible
from tracker.cli import render
from tracker.events.describe import describe, figure_text, number
from tracker.events.models import EVENT_TYPES
from tracker.projections import timeline
from tracker.report import timelinejs
from tracker.report._views import collect

SRC = [{"publisher": "Example News", "url": "https://example.org/a"}]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (6700, "6,700"),
        (6700.0, "6,700"),
        (1.46, "1.46"),
        (-2, "-2"),
        (-2.5, "-2.5"),
        (0, "0"),
        (0.000125, "0.000125"),
        (1234567.891, "1,234,567.891"),
        (6700.5, "6,700.5"),
        (1e20, "1e+20"),
        (123456789012.5, "123,456,789,012"),
    ],
)
def test_number_writes_a_value_as_people_do(value: float, text: str) -> None:
    """Whole numbers get thousands separators; others up to 12 significant digits."""
    assert number(value) == text


def test_figure_text_says_value_range_and_unit() -> None:
    """A value, a range, one bound, an approximate value, a unit outside the table."""
    assert figure_text(6700, None, None, "per_hour", True) == "about 6,700 per hour"
    assert figure_text(None, 1500, 2500, "per_hour", False) == "1,500-2,500 per hour"
    assert figure_text(None, 3, None, "USD_billion", False).startswith("at least 3 ")
    assert figure_text(None, None, 9, "count", False).startswith("at most 9")
    assert figure_text(12.5, None, None, "%", False) == "12.5%"
    assert figure_text(4, None, None, "spills", False) == "4 spills"


EVENTS: list[dict[str, Any]] = [
    {"type": "actor", "actor": "ofcom", "name": "Ofcom", "kind": "regulator"},
    {"type": "actor", "actor": "x", "name": "X Corp", "kind": "platform"},
    {"type": "actor", "actor": "verge", "name": "The Verge", "kind": "media"},
    {"type": "topic", "topic": "paywall", "name": "The paywall"},
    {"id": "said", "type": "statement", "occurred": "2026-01-09", "speaker": "x",
     "quote": "Limited to subscribers.", "topic": "paywall", "stance": 2, "sources": SRC},
    {"id": "rate", "type": "figure", "occurred": "2026-01-07", "metric": "sexualised_images",
     "value": 6700, "unit": "per_hour", "approximate": True, "subject": "x",
     "reported_by": "verge", "sources": SRC},
    {"id": "move", "type": "policy_change", "occurred": "2026-01-09", "actor": "x",
     "rule": "image tools", "before": "free", "after": "subscribers only", "sources": SRC},
    {"id": "demand", "type": "regulatory_action", "occurred": "2026-01-10", "regulator": "ofcom",
     "target": "x", "rung": "demand", "sources": SRC},
    {"id": "test", "type": "verification", "occurred": "2026-01-11", "verifier": "verge",
     "target": "said", "verdict": "contradicted", "finding": "Still free.", "sources": SRC},
    {"id": "harm", "type": "incident", "occurred": "2026-01-08", "harm": "victims targeted",
     "victims": "women", "sources": SRC},
    {"id": "dup", "type": "incident", "occurred": "2026-01-08", "harm": "entered twice",
     "sources": SRC},
]

WORDS = {
    "said": ("x: “Limited to subscribers.”", "X Corp: “Limited to subscribers.”"),
    "rate": (
        "Sexualised images: about 6,700 per hour (x), reported by verge",
        "Sexualised images: about 6,700 per hour (X Corp), reported by The Verge",
    ),
    "move": (
        "x changes image tools: free → subscribers only",
        "X Corp changes image tools: free → subscribers only",
    ),
    "demand": ("ofcom: demand against x", "Ofcom: demand against X Corp"),
    "test": (
        "verge checks said: contradicted — Still free.",
        "The Verge checks said: contradicted — Still free.",
    ),
    "harm": ("victims targeted (women)",) * 2,
}
"""Each event's line with actors by id, and by display name."""


@pytest.fixture(scope="module")
def state() -> tracker.State:
    """A log of one event of each world type, none with a summary, then a fix of each kind."""
    log = tracker.open(":memory:", create=True)
    log.append(EVENTS)
    log.append(
        [
            {"type": "correction", "corrects": "demand", "reason": "it was a demand",
             "replacement": {**EVENTS[7], "id": None}},
            {"type": "retraction", "retracts": "dup", "reason": "entered twice"},
        ]
    )
    return log.replay()


def test_describe_says_each_type_in_one_line(state: tracker.State) -> None:
    """Every world type without a summary is described from its key fields, actors by id or
    by the name the caller gives; a summary, when there is one, is the line."""
    names = {"x": "X Corp", "ofcom": "Ofcom", "verge": "The Verge"}
    for event_id, (by_id, by_name) in WORDS.items():
        entry = state.entry(event_id)
        assert entry is not None
        assert describe(entry.event) == by_id
        assert describe(entry.event, name=names.__getitem__) == by_name
    said = state.entry("said")
    assert said is not None
    assert describe(said.event.model_copy(update={"summary": "X says so"})) == "X says so"
    fixes = {f.kind: describe(f.fix) for f in state.fixes()}
    assert fixes == {
        "correction": "corrects demand: it was a demand",
        "retraction": "retracts dup: entered twice",
    }
    types = {e["type"] for e in EVENTS} | {"correction", "retraction"}
    assert types | {"supersession"} == set(EVENT_TYPES)


def test_every_output_describes_an_event_the_same_way(state: tracker.State) -> None:
    """The projections' JSON, the command line, the report and TimelineJS all give the
    describer's line (the command line adds a statement's stance; the report and TimelineJS
    name actors by display name)."""
    assert timeline.summary_of is describe
    assert timeline.figure_text is figure_text
    data = collect(state)
    slides = {s["unique_id"]: s for s in timelinejs(state)["events"]}
    for item in data.events:
        by_id, by_name = WORDS[item.id]
        assert render.describe(item.entry.event).removesuffix(" [stance +2 on paywall]") == by_id
        assert data.headline(item) == by_name
        shown = html.unescape(slides[item.id]["text"]["headline"])
        assert shown == visible(by_name, keep="\t\n")
    for row in state.actor("x").events:
        assert row.summary == WORDS[row.id][0]
    tested = {c.event: c.summary for c in state.disputes().claims}
    assert tested == {"said": WORDS["said"][0]}
    fixes = {f.kind: f for f in state.disputes().fixes}
    # a correction lists the fields it changed (this one changed none); other fixes describe
    # the event as it stood, with the one describer
    assert (fixes["correction"].before, fixes["correction"].after) == (None, None)
    assert fixes["correction"].changes == ()
    assert fixes["retraction"].before == "entered twice"


def test_every_output_writes_a_number_the_same_way(state: tracker.State) -> None:
    """The figures projection (JSON and command line), the describer and the report's value
    column all write 6,700 the one way."""
    point = state.figures().points[0]
    assert point.text == "about 6,700 per hour"
    assert render.number(6700.0) == number(6700.0) == "6,700"
    assert render.number(None) == "?"


def test_issue_14_vocabulary_through_the_one_describer() -> None:
    """An imposed restriction is named in the action's line, and a figure reported with no
    number reads as unquantified (never as a number or '?')."""
    log = tracker.open(":memory:", create=True)
    log.append(
        [
            {"type": "actor", "actor": "faa", "name": "FAA", "kind": "regulator"},
            {"type": "actor", "actor": "maker", "name": "Maker", "kind": "company"},
            {"id": "cap", "type": "regulatory_action", "occurred": "2026-01-10",
             "regulator": "faa", "target": "maker", "rung": "restriction_imposed",
             "restriction": "production capped at 38 a month", "sources": SRC},
            {"id": "bolts", "type": "figure", "occurred": "2026-01-11", "metric": "loose_bolts",
             "unquantified": True, "unit": "count:aircraft", "subject": "maker", "sources": SRC},
        ]
    )
    state = log.replay()
    cap, bolts = state.entry("cap"), state.entry("bolts")
    assert cap is not None and bolts is not None
    assert describe(cap.event) == (
        "faa: restriction imposed against maker (production capped at 38 a month)"
    )
    assert describe(bolts.event) == "Loose bolts: an unquantified number (aircraft) (maker)"
