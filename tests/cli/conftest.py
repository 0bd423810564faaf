"""Fixtures for the command-line tests: run ``tracker`` in-process on a log in a temp dir."""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tracker.cli.main import main
from tracker.examples import demo_log_path


@dataclass
class Result:
    """What one run printed, and its exit status."""

    status: int
    out: str
    err: str


Run = Callable[..., Result]


@pytest.fixture
def cli(
    tmp_path: Path,
    clock: object,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Run:
    """Run ``tracker ARGS`` in-process (cwd is a temp dir, TRACKER_LOG unset, the step clock).

    Give the arguments one by one, or as one command line that is split as a shell would.
    """
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRACKER_LOG", raising=False)
    monkeypatch.delenv("TRACKER_TZ", raising=False)
    monkeypatch.setenv("COLUMNS", "100")  # argparse wraps help to the terminal's width
    capsys.readouterr()

    def run(*argv: str) -> Result:
        if len(argv) == 1 and " " in argv[0]:  # one command line: split as a shell would
            argv = tuple(shlex.split(argv[0]))
        status = main(list(argv), clock=clock)  # type: ignore[arg-type]
        captured = capsys.readouterr()
        return Result(status, captured.out, captured.err)

    return run


SETUP: list[str] = [
    "init",
    "actor add xai --name xAI --kind company",
    "actor add x --name X --kind platform --alias Twitter",
    ("actor add grok --name Grok --kind product --relation developed_by:xai --relation runs_on:x"),
    "actor add bloomberg --name Bloomberg --kind media",
    "actor add the-verge --name 'The Verge' --kind media",
    "actor add uk-gov --name 'UK government' --kind government --jurisdiction GB",
    "topic add paywall --name 'Image tools restricted to subscribers'",
    (
        "add figure --id bloomberg-rate --occurred 2026-01-05..2026-01-06 --metric "
        "sexualised_images --value 6700 --approximate --unit per_hour --subject grok "
        "--reported-by bloomberg --source https://www.bloomberg.com/a --publisher Bloomberg"
    ),
    (
        "add policy_change --id paywall-move --occurred 2026-01-09 --actor x --product grok "
        "--rule 'image generation' --after 'paying subscribers only' --source "
        "https://example.org/paywall --publisher 'The Guardian'"
    ),
    (
        "add statement --id uk-insulting --occurred ..2026-01-12 --speaker uk-gov --quote "
        "'insulting to victims' --topic paywall --stance -2 --source https://www.gov.uk/a "
        "--publisher 'UK government'"
    ),
]
"""A small Grok log: six actors, a topic, and three events recorded on 2026-01-12."""

LATER: list[str] = [
    (
        "add verification --id verge-test --occurred 2026-01-10 --verifier the-verge --target "
        "paywall-move --verdict contradicted --finding 'still free in the Grok app' --source "
        "https://www.theverge.com/a --publisher 'The Verge'"
    ),
    (
        "add correction --corrects bloomberg-rate --replacement.value 6600 --reason 'the "
        "article says about 6,600'"
    ),
]
"""Recorded later, on 2026-01-14: a verification and a correction."""


@pytest.fixture
def grok_log(cli: Run, clock: object, tmp_path: Path) -> Path:
    """The small Grok log at ./tracker.jsonl: SETUP recorded on the 12th, LATER on the 14th."""
    for line in SETUP:
        result = cli(*shlex.split(line))
        assert result.status == 0, result.err
    clock.set(datetime(2026, 1, 14, 10, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    for line in LATER:
        result = cli(*shlex.split(line))
        assert result.status == 0, result.err
    return tmp_path / "tracker.jsonl"


def snapshot(path: Path) -> bytes:
    """The log's bytes (to check a refused command changed nothing)."""
    return path.read_bytes() if os.path.exists(path) else b""


@pytest.fixture
def grok(cli: Run, tmp_path: Path) -> Path:
    """A copy of the bundled log at ./tracker.jsonl (the default log, in the cli's directory)."""
    path = tmp_path / "tracker.jsonl"
    shutil.copyfile(demo_log_path(), path)
    return path
