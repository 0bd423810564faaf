"""Typed DataFrames and HTML tables from a declared shape (pandas and polars are optional).

Each flat column of a :class:`~tracker.projections.shape.Shape` becomes one column of the
frame, in declared order, typed from its declaration:

==========  ==========================  ===============================
kind        pandas                      polars
==========  ==========================  ===============================
text        ``string`` (null: ``<NA>``)  ``String``
integer     ``Int64``                   ``Int64``
number      ``Float64``                 ``Float64``
boolean     ``boolean``                 ``Boolean``
instant     ``datetime64[us, UTC]``     ``Datetime("us", "UTC")``
a list      ``object`` (Python lists)   ``List`` of the item type
==========  ==========================  ===============================

pandas and polars are imported here only, on the first call that needs one; a missing one
is named with the extra that installs it.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from tracker.projections.shape import Column, Shape

PANDAS_DTYPES: dict[str, str] = {
    "text": "string",
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
    "instant": "datetime64[us, UTC]",
}
"""The pandas dtype of each column kind (a list column is ``object``, holding lists)."""


def _require(module: str, method: str) -> Any:
    import importlib

    from tracker.errors import MissingExtraError

    try:
        return importlib.import_module(module)
    except ModuleNotFoundError:
        msg = (
            f"{method}() needs {module}, which is not installed: "
            f"pip install 'tracker[{module}]' (or pip install {module})"
        )
        raise MissingExtraError(msg) from None


def _columns(shape: Shape, objs: Iterable[Any]) -> tuple[tuple[Column, ...], dict[str, list[Any]]]:
    if not shape.is_table:
        msg = f"{shape.name} nests other tables; take one of them (a frame is one table)"
        raise TypeError(msg)
    columns = shape.columns
    data: dict[str, list[Any]] = {c.name: [] for c in columns}
    lists = [data[c.name] for c in columns]
    names = [c.name for c in columns]
    values = shape.values
    for obj in objs:
        row = values(obj)
        for name, column in zip(names, lists, strict=True):
            column.append(row[name])
    return columns, data


def pandas_frame(shape: Shape, objs: Iterable[Any]) -> Any:
    """A pandas DataFrame of ``objs`` (rows of ``shape``), typed from the declaration."""
    pd = _require("pandas", "to_pandas")
    columns, data = _columns(shape, objs)
    series = {}
    for c in columns:
        values = data[c.name]
        if c.many:
            series[c.name] = pd.Series(values, dtype=object)
        else:
            series[c.name] = pd.Series(values, dtype=PANDAS_DTYPES[c.kind])
    return pd.DataFrame(series, columns=[c.name for c in columns])


def polars_schema(shape: Shape) -> dict[str, Any]:
    """The polars schema of a table shape: column name -> polars dtype."""
    pl = _require("polars", "to_polars")
    scalar = {
        "text": pl.String,
        "integer": pl.Int64,
        "number": pl.Float64,
        "boolean": pl.Boolean,
        "instant": pl.Datetime("us", "UTC"),
    }
    return {
        c.name: pl.List(scalar[c.kind]) if c.many else scalar[c.kind] for c in shape.columns
    }


def polars_frame(shape: Shape, objs: Iterable[Any]) -> Any:
    """A polars DataFrame of ``objs`` (rows of ``shape``), typed from the declaration."""
    pl = _require("polars", "to_polars")
    _, data = _columns(shape, objs)
    return pl.DataFrame(data, schema=polars_schema(shape))


HTML_ROWS = 200
"""At most this many rows are drawn in a notebook (the rest are counted)."""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(escape(str(v)) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return escape(str(value))


def html_table(shape: Shape, objs: Iterable[Any], *, title: str | None = None) -> str:
    """The rows as an HTML table (every text escaped: recorded text stays text)."""
    items = list(objs)
    if not shape.is_table:
        msg = f"{shape.name} nests other tables"
        raise TypeError(msg)
    names = [c.name for c in shape.columns]
    head = "".join(f"<th>{escape(n)}</th>" for n in names)
    body = []
    for obj in items[:HTML_ROWS]:
        row = shape.dump(obj)
        body.append("<tr>" + "".join(f"<td>{_cell(row[n])}</td>" for n in names) + "</tr>")
    more = len(items) - HTML_ROWS
    caption = escape(f"{title or shape.name}: {len(items)} row{'s' if len(items) != 1 else ''}")
    if more > 0:
        caption += escape(f" (the first {HTML_ROWS} shown; .to_pandas() holds all)")
    return (
        f'<table class="tracker-{escape(shape.name)}"><caption>{caption}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


__all__ = ["HTML_ROWS", "PANDAS_DTYPES", "html_table", "pandas_frame", "polars_frame"]
