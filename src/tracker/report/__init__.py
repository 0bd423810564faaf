"""Show it and share it: the HTML report, single charts, and exports.

Every function here takes a replayed :class:`~tracker.State` (``log.replay(as_of=...,
known_at=...)``) and returns text or bytes; nothing here opens a log, prints or exits::

    import tracker
    from tracker.report import render_report, render_chart, timelinejs

    log = tracker.open("grok.jsonl")
    state = log.replay(as_of="2026-01-10")
    html = render_report(state, log_head=log.head())      # one self-contained page
    png = render_chart(state, "posture", format="png")    # one chart, for a slide
    data = timelinejs(state, log_head=log.head())         # TimelineJS3 JSON

The report and the charts need matplotlib (``pip install 'tracker[report]'``); the exports
(TimelineJS, CSV, ClaimReview) need nothing beyond the core. Names load on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_LAZY: dict[str, str] = {
    "render_report": "tracker.report.html",
    "render_chart": "tracker.report._plot",
    "CHARTS": "tracker.report.charts",
    "timelinejs": "tracker.report.exports",
    "csv_tables": "tracker.report.exports",
    "write_csv": "tracker.report.exports",
    "claimreview": "tracker.report.exports",
    "claimreview_html": "tracker.report.exports",
    "to_json": "tracker.report.exports",
    "display_date": "tracker.report._text",
}

__all__ = [
    "CHARTS",
    "claimreview",
    "claimreview_html",
    "csv_tables",
    "display_date",
    "render_chart",
    "render_report",
    "timelinejs",
    "to_json",
    "write_csv",
]

if TYPE_CHECKING:
    from tracker.report._plot import render_chart
    from tracker.report._text import display_date
    from tracker.report.charts import CHARTS
    from tracker.report.exports import (
        claimreview,
        claimreview_html,
        csv_tables,
        timelinejs,
        to_json,
        write_csv,
    )
    from tracker.report.html import render_report


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        msg = f"module 'tracker.report' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
