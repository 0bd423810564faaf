"""Inert output: recorded text made safe for each place it is shown, in one module.

Everything tracker prints or exports passes recorded text (quotes, names, reasons, URLs: any
of it may be pasted from a hostile page) through one of these functions, chosen by where it
goes:

==================  =========================================================================
where               what is done to recorded text
==================  =========================================================================
a terminal          :func:`visible`: C0 and C1 control characters, DEL, Unicode
                    bidirectional controls, line and paragraph separators and lone
                    surrogates are shown as escapes (``\\x1b``, ``\\u202e``), never emitted;
                    :func:`one_line` and :func:`continued` lay out a text with newlines
an HTML page        :func:`html_text` (escaped, controls shown as in a terminal), link
                    targets through :func:`safe_href` (``http``, ``https``, ``mailto`` only),
                    JSON inside ``<script>`` through :func:`script_json`
a spreadsheet       :func:`csv_text`: OWASP's rule against formula injection, reversed
                    exactly by :func:`csv_restore`
a chart             :func:`visible` on every text (``tracker.report.charts``)
JSON output         :func:`terminal_json`: what JSON leaves raw that a terminal acts on
                    (DEL, C1, bidirectional controls, U+2028/U+2029) as ``\\u`` escapes
==================  =========================================================================

Plain standard library, and nothing else of tracker: the command line imports it for every
error message, so it must stay cheap to import.
"""

from __future__ import annotations

import re
from typing import Any

_UNSAFE = re.compile(
    "["
    "\x00-\x1f\x7f-\x9f"  # C0, DEL, C1 (ESC starts colour, cursor and title sequences)
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidirectional controls (Bidi_Control)
    "\u2028\u2029"  # line and paragraph separators: a newline to some terminals
    "\ud800-\udfff"  # lone surrogates (undecodable command-line bytes): cannot be encoded
    "]"
)
"""Characters that are never written to a terminal (or into a page, a chart) as themselves."""


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return ascii(char)[1:-1]  # \t, \n, \x1b, \x9b, \u202e


def visible(text: str, *, keep: str = "") -> str:
    """``text`` with every unsafe character shown as an escape (``\\x1b``, ``\\u202e``), except
    those in ``keep`` (``"\\n"`` keeps newlines).

    What a terminal would act on (ESC and OSC sequences that recolour, move the cursor, set
    the title; a carriage return that overwrites the line; a bidirectional override that
    reverses what follows) is shown, never acted on.
    """
    if not _UNSAFE.search(text):
        return text
    if not keep:
        return _UNSAFE.sub(_escape, text)
    return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else _escape(m), text)


def one_line(value: object) -> str:
    """A value as one safe line: runs of whitespace (newlines included) become one space."""
    text = "" if value is None else str(value)
    return visible(" ".join(text.split()))


def continued(value: object, indent: str) -> str:
    """A value that may hold newlines, safe, each further line indented by ``indent`` (a
    newline inside a quote is shown as an indented continuation line)."""
    text = "" if value is None else str(value)
    lines = text.replace("\r\n", "\n").split("\n")
    return f"\n{indent}".join(visible(line) for line in lines)


# --- HTML ------------------------------------------------------------------------------------


def html_text(value: object) -> str:
    """Text for an HTML text node or attribute value: escaped (``<``, ``>``, ``&``, quotes),
    control characters shown as escapes (tabs and newlines kept as the white space they are)."""
    text = visible(str(value), keep="\t\n")
    if _HTML_SPECIAL.search(text):
        text = _HTML_SPECIAL.sub(lambda m: _HTML_ESCAPES[m.group()], text)
    return text


_HTML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}
_HTML_SPECIAL = re.compile("[&<>\"']")


SAFE_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
"""The only URL schemes an output makes a link of; any other URL is shown as text."""

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_URL_EDGES = re.compile("^[\x00-\x20]+|[\x00-\x20]+$")
_URL_DROPPED = re.compile("[\t\n\r]")


