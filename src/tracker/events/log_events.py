"""Records about the log itself: erasures, key rotations, a log's predecessor, and the
placeholder an erased record holds.

They are events as far as every reader goes (they parse, they have ids, a replay folds them
and no projection takes them), but they are not the vocabulary a user writes: ``tracker add``
and ``tracker import`` do not offer them, the JSON Schema of events leaves them out, and an
append refuses them. Each is written by the facade's own door (``Log.erase``,
``Log.rotate_key``, ``tracker.carry``), always in a signed record, and is checked by
``verify --keys`` (:mod:`tracker.proofs.audit`).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, StringConstraints

from tracker.events.models import EventId, Short, _RecordEvent

Seq = Annotated[int, Field(ge=1, le=(1 << 63) - 1)]
KeyRef = Annotated[str, StringConstraints(pattern=r"^[^\s+]+\+[0-9a-f]{8}$", max_length=300)]
"""A key as a record names it: ``NAME+KEYID``."""
PublicKey = Annotated[str, StringConstraints(pattern=r"^[^\s+]+\+[0-9a-f]{8}\+\S+$", max_length=400)]
"""A public key as ``tracker key export`` prints it: ``NAME+KEYID+KEY``."""


class _LogEvent(_RecordEvent):
    """About the log itself: applies by known_at alone, and no projection takes it."""

    KIND: ClassVar[str] = "log"
    REFS: ClassVar[dict[str, str]] = {}


class Erased(_LogEvent):
    """The placeholder an erased record holds where its event was (covered by no hash)."""

    type: Literal["erased"] = "erased"
    id: EventId


class Erasure(_LogEvent):
    """Records whose content was erased for good (their hashes stay, so proofs still hold)."""

    type: Literal["erasure"] = "erasure"
    records: tuple[Seq, ...] = Field(min_length=1, description="The records erased.")
    reason: Short = Field(description="Why (a court order, a person's request, ...).")
    ordered_by: Short = Field(description="Who ordered it.")


class KeyRotation(_LogEvent):
    """A recorder's new key, announced in a record signed by the key it replaces."""

    type: Literal["key_rotation"] = "key_rotation"
    key: PublicKey = Field(description="The new public key (NAME+KEYID+KEY).")
    replaces: KeyRef = Field(description="The key it replaces (NAME+KEYID): this record's signer.")


class Predecessor(_LogEvent):
    """The first record of a log that carries on an older one: the older log's tree head."""

    type: Literal["predecessor"] = "predecessor"
    head: Annotated[str, StringConstraints(max_length=2000)] = Field(
        description="The older log's tree head note, as 'tracker head' printed it."
    )
    location: Short | None = Field(default=None, description="Where the older log is kept.")


LOG_EVENT_TYPES: dict[str, type[_LogEvent]] = {
    "erased": Erased,
    "erasure": Erasure,
    "key_rotation": KeyRotation,
    "predecessor": Predecessor,
}
"""The records about the log itself, by type (no user appends them)."""

LogEvent = Erased | Erasure | KeyRotation | Predecessor


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a record about the log itself (the tagged union of these models)."""
    from pydantic import TypeAdapter

    schema = TypeAdapter(Annotated[LogEvent, Field(discriminator="type")]).json_schema()
    for definition in schema.get("$defs", {}).values():
        if "const" in definition.get("properties", {}).get("type", {}):
            definition["required"] = sorted({"type", *definition.get("required", [])})
    schema["title"] = "tracker record about the log"
    return schema

__all__ = [
    "LOG_EVENT_TYPES",
    "Erased",
    "Erasure",
    "EventId",
    "KeyRotation",
    "LogEvent",
    "Predecessor",
    "json_schema",
]
