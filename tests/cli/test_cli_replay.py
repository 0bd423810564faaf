"""``tracker replay``: the timeline at (as_of, known_at), uncertain events listed apart."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import Run

FULL = """\
as of: no limit, known at: the whole log: 4 events, 0 uncertain, 6 actors, 1 topic (log read to record 12)

OCCURRED                 TYPE           ID              WHAT
2026-01-05..2026-01-06   figure         bloomberg-rate  Sexualised images: about 6,600 per hour (grok), reported by bloomberg [corrected]
2026-01-09               policy_change  paywall-move    x changes image generation on grok: paying subscribers only
2026-01-10               verification   verge-test      the-verge checks paywall-move: contradicted — still free in the Grok app
on or before 2026-01-12  statement      uk-insulting    uk-gov: “insulting to victims” [stance -2 on paywall]

note: 'on or before D' has no known start: it is listed at D, the latest it may have happened (--json keeps the replay's order: the earliest it may have happened first)
"""


def test_replay_whole_log(grok_log: Path, cli: Run) -> None:
    """Without dates, every event counts, in occurred order, corrections applied."""
    result = cli("replay")
    assert (result.status, result.out, result.err) == (0, FULL, "")


def test_replay_as_of_lists_uncertain_apart(grok_log: Path, cli: Run) -> None:
    """At as_of 2026-01-09 the statement dated 'on or before the 12th' is uncertain, the verification not yet."""
    result = cli("replay", "--as-of", "2026-01-09")
    assert result.status == 0
    assert (
        result.out
        == """\
as of 2026-01-09, known at: the whole log: 2 events, 1 uncertain, 6 actors, 1 topic (log read to record 12)

OCCURRED                TYPE           ID              WHAT
2026-01-05..2026-01-06  figure         bloomberg-rate  Sexualised images: about 6,600 per hour (grok), reported by bloomberg [corrected]
2026-01-09              policy_change  paywall-move    x changes image generation on grok: paying subscribers only

possibly by then, not counted (their dates straddle 2026-01-09):
OCCURRED                 TYPE       ID            WHAT
on or before 2026-01-12  statement  uk-insulting  uk-gov: “insulting to victims” [stance -2 on paywall]

note: 'on or before D' has no known start: it is listed at D, the latest it may have happened (--json keeps the replay's order: the earliest it may have happened first)
"""
    )


def test_replay_known_at_hides_later_records(grok_log: Path, cli: Run) -> None:
    """At known_at 2026-01-12 the verification and the correction (recorded the 14th) are absent."""
    result = cli("replay", "--known-at", "2026-01-12")
    assert result.status == 0
    assert (
        result.out
        == """\
as of: no limit, as known at 2026-01-12: 3 events, 0 uncertain, 6 actors, 1 topic (log read to record 10)

OCCURRED                 TYPE           ID              WHAT
2026-01-05..2026-01-06   figure         bloomberg-rate  Sexualised images: about 6,700 per hour (grok), reported by bloomberg
2026-01-09               policy_change  paywall-move    x changes image generation on grok: paying subscribers only
on or before 2026-01-12  statement      uk-insulting    uk-gov: “insulting to victims” [stance -2 on paywall]

note: 'on or before D' has no known start: it is listed at D, the latest it may have happened (--json keeps the replay's order: the earliest it may have happened first)
"""
    )


def test_replay_filters(grok_log: Path, cli: Run) -> None:
    """--actor keeps the events naming that actor, uncertain ones included."""
    result = cli("replay --as-of 2026-01-09 --actor uk-gov --json")
    data = json.loads(result.out)
    assert [e["id"] for e in data["timeline"]] == []
    assert [e["id"] for e in data["uncertain"]] == ["uk-insulting"]


def test_replay_json_is_byte_identical(grok_log: Path, cli: Run) -> None:
    """The same log and dates give byte-identical --json output."""
    first = cli("replay --as-of 2026-01-09 --known-at 2026-01-14 --json").out
    second = cli("replay --as-of 2026-01-09 --known-at 2026-01-14 --json").out
    assert first == second
    data = json.loads(first)
    assert data["as_of"] == "2026-01-09T23:59:59.999999Z"
    assert data["summary"] == {
        "actors": 6,
        "events": 2,
        "fixes": 1,
        "head_seq": 12,
        "topics": 1,
        "uncertain": 1,
    }
    assert data["timeline"][0] == {
        "actors": ["grok", "bloomberg"],
        "corrected_by": [data["timeline"][0]["corrected_by"][0]],
        "id": "bloomberg-rate",
        "occurred": "2026-01-05..2026-01-06",
        "occurred_approximate": False,
        "occurred_at": "2026-01-05T00:00:00.000000Z",
        "occurred_earliest": "2026-01-05T00:00:00.000000Z",
        "occurred_latest": "2026-01-06T23:59:59.999999Z",
        "occurred_precision": "day",
        "publishers": ["Bloomberg"],
        "quote": None,
        "recorded": "2026-01-12T09:07:00.000000Z",
        "seq": 8,
        "speaker": None,
        "stance": None,
        "summary": None,
        "superseded_by": None,
        "tags": [],
        "topics": [],
        "type": "figure",
    }


def test_replay_bad_date(grok_log: Path, cli: Run) -> None:
    """A date that does not parse is one line naming its flag and the forms a replay date takes."""
    result = cli("replay", "--as-of", "10/01/2026/x")
    assert result.status == 1
    assert result.err == (
        "tracker: error: --as-of: invalid date '10/01/2026/x': an interval has exactly two "
        "ends; a replay date is a year, a month, a day or a time (2026, 2026-01, 2026-01-15, "
        "2026-01-15T14:00), and a year, month or day means its end\n"
    )


def test_replay_ambiguous_date(grok_log: Path, cli: Run) -> None:
    """10/01/2026 could be 10 January or 1 October: refused naming both, not guessed."""
    result = cli("replay", "--as-of", "10/01/2026")
    assert result.status == 1
    assert result.err == (
        "tracker: error: --as-of: invalid date '10/01/2026': it reads as 2026-01-10 (day first) "
        "or as 2026-10-01 (month first); write YYYY-MM-DD, or give the order (--date-order DMY "
        "or MDY, or $TRACKER_DATE_ORDER)\n"
    )


def test_replay_empty_log(cli: Run) -> None:
    """An empty log replays to an empty timeline."""
    cli("init")
    result = cli("replay")
    assert result.out == (
        "as of: no limit, known at: the whole log: 0 events, 0 uncertain, 0 actors, 0 topics "
        "(log read to record 0)\n\n(no events)\n"
    )
