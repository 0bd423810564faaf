"""Fixtures for the security suite: the Grok log in a folder an attacker may write, the command
line run in-process, and helpers that forge what an attacker could (a chain-valid record, a
re-chained log) without going through tracker's checks."""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest

from tracker.cli.main import main
from tracker.examples import demo_log_path
from tracker.store.records import make_record_at


@dataclass
class Result:
    """What one run printed, and its exit status."""

    status: int
    out: str
    err: str


Run = Callable[..., Result]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh cache directory (the user's derived state) for this test."""
    path = tmp_path / "cache"
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(path))
    return path


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    """The shared folder a teammate can write: it holds the log."""
    path = tmp_path / "shared"
    path.mkdir()
    return path


@pytest.fixture
def grok(shared: Path, cache: Path) -> Path:
    """A copy of the bundled Grok log (33 records) in the shared folder."""
    path = shared / "grok.jsonl"
    shutil.copyfile(demo_log_path(), path)
    return path


@pytest.fixture
def cli(
    shared: Path,
    clock: object,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Run:
    """Run ``tracker ARGS`` in-process, in the shared folder, on the step clock."""
    monkeypatch.chdir(shared)
    monkeypatch.delenv("TRACKER_LOG", raising=False)
    monkeypatch.delenv("TRACKER_TZ", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    capsys.readouterr()

    def run(*argv: str) -> Result:
        if len(argv) == 1 and " " in argv[0]:
            argv = tuple(shlex.split(argv[0]))
        status = main(list(argv), clock=clock)  # type: ignore[arg-type]
        captured = capsys.readouterr()
        return Result(status, captured.out, captured.err)

    return run


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A folder of the user's files that planted links point at: it must never change."""
    path = tmp_path / "home"
    path.mkdir()
    (path / "notes.txt").write_bytes(b"my notes\n")
    (path / "draft.md").write_bytes(b"# draft\n")
    return path


def tree(path: Path) -> dict[str, bytes | None]:
    """Every file under ``path`` with its bytes (None for a directory or a link's target)."""
    out: dict[str, bytes | None] = {}
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            full = Path(root) / name
            rel = str(full.relative_to(path))
            out[rel] = None if full.is_dir() or full.is_symlink() else full.read_bytes()
    return out


def one_line_error(result: Result) -> str:
    """The single error line of a refused command (asserts it is one line, no traceback)."""
    assert result.status != 0
    lines = result.err.splitlines()
    assert len(lines) >= 1
    assert lines[-1].startswith("tracker: error: ") or lines[0].startswith("tracker: error: ")
    assert "Traceback" not in result.err
    assert "this is a bug" not in result.err
    return result.err


def records(path: Path) -> list[dict[str, Any]]:
    """The log's records as dicts."""
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def append_forged(path: Path, event: dict[str, Any]) -> int:
    """Append a chain-valid record (right seq, link, hash; a batch of one) holding ``event``,
    as another program with write access could, bypassing every check tracker makes.

    Returns the new record's sequence number.
    """
    last = records(path)[-1]
    record = make_record_at(
        seq=last["seq"] + 1,
        recorded=last["recorded"],
        batch_id=last["seq"] + 1,
        batch_index=0,
        batch_count=1,
        event=event,
        prev=last["hash"],
    )
    with open(path, "ab") as f:
        f.write(record.line() + b"\n")
    return record.seq


def rechain(path: Path, seq: int, change: Callable[[dict[str, Any]], None]) -> None:
    """Rewrite the log with ``change`` applied to record ``seq``'s event, every hash from
    there recomputed: a consistent rewrite, valid on its own."""
    out: list[bytes] = []
    prev = "0" * 64
    for data in records(path):
        event = data["event"]
        if data["seq"] == seq:
            change(event)
        record = make_record_at(
            seq=data["seq"],
            recorded=data["recorded"],
            batch_id=data["batch"]["id"],
            batch_index=data["batch"]["index"],
            batch_count=data["batch"]["count"],
            event=event,
            prev=prev,
        )
        prev = record.hash
        out.append(record.line() + b"\n")
    path.write_bytes(b"".join(out))


def edit_in_place(path: Path, old: bytes, new: bytes) -> None:
    """Replace the first ``old`` with ``new`` in the file's bytes, as a hand edit does."""
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, 1))


def digest(path: Path) -> str:
    """The SHA-256 of a file (to prove it was not written)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def no_derived(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], None]]:
    """Switch to an empty cache: what answers come with no derived state at all."""

    def switch() -> None:
        fresh = tmp_path / f"fresh-cache-{len(list(tmp_path.glob('fresh-cache-*')))}"
        monkeypatch.setenv("TRACKER_CACHE_DIR", str(fresh))

    yield switch
