"""Fixtures for the benchmarks: one generated 10k-event log per session (CI runs only this size).

The benchmarks run with pytest-benchmark, off by default (``--benchmark-disable`` in addopts):
then each runs once, as a test that the measured code works. Turn timing on with
``pytest benchmarks --benchmark-enable``; ``TRACKER_BENCH_SIZE`` picks another size.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # --import-mode=importlib does not put the rootdir on sys.path
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate  # noqa: E402

BENCH_SIZE = int(os.environ.get("TRACKER_BENCH_SIZE", "10000"))


@pytest.fixture(scope="session")
def bench_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated log of BENCH_SIZE events (10,000 unless TRACKER_BENCH_SIZE says otherwise)."""
    path = tmp_path_factory.mktemp("bench") / "events.jsonl"
    generate(path, BENCH_SIZE)
    return path


@pytest.fixture
def work_dir(tmp_path: Path) -> Path:
    """A scratch directory beside which measures write their copies."""
    return tmp_path
