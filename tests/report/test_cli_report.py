"""``tracker report``, ``tracker plot`` and ``tracker export``, run in-process through main()."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest

import tracker
from tracker.cli import report as report_cli
from tracker.cli.main import main
from tracker.report import (
    charts,
    claimreview,
    csv_tables,
    exports,
    render_report,
    timelinejs,
    to_json,
)


@dataclass
class Result:
    """What one run printed, and its exit status."""

    status: int
    out: str
    err: str


@pytest.fixture
def log_file(grok_log_path: Path, tmp_path: Path) -> Path:
    """A copy of the Grok-like log in a fresh directory."""
    path = tmp_path / "grok.jsonl"
    shutil.copy(grok_log_path, path)
    return path


@pytest.fixture
def run(
    log_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[..., Result]:
    """Run ``tracker ARGS --log grok.jsonl`` in the log's directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRACKER_LOG", raising=False)
    capsys.readouterr()

    def go(*argv: str) -> Result:
        status = main([*argv, "--log", str(log_file)])
        captured = capsys.readouterr()
        return Result(status, captured.out, captured.err)

    return go


def _head(log_file: Path) -> tracker.Head:
    with tracker.open(log_file) as log:
        return log.head()


def test_report_writes_the_page_python_would(run, log_file: Path, tmp_path: Path) -> None:
    """The command writes the same bytes as render_report, and says what it wrote."""
    head = _head(log_file)
    result = run("report", "--out", "grok.html", "--as-of", "2026-01-10", "--title", "Grok")
    assert result.status == 0, result.err
    assert (
        result.out == f"wrote grok.html: 22 events, 4 charts, log head 36:{head.hash[:12]}\u2026\n"
    )
    assert result.err == ""
    with tracker.open(log_file) as log:
        expected = render_report(log.replay(as_of="2026-01-10"), log_head=log.head(), title="Grok")
    assert (tmp_path / "grok.html").read_text(encoding="utf-8") == expected
    assert not list(tmp_path.glob(".grok.html.*"))  # no temporary file left behind


def test_report_json_summary(run, log_file: Path) -> None:
    """--json prints what was written, from which replay and log head."""
    head = _head(log_file)
    result = run("report", "--out", "r.html", "--known-at", "2026-01-12", "--json")
    assert result.status == 0, result.err
    summary = orjson.loads(result.out)
    assert summary == {
        "wrote": "r.html",
        "bytes": summary["bytes"],
        "events": 22,
        "as_of": None,
        "known_at": "2026-01-12T23:59:59.999999Z",
        "known_at_record": None,
        "replayed_seq": 36,
        "log_head": f"{head.seq}:{head.hash}",
    }
    assert summary["bytes"] == len(Path("r.html").read_bytes())


def test_report_refuses_a_bad_date_or_a_missing_directory(run, log_file: Path) -> None:
    """Bad input: one line, exit 1, nothing written, the log untouched."""
    before = log_file.read_bytes()
    bad_date = run("report", "--out", "r.html", "--as-of", "10/01/2026")
    assert bad_date.status == 1
    assert bad_date.err.startswith("tracker: error: --as-of: invalid date '10/01/2026'")
    assert bad_date.err.count("\n") == 1
    no_dir = run("report", "--out", "missing/r.html")
    assert no_dir.status == 1
    assert (
        no_dir.err
        == "tracker: error: cannot write missing/r.html: no directory missing (create it first)\n"
    )
    assert not Path("r.html").exists()
    assert log_file.read_bytes() == before


def test_report_without_matplotlib_names_the_extra(run, monkeypatch) -> None:
    """Without the report extra: one line naming the pip command, exit 1, no traceback."""
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = run("report", "--out", "r.html")
    assert result.status == 1
    assert result.err == (
        "tracker: error: charts need matplotlib, which the 'report' extra installs: pip install "
        "'tracker[report]' (exports to TimelineJS, CSV and ClaimReview work without it)\n"
    )
    assert not Path("r.html").exists()


def test_plot_writes_png_or_svg_by_extension(run, log_file: Path) -> None:
    """The chart's format follows --out; the PNG matches the Python call at the same dpi."""
    head = _head(log_file)
    result = run("plot", "posture", "--out", "ladder.png", "--dpi", "60")
    assert result.status == 0, result.err
    assert (
        result.out == f"wrote ladder.png: the posture chart, log head 36:{head.hash[:12]}\u2026\n"
    )
    with tracker.open(log_file) as log:
        from tracker.report import render_chart

        expected = render_chart(log.replay(), "posture", format="png", dpi=60)
    assert Path("ladder.png").read_bytes() == expected
    assert run("plot", "stances", "--out", "stances.svg").status == 0
    root = ET.fromstring(Path("stances.svg").read_bytes())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ("plot", "pie", "--out", "x.png"),
            "tracker: error: plot: chart: 'pie' is not a choice (choose from stances, figures, "
            "posture, timeline) (see 'tracker plot --help')\n",
        ),
        (
            ("plot", "posture", "--out", "x.gif"),
            "tracker: error: plot: give --out a .png or .svg file, not 'x.gif' "
            "(see 'tracker plot --help')\n",
        ),
        (
            ("plot", "posture", "--out", "x.png", "--dpi", "5"),
            "tracker: error: plot: --dpi 5 is out of range; use 20 to 1200\n",
        ),
        (
            ("export", "csv", "--out", "t", "--table", "events"),
            "tracker: error: export csv: --table prints one table to stdout; "
            "leave it out with --out DIR\n",
        ),
    ],
)
def test_usage_errors_exit_2(run, argv: tuple[str, ...], message: str) -> None:
    """A command line that does not make sense: one line, exit 2, nothing written."""
    result = run(*argv)
    assert (result.status, result.err) == (2, message)
    assert not Path("x.png").exists() and not Path("t").exists()


