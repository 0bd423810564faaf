"""Reading files of events to import: JSONL, or CSV in the flat layout of ``tracker add``.

JSONL: one event per line, as a JSON object in the form ``tracker schema`` describes; blank
lines are skipped. CSV: a header row of flat names (the flags of ``tracker add`` without the
``--``: ``type,occurred,speaker,quote,source,publisher``), then one event per row; a blank cell
is a flag not given; a column may repeat (two ``source`` columns give two sources, paired with
two ``publisher`` columns by position); a list cell may hold several values separated by ``;``
(``tags`` = ``paywall;uk``). See :mod:`tracker.events.flat`.

Every line is checked before anything is appended: :func:`read_events` raises
:class:`~tracker.errors.InvalidFileError` listing every problem of every line, in line order
(``file:line: field: problem``). ``tracker import`` reads with ``check=False`` and hands the
problems and the lines that are not events to ``Log.append_file``, which adds the ids they
name that the log lacks and reports them all at once. The CSV reading is in
:mod:`tracker._import_csv`; dates written out are read by :mod:`tracker.events.written`.
"""

from __future__ import annotations

import functools
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Literal

from tracker._json import JSONReadError, load_json_fast
from tracker._plan import Rejected
from tracker._problems import Problems, Row, general_field
from tracker.errors import MAX_PROBLEMS, InvalidEventError, InvalidInputError
from tracker.events.codec import event_problems, prepare_event, prepare_events
from tracker.events.models import EVENT_TYPES, AnyEvent
from tracker.events.written import (
    DateOrder,
    Reading,
    address_paths,
    address_problems,
    has_address_problem,
    read_event_dates,
)

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
    readings: list[tuple[str, str, Reading]] = field(default_factory=list)
    """Each date written another way and what it was read as: (label, field, reading)."""


DATE_ORDER_ARGUMENT = "date_order='DMY' or 'MDY'"
"""How a refusal of a date whose day and month could swap names :func:`read_events`'s order."""


