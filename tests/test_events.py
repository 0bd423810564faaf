"""The event vocabulary as a specification: what each model accepts, what it refuses and why.

Every refusal is one line naming the field and what is expected; the messages are written out
in full, so a change to any of them is a deliberate change to this file.
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any

import jsonschema
import orjson
import pytest
from pydantic import ValidationError

from tracker.errors import InvalidEventError
from tracker.events import (
    EVENT_TYPES,
    ActorRegistered,
    Correction,
    Figure,
    Incident,
    PolicyChange,
    RegulatoryAction,
    Relation,
    Retraction,
    Source,
    Statement,
    Supersession,
    TopicRegistered,
    Verification,
    event_to_dict,
    json_schema,
    parse_event,
)

TYPES = (
    "actor, correction, figure, incident, policy_change, regulatory_action, retraction, "
    "statement, supersession, topic, verification"
)
ID_RULE = (
    "is not an id: use lowercase letters, digits, '.', '_' or '-', starting with a letter or "
    "digit, at most 64 characters"
)
DATE_FORMS = (
    "use YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDTHH:MM[+HH:MM], '..D' (on or before), "
    "'D..' (on or after), 'D1..D2', with '~' for approximate"
)
SRC = {"publisher": "Bloomberg", "url": "https://www.bloomberg.com/grok"}
ARTICLE = {
    "publisher": "Example Daily",
    "url": "https://example.org/grok",
    "published": "2026-01-12",
}

# One valid example of every event type, as a user would write it in an import file.
EXAMPLES: dict[str, dict[str, Any]] = {
    "actor": {
        "type": "actor",
        "actor": "grok",
        "name": "Grok",
        "kind": "product",
        "aliases": ["Grok Imagine"],
        "relations": [
            {"type": "developed_by", "target": "xai"},
            {"type": "runs_on", "target": "x"},
        ],
    },
    "topic": {"type": "topic", "topic": "paywall", "name": "Image tools behind a paywall"},
    "statement": {
        "type": "statement",
        "occurred": "..2026-01-12",
        "sources": [ARTICLE],
        "speaker": "uk-gov",
        "quote": "insulting to victims",
        "topic": "paywall",
        "stance": -2,
    },
    "figure": {
        "type": "figure",
        "occurred": "2026-01~",
        "sources": [SRC],
        "metric": "sexualised_images",
        "value": 6700,
        "unit": "per_hour",
        "approximate": True,
        "subject": "grok",
        "reported_by": "bloomberg",
    },
    "policy_change": {
        "type": "policy_change",
        "occurred": "..2026-01-12",
        "sources": [ARTICLE],
        "actor": "x",
        "product": "grok",
        "rule": "image generation",
        "before": "free to all users",
        "after": "paying subscribers only",
    },
    "regulatory_action": {
        "type": "regulatory_action",
        "occurred": "..2026-01-12",
        "sources": [ARTICLE],
        "regulator": "ofcom",
        "target": "x",
        "jurisdiction": "GB",
        "rung": "demand",
    },
    "verification": {
        "type": "verification",
        "occurred": "..2026-01-12",
        "sources": [{"publisher": "The Verge", "url": "https://www.theverge.com/grok"}],
        "verifier": "the-verge",
        "target": "ev-0123456789abcdef0123",
        "verdict": "contradicted",
        "finding": "the image tools were still free in the app",
    },
    "incident": {
        "type": "incident",
        "occurred": "2026-01",
        "sources": [ARTICLE],
        "harm": "sexualised deepfakes of real women",
        "victims": "women and minors",
        "actors": ["grok"],
    },
    "correction": {
        "type": "correction",
        "corrects": "ev-0123456789abcdef0123",
        "reason": "the figure is per hour, not per day",
        "replacement": {
            "type": "figure",
            "occurred": "2026-01~",
            "sources": [SRC],
            "metric": "sexualised_images",
            "value": 6700,
            "unit": "per_hour",
        },
    },
    "retraction": {
        "type": "retraction",
        "retracts": "ev-0123456789abcdef0123",
        "reason": "entered in the wrong log",
    },
    "supersession": {
        "type": "supersession",
        "supersedes": "ofcom-contact",
        "by": "ofcom-demand",
        "reason": "Ofcom escalated",
    },
}


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema of an event, built once for these tests."""
    return json_schema()


def refusal(data: Any) -> str:
    """Return the one-line message with which ``parse_event`` refuses ``data``."""
    with pytest.raises(InvalidEventError) as caught:
        parse_event(data)
    message = str(caught.value)
    assert "\n" not in message
    return message


