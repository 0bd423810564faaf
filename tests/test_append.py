"""Appending: the checks an event must pass before anything is written, and idempotent imports.

A refused append leaves the log byte-identical: a batch is all or nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import tracker
from tracker import Receipt
from tracker.errors import (
    MAX_PROBLEMS,
    ConflictError,
    InvalidEventError,
    TrackerError,
    UnknownIdError,
)

SRC = [{"publisher": "Example Daily", "url": "https://example.org/grok"}]


def actor(slug: str, name: str, kind: str, **more: Any) -> dict[str, Any]:
    """An actor registration."""
    return {"type": "actor", "actor": slug, "name": name, "kind": kind, **more}


def action(rung: str = "demand", **more: Any) -> dict[str, Any]:
    """Ofcom acting against X on or before 12 January."""
    return {
        "type": "regulatory_action",
        "occurred": "..2026-01-12",
        "sources": SRC,
        "regulator": "ofcom",
        "target": "x",
        "rung": rung,
        **more,
    }


def figure(value: float, **more: Any) -> dict[str, Any]:
    """Bloomberg's images-per-hour figure."""
    return {
        "type": "figure",
        "occurred": "2026-01~",
        "sources": SRC,
        "metric": "sexualised_images",
        "value": value,
        "unit": "per_hour",
        **more,
    }


@pytest.fixture
def log(empty_log: tracker.Log) -> tracker.Log:
    """A log with actors ofcom, x (alias Twitter) and xai, a topic, an action and a figure."""
    empty_log.append(
        [
            actor("ofcom", "Ofcom", "regulator", aliases=["Office of Communications"]),
            actor("x", "X", "platform", aliases=["Twitter"]),
            actor("xai", "xAI", "company"),
            {"type": "topic", "topic": "paywall", "name": "Image tools behind a paywall"},
            action("contact", id="ofcom-contact"),
            figure(6700, id="bloomberg-rate", approximate=True),
        ]
    )
    return empty_log


def refused(log: tracker.Log, events: Any, error: type[TrackerError]) -> str:
    """Append ``events``, expect ``error``, check the file did not change; return the message."""
    path = Path(log.location)
    before = path.read_bytes()
    with pytest.raises(error) as caught:
        log.append(events)
    assert path.read_bytes() == before
    message = str(caught.value)
    assert "\n" not in message
    return message


# --- references ------------------------------------------------------------------------------


def test_unknown_actor_with_suggestion(log: tracker.Log) -> None:
    """A mistyped actor id is refused with the closest registered id."""
    assert refused(log, action(regulator="ofcm"), UnknownIdError) == (
        "regulatory_action.regulator: unknown actor 'ofcm'; did you mean 'ofcom'?"
    )


def test_unknown_actor_suggested_by_alias(log: tracker.Log) -> None:
    """An actor named by one of its aliases is pointed to its id."""
    assert refused(log, action(target="twitter"), UnknownIdError) == (
        "regulatory_action.target: unknown actor 'twitter'; did you mean 'x'?"
    )


def test_unknown_actor_without_suggestion(log: tracker.Log) -> None:
    """An id like no registered one gets only the way to register it, in Python's terms (the
    command line prints its own: tracker actor add ...)."""
    assert refused(log, action(regulator="european-commission"), UnknownIdError) == (
        "regulatory_action.regulator: unknown actor 'european-commission' (register it first: "
        "log.append({'type': 'actor', 'actor': 'european-commission', 'name': ..., "
        "'kind': ...}))"
    )


def test_unknown_topic_and_relation_target(log: tracker.Log) -> None:
    """Topics and the targets of actor relations are checked too."""
    statement = {
        "type": "statement",
        "occurred": "2026-01-09",
        "sources": SRC,
        "speaker": "ofcom",
        "summary": "Ofcom on the paywall",
        "topic": "paywal",
        "stance": -1,
    }
    assert refused(log, statement, UnknownIdError) == (
        "statement.topic: unknown topic 'paywal'; did you mean 'paywall'?"
    )
    grok = actor("grok", "Grok", "product", relations=[{"type": "developed_by", "target": "xia"}])
    assert refused(log, grok, UnknownIdError) == (
        "actor.relations.target: unknown actor 'xia'; did you mean 'xai'?"
    )


def test_unknown_event(log: tracker.Log) -> None:
    """An event reference to an id the log lacks is refused with the closest event id."""
    retraction = {"type": "retraction", "retracts": "ofcom-contct", "reason": "duplicate"}
    assert refused(log, retraction, UnknownIdError) == (
        "retraction.retracts: unknown event 'ofcom-contct'; did you mean 'ofcom-contact'? "
        "(log.records() lists the log's records, with their events' ids)"
    )