def read_events(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    format: Format | None = None,  # noqa: A002 - the natural name
    name: str | None = None,
    progress: Callable[[int], None] | None = None,
    max_problems: int = MAX_PROBLEMS,
    date_order: DateOrder | None = None,
    date_languages: Sequence[str] | None = None,
) -> EventFile:
    """Read and validate every event of a JSONL or CSV file (``-`` for standard input).

    A date written as articles write it (``12 January 2026``, ``13/01/2026``) is read into the
    log's form (see :mod:`tracker.events.written`); ``readings`` lists each.

    Args:
        source: a path, ``-`` (standard input), or a binary stream.
        format: ``jsonl`` or ``csv``; guessed from the file name, else from the first byte.
        name: the name used in messages (defaults to the path, or ``stdin``).
        progress: called with the number of lines read so far, every thousand lines.
        max_problems: how many bad lines to list before only counting them.
        date_order: how to read a numeric day and month that could swap (``DMY`` or
            ``MDY``); without it such a date is refused with both readings.
        date_languages: the languages month names may be in (dateparser's codes; default
            English, French, German, Spanish, Portuguese, Italian, Dutch and Indonesian).

    Raises:
        InvalidInputError: the file cannot be read, or its format cannot be told.
        InvalidFileError: some lines are not valid events; lists them, nothing is kept.
    """
    loaded = prepare_file(
        source,
        format=format,
        name=name,
        progress=progress,
        max_problems=max_problems,
        date_order=date_order,
        date_languages=date_languages,
    )
    out = EventFile(loaded.name, loaded.format, labels=loaded.labels, readings=loaded.readings)
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
    readings: list[tuple[str, str, Reading]] = field(default_factory=list)
    """Each date written another way and what it was read as: (label, field, reading)."""
    positions: list[int] = field(default_factory=list)
    """The line of each prepared event (problems are listed in line order)."""
    rejected: list[Rejected] = field(default_factory=list)
    """The lines that are not valid events, whose ids ``Log.append_file`` still checks."""
    problems: Problems = field(default_factory=Problems)
    """Every problem found reading and validating the lines (empty when all are events)."""

    def check(self) -> None:
        """Raise the error that lists every problem, if a line has one.

        Raises:
            InvalidFileError: some lines are not valid events.
        """
        self.problems.raise_if_any()

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
    date_order: DateOrder | None = None,
    date_languages: Sequence[str] | None = None,
    check: bool = True,
    date_order_hint: str = DATE_ORDER_ARGUMENT,
) -> PreparedFile:
    """Read, validate and prepare every event of a file to append, as :func:`read_events` reads.

    The same arguments, checks, errors and messages as :func:`read_events`; with
    ``date_order_hint``, a date whose day and month could swap is refused saying that, not
    ``date_order=``, gives the order (the command line names its flag). With ``check``
    false, lines that are not valid events do not raise: the file's ``problems`` and
    ``rejected`` lines go to ``Log.append_file``, which adds the ids they name that the log
    lacks and reports them all at once.
    """
    how = _How(progress, max_problems, date_order, date_languages, check, date_order_hint)
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        if path == "-":
            return _load(sys.stdin.buffer, format, name or "stdin", how)
        try:
            stream = open(path, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            msg = f"cannot read {path}: {exc.strerror or exc}"
            raise InvalidInputError(msg) from None
        with stream:
            _refuse_device(stream, path)
            fmt = format or _SUFFIXES.get(os.path.splitext(path)[1].lower())
            return _load(stream, fmt, name or path, how)
    return _load(source, format, name or "stream", how)


def _refuse_device(stream: IO[bytes], path: str) -> None:
    """Refuse a device (``/dev/zero``, ``/dev/urandom``, a disk): read whole, it would fill
    memory before any line could be checked. A FIFO (``<(...)``) is read as a file is."""
    mode = os.fstat(stream.fileno()).st_mode
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a character device" if stat.S_ISCHR(mode) else "a block device"
        msg = (
            f"{path} is {kind}, not a file of events: give the path of a CSV or JSONL file "
            "(or - for standard input)"
        )
        raise InvalidInputError(msg)


@dataclass(frozen=True)
class _How:
    """How a file is read: the caller's options, passed down as one."""

    progress: Callable[[int], None] | None
    max_problems: int
    date_order: DateOrder | None
    date_languages: Sequence[str] | None
    check: bool = True
    date_order_hint: str = ""


def _load(stream: IO[bytes], fmt: Format | None, name: str, how: _How) -> PreparedFile:
    try:
        data = stream.read()
    except OSError as exc:
        msg = f"cannot read {name}: {exc.strerror or exc}"
        raise InvalidInputError(msg) from None
    data = data.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte order mark (Windows editors)
    first = data.lstrip()[:1]
    # No CSV header starts with '{': such a file is JSON lines whatever its name says (a log
    # saved as .csv is then named as a log, not as a CSV quote in the wrong place).
    if fmt is None or (fmt == "csv" and first == b"{"):
        fmt = "jsonl" if first in (b"{", b"[", b"") else "csv"
    if fmt == "jsonl" and first == b"[":
        msg = f"{name} holds a JSON array; write one event per line (JSONL) instead"
        raise InvalidInputError(msg)
    from tracker._gc import paused as _gc_paused

    # Many objects and no cycles: collecting while they are built only rescans them, and so
    # would the first collections after (what a big file built is frozen on the way out, as
    # Log.append freezes what a big batch built).
    with _gc_paused(freeze=len(data) >= _BIG):
        return _prepare(data, fmt, name, how)


@functools.cache
def _address_without_scheme() -> re.Pattern[bytes]:
    """An address key (``"url"``) whose value may lack a scheme: a line worth a careful look."""
    keys = {p[-1] for t in EVENT_TYPES for p in address_paths(t)} - {"*", "@"}
    names = b"|".join(sorted(re.escape(k).encode() for k in keys))
    return re.compile(rb'"(?:%s)"\s*:\s*"(?![A-Za-z][A-Za-z0-9+\-]*:)' % names)


_BIG = 1 << 16
"""A file this large (64 kB: a hundred or so events) has its models frozen once read."""

_CHUNK = 1000
"""Events validated, dumped and digested in one call: a file's parsed dicts never all wait."""


def _prepare(data: bytes, fmt: Format, name: str, how: _How) -> PreparedFile:
    progress = how.progress
    problems = Problems(how.max_problems)
    prepared: list[tuple[AnyEvent, dict[str, Any], str]] = []
    labels: list[str] = []
    positions: list[int] = []
    items: list[object] = []
    readings: list[tuple[str, str, Reading]] = []
    bad = False
    # A JSONL file whose every address starts with a scheme needs no look at its lines: one
    # search of the bytes says so (a tenth of a big import's time, per line). The search
    # reads keys and values as written, so a file with a ``\u`` escape anywhere (a key
    # ``"ur\u006c"``, a value ``"\u0065xample.org"``: the only ways to spell them otherwise in
    # JSON) is looked at line by line, as a CSV file always is.
    look_at_addresses = (
        fmt == "csv" or b"\\u" in data or _address_without_scheme().search(data) is not None
    )

    def flush() -> None:
        # A chunk in one validation, one dump and one digest per event. Dates written another
        # way are read only when a chunk does not validate: a file in the log's own form
        # never pays for looking.
        nonlocal bad
        if not bad and not problems:
            start = len(prepared)
            try:
                prepared.extend(prepare_events(items, lambda i: labels[start + i]))
            except InvalidEventError:
                bad = True
                before = len(readings)
                for at, item in zip(positions[start:], items, strict=True):
                    _read_written(item, at, f"{name}:{at}", how, problems, readings)
                if not problems and len(readings) > before:
                    try:
                        prepared.extend(prepare_events(items, lambda i: labels[start + i]))
                        bad = False
                    except InvalidEventError:
                        pass
        items.clear()

    for n, (line, item, _skip) in enumerate(_rows(data, fmt, name, problems), 1):
        if progress is not None and n % 1000 == 0:
            progress(line)
        if look_at_addresses and not bad and has_address_problem(item):
            bad = True  # valid, but an address has no scheme: listed by the careful reading
        labels.append(f"{name}:{line}")
        positions.append(line)
        items.append(item)
        if len(items) == _CHUNK:
            flush()
    flush()
    if not bad and not problems and prepared:
        return PreparedFile(name, fmt, prepared, labels, readings, positions)
    # Some line is bad: read again line by line, to list every problem of every line in file
    # order (a problem of reading, of a date, of each field, interleaved).
    out = PreparedFile(name, fmt, [], [], [], [], [], Problems(how.max_problems))
    for line, item, skip in _rows(data, fmt, name, out.problems):
        _careful(out, line, item, skip, how)
    if how.check:
        out.check()
    if not out.prepared and not out.rejected and not out.problems:
        msg = f"{name} holds no events"
        raise InvalidInputError(msg)
    return out


def _careful(
    out: PreparedFile, line: int, item: dict[str, Any], skip: set[str], how: _How
) -> None:
    """Read one line alone: its dates, then every field; file each problem under its line.

    ``skip`` names the fields whose problems were filed already (reading a CSV row): their
    validation errors would say the same again.
    """
    label = f"{out.name}:{line}"
    problems = out.problems
    skip |= _read_written(item, line, label, how, problems, out.readings)
    if not skip:
        try:
            step = prepare_event(item, where=label)
        except InvalidEventError:
            pass
        else:
            out.prepared.append(step)
            out.labels.append(label)
            out.positions.append(line)
            return
    for path, message in event_problems(item, where=label):
        if general_field(path) not in skip:
            problems.add(message, at=line)
    out.rejected.append(Rejected(len(out.prepared), line, label, item))


def _read_written(
    item: object,
    line: int,
    label: str,
    how: _How,
    problems: Problems,
    readings: list[tuple[str, str, Reading]],
) -> set[str]:
    """Rewrite the dates of one line written another way into the log's form (noted in
    ``readings``); a date that cannot be read without a guess, and a web address without its
    scheme, are problems of its line. Returns the fields with such a problem."""
    if type(item) is not dict:
        return set()
    found, bad = read_event_dates(
        item, order=how.date_order, languages=how.date_languages, order_hint=how.date_order_hint
    )
    bad += address_problems(item)
    kind = item.get("type")
    for path, message in bad:
        problems.add(f"{label}: {kind}.{path}: {message}", at=line)
    for path, reading in found:
        readings.append((label, f"{kind}.{path}", reading))
    return {general_field(path) for path, _message in bad}


def _rows(data: bytes, fmt: Format, name: str, problems: Problems) -> Iterator[Row]:
    """The events of a file as dicts, in order; what cannot be read is filed in ``problems``."""
    if fmt == "jsonl":
        return _jsonl_rows(data, name, problems)
    from tracker._import_csv import csv_rows

    return csv_rows(data, name, problems)


def _jsonl_rows(data: bytes, name: str, problems: Problems) -> Iterator[Row]:
    for line_no, raw in enumerate(data.split(b"\n"), 1):
        line = raw.strip()
        if not line:
            continue
        try:
            item = load_json_fast(line)
        except JSONReadError as exc:
            problems.add(f"{name}:{line_no}: {exc}", at=line_no)
            continue
        except UnicodeDecodeError:
            problems.add(
                f"{name}:{line_no}: not UTF-8 text; save the file as UTF-8 and try again",
                at=line_no,
            )
            continue
        except json.JSONDecodeError as exc:
            problems.add(
                f"{name}:{line_no}: not valid JSON (at column {exc.colno}); "
                "write one JSON object per line",
                at=line_no,
            )
            continue
        if not isinstance(item, dict):
            problems.add(
                f"{name}:{line_no}: expected a JSON object (one event), got {type(item).__name__}",
                at=line_no,
            )
            continue
        if _RECORD_KEYS <= item.keys() and "type" not in item:
            msg = (
                f"{name} is a tracker log (line {line_no} is a record, not an event): to copy a "
                f"log, with its records' times and hashes, use 'tracker copy {name} DEST'"
            )
            raise InvalidInputError(msg)
        yield line_no, item, set()


_RECORD_KEYS = frozenset(("seq", "hash", "prev", "event"))
"""Keys every record of a log has and no event has: a log given where events were meant."""


__all__ = ["MAX_PROBLEMS", "EventFile", "PreparedFile", "prepare_file", "read_events"]
