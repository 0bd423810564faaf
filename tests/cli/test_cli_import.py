"""``tracker import FILE``: JSONL and CSV, all or nothing, bad lines named by file:line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import orjson
import pytest

from .conftest import Run, snapshot

FIGURE = {
    "type": "figure",
    "id": "x-revenue",
    "occurred": "2024",
    "metric": "uk_revenue_change",
    "value": -60,
    "approximate": True,
    "unit": "percent",
    "subject": "x",
    "sources": [{"publisher": "Example News", "url": "https://example.org/rev"}],
}
INCIDENT = {
    "type": "incident",
    "occurred": "..2026-01-12",
    "harm": "sexualised images of women and children",
    "actors": ["grok"],
    "sources": [{"publisher": "Example News", "url": "https://example.org/harm"}],
}


def _jsonl(path: Path, *events: object) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    return path


def test_import_jsonl_appends_all(grok_log: Path, cli: Run, tmp_path: Path) -> None:
    """Every event of a JSONL file is appended in one batch, in file order."""
    src = _jsonl(tmp_path / "new.jsonl", FIGURE, INCIDENT)
    result = cli("import", str(src))
    assert (result.status, result.out) == (0, f"imported 2 events from {src} as records 13-14\n")
    records = [orjson.loads(line) for line in grok_log.read_bytes().splitlines()[-2:]]
    assert [r["event"]["type"] for r in records] == ["figure", "incident"]
    assert [r["batch"] for r in records] == [
        {"count": 2, "id": 13, "index": 0},
        {"count": 2, "id": 13, "index": 1},
    ]


def test_reimport_is_a_no_op(grok_log: Path, cli: Run, tmp_path: Path) -> None:
    """Importing the same file twice adds nothing the second time (ids come from content)."""
    src = _jsonl(tmp_path / "new.jsonl", FIGURE, INCIDENT)
    assert cli("import", str(src)).status == 0
    before = snapshot(grok_log)
    result = cli("import", str(src), "--json")
    assert result.status == 0
    assert json.loads(result.out) == {
        "appended": 0,
        "dates_read": 0,
        "dry_run": False,
        "events": 2,
        "existing": 2,
        "file": str(src),
        "first_seq": None,
        "format": "jsonl",
        "last_seq": None,
    }
    assert snapshot(grok_log) == before


def test_dry_run_checks_without_writing(grok_log: Path, cli: Run, tmp_path: Path) -> None:
    """--dry-run validates everything, references included, and writes nothing."""
    src = _jsonl(tmp_path / "new.jsonl", FIGURE)
    before = snapshot(grok_log)
    result = cli("import", str(src), "--dry-run")
    assert (result.status, result.out) == (
        0,
        "would import 1 event as record 13 (dry run: nothing written)\n",
    )
    assert snapshot(grok_log) == before


def test_import_from_stdin(grok_log: Path, cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """`-` reads JSONL from standard input."""
    data = (json.dumps(FIGURE) + "\n").encode()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    result = cli("import", "-")
    assert (result.status, result.out) == (0, "imported 1 event from stdin as record 13\n")


@pytest.mark.parametrize("from_stdin", [False, True])
def test_a_byte_order_mark_is_read_past(
    grok_log: Path, cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, from_stdin: bool
) -> None:
    """A JSONL file saved with a UTF-8 byte order mark (as Windows editors do) imports as JSONL."""
    data = b"\xef\xbb\xbf" + (json.dumps(FIGURE) + "\n").encode()
    src = tmp_path / "bom.jsonl"
    src.write_bytes(data)
    if from_stdin:  # (no file name to tell the format by: the first byte must)
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    result = cli("import", "-" if from_stdin else str(src))
    where = "stdin" if from_stdin else str(src)
    assert (result.status, result.out) == (0, f"imported 1 event from {where} as record 13\n")


CSV = """\
type,id,occurred,speaker,quote,topic,stance,metric,value,unit,approximate,source,publisher,source,publisher,tags
statement,ofcom-demand,..2026-01-12,uk-gov,"insulting, to victims",paywall,-2,,,,,https://gov.uk/b,UK government,,,uk;paywall
figure,rate-b,2026-01,,,,,images,6700,per_hour,true,https://b.com,Bloomberg,https://c.com,Reuters,
"""


def test_import_csv_layout(grok_log: Path, cli: Run, tmp_path: Path) -> None:
    """A CSV row is a `tracker add` command line: flag-named columns, repeated columns pair up."""
    src = tmp_path / "events.csv"
    src.write_text(CSV)
    result = cli("import", str(src))
    assert result.status == 0, result.err
    events = [orjson.loads(line)["event"] for line in grok_log.read_bytes().splitlines()[-2:]]
    assert events == [
        {
            "id": "ofcom-demand",
            "occurred": "..2026-01-12",
            "quote": "insulting, to victims",
            "sources": [{"publisher": "UK government", "url": "https://gov.uk/b"}],
            "speaker": "uk-gov",
            "stance": -2,
            "tags": ["paywall", "uk"],
            "topic": "paywall",
            "type": "statement",
        },
        {
            "approximate": True,
            "id": "rate-b",
            "metric": "images",
            "occurred": "2026-01",
            "sources": [
                {"publisher": "Bloomberg", "url": "https://b.com"},
                {"publisher": "Reuters", "url": "https://c.com"},
            ],
            "type": "figure",
            "unit": "per_hour",
            "value": 6700.0,
        },
    ]


def test_bad_lines_are_listed_and_nothing_is_imported(
    grok_log: Path, cli: Run, tmp_path: Path
) -> None:
    """Each bad line is named file:line with the field; nothing is appended."""
    bad = dict(FIGURE, value="about 6700")
    src = tmp_path / "events.jsonl"
    src.write_text(
        json.dumps(FIGURE)
        + "\n"
        + json.dumps(bad)
        + "\nnot json\n\n"
        + json.dumps({"type": "statment"})
        + "\n"
    )
    before = snapshot(grok_log)
    result = cli("import", str(src))
    assert result.status == 1
    assert result.err.splitlines() == [
        f'tracker: error: {src}:2: figure.value: expected a number, got "about 6700" (give the number '
        "alone, and approximate true for 'about')",
        f"tracker: error: {src}:3: not valid JSON (at column 1); write one JSON object per line",
        f"tracker: error: {src}:5: unknown event type 'statment'; did you mean 'statement'? (types: "
        "actor, correction, figure, incident, policy_change, regulatory_action, retraction, "
        "statement, supersession, topic, verification)",
        "tracker: 3 bad lines; nothing was imported",
    ]
    assert snapshot(grok_log) == before


def test_at_most_twenty_lines_then_a_count(grok_log: Path, cli: Run, tmp_path: Path) -> None:
    """Past 20 bad lines, the rest are counted, not listed."""
    src = tmp_path / "events.jsonl"
    src.write_text("".join(json.dumps(dict(FIGURE, value="x")) + "\n" for _ in range(25)))
    result = cli("import", str(src))
    lines = result.err.splitlines()
    assert result.status == 1
    assert len(lines) == 22
    assert lines[19].startswith(f"tracker: error: {src}:20: figure.value: expected a number")
    assert lines[20:] == [
        "tracker: error: ... and 5 more",
        "tracker: 25 bad lines; nothing was imported",
    ]


def test_bad_lines_as_json(grok_log: Path, cli: Run, tmp_path: Path) -> None:
    """With --json the error lists the problems and the count."""
    src = tmp_path / "e.jsonl"
    src.write_text('"x"\n')
    result = cli("import", str(src), "--json")
    assert result.status == 1
    assert json.loads(result.err) == {
        "error": {
            "code": "invalid-file",
            "count": 1,
            "message": f"1 line is not a valid event; nothing was imported: {src}:1: expected a JSON object (one event), got str",
            "problems": [f"{src}:1: expected a JSON object (one event), got str"],
        }
    }


def test_unknown_reference_names_the_line(grok_log: Path, cli: Run, tmp_path: Path) -> None:
    """A reference to an unknown actor is reported with the file and line of the event."""
    src = _jsonl(tmp_path / "e.jsonl", FIGURE, dict(INCIDENT, actors=["grk"]))
    before = snapshot(grok_log)
    result = cli("import", str(src))
    assert result.status == 1
    assert result.err == (
        f"tracker: error: {src}:2: incident.actors: unknown actor 'grk'; did you mean 'grok'? "
        "(nothing was imported)\n"
    )
    assert snapshot(grok_log) == before


def _refused(cli: Run, log: Path, src: Path) -> str:
    """Import ``src``, expect exit 1 and an untouched log; return what was printed on stderr."""
    before = snapshot(log)
    result = cli("import", str(src))
    assert (result.status, result.out) == (1, "")
    assert snapshot(log) == before
    return result.err


def test_every_unknown_reference_is_listed(grok_log: Path, cli: Run, tmp_path: Path) -> None:
    """Each unknown actor, topic or event of a JSONL file is listed by file:line; none is written."""
    statement = {
        "type": "statement",
        "occurred": "2026-01-09",
        "sources": [{"publisher": "Example News", "url": "https://example.org/s"}],
        "speaker": "uk-gv",
        "quote": "insulting",
        "topic": "paywal",
        "stance": -2,
    }
    retraction = {"type": "retraction", "retracts": "no-such-event", "reason": "duplicate"}
    src = _jsonl(
        tmp_path / "e.jsonl",
        statement,
        FIGURE,
        dict(INCIDENT, actors=["grk", "european-commission"]),
        retraction,
    )
    assert _refused(cli, grok_log, src) == (
        f"tracker: error: {src}:1: statement.speaker: unknown actor 'uk-gv'; did you mean 'uk-gov'?\n"
        f"tracker: error: {src}:1: statement.topic: unknown topic 'paywal'; did you mean 'paywall'?\n"
        f"tracker: error: {src}:3: incident.actors: unknown actor 'grk'; did you mean 'grok'?\n"
        f"tracker: error: {src}:3: incident.actors: unknown actor 'european-commission' "
        "(register it first: tracker actor add european-commission --name ... --kind ...)\n"
        f"tracker: error: {src}:4: retraction.retracts: unknown event 'no-such-event' "
        "(see 'tracker log' for ids)\n"
        "tracker: 5 unknown references; nothing was imported\n"
    )


def test_unknown_references_in_csv_are_listed(grok_log: Path, cli: Run, tmp_path: Path) -> None:
    """A CSV file's unknown references are listed by the line of their row, as in JSONL."""
    src = tmp_path / "e.csv"
    src.write_text(
        "type,occurred,speaker,quote,source,publisher\n"
        "statement,2026-01-09,uk-gv,insulting,https://a.org/1,A\n"
        "statement,2026-01-09,xai,fine,https://a.org/2,A\n"
        "statement,2026-01-10,ofcm,unacceptable,https://a.org/3,A\n"
    )
    assert _refused(cli, grok_log, src) == (
        f"tracker: error: {src}:2: statement.speaker: unknown actor 'uk-gv'; did you mean 'uk-gov'?\n"
        f"tracker: error: {src}:4: statement.speaker: unknown actor 'ofcm' (register it first: "
        "tracker actor add ofcm --name ... --kind ...)\n"
        "tracker: 2 unknown references; nothing was imported\n"
    )


