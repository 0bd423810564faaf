"""The PostgreSQL guide (docs/postgres.md) runs: its Python block, against the test server."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

import tracker

PAGE = Path(__file__).resolve().parents[2] / "docs" / "postgres.md"


def section() -> str:
    """The text of the PostgreSQL guide."""
    return PAGE.read_text(encoding="utf-8")


def python_blocks() -> list[str]:
    """The page's ```py blocks (marked not run for tests/docs, which has no server: run here)."""
    return re.findall(r"^```py\n(.*?)^```$", section(), re.MULTILINE | re.DOTALL)


def test_the_python_block_runs_against_a_real_server(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Python block opens the log 'tracker init' made, appends, verifies, copies, follows."""
    tracker.init(pg_url).close()  # what the shell block's 'tracker init' did
    monkeypatch.setenv("TRACKER_LOG", pg_url)
    monkeypatch.chdir(tmp_path)
    blocks = python_blocks()
    assert len(blocks) == 1
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(blocks[0], str(PAGE), "exec"), {"__name__": "__docs__"})  # noqa: S102
    assert re.fullmatch(r"1 actor ev-[0-9a-f]{20}\n", out.getvalue())
    assert (tmp_path / "backup.jsonl").exists()


def test_the_section_documents_the_url_and_the_lock_choice() -> None:
    """The page gives the URL form, the log parameter and why the head row is the lock."""
    text = " ".join(section().split())
    assert "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE?log=NAME" in text
    assert "SELECT ... FOR UPDATE" in text and "pg_advisory_lock" in text
    assert "(log, recorded, seq)" in text