def test_batch_may_register_and_use_in_order(log: tracker.Log) -> None:
    """A batch may register an actor and then name it; a reference before the registration fails."""
    grok = actor("grok", "Grok", "product", relations=[{"type": "developed_by", "target": "xai"}])
    incident = {
        "type": "incident",
        "occurred": "2026-01",
        "sources": SRC,
        "harm": "sexualised deepfakes",
        "actors": ["grok"],
    }
    assert refused(log, [incident, grok], UnknownIdError).startswith("event 1 (ev-")
    receipts = log.append([grok, incident])
    assert [r.status for r in receipts] == ["appended", "appended"]
    assert [r.seq for r in receipts] == [7, 8]


# --- all or nothing --------------------------------------------------------------------------


def test_a_batch_with_one_invalid_event_writes_nothing(log: tracker.Log) -> None:
    """One invalid event refuses the whole batch, naming its place; nothing is written."""
    batch = [actor("grok", "Grok", "product"), figure("about 6700"), action("ultimatum")]
    assert refused(log, batch, InvalidEventError) == (
        'event 2: figure.value: expected a number, got "about 6700" '
        "(give the number alone, and approximate true for 'about')"
    )
    assert len(log) == 6


def test_a_batch_with_one_unknown_reference_writes_nothing(log: tracker.Log) -> None:
    """One bad reference refuses the whole batch, naming the event by place and id."""
    batch = [
        actor("grok", "Grok", "product"),
        action("ultimatum", id="ofcom-ultimatum", target="grk"),
    ]
    assert refused(log, batch, UnknownIdError) == (
        "event 2 (ofcom-ultimatum): regulatory_action.target: unknown actor 'grk'; did you mean "
        "'grok'?"
    )
    assert log.replay().actors.keys() == {"ofcom", "x", "xai"}


def test_a_batch_lists_every_unknown_reference(log: tracker.Log) -> None:
    """A batch with several unknown ids raises one error listing each, with its label."""
    batch = [
        action("ultimatum", id="a1", target="grk"),
        figure(6700, id="f1"),
        action("demand", id="a2", regulator="european-commission", target="xia"),
    ]
    path = Path(log.location)
    before = path.read_bytes()
    with pytest.raises(UnknownIdError) as caught:
        log.append(batch, labels=["e.jsonl:1", "e.jsonl:2", "e.jsonl:3"])
    assert path.read_bytes() == before
    assert caught.value.problems == [
        "e.jsonl:1: regulatory_action.target: unknown actor 'grk' (register it first: "
        "tracker actor add grk --name ... --kind ...)",
        "e.jsonl:3: regulatory_action.regulator: unknown actor 'european-commission' "
        "(register it first: tracker actor add european-commission --name ... --kind ...)",
        "e.jsonl:3: regulatory_action.target: unknown actor 'xia'; did you mean 'xai'?",
    ]
    assert caught.value.count == 3
    assert str(caught.value) == (
        "3 unknown references: e.jsonl:1: regulatory_action.target: unknown actor 'grk' "
        "(register it first: tracker actor add grk --name ... --kind ...) (and 2 more)"
    )


def test_a_batch_lists_at_most_twenty_unknown_references(log: tracker.Log) -> None:
    """Past MAX_PROBLEMS unknown ids, the rest are only counted."""
    batch = [action(id=f"a{n}", target=f"nobody-{n}") for n in range(25)]
    with pytest.raises(UnknownIdError) as caught:
        log.append(batch)
    assert MAX_PROBLEMS == 20
    assert caught.value.count == 25
    assert caught.value.problems is not None
    assert len(caught.value.problems) == 20
    assert caught.value.problems[-1] == (
        "event 20 (a19): regulatory_action.target: unknown actor 'nobody-19' (register it first: "
        "tracker actor add nobody-19 --name ... --kind ...)"
    )
    assert len(log) == 6


def test_conflicts_and_unknown_ids_of_a_batch_are_all_listed(log: tracker.Log) -> None:
    """A batch lists every problem in order, an id reused for other content among them (it
    used to end the check there); the error is the first problem's kind."""
    batch = [
        action("ultimatum", id="a1", target="grk"),
        action("demand", id="ofcom-contact"),
        action("ultimatum", id="a3", target="ofcm"),
    ]
    with pytest.raises(UnknownIdError) as caught:
        log.append(batch)
    assert caught.value.count == 3
    assert caught.value.problems == [
        "event 1 (a1): regulatory_action.target: unknown actor 'grk' (register it first: "
        "tracker actor add grk --name ... --kind ...)",
        "event 2 (ofcom-contact): event id 'ofcom-contact' is already in the log (record 5) "
        "with other content; to change that event append a correction of it, or give this one "
        "another id",
        "event 3 (a3): regulatory_action.target: unknown actor 'ofcm'; did you mean 'ofcom'?",
    ]
    assert caught.value.summary == "3 problems"
    only = [action("demand", id="ofcom-contact"), action("contact", id="ofcom-contact", target="x")]
    assert refused(log, only[:1], ConflictError).startswith("event id 'ofcom-contact' is already")


