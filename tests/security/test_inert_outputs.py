"""Outputs are inert (issue 13, "Outputs that execute"): hostile text in every field of every
output comes out as text, never as a link that runs, markup, a formula or a terminal sequence.

The log of :mod:`hostile` holds hostile text in every free-text field of every event type.
Each attack of the issue is reproduced here and failed on the main of the day it was filed:

- the report made a ``javascript:`` source URL a link, and a quote holding ``<!--<script>``
  swallowed the page into its JSON-LD block;
- CSV cells starting with ``=``, ``+``, ``-``, ``@`` were written as they were (formulas);
- TimelineJS got raw HTML in ``headline``, ``group``, ``text`` and the title;
- ``replay``, ``show`` and ``log`` (and every other human printer) wrote ESC and OSC
  sequences from a quote to the terminal;
- and, found on the way: a name holding ``$\\frac{a$`` stopped every chart (matplotlib read it
  as mathematics, exit 3), and an ESC in a name made the SVG of ``tracker plot`` invalid XML.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import xml.dom.minidom
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import orjson
import pytest

import tracker
from tracker._inert import (
    FORMULA_STARTS,
    csv_restore,
    csv_text,
    html_text,
    safe_href,
    script_json,
    terminal_json,
    visible,
)
from tracker.cli.main import main
from tracker.report import claimreview, csv_tables, render_chart, render_report, timelinejs
from tracker.report._views import collect
from tracker.report.exports import to_csv

from . import hostile

# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_log_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile log, on disk (built once; treat it as read-only)."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.jsonl"
    hostile.build(path).close()
    return path


@pytest.fixture(scope="module")
def state(hostile_log_path: Path) -> tracker.State:
    """The hostile log, replayed whole."""
    with tracker.open(hostile_log_path) as log:
        return log.replay()


@pytest.fixture(scope="module")
def page(hostile_log_path: Path) -> str:
    """The HTML report of the hostile log, titled with hostile text."""
    with tracker.open(hostile_log_path) as log:
        return render_report(log.replay(), log_head=log.head(), title=hostile.text("title"))


class _Elements(HTMLParser):
    """Every element of a page or fragment, with its attributes, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)
        else:
            self.text.append(data)


def parse(markup: str) -> _Elements:
    """The elements and text of ``markup``."""
    parser = _Elements()
    parser.feed(markup)
    parser.close()
    return parser


def _links(elements: _Elements) -> list[str]:
    return [
        str(attrs.get("href") or attrs.get("xlink:href") or "")
        for _tag, attrs in elements.elements
        if "href" in attrs or "xlink:href" in attrs
    ]


def _is_safe_target(href: str) -> bool:
    return href.startswith("#") or href == "data:," or safe_href(href) == href


# --- the helpers themselves ----------------------------------------------------------------------


@pytest.mark.parametrize("url", hostile.BAD_URLS)
def test_safe_href_refuses_what_is_not_http_https_or_mailto(url: str) -> None:
    """A script, data, file, scheme-less or protocol-relative URL is never a link target,
    however its scheme is spelt (case, a tab inside, a control character before)."""
    assert safe_href(url) is None


@pytest.mark.parametrize("url", hostile.GOOD_URLS)
def test_safe_href_keeps_http_https_and_mailto(url: str) -> None:
    """Web and mail links stay links, unchanged."""
    assert safe_href(url) == url


def test_script_json_cannot_close_its_element_or_open_a_comment() -> None:
    """JSON for a ``<script>`` has no ``<``, ``>`` or ``&`` and no line separators, and still
    reads back as the same value."""
    value = {"q": "</script><!--<script>&amp;\u2028\u2029", "n": [1, "<>"]}
    body = script_json(value)
    assert not set("<>&\u2028\u2029") & set(body)
    assert json.loads(body) == value


def test_csv_text_neutralises_every_formula_start_and_restores_exactly() -> None:
    """OWASP's rule: a ``'`` before a text starting with ``=``, ``+``, ``-``, ``@``, a tab or a
    carriage return (and before one starting with ``'``, so the rule can be undone exactly)."""
    for start in [*FORMULA_STARTS, "'"]:
        value = f"{start}cmd|' /C calc'!A0"
        assert csv_text(value) == "'" + value
        assert csv_restore(csv_text(value)) == value
    for value in ("plain", "2026-01-05", "", "a=b"):
        assert csv_text(value) == value
        assert csv_restore(csv_text(value)) == value


