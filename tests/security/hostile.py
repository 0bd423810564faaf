"""A log whose every free-text field holds hostile text, for the inert-output tests (issue 13).

Each text carries markup that closes and opens elements (``</script>``, ``<!--<script>``, an
``<img onerror>``), terminal sequences (an OSC title, a screen clear, colours, an OSC 8 link,
8-bit CSI, a carriage return), a bidirectional override, a line separator, a newline,
matplotlib's ``$...$`` and a start that a spreadsheet runs as a formula (``=``, ``+``, ``-``,
``@`` in turn). Each source URL is a scheme no page may link to. Every field that takes free
text is found from the event models themselves, so a field added later is covered too.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import tracker
from tracker.events.models import EVENT_TYPES, Source

PAYLOAD = (
    "<!--<script>alert(1)</script><img src=x onerror=alert(2)>"
    " \x1b]0;owned\x07\x1b[2J\x1b[31mred\x1b[0m \x1b]8;;https://evil.example\x07click\x1b]8;;\x07"
    " \x9b31m\x9d \u202eevil\u202c \u2066iso\u2069 sep\u2028par\u2029 cr\rback"
    " $\\frac{a$ & \"double\" 'single'\nsecond line\tafter a tab"
)
"""Hostile text (without its first character: see :func:`text`)."""

STARTS = "=+-@"
"""What hostile texts start with, in turn: each makes a spreadsheet cell a formula."""

BAD_URLS = (
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/x",
    "evil.example/no-scheme",
)
"""Link targets that must never be a link (scripts, data, local files, relative ones)."""

GOOD_URLS = ("https://example.org/a?b=1&c=2", "http://example.org/b", "mailto:desk@example.org")
"""Link targets that may be links."""

Filler = Callable[[str], str]
"""What a free-text field named by its tag (``said.quote``, ``said.source0.publisher``) holds."""


def text(tag: str) -> str:
    """Hostile text naming ``tag`` (so a test can find it), starting like a formula."""
    start = STARTS[sum(map(ord, tag)) % len(STARTS)]
    return f"{start}\x1b[7m{tag}\x1b[0m {PAYLOAD}"


class _Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        value = self.now
        self.now += timedelta(minutes=1)
        return value


@functools.cache
def _free_text_fields(model: type[Any]) -> list[tuple[str, bool]]:
    """The fields of ``model`` that take free text: ``(name, is_a_list_of_texts)``.

    Read from the model's JSON Schema: a string with a length limit and no pattern (ids,
    slugs and tags have a pattern; dates and choices have no length limit). A field added to
    the models later is covered without editing this file.
    """
    out = []
    for name, schema in model.model_json_schema()["properties"].items():
        options = [o for o in schema.get("anyOf", [schema]) if o.get("type") != "null"]
        if len(options) != 1:
            continue
        option = options[0]
        many = option.get("type") == "array"
        item = option.get("items", {}) if many else option
        if name in _ACTOR_REFERENCES:
            continue
        if item.get("type") == "string" and "maxLength" in item and "pattern" not in item:
            out.append((name, many))
    return out


_ACTOR_REFERENCES = frozenset({"publisher_id"})
"""Free-text fields that name a registered actor (by id, name or alias): an append refuses
any other value, so they are set to a registered actor instead (see :func:`sources`)."""


def _fill(data: dict[str, Any], model: type[Any], tag: str, fill: Filler) -> dict[str, Any]:
    """``data`` with every free-text field of ``model`` set by ``fill``."""
    out = dict(data)
    for name, many in _free_text_fields(model):
        value = fill(f"{tag}.{name}")
        out[name] = [value, fill(f"{tag}.{name}.2")] if many else value
    return out


def sources(tag: str, fill: Filler = text, *, good: bool = False) -> list[dict[str, Any]]:
    """One source per hostile URL (and with ``good``, per good one), and one whose URL is free
    text too, every text field set by ``fill``."""
    out = []
    for i, url in enumerate((*BAD_URLS, *(GOOD_URLS if good else ()))):
        src = _fill({"url": url}, Source, f"{tag}.source{i}", fill)
        src["url"] = url
        out.append(src)
    out.append(_fill({}, Source, f"{tag}.free", fill))
    out[-1]["publisher_id"] = "outlet"  # a registered outlet as the publisher
    return out


def events(fill: Filler = text) -> list[dict[str, Any]]:
    """Every event type once (twice for statements), every free-text field set by ``fill``."""
    t = EVENT_TYPES
    base = {"occurred": "2026-01-05"}

    def actor(slug: str, kind: str) -> dict[str, Any]:
        return _fill({"type": "actor", "actor": slug, "kind": kind}, t["actor"], slug, fill)

    out = [
        actor("evil", "company"),
        actor("outlet", "media"),
        actor("reg", "regulator"),
        _fill({"type": "topic", "topic": "t1"}, t["topic"], "t1", fill),
    ]
    world: list[dict[str, Any]] = [
        {"type": "statement", "id": "said", "speaker": "evil", "topic": "t1", "stance": -2},
        {"type": "statement", "id": "said-bare", "speaker": "outlet", "topic": "t1", "stance": 1},
        {"type": "figure", "id": "fig", "metric": "rate", "value": -2.5, "subject": "evil",
         "reported_by": "outlet"},
        {"type": "figure", "id": "fig-range", "metric": "rate", "lower": 1, "upper": 2,
         "unit": "per_hour", "subject": "evil"},
        {"type": "policy_change", "id": "policy", "actor": "evil"},
        {"type": "regulatory_action", "id": "act", "regulator": "reg", "target": "evil",
         "rung": "restriction_imposed"},
        {"type": "verification", "id": "check", "verifier": "outlet", "target": "said",
         "verdict": "contradicted"},
        {"type": "incident", "id": "harm", "actors": ["evil"]},
        {"type": "statement", "id": "dup", "speaker": "evil"},
        {"type": "statement", "id": "old", "speaker": "evil"},
    ]
    for i, ev in enumerate(world):
        filled = _fill({**base, **ev}, t[ev["type"]], ev["id"], fill)
        filled["occurred"] = f"2026-01-{5 + i:02d}"
        filled["sources"] = sources(ev["id"], fill, good=ev["id"] in ("said", "check"))
        if ev["id"] in ("said-bare", "fig"):
            filled.pop("summary", None)  # described from its fields, not a summary
        if ev["id"] == "fig-range":
            filled["unit"] = "per_hour"
        out.append(filled)
    return out


def fixes(fill: Filler = text) -> list[dict[str, Any]]:
    """A correction, a retraction and a supersession, every free-text field set by ``fill``."""
    t = EVENT_TYPES
    said = next(e for e in events(fill) if e.get("id") == "said")
    replacement = {k: v for k, v in said.items() if k != "id"}
    replacement["quote"] = fill("correction.replacement.quote")
    return [
        _fill(
            {"type": "correction", "corrects": "said", "replacement": replacement},
            t["correction"],
            "correction",
            fill,
        ),
        _fill({"type": "retraction", "retracts": "dup"}, t["retraction"], "retraction", fill),
        _fill(
            {"type": "supersession", "supersedes": "old", "by": "said-bare"},
            t["supersession"],
            "supersession",
            fill,
        ),
    ]


def build(path: Path | str, fill: Filler = text) -> tracker.Log:
    """The log at ``path`` (hostile text in every free-text field, or what ``fill`` gives),
    on a fixed clock."""
    log = tracker.open(path, create=True, clock=_Clock())
    log.append(events(fill))
    log.append(fixes(fill))
    return log


def tags() -> list[str]:
    """The tag of every free-text field :func:`build` fills (one per field and source)."""
    seen: list[str] = []

    def record(tag: str) -> str:
        seen.append(tag)
        return "x"

    events(record)
    fixes(record)
    return list(dict.fromkeys(seen))


def texts_in(value: Any) -> Iterator[str]:
    """Every string inside a JSON-like value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from texts_in(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from texts_in(v)


UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
"""What a terminal must never receive from recorded text (a newline aside)."""
