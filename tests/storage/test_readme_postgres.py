"""The README's PostgreSQL section runs: its Python block, against the test server."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

import tracker

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "<!-- section: postgres (issue 8) -->"


def section() -> str:
    """The text of the postgres section, up to the next section marker."""
    text = README.read_text(encoding="utf-8")
    start = text.index(SECTION) + len(SECTION)
    end = text.index("<!-- section:", start)
    return text[start:end]


def python_blocks() -> list[str]:
    """The section's ```py blocks (fenced so the README-wide runner, which has no server, skips them)."""
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
        exec(compile(blocks[0], str(README), "exec"), {"__name__": "__readme__"})  # noqa: S102
    assert re.fullmatch(r"1 actor ev-[0-9a-f]{20}\n", out.getvalue())
    assert (tmp_path / "backup.jsonl").exists()


def test_the_section_documents_the_url_and_the_lock_choice() -> None:
    """The section gives the URL form, the log parameter and why the head row is the lock."""
    text = " ".join(section().split())
    assert "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE?log=NAME" in text
    assert "SELECT ... FOR UPDATE" in text and "pg_advisory_lock" in text
    assert "(log, recorded, seq)" in text