def test_to_csv_writes_numbers_as_numbers_and_text_neutralised() -> None:
    """A stance of -2 and a value of -2.5 stay numbers; texts that start like formulas,
    tab and carriage return included, get their ``'``; ``raw`` keeps text as it is."""
    rows = [
        {"n": -2, "x": -2.5, "t": "\tTAB", "r": "\r=1+1", "f": "=HYPERLINK(\"http://x\")"},
        {"n": 3, "x": 1e20, "t": "-2", "r": "@SUM(A1)", "f": "+1"},
    ]
    read = list(csv.reader(io.StringIO(to_csv(rows), newline="")))
    assert read[1] == ["-2", "-2.5", "'\tTAB", "'\r=1+1", "'=HYPERLINK(\"http://x\")"]
    assert read[2] == ["3", "1e+20", "'-2", "'@SUM(A1)", "'+1"]
    raw = list(csv.reader(io.StringIO(to_csv(rows, raw=True), newline="")))
    assert raw[1][2:] == ["\tTAB", "\r=1+1", "=HYPERLINK(\"http://x\")"]


def test_visible_shows_controls_and_bidi_overrides_and_emits_none() -> None:
    """ESC, BEL, 8-bit CSI, carriage return, bidi overrides and line separators are shown as
    escapes; printable text of any script is left alone."""
    assert visible("a\x1b[31mb\x07") == "a\\x1b[31mb\\x07"
    assert visible("\u202eevil\u2066") == "\\u202eevil\\u2066"
    assert visible("x\x9by\rz\u2028") == "x\\x9by\\rz\\u2028"
    assert visible("line\nnext", keep="\n") == "line\nnext"
    assert visible("Zürich, Київ, 東京, العربية") == "Zürich, Київ, 東京, العربية"
    assert not hostile.UNSAFE.search(visible(hostile.PAYLOAD))


