"""Fixtures for the report and export tests: a small Grok-like log on a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import tracker


class _Clock:
    """Recorded time: 2026-01-12 09:00 UTC, one minute per reading, or set by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        value = self.now
        self.now += timedelta(minutes=1)
        return value


def _src(
    publisher: str, url: str, published: str | None = None, quote: str | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {"publisher": publisher, "url": url}
    if published:
        out["published"] = published
    if quote:
        out["quote"] = quote
    return out


BLOOMBERG = "https://www.bloomberg.com/news/grok-images"
VERGE = "https://www.theverge.com/news/grok-paywall-still-free"
GUARDIAN = "https://www.theguardian.com/technology/grok-x-paywall"
REUTERS = "https://www.reuters.com/technology/grok-ofcom"

ACTORS: list[dict[str, Any]] = [
    {"type": "actor", "actor": "xai", "name": "xAI", "kind": "company"},
    {
        "type": "actor",
        "actor": "x",
        "name": "X",
        "kind": "platform",
        "relations": [{"type": "owned_by", "target": "xai"}],
    },
    {
        "type": "actor",
        "actor": "grok",
        "name": "Grok",
        "kind": "product",
        "relations": [
            {"type": "developed_by", "target": "xai"},
            {"type": "runs_on", "target": "x"},
        ],
    },
    {"type": "actor", "actor": "musk", "name": "Elon Musk", "kind": "person"},
    {"type": "actor", "actor": "bloomberg", "name": "Bloomberg", "kind": "media"},
    {"type": "actor", "actor": "the-verge", "name": "The Verge", "kind": "media"},
    {
        "type": "actor",
        "actor": "uk-gov",
        "name": "UK government",
        "kind": "government",
        "jurisdiction": "GB",
    },
    {"type": "actor", "actor": "ofcom", "name": "Ofcom", "kind": "regulator", "jurisdiction": "GB"},
    {
        "type": "actor",
        "actor": "eu-commission",
        "name": "European Commission",
        "kind": "regulator",
        "jurisdiction": "EU",
    },
    {
        "type": "actor",
        "actor": "paris-prosecutor",
        "name": "Paris prosecutor",
        "kind": "prosecutor",
        "jurisdiction": "FR",
    },
    {"type": "topic", "topic": "paywall", "name": "Grok images behind a paywall"},
    {"type": "topic", "topic": "regulation", "name": "Regulating X over Grok"},
]

EVENTS: list[dict[str, Any]] = [
    {
        "id": "paris-opened",
        "type": "regulatory_action",
        "occurred": "2025-07",
        "regulator": "paris-prosecutor",
        "target": "x",
        "jurisdiction": "FR",
        "rung": "investigation_opened",
        "summary": "Paris prosecutor opens an inquiry into X",
        "sources": [_src("Reuters", REUTERS + "/paris-opened", "2025-07-11")],
    },
    {
        "id": "deepfakes-spread",
        "type": "incident",
        "occurred": "2025-12-28..2026-01-02",
        "harm": "sexualised images of real women and minors made with Grok spread on X",
        "actors": ["grok", "x"],
        "summary": "Grok 'undressing' images spread on X",
        "sources": [_src("The Guardian", GUARDIAN + "/spread", "2026-01-02")],
    },
    {
        "id": "paris-widened",
        "type": "regulatory_action",
        "occurred": "2026-01-02",
        "regulator": "paris-prosecutor",
        "target": "x",
        "jurisdiction": "FR",
        "rung": "investigation_widened",
        "summary": "Paris inquiry widened to Grok deepfakes",
        "sources": [_src("Reuters", REUTERS + "/paris-widened", "2026-01-02")],
    },
    {
        "id": "musk-consequences",
        "type": "statement",
        "occurred": "2026-01-03",
        "speaker": "musk",
        "topic": "regulation",
        "stance": 1,
        "quote": (
            "Anyone using Grok to make illegal content will suffer the same consequences "
            "as if they upload illegal content."
        ),
        "sources": [_src("X", "https://x.com/elonmusk/status/1", "2026-01-03")],
    },
    {
        "id": "ofcom-contact",
        "type": "regulatory_action",
        "occurred": "2026-01-06",
        "regulator": "ofcom",
        "target": "x",
        "jurisdiction": "GB",
        "rung": "contact",
        "summary": "Ofcom makes urgent contact with X and xAI",
        "sources": [_src("Reuters", REUTERS + "/contact", "2026-01-05")],
    },
    {
        "id": "uk-gov-act",
        "type": "statement",
        "occurred": "2026-01-06",
        "speaker": "uk-gov",
        "topic": "regulation",
        "stance": 1,
        "quote": "We expect Ofcom to act.",
        "sources": [_src("BBC", "https://www.bbc.co.uk/news/grok-uk-gov", "2026-01-06")],
    },
    {
        "id": "raise-15",
        "type": "figure",
        "occurred": "2025-12-30",
        "metric": "funding_raised",
        "value": 15,
        "unit": "USD_billion",
        "subject": "xai",
        "reported_by": "bloomberg",
        "summary": "xAI said to raise 15 billion dollars",
        "sources": [_src("Bloomberg", BLOOMBERG + "/raise-15", "2025-12-30")],
    },
    {
        "id": "raise-20",
        "type": "figure",
        "occurred": "2026-01-06",
        "metric": "funding_raised",
        "value": 20,
        "unit": "USD_billion",
        "subject": "xai",
        "reported_by": "bloomberg",
        "summary": "xAI closes a 20 billion dollar raise",
        "sources": [_src("Bloomberg", BLOOMBERG + "/raise-20", "2026-01-06")],
    },
    {
        "id": "images-per-hour",
        "type": "figure",
        "occurred": "2026-01-07",
        "metric": "sexualised_images",
        "value": 6700,
        "unit": "per_hour",
        "approximate": True,
        "period": "2026-01-05..2026-01-06",
        "subject": "grok",
        "reported_by": "bloomberg",
        "summary": "About 6,700 sexualised images an hour over 24 hours",
        "sources": [_src("Bloomberg", BLOOMBERG, "2026-01-07")],
    },
    {
        "id": "images-per-hour-low",
        "type": "figure",
        "occurred": "2026-01-08",
        "metric": "sexualised_images",
        "lower": 1500,
        "upper": 2500,
        "unit": "per_hour",
        "subject": "grok",
        "reported_by": "the-verge",
        "summary": "A sample suggests 1,500 to 2,500 an hour",
        "sources": [_src("The Verge", VERGE + "/sample", "2026-01-08")],
    },
    {
        "id": "ec-retention",
        "type": "regulatory_action",
        "occurred": "2026-01-08",
        "regulator": "eu-commission",
        "target": "x",
        "jurisdiction": "EU",
        "rung": "preservation_order",
        "summary": "Commission orders X to keep Grok documents",
        "sources": [_src("Reuters", REUTERS + "/ec", "2026-01-08")],
    },
    {
        "id": "net-loss",
        "type": "figure",
        "occurred": "2026-01-09",
        "metric": "net_loss",
        "value": 1.46,
        "unit": "USD_billion",
        "period": "2025-07..2025-09",
        "subject": "xai",
        "reported_by": "bloomberg",
        "summary": "xAI quarterly net loss of 1.46 billion dollars",
        "sources": [_src("Bloomberg", BLOOMBERG + "/loss", "2026-01-09")],
    },
    {
        "id": "paywall",
        "type": "policy_change",
        "occurred": "2026-01-09",
        "actor": "x",
        "product": "grok",
        "rule": "Grok image generation and editing on X",
        "before": "free for every user",
        "after": "paying subscribers only",
        "summary": "X puts Grok's image tools behind its paywall",
        "sources": [_src("The Guardian", GUARDIAN, "2026-01-09")],
    },
    {
        "id": "grok-paywall-claim",
        "type": "statement",
        "occurred": "2026-01-09",
        "speaker": "grok",
        "topic": "paywall",
        "stance": 2,
        "quote": "Image generation and editing are currently limited to paying subscribers.",
        "sources": [_src("X", "https://x.com/grok/status/2", "2026-01-09")],
    },
    {
        "id": "uk-gov-insulting",
        "type": "statement",
        "occurred": "2026-01-09",
        "speaker": "uk-gov",
        "topic": "paywall",
        "stance": -2,
        "quote": "Insulting to victims of misogyny and sexual violence.",
        "sources": [_src("The Guardian", GUARDIAN + "/insulting", "2026-01-09")],
    },
    {
        "id": "verge-still-free",
        "type": "verification",
        "occurred": "2026-01-09",
        "verifier": "the-verge",
        "target": "grok-paywall-claim",
        "verdict": "contradicted",
        "finding": "The image tools were still free in the Grok app and on its website.",
        "sources": [_src("The Verge", VERGE, "2026-01-09")],
    },
    {
        "id": "verge-count",
        "type": "verification",
        "occurred": "2026-01-10",
        "verifier": "the-verge",
        "target": "images-per-hour",
        "verdict": "contradicted",
        "finding": "Its own sample found far fewer images an hour.",
        "sources": [_src("The Verge", VERGE + "/count", "2026-01-10")],
    },
    {
        "id": "ofcom-demand",
        "type": "regulatory_action",
        "occurred": "2026-01-09",
        "regulator": "ofcom",
        "target": "x",
        "jurisdiction": "GB",
        "rung": "demand",
        "summary": "Ofcom tells X to comply or face an investigation",
        "sources": [_src("Reuters", REUTERS + "/demand", "2026-01-09")],
    },
    {
        "id": "musk-censorship",
        "type": "statement",
        "occurred": "2026-01-10",
        "speaker": "musk",
        "topic": "regulation",
        "stance": -2,
        "quote": "They just want any excuse for censorship.",
        "sources": [_src("X", "https://x.com/elonmusk/status/3", "2026-01-10")],
    },
    {
        "id": "uk-gov-ban",
        "type": "statement",
        "occurred": "2026-01-10",
        "speaker": "uk-gov",
        "topic": "regulation",
        "stance": 2,
        "quote": "All options are on the table, including blocking X.",
        "sources": [_src("BBC", "https://www.bbc.co.uk/news/grok-ban", "2026-01-10")],
    },
    {
        "id": "crans-montana",
        "type": "incident",
        "occurred": "2026-01-08..2026-01-11",
        "harm": "victims of the Crans-Montana fire targeted with Grok-made images",
        "location": "Crans-Montana",
        "actors": ["grok"],
        "summary": "Crans-Montana victims targeted",
        "sources": [_src("Le Temps", "https://www.letemps.ch/crans-montana-grok", "2026-01-11")],
    },
    {
        "id": "ofcom-investigation",
        "type": "regulatory_action",
        "occurred": "..2026-01-12",
        "regulator": "ofcom",
        "target": "x",
        "jurisdiction": "GB",
        "rung": "investigation_opened",
        "summary": "Ofcom opens a formal investigation",
        "sources": [_src("Reuters", REUTERS + "/investigation", "2026-01-12")],
    },
]

FIXES: list[dict[str, Any]] = [
    {
        "type": "correction",
        "corrects": "ofcom-contact",
        "reason": "the contact was on the 5th",
        "replacement": {**EVENTS[4], "occurred": "2026-01-05", "id": None},
    },
    {
        "type": "supersession",
        "supersedes": "raise-15",
        "by": "raise-20",
        "reason": "the round closed larger than first reported",
    },
]


def build_log(path: Path | str = ":memory:") -> tracker.Log:
    """Append the actors, events and fixes above on the fixed clock."""
    log = tracker.open(path, create=True, clock=_Clock())
    log.append(ACTORS)
    log.append(EVENTS)
    fixes = []
    for fix in FIXES:
        fix = dict(fix)
        if "replacement" in fix:
            fix["replacement"] = {k: v for k, v in fix["replacement"].items() if k != "id"}
        fixes.append(fix)
    log.append(fixes)
    return log


@pytest.fixture(scope="session")
def grok_log_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file log of the Grok-like case (built once per session; treat it as read-only)."""
    path = tmp_path_factory.mktemp("report") / "grok.jsonl"
    build_log(path).close()
    return path


@pytest.fixture
def grok_log(grok_log_path: Path) -> Iterator[tracker.Log]:
    """The Grok-like log, opened."""
    log = tracker.open(grok_log_path)
    yield log
    log.close()
