"""Reading files of events to import: JSONL, or CSV in the flat layout of ``tracker add``.

JSONL: one event per line, as a JSON object in the form ``tracker schema`` describes; blank
lines are skipped. CSV: a header row of flat names (the flags of ``tracker add`` without the
``--``: ``type,occurred,speaker,quote,source,publisher``), then one event per row; a blank cell
is a flag not given; a column may repeat (two ``source`` columns give two sources, paired with
two ``publisher`` columns by position); a list cell may hold several values separated by ``;``
(``tags`` = ``paywall;uk``). See :mod:`tracker.events.flat`.

Every line is checked before anything is appended: :func:`read_events` raises
:class:`~tracker.errors.InvalidFileError` listing the bad lines (``file:line: field: problem``).
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, Literal

from tracker._json import JSONReadError, load_json_fast
from tracker.errors import MAX_PROBLEMS, InvalidEventError, InvalidFileError, InvalidInputError
from tracker.events.codec import prepare_event, prepare_events
from tracker.events.flat import build
from tracker.events.models import EVENT_TYPES, AnyEvent

Format = Literal["jsonl", "csv"]

_SUFFIXES: dict[str, Format] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
}


@dataclass
class EventFile:
    """The events of a file, each with its label (``events.csv:12``), in file order."""

    name: str
    format: Format
    events: list[AnyEvent] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)


class _Problems:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.lines: list[str] = []
        self.count = 0

    def add(self, text: str) -> None:
        self.count += 1
        if len(self.lines) < self.limit:
            self.lines.append(text)


def read_events(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    format: Format | None = None,  # noqa: A002 - the natural name
    name: str | None = None,
    progress: Callable[[int], None] | None = None,
    max_problems: int = MAX_PROBLEMS,
) -> EventFile:
    """Read and validate every event of a JSONL or CSV file (``-`` for standard input).

    Args:
        source: a path, ``-`` (standard input), or a binary stream.
        format: ``jsonl`` or ``csv``; guessed from the file name, else from the first byte.
        name: the name used in messages (defaults to the path, or ``stdin``).
        progress: called with the number of lines read so far, every thousand lines.
        max_problems: how many bad lines to list before only counting them.

    Raises:
        InvalidInputError: the file cannot be read, or its format cannot be told.
        InvalidFileError: some lines are not valid events; lists them, nothing is kept.
    """
    loaded = prepare_file(
        source, format=format, name=name, progress=progress, max_problems=max_problems
    )
    out = EventFile(loaded.name, loaded.format, labels=loaded.labels)
    for event, body, _digest in loaded.prepared:
        # (as with_id, with the id the preparation worked out: no second dump and digest)
        out.events.append(
            event if event.id is not None else event.model_copy(update={"id": body["id"]})
        )
    return out


@dataclass
class PreparedFile:
    """The events of a file ready to append: per event, what ``prepare_events`` returns.

    What :func:`read_events` reads, before the derived ids are set on the models (the
    canonical dicts carry them): ``tracker import`` hands this to ``Log.append_prepared``
    so nothing is validated, dumped or digested twice.
    """

    name: str
    format: Format
    prepared: list[tuple[AnyEvent, dict[str, Any], str]]
    labels: list[str]

    @property
    def events(self) -> list[AnyEvent]:
        """The models, as given (a derived id is left unset: see the canonical dicts)."""
        return [step[0] for step in self.prepared]


def prepare_file(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    format: Format | None = None,  # noqa: A002 - the natural name
    name: str | None = None,
    progress: Callable[[int], None] | None = None,
    max_problems: int = MAX_PROBLEMS,
) -> PreparedFile:
    """Read, validate and prepare every event of a file to append, as :func:`read_events` reads.

    The same arguments, checks, errors and messages as :func:`read_events`.
    """
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        if path == "-":
            return _load(sys.stdin.buffer, format, name or "stdin", progress, max_problems)
        try:
            stream = open(path, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            msg = f"cannot read {path}: {exc.strerror or exc}"
            raise InvalidInputError(msg) from None
        with stream:
            fmt = format or _SUFFIXES.get(os.path.splitext(path)[1].lower())
            return _load(stream, fmt, name or path, progress, max_problems)
    return _load(source, format, name or "stream", progress, max_problems)


def _load(
    stream: IO[bytes],
    fmt: Format | None,
    name: str,
    progress: Callable[[int], None] | None,
    max_problems: int,
) -> PreparedFile:
    try:
        data = stream.read()
    except OSError as exc:
        msg = f"cannot read {name}: {exc.strerror or exc}"
        raise InvalidInputError(msg) from None
    data = data.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte order mark (Windows editors)
    first = data.lstrip()[:1]
    if fmt is None:
        fmt = "jsonl" if first in (b"{", b"[", b"") else "csv"
    if fmt == "jsonl" and first == b"[":
        msg = f"{name} holds a JSON array; write one event per line (JSONL) instead"
        raise InvalidInputError(msg)
    from tracker._gc import paused as _gc_paused

    # Many objects and no cycles: collecting while they are built only rescans them, and so
    # would the first collections after (what a big file built is frozen on the way out, as
    # Log.append freezes what a big batch built).
    with _gc_paused(freeze=len(data) >= _BIG):
        return _prepare(data, fmt, name, progress, max_problems)


_BIG = 1 << 16
"""A file this large (64 kB: a hundred or so events) has its models frozen once read."""

_CHUNK = 1000
"""Events validated, dumped and digested in one call: a file's parsed dicts never all wait."""


