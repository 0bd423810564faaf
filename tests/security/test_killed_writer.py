"""A process killed right after its append (before it closed the log) must not weaken what the
next command checks: the stamp of what this user verified (``verified`` in the cache) already
describes the file as that append left it, so an edit made afterwards, in the killed process's
records or in the prefix verified before them, is still a file changed without growing, and
the next write verifies it whole and refuses.

(A stamp written once on close instead of after every append was tried for a faster durable
append: killed before close, it left the stamp of before the append, the file looked grown
since, and an edit of the verified prefix let the next write through. These tests hold it.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import tracker

from .conftest import Run, edit_in_place

_DIES = (
    "import os, sys, tracker\n"
    "log = tracker.open(sys.argv[1])\n"
    "log.append({'type': 'topic', 'topic': 'dies', 'name': 'Dies topic'})\n"
    "os._exit(0)\n"  # no close, no finalizer: as a killed process
)


@pytest.mark.parametrize(
    ("old", "new", "seq"),
    [
        (b"insulting", b"INSULTING", 18),  # the prefix this user verified before
        (b"Dies topic", b"DIES topic", 35),  # the killed process's own record
    ],
    ids=["verified-prefix", "killed-process-record"],
)
def test_an_edit_after_a_killed_append_is_found_by_the_next_write(
    grok: Path, cli: Run, old: bytes, new: bytes, seq: int
) -> None:
    """verify, one append from the command line, then a process appends and is killed before
    closing; an edit that keeps every length follows: the next write refuses (exit 5, naming
    the record) and writes nothing."""
    assert cli("verify --log grok.jsonl").status == 0
    assert cli("add topic --log grok.jsonl --topic first --name First").status == 0
    died = subprocess.run(
        [sys.executable, "-c", _DIES, str(grok)],
        capture_output=True, text=True, env=dict(os.environ), check=False,
    )
    assert died.returncode == 0, died.stderr
    edit_in_place(grok, old, new)
    size = grok.stat().st_size
    result = cli("add topic --log grok.jsonl --topic bans --name Bans")
    assert result.status == 5, result
    assert f"record {seq}" in result.err and "tracker verify" in result.err
    assert grok.stat().st_size == size


def _torn(stamp: bytes, how: str) -> bytes:
    if how == "half-written":
        return stamp[: len(stamp) // 2] + bytes(len(stamp) - len(stamp) // 2)
    if how == "zeros":
        return bytes(len(stamp))
    return b""  # emptied


@pytest.mark.parametrize("how", ["half-written", "zeros", "emptied"])
def test_a_torn_stamp_makes_the_next_write_verify_the_whole_log(
    grok: Path, cli: Run, how: str
) -> None:
    """The stamp is rewritten in place after each append and never fsynced; one that a crash
    left torn is not believed and counts as an edit: after an edit of the verified prefix
    that keeps every length, the next write verifies the log whole and refuses (exit 5)."""
    assert cli("verify --log grok.jsonl").status == 0
    assert cli("add topic --log grok.jsonl --topic first --name First").status == 0
    with tracker.open(grok) as log:
        folder = log.derived.folder
    assert folder is not None
    stamp = folder / "verified"
    stamp.write_bytes(_torn(stamp.read_bytes(), how))
    edit_in_place(grok, b"insulting", b"INSULTING")
    size = grok.stat().st_size
    result = cli("add topic --log grok.jsonl --topic bans --name Bans")
    assert result.status == 5, result
    assert "record 18" in result.err
    assert grok.stat().st_size == size


def test_appends_keep_one_stamp_file_that_describes_the_log(grok: Path, cli: Run) -> None:
    """Appends rewrite the stamp where it is (no new file per append) and it always notes the
    log as the last append left it, so an edit right after is seen as one."""
    assert cli("verify --log grok.jsonl").status == 0
    with tracker.open(grok) as log:
        folder = log.derived.folder
        assert folder is not None
        stamp = folder / "verified"
        inode = stamp.stat().st_ino
        for i in range(3):
            log.append({"type": "topic", "topic": f"t{i}", "name": f"T {i}"})
            assert stamp.stat().st_ino == inode
            assert log.derived.whole()
            assert not log.derived.touched_in_place()
    edit_in_place(grok, b"T 2", b"X 2")
    with tracker.open(grok) as log:
        assert log.derived.touched_in_place()
        assert not log.derived.whole()
