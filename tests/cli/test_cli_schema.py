"""``tracker schema``: the JSON Schema of events, for people who write import files."""

from __future__ import annotations

import json

from tracker.events.models import EVENT_TYPES

from .conftest import Run


def test_schema_covers_every_type(cli: Run) -> None:
    """The whole schema is a discriminated union naming every event type."""
    result = cli("schema")
    schema = json.loads(result.out)
    assert result.status == 0
    assert schema["title"] == "tracker event"
    assert schema["discriminator"]["propertyName"] == "type"
    assert sorted(schema["discriminator"]["mapping"]) == sorted(EVENT_TYPES)


def test_schema_of_one_type(cli: Run) -> None:
    """`tracker schema figure` gives the figure model alone."""
    schema = json.loads(cli("schema", "figure").out)
    assert schema["title"] == "Figure"
    assert {"metric", "unit", "occurred", "sources"} <= set(schema["required"])


def test_schema_is_stable(cli: Run) -> None:
    """Two runs print the same bytes."""
    assert cli("schema").out == cli("schema").out


def test_schema_unknown_type(cli: Run) -> None:
    """A mistyped type gets a suggestion."""
    result = cli("schema", "figur")
    assert result.status == 1
    assert result.err.startswith(
        "tracker: error: unknown event type 'figur'; did you mean 'figure'?"
    )
