"""``tracker follow``: new events as they are appended, printed as lines or JSON Lines."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import tracker


@pytest.fixture
def grok(ofcom_log: Path) -> Path:
    """A file log of two records, recorded at 09:00."""
    return ofcom_log


def test_follow_from_the_start_prints_each_event_then_stops_when_idle(run_tracker, grok):
    """--after 0 prints every record as one line; --timeout ends it after a quiet spell."""
    ran = run_tracker("follow", "--log", str(grok), "--after", "0", "--timeout", "0.05")
    assert (ran.status, ran.err) == (0, "")
    lines = ran.out.splitlines()
    assert lines[0] == "1  2026-01-12T09:00:00.000000Z  actor  reg-ofcom  ofcom: Ofcom (regulator)"
    assert lines[1].startswith(
        "2  2026-01-12T09:00:00.000000Z  statement  ofcom-urgent  ..2026-01-12  "
    )
    assert "made urgent contact" in lines[1]
    assert len(lines) == 2


def test_follow_json_prints_the_stored_records(run_tracker, grok):
    """--json prints each record exactly as stored, one per line."""
    ran = run_tracker("follow", "--log", str(grok), "--after", "1", "--timeout", "0.05", "--json")
    assert ran.out.encode() == grok.read_bytes().splitlines(keepends=True)[1]


def test_follow_after_a_record_the_log_lacks_is_refused(run_tracker, grok):
    """--after beyond the head is refused in one line, exit status 1."""
    ran = run_tracker("follow", "--log", str(grok), "--after", "9", "--timeout", "0.05")
    assert ran.status == 1
    assert ran.err == f"tracker: error: there is no record 9 in {grok}: its last record is 2\n"


def test_two_terminals_append_and_follow_one_postgres_log(pg_url):
    """One terminal runs 'tracker follow'; another appends; the first prints it; Ctrl-C ends it."""
    env = {**os.environ, "TRACKER_LOG": pg_url}
    tracker_cmd = [sys.executable, "-m", "tracker"]

    def other_terminal(*argv: str) -> None:
        subprocess.run([*tracker_cmd, *argv], env=env, check=True, capture_output=True, timeout=60)

    other_terminal("init")
    other_terminal("actor", "add", "ofcom", "--name", "Ofcom", "--kind", "regulator")
    follower = subprocess.Popen(
        [*tracker_cmd, "follow", "--after", "0", "--json", "--timeout", "30"],  # never hangs
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert follower.stdout is not None
        got = [follower.stdout.readline()]  # the follower is running: it printed record 1
        other_terminal(
            "add", "statement", "--id", "ofcom-urgent", "--speaker", "ofcom", "--quote",
            "made urgent contact", "--occurred", "..2026-01-12", "--source",
            "https://www.ofcom.org.uk/a", "--publisher", "Ofcom",
        )  # fmt: skip
        got.append(follower.stdout.readline())
        with tracker.open(pg_url) as log:
            assert got == [r.line() + b"\n" for r in log.records()]
    finally:
        follower.send_signal(signal.SIGINT)
        _out, err = follower.communicate(timeout=30)
    assert follower.returncode == 130, err