def but(type_: str, **changes: Any) -> dict[str, Any]:
    """Return the example of ``type_`` with fields changed (a value of ``...`` removes it)."""
    data = dict(EXAMPLES[type_])
    for key, value in changes.items():
        if value is ...:
            data.pop(key)
        else:
            data[key] = value
    return data


# --- every type: valid examples --------------------------------------------------------------


def test_examples_cover_every_type() -> None:
    """The examples above include exactly one event of each type the union knows."""
    assert sorted(EXAMPLES) == sorted(EVENT_TYPES)
    assert ", ".join(sorted(EVENT_TYPES)) == TYPES


@pytest.mark.parametrize("type_", sorted(EXAMPLES))
def test_each_example_validates_into_its_class(type_: str) -> None:
    """Each example parses into the model its type names, with a derived id."""
    event = parse_event(EXAMPLES[type_])
    assert type(event) is EVENT_TYPES[type_]
    assert event.type == type_  # type: ignore[union-attr]
    assert event.id is not None
    assert event.id.startswith("ev-")


@pytest.mark.parametrize("type_", sorted(EXAMPLES))
def test_canonical_dict_round_trips(type_: str) -> None:
    """An event's canonical dict parses back to an equal event with the same id."""
    event = parse_event(EXAMPLES[type_])
    again = parse_event(event_to_dict(event))
    assert again == event
    assert event_to_dict(again) == event_to_dict(event)


def test_models_are_frozen() -> None:
    """An event cannot be changed after it is built (the log's events are immutable)."""
    event = parse_event(EXAMPLES["figure"])
    with pytest.raises(ValidationError):
        event.value = 1.0  # type: ignore[misc, union-attr]


def test_models_build_from_python_too() -> None:
    """Models take keyword arguments; type is implied by the class and dates parse from text."""
    figure = Figure(
        occurred="2024",
        sources=(Source(publisher="Example Daily", citation="print edition, p. 3"),),
        metric="uk_revenue_change",
        value=-60,
        unit="percent",
        approximate=True,
        subject="x",
    )
    assert figure.type == "figure"
    assert figure.occurred.text == "2024"
    assert figure.value == -60.0
    assert event_to_dict(figure) == {
        "approximate": True,
        "metric": "uk_revenue_change",
        "occurred": "2024",
        "sources": [{"citation": "print edition, p. 3", "publisher": "Example Daily"}],
        "subject": "x",
        "type": "figure",
        "unit": "percent",
        "value": -60.0,
    }


def test_canonical_dict_omits_defaults_and_sorts_tags() -> None:
    """Defaults are left out of the canonical dict, and tags are sorted and deduplicated."""
    statement = parse_event(
        {
            "type": "statement",
            "occurred": "2026-01-09",
            "sources": [SRC],
            "speaker": "ofcom",
            "summary": "  Ofcom made urgent contact with X  ",
            "tags": ["uk", "deepfakes", "uk"],
            "about": [],
            "stance": None,
        }
    )
    assert event_to_dict(statement) == {
        "id": statement.id,
        "occurred": "2026-01-09",
        "sources": [SRC],
        "speaker": "ofcom",
        "summary": "Ofcom made urgent contact with X",
        "tags": ["deepfakes", "uk"],
        "type": "statement",
    }


def test_reported_defaults_to_earliest_source_date() -> None:
    """Without ``reported``, the reported date is the earliest published date of the sources."""
    event = parse_event(
        but(
            "incident",
            sources=[
                {"publisher": "B", "url": "https://b.example", "published": "2026-01-12"},
                {"publisher": "A", "url": "https://a.example", "published": "2026-01-08"},
                {"publisher": "C", "url": "https://c.example"},
            ],
        )
    )
    assert event.reported is None
    assert event.reported_date is not None
    assert event.reported_date.text == "2026-01-08"
    given = parse_event(but("incident", reported="2026-01-10"))
    assert given.reported_date is not None
    assert given.reported_date.text == "2026-01-10"


def test_references_name_every_id_an_event_points_at() -> None:
    """``references()`` lists (field, namespace, id) for actors, topics and events named."""
    assert parse_event(EXAMPLES["statement"]).references() == [
        ("speaker", "actor", "uk-gov"),
        ("topic", "topic", "paywall"),
    ]
    assert parse_event(EXAMPLES["actor"]).references() == [
        ("relations.target", "actor", "xai"),
        ("relations.target", "actor", "x"),
    ]
    assert parse_event(EXAMPLES["correction"]).references() == [
        ("corrects", "event", "ev-0123456789abcdef0123"),
    ]
    assert parse_event(EXAMPLES["supersession"]).references() == [
        ("supersedes", "event", "ofcom-contact"),
        ("by", "event", "ofcom-demand"),
    ]


