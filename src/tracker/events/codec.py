"""Turning events into canonical JSON and back: validation, canonical bytes, derived ids.

The canonical form of an event is ``event_to_dict``: its fields in JSON types, fields left at
their default omitted (so a field added later with a default never changes an old event's
bytes or id), and ``type`` always present. Canonical bytes are that dict as UTF-8 JSON with keys
sorted and no insignificant whitespace (orjson ``OPT_SORT_KEYS``).
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast, get_args

import orjson
from pydantic import BaseModel, TypeAdapter, ValidationError

from tracker._suggest import did_you_mean
from tracker.errors import IntegrityError, InvalidEventError, check_the_log
from tracker.events.models import CHOICE_ALIASES, EVENT_TYPES, AnyEvent, BaseEvent, Event


class _LazyAdapter:
    """Stands for ``TypeAdapter(Event)`` and builds it on first use.

    Building the union's validator means building every model's (the models defer theirs):
    tens of milliseconds that a command appending one statement never needs. After the build
    each attribute asked for is kept on this object, so later uses cost a plain lookup.
    """

    def __getattr__(self, name: str) -> Any:
        adapter = self.__dict__.get("_adapter")
        if adapter is None:
            adapter = self.__dict__["_adapter"] = TypeAdapter(Event)
        value = getattr(adapter, name)
        self.__dict__[name] = value
        return value


EVENT_ADAPTER: TypeAdapter[AnyEvent] = cast("TypeAdapter[AnyEvent]", _LazyAdapter())
"""The one validator of the union, built once (on first use)."""

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
    return _typed(event, event.model_dump(mode="json", exclude_defaults=True))


def _typed(event: BaseEvent, data: dict[str, Any]) -> dict[str, Any]:
    """A dump with its ``type`` (a default, so left out of the dump) put back, nested too."""
    kind = data["type"] = event.type  # type: ignore[attr-defined]
    if kind == "correction":  # (not getattr: a missing attribute costs pydantic a raise)
        data["replacement"]["type"] = event.replacement.type  # type: ignore[attr-defined]
    return data


def content_digest(data: Mapping[str, Any]) -> str:
    """Return 20 hex digits of SHA-256 over the canonical event dict without its id."""
    return _digest({k: v for k, v in data.items() if k != "id"})


def _digest(body: Mapping[str, Any]) -> str:
    """20 hex digits of SHA-256 over a canonical event dict that has no id."""
    return hashlib.sha256(canonical_bytes(body)).hexdigest()[:20]


def with_id(event: AnyEvent) -> AnyEvent:
    """Return the event with its id set: the given one, or ``ev-`` + the content digest."""
    if event.id is not None:
        return event
    digest = content_digest(event_to_dict(event))
    return event.model_copy(update={"id": ID_PREFIX + digest})


def _validate(data: Any, where: str) -> AnyEvent:
    if isinstance(data, BaseEvent):
        return data  # type: ignore[return-value]
    kind = data.get("type") if type(data) is dict else None
    if type(kind) is str:
        model = EVENT_TYPES.get(kind)
        if model is None and kind in _log_types():
            return _log_event(data, where)
        if model is not None:
            # The union would pick this model by its tag; its own validator is built alone
            # (not every model's), and gives the same event. A problem is left to the union,
            # so that the error is exactly the one the union reports.
            validator = model.__pydantic_validator__
            try:
                return validator.validate_python(data)  # type: ignore[no-any-return]
            except ValidationError:
                pass
    try:
        if isinstance(data, bytes | str):
            return EVENT_ADAPTER.validate_json(data)
        return EVENT_ADAPTER.validate_python(data)
    except ValidationError as exc:
        raise InvalidEventError(format_validation_error(exc, data, where=where)) from None


def _log_types() -> dict[str, Any]:
    from tracker.events.log_events import LOG_EVENT_TYPES

    return LOG_EVENT_TYPES


def _log_event(data: Any, where: str) -> AnyEvent:
    """A record about the log itself (:mod:`tracker.events.log_events`), validated by its model."""
    model = _log_types()[data["type"]]
    try:
        return cast("AnyEvent", model.model_validate(data))
    except ValidationError as exc:
        raise InvalidEventError(format_validation_error(exc, data, where=where)) from None


def parse_event(data: Any, *, where: str = "") -> AnyEvent:
    """Validate ``data`` (a dict, JSON bytes or an event) as an event, with its id set.

    Raises:
        InvalidEventError: one line naming the field and what is expected.
    """
    return with_id(_validate(data, where))


def prepare_event(data: Any, *, where: str = "") -> tuple[AnyEvent, dict[str, Any], str]:
    """Validate an event for appending: return (model, canonical dict with id, content digest).

    The append path's one validation, one dump and one digest per event. The model's own
    ``id`` is left as given (None for a derived id); the dict always carries the id.

    Raises:
        InvalidEventError: one line naming the field and what is expected.
    """
    event = _validate(data, where)
    return _finish(event, event_to_dict(event))


def _finish(event: AnyEvent, body: dict[str, Any]) -> tuple[AnyEvent, dict[str, Any], str]:
    """From a validated event and its dump: (model, canonical dict with id, content digest)."""
    given = body.pop("id", None)  # (popped, not copied: the dict is ours)
    digest = _digest(body)
    body["id"] = given if given is not None else ID_PREFIX + digest
    return event, body, digest


def prepare_events(
    items: Sequence[Any], wheres: Callable[[int], str]
) -> list[tuple[AnyEvent, dict[str, Any], str]]:
    """Prepare a batch for appending: per event, what :func:`prepare_event` returns.

    A batch of plain dicts is validated and dumped in one call each (cheaper per event than
    one call per event), and a batch of models is dumped in one call; a batch with any problem
    is redone one event at a time, so the error raised is exactly the one the first bad event
    raises alone. ``wheres(i)`` names event ``i`` in messages.

    Raises:
        InvalidEventError: the first event that does not validate, or cannot be stored.
    """
    models: list[AnyEvent] | None = None
    if len(items) > 1 and all(type(item) is dict for item in items):
        try:
            models = _batch_adapter().validate_python(items)
        except ValidationError:
            pass  # the careful path below names the first bad event
    elif len(items) > 1 and all(isinstance(item, BaseEvent) for item in items):
        models = list(items)  # validated already (tracker import reads a file into models)
    if models is not None:
        out = []
        bodies = _batch_adapter().dump_python(models, mode="json", exclude_defaults=True)
        for event, body in zip(models, bodies, strict=True):
            out.append(_finish(event, _typed(event, body)))  # (as the careful path: no "where")
        return out
    out = []
    for i, item in enumerate(items):
        where = wheres(i)
        event = _validate(item, where)
        out.append(_finish(event, event_to_dict(event)))
    return out


@functools.cache
def _batch_adapter() -> TypeAdapter[list[AnyEvent]]:
    """The validator of a list of events, built on first use (bulk appends only)."""
    return TypeAdapter(list[Event])


def load_event(data: Mapping[str, Any], *, seq: int | None = None) -> AnyEvent:
    """Rebuild an event from a record already validated when it was appended.

    Raises:
        IntegrityError: the stored event no longer validates (the log was edited by hand).
    """
    try:
        return EVENT_ADAPTER.validate_python(data)
    except ValidationError as exc:
        if isinstance(data, Mapping) and data.get("type") in _log_types():
            try:
                return _log_event(data, "")
            except InvalidEventError as inner:
                problem = inner.message
        else:
            problem = format_validation_error(exc, data)
        where = f"record {seq}" if seq is not None else "a stored record"
        msg = f"{where}: the stored event does not validate ({problem})"
        raise IntegrityError(msg, seq=seq, **check_the_log()) from None


def _describe(value: Any) -> str:
    """Show a rejected input in a message: as JSON, cut to 60 characters."""
    if isinstance(value, float) and not math.isfinite(value):
        text = "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    elif _jsonable(value):
        text = orjson.dumps(value).decode()
    else:
        text = repr(value)
    if not text.isprintable():  # JSON leaves DEL and C1 controls as they are: escape them
        text = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)
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
    "list_type": "expected a list",
    "model_type": "expected an object",
    "model_attributes_type": "expected an object",
    "dict_type": "expected an object",
    "finite_number": "expected a finite number",
}

_REPLACEMENT_TYPES = tuple(sorted(t for t, cls in EVENT_TYPES.items() if cls.KIND != "fix"))
"""The types a correction's replacement may have (every type but the fixes)."""


