"""Regulatory posture: the highest open rung per (regulator, target), its steps, and the table."""

from __future__ import annotations

import pytest

from tracker.events.models import RUNGS
from tracker.projections.posture import LEVELS

SOURCE = {"publisher": "Example News", "url": "https://example.org/a"}


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
    """The ladder has eleven rungs, contact at 1 and ban_or_suspension at 11."""
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
        "restriction_imposed": 10,
        "ban_or_suspension": 11,
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
        ("ofcom", "x", "escalation", "fine_imposed", "restriction_imposed", "a10"),
        ("ofcom", "x", "escalation", "restriction_imposed", "ban_or_suspension", "a11"),
    ]
    row = posture.of("ofcom", "x")
    assert (row.rung, row.level, row.event, row.since.text) == (
        "ban_or_suspension",
        11,
        "a11",
        "2026-01-11",
    )
    assert row.open_actions == tuple(f"a{i}" for i in range(1, 12))


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
    assert [s.event for s in posture.steps_of("paris", "grok")] == ["p1", "p2"]


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
            "holding": ["o1"],
            "holding_since": "..2026-01-12",
            "holding_since_earliest": None,
            "holding_since_latest": "2026-01-12T23:59:59.999999Z",
            "holding_since_precision": "day",
            "holding_since_approximate": False,
            "holding_since_at": "2026-01-12T23:59:59.999999Z",
            "restrictions": [],
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


def history(posture, regulator, target):
    """A pair's history as (change, action, event, occurred, posture after)."""
    return [
        (h.change, h.action, h.event, h.occurred.text, h.posture_rung)
        for h in posture.history_of(regulator, target)
    ]


def test_history_keeps_an_action_opened_under_a_higher_one(reg):
    """An investigation opened while a ban holds is in the history and, once the ban is lifted,
    the current row names it with its own date, not the lifting's."""
    reg.actors("faa:regulator", "maker:company")
    reg.act("ban", "faa", "maker", "ban_or_suspension", "2024-01-06", restriction="grounded")
    reg.act("inv", "faa", "maker", "investigation_opened", "2024-01-11")
    reg.act("lift", "faa", "maker", "closure", "2024-01-24", ends="ban")
    posture = reg.state().posture()
    assert history(posture, "faa", "maker") == [
        ("opened", "ban", "ban", "2024-01-06", "ban_or_suspension"),
        ("opened", "inv", "inv", "2024-01-11", "ban_or_suspension"),
        ("ended", "ban", "lift", "2024-01-24", "investigation_opened"),
    ]
    row = posture.of("faa", "maker")
    assert (row.rung, row.holding, row.holding_since.text) == (
        "investigation_opened",
        ("inv",),
        "2024-01-11",
    )
    assert (row.since.text, row.event) == ("2024-01-24", "lift")  # when the posture last moved
    assert posture.history[2].by_rung == "closure"
    assert posture.history[0].restriction == "grounded"
    at_ban = reg.state(as_of="2024-01-12").posture().of("faa", "maker")
    assert at_ban.restrictions == ("grounded",)
    assert at_ban.open_actions == ("ban", "inv")


def test_history_records_a_supersession(reg):
    """A superseded action shows as superseded by the newer action, at its date."""
    reg.act("threat", "ofcom", "x", "fine_threatened", "2026-01-02")
    reg.act("demand", "ofcom", "x", "demand", "2026-01-06")
    reg.supersede("s1", "threat", "demand", "replaced by a plain demand")
    assert history(reg.state().posture(), "ofcom", "x") == [
        ("opened", "threat", "threat", "2026-01-02", "fine_threatened"),
        ("opened", "demand", "demand", "2026-01-06", "fine_threatened"),
        ("superseded", "threat", "demand", "2026-01-06", "demand"),
    ]


@pytest.fixture
def cases(book):
    """Two regulators, a court and two targets (a product-safety case)."""
    book.actors("faa:regulator", "ntsb:regulator", "court:court", "maker:company", "airline")
    return book


def test_a_restriction_imposed_is_a_rung_shown_to_both_actors(cases):
    """A production cap is restriction_imposed, below a ban; both actors' views show it."""
    cases.act("cap", "faa", "maker", "restriction_imposed", "2024-01-24", restriction="38 a month")
    state = cases.state()
    row = state.posture().of("faa", "maker")
    assert (row.rung, row.level, row.restrictions) == ("restriction_imposed", 10, ("38 a month",))
    faced = state.actor("maker").actions_faced
    assert [(r.regulator, r.restrictions) for r in faced] == [("faa", ("38 a month",))]
    assert [r.target for r in state.actor("faa").actions_taken] == ["maker"]
    assert "product" not in state.actor("maker").events[0].roles


