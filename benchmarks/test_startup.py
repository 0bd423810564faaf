"""Cold start of the command line: what a user waits for before anything happens.

Each round is a fresh process (nothing cached in memory), as when a user types the command:

- ``tracker --help``: the parser alone (tests/cli/test_cli_startup.py checks that it imports
  neither pydantic nor pendulum nor orjson);
- ``tracker add figure ...``: flags built from the models, one validated, durable append;
- ``python -c "import tracker"``: the package's import cost (names are loaded on first use).

Run with ``python -m pytest benchmarks/test_startup.py --benchmark-enable``.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def _run(argv: list[str], cwd: Path | None = None) -> None:
    # (the environment as the test has it: its own cache and config directories)
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_LOG"}
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr


@pytest.mark.benchmark(group="startup")
def test_help(benchmark: pytest.FixtureRequest) -> None:
    """Cold `tracker --help`."""
    benchmark.pedantic(_run, args=([str(BIN / "tracker"), "--help"],), rounds=15, warmup_rounds=1)  # type: ignore[attr-defined]


@pytest.mark.benchmark(group="startup")
def test_add_figure(benchmark: pytest.FixtureRequest, tmp_path: Path) -> None:
    """Cold `tracker add figure ...` on a fresh log: parse, validate, append durably."""
    counter = itertools.count()

    def fresh_log() -> tuple[tuple[list[str], Path], dict[str, object]]:
        n = next(counter)
        log = tmp_path / f"log{n}.jsonl"
        _run([str(BIN / "tracker"), "init", "--log", str(log)])
        _run(
            [
                str(BIN / "tracker"),
                "actor",
                "add",
                "bloomberg",
                "--name",
                "Bloomberg",
                "--kind",
                "media",
                "--log",
                str(log),
            ]
        )
        argv = [
            str(BIN / "tracker"),
            "add",
            "figure",
            "--log",
            str(log),
            "--occurred",
            "2026-01~",
            "--metric",
            "sexualised_images",
            "--value",
            "6700",
            "--approximate",
            "--unit",
            "per_hour",
            "--reported-by",
            "bloomberg",
            "--source",
            "https://www.bloomberg.com/a",
            "--publisher",
            "Bloomberg",
        ]
        return (argv, tmp_path), {}

    benchmark.pedantic(_run, setup=fresh_log, rounds=10)  # type: ignore[attr-defined]


@pytest.mark.benchmark(group="startup")
def test_import_tracker(benchmark: pytest.FixtureRequest) -> None:
    """Cold `import tracker` in a fresh interpreter (a bare interpreter's start included)."""
    benchmark.pedantic(
        _run, args=([sys.executable, "-c", "import tracker"],), rounds=15, warmup_rounds=1
    )  # type: ignore[attr-defined]


@pytest.mark.benchmark(group="startup")
def test_bare_interpreter(benchmark: pytest.FixtureRequest) -> None:
    """A bare interpreter, the floor the other startup figures are compared with."""
    benchmark.pedantic(_run, args=([sys.executable, "-c", "pass"],), rounds=15, warmup_rounds=1)  # type: ignore[attr-defined]
