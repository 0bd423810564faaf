"""The flat form of an event (tracker.events.flat): flag and CSV-column names from the models."""

from __future__ import annotations

import pytest

from tracker.errors import InvalidEventError
from tracker.events.flat import apply_patch, build, spec
from tracker.events.models import EVENT_TYPES


def test_every_field_has_a_flat_name() -> None:
    """Each model field is reachable by some flat name (nested ones by their dotted names)."""
    for event_type, model in EVENT_TYPES.items():
        paths = {f.path[0] for f in spec(event_type).fields}
        assert paths == set(model.model_fields) - {"type"}, event_type


def test_names_and_aliases() -> None:
    """Lists take their singular too; groups are dotted by the singular; shorthands exist."""
    names = spec("actor").by_name
    assert names["aliases"] is names["alias"]
    assert names["relation.type"].path == ("relations", "type")
    assert names["source"].path == ("sources", "url")
    assert names["relation"].kind == "pair"
    assert spec("incident").by_name["actors"].names == ("actors", "actor")
    # In a correction, replacement.actor is policy_change's field: no alias may shadow it.
    assert spec("correction").by_name["replacement.actors"].names == ("replacement.actors",)


def test_groups_pair_by_position() -> None:
    """The i-th value of each dotted flag goes to the i-th item; '' holds a place."""
    event = build(
        "statement",
        [
            ("occurred", "2026"),
            ("speaker", "a"),
            ("quote", "q"),
            ("source.publisher", "A"),
            ("source.publisher", "B"),
            ("source.url", ""),
            ("source.url", "https://b"),
            ("source.citation", "p. 3"),
        ],
    ).data
    assert event["sources"] == [
        {"publisher": "A", "citation": "p. 3"},
        {"publisher": "B", "url": "https://b"},
    ]


def test_missing_required_fields_are_all_named() -> None:
    """An event without its required fields names every one of them."""
    with pytest.raises(InvalidEventError) as info:
        build("regulatory_action", [("occurred", "2026")])
    assert str(info.value) == (
        "regulatory_action needs a source (source and publisher), regulator, target and rung "
        "(see 'tracker add regulatory_action --help')"
    )


def test_csv_blank_cells_are_not_given() -> None:
    """With skip_empty, blank values outside groups are left out."""
    event = build(
        "topic", [("topic", "t"), ("name", "T"), ("description", "")], skip_empty=True
    ).data
    assert event == {"type": "topic", "topic": "t", "name": "T"}


def test_patch_applies_to_the_corrected_type() -> None:
    """replacement.FIELD values change the current version; the id is dropped; a group replaces all."""
    current = {
        "id": "f",
        "type": "figure",
        "metric": "m",
        "value": 14.6,
        "unit": "USD_billion",
        "occurred": "2026",
        "sources": [{"publisher": "A", "url": "https://a"}],
    }
    flat = build(
        "correction", [("corrects", "f"), ("replacement.value", "1.46"), ("reason", "typo")]
    )
    assert flat.patch == [("value", "1.46")]
    assert apply_patch(current, flat.patch) == {
        "type": "figure",
        "metric": "m",
        "value": "1.46",
        "unit": "USD_billion",
        "occurred": "2026",
        "sources": [{"publisher": "A", "url": "https://a"}],
    }


def test_patch_with_a_field_of_another_type() -> None:
    """A replacement field the corrected type lacks is refused, naming both."""
    with pytest.raises(InvalidEventError) as info:
        apply_patch({"type": "topic", "topic": "t", "name": "T"}, [("speaker", "x")])
    assert (
        str(info.value)
        == "'replacement.speaker' is not a field of topic (see 'tracker add topic --help')"
    )
