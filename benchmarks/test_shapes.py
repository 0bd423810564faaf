"""The declared shapes' hot path: a replay's rows as JSON (replay --json) and as a DataFrame.

Off by default, as every benchmark (each runs once as a test); time it with
``.venv/bin/python -m pytest benchmarks/test_shapes.py --benchmark-enable``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import tracker


@pytest.fixture(scope="module")
def replayed(bench_log: Path) -> Any:
    """The generated log, folded once."""
    with tracker.open(bench_log) as log:
        return log.replay(fold=True)  # in memory: the rows, not the read model, are timed


@pytest.mark.benchmark(group="shapes")
def test_timeline_to_records(benchmark: Any, replayed: Any) -> None:
    """Every timeline row as JSON values: what replay --json prints."""
    timeline = replayed.timeline()
    rows = benchmark(timeline.to_records)
    assert len(rows) == len(timeline)


@pytest.mark.benchmark(group="shapes")
def test_figures_to_records(benchmark: Any, replayed: Any) -> None:
    """Every figure point as JSON values (a text, two dates, lists)."""
    points = replayed.figures().points
    assert len(benchmark(points.to_records)) == len(points)


@pytest.mark.benchmark(group="shapes")
def test_timeline_to_pandas(benchmark: Any, replayed: Any) -> None:
    """The timeline as a typed pandas DataFrame."""
    timeline = replayed.timeline()
    assert len(benchmark(timeline.to_pandas)) == len(timeline)
