"""Events rebuilt from bytes already validated, without validating them again.

A read model reads records back from the log and checks that each one's bytes still hash to
what it noted when it walked the chain; those very bytes were validated then (as a replay
validates them). Validating them again would only rebuild the same objects, at a cost per
record and, in a fresh process, the cost of building the union's validator. :func:`trusted_event`
builds the same objects directly from the parsed JSON: each field converted as the validator
converts it (a date's text to a :class:`~tracker.events.dates.PartialDate`, a whole number to a
float where the field is a float, a list to a tuple, a nested object to its model), every
field left out given its default, and the fields given noted as set. A test holds it equal to
validation, field by field and type by type, on every event the strategies make.

Bytes that validated need not be in the form validation leaves them in: a log written by
another program may hold ``" Ofcom "``, tags out of order, or a number as text, which
validation strips, sorts or converts. Every value is checked to be in that form (exactly of
its JSON type, no white space around a stripped text, nothing a field's validator would
change) and :class:`Unplanned` is raised otherwise, so the caller validates instead and the
answer is the replay's. Never use it on bytes that were not validated: it refuses nothing.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    PlainValidator,
    StringConstraints,
    WrapValidator,
)

from tracker.events.dates import PartialDate, _parse_cached
from tracker.events.models import EVENT_TYPES, AnyEvent, Immutable

_new = object.__new__
_set = object.__setattr__
_BUILDERS: dict[type[BaseModel], Callable[[dict[str, Any]], BaseModel]] = {}
"""Per model, the function that builds one from its JSON object (made on first use)."""


class Unplanned(TypeError):
    """A field whose type :func:`trusted_event` cannot build (the caller validates instead)."""


def trusted_event(data: dict[str, Any]) -> AnyEvent:
    """The event a validated record's ``event`` object stands for, built without validation.

    Raises:
        Unplanned: an event type or field this module cannot build (validate instead).
        KeyError: the object has no known ``type`` (it was never validated).
    """
    return _build(EVENT_TYPES[data["type"]], data)  # type: ignore[return-value]


def _build(cls: type[BaseModel], data: dict[str, Any]) -> BaseModel:
    return _builder_of(cls)(data)


def _builder_of(cls: type[BaseModel]) -> Callable[[dict[str, Any]], BaseModel]:
    builder = _BUILDERS.get(cls)
    if builder is None:
        builder = _BUILDERS[cls] = _builder(cls)
    return builder


def _builder(cls: type[BaseModel]) -> Callable[[dict[str, Any]], BaseModel]:
    """Straight-line code that builds a ``cls`` from its JSON object: the defaults, overlaid
    by the fields given (in declaration order, as every field name is one of the defaults'),
    each given field checked to be in the form validation leaves it in and converted as
    validation converts it (see :func:`_converter`)."""
    if not issubclass(cls, Immutable) or cls.__private_attributes__:
        raise Unplanned(cls.__name__)
    decorators = cls.__pydantic_decorators__
    if decorators.root_validators or any(
        d.info.mode != "after" for d in decorators.model_validators.values()
    ):
        raise Unplanned(cls.__name__)  # (the models' 'after' validators refuse, never change)
    names = frozenset(cls.model_fields)
    env: dict[str, Any] = {
        "cls": cls, "new": _new, "put": _set, "names": names, "Unplanned": Unplanned,
        "defaults": {name: info.default for name, info in cls.model_fields.items()},
    }
    lines = [
        "def build(data):",
        "    if not names.issuperset(data):",
        "        raise Unplanned(f'{cls.__name__}: {sorted(set(data) - names)}')",
        "    values = {**defaults, **data}",
    ]
    for i, (name, info) in enumerate(cls.model_fields.items()):
        if info.default_factory is not None or info.alias not in (None, name):
            raise Unplanned(f"{cls.__name__}.{name}")
        check = _inline_check(cls, name, info.annotation, info.metadata)
        if check == "":  # a text or a choice validation keeps as it is: nothing to do
            continue
        lines.append(f"    if (v := data.get({name!r})) is not None:")
        if check is not None:  # a stripped text, a whole number, a yes/no: checked in place
            lines.append(f"        if {check}: raise Unplanned({name!r})")
            continue
        convert = _converter(info.annotation)
        if info.metadata:  # pydantic moves a field's own Annotated[...] metadata here
            convert = _annotated(convert, info.metadata)
        env[f"c{i}"] = _with_validators(cls, name, convert)
        lines.append(f"        values[{name!r}] = c{i}(v)")
    lines += [
        "    model = new(cls)",
        "    put(model, '__dict__', values)",
        "    put(model, '__pydantic_fields_set__', set(data))",
        "    put(model, '__pydantic_extra__', None)",
        "    put(model, '__pydantic_private__', None)",
        "    return model",
    ]
    code = compile("\n".join(lines), f"<trusted {cls.__name__}>", "exec")
    exec(code, env)  # noqa: S102 - our own code, from the models' own field types
    return env["build"]  # type: ignore[no-any-return]


def _inline_check(
    cls: type[BaseModel], name: str, annotation: Any, metadata: list[Any]
) -> str | None:
    """For a field validation keeps as it is when it is in the right form, the condition on
    its value ``v`` under which it is not: empty for a text or a choice (validation converts
    nothing to a text, and a choice is exact); None for a field that needs a converter.

    JSON's own types decide the rest: validation reads ``"2"`` or ``2.0`` as the whole number
    2, ``"true"`` as yes, and strips a text that has white space around it, so those values,
    which validated, are not in validated form.
    """
    if any(name in d.info.fields for d in cls.__pydantic_decorators__.field_validators.values()):
        return None
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        kinds = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(kinds) != 1:
            return None
        annotation = kinds[0]
    if typing.get_origin(annotation) is typing.Annotated:
        annotation, *more = typing.get_args(annotation)
        metadata = [*metadata, *more]
    strip = _strips(metadata)
    if annotation is str:
        return "v.strip() != v" if strip else ""
    if annotation in (int, bool):
        return f"type(v) is not {annotation.__name__}"
    if typing.get_origin(annotation) is Literal and all(
        type(w) is str for w in typing.get_args(annotation)
    ):
        return ""
    return None


def _strips(metadata: list[Any]) -> bool:
    """Whether validation strips white space from a text with this metadata; raises
    :class:`Unplanned` for metadata that could change a value in another way. Constraints
    that only refuse (patterns, lengths, bounds) were met when the bytes were validated."""
    strip = False
    for item in metadata:
        if isinstance(item, StringConstraints):
            if item.to_lower or item.to_upper:
                raise Unplanned(repr(item))
            strip = strip or bool(item.strip_whitespace)
        elif isinstance(item, BeforeValidator | AfterValidator | WrapValidator | PlainValidator):
            if getattr(item.func, "__name__", "") not in _CHECKS_ONLY:
                raise Unplanned(repr(item))
    return strip


def _converter(annotation: Any) -> Callable[[Any], Any]:  # noqa: PLR0911 - one case per kind of type
    """How a JSON value of this (resolved) annotation becomes the validated value, raising
    :class:`Unplanned` for a value not in the form validation leaves it in (a number given as
    text, a name with spaces around it): validation would change it, so the caller validates."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *metadata = typing.get_args(annotation)
        return _annotated(_converter(base), metadata)
    if origin in (typing.Union, types.UnionType):
        kinds = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(kinds) == 1:
            return _converter(kinds[0])
        return _tagged(kinds)
    if origin is tuple:
        args = typing.get_args(annotation)
        if len(args) != 2 or args[1] is not Ellipsis:
            raise Unplanned(str(annotation))
        if _plain_text(args[0]):  # ids, tags: the common case
            return _texts
        inner = _converter(args[0])
        return lambda items: tuple([inner(item) for item in items])
    if origin is Literal or annotation is str:
        return _same  # validation converts nothing to a text, and a choice is exact
    if annotation in (bool, int):
        return _exactly(annotation)
    if annotation is float:
        return _float
    if annotation is PartialDate:
        return _parse_cached
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _builder_of(annotation)
    raise Unplanned(str(annotation))


_CHECKS_ONLY = frozenset({"_not_bool", "_exact"})
"""The models' before-validators that refuse values and never change one
(:mod:`tracker.events.models`)."""


def _annotated(convert: Callable[[Any], Any], metadata: list[Any]) -> Callable[[Any], Any]:
    """``convert``, checking what the annotation's metadata would change: a text with white
    space around it (``strip_whitespace``) is not in validated form (see :func:`_strips`)."""
    if not _strips(metadata):
        return convert

    def stripped(value: Any) -> Any:
        text = convert(value)
        if text.strip() != text:
            raise Unplanned("white space around a text")
        return text

    return stripped


def _with_validators(
    cls: type[BaseModel], name: str, convert: Callable[[Any], Any]
) -> Callable[[Any], Any]:
    """``convert``, then the model's 'after' validators of field ``name``: a value they would
    change (tags out of order) is not in validated form."""
    checks = []
    for decorator in cls.__pydantic_decorators__.field_validators.values():
        if name not in decorator.info.fields:
            continue
        if decorator.info.mode != "after":
            raise Unplanned(f"{cls.__name__}.{name}")
        checks.append(decorator.func)
    if not checks:
        return convert

    def checked(value: Any) -> Any:
        value = convert(value)
        for check in checks:
            if check(value) != value:
                raise Unplanned(f"{cls.__name__}.{name}")
        return value

    return checked


def _plain_text(annotation: Any) -> bool:
    """Whether validation keeps a value of ``annotation`` as it is when it is a text (no
    white space stripped, nothing converted)."""
    if typing.get_origin(annotation) is typing.Annotated:
        base, *metadata = typing.get_args(annotation)
        return base is str and not _strips(metadata)
    return annotation is str


def _texts(items: list[str]) -> tuple[str, ...]:
    """A list of texts kept as they are, as a tuple (validation converts nothing to a text)."""
    return tuple(items)


def _same(value: Any) -> Any:
    return value


def _exactly(kind: type) -> Callable[[Any], Any]:
    """The value as it is, when it is exactly of ``kind`` (JSON's own types: ``True`` is no
    int, ``"2"`` no number): anything else validation would convert or refuse."""
    return lambda value: value if type(value) is kind else _unplanned(value)


def _float(value: Any) -> float:
    """A float field's value: a JSON number (a whole one becomes a float, as validation makes
    it)."""
    kind = type(value)
    if kind is float:
        return value  # type: ignore[no-any-return]
    if kind is int:
        return float(value)
    return _unplanned(value)


def _unplanned(value: Any) -> typing.NoReturn:
    raise Unplanned(f"a value validation would convert: {type(value).__name__}")


def _tagged(kinds: list[Any]) -> Callable[[Any], Any]:
    """A union of event models told apart by ``type`` (a correction's replacement)."""
    by_tag: dict[str, Callable[[dict[str, Any]], BaseModel]] = {}
    for kind in kinds:
        if not (isinstance(kind, type) and issubclass(kind, BaseModel)):
            raise Unplanned(str(kind))
        by_tag[str(kind.model_fields["type"].default)] = _builder_of(kind)
    return lambda value: by_tag[value["type"]](value)


__all__ = ["Unplanned", "trusted_event"]
