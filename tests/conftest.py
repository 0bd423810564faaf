"""Shared fixtures: logs on a fixed, injectable clock (tests never read the wall clock)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

import tracker
from tracker._inert import script_json

# Hypothesis in CI (``CI`` set, as .ci/run and most CI services do) draws the same examples on
# every run of the same code (derandomize): a run on a clean clone before landing predicts CI
# exactly, and CI never fails on a draw nobody saw. Runs elsewhere draw afresh, which is where
# new failures are found (each prints the example, and a blob to reproduce it).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


class StepClock:
    """A clock that starts at a fixed instant and moves one minute per reading (or as set)."""

    def __init__(self, start: datetime = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)) -> None:
        self.now = start
        self.step = timedelta(minutes=1)

    def __call__(self) -> datetime:
        value = self.now
        self.now += self.step
        return value

    def set(self, when: datetime) -> None:
        """Jump to ``when`` (used to simulate records entered on a later day)."""
        self.now = when


@pytest.fixture
def clock() -> StepClock:
    """A step clock starting 2026-01-12 09:00 UTC."""
    return StepClock()


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    """A path where a log may be created."""
    return tmp_path / "log.jsonl"


@pytest.fixture
def empty_log(log_path: Path, clock: StepClock) -> Iterator[tracker.Log]:
    """A new, empty file log on the step clock."""
    log = tracker.open(log_path, create=True, clock=clock)
    yield log
    log.close()


@pytest.fixture
def make_source() -> Callable[..., dict[str, str]]:
    """Build a minimal source dict."""

    def build(publisher: str = "Example News", url: str = "https://example.org/a") -> dict[str, str]:
        return {"publisher": publisher, "url": url}

    return build


# --- a real browser ------------------------------------------------------------------------------
# The browser is the system's ``chromium`` (``bash scripts/setup-system`` installs it);
# Playwright's own browser downloads are never used. With ``TRACKER_REQUIRE_SYSTEM=1`` (set by
# scripts/test) a missing Chromium fails the tests that need it instead of skipping them.

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _chromium() -> str:
    path = (
        os.environ.get("TRACKER_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if path is None:
        msg = "no chromium on PATH: run 'bash scripts/setup-system' (installs the Debian package)"
        if os.environ.get("TRACKER_REQUIRE_SYSTEM") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """The system's Chromium, headless, under Playwright (one per test module: Playwright's
    sync API keeps an event loop running while it is open)."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    executable = _chromium()
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


class Visit:
    """A page opened in a fresh context, with its console messages, errors and requests."""

    def __init__(self, browser: Any, url: str, *, width: int = 1280, height: int = 900) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        # nothing may leave the machine, even if the page asked
        self.context.route(
            lambda url: not url.startswith(("file:", "data:")), lambda route: route.abort()
        )
        self.page.goto(url, wait_until="load")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Any) -> Iterator[Any]:
    """Open a URL in the browser; closed after the test."""
    opened: list[Visit] = []

    def open_(url: str, **kw: Any) -> Visit:
        v = Visit(browser, url, **kw)
        opened.append(v)
        return v

    yield open_
    for v in opened:
        v.close()




# --- TimelineJS itself ---------------------------------------------------------------------------
# Knight Lab's npm package, installed by npm into a cache folder the first time
# ($TRACKER_TEST_CACHE, else ~/.cache/tracker-tests); npm comes with Node.js (bash
# scripts/setup-system installs it). With TRACKER_REQUIRE_SYSTEM=1 a missing npm fails the
# tests that need it. Pages load only local files: TimelineJS's web fonts are refused, and their
# refusals are not counted as the page's own errors.

TIMELINEJS = "@knight-lab/timelinejs@3.9.11"
"""The TimelineJS release the export is checked against."""


def _cache() -> Path:
    root = os.environ.get("TRACKER_TEST_CACHE") or Path.home() / ".cache" / "tracker-tests"
    return Path(root) / TIMELINEJS.replace("@", "").replace("/", "-")


@pytest.fixture(scope="module")
def timelinejs_dist() -> Path:
    """TimelineJS's ``dist`` folder (its script, styles and locales), installed once by npm."""
    folder = _cache()
    dist = folder / "node_modules" / "@knight-lab" / "timelinejs" / "dist"
    if (dist / "js" / "timeline.js").is_file():
        return dist
    npm = shutil.which("npm")
    if npm is None:
        msg = "no npm on PATH: run 'bash scripts/setup-system' (installs Node.js's npm)"
        if os.environ.get("TRACKER_REQUIRE_SYSTEM") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent, prefix=".timelinejs-") as scratch:
        done = subprocess.run(  # noqa: S603 - npm from PATH, fixed arguments
            [npm, "install", "--no-audit", "--no-fund", "--ignore-scripts", "--no-save",
             "--prefix", scratch, TIMELINEJS],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if done.returncode != 0:
            pytest.fail(f"npm install {TIMELINEJS} failed:\n{done.stderr[-2000:]}")
        try:
            Path(scratch).rename(folder)  # whole or not at all (another run may have won)
        except OSError:
            if not (dist / "js" / "timeline.js").is_file():
                raise
    assert (dist / "js" / "timeline.js").is_file()
    return dist


class Loaded:
    """A TimelineJS page of one export: its slides, groups, title, and what it logged."""

    def __init__(self, browser: Any, dist: Path, data: dict[str, Any], folder: Path) -> None:
        page_file = folder / "timeline.html"
        page_file.write_text(
            "<!doctype html><html><head><meta charset='utf-8'>"
            f"<link rel='stylesheet' href='{(dist / 'css' / 'timeline.css').as_uri()}'>"
            f"<script src='{(dist / 'js' / 'timeline.js').as_uri()}'></script></head>"
            "<body><div id='tl' style='width:1200px;height:700px'></div><script>"
            f"window.tl = new TL.Timeline('tl', {script_json(data)}, "
            f"{{script_path: '{(dist / 'js').as_uri()}/', language: 'en'}});"
            "window.tl.on('ready', () => { window.tlReady = true; });"
            "</script></body></html>",
            encoding="utf-8",
        )
        self.context = browser.new_context(viewport={"width": 1280, "height": 800})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", self._console)
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.context.route(
            lambda url: not url.startswith("file:"), lambda route: route.abort()
        )  # nothing leaves the machine (TimelineJS asks Google for its fonts)
        self.page.goto(page_file.as_uri(), wait_until="load")
        self.page.wait_for_function("window.tlReady === true", timeout=30_000)
        self.slides: list[str] = self.page.evaluate(
            "[...document.querySelectorAll('.tl-slide')].map(s => s.id)"
        )
        self.groups: list[str] = self.page.evaluate(
            "[...document.querySelectorAll('.tl-timegroup-message')]"
            ".map(g => g.textContent.trim())"
        )
        self.title: str = self.page.evaluate(
            "document.querySelector('.tl-slide-titleslide').textContent"
        )

    def _console(self, message: Any) -> None:
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        if message.text.startswith("Failed to load resource") and not where.startswith("file:"):
            return  # a font we refused to fetch: our sandbox's doing, not the page's
        self.errors.append(message.text)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def load(browser: Any, timelinejs_dist: Path, tmp_path: Path) -> Any:
    """Load an export into TimelineJS; the pages are closed after the test."""
    opened: list[Loaded] = []

    def open_(data: dict[str, Any]) -> Loaded:
        folder = tmp_path / f"tl{len(opened)}"
        folder.mkdir()
        loaded = Loaded(browser, timelinejs_dist, data, folder)
        opened.append(loaded)
        return loaded

    yield open_
    for loaded in opened:
        loaded.close()


