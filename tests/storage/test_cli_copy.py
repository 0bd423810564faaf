"""``tracker copy SRC DST``: between files and PostgreSQL, records as they are."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import tracker

AGAIN = {
    "type": "statement",
    "id": "ofcom-again",
    "speaker": "ofcom",
    "quote": "will act",
    "occurred": "..2026-01-12",
    "sources": [{"publisher": "Ofcom", "url": "https://www.ofcom.org.uk/b"}],
}


@pytest.fixture
def grok(ofcom_log: Path, clock) -> Path:
    """A file log of three records: a batch of two, then one more."""
    with tracker.open(ofcom_log, clock=clock) as log:
        log.append(AGAIN)
    return ofcom_log


def test_copy_to_postgres_and_back_gives_the_same_file(run_tracker, grok, pg_url, tmp_path):
    """Copying out to PostgreSQL and back prints what was copied and restores the same bytes."""
    head = str(tracker.open(grok).head())
    there = run_tracker("copy", str(grok), pg_url)
    assert (there.status, there.err) == (0, "")
    assert there.out == f"copied 3 records from {grok} to {pg_url}\nhead {head}\n"
    back = tmp_path / "back.jsonl"
    again = run_tracker("copy", pg_url, str(back))
    assert again.out == f"copied 3 records from {pg_url} to {back}\nhead {head}\n"
    assert back.read_bytes() == grok.read_bytes()


def test_copying_again_says_there_is_nothing_new(run_tracker, grok, tmp_path):
    """A second copy into the same backup copies nothing and says so."""
    backup = tmp_path / "backup.jsonl"
    run_tracker("copy", str(grok), str(backup))
    again = run_tracker("copy", str(grok), str(backup), "--json")
    assert again.status == 0
    assert json.loads(again.out) == {
        "copied": 0,
        "destination": str(backup),
        "head": str(tracker.open(grok).head()),
        "skipped": 3,
        "source": str(grok),
    }
    text = run_tracker("copy", str(grok), str(backup)).out
    assert text.startswith(f"nothing to copy: {backup} already holds all 3 records of {grok}\n")


def test_a_password_in_a_url_is_never_printed(run_tracker, grok, pg_server):
    """The destination is shown without the password given in its URL (trust auth ignores it)."""
    user = pg_server.base.rsplit("user=", 1)[1]
    rest = f"@/tracker_test?host={pg_server.directory}&log=with-password"
    ran = run_tracker("copy", str(grok), f"postgresql://{user}:s3cret{rest}")
    assert ran.status == 0, ran.err
    assert "s3cret" not in ran.out
    assert f" to postgresql://{user}{rest}\n" in ran.out


@pytest.mark.parametrize(
    ("make_destination", "status", "message"),
    [
        ("diverged", 5, "is not a copy of"),
        ("same", 1, "onto itself"),
        ("no-dir", 1, "the directory"),
    ],
)
def test_a_refused_copy_is_one_line_and_changes_nothing(
    run_tracker, grok, tmp_path, clock, make_destination, status, message
):
    """A destination that is another log, the source itself, or nowhere is refused in one line."""
    if make_destination == "diverged":
        destination = tmp_path / "other.jsonl"
        with tracker.open(destination, create=True, clock=clock) as log:
            log.append([next(tracker.open(grok).records()).event, {**AGAIN, "quote": "other"}])
    elif make_destination == "same":
        destination = grok
    else:
        destination = tmp_path / "missing" / "x.jsonl"
    before = destination.read_bytes() if destination.exists() else None
    ran = run_tracker("copy", str(grok), str(destination))
    assert ran.status == status
    assert ran.out == ""
    assert ran.err.startswith("tracker: error: ") and message in ran.err
    assert ran.err.count("\n") == 1
    assert (destination.read_bytes() if destination.exists() else None) == before


def test_a_missing_source_is_named(run_tracker, tmp_path):
    """Copying from nothing says there is no log there, with exit status 1."""
    ran = run_tracker("copy", str(tmp_path / "nope.jsonl"), str(tmp_path / "b.jsonl"))
    assert ran.status == 1
    assert ran.err.startswith(f"tracker: error: no log at {tmp_path / 'nope.jsonl'}")
    assert not (tmp_path / "b.jsonl").exists()
