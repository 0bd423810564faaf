"""Shared fixtures: logs on a fixed, injectable clock (tests never read the wall clock)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import tracker


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


