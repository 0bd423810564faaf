"""Exports: TimelineJS3 JSON, CSV tables and schema.org ClaimReview, checked by their formats."""

from __future__ import annotations

import calendar
import csv
import io
from typing import Any

import orjson
import pytest

import tracker
from tracker.report import claimreview, csv_tables, timelinejs, to_json, write_csv
from tracker.report.exports import CSV_TABLES, to_csv

# --- TimelineJS3 ---------------------------------------------------------------------------
# The fields its JSON format documents (timeline.knightlab.com/docs/json-format.html) and what
# TimelineConfig.addEvent checks: every event needs a start_date whose year is a number.
TL_SLIDE_KEYS = {
    "start_date",
    "end_date",
    "text",
    "media",
    "group",
    "display_date",
    "background",
    "autolink",
    "unique_id",
}
TL_DATE_KEYS = {
    "year",
    "month",
    "day",
    "hour",
    "minute",
    "second",
    "millisecond",
    "display_date",
    "format",
}


def _check_tl_date(date: dict[str, Any]) -> tuple[int, ...]:
    assert set(date) <= TL_DATE_KEYS
    assert isinstance(date["year"], int)
    parts = [date["year"]]
    if "month" in date:
        assert 1 <= date["month"] <= 12
        parts.append(date["month"])
        if "day" in date:
            assert 1 <= date["day"] <= calendar.monthrange(date["year"], date["month"])[1]
            parts.append(date["day"])
    else:
        assert "day" not in date
    if "hour" in date:
        assert 0 <= date["hour"] <= 23 and "day" in date
    if "minute" in date:
        assert 0 <= date["minute"] <= 59 and "hour" in date
    if "display_date" in date:
        assert isinstance(date["display_date"], str) and date["display_date"]
    return tuple(parts)


def validate_timelinejs(data: dict[str, Any]) -> None:
    """Fail unless ``data`` is a TimelineJS3 timeline its loader accepts."""
    assert set(data) <= {"events", "title", "eras", "scale"}
    assert data.get("scale", "human") in ("human", "cosmological")
    assert isinstance(data["events"], list) and data["events"]
    ids = [data["title"]["unique_id"]] if "title" in data else []
    for slide in data["events"]:
        assert set(slide) <= TL_SLIDE_KEYS
        start = _check_tl_date(slide["start_date"])
        if "end_date" in slide:
            end = _check_tl_date(slide["end_date"])
            assert end > start  # equal end dates are redundant; TimelineJS drops them
        assert isinstance(slide["text"]["headline"], str) and slide["text"]["headline"]
        assert isinstance(slide["text"]["text"], str)
        assert isinstance(slide.get("group", ""), str)
        ids.append(slide["unique_id"])
    assert len(ids) == len(set(ids))
    assert orjson.loads(to_json(data)) == data


@pytest.fixture(scope="module")
def state(grok_log_path) -> tracker.State:
    """The whole Grok-like log, replayed."""
    with tracker.open(grok_log_path) as log:
        return log.replay()


def test_timelinejs_loads_by_its_format(grok_log_path) -> None:
    """The export has the fields TimelineJS3 requires, for the whole log and an early as-of."""
    with tracker.open(grok_log_path) as log:
        for as_of in (None, "2026-01-05"):
            validate_timelinejs(timelinejs(log.replay(as_of=as_of), log_head=log.head()))


