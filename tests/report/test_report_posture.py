"""The report's ladder chart draws posture from the posture projection, for every kind of ending."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import tracker
from tracker.events.codec import prepare_event
from tracker.projections.posture import LEVELS
from tracker.report._views import collect

SOURCE = {"publisher": "Example News", "url": "https://example.org/a"}


def _act(i: str, reg: str, tgt: str, rung: str, when: str, **kw: Any) -> dict[str, Any]:
    return {
        "type": "regulatory_action",
        "id": i,
        "regulator": reg,
        "target": tgt,
        "rung": rung,
        "occurred": when,
        "sources": [SOURCE],
        **kw,
    }


ACTORS = [
    {"type": "actor", "actor": a, "name": a.upper(), "kind": k}
    for a, k in (
        ("faa", "regulator"),
        ("ntsb", "regulator"),
        ("court", "court"),
        ("maker", "company"),
        ("airline", "company"),
    )
]

CASES: dict[str, list[dict[str, Any]]] = {
    "closure and withdrawal": [
        _act("ban", "faa", "maker", "ban_or_suspension", "2024-01-06"),
        _act("inv", "faa", "maker", "investigation_opened", "2024-01-11"),
        _act("lift", "faa", "maker", "closure", "2024-01-24", ends="ban"),
        _act("req", "ntsb", "maker", "information_request", "2024-01-08"),
        _act("drop", "ntsb", "maker", "withdrawal", "2024-02-01", ends="req"),
    ],
    "overturned and superseded": [
        _act("fine", "faa", "airline", "fine_imposed", "2024-03-01"),
        _act("appeal", "court", "airline", "overturned", "2024-06-01", ends="fine"),
        _act("threat", "faa", "maker", "fine_threatened", "2024-01-02"),
        _act("cap", "faa", "maker", "restriction_imposed", "2024-01-24", restriction="38 a month"),
        {"type": "supersession", "supersedes": "threat", "by": "cap", "reason": "replaced"},
    ],
    "ending sorted before its action": [
        _act("order", "faa", "maker", "demand", "2024-01-15"),
        _act("month", "faa", "maker", "closure", "2024-01", ends="order"),
        _act("open", "faa", "maker", "contact", "..2024-03-09"),
    ],
    "retracted ending": [
        _act("demand", "ntsb", "airline", "demand", "2024-01-02"),
        _act("oops", "ntsb", "airline", "closure", "2024-01-05", ends="demand"),
        {"type": "retraction", "retracts": "oops", "reason": "misreported"},
    ],
}

UNCHECKED: list[dict[str, Any]] = [  # endings an older tracker let through
    _act("ban", "faa", "maker", "ban_or_suspension", "2024-01-06"),
    _act("wrong-pair", "ntsb", "airline", "closure", "2024-01-08", ends="ban"),
    _act("close", "faa", "maker", "closure", "2024-01-09", ends="ban"),
    _act("undo", "faa", "maker", "withdrawal", "2024-01-10", ends="close"),
    _act("inv", "faa", "maker", "investigation_opened", "2024-02-01"),
    _act("before", "faa", "maker", "closure", "2024-01-15", ends="inv"),
]


def _log(tmp_path: Any, events: list[dict[str, Any]], *, checked: bool = True) -> tracker.Log:
    start = datetime(2024, 7, 1, tzinfo=UTC)
    ticks = iter(range(10_000))
    log = tracker.open(
        tmp_path / "log.jsonl", create=True, clock=lambda: start + timedelta(minutes=next(ticks))
    )
    if checked:
        log.append([*ACTORS, *events])
    else:
        with log.store.writer() as writer:
            writer.append([prepare_event(e)[1] for e in [*ACTORS, *events]])
    return log


def _assert_chart_is_posture(state: tracker.State) -> None:
    posture = state.posture()
    data = collect(state)
    drawn = {pair: [(s.event_id, s.level) for s in steps] for pair, steps in data.posture.items()}
    walked: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for h in posture.history:
        walked.setdefault((h.regulator, h.target), []).append((h.event, h.posture_level))
    assert drawn == walked
    for row in posture.current:  # where each line ends is where the pair stands
        assert data.posture[(row.regulator, row.target)][-1].level == row.level
        assert data.posture[(row.regulator, row.target)][-1].rung == (row.rung or "none")
    for pair, steps in data.posture.items():  # the line never runs right to left
        starts = [s.when for s in steps if s.when is not None]
        assert starts == sorted(starts), pair


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_chart_draws_the_posture_projection(tmp_path: Any, case: str) -> None:
    """Closures, withdrawals, overturnings, supersessions, early and retracted endings: the
    chart's line for each pair ends where ``posture`` says the pair stands, at every as_of."""
    log = _log(tmp_path, CASES[case])
    for as_of in (None, "2024-01-10", "2024-01-31", "2024-05-01"):
        _assert_chart_is_posture(log.replay(as_of=as_of))


def test_the_chart_ignores_the_endings_posture_ignores(tmp_path: Any) -> None:
    """A log holding endings that do not fit: the chart leaves them out as posture does."""
    log = _log(tmp_path, UNCHECKED, checked=False)
    state = log.replay()
    _assert_chart_is_posture(state)
    events = {s.event_id for steps in collect(state).posture.values() for s in steps}
    assert {"wrong-pair", "undo", "before"}.isdisjoint(events)
    maker = collect(state).posture[("faa", "maker")]
    assert maker[-1].level == LEVELS["investigation_opened"]
