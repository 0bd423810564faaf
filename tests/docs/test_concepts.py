"""The reference pages cannot drift from the code: their tables and lists are the models' own."""

from __future__ import annotations

import re
from typing import get_args

from tracker.events import EVENT_TYPES
from tracker.events.units import markdown_table
from tracker.store.records import hash_of_line, parse_record

from .pages import DOCS, blocks, page


def test_the_python_guide_is_substantial() -> None:
    """The Python guide shows opening, appending, replaying, iterating and verifying."""
    code = "\n".join(b.text for b in blocks(DOCS / "python.md") if b.lang == "python")
    for call in (
        "tracker.open(",
        "log.append(",
        "log.replay(",
        "for stored in log",
        "log.verify()",
    ):
        assert call in code


def test_the_record_shown_is_a_canonical_record() -> None:
    """The record line in Concepts is canonical and its hash is right, as ``verify`` would check."""
    shown = [b for b in blocks(DOCS / "concepts.md") if b.lang == "json"]
    assert len(shown) == 1
    line = shown[0].text.rstrip("\n").encode()
    record = parse_record(line)
    assert record.line() == line
    assert hash_of_line(line) == record.hash
    assert record.seq == 1
    assert record.prev == "0" * 64


def test_the_units_table_is_the_units_module() -> None:
    """The units table in Concepts is exactly the table tracker converts with."""
    assert markdown_table().strip() in page("docs/concepts.md")


def _event_rows() -> dict[str, tuple[set[str], set[str]]]:
    """The Concepts event table: type -> (required field names, optional field names)."""
    rows = {}
    for line in page("docs/concepts.md").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"`\w+`", cells[0]) and cells[0] != "`type`":
            names = [set(re.findall(r"`(\w+)`", cell)) for cell in cells[2:]]
            rows[cells[0].strip("`")] = (names[0], names[1])
    return rows


def test_the_event_table_lists_every_type_and_its_fields() -> None:
    """Each event type has a row; each required field is listed; each listed field exists."""
    rows = _event_rows()
    assert sorted(rows) == sorted(EVENT_TYPES)
    common = {"id", "type", "occurred", "reported", "sources", "summary", "tags"}
    for type_, (required, optional) in rows.items():
        model = EVENT_TYPES[type_]
        fields = set(model.model_fields)
        must = {n for n, f in model.model_fields.items() if f.is_required()} - common
        assert must <= required, type_
        rungs = {"closure", "withdrawal", "overturned", "restriction_imposed", "ban_or_suspension"}
        listed = (required | optional) - rungs  # rung values named in a note
        assert listed <= fields, type_
        assert listed | common >= fields, f"{type_}: fields missing from the table"


def test_the_concepts_lists_match_the_models() -> None:
    """The actor kinds, relations and rungs the Concepts page lists are the models' own."""
    from tracker.events.models import RUNGS, ActorKind, RelationType

    text = " ".join(page("docs/concepts.md").split())
    assert ", ".join(get_args(ActorKind)) in text
    assert ", ".join(get_args(RelationType)) in text
    assert ", ".join(RUNGS) in text
    assert "eleven types" in text and len(EVENT_TYPES) == 11
