"""Regulatory posture: the highest open rung per (regulator, target), its steps, and the table."""

from __future__ import annotations

import pytest

from tracker.events.models import RUNGS
from tracker.projections.posture import LEVELS


@pytest.fixture
def reg(book):
    """Two regulators, a prosecutor and two targets."""
    book.actor("ofcom", "regulator")
    book.actor("ec", "regulator")
    book.actor("paris", "prosecutor")
    book.actor("x", "platform")
    book.actor("grok", "product")
    return book


def steps(posture):
    """Steps as (regulator, target, kind, from, to, event)."""
    return [(s.regulator, s.target, s.kind, s.from_rung, s.to_rung, s.event) for s in posture.steps]


def test_ladder_levels():
    """The ladder has ten rungs, contact at 1 and ban_or_suspension at 10."""
    assert LEVELS == {
        "contact": 1,
        "information_request": 2,
        "preservation_order": 3,
        "demand": 4,
        "ultimatum": 5,
        "investigation_opened": 6,
        "investigation_widened": 7,
        "fine_threatened": 8,
        "fine_imposed": 9,
        "ban_or_suspension": 10,
    }


def test_climbing_every_rung_escalates_each_time(reg):
    """Each rung above the last is an escalation from the one before, pointing at its action."""
    for day, rung in enumerate(RUNGS, start=1):
        reg.act(f"a{day}", "ofcom", "x", rung, f"2026-01-{day:02d}")
    posture = reg.state().posture()
    assert steps(posture) == [
        ("ofcom", "x", "escalation", None, "contact", "a1"),
        ("ofcom", "x", "escalation", "contact", "information_request", "a2"),
        ("ofcom", "x", "escalation", "information_request", "preservation_order", "a3"),
        ("ofcom", "x", "escalation", "preservation_order", "demand", "a4"),
        ("ofcom", "x", "escalation", "demand", "ultimatum", "a5"),
        ("ofcom", "x", "escalation", "ultimatum", "investigation_opened", "a6"),
        ("ofcom", "x", "escalation", "investigation_opened", "investigation_widened", "a7"),
        ("ofcom", "x", "escalation", "investigation_widened", "fine_threatened", "a8"),
        ("ofcom", "x", "escalation", "fine_threatened", "fine_imposed", "a9"),
        ("ofcom", "x", "escalation", "fine_imposed", "ban_or_suspension", "a10"),
    ]
    row = posture.of("ofcom", "x")
    assert (row.rung, row.level, row.event, row.since.text) == (
        "ban_or_suspension",
        10,
        "a10",
        "2026-01-10",
    )
    assert row.open_actions == tuple(f"a{i}" for i in range(1, 11))


@pytest.mark.parametrize("rung", RUNGS)
def test_each_rung_opened_then_closed(reg, rung):
    """Any rung opens as an escalation from nothing and a closure ending it steps down to nothing."""
    reg.act("open", "ec", "x", rung, "2026-01-02", jurisdiction="EU")
    reg.act("close", "ec", "x", "closure", "2026-01-05", ends="open")
    state = reg.state()
    assert steps(state.posture()) == [
        ("ec", "x", "escalation", None, rung, "open"),
        ("ec", "x", "step_down", rung, None, "close"),
    ]
    row = state.posture().of("ec", "x")
    assert (row.rung, row.level, row.event, row.open_actions, row.actions, row.jurisdiction) == (
        None,
        0,
        "close",
        (),
        ("open", "close"),
        "EU",
    )
    before = reg.state(as_of="2026-01-04").posture().of("ec", "x")
    assert (before.rung, before.level) == (rung, LEVELS[rung])


def test_closure_steps_down_to_the_highest_rung_left_open(reg):
    """Closing the top action falls back to the next open one; closing a lower one moves nothing."""
    reg.act("req", "ofcom", "x", "information_request", "2026-01-01")
    reg.act("dem", "ofcom", "x", "demand", "2026-01-02")
    reg.act("inv", "ofcom", "x", "investigation_opened", "2026-01-03")
    reg.act("end-dem", "ofcom", "x", "closure", "2026-01-04", ends="dem")  # below the top: no step
    reg.act("end-inv", "ofcom", "x", "withdrawal", "2026-01-05", ends="inv")
    posture = reg.state().posture()
    assert steps(posture) == [
        ("ofcom", "x", "escalation", None, "information_request", "req"),
        ("ofcom", "x", "escalation", "information_request", "demand", "dem"),
        ("ofcom", "x", "escalation", "demand", "investigation_opened", "inv"),
        ("ofcom", "x", "step_down", "investigation_opened", "information_request", "end-inv"),
    ]
    assert posture.of("ofcom", "x").open_actions == ("req",)