def test_closure_points_at_the_action_it_ends() -> None:
    """A closure or withdrawal is valid with ``ends``, and ``ends`` is an event reference."""
    closure = parse_event(but("regulatory_action", rung="closure", ends="ofcom-demand"))
    assert isinstance(closure, RegulatoryAction)
    assert ("ends", "event", "ofcom-demand") in closure.references()


def test_figure_accepts_bounds_without_a_value() -> None:
    """A figure may give a range (lower and/or upper) instead of one value."""
    figure = parse_event(but("figure", value=..., lower=1.2, upper=1.5, unit="USD_billion"))
    assert isinstance(figure, Figure)
    assert (figure.value, figure.lower, figure.upper) == (None, 1.2, 1.5)
    only_lower = parse_event(but("figure", value=..., lower=20, unit="USD_billion"))
    assert only_lower.lower == 20.0  # type: ignore[union-attr]


def test_a_source_may_cite_instead_of_linking() -> None:
    """A source needs a url or a citation, not both."""
    source = Source(publisher="BBC Radio 4", citation="Today programme, 9 January 2026, 08:10")
    assert source.url is None


def test_registrations_and_fixes_need_no_date_or_source() -> None:
    """Registrations and fixes are about our record: ``occurred`` and ``sources`` are optional."""
    for type_ in ("actor", "topic", "correction", "retraction", "supersession"):
        event = parse_event(EXAMPLES[type_])
        assert event.occurred is None
        assert event.sources == ()


def test_classes_match_the_union() -> None:
    """The public classes are the ones the union picks for each type tag."""
    assert EVENT_TYPES == {
        "actor": ActorRegistered,
        "topic": TopicRegistered,
        "statement": Statement,
        "figure": Figure,
        "policy_change": PolicyChange,
        "regulatory_action": RegulatoryAction,
        "verification": Verification,
        "incident": Incident,
        "correction": Correction,
        "retraction": Retraction,
        "supersession": Supersession,
    }
    assert Relation(type="led_by", target="elon-musk").target == "elon-musk"


# --- refusals: one line naming the field and the fix ------------------------------------------

