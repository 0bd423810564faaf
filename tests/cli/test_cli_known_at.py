"""--known-at @N and a published head at the command line: the JSON names the record."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import Run


def test_a_record_number(grok: Path, cli: Run) -> None:
    """@26: the answer as the log stood just after record 26, named in the JSON."""
    data = json.loads(cli("stances --known-at @26 --json").out)
    assert data["known_at_record"] == 26
    assert data["known_at"] == "2026-01-12T15:14:00.000000Z"
    assert [s["holder"] for s in data["stances"]] == ["uk-gov", "european-commission"]


def test_a_head_note_in_a_file(grok: Path, cli: Run, tmp_path: Path) -> None:
    """A file holding the note 'tracker head' printed replays to the head's size."""
    (tmp_path / "head.txt").write_text(cli("head").out)
    result = cli("disputes --known-at head.txt --json")
    assert result.status == 0, result.err
    assert json.loads(result.out)["known_at_record"] == 33


def test_diff_between_two_records(grok: Path, cli: Run) -> None:
    """diff --known-at @30 --to-known-at @31: exactly what record 31 brought."""
    diff = json.loads(cli("diff --known-at @30 --to-known-at @31 --json").out)
    assert [e["id"] for e in diff["events"]] == ["fr-ministers-condemn"]
    assert (diff["a"]["known_at_record"], diff["b"]["known_at_record"]) == (30, 31)
    text = cli("diff --known-at @30 --to-known-at @31").out
    assert text.startswith("from as of no limit, known at @30\n  to as of no limit, known at @31")


def test_refusals(grok: Path, cli: Run, tmp_path: Path) -> None:
    """A record past the end (exit 1), another log's head (exit 5), a bad form, a stray file."""
    result = cli("replay --known-at @40")
    assert (result.status, result.err) == (
        1,
        "tracker: error: no record 40 in tracker.jsonl to replay to: its last record is 33\n",
    )
    (tmp_path / "other.txt").write_text(f"tracker-log/x\n12\n{'ab' * 32}\n\n")
    result = cli("replay --known-at other.txt")
    assert result.status == 5 and "does not extend the head 12:" in result.err
    result = cli("replay --known-at @x")
    assert result.status == 1
    assert result.err.startswith("tracker: error: --known-at: a record number is @N")
    (tmp_path / "notes.txt").write_text("hello\n")
    result = cli("replay --known-at notes.txt")
    assert result.status == 1 and "does not hold a head note" in result.err
    result = cli("replay --known-at 2026-13")
    assert result.status == 1 and "or a record number (@28" in result.err


def test_a_record_number_without_its_at_is_offered_with_it(grok: Path, cli: Run) -> None:
    """Main: ``--known-at 26`` (the @ forgotten) was refused as a date whose year must have
    four digits, in a message 400 characters long. Now it asks whether @26 was meant."""
    for flag, command in (("--known-at", "replay"), ("--to-known-at", "diff --known-at @3")):
        result = cli(f"{command} {flag} 26")
        assert (result.status, result.out) == (1, "")
        assert result.err == (
            f"tracker: error: {flag}: '26' is no date; did you mean @26 (the log as it stood "
            "just after record 26)?\n"
        )
    assert cli("replay --known-at 2026").status == 0  # four digits are a year
