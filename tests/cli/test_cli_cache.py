"""``tracker cache``: each log's folder of derived state, its log's state, and pruning.

A folder is made for every log opened and nothing removed it when the log was moved, deleted or
replaced; these tests make each case for real and check what is listed, what a prune removes,
that a current log still answers after any prune, and that a planted cache is never followed.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import tracker
from tracker.derived.cache import logs_folder

from .conftest import Run


def _states(cli: Run) -> dict[str, str]:
    result = cli("cache", "--json")
    assert result.status == 0, result.err
    data = json.loads(result.out)
    return {Path(e["location"]).name: e["state"] for e in data["logs"]}


@pytest.fixture
def three(tmp_path: Path, cli: Run, grok: Path) -> Path:
    """The bundled log opened as kept.jsonl, gone.jsonl (then deleted) and swapped.jsonl (then
    replaced by another log at the same path)."""
    for name in ("kept", "gone", "swapped"):
        shutil.copyfile(grok, tmp_path / f"{name}.jsonl")
        assert cli("replay", "--log", f"{name}.jsonl").status == 0
    (tmp_path / "gone.jsonl").unlink()
    (tmp_path / "swapped.jsonl").unlink()
    assert cli("init", "--log", "swapped.jsonl").status == 0
    assert cli("topic add bans --name Bans --log swapped.jsonl").status == 0
    assert cli("replay", "--log", "swapped.jsonl").status == 0
    return tmp_path


def test_the_listing_says_which_logs_are_current_gone_or_replaced(three: Path, cli: Run) -> None:
    data = json.loads(cli("cache", "list", "--json").out)
    assert data["folder"] == str(logs_folder())
    by_state = sorted((Path(e["location"]).name, e["state"], e["prunable"]) for e in data["logs"])
    assert by_state == [
        ("gone.jsonl", "gone", True),
        ("kept.jsonl", "current", False),
        ("swapped.jsonl", "current", False),  # the new log at that path
        ("swapped.jsonl", "replaced", True),  # the folder of the log that was there
    ]
    assert all(e["size"] > 0 and e["last_used"].endswith("Z") for e in data["logs"])
    text = cli("cache").out  # 'cache' alone lists, for people
    assert "gone" in text and "replaced" in text
    assert "2 folders" in text.splitlines()[-1] and "tracker cache prune" in text


def test_prune_removes_only_what_no_log_can_use(three: Path, cli: Run) -> None:
    before = sorted(os.listdir(logs_folder()))
    dry = json.loads(cli("cache", "prune", "--dry-run", "--json").out)
    assert dry["dry_run"] is True
    assert sorted(e["state"] for e in dry["removed"]) == ["gone", "replaced"]
    assert dry["bytes"] == sum(e["size"] for e in dry["removed"]) > 0
    assert sorted(os.listdir(logs_folder())) == before  # a dry run removes nothing

    answer = cli("stances", "--log", "kept.jsonl", "--json").out
    pruned = cli("cache", "prune")
    assert pruned.status == 0, pruned.err
    assert pruned.out.startswith("removed 2 folders")
    assert sorted(_states(cli).values()) == ["current", "current"]
    assert cli("stances", "--log", "kept.jsonl", "--json").out == answer
    assert cli("cache", "prune").out.strip().startswith("nothing to prune")


def test_prune_all_removes_current_folders_too_and_they_are_rebuilt(three: Path, cli: Run) -> None:
    answer = cli("figures", "--log", "kept.jsonl", "--json").out
    result = json.loads(cli("cache", "prune", "--all", "--json").out)
    assert len(result["removed"]) == 4
    assert os.listdir(logs_folder()) == []
    assert cli("figures", "--log", "kept.jsonl", "--json").out == answer  # rebuilt from the log
    assert _states(cli) == {"kept.jsonl": "current"}


def test_an_empty_cache_says_so(cli: Run) -> None:
    result = cli("cache")
    assert result.status == 0
    assert result.out.startswith("no derived state in your cache")
    assert json.loads(cli("cache", "--json").out)["logs"] == []
    assert cli("cache", "prune").out.strip() == (
        "nothing to prune: every folder belongs to a current log"
    )


def test_a_planted_cache_is_never_followed(tmp_path: Path, cli: Run, grok: Path) -> None:
    """A link in the cache's logs folder, an about naming a FIFO, hostile text in an about:
    the listing neither follows, blocks nor prints control characters; prune removes links'
    targets never."""
    shutil.copyfile(grok, tmp_path / "kept.jsonl")
    assert cli("replay", "--log", "kept.jsonl").status == 0
    logs = logs_folder()
    assert logs is not None
    outside = tmp_path / "precious"
    outside.mkdir()
    (outside / "keep-me").write_text("x")
    (logs / ("a" * 32)).symlink_to(outside, target_is_directory=True)  # a link to a folder
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for name, about in (
        ("b" * 32, f"file {fifo}\norigin 00\n"),
        ("c" * 32, "file /tmp/\x1b[31mred\u202e\norigin 00\n"),
        ("d" * 32, "garbage"),
    ):
        (logs / name).mkdir(mode=0o700)
        (logs / name / "about").write_text(about)
    data = json.loads(cli("cache", "--json").out)
    states = {Path(e["folder"]).name: e["state"] for e in data["logs"]}
    assert "a" * 32 not in states  # the link is not a log's folder
    assert [states.pop(c * 32) for c in "bcd"] == ["gone", "gone", "unknown"]
    assert list(states.values()) == ["current"]
    text = cli("cache").out
    assert "\x1b" not in text and "\u202e" not in text and "\\x1b" in text
    assert cli("cache", "prune").status == 0
    assert (outside / "keep-me").exists()  # never followed
    assert sorted(_states(cli).values()) == ["current"]


def test_the_python_api_lists_and_prunes(three: Path) -> None:
    entries = tracker.cached_logs()
    assert sorted(e.state for e in entries) == ["current", "current", "gone", "replaced"]
    would = tracker.prune_cache(dry_run=True)
    assert {e.folder for e in would} == {e.folder for e in entries if e.prunable}
    assert all(e.folder.exists() for e in would)
    removed = tracker.prune_cache()
    assert {e.folder for e in removed} == {e.folder for e in would}
    assert not any(e.folder.exists() for e in removed)
    with tracker.open(three / "kept.jsonl") as log:
        assert log.replay().timeline()