REFUSALS = [
    pytest.param(
        but("figure", type="figur"),
        f"unknown event type 'figur'; did you mean 'figure'? (types: {TYPES})",
        id="unknown-type-with-suggestion",
    ),
    pytest.param(
        but("figure", type="tweet"),
        f"unknown event type 'tweet' (types: {TYPES})",
        id="unknown-type-without-suggestion",
    ),
    pytest.param(
        but("figure", type=...),
        f"missing 'type': give one of {TYPES}",
        id="missing-type",
    ),
    pytest.param(
        but("figure", value="about 6700"),
        'figure.value: expected a number, got "about 6700" '
        "(give the number alone, and approximate true for 'about')",
        id="figure-value-words",
    ),
    pytest.param(
        but("figure", value=True),
        "figure.value: expected a number, got true",
        id="figure-value-bool",
    ),
    pytest.param(
        but("figure", value=float("nan")),
        "figure.value: expected a finite number, got NaN",
        id="figure-value-nan",
    ),
    pytest.param(
        but("figure", value=..., valu=6700),
        "figure.valu: unknown field; did you mean 'value'?",
        id="unknown-field-with-suggestion",
    ),
    pytest.param(
        but("figure", colour="red"),
        "figure.colour: unknown field (fields: approximate, id, lower, metric, occurred, period, "
        "reported, reported_by, sources, subject, summary, tags, unit, unquantified, upper, "
        "value)",
        id="unknown-field-listing-fields",
    ),
    pytest.param(
        but("figure", value=...),
        "figure: a figure needs a value, or lower and/or upper bounds (or unquantified: true "
        "when the source gives no number)",
        id="figure-without-value",
    ),
    pytest.param(
        but("figure", value=..., lower=7, upper=3),
        "figure: lower bound 7 is above upper bound 3",
        id="figure-bounds-reversed",
    ),
    pytest.param(
        but("statement", topic=...),
        "statement: a stance needs a topic (the stance is toward a topic)",
        id="stance-without-topic",
    ),
    pytest.param(
        but("statement", quote=...),
        "statement: a statement needs a quote or a summary",
        id="statement-without-words",
    ),
    pytest.param(
        but("statement", stance=3),
        "statement.stance: must be at most 2, got 3",
        id="stance-too-high",
    ),
    pytest.param(
        but("statement", stance=-3),
        "statement.stance: must be at least -2, got -3",
        id="stance-too-low",
    ),
    pytest.param(
        but("statement", stance=1.5),
        "statement.stance: expected a whole number, got 1.5",
        id="stance-fraction",
    ),
    pytest.param(
        but("statement", quote="   "),
        'statement.quote: must not be empty, got "   "',
        id="blank-quote",
    ),
    pytest.param(
        but("statement", speaker="UK Gov"),
        f"statement.speaker: \"UK Gov\" {ID_RULE} (for example 'uk-gov')",
        id="speaker-not-a-slug",
    ),
    pytest.param(
        but("statement", id="Grok/1"),
        f"statement.id: \"Grok/1\" {ID_RULE} (for example 'grok-1')",
        id="given-id-not-a-slug",
    ),
    pytest.param(
        but("statement", occurred="2026-13"),
        f"statement.occurred: invalid date '2026-13': month must be 01-12; {DATE_FORMS}",
        id="bad-month",
    ),
    pytest.param(
        but("statement", occurred="12/01/2026"),
        "statement.occurred: invalid date '12/01/2026': day and month order is ambiguous; "
        f"write the year first, YYYY-MM-DD; {DATE_FORMS}",
        id="ambiguous-date",
    ),
    pytest.param(
        but("statement", occurred=20260112),
        "statement.occurred: a date must be a string, like '2026-01-09' or '..2026-01-12', "
        "got 20260112",
        id="date-not-a-string",
    ),
    pytest.param(
        but("statement", occurred=...),
        "statement.occurred: required",
        id="world-event-without-date",
    ),
    pytest.param(
        but("statement", sources=...),
        "statement.sources: required",
        id="world-event-without-sources",
    ),
    pytest.param(
        but("statement", sources=[]),
        "statement.sources: needs at least one item, got []",
        id="world-event-with-empty-sources",
    ),
    pytest.param(
        but("statement", sources=[{"publisher": "Example Daily"}]),
        "statement.sources.0: a source needs a url or a citation",
        id="source-without-url-or-citation",
    ),
    pytest.param(
        but(
            "statement",
            sources=[{"publisher": "A", "url": "https://a.example", "pubished": "2026"}],
        ),
        "statement.sources.0.pubished: unknown field; did you mean 'published'?",
        id="source-unknown-field",
    ),
    pytest.param(
        but("statement", tags="uk"),
        'statement.tags: expected a list, got "uk"',
        id="tags-not-a-list",
    ),
    pytest.param(
        but("regulatory_action", rung="closure"),
        "regulatory_action: a closure must name the action it ends with 'ends'",
        id="closure-without-ends",
    ),
    pytest.param(
        but("regulatory_action", ends="ofcom-contact"),
        "regulatory_action: 'ends' goes only with rung closure, withdrawal or overturned",
        id="ends-on-a-rung",
    ),
    pytest.param(
        but("regulatory_action", rung="demnd"),
        "regulatory_action.rung: expected one of 'contact', 'information_request', "
        "'preservation_order', 'demand', 'ultimatum', 'investigation_opened', "
        "'investigation_widened', 'fine_threatened', 'fine_imposed', 'restriction_imposed', "
        "'ban_or_suspension', 'closure', 'withdrawal' or 'overturned', got \"demnd\"; "
        "did you mean 'demand'?",
        id="unknown-rung",
    ),
    pytest.param(
        but("verification", verdict="true"),
        "verification.verdict: expected one of 'confirmed', 'contradicted' or "
        "'partly_confirmed', got \"true\"; did you mean 'confirmed'?",
        id="unknown-verdict",
    ),
    pytest.param(
        but("actor", kind="regulater"),
        "actor.kind: expected one of 'person', 'company', 'product', 'platform', 'regulator', "
        "'government', 'prosecutor', 'court', 'legislator', 'media', 'ngo', 'investor' or "
        "'other', got \"regulater\"; did you mean 'regulator'?",
        id="unknown-actor-kind",
    ),
    pytest.param(
        but("actor", relations=[{"type": "developed_by", "targt": "xai"}]),
        "actor.relations.0.targt: unknown field; did you mean 'target'?",
        id="relation-unknown-field",
    ),
    pytest.param(
        but("actor", relations=[{"type": "regulates", "target": "x"}]),
        "actor.relations.0.type: expected one of 'developed_by', 'runs_on', 'operated_by', "
        "'part_of', 'owned_by', 'led_by', 'member_of', 'funded_by', 'employed_by' or "
        "'subsidiary_of', got \"regulates\"",
        id="unknown-relation",
    ),
    pytest.param(
        but("retraction", reason=...),
        "retraction.reason: required",
        id="retraction-without-reason",
    ),
    pytest.param(
        but("correction", replacement={"type": "retraction", "retracts": "a", "reason": "r"}),
        "correction.replacement: a replacement cannot be a retraction: it is the whole event "
        "as it should have been, one of actor, figure, incident, policy_change, "
        "regulatory_action, statement, topic, verification",
        id="replacement-is-a-fix",
    ),
    pytest.param(
        but("correction", replacement={**EXAMPLES["figure"], "value": "x"}),
        'correction.replacement.figure.value: expected a number, got "x" '
        "(give the number alone, and approximate true for 'about')",
        id="replacement-bad-field",
    ),
    pytest.param(
        but("correction", replacement={**EXAMPLES["figure"], "colr": 1}),
        "correction.replacement.figure.colr: unknown field (fields: approximate, id, lower, "
        "metric, occurred, period, reported, reported_by, sources, subject, summary, tags, "
        "unit, unquantified, upper, value)",
        id="replacement-unknown-field",
    ),
    pytest.param(
        but("correction", replacement={**EXAMPLES["figure"], "id": "other"}),
        "correction: the replacement keeps the corrected event's id: leave replacement.id out",
        id="replacement-with-another-id",
    ),
    pytest.param(
        but("figure", **{"valu\ne": 6700}),
        "figure.valu\\ne: unknown field; did you mean 'value'?",
        id="unprintable-field-name-stays-on-one-line",
    ),
    pytest.param(
        but("figure", type="fig\nure"),
        f"unknown event type 'fig\\nure'; did you mean 'figure'? (types: {TYPES})",
        id="unprintable-type-stays-on-one-line",
    ),
    pytest.param(
        [1, 2],
        "event: expected an object, got [1,2]",
        id="not-an-object",
    ),
    pytest.param(
        b'{"type": "figure"',
        "event: not valid JSON (EOF while parsing an object at line 1 column 17)",
        id="broken-json",
    ),
]


