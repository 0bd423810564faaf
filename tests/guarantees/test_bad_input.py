"""Guarantee 4: bad input never hurts: one clear line, a non-zero exit, the log byte-identical.

Property-based tests (Hypothesis) throw generated malformed events, dates and heads at the
facade. Each malformed input must raise a :class:`~tracker.errors.TrackerError` (never another
exception) whose message is one line, whose exit code is 1, and the log file must not change
by a byte. The command-line half of this battery is in ``test_bad_input_cli.py``.

Every case counts toward the run's figure ``bad input: cases``.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tracker
from tracker.errors import InvalidDateError, InvalidInputError, TrackerError
from tracker.events.dates import PartialDate
from tracker.events.models import EVENT_TYPES
from tracker.store.checkpoint import Checkpoint

from .conftest import FIGURES, SEED_EVENTS, SOAK, fixed_clock

SCALE = 10 if SOAK else 1
SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
"""One log per test function is shared by its examples on purpose: bad input must not change it."""

SOURCE = {"publisher": "Ofcom", "url": "https://www.ofcom.org.uk/news"}
VALID: dict[str, dict[str, Any]] = {
    "statement": {
        "type": "statement",
        "speaker": "ofcom",
        "quote": "We have made urgent contact with X and xAI.",
        "topic": "paywall",
        "stance": -2,
        "occurred": "2026-01-05",
        "sources": [SOURCE],
    },
    "figure": {
        "type": "figure",
        "metric": "sexualised_images",
        "value": 6700,
        "unit": "per_hour",
        "approximate": True,
        "subject": "x",
        "reported_by": "bloomberg",
        "occurred": "2026-01~",
        "sources": [{"publisher": "Bloomberg", "url": "https://bloomberg.com/a"}],
    },
    "regulatory_action": {
        "type": "regulatory_action",
        "regulator": "ofcom",
        "target": "x",
        "rung": "demand",
        "jurisdiction": "GB",
        "occurred": "..2026-01-12",
        "sources": [SOURCE],
    },
    "actor": {"type": "actor", "actor": "the-verge", "name": "The Verge", "kind": "media"},
}
REQUIRED = {
    "statement": ["type", "speaker", "occurred", "sources"],
    "figure": ["type", "metric", "unit", "occurred", "sources"],
    "regulatory_action": ["type", "regulator", "target", "rung", "occurred", "sources"],
    "actor": ["type", "actor", "name", "kind"],
}
SLUG_FIELDS = {
    "statement": ["speaker", "topic"],
    "figure": ["metric", "subject", "reported_by"],
    "regulatory_action": ["regulator", "target"],
    "actor": ["actor"],
}
REFS = {
    "statement": ["speaker", "topic"],
    "figure": ["subject", "reported_by"],
    "regulatory_action": ["regulator", "target"],
}


def count_case(kind: str) -> None:
    """Add one case to the run's figures."""
    FIGURES["bad input: cases"] = FIGURES.get("bad input: cases", 0) + 1
    key = f"bad input: cases ({kind})"
    FIGURES[key] = FIGURES.get(key, 0) + 1


@pytest.fixture
def seeded_log(tmp_path: Path) -> Iterator[tuple[tracker.Log, Path]]:
    """A log holding the actors and topic that the valid bases name."""
    path = tmp_path / "log.jsonl"
    with tracker.open(path, create=True, clock=fixed_clock) as log:
        log.append(SEED_EVENTS)
        for base in VALID.values():  # every base is valid as it stands ...
            assert log.append(base, dry_run=True)[0].status == "appended"
        yield log, path


# --- strategies -------------------------------------------------------------------------------

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
not_a_string = json_values.filter(lambda v: v is not None and not isinstance(v, str))
bad_slugs = st.one_of(
    st.just(""),
    st.text(string.ascii_uppercase, min_size=1, max_size=10),
    st.text(max_size=10).map(lambda s: "a " + s + "b"),
    st.text(string.ascii_lowercase, min_size=65, max_size=80),
    st.text(max_size=10).map(lambda s: "-" + s),
    not_a_string,
)
unknown_slugs = st.from_regex(r"\Azz[a-z0-9]{1,20}\Z")
"""Well-formed ids that the seeded log does not hold."""


