"""The per-actor view: registration, relations both ways, events by role, stances, figures, posture."""

from __future__ import annotations

import pytest

from tracker.errors import UnknownIdError


@pytest.fixture
def world(book):
    """A small world around a company 'xai'."""
    book.actor("musk", "person")
    book.actor(
        "xai",
        "company",
        id="reg-xai",
        aliases=["X.AI"],
        relations=[{"type": "led_by", "target": "musk"}],
    )
    book.actor("x", "platform", relations=[{"type": "led_by", "target": "musk"}])
    book.actor(
        "grok",
        "product",
        relations=[{"type": "developed_by", "target": "xai"}, {"type": "runs_on", "target": "x"}],
    )
    book.actor("ofcom", "regulator", jurisdiction="GB")
    book.actor("verge", "media")
    book.topic("paywall")
    book.say("s1", "xai", "paywall", 1, "2026-01-03", about=["grok"])
    book.say("s2", "ofcom", None, None, "2026-01-04", about=["xai"])
    book.figure(
        "loss", "net_loss", 1.46, "USD_billion", "2026-01-02", subject="xai", reported_by="verge"
    )
    book.figure("rep", "users", 5, "million", "2026-01-05", subject="x", reported_by="xai")
    book.act("a1", "ofcom", "xai", "information_request", "2026-01-06")
    book.verify("v1", "xai", "s2", "contradicted", "2026-01-07")
    book.add(
        {
            "type": "policy_change",
            "id": "p1",
            "actor": "xai",
            "product": "grok",
            "rule": "image generation",
            "after": "subscribers only",
            "occurred": "2026-01-08",
            "sources": [{"publisher": "P", "url": "https://p"}],
        }
    )
    book.add(
        {
            "type": "incident",
            "id": "i1",
            "harm": "deepfakes",
            "actors": ["grok", "xai"],
            "occurred": "2026-01-01",
            "sources": [{"publisher": "P", "url": "https://p"}],
        }
    )
    return book


def test_every_event_by_role(world):
    """Each event naming the actor appears once, in occurred order, with the role(s) it had."""
    view = world.state().actor("xai")
    assert [(e.id, e.roles) for e in view.events] == [
        ("i1", ("involved",)),
        ("loss", ("subject",)),
        ("s1", ("speaker",)),
        ("s2", ("subject",)),
        ("rep", ("reporter",)),
        ("a1", ("target",)),
        ("v1", ("verifier",)),
        ("p1", ("actor",)),
    ]
    assert view.by_role() == {
        "actor": ["p1"],
        "involved": ["i1"],
        "reporter": ["rep"],
        "speaker": ["s1"],
        "subject": ["loss", "s2"],
        "target": ["a1"],
        "verifier": ["v1"],
    }
    assert [(e.id, e.roles) for e in world.state().actor("grok").events] == [
        ("i1", ("involved",)),
        ("s1", ("subject",)),
        ("p1", ("product",)),
    ]
    assert [(e.id, e.roles) for e in world.state().actor("ofcom").events] == [
        ("s2", ("speaker",)),
        ("a1", ("regulator",)),
    ]


def test_relations_both_directions(world):
    """What the actor points at comes first (out), then who points at it (in)."""
    view = world.state().actor("xai")
    assert [(r.source, r.relation, r.target, r.direction) for r in view.relations] == [
        ("xai", "led_by", "musk", "out"),
        ("grok", "developed_by", "xai", "in"),
    ]
    musk = world.state().actor("musk")
    assert [(r.source, r.direction) for r in musk.relations] == [("x", "in"), ("xai", "in")]


def test_registration_stances_figures_and_posture(world):
    """The view carries the registration, current stances, figures about and by it, and posture."""
    state = world.state()
    view = state.actor("xai")
    assert (view.name, view.kind, view.registration.aliases) == ("Xai", "company", ("X.AI",))
    assert (view.registered_by, view.registered_seq) == ("reg-xai", 2)
    assert [(s.topic, s.position, s.evidence) for s in view.stances] == [("paywall", 1, ("s1",))]
    assert [p.id for p in view.figures.points] == ["loss"]
    assert [p.id for p in view.reported_figures.points] == ["rep"]
    assert [(r.regulator, r.rung) for r in view.actions_faced] == [("ofcom", "information_request")]
    assert len(view.actions_taken) == 0
    ofcom = state.actor("ofcom")
    assert [(r.target, r.rung) for r in ofcom.actions_taken] == [("xai", "information_request")]


def test_view_follows_as_of(world):
    """At an earlier as_of the view holds only what had happened by then."""
    view = world.state(as_of="2026-01-03").actor("xai")
    assert [e.id for e in view.events] == ["i1", "loss", "s1"]
    assert len(view.actions_faced) == 0


def test_unknown_actor(world):
    """A mistyped id is refused with the nearest actor."""
    with pytest.raises(UnknownIdError, match="unknown actor 'xia'; did you mean 'xai'"):
        world.state().actor("xia")


def test_json_sections(world):
    """The JSON form has one key per section, every value plain."""
    data = world.state().actor("xai").to_json()
    assert list(data) == [
        "actor",
        "name",
        "kind",
        "aliases",
        "jurisdiction",
        "registered_by",
        "registered_seq",
        "relations",
        "events",
        "by_role",
        "stances",
        "figures",
        "reported_figures",
        "actions_taken",
        "actions_faced",
    ]
    assert data["events"][0] == {
        "id": "i1",
        "type": "incident",
        "roles": ["involved"],
        "occurred": "2026-01-01",
        "occurred_earliest": "2026-01-01T00:00:00.000000Z",
        "occurred_latest": "2026-01-01T23:59:59.999999Z",
        "occurred_precision": "day",
        "occurred_approximate": False,
        "occurred_at": "2026-01-01T00:00:00.000000Z",
        "summary": "deepfakes",
    }
