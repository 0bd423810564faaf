"""One declaration per result: the columns of every answer, their types, once.

Each row type (a stance step, a figure point, a timeline row, ...) declares its :class:`Shape`:
an ordered list of fields, each with a name, a type, whether it may be null, whether it is a
list, and a description. Everything else is built from that declaration, never from a copy:

- the JSON form (:meth:`Shape.dump`): what ``to_records()`` / ``to_json()`` return and what
  ``--json`` prints. Every list is a JSON array (empty when there is nothing), every absence
  is ``null``, every instant is RFC 3339 UTC with microseconds and ``Z``
  (``2026-01-12T09:00:00.000000Z``);
- its JSON Schema (:meth:`Shape.json_schema`), published by ``tracker schema --output COMMAND``;
- the typed DataFrames (:mod:`tracker.projections.frames`): datetimes for instants, lists as
  lists, null for missing;
- the read model's tables, from :attr:`Shape.columns` (flat, introspectable columns: :class:`Column`).

A partial date (:class:`~tracker.events.dates.PartialDate`) is declared as one field and
becomes six flat columns, named after it (``since`` gives ``since``, ``since_earliest``, ...):

================  =========  ===========================================================
column            type       holds
================  =========  ===========================================================
``X``             text       the date as the source gave it (``2026-01``, ``..2026-01-12``)
``X_earliest``    instant    the first instant it may denote; null for an open start
                             ("on or before": ``..2026-01-12``)
``X_latest``      instant    the last instant it may denote; null for an open end
                             ("on or after": ``2026-01-05..``)
``X_precision``   text       year, month, day, hour, minute, second or microsecond
``X_approximate`` boolean    whether it was marked approximate (``2026-01~``)
``X_at``          instant    where to place it on a time axis: its earliest instant, or for
                             an "on or before" date its latest (set whenever the date is)
================  =========  ===========================================================

All six are null when the date itself is absent. Answers made of several tables (a posture's
current rows and its steps) declare a shape whose fields nest other shapes.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from operator import attrgetter
from typing import Any, Literal

from tracker.events.dates import PRECISIONS, PartialDate, format_instant

Kind = Literal["text", "integer", "number", "boolean", "instant", "date", "shape", "map", "any"]
"""The type of a declared field.