@st.composite
def malformed_dates(draw: st.DrawFn) -> str:
    """A date string that is certainly not a valid partial date."""
    year = draw(st.integers(1, 9999))
    kind = draw(
        st.sampled_from(["month", "day", "feb", "hour", "minute", "junk", "year0", "empty"])
    )
    if kind == "month":
        return f"{year:04d}-{draw(st.integers(13, 99)):02d}"
    if kind == "day":
        return f"{year:04d}-01-{draw(st.integers(32, 99)):02d}"
    if kind == "feb":
        return f"{year:04d}-02-{draw(st.integers(30, 31)):02d}"
    if kind == "hour":
        return f"{year:04d}-01-12T{draw(st.integers(24, 99)):02d}:00"
    if kind == "minute":
        return f"{year:04d}-01-12T10:{draw(st.integers(60, 99)):02d}"
    if kind == "junk":
        junk = draw(st.text(string.ascii_letters + "#%@!", min_size=1, max_size=6))
        return f"{year:04d}-01-12{junk}" if draw(st.booleans()) else f"{junk}{year:04d}"
    if kind == "year0":
        return "0000-01-12"
    return draw(st.sampled_from(["", " ", "..", "~", "/"]))


@st.composite
def malformed_events(draw: st.DrawFn) -> Any:
    """An event (or a batch holding one) that is certainly invalid, and how it was broken."""
    kind = draw(st.sampled_from(sorted(VALID)))
    event = dict(VALID[kind])
    how = draw(
        st.sampled_from(
            ["drop", "slug", "string", "extra", "type", "date", "ref", "sources", "source", "id"]
        )
    )
    if how == "ref" and kind == "actor":
        how = "drop"
    if how == "date" and kind == "actor":
        how = "string"
    if how == "drop":
        del event[draw(st.sampled_from(REQUIRED[kind]))]
    elif how == "slug":
        event[draw(st.sampled_from(SLUG_FIELDS[kind]))] = draw(bad_slugs)
    elif how == "string":
        field = {
            "statement": "quote",
            "figure": "unit",
            "regulatory_action": "rung",
            "actor": "name",
        }
        event[field[kind]] = draw(not_a_string)
    elif how == "extra":
        key = draw(st.text(min_size=1, max_size=12).filter(lambda k: k not in _fields(kind)))
        event[key] = draw(json_values)
    elif how == "type":
        event["type"] = draw(
            st.one_of(st.text(max_size=20).filter(lambda t: t not in EVENT_TYPES), not_a_string)
        )
    elif how == "date":
        event["occurred"] = draw(malformed_dates())
    elif how == "ref":
        event[draw(st.sampled_from(REFS[kind]))] = draw(unknown_slugs)
    elif how == "sources":
        event["sources"] = draw(st.sampled_from([[], "https://example.org", [{}]]))
    elif how == "source":
        event["sources"] = [{"publisher": "Somebody"}]  # neither url nor citation
    else:
        event["id"] = draw(bad_slugs)
    if kind == "actor" and how == "sources":
        event["type"] = "actr"  # registrations may omit sources: break the tag instead
    if draw(st.booleans()):  # sometimes hide it in a batch after a good event
        slug = draw(st.from_regex(r"\Ayy[a-z0-9]{1,20}\Z"))  # never one a "ref" case names
        good = {"type": "topic", "topic": slug, "name": "A good topic"}
        return [good, event]
    return event


def _fields(kind: str) -> set[str]:
    return set(EVENT_TYPES[kind].model_fields)