def test_one_event_stops_at_its_first_unknown_reference(log: tracker.Log) -> None:
    """A single event (tracker add) is refused with its first unknown id alone, as one line."""
    with pytest.raises(UnknownIdError) as caught:
        log.append(action(regulator="ofcm", target="twitter"))
    assert (caught.value.problems, caught.value.count) == (None, None)
    assert str(caught.value) == (
        "regulatory_action.regulator: unknown actor 'ofcm'; did you mean 'ofcom'?"
    )


def test_dry_run_checks_everything_and_writes_nothing(log: tracker.Log) -> None:
    """``dry_run`` returns the receipts an append would give, and leaves the file as it was."""
    path = Path(log.location)
    before = path.read_bytes()
    receipts = log.append(
        [action("ultimatum", id="ofcom-ultimatum"), action("contact", id="ofcom-contact")],
        dry_run=True,
    )
    assert receipts == [
        Receipt("ofcom-ultimatum", 7, "appended"),
        Receipt("ofcom-contact", 5, "exists"),
    ]
    assert path.read_bytes() == before
    with pytest.raises(UnknownIdError):
        log.append(action(target="nobody"), dry_run=True)


# --- idempotent re-append --------------------------------------------------------------------


def test_same_id_same_content_exists(log: tracker.Log) -> None:
    """Re-appending an event the log holds, same id and content, is a no-op receipt ``exists``."""
    path = Path(log.location)
    before = path.read_bytes()
    assert log.append(action("contact", id="ofcom-contact")) == [
        Receipt("ofcom-contact", 5, "exists")
    ]
    assert path.read_bytes() == before


def test_same_id_other_content_conflicts(log: tracker.Log) -> None:
    """An id the log holds with other content is refused; the fix is a correction or a new id."""
    assert refused(log, action("demand", id="ofcom-contact"), ConflictError) == (
        "event id 'ofcom-contact' is already in the log (record 5) with other content; to change "
        "that event append a correction of it, or give this one another id"
    )


def test_reimporting_events_without_ids_is_a_no_op(empty_log: tracker.Log) -> None:
    """Importing id-less events twice adds nothing the second time: ids come from content."""
    batch = [actor("ofcom", "Ofcom", "regulator"), actor("x", "X", "platform"), action("contact")]
    first = empty_log.append(batch)
    path = Path(empty_log.location)
    before = path.read_bytes()
    second = empty_log.append(batch)
    assert [r.status for r in first] == ["appended"] * 3
    assert [(r.id, r.seq, r.status) for r in second] == [(r.id, r.seq, "exists") for r in first]
    assert path.read_bytes() == before
    again = tracker.open(path)  # a fresh handle, as a second run of an import would be
    assert [r.status for r in again.append(batch)] == ["exists"] * 3


def test_a_mixed_reimport_appends_only_the_new(log: tracker.Log) -> None:
    """In a batch of old and new events, only the new ones are written, in one batch."""
    receipts = log.append([action("contact", id="ofcom-contact"), action("ultimatum")])
    assert [(r.seq, r.status) for r in receipts] == [(5, "exists"), (7, "appended")]
    last = list(log.records())[-1]
    assert (last.seq, last.batch_id, last.batch_count) == (7, 7, 1)


def test_a_repeat_inside_one_batch_is_written_once(log: tracker.Log) -> None:
    """The same event twice in one batch is written once; both get a receipt."""
    receipts = log.append([action("ultimatum"), action("ultimatum")])
    assert receipts[0].id == receipts[1].id
    assert [(r.seq, r.status) for r in receipts] == [(7, "appended"), (7, "exists")]
    assert len(log) == 7


def test_a_registration_is_made_once(log: tracker.Log) -> None:
    """Registering an actor id again under other content is refused; fix it with a correction."""
    message = refused(log, actor("ofcom", "OFCOM", "regulator"), ConflictError)
    assert message.startswith("actor 'ofcom' is already registered (event ev-")
    assert message.endswith("); to change it, append a correction of that event")


# --- fixes -----------------------------------------------------------------------------------


def correction(target: str, replacement: dict[str, Any], reason: str = "typo") -> dict[str, Any]:
    """A correction of ``target``."""
    return {"type": "correction", "corrects": target, "replacement": replacement, "reason": reason}


def test_a_correction_keeps_the_type(log: tracker.Log) -> None:
    """A correction's replacement must have the corrected event's type."""
    assert refused(log, correction("bloomberg-rate", action("demand")), ConflictError) == (
        "correction.corrects: 'bloomberg-rate' is a figure, but the replacement is a "
        "regulatory_action; a correction keeps the event's type (retract it and append a new "
        "one instead)"
    )
    receipts = log.append(
        correction("bloomberg-rate", figure(6700, approximate=True, subject="xai"))
    )
    assert receipts[0].status == "appended"


