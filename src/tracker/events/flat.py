"""The flat form of an event: named values, one per command-line flag or CSV column.

Every event type's fields are listed from its model (``model_fields``), so a field added to a
model appears as a flag and a CSV column with no other change. The names:

- a plain field is its own name: ``occurred``, ``metric``, ``value``;
- a list field may be given many times; its name or its singular: ``tags`` / ``tag``;
- a boolean field takes ``true`` or ``false`` (``approximate``);
- a list of objects is a repeated group of dotted names, paired by position: the first
  ``source.url`` goes with the first ``source.publisher``, the second with the second; an
  empty value keeps a place without giving a value (``source.url ''``);
- shorthands for the common case: ``source URL`` is ``source.url``, ``publisher NAME`` is
  ``source.publisher``, and ``relation TYPE:TARGET`` is one whole relation;
- a correction's ``replacement`` is a whole event as JSON, or ``replacement.FIELD`` values
  that change the corrected event's current version (see :func:`apply_patch`).

All values are text; the models convert and check them (``"6700"`` becomes a number), so a
wrong value gets the same message from a flag, a CSV cell or a JSON file.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel

from tracker.errors import InvalidEventError
from tracker.events.models import EVENT_TYPES, BaseEvent

Kind = Literal["value", "list", "bool", "json", "pair"]

_SINGULAR = {"aliases": "alias"}


def singular(name: str) -> str:
    """The singular of a list field's name (``sources`` -> ``source``)."""
    if name in _SINGULAR:
        return _SINGULAR[name]
    if name.endswith("s") and not name.endswith("ss"):
        return name[:-1]
    return name


@dataclass(frozen=True, slots=True)
class FlatField:
    """One flat name of an event type: a flag (``--name``) and a CSV column (``name``)."""

    names: tuple[str, ...]
    """Accepted names, the canonical one first (``tags``, then ``tag``)."""
    path: tuple[str, ...]
    """Where the value goes: ``("metric",)``, ``("sources", "url")`` (a group and its key)."""
    kind: Kind
    help: str
    required: bool = False
    choices: tuple[str, ...] = ()
    group: str | None = None
    """For a field inside a repeated group: the group's field name (``sources``)."""
    pair: tuple[str, str] = ("", "")
    """For ``kind == "pair"``: the two keys that ``A:B`` fills (``type``, ``target``)."""

    @property
    def name(self) -> str:
        """The canonical name."""
        return self.names[0]


