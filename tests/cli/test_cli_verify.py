"""``tracker verify``, ``tracker head`` and ``tracker repair``: integrity from the terminal."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import Run, snapshot


def test_verify_ok(grok_log: Path, cli: Run) -> None:
    """A clean log verifies, and the head is printed."""
    head = json.loads(cli("head", "--json").out)["head"]
    result = cli("verify")
    assert (result.status, result.out) == (0, f"ok: 12 records, chain intact; head {head}\n")


def test_head_formats(grok_log: Path, cli: Run) -> None:
    """`tracker head` prints the tree head (origin, size, Merkle root, chain hash); --json
    gives its parts."""
    text = cli("head").out
    data = json.loads(cli("head", "--json").out)
    assert text == f"{data['origin']}\n12\n{data['root']}\nchain {data['hash']}\n\n"
    assert data == {
        "root": data["root"],
        "hash": data["hash"],
        "head": f"12:{data['hash']}",
        "note": text,
        "origin": data["origin"],
        "recorded": "2026-01-14T10:01:00.000000Z",
        "seq": 12,
    }
    assert len(data["hash"]) == 64


def test_verify_against_published_head(grok_log: Path, cli: Run) -> None:
    """A head published earlier verifies while the log extends it."""
    published = cli("head").out.strip()
    cli("topic add deepfakes --name Deepfakes")
    result = cli("verify", "--head", published)
    assert result.status == 0
    assert result.out.startswith(
        "ok: 13 records, chain intact; it extends the published head 12 and its Merkle root; "
        "head 13:"
    )


def test_verify_wrong_head_exits_5(grok_log: Path, cli: Run) -> None:
    """A head the log does not extend is an integrity failure (exit 5)."""
    result = cli("verify", "--head", "3:" + "ab" * 32)
    assert result.status == 5
    assert result.err.startswith(
        "tracker: error: the log does not extend the published head 3:abababababababab..."
    )


def test_edited_line_exits_5(grok_log: Path, cli: Run) -> None:
    """An edited byte is found by verify at its record (exit 5)."""
    grok_log.write_bytes(
        grok_log.read_bytes().replace(b"insulting to victims", b"insulting to victimz")
    )
    result = cli("verify")
    assert (result.status, result.err) == (
        5,
        "tracker: error: record 10: its hash does not match its content (it was edited)\n",
    )


def test_torn_tail_exits_4_then_repair(grok_log: Path, cli: Run) -> None:
    """A torn last line stops every command with exit 4 until `tracker repair` cuts it."""
    whole = snapshot(grok_log)
    grok_log.write_bytes(whole + b'{"batch":{"count":1')
    for argv in (["verify"], ["replay"], ["add", "topic", "--topic", "t", "--name", "T"]):
        result = cli(*argv)
        assert result.status == 4
        assert result.err.startswith(
            f"tracker: error: tracker.jsonl ends in a torn record after record 12, at byte {len(whole)} (19 bytes)"
        )
    result = cli("repair")
    assert result.status == 0
    assert result.out == (
        f"cut 19 bytes at byte {len(whole)} of tracker.jsonl: a torn record after record 12, at byte "
        f"{len(whole)} (19 bytes); saved to tracker.jsonl.torn-{len(whole)}\n"
    )
    assert snapshot(grok_log) == whole
    assert cli("verify").status == 0
    assert cli("repair").out == "nothing to repair: tracker.jsonl ends cleanly\n"
