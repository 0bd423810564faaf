"""Golden: the report of the pinned Grok example log is the same, byte for byte, run after run.

Two fresh interpreters (with different hash seeds, so set and dict order cannot leak in)
render the report of the shipped log; their bytes must be equal. The page around the charts is
also kept in ``golden/grok-report.html`` (each chart's SVG elided, since its bytes depend on the
installed matplotlib and FreeType): a change to the page's words, order or markup shows up as a
diff against it. After an intended change, or when the example's pinned head moves, regenerate
it with ``TRACKER_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/report/test_report_golden.py``
and review the diff.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden" / "grok-report.html"

RENDER = """
import sys, tracker
from tracker.examples import demo_log_path
from tracker.report import render_report
with tracker.open(demo_log_path()) as log:
    html = render_report(log.replay(), log_head=log.head(), title="Grok, deepfakes and the paywall")
sys.stdout.buffer.write(html.encode("utf-8"))
"""


def _render_in_fresh_interpreters(seeds: tuple[str, ...]) -> list[bytes]:
    procs = []
    for seed in seeds:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        procs.append(
            subprocess.Popen(  # noqa: S603 - our own interpreter and code
                [sys.executable, "-c", RENDER],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
            )
        )
    outs = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
        outs.append(out)
    return outs


@pytest.fixture(scope="module")
def renders() -> list[bytes]:
    """The Grok report rendered by two fresh interpreters."""
    return _render_in_fresh_interpreters(("1", "2"))


def _skeleton(html: str) -> str:
    """The page with each chart's SVG body elided (kept: its opening tag and title)."""
    return re.sub(
        r'(<svg [^>]*data-chart="[a-z]+"[^>]*><title>[^<]*</title>).*?</svg>',
        r"\1<!-- chart drawn by matplotlib -->\n</svg>",
        html,
        flags=re.S,
    )


def test_grok_report_is_byte_identical_across_runs(renders: list[bytes]) -> None:
    """Two interpreters with different hash seeds give the same bytes."""
    first, second = renders
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()
    assert len(first) > 50_000


def test_grok_report_names_the_pinned_head(renders: list[bytes]) -> None:
    """The footer names the example's pinned head: the page traces back to that record."""
    html = renders[0].decode("utf-8")
    head = "33:fc450bda2c3a19139c720d0c217a8c85f6a82de1dc8e27c9e7087cb2884ad445"
    assert f"<dt>Log head</dt><dd class=hash>{head}</dd>" in html
    assert f"tracker verify --head {head}" in html


def test_grok_report_page_matches_the_golden_file(renders: list[bytes]) -> None:
    """The page around the charts equals the reviewed golden copy."""
    page = _skeleton(renders[0].decode("utf-8"))
    if os.environ.get("TRACKER_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(page, encoding="utf-8", newline="")
    assert page.count("<!-- chart drawn by matplotlib -->") == 4
    assert page == GOLDEN.read_text(encoding="utf-8")
