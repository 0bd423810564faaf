"""``tracker log``: the raw records, filtered by type, actor, topic and date ranges."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import Run


def _ids(cli: Run, *argv: str) -> list[str]:
    result = cli("log", *argv, "--json")
    assert result.status == 0, result.err
    events = [r["event"] for r in json.loads(result.out)["records"]]
    return [
        e["type"] if e["id"].startswith("ev-") else e["id"] for e in events
    ]  # derived ids by type


def test_log_table(grok_log: Path, cli: Run) -> None:
    """The table lists every record with its sequence number and recorded time."""
    lines = cli("log").out.splitlines()
    assert lines[0].split() == ["SEQ", "RECORDED", "TYPE", "ID", "OCCURRED", "WHAT"]
    assert len(lines) == 13
    assert lines[8].split()[:5] == [
        "8",
        "2026-01-12T09:07:00.000000Z",
        "figure",
        "bloomberg-rate",
        "2026-01-05..2026-01-06",
    ]


def test_log_json_is_the_stored_bytes(grok_log: Path, cli: Run) -> None:
    """--json lists the records exactly as stored, one per line."""
    out = cli("log", "--json").out
    stored = grok_log.read_text().splitlines()
    assert out == '{\n  "records": [\n    ' + ",\n    ".join(stored) + "\n  ]\n}\n"


@pytest.mark.parametrize(
    ("argv", "ids"),
    [
        (["--type", "figure"], ["bloomberg-rate"]),
        (["--actor", "grok"], ["actor", "bloomberg-rate", "paywall-move", "correction"]),
        (["--topic", "paywall"], ["topic", "uk-insulting"]),
        (["--occurred", "2026-01-09..2026-01-10"], ["paywall-move", "uk-insulting", "verge-test"]),
        (["--recorded", "2026-01-14"], ["verge-test", "correction"]),
        (["--occurred", "..2026-01-05"], ["bloomberg-rate", "uk-insulting"]),
        (["--recorded", "2026-01-14", "--type", "verification"], ["verge-test"]),
        (["--type", "incident"], []),
    ],
)
def test_log_filters(grok_log: Path, cli: Run, argv: list[str], ids: list[str]) -> None:
    """Each filter keeps the matching records, in sequence order."""
    assert _ids(cli, *argv) == ids


def test_log_actor_includes_registration(grok_log: Path, cli: Run) -> None:
    """Filtering by actor includes its registration and registrations whose relations name it."""
    assert _ids(cli, "--actor", "xai") == ["actor", "actor"]  # xai itself, grok developed_by xai


def test_empty_results(grok_log: Path, cli: Run) -> None:
    """No match prints a note, not an empty table."""
    assert cli("log", "--type", "incident").out == "(no records match)\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["log", "--type", "figur"],
            "tracker: error: unknown event type 'figur'; did you mean 'figure'? (types: actor, topic, "
            "statement, figure, policy_change, regulatory_action, verification, incident, correction, "
            "retraction, supersession)\n",
        ),
        (
            ["log", "--actor", "grk"],
            "tracker: error: no actor 'grk' is registered; did you mean 'grok'? (see 'tracker actor list')\n",
        ),
        (
            ["log", "--topic", "paywal"],
            "tracker: error: no topic 'paywal' is registered; did you mean 'paywall'? (see 'tracker topic list')\n",
        ),
        (
            ["replay", "--actor", "grk"],
            "tracker: error: unknown actor 'grk'; did you mean 'grok'? (see 'tracker actor list')\n",
        ),
        (["log", "--json", "--type", "figur"], None),
    ],
)
def test_unknown_filter_values_suggest(
    grok_log: Path, cli: Run, argv: list[str], message: str | None
) -> None:
    """A filter on a type, actor or topic that does not exist is refused with a suggestion, before any output."""
    result = cli(*argv)
    assert (result.status, result.out) == (1, "")
    if message is not None:
        assert result.err == message
    else:
        assert json.loads(result.err)["error"]["code"] == "invalid-event"


def test_long_tables_stream_with_widths_from_a_sample() -> None:
    """A streamed table sizes its columns on the first rows; a later, wider cell pushes its line."""
    from tracker.cli.common import table_lines

    rows = iter([(1, "ab"), (2, "c"), (300, "d")])
    assert list(table_lines(rows, ("N", "X"), sample=2)) == ["N  X", "1  ab", "2  c", "300  d"]
    assert rows.__length_hint__() == 0
