"""Every answer is typed, deterministic, and flattens to uniform rows of plain values."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from typing import Any

import orjson
import pytest

import tracker
from tracker.examples import demo_log_path

PLAIN = (str, int, float, bool, type(None), list)

ANSWERS: dict[str, Callable[[tracker.State], Any]] = {
    "timeline": lambda s: s.timeline(),
    "stances": lambda s: s.stances(),
    "stance_changes": lambda s: s.stance_changes(),
    "stance_history": lambda s: s.stance_history("uk-gov", "image-paywall"),
    "figures": lambda s: s.figures(),
    "figures_in_usd": lambda s: s.figures(subject="xai", unit="USD"),
    "posture": lambda s: s.posture(),
    "posture_steps": lambda s: s.posture().steps,
    "posture_history": lambda s: s.posture().history,
    "disputes": lambda s: s.disputes(),
    "verdicts": lambda s: s.disputes().verdicts,
    "fixes": lambda s: s.disputes().fixes,
    "actor": lambda s: s.actor("x"),
    "diff": lambda s: tracker.diff(s, s),
}


@pytest.fixture(scope="module")
def grok(tmp_path_factory: pytest.TempPathFactory) -> tracker.Log:
    """A copy of the shipped Grok log."""
    path = tmp_path_factory.mktemp("grok") / "grok.jsonl"
    shutil.copyfile(demo_log_path(), path)
    return tracker.open(path)


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_records_are_uniform_plain_rows(grok, name):
    """to_records() gives dicts with the same keys in every row and only plain values."""
    records = ANSWERS[name](grok.replay()).to_records()
    assert isinstance(records, list)
    for row in records:
        assert list(row) == list(records[0])
        assert all(isinstance(v, PLAIN) for v in row.values()), row


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_json_is_deterministic(grok, name):
    """Two replays of the same log give byte-identical JSON for every answer."""
    first = orjson.dumps(ANSWERS[name](grok.replay(known_at="2026-01-13")).to_json())
    second = orjson.dumps(ANSWERS[name](grok.replay(known_at="2026-01-13")).to_json())
    assert first == second
    assert orjson.loads(first) is not None


def test_answers_are_frozen(grok):
    """Rows cannot be changed after the fact."""
    row = grok.replay().stances()[0]
    with pytest.raises(AttributeError):
        row.position = 2
