"""Replay on two clocks, over a small hand-built log whose answers are written out below.

The log (ids given by hand; dates as the article would support them)::

    recorded        seq    id                  what                       occurred
    01-12 09:00     1-7    (registrations)     actors ofcom, x, xai, uk-gov, the-verge,
                                               paris-prosecutor; topic paywall
    01-12 09:01     8      contact             Ofcom contacts X           2026-01-05
                    9      bloomberg           670 images/hour (a typo)   2026-01-09 (wrong)
                    10     paywall             X restricts image tools    2026-01-09
                    11     insulting           UK government statement    ..2026-01-12
                    12     loss                xAI quarterly loss         2026-01
                    13     demand              Ofcom demands compliance   2026-01-09..2026-01-12
    01-13 10:00     14     verge-test          The Verge contradicts      2026-01-10
                                               'paywall'
                    15     paris               Paris widens its inquiry   2026-01-11..
    01-14 09:00     16     fix-bloomberg       corrects bloomberg: 6700, occurred
                                               2026-01-05..2026-01-08
                    17     drop-loss           retracts loss
                    18     contact-superseded  contact superseded by demand

Rules under test: an event counts at ``as_of=T`` when it certainly occurred by T (latest <= T);
one whose interval straddles T is uncertain; a day or month given means its end; unset means
unbounded. ``known_at=K`` keeps the records recorded at or before K; fixes apply by K alone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import tracker
from tracker.errors import InvalidDateError
from tracker.events import Figure

if TYPE_CHECKING:
    from tests.conftest import StepClock

SRC = [{"publisher": "Example Daily", "url": "https://example.org/grok", "published": "2026-01-12"}]


def world(event_id: str, type_: str, occurred: str, **fields: Any) -> dict[str, Any]:
    """A world event with a given id, a date and the article as its source."""
    return {"type": type_, "id": event_id, "occurred": occurred, "sources": SRC, **fields}


def bloomberg(value: float, occurred: str) -> dict[str, Any]:
    """Bloomberg's figure (entered first with a wrong value and day, then corrected)."""
    return world(
        "bloomberg",
        "figure",
        occurred,
        metric="sexualised_images",
        value=value,
        unit="per_hour",
        approximate=True,
        subject="x",
    )


def build(log: tracker.Log, clock: StepClock) -> None:
    """Append the log of the module docstring."""
    log.append(
        [
            {"type": "actor", "actor": slug, "name": name, "kind": kind}
            for slug, name, kind in (
                ("ofcom", "Ofcom", "regulator"),
                ("x", "X", "platform"),
                ("xai", "xAI", "company"),
                ("uk-gov", "UK government", "government"),
                ("the-verge", "The Verge", "media"),
                ("paris-prosecutor", "Paris prosecutor", "prosecutor"),
            )
        ]
        + [{"type": "topic", "topic": "paywall", "name": "Image tools behind a paywall"}]
    )
    log.append(
        [
            world(
                "contact",
                "regulatory_action",
                "2026-01-05",
                regulator="ofcom",
                target="x",
                rung="contact",
            ),
            bloomberg(670, "2026-01-09"),
            world(
                "paywall",
                "policy_change",
                "2026-01-09",
                actor="x",
                rule="image generation",
                after="paying subscribers only",
            ),
            world(
                "insulting",
                "statement",
                "..2026-01-12",
                speaker="uk-gov",
                quote="insulting",
                topic="paywall",
                stance=-2,
            ),
            world(
                "loss",
                "figure",
                "2026-01",
                metric="net_loss",
                value=1.46,
                unit="USD_billion",
                subject="xai",
            ),
            world(
                "demand",
                "regulatory_action",
                "2026-01-09..2026-01-12",
                regulator="ofcom",
                target="x",
                rung="demand",
            ),
        ]
    )
    clock.set(datetime(2026, 1, 13, 10, 0, tzinfo=UTC))
    log.append(
        [
            world(
                "verge-test",
                "verification",
                "2026-01-10",
                verifier="the-verge",
                target="paywall",
                verdict="contradicted",
            ),
            world(
                "paris",
                "regulatory_action",
                "2026-01-11..",
                regulator="paris-prosecutor",
                target="x",
                rung="investigation_widened",
            ),
        ]
    )
    clock.set(datetime(2026, 1, 14, 9, 0, tzinfo=UTC))
    replacement = bloomberg(6700, "2026-01-05..2026-01-08")
    del replacement["id"]
    log.append(
        [
            {
                "type": "correction",
                "id": "fix-bloomberg",
                "corrects": "bloomberg",
                "replacement": replacement,
                "reason": "670 was a typo; Bloomberg's window was Jan 5-8",
            },
            {
                "type": "retraction",
                "id": "drop-loss",
                "retracts": "loss",
                "reason": "belongs in the xAI log",
            },
            {
                "type": "supersession",
                "id": "contact-superseded",
                "supersedes": "contact",
                "by": "demand",
                "reason": "Ofcom escalated from contact to a demand",
            },
        ]
    )


