"""Golden ``--json`` output on the pinned bundled Grok log: byte-identical, run after run.

Each case runs a command on a copy of the bundled log and compares its stdout with
tests/golden/NAME.json, byte for byte. When a change is meant (a new field, a rebuilt example),
regenerate them with ``TRACKER_UPDATE_GOLDEN=1 python -m pytest tests/cli/test_cli_golden.py``
and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import Run

GOLDEN = Path(__file__).resolve().parents[1] / "golden"

CASES: dict[str, list[str]] = {
    "replay": ["replay"],
    "replay-as-of-2026-01-11": ["replay", "--as-of", "2026-01-11"],
    "replay-known-at-2026-01-12": ["replay", "--known-at", "2026-01-12"],
    "replay-actor-ofcom": ["replay", "--actor", "ofcom"],
    "show-grok-paywall-claim": ["show", "grok-paywall-claim"],
    "show-xai-quarterly-loss": ["show", "xai-quarterly-loss"],
    "show-xai-quarterly-loss-known-at-2026-01-13": [
        "show",
        "xai-quarterly-loss",
        "--known-at",
        "2026-01-13",
    ],
    "actor-list": ["actor", "list"],
    "actor-show-grok": ["actor", "show", "grok"],
    "topic-list": ["topic", "list"],
    "log-type-figure": ["log", "--type", "figure"],
    "verify": ["verify"],
    "head": ["head"],
    "stances": ["stances"],
    "stances-changes": ["stances", "--changes"],
    "figures-xai-usd-million": ["figures", "--subject", "xai", "--unit", "USD_million"],
    "posture": ["posture"],
    "disputes": ["disputes"],
    "diff-known-at-2026-01-12-to-2026-01-14": [
        "diff",
        "--as-of",
        "2026-01-12",
        "--known-at",
        "2026-01-12",
        "--to-known-at",
        "2026-01-14",
    ],
}



@pytest.mark.parametrize("name", list(CASES))
def test_golden_json(grok: Path, cli: Run, name: str) -> None:
    """The command's --json output is exactly the golden file, and the same on a second run."""
    result = cli(*CASES[name], "--json")
    assert (result.status, result.err) == (0, "")
    assert cli(*CASES[name], "--json").out == result.out
    golden = GOLDEN / f"{name}.json"
    if os.environ.get("TRACKER_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(result.out, encoding="utf-8")
    assert result.out == golden.read_text(encoding="utf-8")


def test_no_stray_golden_files() -> None:
    """Every golden file belongs to a case (a removed case takes its file with it)."""
    assert sorted(p.stem for p in GOLDEN.glob("*.json")) == sorted(CASES)