def test_unknown_references_past_twenty_are_counted(
    grok_log: Path, cli: Run, tmp_path: Path
) -> None:
    """The first 20 unknown references are listed, the rest counted, in text and in --json."""
    src = _jsonl(
        tmp_path / "e.jsonl",
        *(dict(INCIDENT, harm=f"harm {n}", actors=[f"nobody-{n}"]) for n in range(1, 24)),
    )
    lines = _refused(cli, grok_log, src).splitlines()
    assert len(lines) == 22
    assert lines[0] == (
        f"tracker: error: {src}:1: incident.actors: unknown actor 'nobody-1' (register it first: "
        "tracker actor add nobody-1 --name ... --kind ...)"
    )
    assert lines[19].startswith(
        f"tracker: error: {src}:20: incident.actors: unknown actor 'nobody-20'"
    )
    assert lines[20:] == [
        "tracker: error: ... and 3 more",
        "tracker: 23 unknown references; nothing was imported",
    ]
    result = cli("import", str(src), "--json")
    error = json.loads(result.err)["error"]
    assert (result.status, error["code"], error["count"], len(error["problems"])) == (
        1,
        "unknown-id",
        23,
        20,
    )
    assert error["message"] == (
        f"23 unknown references: {src}:1: incident.actors: unknown actor 'nobody-1' (register it "
        "first: tracker actor add nobody-1 --name ... --kind ...) (and 22 more); nothing was "
        "imported"
    )


