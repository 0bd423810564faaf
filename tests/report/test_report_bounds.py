"""The figures chart draws bounds as bounds: a lower bound alone is not an exact value."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import tracker
from tracker.report._views import collect
from tracker.report.charts import draw_figures

SOURCE = {"publisher": "Example News", "url": "https://example.org/a"}


def _figure(i: str, day: int, **kw: Any) -> dict[str, Any]:
    return {
        "type": "figure",
        "id": i,
        "metric": "loose_bolts",
        "unit": "count",
        "occurred": f"2024-01-{day:02d}",
        "sources": [SOURCE],
        **kw,
    }


def test_bounds_and_unquantified_points_are_marked_as_such(tmp_path: Any) -> None:
    """An exact value is a dot with its number; 'at least' a triangle up labelled >=, 'at
    most' a triangle down labelled <=, an unquantified report an X labelled 'no number'."""
    start = datetime(2024, 7, 1, tzinfo=UTC)
    ticks = iter(range(100))
    log = tracker.open(
        tmp_path / "log.jsonl", create=True, clock=lambda: start + timedelta(minutes=next(ticks))
    )
    log.append(
        [
            _figure("exact", 5, value=4),
            _figure("least", 10, lower=1),
            _figure("most", 15, upper=12),
            _figure("none", 20, unquantified=True),
        ]
    )
    fig = draw_figures(collect(log.replay()))
    ax = fig.axes[0]
    assert sorted(t.get_text() for t in ax.texts if t.get_text()) == sorted(
        ["4", "\u22651", "\u226412", "no number"]
    )
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "at least (a lower bound only)" in legend
    assert "at most (an upper bound only)" in legend
    assert "reported, no number given" in legend