def test_timelinejs_keeps_partial_dates_as_they_are_known(state) -> None:
    """A month stays a month, a range gets an end date, and display_date says what is known."""
    slides = {s["unique_id"]: s for s in timelinejs(state)["events"]}
    assert slides["paris-opened"]["start_date"] == {
        "year": 2025,
        "month": 7,
        "display_date": "July 2025",
    }
    assert "end_date" not in slides["paris-opened"]
    assert slides["deepfakes-spread"]["start_date"] == {
        "year": 2025,
        "month": 12,
        "day": 28,
        "display_date": "28 December 2025 \u2013 2 January 2026",
    }
    assert slides["deepfakes-spread"]["end_date"] == {"year": 2026, "month": 1, "day": 2}
    assert slides["ofcom-investigation"]["display_date"] == "on or before 12 January 2026"
    assert slides["ofcom-investigation"]["start_date"]["day"] == 12
    assert (
        slides["images-per-hour"]["text"]["headline"]
        == "About 6,700 sexualised images an hour over 24 hours"
    )
    assert "<em>disputed by a verification</em>" in slides["images-per-hour"]["text"]["text"]
    assert (
        '<a href="https://www.bloomberg.com/news/grok-images">Bloomberg</a>'
        in slides["images-per-hour"]["text"]["text"]
    )


def test_timelinejs_groups_by_kind_actor_topic_type_or_none(state) -> None:
    """Rows follow the chosen grouping: by kind of actor by default (a few rows, not one per
    actor), by actor, topic or type, or none at all; events without a topic go to 'Other
    events', events whose row is no registered actor's to 'Other'."""
    def groups(**kw: str) -> dict[str, str]:
        return {s["unique_id"]: s.get("group") for s in timelinejs(state, **kw)["events"]}

    by_kind, by_actor = groups(), groups(group_by="actor")
    by_topic, by_type = groups(group_by="topic"), groups(group_by="type")
    assert by_kind["uk-gov-ban"] == "Governments"
    assert by_kind["ofcom-demand"] == by_kind["ec-retention"] == "Regulators"
    assert by_kind["verge-still-free"] == by_kind["raise-20"] == "Media"
    assert by_kind["paris-opened"] == "Prosecutors"
    assert len(set(by_kind.values())) < len(set(by_actor.values()))
    assert by_actor["uk-gov-ban"] == "UK government"
    assert by_topic["uk-gov-ban"] == "Regulating X over Grok"
    assert by_topic["paywall"] == "Other events"
    assert by_type["paywall"] == "Policy change"
    assert set(groups(group_by="none").values()) == {None}  # no "group" key at all
    with pytest.raises(tracker.errors.InvalidInputError, match="unknown grouping 'person'"):
        timelinejs(state, group_by="person")  # type: ignore[arg-type]


def test_timelinejs_title_slide_is_for_readers(grok_log_path) -> None:
    """The title slide carries the title, the topics and what the replay holds in words; the
    provenance (records, last hash, the command that checks the log head) is a small credit
    line; an unset date is left out, never called "unbounded"."""
    with tracker.open(grok_log_path) as log:
        head = log.head()
        known = timelinejs(log.replay(known_at="2026-01-12"), log_head=head, title="Grok")
        whole = timelinejs(log.replay(), log_head=head)
    assert known["title"]["text"]["headline"] == "Grok"
    assert whole["title"]["text"]["headline"] == "Controversy report"
    text = known["title"]["text"]["text"]
    assert text.startswith(
        "<p>Grok images behind a paywall \u00b7 Regulating X over Grok</p>"
        "<p>Every event in the log, as the log knew them on 2026-01-12 23:59:59 UTC.</p>"
    )
    assert "<p><small>Built by tracker from records 1\u2013" in text
    assert text.endswith(f"Check it with: tracker verify --head {head}</small></p>")
    assert "Every event in the log, as its 36 records tell them." in whole["title"]["text"]["text"]
    for data in (known, whole):
        assert "unbounded" not in str(data["title"])


# --- CSV ------------------------------------------------------------------------------------


