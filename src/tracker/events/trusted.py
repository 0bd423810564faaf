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

Never use it on bytes that were not validated: it checks nothing.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel

from tracker.events.dates import PartialDate, _parse_cached
from tracker.events.models import EVENT_TYPES, AnyEvent, Immutable

Convert = Callable[[Any], Any] | None
"""How one JSON value becomes a field's value (None: as it is)."""

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
    the given fields that validation converts converted (see :func:`_converter`)."""
    if not issubclass(cls, Immutable) or cls.__private_attributes__:
        raise Unplanned(cls.__name__)
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
        convert = _converter(info.annotation)
        if convert is not None:
            env[f"c{i}"] = convert
            lines.append(f"    if (v := data.get({name!r})) is not None:")
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


def _converter(annotation: Any) -> Convert:  # noqa: PLR0911 - one case per kind of type
    """How a JSON value of this (resolved) annotation becomes the validated value."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _converter(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        kinds = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(kinds) == 1:
            return _converter(kinds[0])
        return _tagged(kinds)
    if origin is tuple:
        args = typing.get_args(annotation)
        if len(args) != 2 or args[1] is not Ellipsis:
            raise Unplanned(str(annotation))
        inner = _converter(args[0])
        if inner is None:
            return tuple
        return lambda items: tuple([inner(item) for item in items])
    if origin is Literal or annotation in (str, bool, int):
        return None
    if annotation is float:
        return float
    if annotation is PartialDate:
        return _parse_cached
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _builder_of(annotation)
    raise Unplanned(str(annotation))


def _tagged(kinds: list[Any]) -> Convert:
    """A union of event models told apart by ``type`` (a correction's replacement)."""
    by_tag: dict[str, Callable[[dict[str, Any]], BaseModel]] = {}
    for kind in kinds:
        if not (isinstance(kind, type) and issubclass(kind, BaseModel)):
            raise Unplanned(str(kind))
        by_tag[str(kind.model_fields["type"].default)] = _builder_of(kind)
    return lambda value: by_tag[value["type"]](value)


__all__ = ["Unplanned", "trusted_event"]