def _printable(text: str) -> str:
    """User text for a one-line message: as is when printable, else with escapes."""
    return text if text.isprintable() else repr(text)[1:-1]


def _pick(errors: list[Any]) -> Any:
    """Choose the error to report: an unknown field first (a typo is usually the root cause)."""
    for error in errors:
        if error["type"] == "extra_forbidden":
            return error
    return errors[0]


def _others(errors: list[Any], first: Any, *, also: tuple[Any, ...] = ()) -> int:
    """Count the other errors, leaving out the consequences of ``first``.

    An error at an ancestor of ``first`` (a list left empty by a bad item) is a consequence, and
    so is the location ``also`` (the missing field a misspelt one was meant to be).
    """
    loc = tuple(first["loc"])
    return sum(
        1
        for e in errors
        if e is not first and tuple(e["loc"]) != loc[: len(e["loc"])] and tuple(e["loc"]) != also
    )


def format_validation_error(exc: ValidationError, data: Any = None, *, where: str = "") -> str:
    """Render the most telling error of ``exc`` as one line: ``[where: ]type.field: problem``."""
    errors = exc.errors(include_url=False)
    return _line(_pick(errors), errors, data, where, count_others=True)


def validation_problems(
    exc: ValidationError, data: Any = None, *, where: str = ""
) -> list[tuple[str, str]]:
    """Every error of ``exc``, one line each, as :func:`format_validation_error` words one.

    An error that only follows from another is left out: a list left empty by its bad item,
    the field a misspelt one was meant to be. Returns (field, line) pairs; the field is the
    dotted path inside the event (``occurred``, ``sources.1.published``,
    ``replacement.value``), without the type tags pydantic puts in a location.
    """
    errors = exc.errors(include_url=False)
    meant: set[tuple[Any, ...]] = set()
    for error in errors:
        if error["type"] == "extra_forbidden":
            model = _model_at([_printable(str(p)) for p in error["loc"]])
            close = _meant(model, str(error["loc"][-1]))
            if close is not None:
                meant.add((*error["loc"][:-1], close))
    out = []
    for error in errors:
        loc = tuple(error["loc"])
        if loc in meant or any(
            e is not error and len(e["loc"]) > len(loc) and tuple(e["loc"][: len(loc)]) == loc
            for e in errors
        ):
            continue  # a consequence of another error
        out.append((_field(loc), _line(error, errors, data, where, count_others=False)))
    return out