def test_fixes_cannot_target_fixes(log: tracker.Log) -> None:
    """Corrections, retractions and supersessions point at events, never at other fixes."""
    log.append({**correction("bloomberg-rate", figure(6700)), "id": "fix-1"})
    assert refused(
        log, {"type": "retraction", "retracts": "fix-1", "reason": "x"}, ConflictError
    ) == (
        "retraction.retracts: 'fix-1' is a correction; fixes point at events, not at other fixes "
        "(to change a correction, correct the event again)"
    )
    assert refused(log, correction("fix-1", figure(1)), ConflictError).startswith(
        "correction.corrects: 'fix-1' is a correction; fixes point at events"
    )


def test_a_retracted_event_cannot_be_referenced(log: tracker.Log) -> None:
    """Once retracted, an event can be neither corrected, verified nor retracted again."""
    log.append({"type": "retraction", "retracts": "bloomberg-rate", "reason": "wrong log"})
    assert refused(log, correction("bloomberg-rate", figure(1)), UnknownIdError) == (
        "correction.corrects: event 'bloomberg-rate' has been retracted; it can no longer be "
        "referenced"
    )


def test_a_closure_ends_a_regulatory_action(log: tracker.Log) -> None:
    """``ends`` must point at a regulatory action, not at another kind of event."""
    assert refused(log, action("closure", ends="bloomberg-rate"), ConflictError) == (
        "regulatory_action.ends: 'bloomberg-rate' is a figure; a closure ends a regulatory_action"
    )
    assert log.append(action("closure", ends="ofcom-contact"))[0].status == "appended"


def test_supersession_and_verification_point_at_events(log: tracker.Log) -> None:
    """A supersession cannot supersede itself, and nothing verifies a registration."""
    log.append(action("demand", id="ofcom-demand"))
    itself = {
        "type": "supersession",
        "supersedes": "ofcom-demand",
        "by": "ofcom-demand",
        "reason": "r",
    }
    assert refused(log, itself, ConflictError) == (
        "supersession.supersedes: an event cannot supersede itself"
    )
    ofcom = next(e.event.id for e in log.events() if getattr(e.event, "actor", None) == "ofcom")
    verification = {
        "type": "verification",
        "occurred": "2026-01-10",
        "sources": SRC,
        "verifier": "x",
        "target": ofcom,
        "verdict": "confirmed",
    }
    assert refused(log, verification, ConflictError) == (
        f"verification.target: '{ofcom}' is an actor registration; only world events can be "
        "verified (to change a registration, correct it)"
    )


def test_a_renaming_correction_cannot_take_a_registered_id(log: tracker.Log) -> None:
    """Correcting a registration to an id another registration holds is refused."""
    xai = next(e.event.id for e in log.events() if getattr(e.event, "actor", None) == "xai")
    x = next(e.event.id for e in log.events() if getattr(e.event, "actor", None) == "x")
    message = refused(log, correction(xai, actor("x", "xAI", "company")), ConflictError)
    assert (
        message == f"correction.replacement.actor: actor 'x' is already registered by event {x}; "
        "choose another id"
    )
    log.append(correction(xai, actor("x-ai", "xAI", "company")))
    assert sorted(log.replay().actors) == ["ofcom", "x", "x-ai"]


def test_a_closure_cannot_end_a_registration(log: tracker.Log) -> None:
    """``ends`` pointing at an actor registration is refused, with the right article."""
    ofcom = next(e.event.id for e in log.events() if getattr(e.event, "actor", None) == "ofcom")
    assert refused(log, action("closure", ends=ofcom), ConflictError) == (
        f"regulatory_action.ends: '{ofcom}' is an actor; a closure ends a regulatory_action"
    )


def test_an_alias_that_is_another_actors_id_is_refused(log: tracker.Log) -> None:
    """An alias equal to another actor's id (in the log, or earlier in the same batch) would
    name two actors: refused in one line, nothing appended; an alias equal to its own id, or
    to nobody's, is fine."""
    before = log.head()
    assert refused(log, actor("mayor", "The Mayor", "person", aliases=["XAI"]), ConflictError) == (
        "actor.aliases: 'XAI' is the id of another actor ('xai'); an alias must not name "
        "another actor: drop it or choose another"
    )
    with pytest.raises(ConflictError):
        log.append([actor("deputy", "Deputy", "person"),
                    actor("mayor", "The Mayor", "person", aliases=["deputy"])])
    assert log.head() == before
    log.append(actor("mayor", "The Mayor", "person", aliases=["Mayor", "city hall"]))
    assert log.head().seq == before.seq + 1
