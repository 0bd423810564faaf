"""The TimelineJS export loaded into TimelineJS itself, in a real headless Chromium (issue 15).

The ``load`` fixture (tests/conftest.py) installs Knight Lab's npm package once into a cache
folder and opens an export in it; see there.
"""

from __future__ import annotations

from typing import Any

import pytest

import tracker
from tracker.examples import demo_log_path
from tracker.report import timelinejs


def test_every_event_of_the_bundled_case_becomes_a_slide(load: Any) -> None:
    """The bundled Grok case's export loads: a title slide for readers, then one slide per
    event (by its id), a few rows by kind of actor (not one per actor), and no error of the
    page's own in the console."""
    with tracker.open(demo_log_path()) as log:
        state = log.replay()
        data = timelinejs(state, log_head=log.head(), title="Grok, deepfakes and the paywall")
        by_actor = timelinejs(state, group_by="actor")
    tl = load(data)
    ids = [e["unique_id"] for e in data["events"]]
    assert len(ids) == 17
    assert tl.slides[0] == "title"
    assert sorted(tl.slides[1:]) == sorted(ids)
    assert tl.errors == [] and tl.dialogs == []
    assert "Grok, deepfakes and the paywall" in tl.title
    assert "Every event in the log" in tl.title and "unbounded" not in tl.title
    assert "tracker verify --head" in tl.title
    kinds = {e["group"] for e in data["events"]}
    assert set(tl.groups) == kinds
    assert len(kinds) < len({e["group"] for e in by_actor["events"]}) == 13


@pytest.mark.parametrize("group_by", ["actor", "none"])
def test_other_groupings_load_too(load: Any, group_by: str) -> None:
    """Grouped by actor, or not grouped at all, every event is still a slide."""
    with tracker.open(demo_log_path()) as log:
        data = timelinejs(log.replay(as_of="2026-01-10"), log_head=log.head(), group_by=group_by)
    tl = load(data)
    assert sorted(tl.slides[1:]) == sorted(e["unique_id"] for e in data["events"])
    assert tl.errors == []
    assert (tl.groups == []) == (group_by == "none")
