"""A closed log leaves its read model checkpointed: one database file, no write-ahead log.

SQLite folds the write-ahead log (``-wal``) into the database and deletes it (and ``-shm``)
only when the last connection closes and that connection may write. A state's reader outlives
the log's handle (a command closes the log, then prints), so the writer checkpoints on close
and the readers may checkpoint too; derived files count against the log's size (issue 16's
goal 6), and a WAL left behind is as big as the last build's pages.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

import tracker

SOURCE = [{"publisher": "P", "url": "https://p.example"}]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(tmp_path / "cache"))


def side_files(cache: Path) -> dict[str, int]:
    """The read model's files in the cache, by name, with their sizes (but its lock file,
    empty, which orders who checks or makes it anew)."""
    found = {p.name: p.stat().st_size for p in cache.rglob("readmodel.sqlite*")
             if p.name != "readmodel.sqlite.lock"}
    assert "readmodel.sqlite" in found
    return found


def written(path: Path) -> tracker.Log:
    log = tracker.open(path, create=True)
    log.append({"type": "actor", "actor": "a0", "name": "A", "kind": "other"})
    log.append({"type": "topic", "topic": "t0", "name": "T"})
    log.append([{"type": "statement", "id": f"s{i}", "speaker": "a0", "topic": "t0",
                 "stance": i % 3 - 1, "quote": "q" * 200, "occurred": f"2026-01-{i + 1:02}",
                 "sources": SOURCE} for i in range(20)])
    return log


def test_a_command_leaves_no_write_ahead_log(tmp_path: Path) -> None:
    """After ``tracker demo`` and ``tracker stances`` exit, the cache holds the database alone
    (each a real process: the read model built, read by a state, and the log closed)."""
    env = {**os.environ, "TRACKER_CACHE_DIR": str(tmp_path / "cache")}
    log = tmp_path / "demo.jsonl"
    for args in (["demo", str(log)], ["--log", str(log), "stances", "--json"]):
        done = subprocess.run([sys.executable, "-m", "tracker", *args], env=env,
                              capture_output=True, check=False)
        assert done.returncode == 0, done.stderr
        assert set(side_files(tmp_path / "cache")) == {"readmodel.sqlite"}


def test_closing_the_log_checkpoints_while_a_state_still_reads(tmp_path: Path) -> None:
    """The log closed while a state it gave is alive: the WAL is folded in and emptied (the
    state's reader still holds it open), the state still answers; once the state goes, no
    side file is left."""
    log = written(tmp_path / "log.jsonl")
    state = log.replay()
    assert side_files(tmp_path / "cache").get("readmodel.sqlite-wal", 0) > 0  # (built: in WAL)
    log.close()
    assert side_files(tmp_path / "cache").get("readmodel.sqlite-wal", 0) == 0
    assert len(state.stance_changes()) > 0
    del state
    gc.collect()
    assert set(side_files(tmp_path / "cache")) == {"readmodel.sqlite"}


def test_a_state_closed_first_then_the_log(tmp_path: Path) -> None:
    """The other order: the state's reader goes first, then the log: nothing left either."""
    log = written(tmp_path / "log.jsonl")
    state = log.replay(known_at="2100-01-01")
    assert len(state.timeline()) == 20
    del state
    gc.collect()
    log.close()
    assert set(side_files(tmp_path / "cache")) == {"readmodel.sqlite"}


def test_a_log_never_closed_is_checkpointed_at_exit(tmp_path: Path) -> None:
    """A script that never closes its log (nor drops its state) leaves no WAL at exit."""
    script = (
        "import sys, tracker\n"
        "log = tracker.open(sys.argv[1])\n"
        "state = log.replay()\n"
        "print(len(state.timeline()))\n"
    )
    written(tmp_path / "log.jsonl").close()
    (tmp_path / "cache").mkdir(exist_ok=True)
    for sub in (tmp_path / "cache").rglob("readmodel.sqlite"):
        sub.unlink()  # (built afresh by the script)
    env = {**os.environ, "TRACKER_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "log.jsonl")], env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "20"
    assert set(side_files(tmp_path / "cache")) == {"readmodel.sqlite"}