@dataclass(frozen=True, slots=True)
class FlatSpec:
    """Every flat name of one event type, with the model it builds."""

    event_type: str
    model: type[BaseEvent]
    fields: tuple[FlatField, ...]
    by_name: Mapping[str, FlatField] = field(repr=False)
    groups: Mapping[str, str] = field(repr=False)
    """Group field name -> its dotted prefix (``sources`` -> ``source``)."""

    def lookup(self, name: str) -> FlatField:
        """The field a flat name stands for.

        Raises:
            InvalidEventError: the name is not a field of this type (with a suggestion).
        """
        hit = self.by_name.get(name) or self.by_name.get(name.replace("-", "_"))
        if hit is not None:
            return hit
        close = difflib.get_close_matches(name, list(self.by_name), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        msg = (
            f"'{name}' is not a field of {self.event_type}{hint} "
            f"(see 'tracker add {self.event_type} --help')"
        )
        raise InvalidEventError(msg)


# --- reading the models -----------------------------------------------------------------------


def _strip(annotation: Any) -> tuple[Any, bool]:
    """Remove ``Optional`` and ``Annotated``; say whether None was allowed."""
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) < len(typing.get_args(annotation)):
                optional = True
            if len(args) == 1:
                annotation = args[0]
                continue
        return annotation, optional


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models a (union) annotation admits, or [] if it is not made of models."""
    annotation, _ = _strip(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        out: list[type[BaseModel]] = []
        for arg in typing.get_args(annotation):
            inner = _models_in(arg)
            if not inner:
                return []
            out.extend(inner)
        return out
    return []


def _choices(annotation: Any) -> tuple[str, ...]:
    annotation, _ = _strip(annotation)
    if typing.get_origin(annotation) is Literal:
        return tuple(str(a) for a in typing.get_args(annotation))
    return ()


def _help(info: Any, choices: tuple[str, ...]) -> str:
    text = (info.description or "").rstrip(".")
    if choices:
        text = f"{text}: one of {', '.join(choices)}" if text else f"one of {', '.join(choices)}"
    return text


def _list_item(annotation: Any) -> Any | None:
    """For ``tuple[X, ...]`` (or list), return X; else None."""
    annotation, _ = _strip(annotation)
    if typing.get_origin(annotation) in (tuple, list):
        args = typing.get_args(annotation)
        return args[0] if args else Any
    return None


def _fields_of(
    fields: Iterable[tuple[str, Any]], prefix: str = "", path: tuple[str, ...] = ()
) -> list[FlatField]:
    """Flatten ``(name, FieldInfo)`` pairs; ``prefix`` is prepended to every name."""
    out: list[FlatField] = []
    taken = {name for name, _ in fields}
    for name, info in fields:
        if name == "type":
            continue
        ann = info.annotation
        here = (*path, name)
        required = bool(info.is_required())
        item = _list_item(ann)
        if item is not None:
            models = _models_in(item)
            if models:  # a repeated group: dotted names per key, paired by position
                group = singular(name)
                for key, sub in models[0].model_fields.items():
                    choices = _choices(sub.annotation)
                    out.append(
                        FlatField(
                            names=(f"{prefix}{group}.{key}",),
                            path=(*here, key),
                            kind="value",
                            help=_help(sub, choices),
                            required=required and bool(sub.is_required()),
                            choices=choices,
                            group=name,
                        )
                    )
                continue
            one = singular(name)
            names: tuple[str, ...] = (f"{prefix}{name}",)
            if one != name and one not in taken:
                names = (*names, f"{prefix}{one}")
            out.append(
                FlatField(names, here, "list", _help(info, _choices(item)), choices=_choices(item))
            )
            continue
        models = _models_in(ann)
        if len(models) > 1:  # a union of events (a correction's replacement)
            out.append(FlatField((f"{prefix}{name}",), here, "json", _help(info, ()), required))
            seen: dict[str, Any] = {}
            for model in models:
                for key, sub in model.model_fields.items():
                    if key != "id":  # a correction keeps the corrected event's id
                        seen.setdefault(key, sub)
            for sub_field in _fields_of(list(seen.items()), f"{prefix}{name}.", here):
                out.append(dataclasses.replace(sub_field, required=False))
            continue
        base, _ = _strip(ann)
        kind: Kind = "bool" if base is bool else "value"
        choices = _choices(ann)
        out.append(
            FlatField((f"{prefix}{name}",), here, kind, _help(info, choices), required, choices)
        )
    return out


def _shorthands(model: type[BaseEvent]) -> list[FlatField]:
    fields = model.model_fields
    out: list[FlatField] = []
    if "sources" in fields:
        out.append(
            FlatField(
                ("source",),
                ("sources", "url"),
                "value",
                "shorthand for --source.url: a source's URL (pair each with a --publisher)",
                group="sources",
            )
        )
        out.append(
            FlatField(
                ("publisher",),
                ("sources", "publisher"),
                "value",
                "shorthand for --source.publisher: who published the source",
                group="sources",
            )
        )
    if "relations" in fields:
        out.append(
            FlatField(
                ("relation",),
                ("relations",),
                "pair",
                "shorthand for one relation, TYPE:TARGET (developed_by:xai)",
                group="relations",
                pair=("type", "target"),
            )
        )
    return out


@cache
def spec(event_type: str) -> FlatSpec:
    """The flat names of one event type (``figure``, ``actor``, ...).

    Raises:
        InvalidEventError: the type does not exist (with a suggestion).
    """
    model = EVENT_TYPES.get(event_type)
    if model is None:
        names = list(EVENT_TYPES)
        close = difflib.get_close_matches(event_type, names, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        msg = f"unknown event type '{event_type}'{hint} (types: {', '.join(names)})"
        raise InvalidEventError(msg)
    flat = _fields_of(list(model.model_fields.items())) + _shorthands(model)
    by_name: dict[str, FlatField] = {}
    for f in flat:
        for n in f.names:
            by_name[n] = f
    groups = {
        f.group: f.name.rsplit(".", 1)[0]
        for f in flat
        if f.group and "." in f.name and len(f.path) == 2
    }
    return FlatSpec(event_type, model, tuple(flat), by_name, groups)


# --- building an event --------------------------------------------------------------------------


class MissingFieldsError(InvalidEventError):
    """An event that lacks a required field (a flag or a column not given)."""


@dataclass
class FlatEvent:
    """An event dict built from flat values.

    ``patch`` holds the ``replacement.FIELD`` values of a correction (names without the
    ``replacement.`` prefix), to be applied to the corrected event with :func:`apply_patch`.
    """

    data: dict[str, Any]
    patch: list[tuple[str, str | bool]] | None = None


def _json_object(name: str, text: str) -> dict[str, Any]:
    import orjson

    from tracker._json import NestingError, loads

    try:
        value = loads(text)
    except orjson.JSONDecodeError as exc:
        msg = f"{name}: not valid JSON ({exc}); give the whole event as a JSON object"
        raise InvalidEventError(msg) from None
    except NestingError as exc:
        raise InvalidEventError(f"{name}: {exc}") from None
    if not isinstance(value, dict):
        msg = f"{name}: expected a JSON object (a whole event), got {type(value).__name__}"
        raise InvalidEventError(msg)
    return value


def _put(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data.setdefault(part, {})
    data[path[-1]] = value


def flag(name: str) -> str:
    """The command-line flag of a flat name: ``reported_by`` -> ``--reported-by``."""
    return "--" + name.replace("_", "-")


def _namer(flags: bool) -> Callable[[str], str]:
    """How messages name a flat name: as a flag (``--reason``) or a CSV column (``reason``)."""
    return flag if flags else str


def _closest(value: str, choices: Iterable[str], field: str = "") -> str | None:
    """The choice closest to ``value`` (:func:`tracker._suggest.closest`, with the field's
    other words from :data:`~tracker.events.models.CHOICE_ALIASES`)."""
    from tracker._suggest import closest
    from tracker.events.models import CHOICE_ALIASES

    return closest(value, choices, aliases=CHOICE_ALIASES.get(field))


def build(
    event_type: str,
    values: Iterable[tuple[str, str | bool]],
    *,
    skip_empty: bool = False,
    complete: bool = True,
    flags: bool = False,
    problems: list[tuple[list[str], str]] | None = None,
    command: str | None = None,
) -> FlatEvent:
    """Build an event dict of ``event_type`` from ``(name, value)`` pairs, in the order given.

    Args:
        event_type: the event's type.
        values: flat names (without ``--``) and their text values (``True``/``False`` for a
            boolean flag), in order: repeated groups pair by position.
        skip_empty: ignore empty values outside groups (CSV cells left blank).
        complete: refuse an event that lacks a required field, naming all of them (false
            for the changed fields of a correction's replacement).
        flags: name fields in messages as command-line flags (``--reason``), not as CSV
            columns (``reason``).
        problems: when given, every problem is added to it as (the fields it is about, as
            dotted paths; message) and the value is left out, instead of raising at the first
            (an import lists them all).
        command: the command whose ``--help`` lists the fields, named when one is missing
            (default ``tracker add TYPE``; ``tracker actor add`` takes the same flags).

    Raises:
        MissingFieldsError: a required field, or a key of a group item, is not given
            (without ``problems``).
        InvalidEventError: an unknown name, a value not among a field's choices, or a
            malformed ``relation`` or ``replacement`` (without ``problems``).
    """
    flat = spec(event_type)
    named = _namer(flags)

    failed: set[str] = set()  # fields given with a problem: not also "missing"

    def fail(path: Iterable[str], msg: str, fields: Iterable[str] = (), *, missing: bool = False) -> None:
        if problems is None:
            raise MissingFieldsError(msg) if missing else InvalidEventError(msg)
        path = tuple(path)
        failed.update(path[:1])
        problems.append(([".".join(path), *fields], msg))

    data: dict[str, Any] = {"type": event_type}
    groups: dict[tuple[str, ...], dict[str, list[str]]] = {}
    extra_items: dict[tuple[str, ...], list[dict[str, str]]] = {}
    patch_values: list[tuple[str, str | bool]] = []
    for name, value in values:
        f = flat.lookup(name)
        if f.path[0] == "replacement" and len(f.path) > 1:
            patch_values.append((name.split(".", 1)[1], value))
            continue
        if isinstance(value, str):
            value = value.strip()
            if f.choices and value and value not in f.choices:
                close = _closest(value, f.choices, f.path[-1])
                hint = f"; did you mean '{close}'?" if close else ""
                listed = ", ".join(f.choices)
                msg = f"{named(f.name)}: '{value}' is not a choice{hint} (choices: {listed})"
                fail(f.path, msg)
                continue
        if f.group is not None and f.kind == "value":
            groups.setdefault(f.path[:-1], {}).setdefault(f.path[-1], []).append(str(value))
            continue
        if skip_empty and value == "":
            continue
        if f.kind == "list":
            current = data.get(f.path[0])
            data[f.path[0]] = [*(current or []), value]
        elif f.kind == "pair":
            left, sep, right = str(value).partition(":")
            if not sep or not left or not right:
                a, b = f.pair
                msg = (
                    f"{named(f.name)}: expected {a.upper()}:{b.upper()}, got '{value}' "
                    f"(for example developed_by:xai)"
                )
                fail(f.path, msg)
                continue
            first = flat.by_name.get(f"{f.name}.{f.pair[0]}")
            if first is not None and first.choices and left not in first.choices:
                close = _closest(left, first.choices)
                hint = f"; did you mean '{close}:{right}'?" if close else ""
                listed = ", ".join(first.choices)
                msg = f"{named(f.name)}: '{left}' is not a {f.name} type{hint} (choices: {listed})"
                fail(f.path, msg)
                continue
            extra_items.setdefault(f.path, []).append({f.pair[0]: left, f.pair[1]: right})
        elif f.kind == "json":
            try:
                _put(data, f.path, _json_object(f.name, str(value)))
            except InvalidEventError as exc:
                fail(f.path, exc.message)
        else:
            _put(data, f.path, value)
    for path, keys in groups.items():
        count = max(len(v) for v in keys.values())
        items = []
        for i in range(count):
            item = {k: v[i] for k, v in keys.items() if i < len(v) and v[i] != ""}
            if item:
                items.append(item)
        if complete:
            try:
                _check_items(flat, path[-1], items, named)
            except InvalidEventError as exc:
                fail(path, exc.message, missing=True)
        _put(data, path, items)
    for path, items in extra_items.items():
        current = data.get(path[0]) or []
        _put(data, path, [*current, *items])
    if complete:
        gone = [
            name
            for name, info in flat.model.model_fields.items()
            if info.is_required()
            and data.get(name) in (None, [])  # (a group whose cells are all blank: none)
            and name not in failed
            and not (name == "replacement" and patch_values)
        ]
        if gone:
            missing = [_required_label(flat, name, named) for name in gone]
            listed = (
                missing[0] if len(missing) == 1 else f"{', '.join(missing[:-1])} and {missing[-1]}"
            )
            helped = command or f"tracker add {event_type}"
            msg = f"{event_type} needs {listed} (see '{helped} --help')"
            fail(gone[:1], msg, gone[1:], missing=True)
    return FlatEvent(data, patch_values or None)


def _check_items(
    flat: FlatSpec, group: str, items: list[dict[str, str]], named: Callable[[str], str] = str
) -> None:
    """Refuse a group item that lacks a required key, naming the item and the key."""
    prefix = flat.groups.get(group, group)
    for i, item in enumerate(items, 1):
        for f in flat.fields:
            if f.group == group and f.required and "." in f.name and f.path[-1] not in item:
                short = next(
                    (g.name for g in flat.fields if g.path == f.path and "." not in g.name), None
                )
                # The short form first: it is the one people type (publisher, not source.publisher).
                wanted = f"{named(short)} (or {named(f.name)})" if short else named(f.name)
                which = f"{prefix} {i}" if len(items) > 1 else f"the {prefix}"
                msg = f"{which} needs {wanted}: give one for each {prefix}, in the same order"
                raise InvalidEventError(msg)


def _required_label(flat: FlatSpec, name: str, named: Callable[[str], str] = str) -> str:
    """How to name a missing required field: ``metric``, or ``a source (source and publisher)``."""
    prefix = flat.groups.get(name)
    if prefix is None:
        return named(name)
    short = [f.name for f in flat.fields if f.group == name and "." not in f.name]
    keys = short or [f.name for f in flat.fields if f.group == name and f.required]
    return f"a {prefix} ({' and '.join(named(k) for k in keys)})"


def apply_patch(
    current: Mapping[str, Any], patch: Iterable[tuple[str, str | bool]]
) -> dict[str, Any]:
    """A correction's replacement: ``current`` (an event dict) with the patched fields changed.

    ``patch`` holds flat ``(name, value)`` pairs of the corrected event's own type. A field given
    replaces that whole field (a ``source.url`` given replaces all the sources). The id is left
    out: a correction keeps the corrected event's id.

    Raises:
        InvalidEventError: a name is not a field of the corrected event's type.
    """
    event_type = str(current["type"])
    try:
        changed = build(event_type, patch, complete=False).data
    except InvalidEventError as exc:
        text = exc.message  # name the flag as given: 'replacement.speaker', not 'speaker'
        msg = f"'replacement.{text[1:]}" if text.startswith("'") else f"replacement.{text}"
        raise InvalidEventError(msg) from None
    out = {k: v for k, v in current.items() if k != "id"}
    out.update(changed)
    return out


__all__ = [
    "FlatEvent",
    "MissingFieldsError",
    "FlatField",
    "FlatSpec",
    "apply_patch",
    "build",
    "flag",
    "singular",
    "spec",
]