@pytest.mark.parametrize(("data", "message"), REFUSALS)
def test_refusals(data: Any, message: str) -> None:
    """Each invalid input is refused with exactly this one-line message."""
    assert refusal(data) == message


def test_more_errors_are_counted() -> None:
    """When several fields are wrong, the message names the first and counts the rest."""
    data = but("figure", value="lots", unit="", subject="Grok")
    assert refusal(data) == (
        'figure.value: expected a number, got "lots" '
        "(give the number alone, and approximate true for 'about') (and 2 more)"
    )


def test_batch_position_prefixes_the_message() -> None:
    """``where`` names the event's place in a batch or file."""
    with pytest.raises(InvalidEventError) as caught:
        parse_event(but("figure", value="lots"), where="line 7")
    assert str(caught.value).startswith('line 7: figure.value: expected a number, got "lots"')


def test_invalid_event_error_is_a_value_error_with_a_code() -> None:
    """Callers may catch ValueError; scripts may branch on the stable code."""
    with pytest.raises(ValueError, match="figure.value") as caught:
        parse_event(but("figure", value="lots"))
    assert caught.value.code == "invalid-event"  # type: ignore[attr-defined]
    assert caught.value.exit_code == 1  # type: ignore[attr-defined]


# --- ids -------------------------------------------------------------------------------------

# Derived ids, frozen: the same content must get the same id in every version of tracker.
PINNED_IDS = [
    ("topic", "ev-6ebebd01a3bd9bf2a0aa"),
    ("statement", "ev-d01b06971543850ab846"),
    ("figure", "ev-1aab0adb045b1bd1197c"),
    ("retraction", "ev-19b493e4cebee00c1fb6"),
]


@pytest.mark.parametrize(("type_", "expected"), PINNED_IDS)
def test_derived_ids_are_pinned(type_: str, expected: str) -> None:
    """A derived id is ``ev-`` and 20 hex digits, and never changes for the same content."""
    assert parse_event(EXAMPLES[type_]).id == expected


