"""``tracker demo [PATH]``: the bundled log put in place and walked through with real commands."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

import tracker
from tracker.derived import files

from .conftest import Run


@pytest.fixture
def bundled(grok_log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Stand-in for the bundled example: the small Grok log of the CLI tests."""
    source = tmp_path / "bundled" / "grok.jsonl"
    source.parent.mkdir()
    source.write_bytes(grok_log.read_bytes())
    monkeypatch.setattr("tracker.cli.demo._source", lambda: source)
    return source


def test_demo_at_path_walks_through(bundled: Path, cli: Run, tmp_path: Path) -> None:
    """The demo copies the log to PATH and runs each step, printed with its --log PATH."""
    target = tmp_path / "mine.jsonl"
    result = cli("demo", str(target))
    assert result.status == 0, result.err
    assert target.read_bytes() == bundled.read_bytes()
    commands = [line for line in result.out.splitlines() if line.startswith("$ ")]
    assert commands == [
        f"$ tracker --log {target} replay",
        f"$ tracker --log {target} show paywall-move",
        f"$ tracker --log {target} show bloomberg-rate",
        f"$ tracker --log {target} replay --as-of 2026-01-11",
        f"$ tracker --log {target} replay --known-at 2026-01-12",
        f"$ tracker --log {target} actor show grok",
        f"$ tracker --log {target} stances --changes",
        f"$ tracker --log {target} verify",
    ]
    assert result.out.splitlines()[0] == f"The bundled Grok example is at {target}"
    assert "possibly by then, not counted (their dates straddle 2026-01-11):" in result.out
    assert "ok: 12 records, chain intact; head 12:" in result.out


