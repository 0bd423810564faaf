"""tracker.diff: what changed between two (as_of, known_at) states of one log."""

from __future__ import annotations

import orjson
import pytest

import tracker


@pytest.fixture
def week(book):
    """The first week of January, as recorded on the 10th and then on the 12th."""
    book.on("2026-01-10T08:00")
    book.actors("gov:government", "x:platform", "ofcom:regulator", "verge:media")
    book.topic("paywall")
    book.say("s1", "gov", "paywall", -1, "2026-01-02")
    book.figure("f1", "images", 6700, "per_hour", "2026-01-03", subject="x")
    book.act("a1", "ofcom", "x", "contact", "2026-01-04")
    book.on("2026-01-12T09:00")  # learnt later about the same week
    book.say("s2", "gov", "paywall", -2, "2026-01-05")
    book.act("a2", "ofcom", "x", "demand", "2026-01-06")
    book.verify("v1", "verge", "f1", "contradicted", "2026-01-07")
    book.figure("f2", "revenue", 60, "percent", "2026-01-06", subject="x")
    book.say("s3", "gov", "paywall", -2, "2026-01-15")  # after the week: not in an as_of=7th replay
    return book


def test_what_we_learnt_about_the_first_week_after_the_10th(week):
    """Same as_of, two known_at: everything listed was recorded between them."""
    d = tracker.diff(
        week.state(as_of="2026-01-07", known_at="2026-01-10"),
        week.state(as_of="2026-01-07", known_at="2026-01-12"),
    )
    assert [(c.change, c.id) for c in d.events] == [
        ("added", "s2"),
        ("added", "a2"),
        ("added", "f2"),
        ("added", "v1"),
    ]
    assert [(c.change, c.summary) for c in d.stance_changes] == [
        ("added", "gov on paywall: hardened -1 -> -2")
    ]
    assert [(c.change, c.id) for c in d.figures] == [("disputed", "f1"), ("added", "f2")]
    assert [(c.change, c.summary) for c in d.posture] == [
        ("added", "ofcom -> x: escalation contact -> demand")
    ]
    assert [(c.change, c.id) for c in d.verdicts] == [("added", "v1")]
    assert len(d.fixes) == 0
    assert d.figures[0].summary == "images: 6,700 per hour [untested -> contradicted]"


def test_moving_as_of_shows_what_happened(week):
    """Same known_at, two as_of: the diff lists what happened in the world in between."""
    d = tracker.diff(week.state(as_of="2026-01-07"), week.state(as_of="2026-01-31"))
    assert [(c.change, c.id) for c in d.events] == [("added", "s3")]
    assert len(d.stance_changes) == 0  # -2 restated: evidence, not a change
    reverse = tracker.diff(week.state(as_of="2026-01-31"), week.state(as_of="2026-01-07"))
    assert [(c.change, c.id) for c in reverse.events] == [("removed", "s3")]


def test_empty_diff_is_falsy(week):
    """Two replays at the same clocks differ in nothing."""
    d = tracker.diff(week.state(as_of="2026-01-07"), week.state(as_of="2026-01-07"))
    assert not d
    assert d.to_records() == []


def test_records_uniform_and_json_serialisable(week):
    """Every row has the same columns; the JSON form has both clocks and every section."""
    d = tracker.diff(week.state(known_at="2026-01-10"), week.state(known_at="2026-01-12"))
    records = d.to_records()
    assert {tuple(r) for r in records} == {
        (
            "section",
            "change",
            "id",
            "occurred",
            "occurred_earliest",
            "occurred_latest",
            "occurred_precision",
            "occurred_approximate",
            "occurred_at",
            "summary",
        )
    }
    data = d.to_json()
    assert data["a"] == {
        "as_of": None,
        "known_at": "2026-01-10T23:59:59.999999Z",
        "known_at_record": None,
    }
    assert list(data) == [
        "a",
        "b",
        "events",
        "stance_changes",
        "figures",
        "posture",
        "verdicts",
        "fixes",
    ]
    assert data["figures"][0]["item"]["metric"] == "images"
    assert orjson.loads(orjson.dumps(data)) == data
