"""Disputes: tested claims with verdicts and verifiers, what is contested, fixes with reasons."""

from __future__ import annotations

import pytest


@pytest.fixture
def case(book):
    """A platform's claim, a figure, and three outlets that test them."""
    for slug in ("platform", "verge", "wire", "checker"):
        book.actor(slug, "media" if slug != "platform" else "platform")
    book.topic("paywall")
    book.say("claim", "platform", None, None, "2026-01-05", summary="Image tools are paid-only now")
    book.figure("fig", "images", 6700, "per_hour", "2026-01-03")
    book.say("other", "platform", None, None, "2026-01-06")
    return book


def test_verdicts_and_status(case):
    """Each tested event lists its verdicts by whom; the strongest verdict sets the status."""
    case.verify("v1", "verge", "claim", "contradicted", "2026-01-07")
    case.verify("v2", "wire", "claim", "confirmed", "2026-01-08")
    case.verify("v3", "checker", "fig", "partly_confirmed", "2026-01-09")
    case.verify("v4", "wire", "other", "confirmed", "2026-01-09")
    disputes = case.state().disputes()
    assert [(c.event, c.type, c.status, c.disputed) for c in disputes.claims] == [
        ("fig", "figure", "partly_confirmed", True),
        ("claim", "statement", "contradicted", True),
        ("other", "statement", "confirmed", False),
    ]
    claim = disputes.claim("claim")
    assert [(v.verification, v.verifier, v.verdict) for v in claim.verdicts] == [
        ("v1", "verge", "contradicted"),
        ("v2", "wire", "confirmed"),
    ]
    assert claim.summary == "Image tools are paid-only now"
    assert [c.event for c in disputes.contested] == ["fig", "claim"]
    assert [v.verification for v in disputes.verdicts] == ["v1", "v2", "v3", "v4"]
    assert disputes.claim("nothing") is None


def test_contradicted_event_still_counts(case):
    """A contradicted event stays in the timeline and is marked disputed, not removed."""
    case.verify("v1", "verge", "claim", "contradicted", "2026-01-07")
    state = case.state()
    assert "claim" in state.timeline().ids()
    assert state.disputes().claim("claim").placement == "counted"


def test_verdict_obeys_both_clocks(case):
    """A verification counts only once it occurred by as_of and was recorded by known_at."""
    case.on("2026-01-20T12:00").verify("v1", "verge", "claim", "contradicted", "2026-01-07")
    assert len(case.state(as_of="2026-01-06").disputes().claims) == 0
    assert len(case.state(known_at="2026-01-19").disputes().claims) == 0
    assert [
        c.event
        for c in case.state(as_of="2026-01-07", known_at="2026-01-20T12:00").disputes().contested
    ] == ["claim"]


def test_fixes_listed_with_reasons_in_log_order(case):
    """Corrections, retractions and supersessions appear with reasons and what they changed."""
    case.correct("c1", "fig", "the rate was per day", unit="per_day")
    case.supersede("s1", "claim", "other", "a newer post replaces it")
    case.retract("r1", "other", "the post was fake")
    fixes = case.state().disputes().fixes
    assert [(f.id, f.kind, f.target, f.target_type, f.reason, f.by) for f in fixes] == [
        ("c1", "correction", "fig", "figure", "the rate was per day", None),
        ("s1", "supersession", "claim", "statement", "a newer post replaces it", "other"),
        ("r1", "retraction", "other", "statement", "the post was fake", None),
    ]
    assert (fixes[0].before, fixes[0].after) == ("unit: per_hour", "unit: per_day")
    assert fixes[2].before == "platform: “quote other”"


def test_fixes_apply_by_known_at_alone(case):
    """A fix recorded later shows at any as_of once known_at reaches it, and not before."""
    case.on("2026-02-01T09:00").retract("r1", "claim", "misquoted")
    assert len(case.state(as_of="2026-01-05", known_at="2026-01-31").disputes().fixes) == 0
    assert [
        f.id for f in case.state(as_of="2026-01-05", known_at="2026-02-01").disputes().fixes
    ] == ["r1"]


def test_verdict_on_a_later_retracted_event(case):
    """A verdict on an event retracted afterwards keeps the claim, placed as retracted."""
    case.verify("v1", "verge", "claim", "contradicted", "2026-01-07")
    case.retract("r1", "claim")
    claim = case.state().disputes().claim("claim")
    assert (claim.placement, claim.type, claim.status) == ("retracted", "statement", "contradicted")


def test_json_form(case):
    """The JSON form has claims, contested ids, verdicts and fixes."""
    case.verify("v1", "verge", "claim", "contradicted", "2026-01-07")
    data = case.state().disputes().to_json()
    assert list(data) == ["claims", "contested", "verdicts", "fixes"]
    assert data["contested"] == ["claim"]
    assert data["claims"][0]["verdicts"] == ["verge:contradicted"]
    assert data["verdicts"][0]["finding"] is None