def _read(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_tables_round_trip_through_the_csv_module(state) -> None:
    """Each table reads back with csv.DictReader to the values written."""
    tables = csv_tables(state)
    assert list(tables) == list(CSV_TABLES)
    events = _read(tables["events"])
    assert len(events) == 22
    row = next(r for r in events if r["id"] == "images-per-hour")
    assert row["number"] == "9"
    assert row["type"] == "figure"
    assert row["occurred"] == "2026-01-07"
    assert row["display_date"] == "7 January 2026"
    assert row["status"] == "contradicted"
    assert row["disputed"] == "true"
    assert row["uncertain"] == "false"
    assert row["actors"] == "grok;bloomberg"  # a list: ';' between its items
    assert row["publishers"] == "Bloomberg"
    actors = {r["actor"]: r for r in _read(tables["actors"])}
    assert actors["grok"] == {
        "actor": "grok",
        "name": "Grok",
        "kind": "product",
        "jurisdiction": "",
        "aliases": "",
        "relations": "developed_by:xai;runs_on:x",
    }
    fixes = _read(tables["fixes"])
    assert [(f["kind"], f["target"], f["by"], f["reason"]) for f in fixes] == [
        ("correction", "ofcom-contact", "", "the contact was on the 5th"),
        ("supersession", "raise-15", "raise-20", "the round closed larger than first reported"),
    ]
    verdicts = _read(tables["verdicts"])
    assert [(v["verification"], v["claim"], v["verdict"]) for v in verdicts] == [
        ("verge-still-free", "grok-paywall-claim", "contradicted"),
        ("verge-count", "images-per-hour", "contradicted"),
    ]
    changes = _read(tables["stance_changes"])
    hardened = [c for c in changes if c["kind"] == "hardened"]
    assert [
        (c["holder"], c["before"], c["after"], c["position_before"], c["position_after"])
        for c in hardened
    ] == [("uk-gov", "uk-gov-act", "uk-gov-ban", "1", "2")]
    steps = _read(tables["posture_steps"])
    assert [(s["event"], s["to_rung"]) for s in steps if s["regulator"] == "ofcom"] == [
        ("ofcom-investigation", "investigation_opened"),
        ("ofcom-contact", "investigation_opened"),
        ("ofcom-demand", "investigation_opened"),
    ] or [s["event"] for s in steps if s["regulator"] == "ofcom"]


def test_csv_headers_are_the_projections_columns(state) -> None:
    """Each projection table's header is exactly its rows' keys, in their order."""
    tables = csv_tables(state)
    for name in CSV_TABLES:
        header = next(csv.reader(io.StringIO(tables[name], newline="")))
        rows = _read(tables[name])
        assert rows, name
        assert header == list(rows[0]), name


def test_csv_of_an_empty_log_keeps_every_header(tmp_path) -> None:
    """With nothing recorded, every table is still a header line that spreadsheets can read."""
    with tracker.open(tmp_path / "empty.jsonl", create=True) as log:
        tables = csv_tables(log.replay())
    for name, text in tables.items():
        assert text.endswith("\r\n") and text.count("\r\n") == 1, name
        assert _read(text) == [], name


def test_csv_quotes_what_needs_quoting() -> None:
    """Commas, quotes, newlines and non-ASCII text survive a write and a read."""
    rows = [
        {"a": 'say "hi", then leave', "b": "line one\nline two", "c": 1.0, "d": None},
        {"a": "Zürich \u2013 \u00e9t\u00e9", "b": True, "c": 2.5, "d": ["x", "y"]},
    ]
    text = to_csv(rows)
    assert text.startswith("a,b,c,d\r\n")
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["a", "b", "c", "d"],
        ['say "hi", then leave', "line one\nline two", "1", ""],
        ["Zürich \u2013 \u00e9t\u00e9", "true", "2.5", "x;y"],
    ]


def test_write_csv_writes_one_file_per_table(state, tmp_path) -> None:
    """write_csv puts <table>.csv files in the folder, each as csv_tables gave it."""
    paths = write_csv(state, tmp_path / "out")
    tables = csv_tables(state)
    assert sorted(p.name for p in paths) == sorted(f"{name}.csv" for name in tables)
    for path in paths:
        assert path.read_bytes().decode("utf-8") == tables[path.stem]


