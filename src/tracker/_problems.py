"""One list of the problems of a batch, in file order: what an import (or a batch append)
reports all at once, from reading a line to checking the ids it names against the log.

Each problem is one line, filed under the position it belongs to (a file's line number, a
batch's index) and a code (``invalid-event``, ``unknown-id``, ``conflict``). Problems found
later about an earlier line (an unknown actor, found once every line is read) still come out
in file order. Only the first ``limit`` lines are kept; the rest are counted.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable
from typing import Any

from tracker.errors import (
    MAX_PROBLEMS,
    ConflictError,
    ErrorCode,
    InvalidFileError,
    TrackerError,
    UnknownIdError,
)


class Problems:
    """The problems of one batch: every one counted, the first ``limit`` (in order) kept."""

    def __init__(self, limit: int = MAX_PROBLEMS) -> None:
        """Start an empty list that keeps at most ``limit`` lines."""
        self.limit = limit
        self.count = 0
        self.codes: set[str] = set()
        self._kept: list[tuple[int, int, str, str]] = []  # a heap of (-at, -n, code, text)
        self._at: set[int] = set()
        self._n = itertools.count()

    def copy(self) -> Problems:
        """An independent copy (to add to without changing this one)."""
        out = Problems(self.limit)
        out.count = self.count
        out.codes = set(self.codes)
        out._kept = list(self._kept)
        out._at = set(self._at)
        out._n = self._n  # (shared: numbers stay unique, and increasing, across both)
        return out

    def __bool__(self) -> bool:
        return self.count > 0

    def add(self, text: str, *, at: int, code: ErrorCode = "invalid-event") -> None:
        """File one problem under position ``at`` (problems of one position keep their order)."""
        self.count += 1
        self.codes.add(code)
        self._at.add(at)
        item = (-at, -next(self._n), code, text)
        if len(self._kept) < self.limit:
            heapq.heappush(self._kept, item)
        elif item > self._kept[0]:  # earlier than the latest kept: it takes its place
            heapq.heapreplace(self._kept, item)

    def extend(self, texts: Iterable[str], *, at: int, code: ErrorCode = "invalid-event") -> None:
        """File several problems under one position."""
        for text in texts:
            self.add(text, at=at, code=code)

    @property
    def lines(self) -> list[str]:
        """The problems kept, in order (at most ``limit``)."""
        return [text for *_key, text in sorted(self._kept, reverse=True)]

    @property
    def positions(self) -> int:
        """How many positions (lines of a file) have a problem."""
        return len(self._at)

    def first_code(self) -> str:
        """The code of the first problem in order."""
        return max(self._kept)[2]

    def error(self) -> TrackerError:
        """The one error that reports them all.

        A problem of reading or validating a file makes it an :class:`InvalidFileError`
        (``invalid-file``); ids the log lacks alone, an :class:`UnknownIdError`; ids taken for
        other content alone, a :class:`ConflictError`; both, the error of the first. A single
        unknown id or conflict is that one line, as a single event's check says it. The
        error's ``summary`` counts them (``3 unknown references``, ``7 problems in 3 lines``).
        """
        lines, count, places = self.lines, self.count, self.positions
        more = count - 1
        tail = f" (and {more} more)" if more else ""
        error: TrackerError
        if self.codes - {"unknown-id", "conflict"}:  # a line that is not a valid event
            if count == places:
                what = "line is not a valid event" if count == 1 else "lines are not valid events"
                head = f"{count} {what}"
                summary = _count(count, "bad line")
            else:
                head = summary = f"{count} problems in {_count(places, 'line')}"
            msg = f"{head}; nothing was imported: {lines[0]}{tail}"
            error = InvalidFileError(msg, problems=lines, count=count, lines=places)
        elif count == 1:
            error = UnknownIdError(lines[0]) if "unknown-id" in self.codes else ConflictError(lines[0])
            summary = _count(1, "unknown reference" if "unknown-id" in self.codes else "conflict")
        else:
            summary = {
                frozenset({"unknown-id"}): _count(count, "unknown reference"),
                frozenset({"conflict"}): _count(count, "conflict"),
            }.get(frozenset(self.codes), f"{count} problems")
            msg = f"{summary}: {lines[0]}{tail}"
            kind = UnknownIdError if self.first_code() == "unknown-id" else ConflictError
            error = kind(msg, problems=lines, count=count)
        error.summary = summary
        return error

    def raise_if_any(self) -> None:
        """Raise :meth:`error` if there is any problem."""
        if self.count:
            raise self.error()


Row = tuple[int, dict[str, Any], set[str]]
"""A line of a file read as an event dict: its number, the dict, and the fields whose problems
are filed already (their validation errors would say the same again)."""


def general_field(path: str) -> str:
    """A field path without list positions: ``sources.1.published`` -> ``sources.published``."""
    return ".".join(p for p in path.split(".") if not p.isdigit())


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


__all__ = ["Problems", "Row", "general_field"]
