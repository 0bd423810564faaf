"""The one problem list of a batch (tracker._problems): file order, a limit, one error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import tracker
from tracker._problems import Problems
from tracker.errors import ConflictError, InvalidFileError, UnknownIdError


def test_problems_found_later_about_earlier_lines_come_out_in_line_order() -> None:
    """An unknown id found after every line was read still sorts under its own line."""
    problems = Problems()
    problems.add("3: bad field", at=3)
    problems.add("7: bad field", at=7)
    problems.add("3: unknown actor", at=3, code="unknown-id")
    problems.add("1: conflict", at=1, code="conflict")
    assert problems.lines == ["1: conflict", "3: bad field", "3: unknown actor", "7: bad field"]
    assert (problems.count, problems.positions) == (4, 3)


def test_past_the_limit_the_earliest_are_kept_and_all_counted() -> None:
    """Whatever order they arrive in, the first ``limit`` lines of the file are the ones kept."""
    problems = Problems(limit=3)
    for at in (9, 8, 7, 1, 6, 2, 5, 3, 4):
        problems.add(f"line {at}", at=at)
    assert problems.lines == ["line 1", "line 2", "line 3"]
    assert problems.count == 9


def test_a_copy_is_independent() -> None:
    """A plan adds to a copy: a retried plan does not see the first attempt's problems twice."""
    problems = Problems()
    problems.add("a", at=1)
    copy = problems.copy()
    copy.add("b", at=2, code="unknown-id")
    assert (problems.lines, copy.lines) == (["a"], ["a", "b"])


@pytest.mark.parametrize(
    ("codes", "kind", "summary"),
    [
        (["invalid-event", "unknown-id"], InvalidFileError, "2 problems in 1 line"),
        (["unknown-id", "unknown-id"], UnknownIdError, "2 unknown references"),
        (["conflict", "conflict"], ConflictError, "2 conflicts"),
        (["conflict", "unknown-id"], ConflictError, "2 problems"),
        (["unknown-id"], UnknownIdError, "1 unknown reference"),
    ],
)
def test_one_error_reports_them_all(codes: list[str], kind: type, summary: str) -> None:
    """A bad line makes it an invalid file; ids alone keep their own kind; one is one line."""
    problems = Problems()
    for n, code in enumerate(codes):
        problems.add(f"e.csv:2: problem {n}", at=2, code=code)  # type: ignore[arg-type]
    error = problems.error()
    assert type(error) is kind
    assert error.summary == summary
    if len(codes) == 1:
        assert error.message == "e.csv:2: problem 0"
    else:
        assert error.problems == ["e.csv:2: problem 0", "e.csv:2: problem 1"]  # type: ignore[attr-defined]


def test_read_events_lists_every_problem_of_a_line(tmp_path: Path) -> None:
    """From Python too: each field of a bad line, and its date, one problem each."""
    src = tmp_path / "e.jsonl"
    src.write_text(
        json.dumps(
            {
                "type": "statement",
                "occurred": "03/04/2026",
                "speaker": "uk-gov",
                "quote": "q",
                "topic": "paywall",
                "stance": 5,
                "sources": [{"publisher": "A", "url": "https://a.org"}],
                "tags": ["Not A Slug"],
            }
        )
        + "\n"
    )
    with pytest.raises(InvalidFileError) as caught:
        tracker.read_events(src)
    assert [p.split(": ", 2)[1] for p in caught.value.problems] == [
        "statement.occurred",
        "statement.tags.0",
        "statement.stance",
    ]
    assert (caught.value.count, caught.value.lines) == (3, 1)
    with pytest.raises(InvalidFileError) as again:
        tracker.read_events(src, date_order="DMY")  # the date is read: two problems are left
    assert again.value.count == 2