def test_an_ending_that_does_not_fit_is_ignored_and_listed(cases, tmp_path):
    """Endings recorded before the checks (another pair's, an ending of an ending, one dated
    before its action) change nothing in posture, and posture lists each with its reason."""
    import tracker

    log = tracker.open(tmp_path / "old.jsonl", create=True)
    events = [
        {"type": "actor", "actor": a, "name": a, "kind": k}
        for a, k in (("faa", "regulator"), ("ntsb", "regulator"), ("maker", "company"),
                     ("airline", "company"))
    ]
    def act(i, reg, tgt, rung, when, **kw):
        return {"type": "regulatory_action", "id": i, "regulator": reg, "target": tgt,
                "rung": rung, "occurred": when, "sources": [SOURCE], **kw}
    events += [
        act("ban", "faa", "maker", "ban_or_suspension", "2024-01-06"),
        act("probe", "ntsb", "airline", "investigation_opened", "2024-01-07"),
        act("wrong-pair", "ntsb", "airline", "closure", "2024-01-08", ends="ban"),
        act("close", "faa", "maker", "closure", "2024-01-09", ends="ban"),
        act("undo", "faa", "maker", "withdrawal", "2024-01-10", ends="close"),
        act("inv", "faa", "maker", "investigation_opened", "2024-02-01"),
        act("early", "faa", "maker", "closure", "2024-01-15", ends="inv"),
    ]
    _write_unchecked(log, events)
    posture = log.replay().posture()
    assert [(i.event, i.ends) for i in posture.ignored] == [
        ("wrong-pair", "ban"),
        ("undo", "close"),
        ("early", "inv"),
    ]
    assert "'ban' is an action against 'maker', not 'airline'" in posture.ignored[0].reason
    assert "itself a closure" in posture.ignored[1].reason
    assert "before 'inv'" in posture.ignored[2].reason
    row = posture.of("faa", "maker")
    assert (row.rung, row.holding) == ("investigation_opened", ("inv",))
    assert [h.event for h in posture.history_of("faa", "maker") if h.change == "ended"] == [
        "close"
    ]
    assert posture.of("ntsb", "airline").rung == "investigation_opened"
    report = log.verify()
    assert [w.split(":")[0] for w in report.warnings] == [
        "record 7 (wrong-pair)",
        "record 9 (undo)",
        "record 11 (early)",
    ]


def _write_unchecked(log, events):
    """Write events as an older tracker did: through the store, past the append checks."""
    from tracker.events.codec import prepare_event

    with log.store.writer() as writer:
        writer.append([prepare_event(e)[1] for e in events])


def test_an_overturning_by_a_court_ends_another_bodys_action(cases):
    """A court overturning a regulator's fine ends it in that regulator's posture."""
    cases.act("fine", "faa", "maker", "fine_imposed", "2024-03-01")
    cases.act("appeal", "court", "maker", "overturned", "2024-06-01", ends="fine")
    posture = cases.state().posture()
    assert posture.of("faa", "maker").rung is None
    assert posture.of("court", "maker") is None
    assert history(posture, "faa", "maker")[-1] == ("ended", "fine", "appeal", "2024-06-01", None)


@pytest.mark.parametrize(
    ("ending", "message"),
    [
        (("ntsb", "maker", "closure", "2024-02-01"), "'ban' is an action by 'faa', and a closure"),
        (("faa", "airline", "closure", "2024-02-01"), "not 'airline'"),
        (("faa", "maker", "closure", "2024-01-01"), "cannot predate the action it ends"),
        (("faa", "maker", "overturned", "2024-02-01"), "is an action by 'faa' itself"),
    ],
)
def test_an_ending_that_does_not_fit_is_refused(cases, ending, message):
    """A new ending of another pair's action, or dated before it, is refused in one line."""
    from tracker.errors import ConflictError

    cases.act("ban", "faa", "maker", "ban_or_suspension", "2024-01-06")
    regulator, target, rung, when = ending
    with pytest.raises(ConflictError, match=message) as caught:
        cases.act("bad", regulator, target, rung, when, ends="ban")
    assert "\n" not in str(caught.value)
    assert cases.log.head().seq == 6  # nothing written


def test_an_ending_of_an_ending_is_refused(cases):
    """A withdrawal of a closure is refused: a closure cannot be ended."""
    from tracker.errors import ConflictError

    cases.act("ban", "faa", "maker", "ban_or_suspension", "2024-01-06")
    cases.act("lift", "faa", "maker", "closure", "2024-01-24", ends="ban")
    with pytest.raises(ConflictError, match="'lift' is itself a closure"):
        cases.act("undo", "faa", "maker", "withdrawal", "2024-01-25", ends="lift")


def test_an_ending_checks_the_corrected_action(cases):
    """The checks use the ended action as corrected (its target moved to another company)."""
    from tracker.errors import ConflictError

    cases.act("ban", "faa", "maker", "ban_or_suspension", "2024-01-06")
    cases.add(
        {
            "type": "correction",
            "corrects": "ban",
            "reason": "the order was against the airline",
            "replacement": {
                "type": "regulatory_action", "regulator": "faa", "target": "airline",
                "rung": "ban_or_suspension", "occurred": "2024-01-06", "sources": [SOURCE],
            },
        }
    )
    with pytest.raises(ConflictError, match="not 'maker'"):
        cases.act("bad", "faa", "maker", "closure", "2024-01-20", ends="ban")
    cases.act("good", "faa", "airline", "closure", "2024-01-20", ends="ban")


def test_an_ending_in_the_same_batch_is_checked(cases):
    """An action and its ending imported together are checked against each other."""
    from tracker.errors import ConflictError

    batch = [
        {"type": "regulatory_action", "id": "b1", "regulator": "faa", "target": "maker",
         "rung": "demand", "occurred": "2024-01-06", "sources": [SOURCE]},
        {"type": "regulatory_action", "id": "b2", "regulator": "faa", "target": "maker",
         "rung": "closure", "occurred": "2024-01-01", "ends": "b1", "sources": [SOURCE]},
    ]
    with pytest.raises(ConflictError, match="cannot predate"):
        cases.log.append(batch)
