"""Dates as articles write them: ``12 Januari 2026``, ``Jan 12 2026``, ``13/01/2026``.

The log keeps one grammar (:mod:`tracker.events.dates`); this module reads the other ways
people write a date and says what each was read as, in that grammar. It serves the command
line and imports only: what it returns is grammar text, which is what is stored.

- A text the grammar accepts is left alone (:func:`read_date` returns None): the common case
  costs one cached parse.
- Numbers alone (``13/01/2026``, ``01.2026``, ``2026/01/13``) are read here: a day and a
  month that could be either way round (``03/04/2026``) are refused with both readings,
  unless an order is given (``DMY`` or ``MDY``); ``13/01/2026`` has one reading.
- Words (``12 Januari 2026``, ``12. Januar 2026``, ``12 de enero de 2026``, ``January
  2026``) are read by dateparser, in English, French, German, Spanish, Portuguese, Italian,
  Dutch and Indonesian unless other languages are given (any of dateparser's locale codes).
  It is imported on first use only, so no command pays for it until a date needs it.
- ``~`` before or after a date marks it approximate; ``..`` joins the ends of an interval
  (``..12 January 2026``: on or before); each end is read as above.

Precision is never widened or narrowed: a day stays a day, a month a month (``January 2026``
is ``2026-01``). Refused, each with one line saying why and what to write: a date without a
year (``12 Jan``), a year of two digits, a time of day (write ``2026-01-12T14:30`` in the
grammar), a week or a quarter, a weekday alone, and a day and month that stay ambiguous.

The same places check the web addresses people type: one without its scheme
(``example.org/page``) is refused with the address it most likely is
(:func:`address_problems`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, Final, Literal, NoReturn

from tracker.errors import InvalidDateError, InvalidInputError
from tracker.events.dates import ACCEPTED_FORMS, PartialDate, Precision

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

__all__ = [
    "DATE_ORDERS",
    "ENV_DATE_LANGUAGES",
    "ENV_DATE_ORDER",
    "LANGUAGES",
    "ORDER_ARGUMENT",
    "DateOrder",
    "Reading",
    "UnsettledDateError",
    "address_paths",
    "address_problems",
    "has_address_problem",
    "date_paths",
    "read_date",
    "read_event_dates",
]

DateOrder = Literal["DMY", "MDY"]
"""The order of a numeric day and month: ``DMY`` (13/01/2026) or ``MDY`` (01/13/2026)."""

DATE_ORDERS: Final[tuple[DateOrder, ...]] = ("DMY", "MDY")

ENV_DATE_ORDER: Final = "TRACKER_DATE_ORDER"
"""The environment variable the command line reads the order from when no flag gives it."""

ENV_DATE_LANGUAGES: Final = "TRACKER_DATE_LANGUAGES"
"""The environment variable that replaces :data:`LANGUAGES` (comma-separated locale codes)."""

ORDER_ARGUMENT: Final = "order='DMY' or 'MDY'"
"""How a refusal of a date whose day and month could swap says to give the order, by default:
the argument of :func:`read_date` and :func:`read_event_dates` (:func:`tracker.read_events`
names its own, ``date_order=``; the command line its flag and variable)."""

LANGUAGES: Final[tuple[str, ...]] = ("en", "fr", "de", "es", "pt", "it", "nl", "id")
"""The languages month names are read in by default (dateparser's codes)."""


@dataclass(frozen=True, slots=True)
class Reading:
    """What a date written another way was read as."""

    given: str
    """The text as written (stripped)."""
    text: str
    """The same date in the log's grammar: what is stored."""
    precision: Precision
    """The precision it was given to (for an interval, its coarser end)."""

    def __str__(self) -> str:
        """``read "Januari 12, 2026" as 2026-01-12 (day)``."""
        given = _quote(self.given, '"')
        return f"read {given} as {self.text} ({self.precision})"


def read_date(
    text: str,
    *,
    order: DateOrder | None = None,
    languages: Sequence[str] | None = None,
    order_hint: str = ORDER_ARGUMENT,
) -> Reading | None:
    """Read a date written the way people write it; None if it is in the log's grammar already.

    Args:
        text: The date as written (``12 Januari 2026``, ``13/01/2026``, ``~2026-01-11``).
        order: How to read a numeric day and month that could be either way round; without
            it such a date is refused with both readings.
        languages: dateparser's codes of the languages month names may be in (default
            :data:`LANGUAGES`).
        order_hint: how the refusal of a date whose day and month could swap says to give
            the order (default :data:`ORDER_ARGUMENT`, this function's ``order=``; a caller
            that takes the order under another name gives that name).

    Returns:
        The reading, whose ``text`` is the date in the log's grammar; None when ``text`` is
        in that grammar already (nothing to convert).

    Raises:
        InvalidDateError: It is not a date, or not one that can be read without guessing
            (no year, ambiguous, a time of day, a week or quarter); one line saying why.
    """
    try:
        PartialDate.parse(text)
    except InvalidDateError as exc:
        refusal = exc
    else:
        return None
    langs = tuple(languages) if languages is not None else LANGUAGES
    outcome = _read_cached(text.strip(), order, langs, refusal.message, order_hint)
    if isinstance(outcome, Reading):
        return outcome
    raise outcome[0](outcome[1])


class UnsettledDateError(InvalidDateError):
    """A date recognised as one, but not read: it would need a guess (no year, ambiguous...)."""


@lru_cache(maxsize=4096)
def _read_cached(
    s: str, order: DateOrder | None, languages: tuple[str, ...], refusal: str, hint: str
) -> Reading | tuple[type[InvalidDateError], str]:
    """:func:`read_date` past the grammar, refusals included: an import reads the same few
    texts over and over, and dateparser takes milliseconds per text."""
    try:
        return _read(s, order, languages, refusal, hint)
    except InvalidDateError as exc:
        return type(exc), exc.message


def _read(
    s: str, order: DateOrder | None, languages: tuple[str, ...], refusal: str, hint: str
) -> Reading:
    if ".." in s:
        pieces = s.split("..")
        if len(pieces) != 2:
            raise InvalidDateError(refusal)
        ends = [
            _endpoint(p.strip(), order, languages, refusal, hint) if p.strip() else ""
            for p in pieces
        ]
        out = "..".join(ends)
    else:
        out = _endpoint(s, order, languages, refusal, hint)
    try:
        parsed = PartialDate.parse(out)
    except InvalidDateError as exc:  # an interval's ends in the wrong order, say
        reason = exc.message.split(": ", 1)[-1].removesuffix(f"; {ACCEPTED_FORMS}")
        _refuse(s, f"read as {out}, which is refused: {reason}")
    return Reading(s, parsed.text, parsed.precision)


def _endpoint(
    s: str, order: DateOrder | None, languages: tuple[str, ...], refusal: str, hint: str
) -> str:
    """One date (or interval end) as grammar text, with its ``~`` moved to the end."""
    body = s
    approximate = body.startswith("~") or body.endswith("~")
    body = body.removeprefix("~").removesuffix("~").strip()
    mark = "~" if approximate else ""
    if not body:
        raise InvalidDateError(refusal)
    try:
        return PartialDate.parse(body).text + mark  # ~2026-01-11: only the mark moves
    except InvalidDateError:
        pass
    if "~" in body or _LOG_FORM.match(body) or not _PLAIN.fullmatch(body):
        raise InvalidDateError(refusal)  # the log's form gone wrong, or no date as written
    if not any(c.isalpha() for c in body):
        return _numeric(s, body, order, refusal, hint) + mark
    return _worded(s, body, order, languages, refusal, hint) + mark


_LOG_FORM: Final = re.compile(r"[0-9]{4}-")
"""The log's own form (2026-01-..): what it refuses is not read another way (never swapped)."""
_PLAIN: Final = re.compile(r"[\w\s.,:/'’-]+")
"""What a date written out is made of: words, numbers, spaces and . , : / ' -"""

# --- numbers alone -----------------------------------------------------------------------------

_DAY_MONTH_YEAR: Final = re.compile(r"([0-9]{1,2})\s*([/.-])\s*([0-9]{1,2})\s*\2\s*([0-9]{4})\.?")
_YEAR_MONTH_DAY: Final = re.compile(r"([0-9]{4})\s*([/.])\s*([0-9]{1,2})\s*\2\s*([0-9]{1,2})\.?")
_MONTH_YEAR: Final = re.compile(r"([0-9]{1,2})\s*[/.-]\s*([0-9]{4})")
_SHORT_YEAR: Final = re.compile(r"[0-9]{1,2}\s*([/.-])\s*[0-9]{1,2}\s*\1\s*[0-9]{2}")


def _numeric(s: str, body: str, order: DateOrder | None, refusal: str, hint: str) -> str:
    """A date written in numbers alone, as grammar text."""
    m = _DAY_MONTH_YEAR.fullmatch(body)
    if m is not None:
        first, second, year = int(m[1]), int(m[3]), int(m[4])
        return _day_or_month_first(s, year, first, second, order, hint)
    m = _YEAR_MONTH_DAY.fullmatch(body)
    if m is not None:
        return _day_text(s, int(m[1]), int(m[3]), int(m[4]))
    m = _MONTH_YEAR.fullmatch(body)
    if m is not None:
        year, month = int(m[2]), int(m[1])
        if not 1 <= month <= 12 or year < 1:
            _refuse(s, f"there is no month {month} (a month is 1-12)")
        return f"{year:04d}-{month:02d}"
    if _SHORT_YEAR.fullmatch(body):
        _refuse(s, "give the year with four digits (12/01/2026), or write YYYY-MM-DD")
    raise InvalidDateError(refusal)


def _day_or_month_first(
    s: str, year: int, first: int, second: int, order: DateOrder | None, hint: str
) -> str:
    """``first/second/year``: the one reading that exists, else the one ``order`` says."""
    day_first = _valid(year, second, first)
    month_first = _valid(year, first, second)
    if day_first and month_first and first != second:
        if order is None:
            dmy = f"{year:04d}-{second:02d}-{first:02d}"
            mdy = f"{year:04d}-{first:02d}-{second:02d}"
            _refuse(s, _ambiguous(dmy, mdy, hint))
        if order == "DMY":
            return _day_text(s, year, second, first)
        return _day_text(s, year, first, second)
    if day_first:
        return _day_text(s, year, second, first)
    if month_first:
        return _day_text(s, year, first, second)
    _refuse(s, "no such day, read day first or month first")


def _ambiguous(dmy: str, mdy: str, hint: str) -> str:
    return (
        f"it reads as {dmy} (day first) or as {mdy} (month first); write YYYY-MM-DD, or give "
        f"the order ({hint})"
    )


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _day_text(s: str, year: int, month: int, day: int) -> str:
    if not _valid(year, month, day):
        _refuse(s, "no such day")
    return f"{year:04d}-{month:02d}-{day:02d}"


# --- words, through dateparser -----------------------------------------------------------------

_SMALL_NUMBER: Final = re.compile(r"(?<![0-9])[0-9]{1,2}(?![0-9])")
_YEAR: Final = re.compile(r"(?<![0-9A-Za-z])\d{4}(?![0-9A-Za-z])")
"""A year: four digits standing alone (not glued to letters, as in A0001 or T2026)."""
_WORD: Final = re.compile(r"[^\W\d_]{3,}")
_DAY_RANGE: Final = re.compile(r"(?<![0-9])([0-9]{1,2})\s*-\s*([0-9]{1,2})(?![0-9])(?!\s*[-/.])")
"""Two days joined by a dash (12-13 January), not a date in numbers (13-01-2026)."""


def _worded(
    s: str,
    body: str,
    order: DateOrder | None,
    languages: tuple[str, ...],
    refusal: str,
    hint: str,
) -> str:
    """A date with words in it (a month's name), read by dateparser, as grammar text."""
    orders: tuple[DateOrder, ...] = (order,) if order else ("DMY",)
    if order is None and len(_SMALL_NUMBER.findall(body)) >= 2:
        orders = DATE_ORDERS  # two small numbers: could a day and a month swap?
    readings = [_parse_words(body, o, languages) for o in orders]
    data = readings[0]
    if data is None:
        raise InvalidDateError(refusal)
    obj, period, parts = data
    if "time" in parts or period in ("time", "part_of_day"):
        _refuse(
            s,
            f"a time of day is read only as the log writes it: {obj:%Y-%m-%d}THH:MM, with Z, "
            "+HH:MM or a zone name (UTC if none)",
        )
    if period in ("week", "quarter"):
        _refuse(s, f"a {period} is not a day, a month or a year; give an interval (D1..D2)")
    if "year" not in parts:
        _refuse(s, "it has no year; write the year too (12 January 2026), or YYYY-MM-DD")
    if obj.year not in {int(y) for y in _YEAR.findall(body)}:
        _refuse(s, "it has no year of four digits; write it in full (12 January 2026), or YYYY-MM-DD")
    if "month" not in parts:  # a year, and words that say nothing more ("Monday 2026")
        _refuse(s, "only its year is read; write the year alone (2026), or the day")
    # The month of a day or a month comes from a number, or from a word: dateparser also
    # reads fillers ("a" as one), so a month with no number for it needs a word that can
    # name one (three letters at least: Jan, Mei, Mär).
    numbers = len(_SMALL_NUMBER.findall(body))
    if numbers < (2 if "day" in parts else 1) and not _WORD.search(body):
        raise InvalidDateError(refusal)
    text = _text_of(obj, period, parts)
    days = _DAY_RANGE.search(body)
    if days is not None and "day" in parts:  # dateparser reads the first day, drops the rest
        first, last = (f"{obj.year:04d}-{obj.month:02d}-{int(d):02d}" for d in days.groups())
        _refuse(
            s,
            f"it names days {days[1]} to {days[2]}, not one day; write the interval "
            f"({first}..{last}), or the one day",
        )
    texts = {_text_of(*r) for r in readings if r is not None}
    if len(texts) > 1:
        dmy, mdy = (_text_of(*r) for r in readings if r is not None)
        _refuse(s, _ambiguous(dmy, mdy, hint))
    # What dateparser does not find in the text it takes from a base date: read again from
    # another base, a part that moves was never written (a weekday alone, say).
    again = _parse_words(body, orders[0], languages, base=1)
    if again is None or _text_of(*again) != text:
        _refuse(s, "it names no fixed date (a weekday or a relative word?); write the day")
    return text


def _text_of(obj: Any, period: str, parts: tuple[str, ...]) -> str:
    if "day" in parts:
        return f"{obj.year:04d}-{obj.month:02d}-{obj.day:02d}"
    if "month" in parts:
        return f"{obj.year:04d}-{obj.month:02d}"
    return f"{obj.year:04d}"


def _parse_words(
    body: str, order: DateOrder, languages: tuple[str, ...], *, base: int = 0
) -> tuple[Any, str, tuple[str, ...]] | None:
    """dateparser's reading of ``body`` from base date ``base``: (datetime, period, parts)."""
    try:
        data = _parser(order, languages, base).get_date_data(body)
    except ValueError as exc:
        if "language" in str(exc):  # checked on first use: an unknown language code
            known = set(_known_languages())
            unknown = ", ".join(f"'{c}'" for c in languages if c not in known)
            msg = (
                f"unknown date language {unknown}: give dateparser's codes, as in "
                f"{ENV_DATE_LANGUAGES}=en,pl,cs"
            )
            raise InvalidInputError(msg) from None
        return None  # (a date out of Python's range, say): no reading
    if data.date_obj is None:
        return None
    return data.date_obj, str(data.period), tuple(data.parts)


def _known_languages() -> list[str]:
    from dateparser.languages.loader import LocaleDataLoader

    return [locale.shortname for locale in LocaleDataLoader().get_locales()]


_BASES: Final = (datetime(2001, 3, 15), datetime(2012, 8, 26))  # noqa: DTZ001 - naive, as dateparser's
"""Where dateparser takes what a text leaves out: fixed dates (never today: output must not
drift), two of them so that a part taken from one shows by differing from the other."""


@cache
def _parser(order: DateOrder, languages: tuple[str, ...], base: int = 0) -> Any:
    """A dateparser reader of absolute dates (never "yesterday": output must not drift)."""
    try:
        from dateparser.date import DateDataParser
    except ImportError:  # pragma: no cover - a dependency; reported if an install lost it
        from tracker.errors import MissingExtraError

        msg = "reading dates written out needs dateparser: pip install dateparser"
        raise MissingExtraError(msg) from None
    return DateDataParser(
        languages=list(languages),
        settings={
            "DATE_ORDER": order,
            "PREFER_LOCALE_DATE_ORDER": False,
            "TIMEZONE": "UTC",  # (never the machine's zone: no tzlocal, no warning)
            "RETURN_AS_TIMEZONE_AWARE": False,
            "PARSERS": ["absolute-time"],
            "RETURN_TIME_AS_PERIOD": True,
            "PREFER_DAY_OF_MONTH": "first",
            "REQUIRE_PARTS": [],
            "RELATIVE_BASE": _BASES[base],
        },
    )


def _quote(text: str, mark: str = "'") -> str:
    shown = text if text.isprintable() else repr(text)[1:-1]
    return f"{mark}{shown}{mark}"


def _refuse(s: str, reason: str) -> NoReturn:
    raise UnsettledDateError(f"invalid date {_quote(s)}: {reason}")


# --- the dates and addresses of an event --------------------------------------------------------

Path = tuple[str, ...]


def _field_paths(event_type: str, wanted: Callable[[str, Any], bool]) -> tuple[Path, ...]:
    """Where the fields ``wanted(name, type)`` picks sit in an event's dict, from the models.

    A path runs through field names; ``*`` stands for every item of a list (``sources``, ``*``,
    ``published``), and ``@`` for a nested event of its own type (a correction's replacement).
    """
    from tracker.events.flat import _list_item, _models_in, _strip
    from tracker.events.models import EVENT_TYPES

    model = EVENT_TYPES.get(event_type)
    if model is None:
        return ()

    def walk(fields: dict[str, Any], prefix: Path) -> list[Path]:
        out: list[Path] = []
        for name, info in fields.items():
            base, _ = _strip(info.annotation)
            if wanted(name, base):
                out.append((*prefix, name))
                continue
            item = _list_item(info.annotation)
            inner = _models_in(item) if item is not None else _models_in(info.annotation)
            if len(inner) == 1:
                more = (*prefix, name, "*") if item is not None else (*prefix, name)
                out.extend(walk(dict(inner[0].model_fields), more))
            elif len(inner) > 1:
                out.append((*prefix, name, "@"))
        return out

    return tuple(walk(dict(model.model_fields), ()))



@cache
def date_paths(event_type: str) -> tuple[Path, ...]:
    """Where the dates (:class:`PartialDate` fields) of an event of ``event_type`` sit."""
    return _field_paths(event_type, lambda _name, kind: kind is PartialDate)


@cache
def address_paths(event_type: str) -> tuple[Path, ...]:
    """Where the web addresses (``url`` and ``*_url`` fields) of an event sit."""
    return _field_paths(
        event_type, lambda name, kind: kind is str and (name == "url" or name.endswith("_url"))
    )


def _leaves(
    node: Any, path: Path, at: Path, paths_of: Callable[[str], tuple[Path, ...]]
) -> Iterator[tuple[dict[str, Any], str, str]]:
    """Each (dict, key, dotted field) that ``path`` reaches in ``node`` and holds a string."""
    if not isinstance(node, dict):
        return
    key, rest = path[0], path[1:]
    if key not in node:
        return
    value = node[key]
    here = (*at, key)
    if not rest:
        if isinstance(value, str):
            yield node, key, ".".join(here)
    elif rest[0] == "*":
        if isinstance(value, list):
            for i, item in enumerate(value):
                yield from _leaves(item, rest[1:], (*here, str(i)), paths_of)
    elif rest[0] == "@":
        if isinstance(value, dict) and isinstance(value.get("type"), str):
            for inner in paths_of(value["type"]):
                yield from _leaves(value, inner, here, paths_of)
    else:
        yield from _leaves(value, rest, here, paths_of)


def _fields(data: dict[str, Any], paths_of: Callable[[str], tuple[Path, ...]]) -> Iterator[
    tuple[dict[str, Any], str, str]
]:
    kind = data.get("type")
    if isinstance(kind, str):
        for path in paths_of(kind):
            yield from _leaves(data, path, (), paths_of)


def read_event_dates(
    data: dict[str, Any],
    *,
    order: DateOrder | None = None,
    languages: Sequence[str] | None = None,
    order_hint: str = ORDER_ARGUMENT,
) -> tuple[list[tuple[str, Reading]], list[tuple[str, str]]]:
    """Rewrite, in place, each date of an event dict written another way into the grammar.

    Args:
        data: An event as a dict (a JSON line, a CSV row or flags once built).
        order: As :func:`read_date`.
        languages: As :func:`read_date`.
        order_hint: As :func:`read_date`.

    Returns:
        The readings, as (field, reading) pairs (``occurred``, ``sources.2.published``), and
        the problems, as (field, message) pairs: a date that was recognised but cannot be read
        without guessing. A text that is no date at all is left as it is, for validation to
        refuse with the grammar's own message.
    """
    readings: list[tuple[str, Reading]] = []
    problems: list[tuple[str, str]] = []
    for node, key, field in _fields(data, date_paths):
        try:
            reading = read_date(node[key], order=order, languages=languages, order_hint=order_hint)
        except UnsettledDateError as exc:
            problems.append((field, exc.message))
            continue
        except InvalidDateError:
            continue  # no date at all: validation refuses it with the grammar's message
        if reading is not None:
            node[key] = reading.text
            readings.append((field, reading))
    return readings, problems


def address_problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The web addresses of an event dict that have no scheme, as (field, message) pairs.

    ``example.org/page`` is refused with ``did you mean 'https://example.org/page'?``: a link
    without its scheme is relative to wherever it is shown (a report, a spreadsheet), so it
    would lead nowhere, or somewhere else. Any scheme is accepted (``https:``, ``doi:``).
    """
    out = []
    for node, key, field in _fields(data, address_paths):
        problem = _address_problem(node[key])
        if problem is not None:
            out.append((field, problem))
    return out


def has_address_problem(data: dict[str, Any]) -> bool:
    """Whether :func:`address_problems` finds any: quick (an import asks it of every line)."""
    kind = data.get("type")
    if kind.__class__ is not str:
        return False
    return any(_suspect(data, path, 0) for path in address_paths(kind))


def _suspect(node: Any, path: Path, i: int) -> bool:
    if node.__class__ is not dict:
        return False
    value = node.get(path[i])
    if i + 1 == len(path):
        return value.__class__ is str and "://" not in value and _address_problem(value) is not None
    step = path[i + 1]
    if step == "*":
        return value.__class__ is list and any(_suspect(v, path, i + 2) for v in value)
    if step == "@":
        return value.__class__ is dict and has_address_problem(value)
    return _suspect(value, path, i + 1)


_SCHEME: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _address_problem(url: str) -> str | None:
    text = url.strip()
    scheme = _SCHEME.match(text)
    if not text or (scheme is not None and "." not in scheme.group(0)):
        return None  # empty (validation says so), or it has a scheme (https:, doi:, urn:)
    shown = _quote(text)
    host = text.split("/", 1)[0]
    if "." in host and not any(c.isspace() for c in text) and not text.startswith("."):
        return f"{shown} has no scheme; did you mean 'https://{text}'? (give the whole address)"
    return (
        f"{shown} is not a web address (it has no scheme, like https://); give the whole "
        "address, or name the source in a citation instead"
    )
