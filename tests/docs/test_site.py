"""The documentation site builds with ``mkdocs build --strict``, and the folder works offline.

Strict: a link to a missing page or anchor, a page left out of the nav, or an API reference
(``::: module.name``) that does not resolve fails the build, and so this test.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .pages import DOCS, ROOT


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built strictly into a temporary folder."""
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # Material's end-of-life notice
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    problems = [line for line in done.stderr.splitlines() if not line.startswith("INFO")]
    assert done.returncode == 0, "\n".join(problems)
    assert problems == []
    return out


def test_every_page_is_built(site: Path) -> None:
    """Each Markdown page becomes an HTML page of the same name (no page/index.html folders)."""
    for page in DOCS.rglob("*.md"):
        assert (site / page.relative_to(DOCS).with_suffix(".html")).is_file(), page


def test_the_api_pages_hold_the_docstrings(site: Path) -> None:
    """mkdocstrings rendered the public API: the facade's methods and the answers are there."""
    log = (site / "api" / "log.html").read_text(encoding="utf-8")
    for anchor in ("tracker.open", "tracker.Log.append", "tracker.Log.replay"):
        assert f'id="{anchor}"' in log
    state = (site / "api" / "state.html").read_text(encoding="utf-8")
    assert 'id="tracker.State.stances"' in state
    api = "".join(p.read_text(encoding="utf-8") for p in (site / "api").glob("*.html"))
    assert ":class:`" not in api and ":func:`" not in api  # scripts/griffe_rst.py rewrote them


def test_the_site_loads_nothing_from_the_network(site: Path) -> None:
    """No page loads a script, style or font from elsewhere, so the folder works offline."""
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        remote = re.findall(r'<(?:script|link|img)\b[^>]*\b(?:src|href)="(?:https?:)?//[^"]+"', text)
        assert remote == [], page
    assert (site / "search" / "search_index.js").is_file()  # search from file://, no fetch
    assert (site / "assets" / "iframe-worker-shim.js").is_file()