def test_a_json_error_echoing_a_c1_control_stays_one_inert_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An error with --json that echoes a user's input holding NEL (U+0085, a newline to
    Python's splitlines and many readers), 8-bit CSI, a bidi override or a line separator is
    still one line, with each of them escaped, and reads back as the same message."""
    log = tmp_path / "log.jsonl"
    assert main(["--log", str(log), "init"]) == 0
    capsys.readouterr()
    bad = tmp_path / "bad.csv"
    bad.write_text("type,actor,name,kind\nactor,a \r0\x85b\x9b\u202e\u2028,Somebody,person\n")
    assert main(["--log", str(log), "import", str(bad), "--json"]) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert not hostile.UNSAFE.search(err)
    assert "\\u0085" in err
    assert json.loads(err)["error"]["code"]
    data = json.dumps({"m": "x\x85\x9b\u202e\u2028y", "n": "Zürich, 東京"}, ensure_ascii=False)
    assert json.loads(terminal_json(data.encode())) == json.loads(data)
    assert "Zürich, 東京" in terminal_json(data.encode()).decode()


# --- the HTML report -----------------------------------------------------------------------------


def test_report_links_only_to_http_https_mailto_and_within_the_page(page: str) -> None:
    """Attack: a ``javascript:`` source URL became a clickable link. Now every href and
    xlink:href is an in-page anchor, the icon's ``data:,``, or an http(s)/mailto URL; the
    refused URLs are shown as text."""
    parsed = parse(page)
    links = _links(parsed)
    assert links
    bad = [href for href in links if not _is_safe_target(href)]
    assert bad == []
    shown = "".join(parsed.text)
    for url in hostile.BAD_URLS:
        assert visible(url, keep="\t\n").strip() in shown
    assert {u for u in hostile.GOOD_URLS if u in links} == set(hostile.GOOD_URLS)


def test_report_json_ld_cannot_swallow_the_page(page: str) -> None:
    """Attack: a quote holding ``<!--<script>`` opened a comment inside the JSON-LD block, and
    the browser took the rest of the page into it (the page rendered blank). Now no JSON-LD
    block holds a ``<`` at all, and each reads back as the ClaimReview it is."""
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert blocks
    for body in blocks:
        assert "<" not in body and ">" not in body and "&" not in body
        assert json.loads(body)["@type"] == "ClaimReview"
    assert page.count("<script") == len(blocks)  # no other script, none injected


def test_report_has_a_content_security_policy_that_forbids_scripts(page: str) -> None:
    """The page says, before anything it loads or styles, that it runs no script, loads
    nothing and submits nothing."""
    head = page[: page.index("<style>")]
    match = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', head)
    assert match is not None
    policy = {d.split()[0]: d.split()[1:] for d in match.group(1).split(";") if d.strip()}
    assert policy["default-src"] == ["'none'"]
    assert "script-src" not in policy  # falls back to default-src 'none'
    assert policy["base-uri"] == ["'none'"] and policy["form-action"] == ["'none'"]


def test_report_markup_is_only_the_pages_own(page: str) -> None:
    """No element or attribute comes from recorded text: no event handler, no image, no
    iframe, no form; every hostile text is in the page as text, controls shown as escapes."""
    parsed = parse(page)
    tags = {tag for tag, _ in parsed.elements}
    assert not tags & {"img", "iframe", "object", "embed", "form", "base", "input"}
    attrs = {name for _, a in parsed.elements for name in a}
    assert not {a for a in attrs if a.startswith("on")}
    shown = "".join(parsed.text)
    assert "<img src=x onerror=alert(2)>" in shown
    assert "\\x1b]0;owned\\x07" in shown
    assert "\x1b" not in page and "\x07" not in page and "\x9b" not in page


# --- CSV -----------------------------------------------------------------------------------------


def _cells(tables: dict[str, str]) -> Iterator[tuple[str, str, str]]:
    for name, text in tables.items():
        rows = list(csv.reader(io.StringIO(text, newline="")))
        for row in rows[1:]:
            for column, cell in zip(rows[0], row, strict=True):
                yield name, column, cell


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_csv_cells_never_start_a_formula(state: tracker.State) -> None:
    """Attack: cells starting with ``=``, ``+``, ``-``, ``@`` were written unchanged
    (``=HYPERLINK(...)`` runs when the file is opened). Now every such text cell has a ``'``
    before it; the only cells that start with ``-`` or ``+`` are numbers."""
    formulas = [
        (table, column, cell)
        for table, column, cell in _cells(csv_tables(state))
        if cell[:1] in FORMULA_STARTS and not _is_number(cell)
    ]
    assert formulas == []
    neutralised = [cell for *_, cell in _cells(csv_tables(state)) if cell.startswith("'")]
    assert len(neutralised) > 20  # the hostile texts are there, each with its '


def test_csv_numbers_stay_numbers(state: tracker.State) -> None:
    """A stance of -2 and a value of -2.5 are numbers a spreadsheet adds up, not text."""
    tables = {
        name: list(csv.DictReader(io.StringIO(text, newline="")))
        for name, text in csv_tables(state).items()
    }
    assert [r["position"] for r in tables["stances"] if r["holder"] == "evil"] == ["-2"]
    assert "-2.5" in [r["value"] for r in tables["figures"]]


def test_csv_round_trips_and_raw_keeps_text_exactly(state: tracker.State) -> None:
    """Every neutralised cell restores to the raw export's cell (the explicit flag for
    programs), and the raw export holds the recorded texts exactly."""
    safe = list(_cells(csv_tables(state)))
    raw = list(_cells(csv_tables(state, raw=True)))
    assert [(t, c, csv_restore(v)) for t, c, v in safe] == raw
    names = {v for t, c, v in raw if (t, c) == ("actors", "name")}
    assert state.actors["evil"].name in names


def test_export_csv_raw_flag(hostile_log_path: Path, tmp_path: Path, capsys: Any) -> None:
    """``tracker export csv --raw`` writes text as recorded; without it, neutralised; --raw
    with a JSON export is a usage error."""
    for flag, folder in ((), "safe"), (("--raw",), "raw"):
        status = main(["--log", str(hostile_log_path), "export", "csv", "--out",
                       str(tmp_path / folder), *flag])
        assert status == 0

    def names(folder: str) -> list[str]:
        path = tmp_path / folder / "actors.csv"
        with path.open(encoding="utf-8", newline="") as f:
            return [row["name"] for row in csv.DictReader(f)]

    with tracker.open(hostile_log_path) as log:
        recorded = sorted(a.name for a in log.replay().actors.values())
    assert sorted(names("raw")) == recorded
    assert sorted(names("safe")) == sorted("'" + name for name in recorded)
    capsys.readouterr()
    status = main(["--log", str(hostile_log_path), "export", "timelinejs", "--raw"])
    assert status == 2
    assert "--raw goes with csv only" in capsys.readouterr().err


# --- TimelineJS, ClaimReview -------------------------------------------------------------------

TL_TAGS = {"p", "blockquote", "strong", "em", "a", "code", "small"}
"""The only elements a TimelineJS slide's text may hold (its own markup)."""


