"""The report opened in a real headless Chromium (the system's package), driven by Playwright.

The ``browser`` and ``visit`` fixtures are in tests/conftest.py (shared with the security and
TimelineJS tests).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import tracker
from tracker.report import render_report


@pytest.fixture(scope="module")
def report_file(grok_log_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the Grok-like log at as_of 10 January, written to a file."""
    with tracker.open(grok_log_path) as log:
        html = render_report(log.replay(as_of="2026-01-10"), log_head=log.head(), title="Grok")
    path = tmp_path_factory.mktemp("browser") / "report.html"
    path.write_text(html, encoding="utf-8")
    return path


def test_report_opens_without_errors_or_network(visit, report_file: Path, tmp_path: Path) -> None:
    """The page loads from disk, logs nothing to the console, requests nothing but itself,
    and a full-page screenshot is taken."""
    v = visit(report_file.as_uri())
    shot = tmp_path / "report.png"
    v.page.screenshot(path=str(shot), full_page=True)
    assert v.console == []
    assert v.errors == []
    assert v.requests == [report_file.as_uri()]
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    height = int.from_bytes(png[20:24], "big")
    assert int.from_bytes(png[16:20], "big") == 1280
    assert height > 3000  # the whole page: header, four charts, the lists


def test_the_network_check_catches_a_request(visit, tmp_path: Path) -> None:
    """A page that loads an outside image is caught by the same check (so the check can fail)."""
    page = tmp_path / "leaky.html"
    page.write_text('<!doctype html><title>x</title><img src="https://example.com/pixel.png">')
    v = visit(page.as_uri())
    assert v.requests == [page.as_uri(), "https://example.com/pixel.png"]


CHART_TICKS = {
    "timeline": {"Ofcom", "Paris prosecutor", "Grok", "Bloomberg", "UK government", "The Verge"},
    "stances": {"strongly against", "against", "neutral", "for", "strongly for"},
    "figures": {"0", "5", "10", "15", "20", "25", "2,000", "4,000", "6,000", "8,000"},
    "posture": {"none", "contact", "demand", "investigation opened", "investigation widened"},
}

_AXES_JS = """
(name) => {
  const svg = document.querySelector(`svg[data-chart="${name}"]`);
  if (!svg) return null;
  const box = svg.getBoundingClientRect();
  const texts = (sel) =>
    [...svg.querySelectorAll(sel)].map(t => t.textContent.trim()).filter(Boolean);
  return {
    width: box.width, height: box.height,
    axes: svg.querySelectorAll(`g[id^="${name}-axes_"]`).length,
    xaxis: svg.querySelectorAll(`g[id^="${name}-matplotlib.axis_"] g[id^="${name}-xtick_"]`).length,
    yticks: texts(`g[id^="${name}-ytick_"] text`),
    xticks: texts(`g[id^="${name}-xtick_"] text`),
    labels: texts(`g[id^="${name}-text_"] text`),
    legend: svg.querySelectorAll(`g[id^="${name}-legend_"]`).length,
    title: svg.querySelector("title")?.textContent,
  };
}
"""


def test_every_chart_is_drawn_with_its_axes(visit, report_file: Path) -> None:
    """Each chart is on the page, sized, with x ticks, y tick labels, axis labels and a legend."""
    v = visit(report_file.as_uri())
    for name, ticks in CHART_TICKS.items():
        info = v.page.evaluate(_AXES_JS, name)
        assert info is not None, name
        assert info["width"] > 900, name  # fills the column on a laptop
        assert info["height"] > 250, name
        assert info["axes"] >= 1, name
        assert info["xaxis"] >= 4, name
        assert ticks <= set(info["yticks"]), (name, info["yticks"])
        assert len(info["xticks"]) >= 4, name
        assert "date (UTC)" in info["labels"], name
        assert info["legend"] == 1, name
        assert info["title"], name


def test_a_chart_marker_jumps_to_its_event(visit, report_file: Path) -> None:
    """Clicking the verification's marker on the timeline scrolls to and highlights its row."""
    v = visit(report_file.as_uri())
    v.page.click('svg[data-chart="timeline"] a[*|href="#e-verge-still-free"]')
    assert v.page.evaluate("location.hash") == "#e-verge-still-free"
    background = v.page.evaluate(
        "getComputedStyle(document.getElementById('e-verge-still-free')).backgroundColor"
    )
    assert background == "rgb(255, 246, 214)"


def test_report_fits_a_phone(visit, report_file: Path, tmp_path: Path) -> None:
    """On a 390-pixel-wide phone the page does not overflow sideways; each chart keeps a
    legible size and scrolls sideways in its own box."""
    v = visit(report_file.as_uri(), width=390, height=844)
    page_width, viewport = v.page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert page_width <= viewport
    boxes = v.page.evaluate(
        """[...document.querySelectorAll('.chart-box')].map(box => {
          const svg = box.querySelector('svg.chart');
          const tick = svg.querySelector('g[id*="ytick_"] text');
          return {box: box.getBoundingClientRect().width, svg: svg.getBoundingClientRect().width,
                  scrolls: getComputedStyle(box).overflowX,
                  text: tick.getBoundingClientRect().height};
        })"""
    )
    assert len(boxes) == 4
    for box in boxes:
        assert box["box"] <= viewport
        assert box["svg"] >= 600
        assert box["scrolls"] == "auto"
        assert box["text"] >= 8  # tick labels at least 8 CSS pixels tall
    hint = v.page.evaluate("getComputedStyle(document.querySelector('.hint')).display")
    assert hint == "inline"
    v.page.screenshot(path=str(tmp_path / "phone.png"), full_page=False)