@pytest.fixture(params=["file", "memory"])
def log(request: pytest.FixtureRequest, tmp_path: Path, clock: StepClock) -> tracker.Log:
    """The log of the module docstring, in a JSONL file and in memory (they must agree)."""
    where = tmp_path / "log.jsonl" if request.param == "file" else ":memory:"
    opened = tracker.open(where, create=True, clock=clock)
    build(opened, clock)
    return opened


def test_the_log_is_as_described(log: tracker.Log) -> None:
    """The docstring's sequence numbers and recorded times are the log's."""
    stamps = {(r.seq, r.recorded) for r in log.records()}
    assert (7, "2026-01-12T09:00:00.000000Z") in stamps
    assert (13, "2026-01-12T09:01:00.000000Z") in stamps
    assert (15, "2026-01-13T10:00:00.000000Z") in stamps
    assert (18, "2026-01-14T09:00:00.000000Z") in stamps
    assert len(log) == 18


# (as_of, known_at) -> (timeline ids in occurred order, uncertain ids in occurred order)
CASES = [
    pytest.param(
        None,
        None,
        ["insulting", "contact", "bloomberg", "paywall", "demand", "verge-test", "paris"],
        [],
        id="both-unset-everything-counts-but-the-retracted",
    ),
    pytest.param(
        None,
        "2026-01-12",
        ["insulting", "loss", "contact", "bloomberg", "paywall", "demand"],
        [],
        id="as_of-unset-is-unbounded-not-now",
    ),
    pytest.param(
        "2026-01-10",
        "2026-01-12",
        ["contact", "bloomberg", "paywall"],
        ["insulting", "loss", "demand"],
        id="straddling-intervals-are-uncertain",
    ),
    pytest.param(
        "2026-01-10",
        "2026-01-13",
        ["contact", "bloomberg", "paywall", "verge-test"],
        ["insulting", "loss", "demand"],
        id="a-later-record-adds-the-verification",
    ),
    pytest.param(
        "2026-01-10",
        None,
        ["contact", "bloomberg", "paywall", "verge-test"],
        ["insulting", "demand"],
        id="after-the-fixes-loss-is-gone-bloomberg-moved",
    ),
    pytest.param(
        "2026-01-07",
        "2026-01-13",
        ["contact"],
        ["insulting", "loss"],
        id="before-the-correction-bloomberg-is-in-the-future",
    ),
    pytest.param(
        "2026-01-07",
        "2026-01-14",
        ["contact"],
        ["insulting", "bloomberg"],
        id="the-correction-applies-to-an-earlier-as_of",
    ),
    pytest.param(
        "2026-01-12",
        None,
        ["insulting", "contact", "bloomberg", "paywall", "demand", "verge-test"],
        ["paris"],
        id="a-day-means-its-end",
    ),
    pytest.param(
        "2026-01-12T12:00",
        None,
        ["contact", "bloomberg", "paywall", "verge-test"],
        ["insulting", "demand", "paris"],
        id="a-time-means-the-end-of-its-minute-only",
    ),
    pytest.param(
        "2026-01",
        None,
        ["insulting", "contact", "bloomberg", "paywall", "demand", "verge-test"],
        ["paris"],
        id="a-month-means-its-end-and-an-open-end-is-never-certain",
    ),
    pytest.param(
        "2025-12-31",
        None,
        [],
        ["insulting"],
        id="an-open-start-is-uncertain-at-any-earlier-date",
    ),
    pytest.param(
        None,
        "2026-01-12T09:00",
        [],
        [],
        id="known_at-a-minute-means-its-end-registrations-only",
    ),
    pytest.param(
        None,
        "2026-01-11",
        [],
        [],
        id="known_at-before-the-first-record-is-empty",
    ),
]