def test_a_batch_may_register_what_it_uses(grok_log: Path, cli: Run, tmp_path: Path) -> None:
    """An actor registered earlier in the same file may be named by later lines."""
    actor = {"type": "actor", "actor": "ofcom", "name": "Ofcom", "kind": "regulator"}
    action = {
        "type": "regulatory_action",
        "occurred": "..2026-01-12",
        "regulator": "ofcom",
        "target": "x",
        "rung": "demand",
        "sources": [{"publisher": "Ofcom", "url": "https://ofcom.org.uk/a"}],
    }
    src = _jsonl(tmp_path / "e.jsonl", actor, action)
    assert cli("import", str(src)).status == 0


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("", "e.jsonl", "tracker: error: {src} holds no events\n"),
        (
            "[{}]\n",
            "e.json",
            "tracker: error: {src} holds a JSON array; write one event per line (JSONL) instead\n",
        ),
        (
            "occurred,speaker\n2026,x\n",
            "e.csv",
            "tracker: error: {src}:1: the header has no 'type' column (the first row names the columns)\n",
        ),
    ],
)
def test_unreadable_files(
    grok_log: Path, cli: Run, tmp_path: Path, content: str, name: str, message: str
) -> None:
    """Files that are not event files get one line saying why."""
    src = tmp_path / name
    src.write_text(content)
    result = cli("import", str(src))
    assert (result.status, result.err) == (1, message.format(src=src))