def test_demo_without_path_uses_a_new_temp_dir(
    bundled: Path, cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no PATH the log goes in a new temporary directory, whose path is printed."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    result = cli("demo")
    assert result.status == 0, result.err
    first = result.out.splitlines()[0]
    path = Path(first.removeprefix("The bundled Grok example is at "))
    assert path.parent.parent == tmp_path
    assert path.parent.name.startswith("tracker-demo-")
    assert path.read_bytes() == bundled.read_bytes()


def test_demo_into_a_directory(bundled: Path, cli: Run, tmp_path: Path) -> None:
    """A directory as PATH receives grok.jsonl."""
    (tmp_path / "d").mkdir()
    assert cli("demo", str(tmp_path / "d")).status == 0
    assert (tmp_path / "d" / "grok.jsonl").read_bytes() == bundled.read_bytes()


def test_demo_refuses_another_file(bundled: Path, cli: Run, tmp_path: Path) -> None:
    """An existing file that is not the demo log is refused and left alone."""
    other = tmp_path / "notes.jsonl"
    other.write_text("mine\n")
    result = cli("demo", str(other))
    assert (result.status, result.err) == (
        1,
        f"tracker: error: {other} already exists and is not the demo log; give another PATH "
        "(tracker never overwrites a file)\n",
    )
    assert other.read_text() == "mine\n"


def test_demo_reuses_its_own_log(bundled: Path, cli: Run, tmp_path: Path) -> None:
    """Running the demo again on its own log is fine."""
    target = tmp_path / "again.jsonl"
    assert cli("demo", str(target)).status == 0
    assert cli("demo", str(target)).status == 0


def test_demo_never_touches_tracker_log(
    bundled: Path, cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TRACKER_LOG is neither used nor changed by the demo."""
    env_log = tmp_path / "env.jsonl"
    env_log.write_bytes(b"")
    monkeypatch.setenv("TRACKER_LOG", str(env_log))
    result = cli("demo", str(tmp_path / "demo.jsonl"))
    assert result.status == 0
    assert env_log.read_bytes() == b""
    assert "(your TRACKER_LOG is set; the demo did not use or change it)" in result.out


def test_demo_json(bundled: Path, cli: Run, tmp_path: Path) -> None:
    """--json gives the log's path and the walk's commands, without running them."""
    target = tmp_path / "j.jsonl"
    data = json.loads(cli("demo", str(target), "--json").out)
    assert data["log"] == str(target)
    assert data["commands"][0] == ["tracker", "--log", str(target), "replay"]
    assert data["commands"][-1] == ["tracker", "--log", str(target), "verify"]


def test_demo_on_the_bundled_log(cli: Run, tmp_path: Path) -> None:
    """The real bundled Grok log: the walk shows a verified claim, a corrected figure, both clocks."""
    target = tmp_path / "grok.jsonl"
    result = cli("demo", str(target))
    assert result.status == 0, result.err
    commands = [
        line.split(f"{target} ", 1)[1] for line in result.out.splitlines() if line.startswith("$ ")
    ]
    assert commands == [
        "replay",
        "show grok-paywall-claim",
        "show xai-quarterly-loss",
        "replay --as-of 2026-01-11",
        "replay --known-at 2026-01-12",
        "actor show grok",
        "stances --changes",
        "verify",
    ]
    assert "  ..2026-01-12  the-verge contradicted (verge-test)" in result.out
    assert "  grok developed_by xai" in result.out  # the actor's relations
    assert "  paris-prosecutor  7      investigation_widened" in result.out  # the posture it faces
    assert (
        "on or before 2026-01-12  uk-gov               image-paywall     new         -2          "
        "uk-gov-insulting" in result.out
    )
    assert result.out.count("ok: 33 records, chain intact") == 1


def _suggested(out: str) -> list[list[str]]:
    """The commands the closing lines suggest, as argument lists after ``tracker``."""
    import shlex

    return [shlex.split(line)[1:] for line in out.splitlines() if line.startswith("  tracker ")]


def test_the_closing_commands_work_as_printed(
    bundled: Path, cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each suggested command names the log itself, so it runs as printed, with no TRACKER_LOG."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.delenv("TRACKER_LOG", raising=False)
    monkeypatch.chdir(tmp_path)
    out = cli("demo").out
    suggested = _suggested(out)
    assert len(suggested) >= 4
    for argv in suggested:
        assert argv[0] == "--log"
        result = cli(*argv)
        assert result.status == 0, (argv, result.err)


def test_the_temporary_folder_is_said_to_stay_with_how_to_remove_it(
    bundled: Path, cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no PATH, the last lines name the folder, say it stays, and give the command removing it."""
    import shlex
    import subprocess

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    out = cli("demo").out
    log = Path(out.splitlines()[0].removeprefix("The bundled Grok example is at "))
    folder = log.parent
    with tracker.open(log) as opened:
        cache = opened.derived.folder
    assert cache is not None and cache.is_dir() and cache.parent.parent == files.cache_root()
    last = out.splitlines()[-2:]
    assert last[0] == (
        f"The folder {folder} stays after the demo (the log and its lock file), and so does "
        f"what tracker derived from it in your cache, {cache};"
    )
    assert last[1] == f"remove them when you are done: rm -r {folder} {cache}"
    subprocess.run(shlex.split(last[1].split(": ", 1)[1]), check=True)
    assert not folder.exists() and not cache.exists()


def test_a_log_at_path_is_said_to_stay(bundled: Path, cli: Run, tmp_path: Path) -> None:
    """With a PATH, the last line says the log stays there (nothing to clean up)."""
    target = tmp_path / "mine.jsonl"
    out = cli("demo", str(target)).out
    with tracker.open(target) as opened:
        cache = opened.derived.folder
    assert out.splitlines()[-1] == (
        f"The log stays at {target}, with its lock file mine.jsonl.lock beside it; what tracker "
        f"derives from it (rebuilt when missing) is in {cache}."
    )


def test_the_closing_lines_say_how_to_get_tracker_on_the_path(
    bundled: Path, cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When `tracker` is not on the PATH (run by its full path), the demo says how to activate."""
    import sys

    target = tmp_path / "g.jsonl"
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    out = cli("demo", str(target)).out
    activate = Path(sys.prefix) / "bin" / "activate"
    assert f"(tracker is not on this shell's PATH: activate its environment first with . {activate})" in out
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))
    assert "not on this shell's PATH" not in cli("demo", str(target)).out
