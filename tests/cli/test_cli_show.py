"""``tracker show ID``: one event with its sources, history, corrections and verifications."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import Run


def test_show_corrected_event(grok_log: Path, cli: Run) -> None:
    """A corrected figure shows its current version, its sources and its history."""
    result = cli("show", "bloomberg-rate")
    assert result.status == 0
    lines = result.out.splitlines()
    assert lines[0] == "figure bloomberg-rate (counted)"
    assert "  value:        6,600" in lines
    assert "  approximate:  yes" in lines
    assert lines[lines.index("sources") + 1] == "  1. Bloomberg: https://www.bloomberg.com/a"
    history = lines[lines.index("history") + 1 :]
    assert history[0] == "  record 8     2026-01-12T09:07:00.000000Z  recorded"
    assert history[1].startswith("  record 12    2026-01-14T10:01:00.000000Z  correction ev-")
    assert history[1].endswith(": the article says about 6,600")


def test_show_verified_event(grok_log: Path, cli: Run) -> None:
    """An event with a verification lists it with its verdict."""
    result = cli("show", "paywall-move")
    assert result.out.splitlines()[-2:] == [
        "verifications",
        "  2026-01-10  the-verge contradicted (verge-test): still free in the Grok app",
    ]


def test_show_as_known_before_the_verification(grok_log: Path, cli: Run) -> None:
    """At known_at 2026-01-12 the later verification is not there yet."""
    data = json.loads(cli("show paywall-move --known-at 2026-01-12 --json").out)
    assert data["verifications"] == []
    assert data["history"] == [
        {
            "by": None,
            "changes": [],
            "id": "paywall-move",
            "kind": "recorded",
            "reason": None,
            "recorded": "2026-01-12T09:08:00.000000Z",
            "seq": 9,
        }
    ]


def test_show_json(grok_log: Path, cli: Run) -> None:
    """--json gives the canonical event and its placement."""
    data = json.loads(cli("show uk-insulting --as-of 2026-01-09 --json").out)
    assert data["placement"] == "uncertain"
    assert data["event"] == {
        "id": "uk-insulting",
        "occurred": "..2026-01-12",
        "quote": "insulting to victims",
        "sources": [{"publisher": "UK government", "url": "https://www.gov.uk/a"}],
        "speaker": "uk-gov",
        "stance": -2,
        "topic": "paywall",
        "type": "statement",
    }


def test_show_a_fix(grok_log: Path, cli: Run) -> None:
    """A correction's own id shows the correction."""
    fix_id = json.loads(cli("log", "--type", "correction", "--json").out)["records"][0]["event"][
        "id"
    ]
    result = cli("show", fix_id)
    assert result.out.splitlines()[0] == f"correction {fix_id} (a fix of the record)"


def test_show_unknown_suggests(grok_log: Path, cli: Run) -> None:
    """A mistyped id gets the closest one."""
    result = cli("show", "paywall-mov")
    assert (result.status, result.err) == (
        1,
        "tracker: error: unknown event 'paywall-mov'; did you mean 'paywall-move'? (see 'tracker log' for ids)\n",
    )


def test_show_not_yet_recorded(grok_log: Path, cli: Run) -> None:
    """An event recorded after known_at is reported as not yet recorded."""
    result = cli("show", "verge-test", "--known-at", "2026-01-12")
    assert (result.status, result.err) == (
        1,
        "tracker: error: event 'verge-test' was not yet recorded at known_at 2026-01-12\n",
    )
