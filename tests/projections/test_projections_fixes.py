"""A correction and a retraction flow through every projection, applied by known_at alone."""

from __future__ import annotations

import pytest

import tracker

AS_OF = "2026-01-10"  # every world event below happened by then; the fixes are recorded on the 20th


@pytest.fixture
def fixed(book):
    """A log with mistakes recorded on the 12th and their fixes recorded on the 20th."""
    book.actors("gov:government", "x:platform", "ofcom:regulator", "verge:media")
    book.topic("paywall")
    book.say("s1", "gov", "paywall", -2, "2026-01-05")
    book.figure("f1", "images", 67000, "per_hour", "2026-01-05", subject="x")
    book.act("a1", "ofcom", "x", "ultimatum", "2026-01-06")
    book.verify("v1", "verge", "f1", "confirmed", "2026-01-07")
    book.say("s2", "gov", "paywall", -1, "2026-01-08", about=["x"])
    book.act("a2", "ofcom", "x", "fine_threatened", "2026-01-08")
    book.on("2026-01-20T09:00")
    book.correct("c-s1", "s1", "the stance was misread", stance=1)
    book.correct("c-f1", "f1", "a zero too many", value=6700)
    book.correct("c-a1", "a1", "it was a demand", rung="demand")
    book.correct("c-v1", "v1", "the verdict was misread", verdict="contradicted")
    book.add(
        {
            "type": "retraction",
            "id": "r-s2",
            "retracts": "s2",
            "reason": "no such statement",
            "occurred": "2026-01-25",
        }
    )
    book.retract("r-a2", "a2", "no such threat")
    return book


@pytest.fixture
def before(fixed):
    """The state on the 19th: the mistakes, unfixed."""
    return fixed.state(as_of=AS_OF, known_at="2026-01-19")


@pytest.fixture
def after(fixed):
    """The state on the 20th: same as_of, the fixes applied although they are dated after it."""
    return fixed.state(as_of=AS_OF, known_at="2026-01-20T09:10")


def test_timeline(before, after):
    """Retracted events leave the timeline; corrected ones keep their id with the new content."""
    assert before.timeline().ids() == ["s1", "f1", "a1", "v1", "s2", "a2"]
    assert after.timeline().ids() == ["s1", "f1", "a1", "v1"]
    assert after.entry("f1").event.value == 6700
    assert after.entry("f1").corrected_by == ("c-f1",)


def test_stances(before, after):
    """The corrected stance replaces the old one; the retracted statement's stance is withdrawn."""
    assert [
        (c.kind, c.position_before, c.position_after, c.before, c.after)
        for c in before.stance_changes()
    ] == [
        ("new", None, -2, None, "s1"),
        ("softened", -2, -1, "s1", "s2"),
    ]
    assert [
        (c.kind, c.position_before, c.position_after, c.before, c.after)
        for c in after.stance_changes()
    ] == [
        ("new", None, 1, None, "s1"),
        ("withdrawn", -1, 1, "s2", "r-s2"),
    ]
    assert [(s.position, s.evidence) for s in before.stances()] == [(-1, ("s2",))]
    assert [(s.position, s.evidence, s.corrected_by) for s in after.stances()] == [
        (1, ("s1",), ("c-s1",))
    ]


def test_figures(before, after):
    """The figure shows its corrected value, marked corrected, and the corrected verdict's status."""
    (p,) = before.figures().points
    assert (p.value, p.status, p.corrected_by) == (67000.0, "confirmed", ())
    (p,) = after.figures().points
    assert (p.value, p.status, p.disputed, p.corrected_by) == (
        6700.0,
        "contradicted",
        True,
        ("c-f1",),
    )


def test_posture(before, after):
    """The corrected rung replaces the old one and the retracted action no longer escalates."""
    assert [(s.kind, s.from_rung, s.to_rung, s.event) for s in before.posture().steps] == [
        ("escalation", None, "ultimatum", "a1"),
        ("escalation", "ultimatum", "fine_threatened", "a2"),
    ]
    assert [(s.kind, s.from_rung, s.to_rung, s.event) for s in after.posture().steps] == [
        ("escalation", None, "demand", "a1"),
    ]
    assert after.posture().of("ofcom", "x").rung == "demand"


def test_disputes(before, after):
    """The corrected verdict makes the figure contested; the fixes are listed with their reasons."""
    assert [(c.event, c.status) for c in before.disputes().claims] == [("f1", "confirmed")]
    assert len(before.disputes().contested) == 0
    assert len(before.disputes().fixes) == 0
    disputes = after.disputes()
    assert [c.event for c in disputes.contested] == ["f1"]
    assert [(f.id, f.kind, f.reason) for f in disputes.fixes] == [
        ("c-s1", "correction", "the stance was misread"),
        ("c-f1", "correction", "a zero too many"),
        ("c-a1", "correction", "it was a demand"),
        ("c-v1", "correction", "the verdict was misread"),
        ("r-s2", "retraction", "no such statement"),
        ("r-a2", "retraction", "no such threat"),
    ]


def test_actor_view(before, after):
    """The actor's events, figures and posture follow the fixes."""
    assert [(e.id, e.roles) for e in before.actor("x").events] == [
        ("f1", ("subject",)),
        ("a1", ("target",)),
        ("s2", ("subject",)),
        ("a2", ("target",)),
    ]
    view = after.actor("x")
    assert [e.id for e in view.events] == ["f1", "a1"]
    assert [(r.regulator, r.rung) for r in view.actions_faced] == [("ofcom", "demand")]
    assert [p.value for p in view.figures.points] == [6700.0]


def test_diff(before, after):
    """Between the two known_at dates, the diff lists exactly what the fixes changed."""
    d = tracker.diff(before, after)
    assert [(c.change, c.id) for c in d.events] == [
        ("corrected", "s1"),
        ("corrected", "f1"),
        ("corrected", "a1"),
        ("corrected", "v1"),
        ("removed", "s2"),
        ("removed", "a2"),
    ]
    assert [(c.change, c.summary) for c in d.stance_changes] == [
        ("added", "gov on paywall: new +1"),
        ("removed", "gov on paywall: new -2"),
        ("added", "gov on paywall: withdrawn -1 -> +1"),
        ("removed", "gov on paywall: softened -2 -> -1"),
    ]
    assert [(c.change, c.summary) for c in d.figures] == [
        ("corrected", "images: 6,700 per hour (was 67,000 per hour)"),
        ("disputed", "images: 6,700 per hour [confirmed -> contradicted]"),
    ]
    assert [(c.change, c.summary) for c in d.posture] == [
        ("added", "ofcom -> x: escalation none -> demand"),
        ("removed", "ofcom -> x: escalation none -> ultimatum"),
        ("removed", "ofcom -> x: escalation ultimatum -> fine_threatened"),
    ]
    assert [(c.change, c.summary) for c in d.verdicts] == [
        ("added", "verge checks f1: contradicted"),
        ("removed", "verge checks f1: confirmed"),
    ]
    assert [(c.change, c.id) for c in d.fixes] == [
        ("added", "c-s1"),
        ("added", "c-f1"),
        ("added", "c-a1"),
        ("added", "c-v1"),
        ("added", "r-s2"),
        ("added", "r-a2"),
    ]
    assert not tracker.diff(after, after)