def _prepare(
    data: bytes,
    fmt: Format,
    name: str,
    progress: Callable[[int], None] | None,
    max_problems: int,
) -> PreparedFile:
    problems = _Problems(max_problems)
    prepared: list[tuple[AnyEvent, dict[str, Any], str]] = []
    labels: list[str] = []
    items: list[object] = []
    bad = False

    def flush() -> None:
        # A chunk in one validation, one dump and one digest per event.
        nonlocal bad
        if not bad and not problems.count:
            start = len(prepared)
            try:
                prepared.extend(prepare_events(items, lambda i: labels[start + i]))
            except InvalidEventError:
                bad = True
        items.clear()

    for n, (line, item) in enumerate(_rows(data, fmt, name, problems), 1):
        if progress is not None and n % 1000 == 0:
            progress(line)
        labels.append(f"{name}:{line}")
        items.append(item)
        if len(items) == _CHUNK:
            flush()
    flush()
    if not bad and not problems.count and prepared:
        return PreparedFile(name, fmt, prepared, labels)
    # Some line is bad: read again line by line, to list every bad line in file order with
    # the message it gives alone (a problem of reading and one of validating interleaved).
    problems = _Problems(max_problems)
    prepared = []
    labels = []
    for line, item in _rows(data, fmt, name, problems):
        label = f"{name}:{line}"
        try:
            step = prepare_event(item, where=label)
        except InvalidEventError as exc:
            problems.add(exc.message)
            continue
        prepared.append(step)
        labels.append(label)
    if problems.count:
        more = problems.count - len(problems.lines)
        tail = f" (and {more} more)" if more else ""
        what = "line is not a valid event" if problems.count == 1 else "lines are not valid events"
        msg = f"{problems.count} {what}; nothing was imported: {problems.lines[0]}{tail}"
        raise InvalidFileError(msg, problems=problems.lines, count=problems.count)
    if not prepared:
        msg = f"{name} holds no events"
        raise InvalidInputError(msg)
    return PreparedFile(name, fmt, prepared, labels)


def _rows(data: bytes, fmt: Format, name: str, problems: _Problems) -> Iterator[tuple[int, object]]:
    return _jsonl_rows(data, name, problems) if fmt == "jsonl" else _csv_rows(data, name, problems)


def _jsonl_rows(data: bytes, name: str, problems: _Problems) -> Iterator[tuple[int, object]]:
    for line_no, raw in enumerate(data.split(b"\n"), 1):
        line = raw.strip()
        if not line:
            continue
        try:
            item = load_json_fast(line)
        except JSONReadError as exc:
            problems.add(f"{name}:{line_no}: {exc}")
            continue
        except UnicodeDecodeError:
            problems.add(f"{name}:{line_no}: not UTF-8 text; save the file as UTF-8 and try again")
            continue
        except json.JSONDecodeError as exc:
            problems.add(
                f"{name}:{line_no}: not valid JSON (at column {exc.colno}); "
                "write one JSON object per line"
            )
            continue
        if not isinstance(item, dict):
            problems.add(
                f"{name}:{line_no}: expected a JSON object (one event), got {type(item).__name__}"
            )
            continue
        yield line_no, item


def _csv_rows(data: bytes, name: str, problems: _Problems) -> Iterator[tuple[int, object]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_no = data[: exc.start].count(b"\n") + 1
        msg = f"{name}:{line_no}: not UTF-8 text; save the file as CSV UTF-8 and try again"
        raise InvalidInputError(msg) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise InvalidInputError(f"{name}:1: {exc}") from None
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
            problems.add(f"{name}:{line_no}: {exc}")
            line_no = reader.line_num + 1
            continue
        start, line_no = line_no, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            problems.add(
                f"{name}:{start}: {len(row)} cells but the header names {len(header)} columns"
            )
            continue
        event_type = row[type_col].strip() if type_col < len(row) else ""
        if event_type not in EVENT_TYPES:
            what = (
                f"unknown event type '{event_type}'" if event_type else "the 'type' cell is empty"
            )
            problems.add(f"{name}:{start}: {what} (types: {', '.join(EVENT_TYPES)})")
            continue
        cells = [(h, c) for h, c in zip(header, row, strict=False) if h != "type"]
        try:
            flat = build(event_type, _given(cells, event_type), skip_empty=True)
        except InvalidEventError as exc:
            problems.add(f"{name}:{start}: {exc.message}")
            continue
        if flat.patch:
            problems.add(
                f"{name}:{start}: replacement.* columns need the log's current version; "
                "in a file, give the whole replacement as JSON in a 'replacement' column"
            )
            continue
        yield start, flat.data


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


__all__ = ["MAX_PROBLEMS", "EventFile", "PreparedFile", "prepare_file", "read_events"]
