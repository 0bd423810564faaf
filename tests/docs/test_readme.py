"""The README stays a one-screen introduction whose two commands work as written.

Its examples run with every page's (tests/docs/test_examples.py); here: its length, its two
commands, and the first one run for real, in a copy of the repository, in one shell that then
runs the demo's suggested commands as printed.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

from .pages import README, ROOT, blocks

FIRST = "python3 -m venv .venv && . .venv/bin/activate && pip install -q . && tracker demo"
SECOND = "bash scripts/test"


def test_the_readme_is_short() -> None:
    """At most 250 lines: the reference lives in docs/."""
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 250


def test_the_first_two_blocks_are_the_two_commands() -> None:
    """Set up and run the demo; then the whole suite, which is exactly what CI runs."""
    first, second = (b.text.strip() for b in blocks(README)[:2])
    assert (first, second) == (FIRST, SECOND)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert [line for line in ci.splitlines() if line.startswith("bash ")] == [SECOND]


def test_the_fish_and_windows_forms_are_given() -> None:
    """The line below the first command gives its fish and Windows equivalents."""
    text = README.read_text(encoding="utf-8")
    assert "source .venv/bin/activate.fish && pip install -q . && tracker demo" in text
    assert r".venv\Scripts\activate.bat && pip install -q . && tracker demo" in text


def test_the_readme_links_to_pages_that_exist() -> None:
    """Every relative link of the README points at a file of the repository."""
    text = README.read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text)
    assert len(links) >= 10
    for link in links:
        assert (ROOT / link).exists(), link


def _copy_of_the_repository(dest: Path) -> None:
    """The files git knows (committed or not, never ignored ones such as .venv), copied."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)


def test_the_first_command_ends_in_a_shell_where_tracker_works(tmp_path: Path) -> None:
    """Run as written in a fresh copy: the demo runs, and its suggested commands then work there."""
    repo = tmp_path / "clone"
    _copy_of_the_repository(repo)
    env = {k: v for k, v in os.environ.items() if k not in ("TRACKER_LOG", "VIRTUAL_ENV")}
    env["TMPDIR"] = str(tmp_path)  # the demo's folder, removed with the rest
    script = f"""
        set -e
        {FIRST} > demo.out
        command -v tracker
        grep '^  tracker ' demo.out | while read -r line; do eval "$line" > /dev/null; done
        tail -n 2 demo.out
    """
    done = subprocess.run(
        ["bash", "-c", script], cwd=repo, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == str(repo / ".venv" / "bin" / "tracker")
    folder = Path(shlex.split(lines[-1].split(": ", 1)[1])[-2])
    assert lines[-2].startswith(f"The folder {folder} stays after the demo")
    assert folder.parent == tmp_path and (folder / "grok.jsonl").is_file()
    tried = (repo / "demo.out").read_text(encoding="utf-8")
    assert tried.count("\n  tracker --log ") >= 4


def test_no_page_keeps_merge_conflict_markers() -> None:
    """A merge left no conflict markers in a page, the README or the changelog (which the site shows)."""
    from .pages import page_paths

    for path in [*page_paths(), ROOT / "CHANGELOG.md"]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^(<<<<<<<|=======|>>>>>>>)( |$)", text, re.MULTILINE), path
