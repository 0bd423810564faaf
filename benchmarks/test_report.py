"""How long the report and the exports take, on synthetic logs of 200 and 2,000 events.

A controversy's report holds tens to a few thousand events; the page lists them all, so its
size grows with them (about 1.5 KB an event). Charts draw one scatter per marker look, not one
per event, and labels stay out of the layout, which keeps 2,000 events to seconds.

Run with ``python -m pytest benchmarks/test_report.py --benchmark-enable``.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pytest

import tracker
from tracker.report import csv_tables, render_chart, render_report, timelinejs

RUNGS = ("contact", "information_request", "demand", "investigation_opened", "fine_threatened")


def _state(n: int) -> tuple[tracker.State, tracker.Head]:
    """A log of ``n`` events over 60 days: statements with stances, figures, regulators'
    steps, and incidents known only as "on or before" a day."""
    rng = random.Random(n)
    log = tracker.open(":memory:")
    src = [{"publisher": "Example", "url": "https://example.org/a"}]
    log.append(
        [
            {
                "type": "actor",
                "actor": f"a{i}",
                "name": f"Actor {i}",
                "kind": "regulator" if i < 4 else "person",
            }
            for i in range(20)
        ]
        + [{"type": "topic", "topic": f"t{i}", "name": f"Topic {i}"} for i in range(3)]
    )
    events: list[dict[str, Any]] = []
    for i in range(n):
        day = (date(2026, 1, 1) + timedelta(days=rng.randrange(60))).isoformat()
        kind = i % 4
        if kind == 0:
            events.append(
                {
                    "type": "statement",
                    "occurred": day,
                    "speaker": f"a{rng.randrange(4, 20)}",
                    "topic": f"t{rng.randrange(3)}",
                    "stance": rng.randint(-2, 2),
                    "quote": f"Quote {i}.",
                    "sources": src,
                }
            )
        elif kind == 1:
            events.append(
                {
                    "type": "figure",
                    "occurred": day,
                    "metric": f"metric_{rng.randrange(4)}",
                    "value": round(rng.random() * 100, 1),
                    "unit": "count",
                    "sources": src,
                }
            )
        elif kind == 2:
            events.append(
                {
                    "type": "regulatory_action",
                    "occurred": day,
                    "regulator": f"a{rng.randrange(4)}",
                    "target": "a5",
                    "rung": rng.choice(RUNGS),
                    "summary": f"Step {i}",
                    "sources": src,
                }
            )
        else:
            events.append(
                {
                    "type": "incident",
                    "occurred": f"..{day}",
                    "harm": f"Harm {i}",
                    "actors": [f"a{rng.randrange(20)}"],
                    "sources": src,
                }
            )
    log.append(events)
    return log.replay(), log.head()


@pytest.fixture(scope="module", params=[200, 2000], ids=lambda n: f"{n}-events")
def replayed(request: pytest.FixtureRequest) -> tuple[tracker.State, tracker.Head]:
    """A replayed synthetic log."""
    return _state(request.param)


@pytest.mark.benchmark(group="report")
def test_render_report(benchmark: Any, replayed: tuple[tracker.State, tracker.Head]) -> None:
    """The whole HTML page, four charts included."""
    state, head = replayed
    html = benchmark.pedantic(render_report, args=(state,), kwargs={"log_head": head}, rounds=3)
    assert html.count("data-chart=") == 4


@pytest.mark.benchmark(group="report")
def test_render_timeline_png(benchmark: Any, replayed: tuple[tracker.State, tracker.Head]) -> None:
    """The timeline alone, as a PNG at 200 dpi."""
    state, _head = replayed
    png = benchmark.pedantic(
        render_chart, args=(state, "timeline"), kwargs={"format": "png"}, rounds=3
    )
    assert png[:4] == b"\x89PNG"


@pytest.mark.benchmark(group="exports")
def test_csv_tables(benchmark: Any, replayed: tuple[tracker.State, tracker.Head]) -> None:
    """Every CSV table."""
    state, _head = replayed
    tables = benchmark.pedantic(csv_tables, args=(state,), rounds=5)
    assert "events" in tables


@pytest.mark.benchmark(group="exports")
def test_timelinejs(benchmark: Any, replayed: tuple[tracker.State, tracker.Head]) -> None:
    """The TimelineJS3 JSON object."""
    state, head = replayed
    data = benchmark.pedantic(timelinejs, args=(state,), kwargs={"log_head": head}, rounds=5)
    assert data["events"]
