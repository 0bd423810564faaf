"""A few real runs of the installed ``tracker`` script and of ``python -m tracker``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def _run(*argv: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_LOG"}
    return subprocess.run(
        [str(BIN / "tracker"), *argv],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def script_dir(tmp_path: Path) -> Path:
    """A fresh directory, with the installed script checked to exist."""
    assert (BIN / "tracker").exists(), "install the package (pip install -e .) for its script"
    return tmp_path


def test_help_and_version(script_dir: Path) -> None:
    """The script prints its help and its version, exit 0."""
    help_run = _run("--help", cwd=script_dir)
    assert help_run.returncode == 0
    assert " ".join(help_run.stdout.split()).startswith(  # however wide the terminal
        "usage: tracker [-h] [--version] [--log PATH] [--json] [--tz ZONE] [--debug] COMMAND ..."
    )
    version = _run("--version", cwd=script_dir)
    assert (version.returncode, version.stdout) == (0, "tracker 0.1.0\n")


def test_record_and_replay(script_dir: Path) -> None:
    """init, a registration, an event from stdin, and a replay, through real processes."""
    assert _run("init", cwd=script_dir).returncode == 0
    assert (
        _run(
            "actor", "add", "ofcom", "--name", "Ofcom", "--kind", "regulator", cwd=script_dir
        ).returncode
        == 0
    )
    assert (
        _run("actor", "add", "x", "--name", "X", "--kind", "platform", cwd=script_dir).returncode
        == 0
    )
    event = {
        "type": "regulatory_action",
        "id": "ofcom-demand",
        "occurred": "..2026-01-12",
        "regulator": "ofcom",
        "target": "x",
        "rung": "demand",
        "sources": [{"publisher": "Ofcom", "url": "https://ofcom.org.uk/a"}],
    }
    imported = _run("import", "-", cwd=script_dir, stdin=json.dumps(event) + "\n")
    assert (imported.returncode, imported.stdout, imported.stderr) == (
        0,
        "imported 1 event from stdin as record 3\n",
        "",
    )
    replay = _run("replay", "--as-of", "2026-01-12", "--json", cwd=script_dir)
    assert replay.returncode == 0
    assert [e["id"] for e in json.loads(replay.stdout)["timeline"]] == ["ofcom-demand"]


def test_errors_exit_codes(script_dir: Path) -> None:
    """A usage error exits 2, refused input 1, an edited log 5; each one line, no traceback."""
    usage = _run("repaly", cwd=script_dir)
    assert (usage.returncode, usage.stdout) == (2, "")
    assert (
        usage.stderr
        == "tracker: error: unknown command 'repaly'; did you mean 'replay'? (see 'tracker --help')\n"
    )
    missing = _run("replay", cwd=script_dir)
    assert missing.returncode == 1
    assert missing.stderr.count("\n") == 1 and "Traceback" not in missing.stderr
    _run("init", cwd=script_dir)
    _run("topic", "add", "paywall", "--name", "Paywall", cwd=script_dir)
    log = script_dir / "tracker.jsonl"
    log.write_bytes(log.read_bytes().replace(b"Paywall", b"Paywal!"))
    edited = _run("verify", cwd=script_dir)
    assert (edited.returncode, edited.stderr) == (
        5,
        "tracker: error: record 1: its hash does not match its content (it was edited)\n",
    )


def test_python_dash_m(script_dir: Path) -> None:
    """`python -m tracker` is the same command line."""
    run = subprocess.run(
        [sys.executable, "-m", "tracker", "schema", "topic"],
        cwd=script_dir,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0
    assert json.loads(run.stdout)["title"] == "TopicRegistered"


def test_broken_pipe_is_quiet(script_dir: Path) -> None:
    """Output cut short by the reader (| head) ends quietly, without a traceback."""
    topics = "".join(
        json.dumps({"type": "topic", "topic": f"t{i}", "name": "x" * 400}) + "\n"
        for i in range(400)
    )
    _run("init", cwd=script_dir)
    assert _run("import", "-", cwd=script_dir, stdin=topics).returncode == 0
    command = f"set -o pipefail; '{BIN / 'tracker'}' log --json | head -c 14"
    run = subprocess.run(
        ["bash", "-c", command], cwd=script_dir, capture_output=True, text=True, check=False
    )
    assert (run.returncode, run.stdout, run.stderr) == (0, '{\n  "records":', "")
