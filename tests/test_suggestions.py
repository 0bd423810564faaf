"""One "did you mean" for every closed choice (issue 14 item 14): flags, import files, metrics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import tracker
from tracker._suggest import closest
from tracker.errors import InvalidEventError, UnknownIdError
from tracker.events.codec import parse_event
from tracker.events.models import CHOICE_ALIASES, RUNGS


@pytest.mark.parametrize(
    ("value", "choices", "aliases", "expected"),
    [
        ("NGO", ["ngo", "media"], None, "ngo"),  # another case
        ("fine-imposed", RUNGS, None, "fine_imposed"),  # dashes for underscores
        ("lifted", [*RUNGS, "closure", "withdrawal"], CHOICE_ALIASES["rung"], "closure"),
        ("lifted_ban", [*RUNGS, "closure"], CHOICE_ALIASES["rung"], "closure"),  # a word of it
        ("ban", RUNGS, None, "ban_or_suspension"),  # a word of exactly one choice
        ("widened", RUNGS, None, "investigation_widened"),  # a word of one choice
        ("investigation", RUNGS, None, "investigation_opened"),  # of two: the closest
        ("preservaton_order", RUNGS, None, "preservation_order"),  # a close spelling
        ("xyzzy", RUNGS, None, None),
        ("images", ["sexualised_images", "funding_raised"], None, "sexualised_images"),
    ],
)
def test_closest(value: str, choices: list[str], aliases: dict[str, str] | None, expected: str | None) -> None:
    """The helper every refusal asks: case, separators, other words, spelling, one word."""
    assert closest(value, choices, aliases=aliases) == expected


def test_aliases_point_at_real_choices() -> None:
    """Every other word names a value its field really takes (a renamed rung breaks this)."""
    from typing import get_args

    from tracker.events.models import ActorKind, Rung, Verdict

    fields = {"rung": get_args(Rung), "verdict": get_args(Verdict), "kind": get_args(ActorKind)}
    for field, words in CHOICE_ALIASES.items():
        assert set(words.values()) <= set(fields[field]), field


def test_closed_choices_in_an_import_file() -> None:
    """A JSONL line with a rung typed as people say it gets the same suggestion."""
    line = {
        "type": "regulatory_action",
        "occurred": "2026-01-20",
        "regulator": "ofcom",
        "target": "x",
        "rung": "lifted",
        "sources": [{"publisher": "P", "url": "https://example.org/a"}],
    }
    with pytest.raises(InvalidEventError, match=r"got \"lifted\"; did you mean 'closure'\?"):
        parse_event(json.dumps(line))


@pytest.fixture
def figures_log(tmp_path: Path) -> tracker.Log:
    """A log of my own with one figure of a metric, dated in February."""
    log = tracker.init(tmp_path / "own.jsonl")
    log.append(
        [
            {"type": "actor", "actor": "agency", "name": "Agency", "kind": "regulator"},
            {
                "type": "figure",
                "occurred": "2026-02-10",
                "metric": "complaints_received",
                "value": 40,
                "unit": "count",
                "subject": "agency",
                "sources": [{"publisher": "P", "url": "https://example.org/a"}],
            },
        ]
    )
    return log


def test_an_unknown_metric_is_refused_in_python(figures_log: tracker.Log) -> None:
    """State.figures(metric=typo) raises as an unknown actor does, naming the closest metric."""
    state = figures_log.replay()
    with pytest.raises(UnknownIdError) as caught:
        state.figures(metric="complaint_received")
    assert str(caught.value) == (
        "no metric 'complaint_received' on record; did you mean 'complaints_received'? "
        "(metrics: complaints_received)"
    )
    assert "tracker " not in str(caught.value) and "--" not in str(caught.value)
    # on record but not yet counted at as_of: empty, not refused
    assert len(figures_log.replay(as_of="2026-01-31").figures(metric="complaints_received")) == 0
    assert figures_log.replay().metrics() == ["complaints_received"]