def _topics(path: Path, count: int) -> Path:
    """A JSONL file of ``count`` topic registrations."""
    lines = (json.dumps({"type": "topic", "topic": f"t{i}", "name": "T"}) for i in range(count))
    path.write_text("".join(line + "\n" for line in lines))
    return path


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_on_a_terminal(
    grok_log: Path, cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal, a run past one second shows a progress line on stderr, cleared at the end."""
    src = _topics(tmp_path / "many.jsonl", 2000)
    ticks = iter(range(0, 1000, 2))  # every reading of the clock is two seconds later
    monkeypatch.setattr("tracker.cli.write_cmds._now", lambda: next(ticks))
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    result = cli("import", str(src))
    assert (result.status, result.out) == (
        0,
        f"imported 2000 events from {src} as records 13-2012\n",
    )
    assert terminal.getvalue() == (
        f"\rreading {src}: 1,000 lines\rreading {src}: 2,000 lines"
        "\r\033[Kchecking and appending 2,000 events...\r\033[K"
    )


def test_no_progress_when_not_a_terminal(
    grok_log: Path, cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When stderr is not a terminal, an import prints nothing there, however long it runs."""
    src = _topics(tmp_path / "many.jsonl", 1000)
    ticks = iter(range(0, 1000, 2))
    monkeypatch.setattr("tracker.cli.write_cmds._now", lambda: next(ticks))
    result = cli("import", str(src))
    assert (result.status, result.err) == (0, "")


def test_missing_file(grok_log: Path, cli: Run) -> None:
    """A file that does not exist is refused with its name."""
    result = cli("import", "nope.jsonl")
    assert (result.status, result.err) == (
        1,
        "tracker: error: cannot read nope.jsonl: No such file or directory\n",
    )


def test_csv_unknown_column_suggests(grok_log: Path, cli: Run, tmp_path: Path) -> None:
    """A CSV column that is no field of any type is refused once, at the header, with a hint."""
    src = tmp_path / "e.csv"
    src.write_text(
        "type,occurred,speakr,quote,source,publisher\nstatement,2026,uk-gov,q,https://a,A\n"
    )
    result = cli("import", str(src))
    assert result.err.splitlines()[0] == (
        f"tracker: error: {src}:1: column 'speakr' is not a field of any event type; did you "
        "mean 'speaker'? (the columns are the flags of 'tracker add TYPE --help', without the --)"
    )


def test_csv_registrations_and_a_correction(grok_log: Path, cli: Run, tmp_path: Path) -> None:
    """CSV rows register actors (aliases split on ';', relations as TYPE:TARGET) and correct events (JSON)."""
    replacement = json.dumps(
        {"type": "topic", "topic": "paywall", "name": "Image tools for paying subscribers only"}
    ).replace('"', '""')
    src = tmp_path / "reg.csv"
    src.write_text(
        "type,actor,name,kind,alias,relation,relation,corrects,replacement,reason\n"
        "actor,musk,Elon Musk,person,Musk;Mr Musk,led_by:x,employed_by:xai,,,\n"
        f'correction,,,,,,,ev-7a386b655c7217628858,"{replacement}",clearer name\n'
    )
    result = cli("import", str(src))
    assert result.status == 0, result.err
    actor, fix = (orjson.loads(line)["event"] for line in grok_log.read_bytes().splitlines()[-2:])
    assert actor["aliases"] == ["Musk", "Mr Musk"]
    assert actor["relations"] == [
        {"target": "x", "type": "led_by"},
        {"target": "xai", "type": "employed_by"},
    ]
    assert fix["replacement"]["name"] == "Image tools for paying subscribers only"
    assert (
        cli("topic", "list").out.splitlines()[1].split("  ")[1]
        == "Image tools for paying subscribers only"
    )