def _field(loc: tuple[Any, ...]) -> str:
    """A location as a dotted field path, without the union's type tags."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in EVENT_TYPES:
        parts = parts[1:]
    out: list[str] = []
    for i, part in enumerate(parts):
        if i and parts[i - 1] == "replacement" and part in EVENT_TYPES:
            continue
        out.append(part)
    return ".".join(out)


def _meant(model: type[Any] | None, name: str) -> str | None:
    """The field of ``model`` a misspelt ``name`` was most likely meant to be."""
    if model is None:
        return None
    fields = sorted(f for f in model.model_fields if f != "type")
    close = difflib.get_close_matches(name, fields, n=1)
    return close[0] if close else None


def _line(first: Any, errors: list[Any], data: Any, where: str, *, count_others: bool) -> str:
    """One error as one line; with ``count_others``, ``(and N more)`` counts the rest."""
    loc = [_printable(str(p)) for p in first["loc"]]
    kind = first["type"]
    ctx = first.get("ctx") or {}
    prefix = f"{where}: " if where else ""
    value = first.get("input")

    if kind in ("union_tag_invalid", "union_tag_not_found"):
        nested = len(loc) > 0  # a correction's replacement; the top-level union has no loc
        names = list(_REPLACEMENT_TYPES) if nested else sorted(EVENT_TYPES)
        at = f"{'.'.join(loc)}: " if nested else ""
        tag = ctx.get("tag") if kind == "union_tag_invalid" else None
        tag = None if tag is None else _printable(str(tag))
        if tag is None:
            return f"{prefix}{at}missing 'type': give one of {', '.join(names)}"
        if nested and tag in EVENT_TYPES:
            return (
                f"{prefix}{at}a replacement cannot be a {tag}: it is the whole event as it "
                f"should have been, one of {', '.join(names)}"
            )
        hint = did_you_mean(str(tag), names)
        return f"{prefix}{at}unknown event type '{tag}'{hint} (types: {', '.join(names)})"

    if kind == "json_invalid":
        return f"{prefix}event: not valid JSON ({ctx.get('error', first['msg'])})"

    # pydantic puts the union tag first in loc; keep it as the event type prefix.
    path = ".".join(loc) if loc else (_type_hint(data) or "event")
    n = _others(errors, first) if count_others else 0
    more = f" (and {n} more)" if n else ""
    if kind == "missing":
        return f"{prefix}{path}: required{more}"
    if kind == "extra_forbidden":
        model = _model_at(loc)
        allowed = ""
        if model is not None:
            fields = sorted(f for f in model.model_fields if f != "type")
            close = difflib.get_close_matches(loc[-1], fields, n=1)
            listing = f" (fields: {', '.join(fields)})"
            allowed = f"; did you mean '{close[0]}'?" if close else listing
            if close and count_others:  # the field it was meant to be is missing too: no
                n = _others(errors, first, also=(*first["loc"][:-1], close[0]))  # other error
                more = f" (and {n} more)" if n else ""
        return f"{prefix}{path}: unknown field{allowed}{more}"
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        choices = re.findall(r"'([^']*)'", str(expected))
        field = str(loc[-1]) if loc else ""
        hint = (
            did_you_mean(value, choices, aliases=CHOICE_ALIASES.get(field))
            if isinstance(value, str)
            else ""
        )
        return f"{prefix}{path}: expected one of {expected}, got {_describe(value)}{hint}{more}"
    if kind == "string_pattern_mismatch":
        slug = _slug(value)
        example = f" (for example '{slug}')" if slug and slug != value else ""
        return (
            f"{prefix}{path}: {_describe(value)} is not an id: use lowercase letters, digits, "
            f"'.', '_' or '-', starting with a letter or digit, at most 64 characters"
            f"{example}{more}"
        )
    if kind in ("value_error", "invalid_date"):
        # The message already says what was given (a date error quotes the input).
        message = str(ctx.get("error", ctx.get("message", first["msg"])))
        return f"{prefix}{path}: {message}{more}"
    if kind in ("float_parsing", "float_type") and isinstance(value, str):
        hint = _number_hint(value)
        return f"{prefix}{path}: expected a number, got {_describe(value)} ({hint}){more}"
    if kind in ("less_than_equal", "greater_than_equal"):
        bound = f"at most {ctx['le']}" if kind == "less_than_equal" else f"at least {ctx['ge']}"
        return f"{prefix}{path}: must be {bound}, got {_describe(value)}{more}"
    friendly = _FRIENDLY.get(kind, first["msg"][:1].lower() + first["msg"][1:])
    return f"{prefix}{path}: {friendly}, got {_describe(value)}{more}"


def _number_hint(text: str) -> str:
    """How to write a number that did not parse: ``1,400`` -> ``1400``, ``1,46`` -> ``1.46``."""
    import re

    t = text.strip()
    if re.fullmatch(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?", t):
        return f"write it without thousands separators: {t.replace(',', '')}"
    if re.fullmatch(r"[+-]?\d+,\d+", t):
        return f"write the decimal part after a point: {t.replace(',', '.')}"
    return "give the number alone, and approximate true for 'about'"


def _slug(value: Any) -> str | None:
    """An id in the allowed form made from ``value`` (``Riverton Herald`` -> ``riverton-herald``)."""
    import re

    if not isinstance(value, str):
        return None
    slug = re.sub(r"[^a-z0-9._-]+", "-", value.strip().lower()).strip("-._")[:64]
    return slug or None


def _type_hint(data: Any) -> str | None:
    if isinstance(data, Mapping):
        t = data.get("type")
        return t if isinstance(t, str) else None
    return None


def _model_at(loc: list[str]) -> type[Any] | None:
    """Find the model class an error location points into (for listing its fields).

    A location runs through field names, list indexes and, inside a correction's replacement,
    the replacement's type tag: ``correction.replacement.figure.valu``.
    """
    if not loc or loc[0] not in EVENT_TYPES:
        return None
    model: Any = EVENT_TYPES[loc[0]]
    parts = loc[1:-1]
    i = 0
    while i < len(parts):
        part = parts[i]
        i += 1
        if part.isdigit():
            continue
        field = model.model_fields.get(part)
        if field is None:
            return model  # type: ignore[no-any-return]
        if part == "replacement" and i < len(parts) and parts[i] in EVENT_TYPES:
            model = EVENT_TYPES[parts[i]]
            i += 1
            continue
        inner = _model_in(field.annotation)
        if inner is None:
            return model  # type: ignore[no-any-return]
        model = inner
    return model  # type: ignore[no-any-return]


def _model_in(annotation: Any) -> type[Any] | None:
    """The pydantic model inside an annotation (``tuple[Source, ...]``, ``Relation | None``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def event_problems(data: Any, *, where: str = "") -> list[tuple[str, str]]:
    """Every problem of an event that does not validate, as (field, line) pairs; [] if none.

    Where :func:`prepare_event` stops at the most telling error (``... (and 2 more)``), this
    lists each: an import shows every mistake of a line at once.
    """
    if not isinstance(data, BaseEvent):
        try:
            if isinstance(data, bytes | str):
                EVENT_ADAPTER.validate_json(data)
            else:
                EVENT_ADAPTER.validate_python(data)
        except ValidationError as exc:
            prefix = where
            return [(f, m) for f, m in validation_problems(exc, data, where=prefix)]
    try:
        prepare_event(data, where=where)
    except InvalidEventError as exc:  # valid, but not storable (a number beyond 64 bits)
        return [("", exc.message)]
    return []