@pytest.mark.parametrize(("as_of", "known_at", "timeline", "uncertain"), CASES)
def test_replay_table(
    log: tracker.Log,
    as_of: str | None,
    known_at: str | None,
    timeline: list[str],
    uncertain: list[str],
) -> None:
    """Each (as_of, known_at) pair gives exactly this timeline and this list of uncertain events."""
    state = log.replay(as_of=as_of, known_at=known_at)
    assert state.timeline().ids() == timeline
    assert state.uncertain().ids() == uncertain


def test_registrations_count_at_every_as_of(log: tracker.Log) -> None:
    """Actors and topics describe our record, not the world: they stand whatever ``as_of``."""
    for as_of in ("1999", "2026-01-10", None):
        state = log.replay(as_of=as_of, known_at="2026-01-12T09:00")
        assert sorted(state.actors) == [
            "ofcom",
            "paris-prosecutor",
            "the-verge",
            "uk-gov",
            "x",
            "xai",
        ]
        assert list(state.topics) == ["paywall"]
    assert log.replay(known_at="2026-01-11").actors == {}


def test_known_at_is_inclusive_to_the_microsecond(log: tracker.Log) -> None:
    """A record counts when recorded at or before ``known_at``, given as an exact datetime."""
    before = log.replay(known_at=datetime(2026, 1, 12, 9, 0, 59, 999999, tzinfo=UTC))
    at = log.replay(known_at=datetime(2026, 1, 12, 9, 1, tzinfo=UTC))
    assert (before.head_seq, at.head_seq) == (7, 13)
    assert at.timeline().ids() == ["insulting", "loss", "contact", "bloomberg", "paywall", "demand"]


def test_placements(log: tracker.Log) -> None:
    """Every known event has a placement: counted, uncertain, future or retracted."""
    state = log.replay(as_of="2026-01-10")
    assert {
        i: state.placement(i) for i in ("contact", "insulting", "paris", "loss", "nothing")
    } == {
        "contact": "counted",
        "insulting": "uncertain",
        "paris": "future",
        "loss": "retracted",
        "nothing": None,
    }


def test_a_correction_replaces_the_event_and_keeps_its_id_and_origin(log: tracker.Log) -> None:
    """A corrected event has the new content under its old id, seq and recorded time."""
    before = log.replay(known_at="2026-01-13").entry("bloomberg")
    after = log.replay(known_at="2026-01-14").entry("bloomberg")
    assert before is not None and after is not None
    assert isinstance(before.event, Figure) and isinstance(after.event, Figure)
    assert (before.event.value, before.event.occurred.text) == (670.0, "2026-01-09")
    assert (after.event.value, after.event.occurred.text) == (6700.0, "2026-01-05..2026-01-08")
    assert after.id == "bloomberg"
    assert (after.seq, after.recorded) == (9, "2026-01-12T09:01:00.000000Z")
    assert (before.corrected_by, after.corrected_by) == ((), ("fix-bloomberg",))


def test_history_shows_the_record_and_its_fixes(log: tracker.Log) -> None:
    """``history(id)`` lists when an event was recorded, then each fix with its reason."""
    state = log.replay(as_of="2026-01-10")
    assert [(h.kind, h.seq, h.recorded, h.reason) for h in state.history("bloomberg")] == [
        ("recorded", 9, "2026-01-12T09:01:00.000000Z", None),
        (
            "correction",
            16,
            "2026-01-14T09:00:00.000000Z",
            "670 was a typo; Bloomberg's window was Jan 5-8",
        ),
    ]
    assert state.history("bloomberg")[0].event.value == 670.0  # type: ignore[union-attr]
    assert [(h.kind, h.seq) for h in state.history("paywall")] == [("recorded", 10)]
    assert state.history("nothing") == []


