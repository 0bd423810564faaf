"""Every example in the documentation runs, and prints what the page says it prints.

The rules for writers are in ``tests/docs/pages.py``: ``python`` blocks run alone per page,
``sh`` blocks run in one shell per page (then the page's ``py`` blocks in the same directory),
and a ``text`` block right after a runnable block is its output.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .pages import DOCS, RUNNABLE, blocks, name, output_after, page_paths, pages_with

_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")
_HASH = re.compile(r"\b[0-9a-f]{64}\b")
_MARKER = "@@ tracker docs block @@"


def _normalise(text: str) -> str:
    return _HASH.sub("<hash>", _TIME.sub("<time>", text))


def _ids(paths: list[Path]) -> list[str]:
    return [name(p) for p in paths]


PYTHON_PAGES = pages_with("python")
SHELL_PAGES = pages_with("sh", "py")


@pytest.mark.parametrize("path", PYTHON_PAGES, ids=_ids(PYTHON_PAGES))
def test_python_blocks_run_and_print_what_the_page_shows(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every ``python`` block of the page runs, and prints exactly the text block after it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRACKER_LOG", raising=False)
    found = blocks(path)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for i, block in enumerate(found):
        if block.lang != "python" or block.not_run is not None:
            continue
        code = compile("\n" * (block.line - 1) + block.text, str(path), "exec")
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(code, namespace)  # noqa: S102 - running the page is the point
        shown = output_after(path, found, i)
        if shown is not None:
            assert out.getvalue() == shown, f"output of the block at {name(path)}:{block.line}"


@pytest.mark.parametrize("path", SHELL_PAGES, ids=_ids(SHELL_PAGES))
def test_shell_blocks_run_as_written(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's shell blocks print what it shows, and its ``py`` blocks then run on their files."""
    bindir = Path(sys.executable).parent
    assert (bindir / "tracker").exists(), "install the package (pip install -e .) for its script"
    found = blocks(path)
    shell = [i for i, b in enumerate(found) if b.lang == "sh" and b.not_run is None]
    # A block runs under `set -e` unless it shows a refusal: any failing command stops the
    # script (and the test) even where no output is shown. After each block: the marker and
    # the status of its last command.
    script = "exec 2>&1\n"
    for i in shell:
        shown = output_after(path, found, i)
        refusal = shown is not None and shown.startswith("tracker: error:")
        body = found[i].text if refusal else f"set -e\n{found[i].text}set +e\n"
        script += f"{body}echo \"{_MARKER} $?\"\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
    env["HOME"] = str(tmp_path / "home")  # keys and caches the commands make stay in the test
    (tmp_path / "home").mkdir()
    tmp_path = tmp_path / "work"
    tmp_path.mkdir()
    run = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert run.stderr == ""  # stderr goes to stdout, in order, as in a terminal
    parts = re.split(rf"{_MARKER} (\d+)\n", run.stdout)
    outputs, statuses = parts[0:-1:2], [int(s) for s in parts[1::2]]
    assert len(outputs) == len(shell), run.stdout
    for n, i in enumerate(shell):
        where = f"shell block at {name(path)}:{found[i].line}"
        shown = output_after(path, found, i)
        if shown is not None:
            assert _normalise(outputs[n]) == _normalise(shown), where
        refused = shown is not None and shown.startswith("tracker: error:")
        assert statuses[n] == 0 or refused, f"{where} exited {statuses[n]}:\n{outputs[n]}"

    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for i, block in enumerate(found):
        if block.lang != "py" or block.not_run is not None:
            continue
        out = io.StringIO()
        code = compile("\n" * (block.line - 1) + block.text, str(path), "exec")
        with contextlib.redirect_stdout(out):
            exec(code, namespace)  # noqa: S102 - the point
        shown = output_after(path, found, i)
        assert shown is not None, f"the py block at {name(path)}:{block.line} shows no output"
        assert out.getvalue() == shown, f"output of the block at {name(path)}:{block.line}"


def test_the_tour_runs_commands_and_python() -> None:
    """The tour is the longest walk: at least six shell blocks, then Python on the same log."""
    found = blocks(DOCS / "tour.md")
    assert len([b for b in found if b.lang == "sh" and b.not_run is None]) >= 6
    assert [b for b in found if b.lang == "py"]


def test_every_block_that_does_not_run_says_why() -> None:
    """A skipped block names its reason; only runnable languages carry the marker."""
    for path in page_paths():
        for block in blocks(path):
            if block.not_run is not None:
                assert block.lang in RUNNABLE, f"{name(path)}:{block.line}"
                assert len(block.not_run.split()) >= 3, f"{name(path)}:{block.line}: say why"


def test_most_examples_run() -> None:
    """The runners find the examples (so the tests above test something)."""
    runnable = [b for p in page_paths() for b in blocks(p) if b.lang in RUNNABLE]
    skipped = [b for b in runnable if b.not_run is not None]
    assert len(runnable) >= 40
    assert len(skipped) * 3 < len(runnable)