def assert_one_clear_line(exc: TrackerError) -> None:
    """A refusal is one non-empty line with exit code 1."""
    text = str(exc)
    assert text.strip(), "empty message"
    assert "\n" not in text, text
    assert not [c for c in text if ord(c) < 32 or 127 <= ord(c) < 160], text  # no \r, no escapes
    assert "Traceback" not in text
    assert exc.exit_code == 1


# --- the facade ---------------------------------------------------------------------------------


@settings(SETTINGS, max_examples=700 * SCALE)
@given(event=malformed_events())
def test_malformed_events_are_refused_and_the_log_is_untouched(
    seeded_log: tuple[tracker.Log, Path], event: Any
) -> None:
    """A malformed event, alone or in a batch, is refused in one line; the log does not change."""
    log, path = seeded_log
    before = path.read_bytes()
    with pytest.raises(TrackerError) as caught:
        log.append(event)
    assert_one_clear_line(caught.value)
    assert path.read_bytes() == before
    count_case("events")


@settings(SETTINGS, max_examples=300 * SCALE)
@given(text=malformed_dates())
def test_malformed_dates_are_refused_everywhere(
    seeded_log: tuple[tracker.Log, Path], text: str
) -> None:
    """A malformed date is refused as a date, as a replay bound and inside an event."""
    log, path = seeded_log
    before = path.read_bytes()
    with pytest.raises(InvalidDateError) as parsed:
        PartialDate.parse(text)
    assert_one_clear_line(parsed.value)
    for bound in ("as_of", "known_at"):
        if bound == "known_at" and re.fullmatch(r"@\s*[0-9]+", text.strip()):
            continue  # '@' and digits: a record number, which known_at takes (@28)
        with pytest.raises(InvalidDateError) as replayed:
            log.replay(**{bound: text})
        assert_one_clear_line(replayed.value)
    with pytest.raises(TrackerError) as appended:
        log.append(dict(VALID["statement"], occurred=text))
    assert_one_clear_line(appended.value)
    assert path.read_bytes() == before
    count_case("dates")


@settings(SETTINGS, max_examples=200 * SCALE)
@given(text=st.text(max_size=40))
def test_any_text_as_a_date_parses_or_is_refused_in_one_line(text: str) -> None:
    """Arbitrary text given as a date either parses or raises InvalidDateError: nothing else."""
    try:
        PartialDate.parse(text)
    except InvalidDateError as exc:
        assert_one_clear_line(exc)
    count_case("dates")


@settings(SETTINGS, max_examples=200 * SCALE)
@given(
    text=st.one_of(st.text(max_size=80), st.lists(st.text(max_size=70), max_size=5).map("\n".join))
)
def test_any_text_as_a_head_is_read_or_refused_in_one_line(
    seeded_log: tuple[tracker.Log, Path], text: str
) -> None:
    """Arbitrary text given as a published head is a head or one clear refusal."""
    log, _path = seeded_log
    try:
        Checkpoint.parse(text)
    except InvalidInputError as exc:
        assert_one_clear_line(exc)
        with pytest.raises(InvalidInputError):
            log.verify(head=text)
    count_case("heads")


# --- what the canonical form cannot carry ------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (9007199254740993, "9007199254740993 has more digits than a number can be stored with"),
        ("123456789012345678901234567890", "123456789012345678901234567890 has more digits"),
        (10**400, "100000000000... (401 digits) has more digits"),
        (float("nan"), "expected a finite number"),
        (float("inf"), "expected a finite number"),
        ("NaN", "expected a finite number"),
    ],
)
def test_numbers_that_cannot_be_stored_exactly_are_refused(
    seeded_log: tuple[tracker.Log, Path], value: Any, message: str
) -> None:
    """A whole number a float would round, NaN and infinity are refused, never stored changed."""
    log, path = seeded_log
    before = path.read_bytes()
    with pytest.raises(
        TrackerError, match=message.replace("(", r"\(").replace(")", r"\)")
    ) as caught:
        log.append(dict(VALID["figure"], value=value))
    assert_one_clear_line(caught.value)
    assert path.read_bytes() == before
