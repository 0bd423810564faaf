"""Partial dates and UTC instants: the "occurred" clock and the timestamps of records.

A :class:`PartialDate` is what a user knows about when something happened: a day, a month, a
year, a minute, "on or before 12 January", "between the 5th and the 8th", each perhaps
approximate. It is an interval of UTC instants, ``earliest`` .. ``latest`` (both inclusive,
``None`` for an open end), with the precision it was given at, an approximate flag and the text
it came from. The text is what is stored; the interval is what replay compares.

Grammar (surrounding whitespace is ignored)::

    2026                        the whole year
    2026-01                     the whole month
    2026-01-09                  the whole day (UTC)
    2026-01-09T14               the whole hour; a space may replace the T
    2026-01-09T14:00            the whole minute
    2026-01-09T14:00:05         the whole second
    2026-01-09T14:00:05.123     the given fraction of a second (here a millisecond)
    ...T14:00Z / +01:00 / +0100 an offset; without one, the time is UTC
    2026-01~                    approximate (EDTF '~'); it does not widen the interval
    ..2026-01-12                on or before (EDTF: ../2026-01-12)
    2026-01-05..                on or after (EDTF: 2026-01-05/..)
    2026-01-05..2026-01-08      between, inclusive (EDTF: 2026-01-05/2026-01-08)
    2026-01-09T14:00 Europe/Paris   an IANA zone name after an endpoint; it is turned into the
                                fixed offset it had then (a day in a zone becomes its minutes:
                                2026-01-09T00:00+01:00..2026-01-09T23:59+01:00)

Years run 0001-9999. EDTF's ``?`` and ``%`` are refused: write ``~`` for approximate, or an
interval for uncertain. Every refusal is an :class:`~tracker.errors.InvalidDateError` whose
message is one line quoting the input and listing the accepted forms.

The grammar is parsed with the standard library alone: parsing runs once per record on
replay, so the common forms take a microsecond or two, and repeated texts are served from a
small cache. Only a zone name (the slow path, at input) imports pendulum.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final, Literal, NoReturn, final

from tracker.errors import InvalidDateError

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
    from pydantic.json_schema import JsonSchemaValue
    from pydantic_core import CoreSchema

__all__ = [
    "ACCEPTED_FORMS",
    "JSON_SCHEMA_DESCRIPTION",
    "PRECISIONS",
    "PartialDate",
    "Precision",
    "format_instant",
    "get_zone",
    "parse_instant",
    "parse_instant_bound",
    "zone_names",
]

Precision = Literal["year", "month", "day", "hour", "minute", "second", "microsecond"]

#: Precisions from the coarsest to the finest.
PRECISIONS: Final[tuple[Precision, ...]] = (
    "year",
    "month",
    "day",
    "hour",
    "minute",
    "second",
    "microsecond",
)
_RANK: Final[dict[str, int]] = {p: i for i, p in enumerate(PRECISIONS)}

#: The accepted forms, as every refusal message lists them.
ACCEPTED_FORMS: Final = (
    "use YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDTHH:MM[+HH:MM], '..D' (on or before), "
    "'D..' (on or after), 'D1..D2', with '~' for approximate"
)

_UTC: Final = UTC
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=_UTC)
_ONE_US: Final = timedelta(microseconds=1)
_MIN_KEY: Final = -(2**63)
_MAX_KEY: Final = 2**63 - 1

# Days per month in a common year; February is fixed up for leap years.
_MONTH_DAYS: Final = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

# Length of the unit of each precision, minus one microsecond (the interval is inclusive).
_DAY_SPAN: Final = timedelta(days=1) - _ONE_US
_SPAN: Final[dict[str, timedelta]] = {
    "hour": timedelta(hours=1) - _ONE_US,
    "minute": timedelta(minutes=1) - _ONE_US,
    "second": timedelta(seconds=1) - _ONE_US,
}

# One endpoint: a date, optionally a time with an optional offset, optionally '~'.
# Fraction digits are matched greedily and their count checked afterwards, for a clear message.
_SINGLE: Final = re.compile(
    r"""
    (?P<y>[0-9]{4})
    (?:-(?P<m>[0-9]{2})
      (?:-(?P<d>[0-9]{2})
        (?:[Tt\ ](?P<H>[0-9]{2})
          (?::(?P<M>[0-9]{2})
            (?::(?P<S>[0-9]{2})(?:\.(?P<f>[0-9]+))?)?
          )?
          (?P<tz>[Zz]|[+-][0-9]{2}:?[0-9]{2})?
        )?
      )?
    )?
    (?P<approx>~)?
    """,
    re.VERBOSE | re.ASCII,
)
# The plain day and month, the commonest forms: fast paths that skip the general regex.
_DAY: Final = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
_MONTH: Final = re.compile(r"[0-9]{4}-[0-9]{2}", re.ASCII)
# Day-first or month-first numeric dates, refused with a pointed message.
_SLASHED: Final = re.compile(r"[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2,4}", re.ASCII)


def _quote(text: str) -> str:
    """Quote user input for a one-line message, escaping anything unprintable."""
    return f"'{text}'" if text.isprintable() else repr(text)


def _refuse(text: str, reason: str) -> NoReturn:
    """Raise the one-line :class:`InvalidDateError` for ``text``."""
    raise InvalidDateError(f"invalid date {_quote(text)}: {reason}; {ACCEPTED_FORMS}")


def _month_days(year: int, month: int) -> int:
    """Return the number of days in ``month`` of ``year`` (proleptic Gregorian)."""
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _MONTH_DAYS[month]


def _check_ymd(text: str, year: int, month: int | None, day: int | None) -> None:
    """Refuse a year, month or day out of range."""
    if year < 1:
        _refuse(text, "year must be 0001-9999")
    if month is not None and not 1 <= month <= 12:
        _refuse(text, "month must be 01-12")
    if day is not None and month is not None:
        last = _month_days(year, month)
        if not 1 <= day <= last:
            _refuse(text, f"day must be 01-{last} in {year:04d}-{month:02d}")


@final
class PartialDate:
    """A date known to some precision: an inclusive interval of UTC instants.

    Instances are immutable and compare equal when all five attributes are equal (so
    ``2026-01-05/2026-01-08`` and ``2026-01-05..2026-01-08`` are different values with the same
    interval). Build them with :meth:`parse`; sort them with :attr:`sort_key`.

    Attributes:
        earliest: The first instant it may denote (aware, UTC), or ``None`` if unbounded before.
        latest: The last instant it may denote (aware, UTC, inclusive), or ``None`` if unbounded
            after.
        precision: The unit it was given in, one of :data:`PRECISIONS`; for an interval, the
            coarsest of its endpoints.
        approximate: Whether it (or an endpoint) was marked ``~``. It does not widen the interval.
        text: The stripped text it was parsed from (with a zone name, the fixed-offset text it
            was rewritten to); this is what is serialised.
    """

    __slots__ = ("_approximate", "_earliest", "_key", "_latest", "_precision", "_text")

    def __init__(
        self,
        earliest: datetime | None,
        latest: datetime | None,
        precision: Precision,
        approximate: bool,
        text: str,
    ) -> None:
        """Build a value from its parts, unchecked; prefer :meth:`parse`."""
        # Plain slot stores: the public attributes are read-only properties over them, which
        # keeps construction cheap (no __setattr__ override) while refusing assignment.
        self._earliest = earliest
        self._latest = latest
        self._precision = precision
        self._approximate = approximate
        self._text = text
        self._key: tuple[int, int] | None = None

    @property
    def earliest(self) -> datetime | None:
        """The first instant it may denote (aware, UTC), or ``None`` if unbounded before."""
        return self._earliest

    @property
    def latest(self) -> datetime | None:
        """The last instant it may denote (aware, UTC, inclusive), or ``None`` if unbounded after."""
        return self._latest

    @property
    def precision(self) -> Precision:
        """The unit it was given in; for an interval, the coarsest of its endpoints."""
        return self._precision

    @property
    def approximate(self) -> bool:
        """Whether it, or an endpoint, was marked ``~``; this does not widen the interval."""
        return self._approximate

    @property
    def text(self) -> str:
        """The stripped text it was parsed from (a zone name rewritten to its offset); this is
        what is serialised."""
        return self._text

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse a partial date, an open-ended date or an interval.

        Args:
            text: The date as typed; surrounding whitespace is ignored.

        Returns:
            The parsed value; equal texts may return the same (immutable) object.

        Raises:
            InvalidDateError: If ``text`` is not one of the accepted forms, names a month, day
                or time that does not exist, or is an interval whose start is after its end.
        """
        if not isinstance(text, str):
            raise InvalidDateError(
                f"invalid date {text!r}: expected a string, not {type(text).__name__}; "
                f"{ACCEPTED_FORMS}"
            )
        return _parse_cached(text)

    # -- queries ------------------------------------------------------------------------------

    def certain_by(self, t: datetime) -> bool:
        """Return whether it certainly happened by ``t``: its latest instant is at or before it.

        Args:
            t: An aware instant.
        """
        return self.latest is not None and self.latest <= t

    def possibly_by(self, t: datetime) -> bool:
        """Return whether it may have happened by ``t``: its earliest instant is at or before it.

        An event is uncertain at ``t`` when it is possibly but not certainly done by ``t``.

        Args:
            t: An aware instant.
        """
        return self.earliest is None or self.earliest <= t

    @property
    def is_interval(self) -> bool:
        """Whether it was written as an interval or with an open end (``..`` or ``/``)."""
        return ".." in self.text or "/" in self.text

    @property
    def sort_key(self) -> tuple[int, int]:
        """Microseconds since the Unix epoch of (earliest, latest), open ends at the extremes.

        Sorting by it orders values by earliest, then latest; an open start sorts first and an
        open end last.
        """
        key = self._key
        if key is None:
            first, last = self.earliest, self.latest
            key = (
                _MIN_KEY if first is None else (first - _EPOCH) // _ONE_US,
                _MAX_KEY if last is None else (last - _EPOCH) // _ONE_US,
            )
            self._key = key
        return key

    def to_json(self) -> str:
        """Return the JSON form: the text it was parsed from."""
        return self.text

    # -- value semantics ----------------------------------------------------------------------

    def _fields(self) -> tuple[datetime | None, datetime | None, str, bool, str]:
        return (self._earliest, self._latest, self._precision, self._approximate, self._text)

    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"PartialDate({self.text!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (PartialDate, self._fields())

    def __copy__(self) -> PartialDate:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> PartialDate:
        return self

    # -- pydantic v2 --------------------------------------------------------------------------

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source_type: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        """Validate from a string or an instance; serialise to the text in both modes."""
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(
            _pydantic_validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                _pydantic_serialize, return_schema=core_schema.str_schema(), when_used="always"
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """Describe the field as a string in the partial-date grammar."""
        return {
            "type": "string",
            "description": JSON_SCHEMA_DESCRIPTION,
            "examples": ["2026-01-09", "..2026-01-12", "2026-01~"],
        }


#: The description given in the JSON Schema of a :class:`PartialDate` field.
JSON_SCHEMA_DESCRIPTION: Final = (
    "A date in UTC, known to a year (YYYY), month (YYYY-MM), day (YYYY-MM-DD) or time "
    "(YYYY-MM-DDTHH[:MM[:SS[.ffffff]]], optionally with Z or an offset +HH:MM; UTC if none). "
    "A trailing '~' marks it approximate. '..D' means on or before D, 'D..' on or after D, "
    "'D1..D2' between D1 and D2 inclusive; the EDTF slash forms '../D', 'D/..' and 'D1/D2' "
    "are equivalent. Years 0001-9999."
)


def _pydantic_validate(value: object) -> PartialDate:
    """Pydantic validator: accept a :class:`PartialDate` or a string in its grammar."""
    # Runs for every date of every event validated: the import stays off the happy path.
    if isinstance(value, str):
        try:
            return _parse_cached(value)
        except InvalidDateError as exc:
            from pydantic_core import PydanticCustomError

            # A ValueError subclass whose message is exactly the InvalidDateError's (no
            # "Value error, " prefix), with a stable error type for scripts.
            raise PydanticCustomError(
                "invalid_date", "{message}", {"message": exc.message}
            ) from None
    if isinstance(value, PartialDate):
        return value
    from pydantic_core import PydanticCustomError

    raise PydanticCustomError(
        "partial_date_type", "a date must be a string, like '2026-01-09' or '..2026-01-12'"
    )


def _pydantic_serialize(value: PartialDate) -> str:
    """Pydantic serialiser: the text, in python and json modes alike."""
    return value.text


# -- parsing ----------------------------------------------------------------------------------


def _parse_single(text: str, part: str) -> PartialDate:
    """Parse one endpoint (no ``..`` or ``/``); ``text`` is the whole input, for messages."""
    if _DAY.fullmatch(part) is not None:
        # Fast path for the commonest form; fromisoformat also checks that the day exists.
        try:
            earliest = datetime.fromisoformat(part + "T00:00:00+00:00")
        except ValueError:
            pass  # fall through to the general path, which says what is wrong
        else:
            return PartialDate(earliest, earliest + _DAY_SPAN, "day", False, part)
    elif _MONTH.fullmatch(part) is not None:
        try:
            earliest = datetime.fromisoformat(part + "-01T00:00:00+00:00")
        except ValueError:
            pass
        else:
            y, mo = earliest.year, earliest.month
            latest = datetime(y, mo, _month_days(y, mo), 23, 59, 59, 999999, _UTC)
            return PartialDate(earliest, latest, "month", False, part)

    m = _SINGLE.fullmatch(part)
    if m is None:
        _diagnose(text, part)
    g = m.groupdict()
    approximate = g["approx"] is not None
    year = int(g["y"])
    month = int(g["m"]) if g["m"] is not None else None
    day = int(g["d"]) if g["d"] is not None else None
    _check_ymd(text, year, month, day)

    if month is None:
        return PartialDate(
            datetime(year, 1, 1, 0, 0, 0, 0, _UTC),
            datetime(year, 12, 31, 23, 59, 59, 999999, _UTC),
            "year",
            approximate,
            part,
        )
    if day is None:
        return PartialDate(
            datetime(year, month, 1, 0, 0, 0, 0, _UTC),
            datetime(year, month, _month_days(year, month), 23, 59, 59, 999999, _UTC),
            "month",
            approximate,
            part,
        )
    if g["H"] is None:
        earliest = datetime(year, month, day, 0, 0, 0, 0, _UTC)
        return PartialDate(earliest, earliest + _DAY_SPAN, "day", approximate, part)
    return _parse_time(text, part, g, year, month, day, approximate)


def _parse_time(
    text: str,
    part: str,
    g: dict[str, str | None],
    year: int,
    month: int,
    day: int,
    approximate: bool,
) -> PartialDate:
    """Finish parsing an endpoint that has a time of day."""
    hour = int(g["H"] or 0)
    minute = int(g["M"] or 0)
    second = int(g["S"] or 0)
    if hour > 23:
        _refuse(text, "hour must be 00-23")
    if minute > 59:
        _refuse(text, "minute must be 00-59")
    if second > 59:
        _refuse(text, "second must be 00-59")

    micro = 0
    precision: Precision
    frac = g["f"]
    if frac is not None:
        if len(frac) > 6:
            _refuse(text, "at most 6 fractional digits (microseconds)")
        micro = int(frac.ljust(6, "0"))
        span = timedelta(microseconds=10 ** (6 - len(frac)) - 1)
        precision = "microsecond"
    elif g["S"] is not None:
        precision = "second"
        span = _SPAN["second"]
    elif g["M"] is not None:
        precision = "minute"
        span = _SPAN["minute"]
    else:
        precision = "hour"
        span = _SPAN["hour"]

    tz = _UTC
    offset = g["tz"]
    if offset is not None and offset not in ("Z", "z"):
        oh, om = int(offset[1:3]), int(offset[-2:])
        if oh > 23 or om > 59:
            _refuse(text, "offset must be Z or +HH:MM between -23:59 and +23:59")
        delta = timedelta(hours=oh, minutes=om)
        tz = timezone(-delta if offset[0] == "-" else delta)

    try:
        earliest = datetime(year, month, day, hour, minute, second, micro, tz)
        if tz is not _UTC:
            earliest = earliest.astimezone(_UTC)
        latest = earliest + span
    except OverflowError:
        _refuse(text, "the time in UTC falls outside years 0001-9999")
    return PartialDate(earliest, latest, precision, approximate, part)


def _diagnose(text: str, part: str) -> NoReturn:
    """Refuse an endpoint that the grammar does not match, saying why as precisely as we can."""
    if not part:
        _refuse(text, "no date given")
    if "?" in part or "%" in part:
        _refuse(
            text,
            "'?' and '%' are not supported: use '~' for approximate, or an interval "
            "(D1..D2) for uncertain",
        )
    if _SLASHED.fullmatch(part):
        _refuse(text, "day and month order is ambiguous; write the year first, YYYY-MM-DD")
    if re.fullmatch(r"[0-9]{1,3}(?:-.*)?|[0-9]{5,}(?:-.*)?", part, re.ASCII):
        _refuse(text, "the year must have four digits, 0001-9999")
    if re.fullmatch(r"[0-9]{4}-[0-9](?:-.*)?|[0-9]{4}-[0-9]{2}-[0-9](?:[^0-9].*)?", part, re.ASCII):
        _refuse(text, "month and day need two digits")
    _refuse(text, "not a recognised date")


def _parse(text: str) -> PartialDate:
    """Parse ``text`` (uncached); see :meth:`PartialDate.parse`.

    The grammar is tried first, so the common forms never pay for zone names; only a text it
    refuses is looked at again for an IANA zone name (the slow path, which imports pendulum).
    """
    try:
        return _parse_plain(text)
    except InvalidDateError as exc:
        refusal = exc
    zoned = _zoned_text(text.strip())
    if zoned is None:
        raise refusal
    return _parse_plain(zoned)


def _parse_plain(text: str) -> PartialDate:
    """Parse ``text`` in the grammar alone (no zone names)."""
    s = text.strip()
    if "/" in s:
        if _SLASHED.fullmatch(s):
            _diagnose(s, s)
        pieces = s.split("/")
        open_marker = ".."
    elif ".." in s:
        pieces = s.split("..")
        open_marker = ""
    else:
        return _parse_single(s, s)

    if len(pieces) != 2:
        _refuse(s, "an interval has exactly two ends")
    start_text, end_text = pieces[0].strip(), pieces[1].strip()
    if open_marker and (not start_text or not end_text):
        _refuse(s, "write '..' for an open end of a slash interval")
    start = None if start_text == open_marker else _parse_single(s, start_text)
    end = None if end_text == open_marker else _parse_single(s, end_text)

    if start is None and end is None:
        _refuse(s, "an interval needs at least one end")
    if start is None:
        assert end is not None
        return PartialDate(None, end.latest, end.precision, end.approximate, s)
    if end is None:
        return PartialDate(start.earliest, None, start.precision, start.approximate, s)
    assert start.earliest is not None and end.latest is not None
    if start.earliest > end.latest:
        _refuse(s, f"the start {start_text} is after the end {end_text}")
    coarser = _RANK[start.precision] <= _RANK[end.precision]
    precision = start.precision if coarser else end.precision
    return PartialDate(
        start.earliest, end.latest, precision, start.approximate or end.approximate, s
    )


# -- zone names (the slow path) ----------------------------------------------------------------

# One endpoint ending in an IANA zone name: "2026-01-09T14:00 Europe/Paris", "2026-01 UTC~".
_ZONED: Final = re.compile(
    r"(?P<body>.*\S)\s+(?P<zone>[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*)(?P<approx>~)?",
    re.ASCII,
)


def _zoned_text(s: str) -> str | None:
    """Rewrite each endpoint of ``s`` that ends in a zone name to fixed-offset text.

    Returns ``None`` when no endpoint names a zone (``s`` is then simply refused). A whole
    year, month or day in a zone becomes the minutes that open and close it, each with its own
    offset (``2026-01-09T00:00+01:00..2026-01-09T23:59+01:00``), so a day on which the clocks
    change comes out right. This runs once, when the user's text is parsed; the offset text is
    what is stored, so replay never depends on the time zone database.
    """
    pieces = s.split("..") if ".." in s else [s]
    if len(pieces) > 2:
        return None
    out: list[str] = []
    found = False
    for i, raw in enumerate(pieces):
        piece = raw.strip()
        m = _ZONED.fullmatch(piece)
        if m is None:
            out.append(piece)
            continue
        found = True
        if _SINGLE.fullmatch(m["body"]) is None:
            return None  # not a date before the name either: the grammar's refusal stands
        side = "both" if len(pieces) == 1 else ("start" if i == 0 else "end")
        out.append(_localise(s, m["body"], m["zone"], m["approx"] is not None, side))
    return "..".join(out) if found else None


def _localise(text: str, body: str, zone_name: str, approximate: bool, side: str) -> str:
    """Turn one endpoint ``body`` (local time in ``zone_name``) into fixed-offset text.

    ``side`` says which instants of a whole year, month or day to keep: its first minute
    (``start``), its last (``end``), or both as an interval (``both``).
    """
    body_date = _parse_single(text, body)  # refuses a day that does not exist, and so on
    m = _SINGLE.fullmatch(body)
    assert m is not None
    g = m.groupdict()
    if g["tz"] is not None:
        _refuse(text, f"give a zone name or an offset, not both ('{zone_name}' and '{g['tz']}')")
    zone = _zone(text, zone_name)
    mark = "~" if approximate or body_date.approximate else ""
    y, mo = int(g["y"]), int(g["m"] or 1)
    precision = body_date.precision
    if _RANK[precision] <= _RANK["day"]:
        first_day = int(g["d"] or 1)
        last_mo = mo if g["m"] else 12
        last_day = int(g["d"]) if g["d"] else _month_days(y, last_mo)
        start = _local_text(text, zone, (y, mo, first_day, 0, 0, 0, 0), "minute") + mark
        end = _local_text(text, zone, (y, last_mo, last_day, 23, 59, 0, 0), "minute") + mark
        return start if side == "start" else end if side == "end" else f"{start}..{end}"
    frac = g["f"] or ""
    fields = (
        y,
        mo,
        int(g["d"]),
        int(g["H"]),
        int(g["M"] or 0),
        int(g["S"] or 0),
        int(frac.ljust(6, "0")) if frac else 0,
    )
    return _local_text(text, zone, fields, precision, len(frac)) + mark


def _local_text(
    text: str,
    zone: Any,
    fields: tuple[int, int, int, int, int, int, int],
    precision: str,
    digits: int = 0,
) -> str:
    """The local time ``fields`` in ``zone`` as grammar text with its offset there.

    A time that the clocks skip (the hour lost in spring) is moved forward by the gap, and one
    they repeat (the hour gained in autumn) takes the later, standard-time offset, as pendulum
    does by default.
    """
    import pendulum

    dt = pendulum.datetime(*fields, tz=zone)
    offset = dt.utcoffset()
    assert offset is not None
    seconds = int(offset.total_seconds())
    if seconds % 60:
        _refuse(text, f"{zone.name} had an offset with seconds then; give the offset instead")
    sign = "-" if seconds < 0 else "+"
    oh, om = divmod(abs(seconds) // 60, 60)
    out = f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}T{dt.hour:02d}"
    if precision != "hour":
        out += f":{dt.minute:02d}"
    if precision in ("second", "microsecond"):
        out += f":{dt.second:02d}"
    if precision == "microsecond":
        out += "." + f"{dt.microsecond:06d}"[:digits]
    return f"{out}{sign}{oh:02d}:{om:02d}"


def zone_names() -> list[str]:
    """The IANA zone names known to the time zone database, sorted."""
    import pendulum

    return sorted(pendulum.timezones())


def get_zone(name: str) -> Any:
    """Return the time zone called ``name`` (an IANA name like ``Europe/Paris``).

    Raises:
        InvalidDateError: If there is no such zone; the message suggests the closest name.
    """
    import pendulum

    try:
        return pendulum.timezone(name)
    except ValueError:  # pendulum's InvalidTimezone, or zoneinfo refusing a path
        pass
    from difflib import get_close_matches

    names = zone_names()
    lowered = {n.lower(): n for n in names}
    close = get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    hint = f"; did you mean '{lowered[close[0]]}'?" if close else ""
    raise InvalidDateError(
        f"unknown time zone {_quote(name)}{hint} (use an IANA name like Europe/Paris or UTC)"
    )


def _zone(text: str, name: str) -> Any:
    """:func:`get_zone`, refusing the whole date ``text`` when the zone is unknown."""
    try:
        return get_zone(name)
    except InvalidDateError as exc:
        raise InvalidDateError(f"invalid date {_quote(text)}: {exc.message}") from None


# Replay parses the same few thousand texts a million times: serve repeats from a cache.
# Values are immutable, so sharing them is safe; refusals are not cached.
_parse_cached: Final = lru_cache(maxsize=16384)(_parse)


# -- instants ---------------------------------------------------------------------------------


def parse_instant_bound(text_or_datetime: str | date | datetime, *, end: bool = True) -> datetime:
    """Turn a replay bound (``as_of`` or ``known_at``) into one aware UTC instant.

    A day or a month given means its end (or its start, with ``end=False``), so "as of
    2026-01-10" includes everything that certainly happened on the 10th.

    Args:
        text_or_datetime: A ``datetime`` (naive means UTC; aware is converted to UTC), a
            ``date`` (that whole day), or a string holding one partial date (no interval, no
            open end).
        end: Return the last instant of the date given if true, else the first.

    Returns:
        An aware datetime in UTC.

    Raises:
        InvalidDateError: If the string does not parse, is an interval or open-ended, or the
            value is of another type.
    """
    value = text_or_datetime
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            return value.replace(tzinfo=_UTC)
        return value.astimezone(_UTC)
    if isinstance(value, date):
        if end:
            return datetime(value.year, value.month, value.day, 23, 59, 59, 999999, _UTC)
        return datetime(value.year, value.month, value.day, 0, 0, 0, 0, _UTC)
    if not isinstance(value, str):
        raise InvalidDateError(
            f"invalid date {value!r}: expected a date string, a date or a datetime, "
            f"not {type(value).__name__}"
        )
    p = PartialDate.parse(value)
    # A whole day in a zone is stored as an interval of its minutes: judge the text as typed.
    if ".." in value or "/" in p.text:
        _refuse(p.text, "give one date, not an interval")
    bound = p.latest if end else p.earliest
    assert bound is not None
    return bound


def format_instant(dt: datetime) -> str:
    """Format an aware instant as RFC 3339 in UTC with six fractional digits and ``Z``.

    Args:
        dt: An aware datetime, in any zone.

    Returns:
        For example ``2026-01-12T09:00:00.000000Z``; :func:`parse_instant` inverts it.

    Raises:
        ValueError: If ``dt`` is naive.
    """
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"format_instant needs an aware datetime, got naive {dt.isoformat()}")
    if dt.tzinfo is not _UTC:
        dt = dt.astimezone(_UTC)
    # %-formatting is the fastest exact form: twice as fast as an f-string here, and isoformat
    # spends its time on the offset.
    return "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ" % (  # noqa: UP031
        dt.year,
        dt.month,
        dt.day,
        dt.hour,
        dt.minute,
        dt.second,
        dt.microsecond,
    )


def parse_instant(s: str) -> datetime:
    """Parse the exact form :func:`format_instant` writes into an aware UTC datetime.

    Args:
        s: A timestamp like ``2026-01-12T09:00:00.000000Z``.

    Returns:
        The aware datetime, in UTC.

    Raises:
        InvalidDateError: If ``s`` is not exactly of that form.
    """
    if len(s) == 27 and s[26] == "Z" and s[10] == "T" and s[19] == ".":
        try:
            return datetime.fromisoformat(s)
        except ValueError:
            pass
    raise InvalidDateError(
        f"invalid instant {_quote(s) if isinstance(s, str) else repr(s)}: expected RFC 3339 "
        "UTC with microseconds, like 2026-01-12T09:00:00.000000Z"
    )
