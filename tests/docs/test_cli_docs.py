"""The command line's documentation cannot drift from the command line.

- Every command (``tracker replay``, ``tracker actor add``, ...) is in the command-line guide
  (or the answers guide), has help text with an example, and has its section in the generated
  command reference, which is exactly what ``scripts/cli_reference.py`` writes today.
- The exit-status table of the command-line guide is the one ``tracker.cli.errors`` decides with.
"""

from __future__ import annotations

import re
import runpy
from pathlib import Path
from typing import Any

import pytest

from tracker.cli.errors import EXIT_CODES
from tracker.cli.main import main

from .pages import ROOT, page


def _generator() -> dict[str, Any]:
    return runpy.run_path(str(ROOT / "scripts" / "cli_reference.py"), run_name="cli_reference")


def commands() -> list[str]:
    """Every command a user can type, as words after ``tracker`` (``actor add``)."""
    found: list[str] = _generator()["commands"]()
    return found


def test_commands_are_found() -> None:
    """The walk finds the commands (so the tests below test something)."""
    assert {"init", "add", "import", "replay", "actor add", "actor show", "topic list", "demo"} <= set(commands())


@pytest.mark.parametrize("command", commands())
def test_every_command_is_in_the_guides(command: str) -> None:
    """Each command appears in the command-line guide or the answers guide."""
    assert f"`tracker {command}" in page("docs/cli.md") + page("docs/answers.md")


@pytest.mark.parametrize("command", commands())
def test_every_command_has_help_with_an_example(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`tracker COMMAND --help` describes the command and ends with an example of it."""
    assert main([*command.split(), "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: tracker {command}")
    assert f"Example:\n  $ tracker {command}" in out


def test_the_command_reference_is_up_to_date() -> None:
    """docs/cli-reference.md is what scripts/cli_reference.py writes now (run it after a help change)."""
    generator = _generator()
    page_path: Path = generator["PAGE"]
    assert page_path.read_text(encoding="utf-8") == generator["render"](), (
        "docs/cli-reference.md is stale: run .venv/bin/python scripts/cli_reference.py"
    )


def test_every_command_has_its_section_in_the_reference() -> None:
    """The generated reference has a heading per command (and per event type of ``add``)."""
    headings = set(re.findall(r"^#{2,3} `tracker ?(.*)`$", page("docs/cli-reference.md"), re.MULTILINE))
    assert set(commands()) | {""} <= headings
    assert {h for h in headings if h.startswith("add ")}


def test_exit_status_table_is_the_one_the_cli_uses() -> None:
    """The guide's exit-status table lists exactly the statuses tracker.cli.errors decides."""
    rows = re.findall(r"^\| (\d+) \| (.+?) \|$", page("docs/cli.md"), re.MULTILINE)
    assert {int(code): text for code, text in rows} == EXIT_CODES