def test_derived_id_is_sha256_of_canonical_event_without_id() -> None:
    """The id is the first 20 hex digits of SHA-256 over the sorted, compact JSON without ``id``."""
    canonical = b'{"name":"Image tools behind a paywall","topic":"paywall","type":"topic"}'
    topic = TopicRegistered(topic="paywall", name="Image tools behind a paywall")
    assert orjson.dumps(event_to_dict(topic), option=orjson.OPT_SORT_KEYS) == canonical
    assert "ev-" + hashlib.sha256(canonical).hexdigest()[:20] == "ev-6ebebd01a3bd9bf2a0aa"


def test_derived_id_ignores_spelling_that_does_not_change_content() -> None:
    """Key order, defaults written out, surrounding spaces and tag order do not change the id."""
    plain = parse_event(EXAMPLES["statement"])
    respelt = parse_event(
        {
            "stance": -2,
            "topic": "paywall",
            "quote": "  insulting to victims ",
            "speaker": "uk-gov",
            "sources": [ARTICLE],
            "occurred": "..2026-01-12",
            "type": "statement",
            "tags": [],
            "about": [],
            "summary": None,
        }
    )
    assert respelt.id == plain.id
    tagged = [parse_event(but("statement", tags=t)).id for t in (["a", "b"], ["b", "a", "a"])]
    assert tagged[0] == tagged[1] != plain.id


def test_derived_id_changes_with_content() -> None:
    """Any change of content gives another id."""
    assert parse_event(but("statement", stance=-1)).id != parse_event(EXAMPLES["statement"]).id
    assert (
        parse_event(but("statement", occurred="2026-01-12")).id
        != parse_event(EXAMPLES["statement"]).id
    )


def test_given_id_is_kept() -> None:
    """A user's id is kept as given, and the content is the same as without it."""
    event = parse_event(but("statement", id="uk-gov-insulting"))
    assert event.id == "uk-gov-insulting"
    assert event_to_dict(event)["id"] == "uk-gov-insulting"
    assert event.model_copy(update={"id": None}) == parse_event(EXAMPLES["statement"]).model_copy(
        update={"id": None}
    )


def test_parse_event_keeps_a_model_and_sets_its_id() -> None:
    """A model given to ``parse_event`` comes back with its id derived, content unchanged."""
    topic = TopicRegistered(topic="paywall", name="Image tools behind a paywall")
    assert topic.id is None
    parsed = parse_event(topic)
    assert parsed.id == "ev-6ebebd01a3bd9bf2a0aa"
    assert parsed.model_copy(update={"id": None}) == topic


def test_parse_event_reads_json_bytes_and_text() -> None:
    """An import line (JSON bytes or text) parses to the same event as its dict."""
    line = orjson.dumps(EXAMPLES["figure"])
    assert parse_event(line) == parse_event(line.decode()) == parse_event(EXAMPLES["figure"])


# --- the JSON Schema -------------------------------------------------------------------------


def test_json_schema_is_a_valid_2020_12_schema_of_the_union() -> None:
    """``json_schema()`` is a draft 2020-12 schema with one branch per event type."""
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "tracker event"
    assert sorted(schema["discriminator"]["mapping"]) == sorted(EVENT_TYPES)
    assert len(schema["oneOf"]) == len(EVENT_TYPES)
    assert schema["$defs"]["Figure"]["required"] == [
        "metric",
        "occurred",
        "sources",
        "type",
        "unit",
    ]


@pytest.mark.parametrize("type_", sorted(EXAMPLES))
def test_json_schema_accepts_every_example(type_: str) -> None:
    """Each valid example validates against the schema, as it does against the models."""
    jsonschema.validate(EXAMPLES[type_], schema())


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(but("figure", type="figur"), id="unknown-type"),
        pytest.param(but("figure", type=...), id="missing-type"),
        pytest.param(but("figure", colour="red"), id="unknown-field"),
        pytest.param(but("figure", value="about 6700"), id="value-not-a-number"),
        pytest.param(but("statement", sources=[]), id="no-sources"),
        pytest.param(but("statement", stance=3), id="stance-out-of-range"),
        pytest.param(but("actor", kind="regulater"), id="unknown-kind"),
        pytest.param(but("statement", speaker="UK Gov"), id="id-not-a-slug"),
    ],
)
def test_json_schema_refuses_what_the_models_refuse(data: dict[str, Any]) -> None:
    """Mistakes a schema can express are refused by the schema and by the models alike."""
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema())
    refusal(data)
