"""What every projection answer has in common: typed rows, one declared shape, three forms.

Each answer is a frozen dataclass. A row type (a stance step, a figure point, a posture row)
declares its columns once, as its ``SHAPE`` (a :class:`~tracker.projections.shape.Shape`), and
every form is built from that declaration:

- ``to_records()``: one dict of JSON values per row, what ``--json`` prints (lists as arrays,
  absences as None, instants as RFC 3339 UTC text, a partial date as six columns);
- ``to_pandas()`` / ``to_polars()``: a typed DataFrame (datetimes, lists, nulls), built with
  the optional ``pandas`` or ``polars`` extra (imported only then);
- ``_repr_html_()``: an HTML table, so an answer shows as a table in Jupyter.

``to_json()`` is the answer as one JSON value; for answers with several tables (a posture's
current rows and its steps) it has one key per table, while ``to_records()`` and the frames
give the main table (the others are attributes: ``posture.steps.to_pandas()``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar, overload

from tracker.projections.shape import Shape


class Row:
    """A row type: it declares its :class:`Shape` once, and its JSON form comes from it."""

    __slots__ = ()

    SHAPE: ClassVar[Shape]
    """The declaration of this row type's columns."""

    def record(self) -> dict[str, Any]:
        """One flat dict of JSON values (the row's ``--json`` form)."""
        return self.SHAPE.dump(self)


R = TypeVar("R")


class Tabular:
    """An answer that is, or has as its main part, a table of declared rows."""

    __slots__ = ()

    def _main_rows(self) -> Rows[Any]:
        """The main table of the answer."""
        raise NotImplementedError

    def to_records(self) -> list[dict[str, Any]]:
        """One dict of JSON values per row of the main table, as ``--json`` prints them."""
        return self._main_rows().to_records()

    def to_pandas(self) -> Any:
        """The main table as a pandas DataFrame typed from its declaration.

        Instants are ``datetime64[us, UTC]``, partial dates six columns (text, earliest,
        latest, precision, approximate, at), lists Python lists, missing values null.

        Raises:
            MissingExtraError: pandas is not installed (``pip install 'tracker[pandas]'``).
        """
        from tracker.projections.frames import pandas_frame

        t = self._main_rows()
        return pandas_frame(t.declared, t.items)

    def to_polars(self) -> Any:
        """The main table as a polars DataFrame typed from its declaration.

        Raises:
            MissingExtraError: polars is not installed (``pip install 'tracker[polars]'``).
        """
        from tracker.projections.frames import polars_frame

        t = self._main_rows()
        return polars_frame(t.declared, t.items)

    def _repr_html_(self) -> str:
        from tracker.projections.frames import html_table

        t = self._main_rows()
        return html_table(t.declared, t.items, title=type(self).__name__)


@dataclass(frozen=True)
class Rows(Tabular, Generic[R]):
    """An ordered, immutable list of typed rows of one declared shape.

    It behaves as a tuple (index, slice, iterate, ``len``, ``in``) and adds
    :meth:`to_records`, :meth:`to_json`, :meth:`to_pandas`, :meth:`to_polars` and an HTML
    form for notebooks. It is deliberately not a :class:`collections.abc.Sequence`, and not
    an array: ``pandas.DataFrame(rows)`` would make columns of raw objects, so it is refused
    with a pointer to :meth:`to_pandas` instead.
    """

    items: tuple[R, ...] = ()
    shape: Shape | None = None
    """The rows' declaration (from the row type's ``SHAPE``)."""

    @property
    def declared(self) -> Shape:
        """The rows' declaration: column names, types, nullability, descriptions."""
        assert self.shape is not None  # (set by __post_init__)
        return self.shape

    def __post_init__(self) -> None:
        if self.shape is None:
            if not self.items:
                msg = "Rows needs its shape when it has no rows (rows(items, of=RowType))"
                raise TypeError(msg)
            object.__setattr__(self, "shape", type(self.items[0]).SHAPE)  # type: ignore[attr-defined]

    @overload
    def __getitem__(self, i: int) -> R: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[R]: ...
    def __getitem__(self, i: int | slice) -> R | Sequence[R]:
        return self.items[i]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[R]:
        return iter(self.items)

    def __reversed__(self) -> Iterator[R]:
        return reversed(self.items)

    def __contains__(self, item: object) -> bool:
        return item in self.items

    def __bool__(self) -> bool:
        return bool(self.items)

    def index(self, item: R) -> int:
        """The position of ``item`` (ValueError if it is not there)."""
        return self.items.index(item)

    def count(self, item: R) -> int:
        """How many times ``item`` is there."""
        return self.items.count(item)

    def __array__(self, *args: Any, **kwargs: Any) -> Any:
        # numpy (and pandas.DataFrame(rows), through it) would make one column of objects
        msg = (
            f"{type(self).__name__} is not an array; build a typed DataFrame with "
            ".to_pandas() or .to_polars(), or pass .to_records()"
        )
        raise TypeError(msg)

    def _main_rows(self) -> Rows[R]:
        """The rows themselves."""
        return self

    def to_records(self) -> list[dict[str, Any]]:
        """One dict of JSON values per row: what ``--json`` prints (see the module doc)."""
        return self.declared.dump_all(self.items)

    def to_json(self) -> list[dict[str, Any]]:
        """The rows as JSON values (the same dicts as :meth:`to_records`)."""
        return self.to_records()


def rows(items: Iterable[R], of: type[Any] | Shape | None = None) -> Rows[R]:
    """Wrap rows (already in their final order); ``of``: their row type (or shape)."""
    shape = of if isinstance(of, Shape) or of is None else of.SHAPE
    return Rows(tuple(items), shape)


__all__ = ["Row", "Rows", "Tabular", "rows"]
