"""A long catch-up of the read model says what it is doing (its first build on a big log can
take a minute at a million events): ``Log.progress``, printed by the command line on a
terminal only."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

import tracker
from tracker import _replay
from tracker.cli.main import main


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    path = tmp_path / "log.jsonl"
    with tracker.open(path, create=True) as log:
        log.append([{"type": "topic", "topic": f"t{i}", "name": f"T{i}"} for i in range(5)])
    return path


def test_a_big_catch_up_is_told_once_and_a_small_one_never(
    log_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Five records to take in with the threshold at 3: one line naming them; the next replay
    (nothing new) says nothing; below the threshold nothing either."""
    monkeypatch.setattr(_replay, "NEWS_AFTER", 3)
    news: list[str] = []
    with tracker.open(log_path) as log:
        log.progress = news.append
        log.replay().timeline()
        assert news == [
            "reading 5 records into the read model (the records of the log; once: later "
            "commands read it)"
        ]
        log.replay()
        assert len(news) == 1
        log.append([{"type": "topic", "topic": "u0", "name": "U0"}])
        log.replay()
        assert len(news) == 1  # (one new record: under the threshold)


def test_the_command_line_prints_it_on_a_terminal_only(
    log_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Into a pipe (stderr not a terminal) nothing; on a terminal one 'tracker: reading ...'
    line on stderr, and stdout holds only the answer."""
    monkeypatch.setattr(_replay, "NEWS_AFTER", 3)
    assert main(["--log", str(log_path), "replay", "--json"]) == 0
    assert capsys.readouterr().err == ""
    with tracker.open(log_path) as log:
        log.derived.forget()  # (the read model is rebuilt from nothing)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    err = Terminal()
    monkeypatch.setattr(sys, "stderr", err)
    assert main(["--log", str(log_path), "replay", "--json"]) == 0
    assert err.getvalue() == (
        "tracker: reading 5 records into the read model (the records of the log; once: later "
        "commands read it)\n"
    )
    assert "reading" not in capsys.readouterr().out
