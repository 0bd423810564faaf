"""Reading a CSV file of events: the flat layout of ``tracker add``, one event per row.

A header row of flat names (the flags of ``tracker add`` without the ``--``), then one event
per row; see :mod:`tracker._import` for the layout and :mod:`tracker.events.flat` for the
names. The file is read strictly: a quote that ends inside a cell, or never ends, is a problem
named on the line it opens, and so is a quoted cell that swallowed the rows after it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from tracker._problems import Problems, Row, general_field
from tracker.errors import InvalidInputError
from tracker.events.flat import build
from tracker.events.models import EVENT_TYPES


def csv_rows(data: bytes, name: str, problems: Problems) -> Iterator[Row]:
    """The rows of a CSV file as event dicts; what cannot be read is filed in ``problems``.

    Raises:
        InvalidInputError: the file is not UTF-8, or its header is wrong (no ``type`` column,
            cells separated by ';', a column that is no field of any event type).
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_no = data[: exc.start].count(b"\n") + 1
        msg = f"{name}:{line_no}: not UTF-8 text; save the file as CSV UTF-8 and try again"
        raise InvalidInputError(msg) from None
    # strict: a quote that ends inside a cell, or never ends, is an error to name, not a
    # cell that swallows what follows
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise InvalidInputError(f"{name}:1: {_csv_problem(exc, 1, reader.line_num)}") from None
    header = [h.strip().removeprefix("--").replace("-", "_").lower() for h in header]
    if "type" not in header:
        if len(header) == 1 and ";" in header[0]:
            msg = (
                f"{name}:1: the cells are separated by ';', not ','; save the file as CSV "
                "with commas (in a spreadsheet: CSV UTF-8, comma-delimited)"
            )
        else:
            msg = f"{name}:1: the header has no 'type' column (the first row names the columns)"
        raise InvalidInputError(msg)
    _check_header(header, name)
    type_col = header.index("type")
    line_no = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.add(f"{name}:{line_no}: {_csv_problem(exc, line_no, reader.line_num)}", at=line_no)
            line_no = reader.line_num + 1
            continue
        start, line_no = line_no, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        swallowed = _swallowed(header, row) if line_no - start > 1 else None
        if swallowed is not None:
            problems.add(
                f"{name}:{start}: the quote that opens the '{swallowed}' cell is not closed "
                f"where the row ends: lines {start + 1}-{line_no - 1} were read into that cell; "
                'close the quote (inside a quoted cell, write a quote twice: "")',
                at=start,
            )
            continue
        if len(row) > len(header):
            problems.add(
                f"{name}:{start}: {len(row)} cells but the header names {len(header)} columns",
                at=start,
            )
            continue
        event_type = row[type_col].strip() if type_col < len(row) else ""
        if event_type not in EVENT_TYPES:
            what = (
                f"unknown event type '{event_type}'" if event_type else "the 'type' cell is empty"
            )
            problems.add(f"{name}:{start}: {what} (types: {', '.join(EVENT_TYPES)})", at=start)
            continue
        cells = [(h, c) for h, c in zip(header, row, strict=False) if h != "type"]
        found: list[tuple[list[str], str]] = []
        flat = build(event_type, _given(cells, event_type), skip_empty=True, problems=found)
        skip: set[str] = set()
        for fields, message in found:
            problems.add(f"{name}:{start}: {message}", at=start)
            skip.update(general_field(f) for f in fields)
        if flat.patch:
            problems.add(
                f"{name}:{start}: replacement.* columns need the log's current version; "
                "in a file, give the whole replacement as JSON in a 'replacement' column",
                at=start,
            )
            skip.add("replacement")
        yield start, flat.data, skip


def _csv_problem(exc: csv.Error, start: int, end: int) -> str:
    """What a CSV reading error means, for the row that starts on line ``start``."""
    text = str(exc)
    twice = 'inside a quoted cell, write a quote twice: ""'
    if text == "unexpected end of data":
        return (
            "a quote opened on this line is never closed: the rest of the file was read into "
            f"one cell; close it ({twice})"
        )
    if "expected after '\"'" in text:
        if end > start:
            return (
                f"a quote opened on this line closes only on line {end}, inside a cell: close "
                f"it where its cell ends ({twice})"
            )
        return f"a quote closes inside a cell: quote the whole cell ({twice})"
    if text.startswith("field larger than field limit"):
        limit = f"{csv.field_size_limit():,}"
        if end > start:  # (the cell ran on over lines: most often a quote never closed)
            return (
                f"a cell that starts on this line runs on to line {end} and past {limit} "
                f"characters: a quote opened here is most likely never closed; close it "
                f"({twice})"
            )
        return f"a cell is longer than {limit} characters, more than any field holds; shorten it"
    if "NUL" in text:
        return "the line holds a NUL byte; save the file as CSV UTF-8 text"
    return text


def _swallowed(header: list[str], row: list[str]) -> str | None:
    """The column whose cell swallowed rows after its own (a quote left open), if one did:
    a line break in it followed by what reads as a row of this file (an event type, then a
    comma). A cell with line breaks and no such line is a quote on several lines."""
    for column, cell in zip(header, row, strict=False):
        if "\n" in cell and _ROW_START.search(cell):
            return column
    return None


_ROW_START = re.compile(rf"\n\s*(?:{'|'.join(sorted(EVENT_TYPES))})\s*,")


_SYNONYMS = {"date": "occurred", "when": "occurred", "url": "source", "link": "source"}
"""Headers people write for a column that has another name here."""


def _check_header(header: list[str], name: str) -> None:
    """Refuse a column that is no field of any event type (a misspelt header), once."""
    import difflib

    from tracker.events.flat import spec

    known = {"type"}
    for event_type in EVENT_TYPES:
        known.update(spec(event_type).by_name)
    for column in header:
        if column and column not in known:
            close = [_SYNONYMS[column]] if column in _SYNONYMS else []
            close = close or difflib.get_close_matches(column, sorted(known), n=1, cutoff=0.75)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            msg = (
                f"{name}:1: column '{column}' is not a field of any event type{hint} (the "
                "columns are the flags of 'tracker add TYPE --help', without the --)"
            )
            raise InvalidInputError(msg)


def _given(cells: list[tuple[str, str]], event_type: str) -> list[tuple[str, str]]:
    """Split list cells on ';'; keep blank cells only in repeated groups (they hold a place)."""
    from tracker.events.flat import spec

    flat = spec(event_type)
    out: list[tuple[str, str]] = []
    for header, cell in cells:
        f = flat.by_name.get(header)
        if f is not None and f.kind == "list":
            out.extend((header, part) for part in cell.split(";") if part.strip())
        elif cell.strip() or (f is not None and f.group is not None and f.kind == "value"):
            out.append((header, cell))
    return out


__all__ = ["csv_rows"]