``text``, ``integer``, ``number`` (a float), ``boolean`` and ``instant`` (an aware datetime,
written as RFC 3339 UTC text) are scalars; ``date`` is a partial date (six flat columns);
``shape`` nests another shape (one object, or a list of them); ``map`` is an object from text
keys to lists of text (``by_role``); ``any`` is an object of its own schema (an event as
recorded, whose schema is ``tracker schema``'s).
"""

ColumnKind = Literal["text", "integer", "number", "boolean", "instant"]
"""The type of a flat column: what a DataFrame's dtype or a table's column type is built from."""

DatePart = Literal["text", "earliest", "latest", "precision", "approximate", "at"]
"""Which of a partial date's six columns a column is."""

INSTANT_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$"
"""Every instant in JSON output matches this: RFC 3339, UTC, six fraction digits, ``Z``."""

_DATE_PARTS: tuple[tuple[DatePart, str, ColumnKind], ...] = (
    ("text", "", "text"),
    ("earliest", "_earliest", "instant"),
    ("latest", "_latest", "instant"),
    ("precision", "_precision", "text"),
    ("approximate", "_approximate", "boolean"),
    ("at", "_at", "instant"),
)

_DATE_DOCS: dict[DatePart, str] = {
    "text": "as the source gave it (2026-01, ..2026-01-12, 2026-01-09~)",
    "earliest": "the first instant it may denote; null for an open start (on or before)",
    "latest": "the last instant it may denote; null for an open end (on or after)",
    "precision": "the unit it was given in: " + ", ".join(PRECISIONS),
    "approximate": "whether it was marked approximate (~); this does not widen it",
    "at": "where to place it on a time axis: its earliest instant, or for an 'on or before' "
    "date its latest",
}


@dataclass(frozen=True)
class Column:
    """One flat column of a table: what a DataFrame column or a SQL column is built from.

    Attributes:
        name: the column's name (a key of every JSON row).
        kind: its scalar type (for a list, the type of its items).
        nullable: whether it may be null (a list is never null: it is empty instead).
        many: whether it holds a list of ``kind`` values.
        description: what it holds, in one sentence.
        choices: the closed set of values it takes, when there is one.
        date: for a partial date's column, the name of the date it belongs to (else None).
        part: for a partial date's column, which of its six columns it is.
    """

    name: str
    kind: ColumnKind
    nullable: bool
    many: bool
    description: str
    choices: tuple[str, ...] | None = None
    date: str | None = None
    part: DatePart | None = None

    def json_schema(self) -> dict[str, Any]:
        """The JSON Schema of this column's value."""
        from tracker.projections.shape_schema import scalar_schema

        return scalar_schema(self.kind, self.nullable, self.many, self.choices, self.description)


@dataclass(frozen=True)
class Field:
    """One declared field of a shape. Build them with :func:`text`, :func:`date`, ...

    Attributes:
        name: the key in the JSON form.
        kind: its type (see :data:`Kind`).
        description: what it holds, in one sentence.
        nullable: whether it may be null.
        many: whether it is a list (a list is never null: empty instead).
        choices: the closed set of values a text takes, if there is one.
        shape: for ``kind="shape"``, the nested shape (or shapes: any one of them).
        get: how to read the value from a row object (default: the attribute of that name).
        schema: for ``kind="any"``, a callable returning the value's JSON Schema.
    """

    name: str
    kind: Kind
    description: str
    nullable: bool = False
    many: bool = False
    choices: tuple[str, ...] | None = None
    shape: Shape | tuple[Shape, ...] | None = None
    get: Callable[[Any], Any] | None = field(default=None, compare=False, repr=False)
    schema: Callable[[], dict[str, Any]] | None = field(default=None, compare=False, repr=False)

    def columns(self) -> tuple[Column, ...]:
        """The flat columns this field becomes (a date gives six; a nested shape none)."""
        if self.kind == "date":
            return tuple(
                Column(
                    self.name + suffix,
                    kind,
                    True,
                    False,
                    f"{self.description} ({_DATE_DOCS[part]})"
                    if part == "text"
                    else f"{self.name}: {_DATE_DOCS[part]}",
                    PRECISIONS if part == "precision" else None,
                    self.name,
                    part,
                )
                for part, suffix, kind in _DATE_PARTS
            )
        if self.kind in ("shape", "map", "any"):
            return ()
        kind: ColumnKind = self.kind  # type: ignore[assignment]
        return (
            Column(self.name, kind, self.nullable, self.many, self.description, self.choices),
        )


def _field(
    kind: Kind,
    name: str,
    description: str,
    *,
    nullable: bool = False,
    many: bool = False,
    choices: Iterable[str] | None = None,
    get: Callable[[Any], Any] | None = None,
) -> Field:
    return Field(
        name,
        kind,
        description,
        nullable,
        many,
        tuple(choices) if choices is not None else None,
        None,
        get,
    )


def text(
    name: str,
    description: str,
    *,
    nullable: bool = False,
    choices: Iterable[str] | None = None,
    get: Callable[[Any], Any] | None = None,
) -> Field:
    """A text field (``choices``: the closed set of values it takes)."""
    return _field("text", name, description, nullable=nullable, choices=choices, get=get)


def texts(
    name: str,
    description: str,
    *,
    choices: Iterable[str] | None = None,
    get: Callable[[Any], Any] | None = None,
) -> Field:
    """A list of texts (empty, never null, when there are none)."""
    return _field("text", name, description, many=True, choices=choices, get=get)


def integer(
    name: str,
    description: str,
    *,
    nullable: bool = False,
    get: Callable[[Any], Any] | None = None,
) -> Field:
    """An integer field."""
    return _field("integer", name, description, nullable=nullable, get=get)


def number(
    name: str,
    description: str,
    *,
    nullable: bool = False,
    get: Callable[[Any], Any] | None = None,
) -> Field:
    """A number (float) field."""
    return _field("number", name, description, nullable=nullable, get=get)


def boolean(name: str, description: str, *, get: Callable[[Any], Any] | None = None) -> Field:
    """A yes/no field (never null)."""
    return _field("boolean", name, description, get=get)


def instant(
    name: str,
    description: str,
    *,
    nullable: bool = False,
    get: Callable[[Any], Any] | None = None,
) -> Field:
    """An instant: an aware datetime, or a record stamp already in RFC 3339 UTC form."""
    return _field("instant", name, description, nullable=nullable, get=get)


def date(name: str, description: str, *, get: Callable[[Any], Any] | None = None) -> Field:
    """A partial date (six flat columns, all null when the date is absent)."""
    return _field("date", name, description, nullable=True, get=get)


def nested(
    name: str,
    shape: Shape | tuple[Shape, ...],
    description: str,
    *,
    many: bool = True,
    nullable: bool = False,
    get: Callable[[Any], Any] | None = None,
) -> Field:
    """Another shape: a list of its rows (``many``), or one object (null if ``nullable``)."""
    return Field(name, "shape", description, nullable, many, None, shape, get)


def mapping(name: str, description: str, *, get: Callable[[Any], Any] | None = None) -> Field:
    """An object from text keys to lists of text (its keys are data, not column names)."""
    return Field(name, "map", description, get=get)


def document(
    name: str,
    description: str,
    schema: Callable[[], dict[str, Any]],
    *,
    nullable: bool = False,
    get: Callable[[Any], Any] | None = None,
) -> Field:
    """An object with a schema of its own (an event as recorded), passed through as given."""
    return Field(name, "any", description, nullable, get=get, schema=schema)


def _get_of(f: Field) -> Callable[[Any], Any]:
    return f.get if f.get is not None else attrgetter(f.name)


class _Keys:
    """A mapping read as attributes, so a plain dict can be dumped through a shape."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data

    def __getattr__(self, name: str) -> Any:
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(name) from None


def _instant_json(value: datetime | str | None) -> str | None:
    if value is None or type(value) is str:
        return value
    return format_instant(value)  # type: ignore[arg-type]


@lru_cache(maxsize=8192)
def _date_json(value: PartialDate | None) -> tuple[Any, ...]:
    """A partial date's six JSON columns (cached: the same dates recur on many rows)."""
    if value is None:
        return _NO_DATE
    first, last = value.earliest, value.latest
    a = None if first is None else format_instant(first)
    b = None if last is None else format_instant(last)
    return (value.text, a, b, value.precision, value.approximate, a if a is not None else b)


def _date_values(value: PartialDate | None) -> tuple[Any, ...]:
    if value is None:
        return _NO_DATE
    first, last = value.earliest, value.latest
    at = first if first is not None else last
    return (value.text, first, last, value.precision, value.approximate, at)


_NO_DATE = (None, None, None, None, None, None)


def _instant_value(value: datetime | str | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    from tracker.events.dates import parse_instant

    return parse_instant(value)


class Shape:
    """The declaration of one result's form: its fields in order, with their types.

    Args:
        name: a short name (``stance_step``), used as the schema's title and a table's name.
        description: what one object of the shape is, in a sentence.
        fields: the fields, in the order of the JSON keys and the DataFrame's columns.

    A shape whose fields are all flat (no nested shape, map or event) is a *table*: its
    :attr:`columns` are the DataFrame's and the read model's.
    """

    def __init__(self, name: str, description: str, *fields: Field) -> None:
        """Declare a shape; field names must be unique (a date's six columns included)."""
        self.name = name
        self.description = description
        self.fields: tuple[Field, ...] = fields
        self.columns: tuple[Column, ...] = tuple(c for f in fields for c in f.columns())
        names = [c.name for c in self.columns] + [
            f.name for f in fields if f.kind in ("shape", "map", "any")
        ]
        if len(names) != len(set(names)):
            dupes = sorted({n for n in names if names.count(n) > 1})
            msg = f"shape {name}: columns declared twice: {', '.join(dupes)}"
            raise ValueError(msg)
        self._dump: Callable[[Any], dict[str, Any]] | None = None
        self._values: Callable[[Any], dict[str, Any]] | None = None

    def __repr__(self) -> str:
        return f"<Shape {self.name}: {', '.join(f.name for f in self.fields)}>"

    @property
    def is_table(self) -> bool:
        """Whether every field is flat (so the shape is a table of :attr:`columns`)."""
        return all(f.kind not in ("shape", "map", "any") for f in self.fields)

    def column(self, name: str) -> Column:
        """The flat column called ``name``.

        Raises:
            KeyError: no column has that name.
        """
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def field(self, name: str) -> Field:
        """The declared field called ``name``.

        Raises:
            KeyError: no field has that name.
        """
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    # --- the JSON form ------------------------------------------------------------------------

    def dump(self, obj: Any) -> dict[str, Any]:
        """One object's JSON form: plain values, keys in declared order."""
        if self._dump is None:
            self._dump = self._compile(json=True)
        return self._dump(obj)

    def dump_all(self, objs: Iterable[Any]) -> list[dict[str, Any]]:
        """The JSON form of each object."""
        if self._dump is None:
            self._dump = self._compile(json=True)
        dump = self._dump
        return [dump(o) for o in objs]

    def values(self, obj: Any) -> dict[str, Any]:
        """One object's typed values by flat column: datetimes for instants, lists for lists."""
        if not self.is_table:
            msg = f"shape {self.name} is not a table (it nests other shapes)"
            raise TypeError(msg)
        if self._values is None:
            self._values = self._compile(json=False)
        return self._values(obj)

    def _compile(self, *, json: bool) -> Callable[[Any], dict[str, Any]]:
        """Build the dump as one generated function: a dict display with a key per column.

        A replay's ``--json`` dumps a row per event, so this is a hot path: one function with
        no loop and no call per field (a plain attribute is read inline) costs a third of a
        loop over per-field steps.
        """
        env: dict[str, Any] = {"_Keys": _Keys, "_Mapping": Mapping}
        lines = ["def build(obj):", "    if isinstance(obj, _Mapping):", "        obj = _Keys(obj)"]
        items: list[str] = []
        for i, f in enumerate(self.fields):
            read = _read_expr(f, i, env)
            if f.kind == "date":
                env[f"_date{i}"] = _date_json if json else _date_values
                lines.append(f"    d{i} = _date{i}({read})")
                items += [f"{c.name!r}: d{i}[{j}]" for j, c in enumerate(f.columns())]
                continue
            items.append(f"{f.name!r}: {_value_expr(f, i, read, env, json=json)}")
        lines.append("    return {" + ", ".join(items) + "}")
        exec("\n".join(lines), env)  # noqa: S102 - the source is built from declared names only
        built: Callable[[Any], dict[str, Any]] = env["build"]
        return built

    # --- the JSON Schema ------------------------------------------------------------------------

    def json_schema(self, *, root: bool = True) -> dict[str, Any]:
        """The JSON Schema of one object of this shape (draft 2020-12).

        With ``root`` the schema carries ``$schema`` and the ``$defs`` nested fields need.
        """
        defs: dict[str, Any] = {}
        schema = self._schema(defs)
        if root:
            schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
            if defs:
                schema["$defs"] = dict(sorted(defs.items()))
        return schema

    def json_schema_into(self, defs: dict[str, Any]) -> dict[str, Any]:
        """This shape's schema, putting what nested fields need into ``defs`` (by name)."""
        return self._schema(defs)

    def _schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        from tracker.projections.shape_schema import shape_schema

        return shape_schema(self, defs)


def _read_expr(f: Field, i: int, env: dict[str, Any]) -> str:
    """The expression that reads field ``f`` (number ``i``) from ``obj``."""
    if f.get is None and f.name.isidentifier() and not keyword.iskeyword(f.name):
        return f"obj.{f.name}"
    env[f"_get{i}"] = _get_of(f)
    return f"_get{i}(obj)"


def _value_expr(f: Field, i: int, read: str, env: dict[str, Any], *, json: bool) -> str:
    """The expression of field ``f``'s value in the dump, given how it is read."""
    if f.kind == "shape":
        env[f"_one{i}"] = _dumper(f)
        return f"[_one{i}(v) for v in {read}]" if f.many else f"_one{i}({read})"
    if f.kind == "map":
        return f"{{k: list(v) for k, v in {read}.items()}}"
    if f.kind == "instant":
        env[f"_to{i}"] = _instant_json if json else _instant_value
        return f"[_to{i}(v) for v in {read}]" if f.many else f"_to{i}({read})"
    if f.many:
        return f"list({read})"
    return read


def _dumper(f: Field) -> Callable[[Any], Any]:
    """How a nested field dumps one of its values (with several shapes: by the value's type)."""
    shapes = f.shape if isinstance(f.shape, tuple) else (f.shape,)
    name = f.name

    def dump_one(value: Any) -> Any:
        if value is None:
            return None
        if len(shapes) == 1:
            return shapes[0].dump(value)  # type: ignore[union-attr]
        declared = getattr(type(value), "SHAPE", None)
        for s in shapes:
            if declared is s:
                return s.dump(value)
        msg = f"{name}: a {type(value).__name__} is none of the shapes declared"
        raise TypeError(msg)

    return dump_one


def merge(name: str, description: str, *parts: Shape | Field | Sequence[Field]) -> Shape:
    """A shape made of other shapes' fields and more fields, in order (a command's output).

    The merged shape reads every field by its name (the parts' own ``get`` are dropped): dump
    a mapping of the values, e.g. the clocks and :func:`values_of` an answer.
    """
    fields: list[Field] = []
    for part in parts:
        if isinstance(part, Shape):
            fields.extend(part.fields)
        elif isinstance(part, Field):
            fields.append(part)
        else:
            fields.extend(part)
    return Shape(name, description, *(replace(f, get=None) for f in fields))


def values_of(obj: Any, shape: Shape | None = None) -> dict[str, Any]:
    """An object's top-level field values by name, read as ``shape`` (default: its SHAPE) does.

    Nested rows stay objects; :meth:`Shape.dump` of a merged shape turns them into JSON.
    """
    declared = shape if shape is not None else obj.SHAPE
    return {f.name: _get_of(f)(obj) for f in declared.fields}


__all__ = [
    "INSTANT_PATTERN",
    "Column",
    "ColumnKind",
    "DatePart",
    "Field",
    "Kind",
    "Shape",
    "boolean",
    "date",
    "document",
    "instant",
    "integer",
    "mapping",
    "merge",
    "nested",
    "number",
    "text",
    "texts",
    "values_of",
]
