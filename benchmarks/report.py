"""The benchmark table: every goal of issue 16 with its floor, measured in one run on one log.

Run it with ``bash benchmarks/run SIZE`` (10000, 100000 or 1000000). It generates the log if
it is not cached yet (``bench-out/`` by default, or ``$TRACKER_BENCH_DIR``), runs each measure
``--repeat`` times in fresh processes, takes medians, and prints the figures and their ratios
to the floors, goal by goal. ``--json FILE`` also writes every figure; ``--markdown`` prints the
table as Markdown (docs/performance.md's copy comes from there).

Timing never decides a test: the table says "met" or "not met" for a reader, nothing fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate import GENERATOR_VERSION, generate

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    goal: str
    what: str
    figure: str
    floor: str
    ratio: str
    target: str
    verdict: str
    cpu_ratio: str = ""
    """The same ratio on CPU time (process time of the timed part): steadier on a busy machine."""


def data_dir() -> Path:
    """Where generated logs are cached."""
    return Path(os.environ.get("TRACKER_BENCH_DIR", ROOT / "bench-out"))


def ensure_log(size: int, seed: int) -> Path:
    """Return the cached log of ``size`` events, generating it first if needed."""
    directory = data_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"events-{size}-s{seed}-g{GENERATOR_VERSION}.jsonl"
    done = path.with_name(path.name + ".done")
    if path.exists() and done.exists():
        return path
    for old in directory.glob(path.name + "*"):
        if old.is_file():
            old.unlink()
    print(f"generating {size:,} events at {path} ...", file=sys.stderr, flush=True)
    result = generate(path, size, seed=seed)
    done.write_text(json.dumps({"seconds": result.seconds, "rate": result.rate}))
    print(
        f"  {result.events:,} events, {result.bytes / 1e6:,.0f} MB "
        f"({result.bytes / result.events:,.0f} bytes per record), {result.rate:,.0f} events/s",
        file=sys.stderr,
    )
    return path


def measure(name: str, log: Path, work: Path, repeat: int) -> dict[str, Any]:
    """Run a measure ``repeat`` times in fresh processes; return medians (and every run)."""
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.measures", name, str(log), str(work)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            tail = done.stderr.strip().splitlines()[-1:] or ["(no output)"]
            return {"error": tail[0]}
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    merged: dict[str, Any] = {}
    for key, value in runs[0].items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            merged[key] = statistics.median(r[key] for r in runs)
        elif isinstance(value, dict) and all(isinstance(v, int | float) for v in value.values()):
            merged[key] = {k: statistics.median(r[key][k] for r in runs) for k in value}
        else:
            merged[key] = value
    merged["runs"] = [r["seconds"] for r in runs]
    return merged


def _s(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1e3:.1f} ms"


def _cpu_ratio(a: dict[str, Any] | None, b: dict[str, Any] | None, digits: int = 2) -> str:
    if not a or not b or "cpu" not in a or "cpu" not in b or not b["cpu"]:
        return ""
    return f"{a['cpu'] / b['cpu']:.{digits}f}x"


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "NOT met")


def build_rows(m: dict[str, dict[str, Any]], size: int) -> list[Row]:
    """Turn the measures into table rows: figure, floor, ratio, target, verdict (issue 16)."""
    rows: list[Row] = []

    def fig(name: str) -> dict[str, Any] | None:
        got = m.get(name)
        return None if got is None or "error" in got or "skipped" in got else got

    def missing(goal: str, what: str, name: str, target: str) -> None:
        got = m.get(name, {})
        error = got.get("error") or got.get("skipped") or "not measured"
        rows.append(Row(goal, what, error, "", "", target, "n/a"))

    keep, discard, chain = fig("floor_parse_keep"), fig("floor_parse_discard"), fig(
        "floor_parse_chain_keep"
    )
    pyd = fig("floor_pydantic")
    if keep:
        rows.append(Row("floor", "orjson parse, keep every dict", _s(keep["seconds"]), "", "",
                        "", f"{keep['rss_peak_mb']:,.0f} MB peak"))
    nogc = fig("floor_parse_keep_nogc")
    if nogc:
        rows.append(Row("floor", "  the same, collector paused", _s(nogc["seconds"]), "", "", "",
                        f"{nogc['rss_peak_mb']:,.0f} MB peak"))
    if discard:
        rows.append(Row("floor", "orjson parse, drop each dict", _s(discard["seconds"]), "", "",
                        "", f"{discard['rss_peak_mb']:,.0f} MB peak"))
    if chain:
        rows.append(Row("floor", "parse (keep) + SHA-256 chain check", _s(chain["seconds"]), "",
                        "", "", f"{chain['rss_peak_mb']:,.0f} MB peak"))
    if pyd:
        rows.append(Row("floor", "pydantic alone, validating the events an import gets",
                        f"{pyd['per_second']:,.0f} events/s", "", "", "",
                        _s(pyd["seconds"])))
    write = fig("floor_write_fsync")
    if write:
        rows.append(Row("floor", "write + fsync of one record (p50)", f"{write['p50_ms']:.3f} ms",
                        "", "", "", ""))

    cold = fig("replay_cold")
    if cold and keep:
        ratio = cold["seconds"] / keep["seconds"]
        rows.append(Row("ref", "in-memory fold of every projection (the reference)",
                        _s(cold["seconds"]), _s(keep["seconds"]), f"{ratio:.2f}x", "", "",
                        _cpu_ratio(cold, keep)))
        rows.append(Row("ref", "  the state it holds", f"{cold['state_mb']:,.0f} MB", "", "", "",
                        ""))

    one = fig("answer_one_key")
    if one:
        for kind, what in (("topic", "one topic's stances and changes"),
                           ("actor", "one actor's view"), ("pair", "one pair's posture"),
                           ("metric", "one metric's figures")):
            seconds, budget = one["each"][kind], one["budget"][kind]
            rows.append(Row("1", f"open + {what} ({one['rows'][kind]:,} rows of the key)",
                            _s(seconds), f"budget {_s(budget)}", f"{seconds / budget:.2f}x",
                            "20 ms + 10 us/row", _verdict(seconds <= budget)))
        extra = one["cold_extra"]
        rows.append(Row("1", "  the topic from a cold process: more than in-process",
                        _s(extra), _s(one["cold_seconds"]), "", "<= 150 ms",
                        _verdict(extra <= 0.150)))
    else:
        missing("1", "open + answer one key", "answer_one_key", "20 ms + 10 us/row")

    every = fig("answer_all")
    if every and cold:
        ratio = every["seconds"] / cold["seconds"]
        rows.append(Row("2", f"open + answer every projection ({every['rows']:,} rows)",
                        _s(every["seconds"]), _s(cold["seconds"]), f"{ratio:.3f}x", "<= 0.2x",
                        _verdict(ratio <= 0.2), _cpu_ratio(every, cold, 3)))
    else:
        missing("2", "open + answer every projection", "answer_all", "<= 0.2x")

    build = fig("build_cold")
    after = fig("open_after_append")
    if after and build:
        budget = 0.150 + after["new"] * build["seconds"] / build["records"]
        rows.append(Row("3", f"open after {after['new']:,} new records (caught up)",
                        _s(after["seconds"]), f"budget {_s(budget)}",
                        f"{after['seconds'] / budget:.2f}x", "150 ms + new x build/record",
                        _verdict(after["seconds"] <= budget)))
    else:
        missing("3", "open after 2,000 new records", "open_after_append", "150 ms + ...")

    if build and keep:
        ratio = build["seconds"] / keep["seconds"]
        rows.append(Row("4", "build the derived state from nothing", _s(build["seconds"]),
                        _s(keep["seconds"]), f"{ratio:.2f}x", "<= 2.5x", _verdict(ratio <= 2.5),
                        _cpu_ratio(build, keep)))
    else:
        missing("4", "build the derived state from nothing", "build_cold", "<= 2.5x")

    peaks = {name: got["rss_peak_mb"] for name in _RSS_MEASURES if (got := fig(name))}
    clim = fig("cli_memory")
    if clim:
        peaks.update({f"tracker {k}": v for k, v in clim["peaks"].items()})
    if peaks:
        worst = max(peaks, key=lambda k: peaks[k])
        rows.append(Row("5", f"peak RSS of any measured call or command ({worst})",
                        f"{peaks[worst]:,.0f} MB", "", "", "<= 250 MB (at 1M)",
                        _verdict(peaks[worst] <= 250)))

    if build:
        ratio = build["derived_bytes"] / build["log_bytes"]
        rows.append(Row("6", "derived files, all of them",
                        f"{build['derived_bytes'] / 1e6:,.0f} MB",
                        f"log {build['log_bytes'] / 1e6:,.0f} MB", f"{ratio:.2f}x", "<= 1x",
                        _verdict(ratio <= 1)))

    ver = fig("verify")
    if ver and chain:
        ratio = ver["seconds"] / chain["seconds"]
        rows.append(Row("7", "verify", _s(ver["seconds"]), _s(chain["seconds"]), f"{ratio:.2f}x",
                        "<= 1.2x", _verdict(ratio <= 1.2), _cpu_ratio(ver, chain)))
    cold_add = fig("cold_add")
    if cold_add:
        rows.append(Row("7", f"one add from a cold process ({cold_add['how']})",
                        _s(cold_add["seconds"]), "", "", "< 200 ms",
                        _verdict(cold_add["seconds"] < 0.2)))
    single = fig("append_single")
    if single:
        ratio = single["p50_ms"] / single["floor_p50_ms"]
        rows.append(Row("7", "single durable append, p50", f"{single['p50_ms']:.3f} ms",
                        f"{single['floor_p50_ms']:.3f} ms", f"{ratio:.2f}x", "<= 1.5x",
                        _verdict(ratio <= 1.5)))
    bulk = fig("import_bulk")
    if bulk:
        same = "" if bulk.get("identical") else " (bytes differ!)"
        floor = f"{pyd['per_second']:,.0f}/s pydantic" if pyd else ""
        ratio = pyd["per_second"] / bulk["per_second"] if pyd else None
        rows.append(Row("7", f"bulk import, batches of 1,000{same}",
                        f"{bulk['per_second']:,.0f} events/s", floor,
                        f"{ratio:.2f}x" if ratio else "", "<= 2x pydantic",
                        _verdict(ratio <= 2 if ratio else None)))
    helped = fig("cli_help")
    if helped:
        rows.append(Row("", f"cold `{helped['how']}`", _s(helped["seconds"]), "", "", "", ""))

    peer_append, peer_replay, peer_read = fig("peer_append"), fig("peer_replay"), fig("peer_read")
    if peer_append and bulk:
        ratio = bulk["per_second"] / peer_append["per_second"]
        rows.append(Row("8", "eventsourcing batch append vs our import",
                        f"{peer_append['per_second']:,.0f} events/s",
                        f"ours {bulk['per_second']:,.0f}/s", f"{ratio:.2f}x ours",
                        "ours ahead", _verdict(ratio > 1)))
    if peer_replay and build:
        ratio = peer_replay["seconds"] / build["seconds"]
        rows.append(Row("8", f"eventsourcing replay of every aggregate "
                        f"({peer_replay['aggregates']:,}) vs our cold build",
                        _s(peer_replay["seconds"]), f"ours {_s(build['seconds'])}",
                        f"{ratio:.2f}x ours", "ours ahead", _verdict(ratio > 1)))
    if peer_read and ver:
        ratio = peer_read["seconds"] / ver["seconds"]
        rows.append(Row("8", "eventsourcing read of the notification log vs our verify",
                        _s(peer_read["seconds"]), f"ours {_s(ver['seconds'])}",
                        f"{ratio:.2f}x ours", "ours ahead", _verdict(ratio > 1)))
    if not (peer_append or peer_replay or peer_read):
        missing("8", "eventsourcing (SQLite) on the same events", "peer_append", "ours ahead")
    return rows


_RSS_MEASURES = ("answer_one_key", "answer_all", "open_after_append", "build_cold", "verify",
                 "append_single", "import_bulk")
"""The measures whose own process is one call or command of tracker's (goal 5's peak RSS)."""


MEASURE_ORDER = (
    "floor_parse_keep",
    "floor_parse_keep_nogc",
    "floor_parse_discard",
    "floor_parse_chain_keep",
    "floor_pydantic",
    "floor_write_fsync",
    "replay_cold",
    "build_cold",
    "answer_one_key",
    "answer_all",
    "open_after_append",
    "cli_memory",
    "verify",
    "append_single",
    "cold_add",
    "cli_help",
    "import_bulk",
    "peer_append",
    "peer_replay",
    "peer_read",
)


def render(rows: list[Row], *, markdown: bool) -> str:
    """Render the rows as a plain or Markdown table."""
    head = ("goal", "measure", "figure", "floor / base", "ratio", "cpu ratio", "target",
            "verdict")
    table = [head] + [
        (r.goal, r.what, r.figure, r.floor, r.ratio, r.cpu_ratio, r.target, r.verdict)
        for r in rows
    ]
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        out += ["| " + " | ".join(row) + " |" for row in table[1:]]
        return "\n".join(out)
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m benchmarks.report SIZE [--repeat N] [--only a,b] [--json F]``."""
    parser = argparse.ArgumentParser(prog="bash benchmarks/run", description=__doc__.split("\n")[0])
    parser.add_argument("size", type=int, nargs="?", default=10_000,
                        help="events in the log: 10000, 100000 or 1000000 (default 10000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measure (median; 3)")
    parser.add_argument("--seed", type=int, default=7, help="the generator's seed (7)")
    parser.add_argument("--only", default="", help="comma-separated measure names to run")
    parser.add_argument("--json", dest="json_out", help="also write every figure to this file")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args(argv)
    only = [n for n in args.only.split(",") if n]
    unknown = [n for n in only if n not in MEASURE_ORDER]
    if unknown:
        parser.error(f"unknown measure {unknown[0]!r}; choose from {', '.join(MEASURE_ORDER)}")

    started = time.time()
    log = ensure_log(args.size, args.seed)
    work = data_dir() / f"work-{args.size}"
    work.mkdir(parents=True, exist_ok=True)
    import benchmarks.answers
    import benchmarks.peer  # noqa: F401 - they register their measures
    from benchmarks.measures import MEASURES

    results: dict[str, dict[str, Any]] = {}
    prepared = measure("prepare", log, work, 1)
    if "error" in prepared:
        print(f"  preparing the log failed: {prepared['error']}", file=sys.stderr)
    elif prepared["seconds"] > 1:
        print(
            f"  built the log's derived state (read model, id index, seek samples) in "
            f"{prepared['seconds']:.1f} s",
            file=sys.stderr,
        )
    for name in only or MEASURE_ORDER:
        if name not in MEASURES:
            continue
        print(f"  measuring {name} ...", file=sys.stderr, flush=True)
        results[name] = measure(name, log, work, args.repeat)
        if "error" in results[name]:
            print(f"    failed: {results[name]['error']}", file=sys.stderr)
        elif "skipped" in results[name]:
            print(f"    skipped: {results[name]['skipped']}", file=sys.stderr)
    rows = build_rows(results, args.size)
    load = os.getloadavg()
    records = results.get("floor_parse_discard", {}).get("records", args.size)
    print(
        f"\n{records:,} events, {log.stat().st_size / 1e6:,.0f} MB "
        f"({log.stat().st_size / max(records, 1):,.0f} bytes per record); "
        f"medians of {args.repeat} runs; Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average {load[0]:.1f} at the end; "
        f"{time.time() - started:,.0f} s in all\n"
    )
    print(render(rows, markdown=args.markdown))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({"size": args.size, "results": results},
                                                  indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
