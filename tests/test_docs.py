"""The command line's documentation cannot drift from the command line.

- Every command (``tracker replay``, ``tracker actor add``, ...) is in the README and has help
  text with an example.
- The README's exit-status table is the one ``tracker.cli.errors`` decides with.
- The five-minute tour runs: its ```` ```sh ```` blocks run in order in one shell, in a fresh
  directory, with the installed ``tracker`` script; the ```` ```text ```` block after each is its
  output (stdout and stderr), up to recorded times and hashes, which depend on the wall clock.
  Its ```` ```py ```` blocks then run in the same directory and print their ```` ```text ````
  block exactly. (They are ``py``, not ``python``, so that tests/test_readme.py, which runs
  every section's Python alone in an empty directory, leaves them to this test.)
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.cli.errors import EXIT_CODES
from tracker.cli.main import build_parser, main

README = Path(__file__).resolve().parents[1] / "README.md"
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")
_HASH = re.compile(r"\b[0-9a-f]{64}\b")


def _section(name: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"<!-- section: {name} -->")
    end = text.find("<!-- section:", start + 1)
    return text[start : end if end >= 0 else None]


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # noqa: SLF001 - argparse keeps its subparsers here
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            return dict(action.choices)
    return {}


def commands() -> list[str]:
    """Every command a user can type, as words after ``tracker`` (``actor add``)."""
    out = []
    for name, sub in _subcommands(build_parser()).items():
        nested = _subcommands(sub)
        if nested and name != "add":  # 'add TYPE' is one command; its types are its argument
            out += [f"{name} {action}" for action in nested]
        else:
            out.append(name)
    return out


def test_commands_are_found() -> None:
    """The walk finds the commands (so the tests below test something)."""
    assert {"init", "add", "import", "replay", "actor add", "actor show", "topic list", "demo"} <= set(commands())


@pytest.mark.parametrize("command", commands())
def test_every_command_is_in_the_readme(command: str) -> None:
    """Each command appears in the README's command-line sections (the answers have their own)."""
    assert f"`tracker {command}" in _section("cli (issue 4)") + _section("projections (issue 5)")


@pytest.mark.parametrize("command", commands())
def test_every_command_has_help_with_an_example(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`tracker COMMAND --help` describes the command and ends with an example of it."""
    assert main([*command.split(), "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: tracker {command}")
    assert f"Example:\n  $ tracker {command}" in out


def test_exit_status_table_is_the_one_the_cli_uses() -> None:
    """The README's exit-status table lists exactly the statuses tracker.cli.errors decides."""
    rows = re.findall(r"^\| (\d+) \| (.+?) \|$", _section("cli (issue 4)"), re.MULTILINE)
    assert {int(code): text for code, text in rows} == EXIT_CODES


def _normalise(text: str) -> str:
    return _HASH.sub("<hash>", _TIME.sub("<time>", text))


def test_the_tour_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tour's shell blocks print what the README shows, and its Python then runs on that log."""
    bindir = Path(sys.executable).parent
    assert (bindir / "tracker").exists(), "install the package (pip install -e .) for its script"
    found = [(m.group(1), m.group(2)) for m in _FENCE.finditer(_section("tour (issue 4)"))]
    shell = [i for i, (lang, _) in enumerate(found) if lang == "sh"]
    assert len(shell) >= 6
    marker = "@@ tracker readme block @@"
    script = "exec 2>&1\n" + f"\necho '{marker}'\n".join(found[i][1] for i in shell)
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_LOG"}
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
    run = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert run.stderr == ""  # stderr goes to stdout, in order, as in a terminal
    outputs = run.stdout.split(f"{marker}\n")
    assert len(outputs) == len(shell)
    for n, i in enumerate(shell):
        following = found[i + 1] if i + 1 < len(found) else None
        if following is not None and following[0] == "text":
            assert _normalise(outputs[n]) == _normalise(following[1]), f"shell block {n + 1}"

    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__tour__"}
    for i, (lang, code) in enumerate(found):
        if lang != "py":
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, str(README), "exec"), namespace)  # noqa: S102 - the point
        assert found[i + 1][0] == "text"
        assert out.getvalue() == found[i + 1][1]
