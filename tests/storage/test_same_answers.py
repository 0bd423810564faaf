"""The bundled Grok log copied into PostgreSQL gives the same answers as the file, command by command."""

from __future__ import annotations

import shlex
from importlib.resources import files
from pathlib import Path

import pytest

import tracker

COMMANDS = [
    "log --json",
    "log --json --recorded ..2026-01-12T15:05",
    "replay --json",
    "replay --json --as-of 2026-01-10 --known-at 2026-01-12",
    "stances --json",
    "figures --json",
    "posture --json",
    "disputes --json",
    "diff --json --known-at 2026-01-12 --to-known-at 2026-01-14",
    "actor show grok --json",
    "actor list --json",
    "show ec-preservation-order --json",
    "verify --json",
    "head --json",
]


@pytest.fixture(scope="module")
def both(pg_server, tmp_path_factory) -> tuple[str, str]:
    """The bundled log as a file, and copied into a PostgreSQL log."""
    path = tmp_path_factory.mktemp("grok") / "grok.jsonl"
    path.write_bytes(files("tracker.examples").joinpath("grok.jsonl").read_bytes())
    url = pg_server.url("grok-example")
    tracker.copy(path, url)
    return str(path), url


@pytest.mark.parametrize("command", COMMANDS)
def test_a_command_answers_the_same_on_both_stores(run_tracker, both, command):
    """The command's --json output on the PostgreSQL copy is byte-identical to the file's."""
    path, url = both
    on_file = run_tracker(*shlex.split(command), "--log", path)
    on_database = run_tracker(*shlex.split(command), "--log", url)
    assert on_file.status == 0, on_file.err
    assert on_database.out.replace(url, "LOG") == on_file.out.replace(path, "LOG")
    assert on_database.status == 0
    assert len(on_file.out) > 20


def test_the_example_log_fixture_is_the_shipped_one(both):
    """The file compared is the bundled example, which holds 33 records."""
    assert Path(both[0]).read_bytes().count(b"\n") == 33