def _fragment_is_inert(fragment: str) -> _Elements:
    parsed = parse(fragment)
    assert {tag for tag, _ in parsed.elements} <= TL_TAGS, fragment
    for _tag, attrs in parsed.elements:
        assert set(attrs) <= {"href"}
        assert _is_safe_target(str(attrs.get("href", "#")))
    assert not hostile.UNSAFE.search(fragment.replace("\n", "").replace("\t", ""))
    return parsed


def test_timelinejs_text_fields_are_escaped(state: tracker.State) -> None:
    """Attack: raw HTML from actor names, quotes and ``--title`` went into ``headline``,
    ``group``, ``text`` and the title, which TimelineJS renders as HTML. Now each is text
    (escaped) or our own few elements, with links only to http(s) and mailto."""
    title = hostile.text("tl-title")
    data = timelinejs(state, title=title, group_by="actor")
    report = collect(state)
    for slide, item in zip(data["events"], report.events, strict=True):
        headline = _fragment_is_inert(slide["text"]["headline"])
        assert headline.elements == []
        assert "".join(headline.text) == visible(report.headline(item), keep="\t\n")
        group = _fragment_is_inert(slide["group"])
        assert group.elements == [] and "".join(group.text) == visible(item.lane, keep="\t\n")
        _fragment_is_inert(slide["text"]["text"])
        _fragment_is_inert(slide["display_date"])
    head = _fragment_is_inert(data["title"]["text"]["headline"])
    assert head.elements == [] and "".join(head.text) == visible(title, keep="\t\n")
    _fragment_is_inert(data["title"]["text"]["text"])


def test_claimreview_links_only_http_https(state: tracker.State) -> None:
    """ClaimReview's ``url`` and each appearance's ``url`` is never a script or file URL."""
    reviews = claimreview(state)
    assert reviews
    urls = [r.get("url") for r in reviews] + [
        a["url"] for r in reviews for a in r.get("itemReviewed", {}).get("appearance", [])
    ]
    assert [u for u in urls if u is not None and safe_href(u) != u] == []


# --- the terminal --------------------------------------------------------------------------------

HUMAN_COMMANDS = [
    ["replay"],
    ["replay", "--as-of", "2026-01-08"],
    ["show", "said"],
    ["show", "fig"],
    ["show", "policy"],
    ["show", "check"],
    ["show", "harm"],
    ["log"],
    ["actor", "show", "evil"],
    ["actor", "show", "outlet"],
    ["actor", "list"],
    ["topic", "list"],
    ["stances"],
    ["stances", "--changes"],
    ["figures"],
    ["posture"],
    ["disputes"],
    ["diff", "--known-at", "2026-01-12T09:10", "--to-known-at", "2026-01-13"],
    ["follow", "--after", "0", "--timeout", "0"],
    ["sql", "SELECT * FROM timeline"],
    ["sql", "SELECT * FROM versions"],
]
"""Every command that prints recorded text for people."""


@pytest.mark.parametrize("argv", HUMAN_COMMANDS, ids=" ".join)
def test_terminal_output_never_emits_control_sequences(
    argv: list[str], hostile_log_path: Path, capsys: Any
) -> None:
    """Attack: ``replay``, ``show`` and ``log`` wrote ESC and OSC sequences from a quote to the
    terminal, so recorded text could rewrite what the user sees. Now no human printer emits a
    control character, bidi override or line separator (a newline aside): each is shown as an
    escape, ``\\x1b``, ``\\u202e``."""
    capsys.readouterr()
    status = main(["--log", str(hostile_log_path), *argv])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert out.strip()
    assert not hostile.UNSAFE.search(out), out
    assert not hostile.UNSAFE.search(err), err
    if argv[0] in ("show", "actor"):  # (tables may cut a text before its first escape)
        assert "\\x1b" in out


