"""The public surface, pinned: what ``tracker`` and ``tracker.events`` export, and a cheap import.

Adding a public name is a decision: add it here in the same change.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

import tracker
import tracker.events

TRACKER_ALL = [
    "CachedLog",
    "CarryReport",
    "Checkpoint",
    "CopyReport",
    "ErasureReceipt",
    "EventView",
    "Head",
    "Log",
    "Receipt",
    "State",
    "StoredEvent",
    "TrackerError",
    "VerifyReport",
    "__version__",
    "cached_logs",
    "carry",
    "copy",
    "diff",
    "init",
    "open",
    "prune_cache",
    "read_events",
    "repair",
]

EVENTS_ALL = [
    "ENDINGS",
    "EVENT_TYPES",
    "RUNGS",
    "ActorRegistered",
    "AnyEvent",
    "BaseEvent",
    "Correction",
    "Event",
    "Figure",
    "Incident",
    "PartialDate",
    "PolicyChange",
    "RegulatoryAction",
    "Relation",
    "Retraction",
    "Source",
    "Statement",
    "Supersession",
    "TopicRegistered",
    "Verification",
    "event_to_dict",
    "json_schema",
    "parse_event",
]


def test_tracker_all_is_pinned() -> None:
    """``tracker.__all__`` lists exactly the facade's public names."""
    assert sorted(tracker.__all__) == sorted(TRACKER_ALL)


def test_tracker_events_all_is_pinned() -> None:
    """``tracker.events.__all__`` lists exactly the vocabulary's public names."""
    assert sorted(tracker.events.__all__) == sorted(EVENTS_ALL)


@pytest.mark.parametrize("module", [tracker, tracker.events])
def test_every_exported_name_resolves(module: object) -> None:
    """Each name in ``__all__`` is importable (lazy names load on first use)."""
    for name in module.__all__:  # type: ignore[attr-defined]
        assert getattr(module, name) is not None


def test_dir_lists_the_public_names() -> None:
    """``dir(tracker)`` shows the public names, for tab completion before anything is loaded."""
    assert sorted(dir(tracker)) == sorted(TRACKER_ALL)


def test_unknown_name_is_an_attribute_error() -> None:
    """A name the facade does not export raises AttributeError naming it."""
    with pytest.raises(AttributeError, match="module 'tracker' has no attribute 'opn'"):
        tracker.opn  # type: ignore[attr-defined]  # noqa: B018


def test_import_tracker_is_lazy() -> None:
    """``import tracker`` alone loads none of pydantic, orjson or the event models."""
    code = (
        "import sys, tracker\n"
        "heavy = sorted(m for m in ('pydantic', 'pydantic_core', 'orjson', 'tracker._log',"
        " 'tracker.events', 'tracker.store') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_first_use_loads_the_facade() -> None:
    """Touching ``tracker.open`` loads the facade (and pydantic with it)."""
    code = (
        "import sys, tracker\ntracker.open\n"
        "print('pydantic' in sys.modules, 'tracker._log' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True True"