# --- ClaimReview -------------------------------------------------------------------------------
# The schema.org types used and the properties each accepts (its own or inherited):
# ClaimReview < Review < CreativeWork < Thing; Claim < CreativeWork; Rating < Intangible < Thing.
SCHEMA_PROPERTIES = {
    "ClaimReview": {
        "claimReviewed",
        "reviewRating",
        "itemReviewed",
        "author",
        "datePublished",
        "url",
        "reviewBody",
        "identifier",
    },
    "Rating": {"ratingValue", "bestRating", "worstRating", "alternateName"},
    "Claim": {"author", "datePublished", "appearance", "firstAppearance", "identifier"},
    "CreativeWork": {"url", "publisher"},
    "Organization": {"name", "url"},
    "Person": {"name", "url"},
}


def _check_schema(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _check_schema(item)
        return
    if not isinstance(node, dict):
        return
    kind = node["@type"]
    assert kind in SCHEMA_PROPERTIES, kind
    assert set(node) - {"@type", "@context"} <= SCHEMA_PROPERTIES[kind], (kind, set(node))
    for value in node.values():
        _check_schema(value)


def test_claimreview_is_valid_schema_org(state) -> None:
    """Each review uses only schema.org types and their properties, with Google's required ones."""
    reviews = claimreview(state)
    assert [r["identifier"] for r in reviews] == ["verge-still-free", "verge-count"]
    for review in reviews:
        assert review["@context"] == "https://schema.org"
        assert review["@type"] == "ClaimReview"
        _check_schema(review)
        for field in (
            "claimReviewed",
            "reviewRating",
            "url",
            "author",
            "itemReviewed",
            "datePublished",
        ):
            assert field in review
        assert review["reviewRating"]["alternateName"]


def test_claimreview_carries_claim_verdict_and_reviewer(state) -> None:
    """The claim is the tested event, the verdict the rating, the verifier the author."""
    review = claimreview(state)[1]
    assert review["claimReviewed"] == "About 6,700 sexualised images an hour over 24 hours"
    assert review["author"] == {"@type": "Organization", "name": "The Verge"}
    assert review["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 1,
        "bestRating": 3,
        "worstRating": 1,
        "alternateName": "Contradicted",
    }
    assert review["datePublished"] == "2026-01-10"
    assert review["url"] == "https://www.theverge.com/news/grok-paywall-still-free/count"
    assert review["reviewBody"] == "Its own sample found far fewer images an hour."
    claim = review["itemReviewed"]
    assert claim["author"] == {"@type": "Organization", "name": "Bloomberg"}
    assert claim["datePublished"] == "2026-01-07"
    assert claim["firstAppearance"]["url"] == "https://www.bloomberg.com/news/grok-images"


def test_claimreview_of_a_person_confirmed() -> None:
    """A confirmed statement by a person: the claim's author is a Person, the rating 3 of 3."""
    src = {"publisher": "Example", "url": "https://example.org/a"}
    with tracker.open(":memory:") as log:
        log.append(
            [
                {"type": "actor", "actor": "ann", "name": "Ann Example", "kind": "person"},
                {"type": "actor", "actor": "checker", "name": "Checker", "kind": "ngo"},
                {
                    "id": "said",
                    "type": "statement",
                    "occurred": "2026-02-01",
                    "speaker": "ann",
                    "quote": "It rained on Monday.",
                    "sources": [src],
                },
                {
                    "id": "checked",
                    "type": "verification",
                    "occurred": "2026-02-03",
                    "verifier": "checker",
                    "target": "said",
                    "verdict": "confirmed",
                    "sources": [src],
                },
            ]
        )
        (review,) = claimreview(log.replay())
    assert review["claimReviewed"] == "It rained on Monday."
    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": "Ann Example"}
    assert review["reviewRating"]["ratingValue"] == 3
    assert review["reviewRating"]["alternateName"] == "Confirmed"
    _check_schema(review)


def test_exports_are_byte_identical_across_runs(grok_log_path) -> None:
    """Two exports of the same replay give the same bytes."""
    with tracker.open(grok_log_path) as log:
        runs = [
            (
                to_json(timelinejs(log.replay(), log_head=log.head())),
                to_json(claimreview(log.replay())),
                csv_tables(log.replay()),
            )
            for _ in range(2)
        ]
    assert runs[0] == runs[1]
