"""What ``tracker --help`` and each command's ``--help`` import: nothing heavy.

The timings are in benchmarks/test_startup.py; this checks the reason they are low, so a
command module that imports pydantic at its top is caught here, not by a slow benchmark.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("pydantic", "pendulum", "orjson", "tracker._log", "tracker.events.models")


@pytest.mark.parametrize(
    "argv", [["--help"], ["replay", "--help"], ["actor", "--help"], ["log", "--help"]]
)
def test_help_imports_nothing_heavy(argv: list[str]) -> None:
    """Help for the top level and for commands loads no model, no facade, no JSON library."""
    code = (
        "import sys, contextlib, io\n"
        "from tracker.cli.main import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()): main({argv!r})\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "[]\n"
