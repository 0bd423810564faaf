"""Stance histories: the step function per (holder, topic) and every change classification."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tracker.errors import UnknownIdError
from tracker.projections.stances import classify


@pytest.fixture
def gov(book):
    """A holder and a topic to take stances on."""
    book.actor("gov", "government")
    book.actor("firm")
    book.topic("paywall")
    book.topic("ban")
    return book


def changes(state, **kw):
    """The changes as (holder, topic, kind, before position, after position, before id, after id)."""
    return [
        (c.holder, c.topic, c.kind, c.position_before, c.position_after, c.before, c.after)
        for c in state.stance_changes(**kw)
    ]


@pytest.mark.parametrize(
    ("before", "after", "kind"),
    [
        (None, -2, "new"),
        (None, 0, "new"),
        (-1, -2, "hardened"),
        (1, 2, "hardened"),
        (0, 1, "hardened"),
        (0, -1, "hardened"),
        (-2, -1, "softened"),
        (2, 1, "softened"),
        (1, 0, "softened"),
        (-1, 0, "softened"),
        (-1, 1, "reversed"),
        (2, -2, "reversed"),
        (-2, 1, "reversed"),
        (1, 1, None),
        (0, 0, None),
    ],
)
def test_classify(before, after, kind):
    """Each move between positions gets its class: same side further = hardened, sign flip = reversed."""
    assert classify(before, after) == kind


def test_every_world_change_classified_with_its_evidence(gov):
    """A history through new, hardened, restated, softened and reversed points at the statements on both sides."""
    gov.say("s1", "gov", "paywall", -1, "2026-01-02")
    gov.say("s2", "gov", "paywall", -2, "2026-01-04")
    gov.say("s3", "gov", "paywall", -2, "2026-01-05")  # restates: evidence, not a change
    gov.say("s4", "gov", "paywall", -1, "2026-01-06")
    gov.say("s5", "gov", "paywall", 1, "2026-01-08")
    state = gov.state()
    assert changes(state) == [
        ("gov", "paywall", "new", None, -1, None, "s1"),
        ("gov", "paywall", "hardened", -1, -2, "s1", "s2"),
        ("gov", "paywall", "softened", -2, -1, "s3", "s4"),
        ("gov", "paywall", "reversed", -1, 1, "s4", "s5"),
    ]
    history = state.stance_history("gov", "paywall")
    assert [
        (s.position, s.since.text, s.until.text if s.until else None, s.evidence)
        for s in history.steps
    ] == [
        (-1, "2026-01-02", "2026-01-04", ("s1",)),
        (-2, "2026-01-04", "2026-01-06", ("s2", "s3")),
        (-1, "2026-01-06", "2026-01-08", ("s4",)),
        (1, "2026-01-08", None, ("s5",)),
    ]
    assert history.current.position == 1
    assert history.position_at(datetime(2026, 1, 1, tzinfo=UTC)) is None
    assert history.position_at(datetime(2026, 1, 5, 12, tzinfo=UTC)) == -2
    assert history.position_at(datetime(2026, 1, 8, 12, tzinfo=UTC)) == -1  # 8 Jan not over yet
    assert history.position_at(datetime(2026, 1, 9, tzinfo=UTC)) == 1


def test_neutral_moves(gov):
    """Leaving neutral is hardening, returning to it softening."""
    gov.say("n1", "firm", "ban", 0, "2026-01-01")
    gov.say("n2", "firm", "ban", 2, "2026-01-02")
    gov.say("n3", "firm", "ban", 0, "2026-01-03")
    assert [c[2] for c in changes(gov.state())] == ["new", "hardened", "softened"]


def test_history_is_in_occurred_order_not_record_order(gov):
    """A statement recorded late but dated early takes its place in the step function."""
    gov.say("late", "gov", "paywall", -2, "2026-01-09")
    gov.say("early", "gov", "paywall", -1, "2026-01-03")
    assert changes(gov.state()) == [
        ("gov", "paywall", "new", None, -1, None, "early"),
        ("gov", "paywall", "hardened", -1, -2, "early", "late"),
    ]


def test_retraction_withdraws_the_stance(gov):
    """A retracted statement leaves the steps; a withdrawn change points at it and at the retraction."""
    gov.say("s1", "gov", "paywall", -1, "2026-01-02")
    gov.say("s2", "gov", "paywall", -2, "2026-01-04")
    gov.say("s3", "gov", "paywall", 1, "2026-01-07")
    gov.retract("r1", "s2", "misattributed")
    state = gov.state()
    assert changes(state) == [
        ("gov", "paywall", "new", None, -1, None, "s1"),
        ("gov", "paywall", "withdrawn", -2, -1, "s2", "r1"),
        ("gov", "paywall", "reversed", -1, 1, "s1", "s3"),
    ]
    withdrawn = state.stance_changes()[1]
    assert (withdrawn.reason, withdrawn.occurred.text, withdrawn.quote) == (
        "misattributed",
        "2026-01-04",
        "quote s2",
    )
    assert [s.evidence for s in state.stance_history("gov", "paywall").steps] == [("s1",), ("s3",)]


def test_retracting_the_only_stance_leaves_no_position(gov):
    """When the withdrawn statement was the only one, nothing is current and position_after is None."""
    gov.say("s1", "gov", "paywall", -2, "2026-01-02")
    gov.retract("r1", "s1")
    state = gov.state()
    assert len(state.stances()) == 0
    assert changes(state) == [("gov", "paywall", "withdrawn", -2, None, "s1", "r1")]


def test_retraction_of_a_statement_after_as_of_withdraws_nothing(gov):
    """A retracted statement that had not happened by as_of had no stance to withdraw there."""
    gov.say("s1", "gov", "paywall", -1, "2026-01-02")
    gov.say("s2", "gov", "paywall", -2, "2026-01-09")
    gov.retract("r1", "s2")
    assert changes(gov.state(as_of="2026-01-05")) == [
        ("gov", "paywall", "new", None, -1, None, "s1")
    ]


def test_correction_replaces_the_stance(gov):
    """A corrected statement counts with its new position; the change carries the correction id."""
    gov.say("s1", "gov", "paywall", -1, "2026-01-02")
    gov.say("s2", "gov", "paywall", -2, "2026-01-04")
    gov.correct("c1", "s2", "stance misread", stance=1)
    state = gov.state()
    assert changes(state) == [
        ("gov", "paywall", "new", None, -1, None, "s1"),
        ("gov", "paywall", "reversed", -1, 1, "s1", "s2"),
    ]
    assert state.stance_changes()[1].corrected_by == ("c1",)
    assert state.stances()[0].corrected_by == ("c1",)


def test_correction_moving_a_statement_to_another_topic(gov):
    """A correction that changes the topic moves the stance from one history to the other."""
    gov.say("s1", "gov", "paywall", -1, "2026-01-02")
    gov.correct("c1", "s1", topic="ban")
    state = gov.state()
    assert [(s.holder, s.topic, s.position) for s in state.stances()] == [("gov", "ban", -1)]
    assert state.stance_history("gov", "paywall").steps.items == ()


def test_supersession_marks_but_keeps_the_step(gov):
    """A superseded statement stays in the history, marked; the newer one brings its own position."""
    gov.say("s1", "gov", "paywall", -1, "2026-01-02")
    gov.say("s2", "gov", "paywall", -2, "2026-01-05")
    gov.supersede("x1", "s1", "s2")
    steps = gov.state().stance_history("gov", "paywall").steps
    assert [(s.position, s.superseded_by) for s in steps] == [(-1, "s2"), (-2, None)]


def test_current_stances_filtered_and_ordered(gov):
    """stances() gives one current step per pair, by topic then holder, filtered by topic or holder."""
    gov.say("a", "gov", "paywall", -1, "2026-01-02")
    gov.say("b", "firm", "paywall", 2, "2026-01-02")
    gov.say("c", "gov", "ban", 1, "2026-01-03")
    gov.say("d", "gov", None, None, "2026-01-03")  # no stance: not in any history
    state = gov.state()
    assert [(s.topic, s.holder, s.position) for s in state.stances()] == [
        ("ban", "gov", 1),
        ("paywall", "firm", 2),
        ("paywall", "gov", -1),
    ]
    assert [(s.topic, s.holder) for s in state.stances(topic="paywall")] == [
        ("paywall", "firm"),
        ("paywall", "gov"),
    ]
    assert [(s.topic, s.holder) for s in state.stances(holder="gov")] == [
        ("ban", "gov"),
        ("paywall", "gov"),
    ]
    assert [c[:3] for c in changes(state, holder="firm")] == [("firm", "paywall", "new")]


def test_uncertain_statement_is_not_a_step_yet(gov):
    """A statement whose date straddles as_of does not count toward the stance."""
    gov.say("s1", "gov", "paywall", -1, "2026-01-02")
    gov.say("s2", "gov", "paywall", -2, "2026-01-10..2026-01-20")
    assert [s.position for s in gov.state(as_of="2026-01-15").stances()] == [-1]
    assert [s.position for s in gov.state(as_of="2026-01-31").stances()] == [-2]


def test_unknown_holder_or_topic_refused_with_a_hint(gov):
    """A mistyped holder or topic is one clear error with the nearest id."""
    state = gov.state()
    with pytest.raises(UnknownIdError, match="unknown actor 'gvo'; did you mean 'gov'"):
        state.stances(holder="gvo")
    with pytest.raises(UnknownIdError, match="unknown topic 'paywal'; did you mean 'paywall'"):
        state.stance_history("gov", "paywal")


def test_records_are_flat_and_uniform(gov):
    """Every row has the same keys and plain values, dates as text plus an interval."""
    gov.say("s1", "gov", "paywall", -1, "..2026-01-02")
    gov.say("s2", "gov", "paywall", -2, "2026-01-04")
    records = gov.state().stance_changes().to_records()
    assert records[0] == {
        "holder": "gov",
        "topic": "paywall",
        "kind": "new",
        "occurred": "..2026-01-02",
        "occurred_earliest": None,
        "occurred_latest": "2026-01-02T23:59:59.999999Z",
        "occurred_precision": "day",
        "occurred_approximate": False,
        "occurred_at": "2026-01-02T23:59:59.999999Z",
        "position_before": None,
        "position_after": -1,
        "before": None,
        "after": "s1",
        "quote": "quote s1",
        "summary": None,
        "reason": None,
        "corrected_by": [],
    }
    assert records[1].keys() == records[0].keys()
    steps = gov.state().stance_history("gov", "paywall").to_records()
    assert steps[0]["until"] == "2026-01-04" and steps[1]["until"] is None


def test_a_regulator_takes_a_stance_by_acting(book):
    """A grounding order and its lifting carry stances: stances counts and classifies them as
    statements (new, then softened), held by the regulator; a policy change's stance too."""
    book.actors("faa:regulator", "maker:company")
    book.topic("grounding")
    src = {"publisher": "FAA", "url": "https://example.org/faa"}
    book.add(
        {"type": "regulatory_action", "id": "ground", "regulator": "faa", "target": "maker",
         "rung": "ban_or_suspension", "occurred": "2024-01-06", "topic": "grounding",
         "stance": 2, "sources": [src]}
    )
    book.add(
        {"type": "regulatory_action", "id": "lift", "regulator": "faa", "target": "maker",
         "rung": "closure", "ends": "ground", "occurred": "2024-01-24", "topic": "grounding",
         "stance": 1, "sources": [src]}
    )
    book.add(
        {"type": "policy_change", "id": "halt", "actor": "maker", "rule": "deliveries",
         "after": "paused", "occurred": "2024-01-07", "topic": "grounding", "stance": 1,
         "summary": "The maker pauses deliveries", "sources": [src]}
    )
    state = book.state()
    changes = state.stance_changes(topic="grounding")
    assert [(c.holder, c.kind, c.position_after, c.after) for c in changes] == [
        ("faa", "new", 2, "ground"),
        ("maker", "new", 1, "halt"),
        ("faa", "softened", 1, "lift"),
    ]
    faa = state.stances(holder="faa")[0]
    assert (faa.position, faa.evidence, faa.quote) == (1, ("lift",), None)
    assert faa.summary == "faa: closure against maker, ending ground"
    assert state.stances(holder="maker")[0].summary == "The maker pauses deliveries"
    assert [e.id for e in state.timeline(topic="grounding")] == ["ground", "halt", "lift"]


def test_a_stance_by_an_act_needs_a_topic(book):
    """An act with a stance and no topic is refused, as a statement is."""
    from tracker.errors import InvalidEventError

    book.actors("faa:regulator", "maker:company")
    with pytest.raises(InvalidEventError, match="a stance needs a topic"):
        book.act("x1", "faa", "maker", "demand", "2024-01-06", stance=-1)


def test_a_summary_is_not_a_quote(book):
    """A statement given as a summary: quote None, summary set, in steps and changes."""
    book.actors("ceo:person")
    book.topic("safety")
    book.add(
        {"type": "statement", "id": "s1", "speaker": "ceo", "summary": "The CEO admits a mistake",
         "topic": "safety", "stance": 1, "occurred": "2024-01-09",
         "sources": [{"publisher": "Example", "url": "https://example.org/s"}]}
    )
    state = book.state()
    step = state.stances()[0]
    assert (step.quote, step.summary) == (None, "The CEO admits a mistake")
    change = state.stance_changes()[0]
    assert (change.quote, change.summary) == (None, "The CEO admits a mistake")
