"""Local times at the edges of the command line: zone-name dates in, ``--tz`` display out.

A date typed with a zone name is stored as offset text; ``--tz ZONE`` (or ``TRACKER_TZ``) shows
recorded times in that zone in human output, while ``--json`` stays UTC, byte for byte.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from .conftest import Run, snapshot

SOURCE = "--source https://example.org/a --publisher 'Example News'"


def recorded_column(out: str) -> list[str]:
    """The RECORDED cells of ``tracker log``'s table (the text between SEQ and TYPE)."""
    lines = out.splitlines()
    start, end = lines[0].index("RECORDED"), lines[0].index("TYPE")
    return [line[start:end].strip() for line in lines[1:] if line.strip()]


def test_log_shows_recorded_times_in_the_zone(cli: Run, grok_log: Path) -> None:
    """--tz Europe/Paris shows each recorded time an hour ahead of UTC in winter, as CET."""
    plain = cli("log")
    paris = cli("--tz Europe/Paris log")
    assert (plain.status, paris.status) == (0, 0)
    assert recorded_column(plain.out)[:2] == [
        "2026-01-12T09:00:00.000000Z",
        "2026-01-12T09:01:00.000000Z",
    ]
    assert recorded_column(paris.out)[:2] == ["2026-01-12 10:00 CET", "2026-01-12 10:01 CET"]
    assert recorded_column(paris.out)[-1] == "2026-01-14 11:01 CET"


def test_env_names_the_zone_and_the_flag_wins(
    cli: Run, grok_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TRACKER_TZ sets the zone when --tz is not given; --tz overrides it."""
    monkeypatch.setenv("TRACKER_TZ", "Asia/Jakarta")
    assert recorded_column(cli("log").out)[0] == "2026-01-12 16:00 WIB"
    assert recorded_column(cli("log --tz America/New_York").out)[0] == "2026-01-12 04:00 EST"


def test_summer_offsets(cli: Run, grok_log: Path, clock: object) -> None:
    """A record made in July shows Paris summer time (CEST, +2) and New York's (EDT, -4)."""
    clock.set(datetime(2026, 7, 1, 12, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    assert cli("actor add ofcom --name Ofcom --kind regulator").status == 0
    assert recorded_column(cli("log --tz Europe/Paris").out)[-1] == "2026-07-01 14:00 CEST"
    assert recorded_column(cli("log --tz America/New_York").out)[-1] == "2026-07-01 08:00 EDT"


def test_show_history_and_disputes_fixes_use_the_zone(cli: Run, grok_log: Path) -> None:
    """show's history lines and the disputes table of fixes show recorded times in the zone."""
    shown = cli("show bloomberg-rate --tz America/New_York")
    assert shown.status == 0
    assert "  record 8     2026-01-12 04:07 EST  recorded\n" in shown.out
    fixes = cli("disputes --tz Asia/Jakarta")
    assert fixes.status == 0
    assert "\n2026-01-14 17:01 WIB  correction  bloomberg-rate  " in fixes.out


@pytest.mark.parametrize(
    "command", ["log", "show bloomberg-rate", "disputes", "replay --as-of 2026-01-10"]
)
def test_json_is_utc_whatever_the_zone(
    cli: Run, grok_log: Path, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--json output is byte-identical with and without --tz or TRACKER_TZ."""
    plain = cli(f"{command} --json")
    zoned = cli(f"{command} --json --tz Europe/Paris")
    monkeypatch.setenv("TRACKER_TZ", "Asia/Jakarta")
    env = cli(f"{command} --json")
    assert plain.status == zoned.status == env.status == 0
    assert plain.out == zoned.out == env.out
    assert ':00.000000Z"' in plain.out  # recorded times are there, in RFC 3339 UTC


def test_unknown_zone_is_refused_before_any_output(cli: Run, grok_log: Path) -> None:
    """An unknown --tz is one line with a suggestion, exit 1, and nothing on stdout."""
    result = cli("log --tz Europe/Pari")
    assert (result.status, result.out) == (1, "")
    assert result.err == (
        "tracker: error: --tz: unknown time zone 'Europe/Pari'; did you mean 'Europe/Paris'? "
        "(use an IANA name like Europe/Paris or UTC)\n"
    )


def test_unknown_env_zone_names_the_variable(
    cli: Run, grok_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bad TRACKER_TZ is refused naming the variable, so the user knows where to look."""
    monkeypatch.setenv("TRACKER_TZ", "Asia/Jakarat")
    result = cli("log")
    assert result.status == 1
    assert result.err.startswith(
        "tracker: error: $TRACKER_TZ: unknown time zone 'Asia/Jakarat'; did you mean "
        "'Asia/Jakarta'?"
    )


@pytest.mark.parametrize(
    ("occurred", "stored"),
    [
        ("2026-01-13T08:15 America/New_York", "2026-01-13T08:15-05:00"),
        # a whole local day: its first and last minute in Paris
        ("2026-01-13 Europe/Paris", "2026-01-13T00:00+01:00..2026-01-13T23:59+01:00"),
    ],
)
def test_add_with_a_zone_name_stores_offset_text(
    cli: Run, grok_log: Path, occurred: str, stored: str
) -> None:
    """An event added with a local time in a zone is stored with that time's offset."""
    result = cli(f"add incident --id leak --occurred '{occurred}' --harm leak {SOURCE} --json")
    assert result.status == 0, result.err
    last = json.loads(grok_log.read_text().splitlines()[-1])
    assert last["event"]["occurred"] == stored


def test_add_with_unknown_zone_leaves_the_log_untouched(cli: Run, grok_log: Path) -> None:
    """An unknown zone in --occurred is one line, exit 1, and the log is unchanged."""
    before = snapshot(grok_log)
    result = cli(f"add incident --occurred '2026-01-13 Europe/Pari' --harm leak {SOURCE}")
    assert result.status == 1
    assert "unknown time zone 'Europe/Pari'; did you mean 'Europe/Paris'?" in result.err
    assert len(result.err.splitlines()) == 1
    assert snapshot(grok_log) == before


def test_as_of_takes_a_zone_name(cli: Run, grok_log: Path) -> None:
    """--as-of a Jakarta day ends at 16:59 UTC, before the UTC day 2026-01-09 is over."""
    jakarta = json.loads(cli("replay --as-of '2026-01-09 Asia/Jakarta' --json").out)
    utc = json.loads(cli("replay --as-of 2026-01-09 --json").out)
    assert [e["id"] for e in utc["timeline"]] == ["bloomberg-rate", "paywall-move"]
    # The paywall move (the UTC day 2026-01-09) is not certainly over by 16:59 UTC on the 9th.
    assert [e["id"] for e in jakarta["timeline"]] == ["bloomberg-rate"]
    assert [e["id"] for e in jakarta["uncertain"]] == ["uk-insulting", "paywall-move"]