def safe_href(url: str | None) -> str | None:
    """``url`` when it may be a link target (``http``, ``https``, ``mailto``), else None.

    The scheme is read as a browser reads it: after dropping leading and trailing control
    characters and spaces and every tab and newline inside (``java\\tscript:`` is
    ``javascript:``). A URL without a scheme (``example.org/x``, ``//host/x``) is None too: in a
    page opened from disk it would resolve to a ``file:`` URL.
    """
    if not url:
        return None
    squeezed = _URL_DROPPED.sub("", _URL_EDGES.sub("", url))
    match = _SCHEME.match(squeezed)
    if match is None or match.group(1).lower() not in SAFE_SCHEMES:
        return None
    return url


_SCRIPT_UNSAFE = re.compile("[<>&\x7f-\x9f\u2028\u2029]")


def script_json(value: Any) -> str:
    """``value`` as JSON to put inside a ``<script>`` element (a JSON-LD block, say).

    ``<``, ``>``, ``&``, U+2028 and U+2029 are written as ``\\u`` escapes, so no text can
    close the element (``</script>``), open a comment that swallows the page (``<!--``), or
    end a JavaScript line; so are DEL and the C1 controls (JSON already escapes C0). They
    occur only inside strings, so the JSON means the same.
    """
    import orjson  # noqa: PLC0415 - only the report and the exports need it

    body = orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    return _SCRIPT_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", body)


# --- JSON on a terminal ----------------------------------------------------------------------

_JSON_UNSAFE = re.compile(
    rb"\x7f"  # DEL
    rb"|\xc2[\x80-\x9f]"  # C1 controls (U+0080-U+009F, CSI among them)
    rb"|\xd8\x9c"  # U+061C
    rb"|\xe2\x80[\x8e\x8f\xa8-\xae]"  # U+200E/F, line and paragraph separators, U+202A-E
    rb"|\xe2\x81[\xa6-\xa9]"  # U+2066-U+2069
)
"""What JSON leaves raw inside a string (it escapes only C0) that :func:`visible` would not
write to a terminal, as UTF-8 bytes."""


def terminal_json(data: bytes) -> bytes:
    """JSON (UTF-8 bytes, as orjson writes it) safe to write to a terminal or a line reader.

    JSON escapes C0 controls (ESC among them) but leaves DEL, the C1 controls (U+009B is a
    CSI to some terminals), the bidirectional controls and U+2028/U+2029 raw; the last two
    and U+0085 also end a line for readers such as Python's ``str.splitlines``, so one JSON
    line could read as two. Each is written as a ``\\u`` escape instead. They occur only
    inside strings, so the JSON means exactly the same.
    """
    if _JSON_UNSAFE.search(data) is None:
        return data
    return _JSON_UNSAFE.sub(lambda m: b"\\u%04x" % ord(m.group().decode()), data)


# --- spreadsheets ----------------------------------------------------------------------------

FORMULA_STARTS: frozenset[str] = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
"""First characters that make a spreadsheet read a cell as a formula (OWASP's list: ``=``,
``+``, ``-``, ``@``, tab, carriage return; a newline and the full-width forms too)."""


def csv_text(text: str) -> str:
    """A text cell a spreadsheet will not run: OWASP's rule, a ``'`` before a cell that starts
    like a formula (``=HYPERLINK(...)`` -> ``'=HYPERLINK(...)``).

    A text that itself starts with ``'`` gets one more, so :func:`csv_restore` gives every
    text back exactly. Numbers are not text: write them as numbers (a stance of ``-2``).
    """
    if text and (text[0] in FORMULA_STARTS or text[0] == "'"):
        return "'" + text
    return text


def csv_restore(cell: str) -> str:
    """The text :func:`csv_text` was given (a program reading a neutralised CSV file)."""
    return cell[1:] if cell.startswith("'") else cell


__all__ = [
    "FORMULA_STARTS",
    "SAFE_SCHEMES",
    "continued",
    "csv_restore",
    "csv_text",
    "html_text",
    "one_line",
    "safe_href",
    "script_json",
    "visible",
]