def test_plot_charts_are_the_report_charts() -> None:
    """The commands offer exactly the charts the library draws and the groupings it makes."""
    assert set(report_cli.CHARTS) == set(charts.CHARTS)
    assert report_cli.GROUPINGS == exports.GROUPINGS


def test_export_timelinejs_to_stdout_and_to_a_file(run, log_file: Path) -> None:
    """Without --out the JSON goes to stdout; with it, to the file; both as Python gives it."""
    with tracker.open(log_file) as log:
        state, head = log.replay(), log.head()
        by_topic = to_json(timelinejs(state, log_head=head, group_by="topic", title="Grok"))
        by_kind = to_json(timelinejs(state, log_head=head))
    result = run("export", "timelinejs", "--group-by", "topic", "--title", "Grok")
    assert (result.status, result.out) == (0, by_topic.decode())
    result = run("export", "timelinejs", "--out", "tl.json")
    assert result.out == f"wrote tl.json: 22 events, log head 36:{head.hash[:12]}\u2026\n"
    assert Path("tl.json").read_bytes() == by_kind


def test_export_csv_to_a_directory_or_one_table(run, log_file: Path) -> None:
    """--out DIR writes every table; --table NAME prints one; an unknown name gets a suggestion."""
    with tracker.open(log_file) as log:
        tables = csv_tables(log.replay(as_of="2026-01-09"))
    result = run("export", "csv", "--out", "tables", "--as-of", "2026-01-09")
    assert result.status == 0, result.err
    assert result.out.startswith(f"wrote {len(tables)} tables to tables: {', '.join(tables)}; ")
    assert len(tables) >= 5
    for name, text in tables.items():
        assert Path("tables", f"{name}.csv").read_bytes() == text.encode()
    one = run("export", "csv", "--table", "fixes", "--as-of", "2026-01-09")
    assert (one.status, one.out) == (0, tables["fixes"])  # CRLF kept, as RFC 4180 says
    bad = run("export", "csv", "--table", "evnts")
    assert (bad.status, bad.err) == (
        1,
        "tracker: error: unknown table 'evnts'; did you mean 'events'?\n",
    )


def test_export_claimreview(run, log_file: Path) -> None:
    """claimreview writes the JSON-LD list Python gives."""
    with tracker.open(log_file) as log:
        expected = to_json(claimreview(log.replay()))
    result = run("export", "claimreview", "--out", "reviews.jsonld")
    assert result.status == 0, result.err
    assert result.out.startswith("wrote reviews.jsonld: 2 reviews, log head 36:")
    assert Path("reviews.jsonld").read_bytes() == expected


@pytest.mark.parametrize("command", ["report", "plot", "export"])
def test_help_has_an_example(run, command: str) -> None:
    """Each command's --help exits 0 and shows an example line."""
    result = run(command, "--help")
    assert result.status == 0
    assert f"Example:\n  $ tracker {command} " in result.out


def test_help_imports_nothing_heavy() -> None:
    """--help of the three commands loads no model, no JSON library, no chart library."""
    heavy = ("pydantic", "orjson", "tracker._log", "tracker.report", "matplotlib")
    code = (
        "import sys, contextlib, io\n"
        "from tracker.cli.main import main\n"
        "for argv in (['report', '--help'], ['plot', '--help'], ['export', '--help']):\n"
        "    with contextlib.redirect_stdout(io.StringIO()): main(argv)\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "[]\n"


def test_written_files_get_the_mode_a_plain_write_gives(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    """A report, a chart and an export are readable as any file written under the umask is."""
    import os

    old = os.umask(0o022)
    try:
        for argv in (("report", "--out", "r.html"), ("export", "timelinejs", "--out", "t.json"),
                     ("export", "csv", "--out", "tables")):
            assert run(*argv).status == 0
    finally:
        os.umask(old)
    for path in (tmp_path / "r.html", tmp_path / "t.json", tmp_path / "tables" / "events.csv"):
        assert path.stat().st_mode & 0o777 == 0o644, path


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("report", "--out", ""), "--out is empty: give the file to write (--out report.html)"),
        (("report", "--out", "/proc/r.html"), "cannot write /proc/r.html: "),
        (("export", "csv", "--out", "/proc/tables"), "cannot write tables into /proc/tables: "),
    ],
)
def test_a_file_that_cannot_be_written_is_one_line(
    run: Callable[..., Result], argv: tuple[str, ...], message: str
) -> None:
    """An empty --out, or a place no file can be written (/proc), is one line, never a bug report."""
    result = run(*argv)
    assert result.status != 0
    assert result.err.startswith(f"tracker: error: {message}")
    assert result.err.count("\n") == 1
    assert "bug" not in result.err