def test_a_retraction_removes_the_event_and_keeps_its_history(log: tracker.Log) -> None:
    """A retracted event counts nowhere, yet its history (and the retraction) stays visible."""
    known_13 = log.replay(known_at="2026-01-13")
    known_14 = log.replay(known_at="2026-01-14")
    assert "loss" in known_13.timeline().ids()
    assert "loss" not in known_14.timeline().ids()
    assert known_14.entry("loss") is None
    assert list(known_14.retracted()) == ["loss"]
    assert [(h.kind, h.seq, h.reason) for h in known_14.history("loss")] == [
        ("recorded", 12, None),
        ("retraction", 17, "belongs in the xAI log"),
    ]
    assert [(f.kind, f.target) for f in known_14.fixes()] == [
        ("correction", "bloomberg"),
        ("retraction", "loss"),
        ("supersession", "contact"),
    ]


def test_a_supersession_marks_superseded_by_for_every_as_of(log: tracker.Log) -> None:
    """A supersession applies by ``known_at`` alone: the old event stays, marked superseded."""
    assert log.replay(known_at="2026-01-13").entry("contact").superseded_by is None  # type: ignore[union-attr]
    for as_of in ("2026-01-05", "2026-01-10", None):
        state = log.replay(as_of=as_of)
        contact = state.entry("contact")
        assert contact is not None
        assert contact.superseded_by == "demand"
        assert "contact" in state.timeline().ids()
    assert [(h.kind, h.seq) for h in log.replay().history("contact")] == [
        ("recorded", 8),
        ("supersession", 18),
    ]


def test_a_verification_obeys_both_clocks(log: tracker.Log) -> None:
    """A verification is a world event: it needs to be recorded by K and to have occurred by T."""
    assert log.replay(as_of="2026-01-10", known_at="2026-01-12").placement("verge-test") is None
    assert log.replay(as_of="2026-01-09", known_at="2026-01-13").placement("verge-test") == "future"
    assert (
        log.replay(as_of="2026-01-10", known_at="2026-01-13").placement("verge-test") == "counted"
    )


def test_timeline_filters(log: tracker.Log) -> None:
    """The timeline filters by actor, topic and type, keeping occurred order."""
    state = log.replay()
    assert state.timeline(actor="ofcom").ids() == ["contact", "demand"]
    assert state.timeline(topic="paywall").ids() == ["insulting"]
    assert state.timeline(type="regulatory_action").ids() == ["contact", "demand", "paris"]


def test_summary(log: tracker.Log) -> None:
    """The summary counts what the state holds."""
    assert log.replay(as_of="2026-01-10").summary() == {
        "actors": 6,
        "topics": 1,
        "events": 4,
        "uncertain": 2,
        "fixes": 3,
        "head_seq": 18,
    }


def test_replay_is_deterministic_and_never_reads_the_wall_clock(log: tracker.Log) -> None:
    """Two replays with the same dates agree entry for entry."""
    first = log.replay(as_of="2026-01-10", known_at="2026-01-13")
    second = log.replay(as_of="2026-01-10", known_at="2026-01-13")
    assert first.timeline().to_records() == second.timeline().to_records()
    assert first.as_of == datetime(2026, 1, 10, 23, 59, 59, 999999, tzinfo=UTC)
    assert first.known_at == datetime(2026, 1, 13, 23, 59, 59, 999999, tzinfo=UTC)


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        (
            "2026-01-05..2026-01-08",
            "invalid date '2026-01-05..2026-01-08': give one date, not an interval; use YYYY, "
            "YYYY-MM, YYYY-MM-DD, YYYY-MM-DDTHH:MM[+HH:MM], '..D' (on or before), 'D..' (on or "
            "after), 'D1..D2', with '~' for approximate",
        ),
        (
            "yesterday",
            "invalid date 'yesterday': not a recognised date; use YYYY, YYYY-MM, YYYY-MM-DD, "
            "YYYY-MM-DDTHH:MM[+HH:MM], '..D' (on or before), 'D..' (on or after), 'D1..D2', "
            "with '~' for approximate",
        ),
    ],
)
def test_replay_refuses_what_is_not_one_date(log: tracker.Log, as_of: str, message: str) -> None:
    """``as_of`` and ``known_at`` take one date; anything else is refused in one line."""
    for clock_name in ("as_of", "known_at"):
        with pytest.raises(InvalidDateError) as caught:
            log.replay(**{clock_name: as_of})
        assert str(caught.value) == message
