"""What every projection answer has in common: typed rows, flat records, a JSON-able form.

Each answer is a frozen dataclass. A row type (a stance step, a figure point, a posture row)
has a ``record()`` method giving one flat dict of plain values: strings, numbers, booleans and
``None``; a date becomes three columns (its text and the first and last instants it may
denote, RFC 3339 UTC), and a tuple of ids becomes one comma-joined string. Every row of a type
has the same keys, so ``pandas.DataFrame(rows.to_records())`` or ``polars.DataFrame(...)``
builds a table without tracker depending on either. ``to_json()`` is the same data as plain
JSON values (what the command line's ``--json`` prints); answers with several tables (a
posture's current rows and its steps) give one key per table there.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar, overload

from tracker.events.dates import PartialDate, format_instant


class HasRecord(Protocol):
    """A row type: it flattens itself into one dict of plain values."""

    def record(self) -> dict[str, Any]:
        """One flat dict of plain values."""
        ...


R = TypeVar("R", bound=HasRecord)


@dataclass(frozen=True)
class Rows(Sequence[R], Generic[R]):
    """An ordered, immutable list of typed rows with a table form.

    It behaves as a tuple (index, slice, iterate, ``len``) and adds :meth:`to_records` and
    :meth:`to_json`.
    """

    items: tuple[R, ...] = ()

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

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per row, ready for ``pandas.DataFrame(...)`` or ``csv.DictWriter``."""
        return [item.record() for item in self.items]

    def to_json(self) -> list[dict[str, Any]]:
        """The rows as JSON-able values (the same flat dicts)."""
        return self.to_records()


def rows(items: Iterable[R]) -> Rows[R]:
    """Wrap rows (already in their final order)."""
    return Rows(tuple(items))


def instant(value: datetime | None) -> str | None:
    """An instant as RFC 3339 UTC text, or None."""
    return format_instant(value) if value is not None else None


def date_columns(name: str, value: PartialDate | None) -> dict[str, Any]:
    """A partial date as three columns: ``name`` (its text), ``name_earliest``, ``name_latest``.

    The text keeps what the source said (``2026-01``, ``..2026-01-12``, ``2026-01-09~``); the two
    instants give the interval it stands for, so uncertain dates stay the intervals they are.
    """
    if value is None:
        return {name: None, f"{name}_earliest": None, f"{name}_latest": None}
    return {
        name: value.text,
        f"{name}_earliest": instant(value.earliest),
        f"{name}_latest": instant(value.latest),
    }


def joined(values: Iterable[str]) -> str:
    """Ids as one comma-joined string (empty when there are none)."""
    return ",".join(values)


__all__ = ["HasRecord", "Rows", "date_columns", "instant", "joined", "rows"]
