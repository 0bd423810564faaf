"""The one JSON reader: everything tracker parses as JSON goes through this module.

Import files (:func:`load_json_fast`, :func:`load_json_line`: the faithful reader that refuses
what the canonical form cannot store as written), records, derived files and JSON given in
flags (:func:`loads`) are all read with a nesting limit of :data:`MAX_DEPTH` levels, so no input
can exhaust the stack (Python's own reader fails with RecursionError near 1,000 levels) or make
a later recursive step do so. An input past it gets :class:`NestingError`: one line, which each
caller prefixes with where the input came from (``events.jsonl:12: ...``).
"""

from __future__ import annotations

import json
import math
from typing import Any

import orjson

MAX_DEPTH = 64
"""How deep objects and arrays may nest (a top-level object is level 1). Events nest 4 deep."""

_TOO_DEEP = (
    f"JSON nested deeper than {MAX_DEPTH} levels (objects and arrays within each other); "
    "tracker reads no deeper: flatten it"
)


class JSONReadError(ValueError):
    """JSON tracker refuses to read; the message is one line saying why."""


class NestingError(JSONReadError):
    """JSON nested deeper than :data:`MAX_DEPTH` levels."""


def loads(data: bytes | str) -> Any:
    """Parse JSON (orjson) with the nesting limit: records, derived files, JSON in flags.

    Raises:
        NestingError: nested deeper than :data:`MAX_DEPTH`.
        orjson.JSONDecodeError: not JSON.
    """
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        if may_nest(data) and _raw_depth(data) > MAX_DEPTH:
            raise NestingError(_TOO_DEEP) from None
        raise
    if may_nest(data):
        check_depth(value)
    return value


def may_nest(data: bytes | str) -> bool:
    """Whether ``data`` holds enough brackets to nest past the limit (cheap: counted in C)."""
    if isinstance(data, str):
        return data.count("[") + data.count("{") > MAX_DEPTH
    return data.count(b"[") + data.count(b"{") > MAX_DEPTH


def _raw_depth(data: bytes | str) -> int:
    """How deep brackets nest in unparsed JSON, outside strings (for input no parser took)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def _depth(value: Any) -> int:
    """How deep containers nest in a parsed value, walked without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if level > deepest:
            deepest = level
            if deepest > MAX_DEPTH:
                return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


def check_depth(value: Any) -> None:
    """Refuse a parsed value nested deeper than :data:`MAX_DEPTH`.

    Raises:
        NestingError: it is.
    """
    if _depth(value) > MAX_DEPTH:
        raise NestingError(_TOO_DEEP)


# --- JSON the canonical form can carry faithfully ----------------------------------------------


class UnfaithfulJSONError(JSONReadError):
    """Valid JSON that the log's canonical form could not store as it was written."""


def load_json_line(line: bytes) -> object:
    """Parse one JSON line, refusing what the canonical form cannot carry faithfully.

    orjson (the canonical form's serialiser) would silently keep the last of two equal keys
    and turn an integer beyond 64 bits into a rounded float; JSON readers disagree on both,
    so a file relying on them means different things to different tools. Refused here: a key
    given twice in one object, an integer beyond 64 bits, a number too large for a double,
    and NaN or Infinity (which are not JSON, though Python's reader accepts them).

    Raises:
        UnfaithfulJSONError: one of the above, in one line naming it.
        NestingError: nested deeper than :data:`MAX_DEPTH` (checked before Python's reader,
            which would run out of stack).
        json.JSONDecodeError: not JSON at all.
        UnicodeDecodeError: not UTF-8.
    """
    if may_nest(line) and _raw_depth(line) > MAX_DEPTH:
        raise NestingError(_TOO_DEEP)
    return json.loads(
        line.decode("utf-8"),
        object_pairs_hook=_no_duplicate_keys,
        parse_int=_int64,
        parse_float=_finite,
        parse_constant=_no_constant,
    )


_DIGITS = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
"""A table for ``bytes.translate``: every digit to ``0``, every other byte to a space."""

_LONG_NUMBER = b"0" * 19
"""Nineteen digits in a row: the shortest run that can be an integer beyond 64 bits."""


def load_json_fast(line: bytes) -> object:
    """Parse one JSON line as :func:`load_json_line` does (the same result or the same error).

    orjson parses the line when the line provably holds nothing orjson would take silently;
    anything else (and every line orjson refuses) goes to :func:`load_json_line`, which gives
    the result or the error. What orjson takes silently and the careful reader refuses:

    - an integer beyond 64 bits (orjson makes it a float): it has at least 19 digits in a row,
      so a line without such a run holds none;
    - a key given twice in one object (orjson keeps the last). Outside strings a ``:`` appears
      once per member of an object, so the line's colons are its members plus the colons
      written inside its strings. orjson writes the parsed value back with one colon per
      member it kept plus the colons inside the strings it kept, and writes a colon in a
      string as itself. When no string spells a colon as ``\\u003a``, every colon in a
      decoded string was written as a colon, so the two counts are equal exactly when no
      member was dropped, that is when no key was given twice.

    NaN, Infinity, a number beyond a double's range, a lone surrogate and bytes that are not
    UTF-8 are refused by orjson too, so they reach the careful reader and its messages. So does
    a line nested deeper than :data:`MAX_DEPTH`.
    """
    if b"\\u003" not in line and _LONG_NUMBER not in line.translate(_DIGITS):
        try:
            item = orjson.loads(line)
            again = orjson.dumps(item)  # (refuses nesting past 254 levels: careful path)
        except (orjson.JSONDecodeError, orjson.JSONEncodeError):
            pass
        else:
            if again.count(b":") == line.count(b":") and (
                not may_nest(line) or _depth(item) <= MAX_DEPTH
            ):
                return item
    return load_json_line(line)


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in pairs:
        if key in out:
            msg = (
                f"the key {_quoted(key)} appears twice in one object; keep one (JSON readers "
                "disagree on which one counts)"
            )
            raise UnfaithfulJSONError(msg)
        out[key] = value
    return out


def _int64(text: str) -> int:
    from tracker.events.models import unstorable_number

    value = int(text)
    if not -(2**63) <= value < 2**64:
        problem = "is beyond 64 bits and cannot be stored exactly"
        raise UnfaithfulJSONError("the number " + unstorable_number(text, problem))
    return value


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        shown = text if len(text) <= 30 else text[:27] + "..."
        msg = f"the number {shown} is too large to store (it reads as infinity)"
        raise UnfaithfulJSONError(msg)
    return value


def _no_constant(name: str) -> object:
    msg = f"{name} is not a number tracker can store (nor valid JSON); leave the field out"
    raise UnfaithfulJSONError(msg)


def _quoted(key: str) -> str:
    text = (
        key if key.isprintable() else "".join(c if c.isprintable() else ascii(c)[1:-1] for c in key)
    )
    return "'" + (text if len(text) <= 40 else text[:37] + "...") + "'"


__all__ = [
    "MAX_DEPTH",
    "JSONReadError",
    "NestingError",
    "UnfaithfulJSONError",
    "check_depth",
    "load_json_fast",
    "load_json_line",
    "loads",
    "may_nest",
]
