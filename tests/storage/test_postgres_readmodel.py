"""A PostgreSQL log answers from the same local read model, fed from the shared log."""

from __future__ import annotations

from pathlib import Path

import pytest

import tracker
from tracker.examples import demo_log_path


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(tmp_path / "cache"))


def test_a_postgres_log_answers_from_its_read_model(pg_url: str, tmp_path: Path) -> None:
    """Copied into PostgreSQL, the bundled log answers from a read model in the user's cache
    as its fold does; what a teammate appends is folded in on the next replay."""
    log = tracker.open(pg_url, create=True)
    tracker.copy(demo_log_path(), log)
    state = log.replay(as_of="2026-01-12", known_at="2026-01-13")
    assert type(state).__name__ == "ReadState"
    fold = log.replay(as_of="2026-01-12", known_at="2026-01-13", fold=True)
    assert state.stance_changes().to_json() == fold.stance_changes().to_json()
    assert state.actor("grok").to_json() == fold.actor("grok").to_json()
    assert state.disputes().to_json() == fold.disputes().to_json()
    teammate = tracker.open(pg_url)
    teammate.append({"type": "statement", "id": "late", "speaker": "ofcom", "topic": "image-paywall",
                     "stance": -1, "quote": "not enough", "occurred": "2026-01-14",
                     "sources": [{"publisher": "Ofcom", "url": "https://www.ofcom.org.uk/b"}]})
    teammate.close()
    after = log.replay()
    assert after.head_seq == len(log)
    assert after.stances(holder="ofcom").to_json() == log.replay(fold=True).stances(
        holder="ofcom"
    ).to_json()
    log.close()
