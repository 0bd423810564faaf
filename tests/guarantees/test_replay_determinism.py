"""Guarantee 6: the same log and dates give byte-identical ``--json`` output, every time.

Every read-only command's ``--json`` output over the bundled Grok log is produced in this
process (twice), and in fresh processes under different hash seeds (``PYTHONHASHSEED``), which
change the order of Python's sets and the hashes of strings: the bytes must be identical.
A replay never reads the wall clock (unset dates mean unbounded), so the day of the run does
not matter either.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from tracker.cli import main
from tracker.examples import demo_log_path

QUERIES: list[list[str]] = [
    ["replay"],
    ["replay", "--as-of", "2026-01-05"],
    ["replay", "--as-of", "2026-01-10", "--known-at", "2026-01-12"],
    ["replay", "--as-of", "2026-01", "--known-at", "2026-01-12T16:00"],
    ["replay", "--known-at", "2026-01-12T15:00"],
    ["replay", "--actor", "ofcom"],
    ["log"],
    ["log", "--type", "figure"],
    ["show", "xai-quarterly-loss"],
    ["show", "xai-quarterly-loss", "--known-at", "2026-01-12T15:30"],
    ["actor", "show", "xai"],
    ["actor", "list"],
    ["topic", "list"],
    ["stances"],
    ["stances", "--changes", "--as-of", "2026-01-10"],
    ["figures"],
    ["figures", "--known-at", "2026-01-12T15:30"],
    ["posture"],
    ["posture", "--as-of", "2026-01-09"],
    ["disputes"],
    ["diff", "--as-of", "2026-01-10", "--to-as-of", "2026-01-12"],
    ["diff", "--known-at", "2026-01-12", "--to-known-at", "2026-01-14"],
    ["verify"],
    ["head"],
]
"""Read-only commands and their dates; each is run with ``--json``."""

SEEDS = ["0", "1", "4242", "random"]

_RUNNER = """
import contextlib, io, sys
import orjson
from tracker.cli import main
out = {}
for argv in orjson.loads(sys.argv[1]):
    buffer = io.BytesIO()
    wrapper = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
    with contextlib.redirect_stdout(wrapper):
        status = main(argv)
        wrapper.flush()
    out[" ".join(argv)] = [status, buffer.getvalue().decode("utf-8")]
sys.stdout.write(orjson.dumps(out, option=orjson.OPT_SORT_KEYS).decode())
"""


@pytest.fixture
def grok_log(tmp_path: Path) -> Path:
    """A copy of the bundled Grok log."""
    path = tmp_path / "grok.jsonl"
    shutil.copy(demo_log_path(), path)
    return path


def _argvs(log: Path) -> list[list[str]]:
    return [[*q, "--json", "--log", str(log)] for q in QUERIES]


def _in_process(log: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    out = {}
    for argv in _argvs(log):
        capsys.readouterr()
        status = main(argv)
        out[" ".join(argv)] = [status, capsys.readouterr().out]
    return out


def _in_child(log: Path, seed: str) -> dict[str, Any]:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    proc = subprocess.run(
        [sys.executable, "-c", _RUNNER, orjson.dumps(_argvs(log)).decode()],
        capture_output=True,
        env=env,
        timeout=120,
        check=True,
    )
    result: dict[str, Any] = orjson.loads(proc.stdout)
    return result


def test_json_output_is_byte_identical_across_runs_processes_and_hash_seeds(
    grok_log: Path, capsys: pytest.CaptureFixture[str], figures: dict[str, Any]
) -> None:
    """Every query's --json bytes are the same in-process, twice, and under four hash seeds."""
    first = _in_process(grok_log, capsys)
    assert all(status == 0 for status, _out in first.values()), first
    assert all(out.startswith(("{", "[")) for _status, out in first.values())
    assert _in_process(grok_log, capsys) == first
    for seed in SEEDS:
        assert _in_child(grok_log, seed) == first, f"PYTHONHASHSEED={seed}"
    figures["replay: --json queries compared"] = len(QUERIES)
    figures["replay: processes and hash seeds compared"] = len(SEEDS) + 1


def test_the_installed_command_gives_the_same_bytes(grok_log: Path, capsys: Any) -> None:
    """`python -m tracker replay --json` in a fresh process prints what main() prints."""
    argv = ["replay", "--as-of", "2026-01-10", "--known-at", "2026-01-12", "--json"]
    capsys.readouterr()
    assert main([*argv, "--log", str(grok_log)]) == 0
    expected = capsys.readouterr().out.encode()
    for seed in ("0", "77"):
        proc = subprocess.run(
            [sys.executable, "-m", "tracker", *argv, "--log", str(grok_log)],
            capture_output=True,
            env=dict(os.environ, PYTHONHASHSEED=seed),
            timeout=60,
            check=True,
        )
        assert proc.stdout == expected


def test_a_replay_does_not_depend_on_where_the_log_lives(
    grok_log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same log under another name and directory replays to the same bytes."""
    other = tmp_path / "elsewhere" / "copy.jsonl"
    other.parent.mkdir()
    shutil.copy(grok_log, other)
    outputs = []
    for log in (grok_log, other):
        capsys.readouterr()
        with contextlib.redirect_stderr(io.StringIO()):
            assert main(["replay", "--as-of", "2026-01-10", "--json", "--log", str(log)]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
