"""Turning events into canonical JSON and back: validation, canonical bytes, derived ids.

The canonical form of an event is ``event_to_dict``: its fields in JSON types, fields left at
their default omitted (so a field added later with a default never changes an old event's
bytes or id), and ``type`` always present. Canonical bytes are that dict as UTF-8 JSON with keys
sorted and no insignificant whitespace (orjson ``OPT_SORT_KEYS``).
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Mapping
from typing import Any

import orjson
from pydantic import TypeAdapter, ValidationError

from tracker.errors import InvalidEventError
from tracker.events.models import EVENT_TYPES, AnyEvent, BaseEvent, Event

EVENT_ADAPTER: TypeAdapter[AnyEvent] = TypeAdapter(Event)
"""The one validator of the union, built once."""

ID_PREFIX = "ev-"


def canonical_bytes(obj: Any) -> bytes:
    """Serialise ``obj`` in the canonical form: sorted keys, no whitespace, UTF-8."""
    try:
        return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)
    except TypeError as exc:  # orjson raises TypeError (JSONEncodeError) for ints > 64 bits
        msg = f"cannot store this value faithfully: {exc}"
        raise InvalidEventError(msg) from exc


def event_to_dict(event: BaseEvent) -> dict[str, Any]:
    """Return the canonical dict of an event (defaults omitted, ``type`` kept)."""
    data = event.model_dump(mode="json", exclude_defaults=True)
    data["type"] = event.type  # type: ignore[attr-defined]
    replacement = getattr(event, "replacement", None)
    if replacement is not None:
        data["replacement"]["type"] = replacement.type
    return data


def content_digest(data: Mapping[str, Any]) -> str:
    """Return 20 hex digits of SHA-256 over the canonical event dict without its id."""
    body = {k: v for k, v in data.items() if k != "id"}
    return hashlib.sha256(canonical_bytes(body)).hexdigest()[:20]


def with_id(event: AnyEvent) -> AnyEvent:
    """Return the event with its id set: the given one, or ``ev-`` + the content digest."""
    if event.id is not None:
        return event
    digest = content_digest(event_to_dict(event))
    return event.model_copy(update={"id": ID_PREFIX + digest})


def parse_event(data: Any, *, where: str = "") -> AnyEvent:
    """Validate ``data`` (a dict, JSON bytes or an event) as an event, with its id set.

    Raises:
        InvalidEventError: one line naming the field and what is expected.
    """
    if isinstance(data, BaseEvent):
        return with_id(data)  # type: ignore[arg-type]
    try:
        if isinstance(data, bytes | str):
            event = EVENT_ADAPTER.validate_json(data)
        else:
            event = EVENT_ADAPTER.validate_python(data)
    except ValidationError as exc:
        raise InvalidEventError(format_validation_error(exc, data, where=where)) from None
    return with_id(event)


def load_event(data: Mapping[str, Any]) -> AnyEvent:
    """Rebuild an event from a record already validated when it was appended."""
    return EVENT_ADAPTER.validate_python(data)


def _type_hint(data: Any) -> str | None:
    if isinstance(data, Mapping):
        t = data.get("type")
        return t if isinstance(t, str) else None
    return None


def _describe(value: Any) -> str:
    text = orjson.dumps(value).decode() if _jsonable(value) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _jsonable(value: Any) -> bool:
    try:
        orjson.dumps(value)
    except TypeError:
        return False
    return True


_FRIENDLY = {
    "float_parsing": "expected a number",
    "float_type": "expected a number",
    "int_parsing": "expected a whole number",
    "int_type": "expected a whole number",
    "int_from_float": "expected a whole number",
    "bool_parsing": "expected true or false",
    "bool_type": "expected true or false",
    "string_type": "expected a string",
    "string_too_short": "must not be empty",
    "too_short": "needs at least one item",
    "tuple_type": "expected a list",
    "model_type": "expected an object",
    "dict_type": "expected an object",
    "finite_number": "expected a finite number",
}


def format_validation_error(exc: ValidationError, data: Any = None, *, where: str = "") -> str:
    """Render the first error of ``exc`` as one line: ``[where: ]type.field: problem``."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    loc = [str(p) for p in first["loc"]]
    kind = first["type"]
    prefix = f"{where}: " if where else ""
    tag = _type_hint(data)

    if kind in ("union_tag_invalid", "union_tag_not_found"):
        names = sorted(EVENT_TYPES)
        if tag is None:
            return f"{prefix}missing 'type': give one of {', '.join(names)}"
        close = difflib.get_close_matches(str(tag), names, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"{prefix}unknown event type '{tag}'{hint} (types: {', '.join(names)})"

    # pydantic puts the union tag first in loc; keep it as the event type prefix.
    path = ".".join(loc) if loc else (tag or "event")
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    value = first.get("input")
    if kind == "missing":
        return f"{prefix}{path}: required{more}"
    if kind == "extra_forbidden":
        model = _model_at(loc)
        allowed = ""
        if model is not None:
            fields = sorted(f for f in model.model_fields if f != "type")
            close = difflib.get_close_matches(loc[-1], fields, n=1)
            allowed = f"; did you mean '{close[0]}'?" if close else f" (fields: {', '.join(fields)})"
        return f"{prefix}{path}: unknown field{allowed}{more}"
    if kind == "literal_error":
        expected = first.get("ctx", {}).get("expected", "")
        got = _describe(value)
        return f"{prefix}{path}: expected one of {expected}, got {got}{more}"
    if kind == "string_pattern_mismatch":
        return (
            f"{prefix}{path}: {_describe(value)} is not an id: use lowercase letters, digits, "
            f"'.', '_' or '-', starting with a letter or digit, at most 64 characters{more}"
        )
    if kind == "invalid_date":
        return f"{prefix}{path}: {first['msg']}{more}"
    if kind == "value_error":
        message = str(first.get("ctx", {}).get("error", first["msg"]))
        return f"{prefix}{path}: {message}{more}" if loc else f"{prefix}{tag or 'event'}: {message}{more}"
    if kind in ("float_parsing", "float_type") and isinstance(value, str):
        return (
            f"{prefix}{path}: expected a number, got {_describe(value)} "
            f"(give the number alone, and approximate true for 'about'){more}"
        )
    friendly = _FRIENDLY.get(kind, first["msg"][:1].lower() + first["msg"][1:])
    return f"{prefix}{path}: {friendly}, got {_describe(value)}{more}"


def _model_at(loc: list[str]) -> type[Any] | None:
    """Find the model class an error location points into (for listing its fields)."""
    if not loc or loc[0] not in EVENT_TYPES:
        return None
    model: Any = EVENT_TYPES[loc[0]]
    for part in loc[1:-1]:
        if part.isdigit():
            continue
        field = model.model_fields.get(part)
        if field is None:
            return model  # type: ignore[no-any-return]
        ann = field.annotation
        inner = _model_in(ann)
        if inner is None:
            if part == "replacement" and loc.index(part) + 1 < len(loc):
                nxt = loc[loc.index(part) + 1]
                model = EVENT_TYPES.get(nxt, model)
                continue
            return model  # type: ignore[no-any-return]
        model = inner
    return model  # type: ignore[no-any-return]


def _model_in(annotation: Any) -> type[Any] | None:
    from typing import get_args

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