def test_an_unknown_metric_s_refusal_names_recorded_metrics_inertly(
    hostile_log_path: Path, capsys: Any
) -> None:
    """figures --metric TYPO is refused naming the metrics on record (recorded text): the
    line on stderr carries no control sequence either."""
    capsys.readouterr()
    status = main(["--log", str(hostile_log_path), "figures", "--metric", "ratee"])
    out, err = capsys.readouterr()
    assert status == 1 and out == ""
    assert "did you mean 'rate'?" in err
    assert not hostile.UNSAFE.search(err), err


EXPORTS_TO_STDOUT = [
    ["sql", "--csv", "SELECT * FROM timeline"],
    ["sql", "--csv", "SELECT * FROM actors"],
    ["export", "csv", "--table", "events"],
    ["export", "csv", "--table", "actors"],
]
"""Every CSV export that may be printed on standard output (the JSON ones escape as JSON does:
no control character is ever in their bytes)."""


@pytest.mark.parametrize("argv", EXPORTS_TO_STDOUT, ids=" ".join)
def test_an_export_printed_on_a_terminal_sends_no_control_sequence(
    argv: list[str], hostile_log_path: Path
) -> None:
    """An export on standard output is written as it is into a pipe, but on a terminal (a
    real pseudo-terminal here, in raw mode so the bytes arrive as sent) its control
    characters are shown as escapes. ``tracker sql --csv`` wrote its rows straight to the
    terminal, an ESC from a quote included."""
    import os
    import pty
    import subprocess
    import sys
    import tty

    main_fd, term = pty.openpty()
    tty.setraw(term)
    done = subprocess.Popen(
        [sys.executable, "-m", "tracker", "--log", str(hostile_log_path), *argv],
        stdout=term, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=dict(os.environ),
    )
    os.close(term)
    chunks = []
    while True:
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:  # (EIO: the terminal's last writer is gone)
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main_fd)
    _, err = done.communicate(timeout=60)
    assert done.returncode == 0, err
    out = b"".join(chunks).decode("utf-8")
    assert out.strip()
    assert not hostile.UNSAFE.search(out), out
    assert "\\x1b" in out  # (the quote's ESC, shown)
    piped = subprocess.run(
        [sys.executable, "-m", "tracker", "--log", str(hostile_log_path), *argv],
        capture_output=True, check=True, env=dict(os.environ),
    )
    assert hostile.UNSAFE.search(piped.stdout.decode("utf-8"))  # (into a pipe: as recorded)


@pytest.mark.parametrize(
    "argv", [["show", "said"], ["replay"], ["replay", "--as-of", "2026-02-01"], ["stances"]],
    ids=" ".join,
)
def test_json_output_escapes_what_a_terminal_acts_on(
    argv: list[str], hostile_log_path: Path, capsys: Any
) -> None:
    """``--json`` is JSON: control characters inside strings are JSON escapes (``\\u001b``),
    and so is what JSON itself leaves raw but a terminal acts on or a line reader splits at
    (8-bit CSI ``\\u009b``, bidi overrides, U+2028/U+2029; the streamed timeline too); the
    text reads back exactly."""
    capsys.readouterr()
    assert main(["--log", str(hostile_log_path), *argv, "--json"]) == 0
    out = capsys.readouterr().out
    assert not hostile.UNSAFE.search(out.replace("\n", "")), out
    assert len(out.splitlines()) == out.count("\n")  # no line ends but the newlines
    assert "\\u001b" in out and "\\u009b" in out and "\\u202e" in out and "\\u2028" in out
    data = json.loads(out)
    if argv[0] == "show":
        with tracker.open(hostile_log_path) as log:
            assert data["event"]["quote"] == log.event("said").event.quote


def test_json_errors_escape_what_a_terminal_acts_on(tmp_path: Path, capsys: Any) -> None:
    """An error in JSON echoes the user's input (an import line's bad value): found by the
    bad-input property as one JSON error that ``splitlines`` read as two lines (a U+0085 in
    a CSV cell). Now the error is one line and nothing in it reaches the terminal raw."""
    log = tmp_path / "log.jsonl"
    assert main(["--log", str(log), "init"]) == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("type,actor,name,kind\nactor,a \r0\x85b\x9b2J\u2028,Somebody,person\n")
    capsys.readouterr()
    status = main(["--log", str(log), "import", str(bad), "--json"])
    out, err = capsys.readouterr()
    assert status == 1 and out == ""
    assert len(err.splitlines()) == 1, err
    assert not hostile.UNSAFE.search(err.rstrip("\n")), err
    assert "\\u0085" in err and json.loads(err)["error"]["code"] == "invalid-file"


