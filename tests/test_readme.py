"""The README cannot drift: its Python runs, its outputs are what it says, its tables are true.

Rules for README authors (every section):

- Each ```` ```python ```` block runs. The blocks of one section run in order, in one
  namespace, in a fresh empty directory; sections are independent of each other.
- A ```` ```text ```` block right after a Python block is that block's exact standard output.
- Code that must not run (a sketch, a server you need) goes in another fence (```` ```text ````).
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

import pytest

from tracker.events import EVENT_TYPES
from tracker.events.units import markdown_table
from tracker.store.records import hash_of_line, parse_record

README = Path(__file__).resolve().parents[1] / "README.md"
_MARKER = re.compile(r"^<!-- section: (.+?) -->$", re.MULTILINE)
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Block:
    """A fenced block: its language, its text and the README line its text starts on."""

    lang: str
    text: str
    line: int
    end: int
    """Offset just after the closing fence."""
    start: int
    """Offset of the opening fence."""


def sections() -> dict[str, str]:
    """The README's text by section marker name (the text before the first marker is '')."""
    text = README.read_text(encoding="utf-8")
    parts = _MARKER.split(text)
    out = {"": parts[0]}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        out[name] = body
    return out


def blocks(text: str) -> list[Block]:
    """The fenced blocks of ``text``, with their README line numbers."""
    whole = README.read_text(encoding="utf-8")
    base = whole.index(text)
    out = []
    for m in _FENCE.finditer(text):
        line = whole.count("\n", 0, base + m.start(2)) + 1
        out.append(Block(m.group(1), m.group(2), line, m.end(), m.start()))
    return out


def runnable() -> list[str]:
    """Names of the sections that hold Python blocks."""
    return [
        name for name, text in sections().items() if any(b.lang == "python" for b in blocks(text))
    ]


@pytest.mark.parametrize("section", runnable())
def test_python_blocks_run_and_print_what_the_readme_shows(
    section: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every Python block of the section runs, and prints exactly the text block after it."""
    monkeypatch.chdir(tmp_path)
    text = sections()[section]
    found = blocks(text)
    namespace: dict[str, object] = {"__name__": "__readme__"}
    for i, block in enumerate(found):
        if block.lang != "python":
            continue
        code = compile("\n" * (block.line - 1) + block.text, str(README), "exec")
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(code, namespace)  # noqa: S102 - running the README is the point
        following = found[i + 1] if i + 1 < len(found) else None
        if following is not None and following.lang == "text":
            between = text[block.end : following.start]
            if between.strip() == "":
                assert out.getvalue() == following.text, (
                    f"output of the block at README line {block.line}"
                )


def test_the_python_section_is_substantial() -> None:
    """The Python section shows opening, appending, replaying, iterating and verifying."""
    code = "\n".join(b.text for b in blocks(sections()["python (issue 3)"]) if b.lang == "python")
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
    shown = [b for b in blocks(sections()["concepts (issue 3)"]) if b.lang == "json"]
    assert len(shown) == 1
    line = shown[0].text.rstrip("\n").encode()
    record = parse_record(line)
    assert record.line() == line
    assert hash_of_line(line) == record.hash
    assert record.seq == 1
    assert record.prev == "0" * 64


def test_the_units_table_is_the_units_module() -> None:
    """The units table in Concepts is exactly the table tracker converts with."""
    assert markdown_table().strip() in sections()["concepts (issue 3)"]


def _event_rows() -> dict[str, tuple[set[str], set[str]]]:
    """The Concepts event table: type -> (required field names, optional field names)."""
    rows = {}
    for line in sections()["concepts (issue 3)"].splitlines():
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
    """The actor kinds, relations and rungs the Concepts section lists are the models' own."""
    from tracker.events.models import RUNGS, ActorKind, RelationType

    text = " ".join(sections()["concepts (issue 3)"].split())
    assert ", ".join(get_args(ActorKind)) in text
    assert ", ".join(get_args(RelationType)) in text
    assert ", ".join(RUNGS) in text
    assert "eleven types" in text and len(EVENT_TYPES) == 11
