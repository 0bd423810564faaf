"""Dates typed with an IANA zone name: converted once, at parse time, to fixed-offset text.

The offset text is what is stored, so replay never needs pendulum or the time zone database;
these tests pin the conversion (winter and summer offsets, the days the clocks change, zones
west and east of UTC), the refusals, and that the fast path never imports pendulum.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

import tracker
from tracker.errors import InvalidDateError
from tracker.events.dates import PartialDate, get_zone, parse_instant_bound

SRC = [{"publisher": "Example News", "url": "https://example.org/a"}]


@pytest.mark.parametrize(
    ("typed", "stored", "earliest", "latest"),
    [
        (  # Paris in winter: CET, UTC+1
            "2026-01-09T14:00 Europe/Paris",
            "2026-01-09T14:00+01:00",
            datetime(2026, 1, 9, 13, 0, tzinfo=UTC),
            datetime(2026, 1, 9, 13, 0, 59, 999999, tzinfo=UTC),
        ),
        (  # Paris in summer: CEST, UTC+2; a space may replace the T
            "2026-07-09 14:30 Europe/Paris",
            "2026-07-09T14:30+02:00",
            datetime(2026, 7, 9, 12, 30, tzinfo=UTC),
            datetime(2026, 7, 9, 12, 30, 59, 999999, tzinfo=UTC),
        ),
        (  # a whole local day: its first and last minute
            "2026-01-09 Europe/Paris",
            "2026-01-09T00:00+01:00..2026-01-09T23:59+01:00",
            datetime(2026, 1, 8, 23, 0, tzinfo=UTC),
            datetime(2026, 1, 9, 22, 59, 59, 999999, tzinfo=UTC),
        ),
        (  # clocks go forward on 29 March 2026: the day starts at +01:00, ends at +02:00
            "2026-03-29 Europe/Paris",
            "2026-03-29T00:00+01:00..2026-03-29T23:59+02:00",
            datetime(2026, 3, 28, 23, 0, tzinfo=UTC),
            datetime(2026, 3, 29, 21, 59, 59, 999999, tzinfo=UTC),
        ),
        (  # clocks go back on 25 October 2026: a 25-hour day
            "2026-10-25 Europe/Paris",
            "2026-10-25T00:00+02:00..2026-10-25T23:59+01:00",
            datetime(2026, 10, 24, 22, 0, tzinfo=UTC),
            datetime(2026, 10, 25, 22, 59, 59, 999999, tzinfo=UTC),
        ),
        (  # 02:30 does not exist in Paris that night: moved forward by the hour skipped
            "2026-03-29T02:30 Europe/Paris",
            "2026-03-29T03:30+02:00",
            datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
            datetime(2026, 3, 29, 1, 30, 59, 999999, tzinfo=UTC),
        ),
        (  # New York in winter: EST, UTC-5
            "2026-01-12T09:00 America/New_York",
            "2026-01-12T09:00-05:00",
            datetime(2026, 1, 12, 14, 0, tzinfo=UTC),
            datetime(2026, 1, 12, 14, 0, 59, 999999, tzinfo=UTC),
        ),
        (  # Jakarta: WIB, UTC+7 all year
            "2026-01-12 Asia/Jakarta",
            "2026-01-12T00:00+07:00..2026-01-12T23:59+07:00",
            datetime(2026, 1, 11, 17, 0, tzinfo=UTC),
            datetime(2026, 1, 12, 16, 59, 59, 999999, tzinfo=UTC),
        ),
        (  # an hour and a fraction keep their precision
            "2026-01-09T14 Europe/Paris",
            "2026-01-09T14+01:00",
            datetime(2026, 1, 9, 13, 0, tzinfo=UTC),
            datetime(2026, 1, 9, 13, 59, 59, 999999, tzinfo=UTC),
        ),
        (
            "2026-01-09T14:00:05.25 Europe/Paris",
            "2026-01-09T14:00:05.25+01:00",
            datetime(2026, 1, 9, 13, 0, 5, 250000, tzinfo=UTC),
            datetime(2026, 1, 9, 13, 0, 5, 259999, tzinfo=UTC),
        ),
        (  # a month in a zone
            "2026-02 Europe/Paris",
            "2026-02-01T00:00+01:00..2026-02-28T23:59+01:00",
            datetime(2026, 1, 31, 23, 0, tzinfo=UTC),
            datetime(2026, 2, 28, 22, 59, 59, 999999, tzinfo=UTC),
        ),
        (  # an interval: the start's first minute to the end's last
            "2026-01-05 Europe/Paris..2026-01-08 Europe/Paris",
            "2026-01-05T00:00+01:00..2026-01-08T23:59+01:00",
            datetime(2026, 1, 4, 23, 0, tzinfo=UTC),
            datetime(2026, 1, 8, 22, 59, 59, 999999, tzinfo=UTC),
        ),
        (  # open ends
            "..2026-01-08 America/New_York",
            "..2026-01-08T23:59-05:00",
            None,
            datetime(2026, 1, 9, 4, 59, 59, 999999, tzinfo=UTC),
        ),
        (
            "2026-01-05 Asia/Jakarta..",
            "2026-01-05T00:00+07:00..",
            datetime(2026, 1, 4, 17, 0, tzinfo=UTC),
            None,
        ),
        (  # each end takes only its own zone
            "2026-01-05..2026-01-08T18:00 Europe/Paris",
            "2026-01-05..2026-01-08T18:00+01:00",
            datetime(2026, 1, 5, 0, 0, tzinfo=UTC),
            datetime(2026, 1, 8, 17, 0, 59, 999999, tzinfo=UTC),
        ),
    ],
)
def test_zone_name_becomes_offset_text(
    typed: str, stored: str, earliest: datetime | None, latest: datetime | None
) -> None:
    """A date with a zone name parses to the offset text that is stored, and its UTC interval."""
    p = PartialDate.parse(typed)
    assert (p.text, p.earliest, p.latest) == (stored, earliest, latest)
    assert PartialDate.parse(stored) == p


def test_approximate_mark_is_kept_on_each_end() -> None:
    """A '~' after the zone name marks both minutes of a whole local day approximate."""
    p = PartialDate.parse("2026-01-09 Europe/Paris~")
    assert (p.text, p.approximate) == ("2026-01-09T00:00+01:00~..2026-01-09T23:59+01:00~", True)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "2026-01-09 Europe/Pari",
            "invalid date '2026-01-09 Europe/Pari': unknown time zone 'Europe/Pari'; did you "
            "mean 'Europe/Paris'? (use an IANA name like Europe/Paris or UTC)",
        ),
        (
            "2026-01-09T14:00 america/new_york",
            "invalid date '2026-01-09T14:00 america/new_york': unknown time zone "
            "'america/new_york'; did you mean 'America/New_York'? (use an IANA name like "
            "Europe/Paris or UTC)",
        ),
        (
            "2026-01-09 Nowhere",
            "invalid date '2026-01-09 Nowhere': unknown time zone 'Nowhere' (use an IANA name "
            "like Europe/Paris or UTC)",
        ),
    ],
)
def test_unknown_zone_is_one_line_with_a_suggestion(typed: str, message: str) -> None:
    """An unknown zone name is refused in one line, suggesting the closest real name."""
    with pytest.raises(InvalidDateError) as info:
        PartialDate.parse(typed)
    assert str(info.value) == message


def test_zone_and_offset_together_are_refused() -> None:
    """A time with both an offset and a zone name is ambiguous, so it is refused."""
    with pytest.raises(InvalidDateError, match="give a zone name or an offset, not both"):
        PartialDate.parse("2026-01-09T14:00+01:00 Europe/Paris")


def test_bad_day_before_a_zone_keeps_the_grammar_message() -> None:
    """A day that does not exist is refused as without a zone, naming the range of days."""
    with pytest.raises(InvalidDateError, match="day must be 01-28 in 2026-02"):
        PartialDate.parse("2026-02-30 Europe/Paris")


def test_words_are_still_not_a_date() -> None:
    """Text that is not a date before a word is refused as before, not as an unknown zone."""
    with pytest.raises(InvalidDateError, match="'9 January': not a recognised date"):
        PartialDate.parse("9 January")


def test_instant_bound_takes_a_zone_name() -> None:
    """--as-of/--known-at take a zone name: a local day means its last (or first) instant."""
    assert parse_instant_bound("2026-01-09 Europe/Paris") == datetime(
        2026, 1, 9, 22, 59, 59, 999999, tzinfo=UTC
    )
    assert parse_instant_bound("2026-01-09 Europe/Paris", end=False) == datetime(
        2026, 1, 8, 23, 0, tzinfo=UTC
    )
    assert parse_instant_bound("2026-07-01T09:00 America/New_York", end=False) == datetime(
        2026, 7, 1, 13, 0, tzinfo=UTC
    )
    with pytest.raises(InvalidDateError, match="give one date, not an interval"):
        parse_instant_bound("2026-01-05 Europe/Paris..2026-01-08 Europe/Paris")


def test_get_zone_suggests() -> None:
    """get_zone returns the zone, or refuses with the closest name."""
    assert get_zone("Asia/Jakarta").utcoffset(datetime(2026, 1, 1)).total_seconds() == 7 * 3600
    with pytest.raises(InvalidDateError, match="did you mean 'Asia/Jakarta'"):
        get_zone("Asia/Jakarat")


def test_facade_stores_the_offset_text(empty_log: tracker.Log) -> None:
    """An event appended with a zone-name date stores the offset text, and replays by it."""
    empty_log.append(
        [
            {"type": "actor", "actor": "ofcom", "name": "Ofcom", "kind": "regulator"},
            {"type": "actor", "actor": "x", "name": "X", "kind": "platform"},
            {
                "type": "regulatory_action",
                "id": "ofcom-probe",
                "occurred": "2026-01-12T23:30 Europe/Paris",
                "sources": SRC,
                "regulator": "ofcom",
                "target": "x",
                "rung": "investigation_opened",
            },
        ]
    )
    stored = Path(empty_log.location).read_text().splitlines()[-1]
    assert '"occurred":"2026-01-12T23:30+01:00"' in stored
    # 23:30 in Paris is 22:30 UTC on the 12th: done by the end of the Paris day, and by
    # 22:31 UTC, but not by 22:00 UTC.
    ids = lambda state: [e.id for e in state.timeline()]  # noqa: E731
    assert "ofcom-probe" in ids(empty_log.replay(as_of="2026-01-12 Europe/Paris"))
    assert "ofcom-probe" in ids(empty_log.replay(as_of="2026-01-12T22:31"))
    assert "ofcom-probe" not in ids(empty_log.replay(as_of="2026-01-12T22:00"))


@pytest.mark.parametrize(
    "code",
    [
        "import tracker.events.dates",
        "from tracker.events.dates import PartialDate; PartialDate.parse('2026-01-09T14:00+01:00')",
        (
            "import contextlib, io\nfrom tracker.cli.main import main\n"
            "with contextlib.redirect_stdout(io.StringIO()): main(['--help'])"
        ),
    ],
)
def test_pendulum_stays_out_of_the_fast_path(code: str) -> None:
    """Importing dates, parsing stored offset text and 'tracker --help' never import pendulum."""
    script = f"import sys\n{code}\nprint('pendulum' in sys.modules)\n"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout == "False\n"