def test_same_rung_again_is_no_step(reg):
    """A second action at the rung already held is no step; ending one of the two keeps the rung."""
    reg.act("d1", "ofcom", "x", "demand", "2026-01-01")
    reg.act("d2", "ofcom", "x", "demand", "2026-01-02")
    reg.act("c1", "ofcom", "x", "closure", "2026-01-03", ends="d1")
    posture = reg.state().posture()
    assert steps(posture) == [("ofcom", "x", "escalation", None, "demand", "d1")]
    assert posture.of("ofcom", "x").open_actions == ("d2",)


def test_supersession_by_a_newer_action_ends_the_old_one(reg):
    """An action superseded by a lower one steps down at the newer action's date."""
    reg.act("threat", "ofcom", "x", "fine_threatened", "2026-01-02")
    reg.act("demand", "ofcom", "x", "demand", "2026-01-06")
    reg.supersede("s1", "threat", "demand", "the threat was replaced by a plain demand")
    state = reg.state()
    assert steps(state.posture()) == [
        ("ofcom", "x", "escalation", None, "fine_threatened", "threat"),
        ("ofcom", "x", "step_down", "fine_threatened", "demand", "demand"),
    ]
    assert state.posture().of("ofcom", "x").rung == "demand"
    assert reg.state(as_of="2026-01-05").posture().of("ofcom", "x").rung == "fine_threatened"


def test_who_stands_where_across_regulators(reg):
    """One row per (regulator, target), ordered, and a target x regulator table."""
    reg.act("e1", "ec", "x", "preservation_order", "2026-01-03")
    reg.act("o1", "ofcom", "x", "demand", "2026-01-02")
    reg.act("p1", "paris", "grok", "investigation_widened", "2026-01-04")
    reg.act("p2", "paris", "grok", "closure", "2026-01-08", ends="p1")
    state = reg.state()
    posture = state.posture()
    assert [(r.regulator, r.target, r.rung, r.level) for r in posture.current] == [
        ("ec", "x", "preservation_order", 3),
        ("ofcom", "x", "demand", 4),
        ("paris", "grok", None, 0),
    ]
    assert posture.table() == {
        "grok": {"paris": None},
        "x": {"ec": "preservation_order", "ofcom": "demand"},
    }
    assert [(s.regulator, s.event) for s in posture.steps] == [
        ("ofcom", "o1"),
        ("ec", "e1"),
        ("paris", "p1"),
        ("paris", "p2"),
    ]
    assert [r.regulator for r in state.posture(target="x").current] == ["ec", "ofcom"]
    assert [r.target for r in state.posture(regulator="paris").current] == ["grok"]
    assert [s.event for s in posture.history("paris", "grok")] == ["p1", "p2"]


def test_retracted_closure_reopens(reg):
    """Retracting a closure (by known_at alone) leaves the action open again."""
    reg.act("o1", "ofcom", "x", "ultimatum", "2026-01-02")
    reg.act("o2", "ofcom", "x", "closure", "2026-01-05", ends="o1")
    reg.on("2026-02-01T10:00").retract("r1", "o2", "the closure was misreported")
    assert reg.state(known_at="2026-01-31").posture().of("ofcom", "x").rung is None
    assert (
        reg.state(known_at="2026-02-01", as_of="2026-01-06").posture().of("ofcom", "x").rung
        == "ultimatum"
    )


def test_records(reg):
    """Posture rows and steps flatten to uniform dicts."""
    reg.act("o1", "ofcom", "x", "demand", "..2026-01-12", jurisdiction="GB")
    posture = reg.state().posture()
    assert posture.to_records() == [
        {
            "regulator": "ofcom",
            "target": "x",
            "rung": "demand",
            "level": 4,
            "since": "..2026-01-12",
            "since_earliest": None,
            "since_latest": "2026-01-12T23:59:59.999999Z",
            "since_precision": "day",
            "since_approximate": False,
            "since_at": "2026-01-12T23:59:59.999999Z",
            "event": "o1",
            "jurisdiction": "GB",
            "open_actions": ["o1"],
            "actions": ["o1"],
        }
    ]
    assert posture.to_json()["steps"] == [
        {
            "regulator": "ofcom",
            "target": "x",
            "kind": "escalation",
            "occurred": "..2026-01-12",
            "occurred_earliest": None,
            "occurred_latest": "2026-01-12T23:59:59.999999Z",
            "occurred_precision": "day",
            "occurred_approximate": False,
            "occurred_at": "2026-01-12T23:59:59.999999Z",
            "event": "o1",
            "from_rung": None,
            "from_level": 0,
            "to_rung": "demand",
            "to_level": 4,
        }
    ]
