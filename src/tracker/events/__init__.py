"""The vocabulary of tracker: event models, partial dates, units, and the JSON Schema.

Import event classes from here::

    from tracker.events import Figure, Source, Statement
"""

from __future__ import annotations

from typing import Any

from tracker.events.codec import EVENT_ADAPTER, event_to_dict, parse_event
from tracker.events.dates import PartialDate
from tracker.events.models import (
    ENDINGS,
    EVENT_TYPES,
    RUNGS,
    ActorRegistered,
    AnyEvent,
    BaseEvent,
    Correction,
    Event,
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
)


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema of one event (the tagged union), for people writing import files."""
    schema = EVENT_ADAPTER.json_schema()
    for definition in schema.get("$defs", {}).values():
        # ``type`` has a default in the models (so Figure(...) needs no type=), but a document
        # must carry it: it is the tag that picks the model.
        if "const" in definition.get("properties", {}).get("type", {}):
            definition["required"] = sorted({"type", *definition.get("required", [])})
    schema["title"] = "tracker event"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


__all__ = [
    "ENDINGS",
    "EVENT_TYPES",
    "RUNGS",
    "ActorRegistered",
    "AnyEvent",
    "BaseEvent",
    "Correction",
    "Event",
    "Figure",
    "Incident",
    "PartialDate",
    "PolicyChange",
    "RegulatoryAction",
    "Relation",
    "Retraction",
    "Source",
    "Statement",
    "Supersession",
    "TopicRegistered",
    "Verification",
    "event_to_dict",
    "json_schema",
    "parse_event",
]