def test_terminal_json_escapes_only_inside_strings_and_means_the_same() -> None:
    """The escapes change the bytes, never the value."""
    value = {"k": "a\x7fb\x85c\x9bd\u061ce\u200ef\u2028g\u2029h\u202ei\u2066j ok é ✓"}
    raw = orjson.dumps(value)
    safe = terminal_json(raw)
    assert orjson.loads(safe) == value
    assert safe.isascii() is False  # (é and ✓ stay as they are)
    for bad in "\x7f\x85\x9b\u061c\u200e\u2028\u2029\u202e\u2066":
        assert bad.encode() not in safe
    assert terminal_json(b'{"a":"plain"}') == b'{"a":"plain"}'


def test_actor_show_keeps_one_line_per_field(hostile_log_path: Path, capsys: Any) -> None:
    """A name, an alias or a jurisdiction holding a newline stays on its own line in ``actor
    show`` (its newline shown as a space, like a table cell's)."""
    capsys.readouterr()
    assert main(["--log", str(hostile_log_path), "actor", "show", "evil"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("evil: ") and lines[0].endswith(" (company)")
    assert lines[1].startswith("  also known as: ") and lines[2].startswith("  jurisdiction:  ")


def test_show_indents_a_quote_s_further_lines(hostile_log_path: Path, capsys: Any) -> None:
    """A newline inside a quote is shown as an indented continuation line, under the value's
    first line, so ``show`` keeps its layout (issue 15 too)."""
    capsys.readouterr()
    assert main(["--log", str(hostile_log_path), "show", "said"]) == 0
    lines = capsys.readouterr().out.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("  quote:"))
    assert lines[first + 1].startswith(" " * 16 + "second line\\tafter a tab")
    assert all(line.startswith(" ") or line.endswith(("sources", "history", "verifications"))
               or line == lines[0] or not line for line in lines[1:])


# --- charts --------------------------------------------------------------------------------------


@pytest.mark.parametrize("chart", ["timeline", "stances", "figures", "posture"])
def test_charts_draw_hostile_text_as_text(chart: str, state: tracker.State) -> None:
    """Found on the way: a name holding ``$\\frac{a$`` stopped every chart (matplotlib read it
    as mathematics: exit 3, "a bug"), and an ESC in a name made the SVG invalid XML. Now each
    chart draws, its SVG parses, and the dollars and escapes are there as text."""
    svg = render_chart(state, chart, format="svg")
    xml.dom.minidom.parseString(svg)  # well-formed: no control character inside
    text = svg.decode("utf-8")
    assert "\x1b" not in text and "\x9b" not in text
    assert "\\x1b" in html.unescape(text) or "\u2026" in text  # shown, or cut before it


def test_plot_of_dollar_names_is_not_a_bug(hostile_log_path: Path, tmp_path: Path) -> None:
    """``tracker plot`` on the hostile log writes its PNG (exit 0, never 3)."""
    out = tmp_path / "t.png"
    assert main(["--log", str(hostile_log_path), "plot", "timeline", "--out", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_html_text_round_trips() -> None:
    """Escaped text reads back as the text, its controls shown (tabs and newlines kept)."""
    assert html.unescape(html_text(hostile.PAYLOAD)) == visible(hostile.PAYLOAD, keep="\t\n")


def test_charts_draw_names_the_font_lacks_without_a_warning() -> None:
    """Found by the property below: a name in a script DejaVu Sans lacks (Chinese, an
    unassigned code point) made matplotlib warn on stderr at every report; the SVG keeps text
    as text (the browser draws it), so the charts draw it quietly (warnings are errors here)."""
    log = tracker.open(":memory:", create=True)
    log.append(
        [
            {"type": "actor", "actor": "gov", "name": "中国政府 \U0005d710", "kind": "government"},
            {
                "type": "statement",
                "speaker": "gov",
                "quote": "中文",
                "occurred": "2026-01-01",
                "sources": [{"publisher": "新华社", "url": "https://example.org/a"}],
            },
        ]
    )
    state = log.replay()
    assert "中国政府" in render_chart(state, "timeline", format="svg").decode("utf-8")
    assert render_chart(state, "timeline", format="png")[:4] == b"\x89PNG"
