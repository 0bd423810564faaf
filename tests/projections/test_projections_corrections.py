"""What a correction changed, field by field: in show's history, the fixes table, figure points."""

from __future__ import annotations

import pytest

from tracker.report.exports import csv_tables


@pytest.fixture
def safety(book):
    """A product-safety case: a regulator's count of affected aircraft, corrected twice."""
    book.actors("faa:regulator", "maker:company")
    book.figure(
        "affected",
        "aircraft_inspected",
        177,
        "aircraft",
        "2024-01-06",
        subject="maker",
        summary="FAA orders inspections",
    )
    book.on("2026-01-13T10:00").correct(
        "fix-count", "affected", "the order covers 171 aircraft", value=171
    )
    book.on("2026-01-20T10:00").correct(
        "fix-date", "affected", "dated by the order, not the report", occurred="2024-01-05",
        value=171,
    )
    return book


def test_history_lists_each_changed_field(safety):
    """show's history: each correction with the fields it changed, old and new value."""
    history = safety.state().history("affected")
    assert [h.kind for h in history] == ["recorded", "correction", "correction"]
    assert [(c.field, c.old, c.new) for c in history[1].changes] == [("value", 177, 171)]
    assert [c.text for c in history[2].changes] == ["occurred: 2024-01-06 -> 2024-01-05"]


def test_fixes_table_shows_old_and_new_values_not_the_summary(safety):
    """The fixes table's before/after hold the changed fields, even when a summary is set."""
    fixes = safety.state().disputes().fixes
    assert [(f.before, f.after) for f in fixes] == [
        ("value: 177", "value: 171"),
        ("occurred: 2024-01-06", "occurred: 2024-01-05"),
    ]
    assert fixes[0].record()["changes"] == ["value: 177 -> 171"]
    csv = csv_tables(safety.state())["fixes"]
    assert "value: 177 -> 171" in csv


def test_a_corrected_point_says_what_it_was(safety):
    """Each figure point: '171, corrected from 177 aircraft on DATE: reason'."""
    point = safety.state().figures().points[0]
    assert point.value == 171
    assert point.corrections == (
        "corrected from 177 aircraft on 2026-01-13: the order covers 171 aircraft",
        "corrected (occurred) on 2026-01-20: dated by the order, not the report",
    )
    assert point.record()["corrections"][0].startswith("corrected from 177 aircraft")
    before = safety.state(known_at="2026-01-14").figures().points[0]
    assert before.corrections == (
        "corrected from 177 aircraft on 2026-01-13: the order covers 171 aircraft",
    )


def test_a_misattributed_quote_corrected_shows_the_speaker_change(book):
    """A quote attributed to the wrong person: the correction names the speaker change."""
    book.actors("ceo:person", "cfo:person")
    book.say("q", "ceo", None, None, "2024-01-08", quote="We will get to the bottom of it")
    book.correct("fix-q", "q", "it was the CFO who said it", speaker="cfo")
    (fix,) = book.state().disputes().fixes
    assert (fix.before, fix.after) == ("speaker: ceo", "speaker: cfo")
