"""Log.follow: new events as teammates append them (LISTEN/NOTIFY on PostgreSQL, polling on files)."""

from __future__ import annotations

import itertools
import subprocess
import sys
import textwrap
import threading
from typing import Any

import tracker

ACTOR = {"type": "actor", "id": "reg-ofcom", "actor": "ofcom", "name": "Ofcom", "kind": "regulator"}


def statement(name: str) -> dict[str, Any]:
    """A statement by Ofcom with id ``name``."""
    return {
        "type": "statement",
        "id": name,
        "speaker": "ofcom",
        "quote": f"quote {name}",
        "occurred": "2026-01-05",
        "sources": [{"publisher": "Example News", "url": "https://example.org/a"}],
    }


def collect(
    log: tracker.Log, after: int, count: int, into: list[tuple[int, str]]
) -> threading.Thread:
    """Follow ``log`` after record ``after`` in a thread until ``count`` events arrived."""
    # poll=60: a follower that had to poll would miss the 10 s timeout; only NOTIFY wakes it
    stream = log.follow(after=after, timeout=10, poll=60)
    thread = threading.Thread(
        target=lambda: into.extend((e.seq, e.event.id) for e in itertools.islice(stream, count))
    )
    thread.start()
    return thread


def test_two_connections_follow_each_other(pg_url):
    """Two handles on one PostgreSQL log each see the other's appends, woken by NOTIFY."""
    alice = tracker.open(pg_url, create=True)
    alice.append(ACTOR)
    bob = tracker.open(pg_url)
    alice_sees: list[tuple[int, str]] = []
    bob_sees: list[tuple[int, str]] = []
    threads = [collect(alice, 1, 3, alice_sees), collect(bob, 1, 3, bob_sees)]
    alice.append(statement("from-alice"))
    bob.append(statement("from-bob"))
    alice.append(statement("alice-again"))
    for thread in threads:
        thread.join(timeout=30)
    expected = [(2, "from-alice"), (3, "from-bob"), (4, "alice-again")]
    assert alice_sees == expected
    assert bob_sees == expected
    alice.close()
    bob.close()


def test_a_follower_hears_other_processes(pg_url):
    """Appends by separate processes reach a follower in this one, in log order."""
    log = tracker.open(pg_url, create=True)
    log.append(ACTOR)
    seen: list[tuple[int, str]] = []
    thread = collect(log, 1, 4, seen)
    code = textwrap.dedent(
        """
        import sys, tracker
        log = tracker.open(sys.argv[1])
        log.append([{"type": "statement", "id": f"{sys.argv[2]}-{i}", "speaker": "ofcom",
                     "quote": "q", "occurred": "2026-01-05",
                     "sources": [{"publisher": "P", "url": "https://example.org/a"}]}
                    for i in range(2)])
        """
    )
    for name in ("p1", "p2"):
        subprocess.run([sys.executable, "-c", code, pg_url, name], check=True, timeout=60)
    thread.join(timeout=30)
    assert seen == [(2, "p1-0"), (3, "p1-1"), (4, "p2-0"), (5, "p2-1")]
    log.close()


def test_a_follower_sees_only_its_own_log(pg_server):
    """Logs in one database share a NOTIFY channel, but a follower yields only its log's events."""
    mine = tracker.open(pg_server.url(), create=True)
    theirs = tracker.open(pg_server.url(), create=True)
    mine.append(ACTOR)
    theirs.append(ACTOR)
    seen: list[tuple[int, str]] = []
    thread = collect(mine, 1, 1, seen)
    theirs.append(statement("elsewhere"))
    mine.append(statement("here"))
    thread.join(timeout=30)
    assert seen == [(2, "here")]
    mine.close()
    theirs.close()
