"""The benchmark table: every goal of issue 7 with its floor, measured in one run on one log.

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
    """Turn the measures into table rows: figure, floor, ratio, target, verdict."""
    rows: list[Row] = []

    def fig(name: str) -> dict[str, Any] | None:
        got = m.get(name)
        return None if got is None or "error" in got else got

    keep, discard, chain = fig("floor_parse_keep"), fig("floor_parse_discard"), fig(
        "floor_parse_chain_keep"
    )
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

    cold = fig("replay_cold")
    if cold and keep:
        ratio = cold["seconds"] / keep["seconds"]
        rows.append(Row("1", "cold replay, every projection", _s(cold["seconds"]),
                        _s(keep["seconds"]), f"{ratio:.2f}x", "<= 2x", _verdict(ratio <= 2),
                        _cpu_ratio(cold, keep)))
        extra = cold["rss_peak_mb"] - cold["state_mb"]
        rows.append(Row("1", "cold replay peak RSS (minus the state it holds)",
                        f"{cold['rss_peak_mb']:,.0f} MB", f"state {cold['state_mb']:,.0f} MB",
                        f"{extra:,.0f} MB", "<= 150 MB + state", _verdict(extra <= 150)))
    elif "replay_cold" in m:
        rows.append(Row("1", "cold replay", m["replay_cold"].get("error", "?"), "", "", "<= 2x",
                        "n/a"))

    warm = fig("open_warm")
    if warm:
        base = _s(cold["seconds"]) if cold else ""
        ratio = f"{warm['seconds'] / cold['seconds']:.3f}x" if cold else ""
        rows.append(Row("2", f"warm open: checkpoint + {warm['folded']:,} new events",
                        _s(warm["seconds"]), base, ratio, "<= 150 ms",
                        _verdict(warm["seconds"] <= 0.150), _cpu_ratio(warm, cold, 3)))
    else:
        rows.append(Row("2", "warm open: checkpoint + 2,000 new events", "not built yet", "", "",
                        "<= 150 ms", "n/a"))

    known = fig("replay_known_at")
    if known and cold:
        ratio = known["seconds"] / cold["seconds"]
        each = ", ".join(f"{k} {_s(v)}" for k, v in known["each"].items())
        rows.append(Row("3", f"replay to known_at ({each}; slowest)", _s(known["seconds"]),
                        _s(cold["seconds"]), f"{ratio:.3f}x", "<= 0.1x", _verdict(ratio <= 0.1),
                        _cpu_ratio(known, cold, 3)))

    actor = fig("actor_view")
    if actor and cold:
        ratio = actor["seconds"] / cold["seconds"]
        rows.append(Row("4", f"one actor's view at an as_of (median actor, {actor['events']:,} "
                        "events)", _s(actor["seconds"]), _s(cold["seconds"]), f"{ratio:.4f}x",
                        "<= 0.02x", _verdict(ratio <= 0.02), _cpu_ratio(actor, cold, 4)))
        busy = actor["busiest_seconds"] / cold["seconds"]
        rows.append(Row("4", f"  the busiest actor ({actor['busiest_events']:,} events)",
                        _s(actor["busiest_seconds"]), _s(cold["seconds"]), f"{busy:.4f}x", "",
                        ""))
    else:
        rows.append(Row("4", "one actor's view at an as_of", "not built yet", "", "", "<= 0.02x",
                        "n/a"))

    single = fig("append_single")
    if single:
        ratio = single["p50_ms"] / single["floor_p50_ms"]
        rows.append(Row("5", "single durable append, p50", f"{single['p50_ms']:.3f} ms",
                        f"{single['floor_p50_ms']:.3f} ms", f"{ratio:.2f}x", "<= 1.5x",
                        _verdict(ratio <= 1.5)))
        rows.append(Row("5", "  first append after open (loads the id index)",
                        f"{single['first_ms']:.1f} ms", "", "", "", ""))
    cold_add = fig("cold_add")
    if cold_add:
        rows.append(Row("5", f"one add from a cold process ({cold_add['how']})",
                        _s(cold_add["seconds"]), "", "", "< 200 ms",
                        _verdict(cold_add["seconds"] < 0.2)))
    helped = fig("cli_help")
    if helped:
        rows.append(Row("5", f"cold `{helped['how']}`", _s(helped["seconds"]), "", "", "", ""))

    bulk, raw_bulk = fig("import_bulk"), fig("floor_bulk_write")
    if bulk:
        floor = f"{raw_bulk['per_second']:,.0f}/s raw" if raw_bulk else ""
        ratio = f"{bulk['per_second'] / raw_bulk['per_second']:.2f}x" if raw_bulk else ""
        same = "" if bulk.get("identical") else " (bytes differ!)"
        rows.append(Row("6", f"bulk import, batches of 1,000{same}",
                        f"{bulk['per_second']:,.0f} events/s", floor, ratio, ">= 145,000/s",
                        _verdict(bulk["per_second"] >= 145_000)))

    ver = fig("verify")
    if ver and chain:
        ratio = ver["seconds"] / chain["seconds"]
        rows.append(Row("7", "verify", _s(ver["seconds"]), _s(chain["seconds"]), f"{ratio:.2f}x",
                        "<= 1.2x", _verdict(ratio <= 1.2), _cpu_ratio(ver, chain)))
    write = fig("floor_write_fsync")
    if write:
        rows.append(Row("floor", "write + fsync of one record (p50)", f"{write['p50_ms']:.3f} ms",
                        "", "", "", ""))
    return rows


MEASURE_ORDER = (
    "floor_parse_keep",
    "floor_parse_keep_nogc",
    "floor_parse_discard",
    "floor_parse_chain_keep",
    "floor_write_fsync",
    "floor_bulk_write",
    "replay_cold",
    "open_warm",
    "replay_known_at",
    "actor_view",
    "verify",
    "append_single",
    "cold_add",
    "cli_help",
    "import_bulk",
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
    from benchmarks.measures import MEASURES

    results: dict[str, dict[str, Any]] = {}
    prepared = measure("prepare", log, work, 1)
    if "error" in prepared:
        print(f"  preparing the log failed: {prepared['error']}", file=sys.stderr)
    elif prepared["seconds"] > 1:
        print(f"  built the log's index, seek samples and checkpoint in {prepared['seconds']:.1f} s",
              file=sys.stderr)
    for name in only or MEASURE_ORDER:
        if name not in MEASURES:
            continue
        print(f"  measuring {name} ...", file=sys.stderr, flush=True)
        results[name] = measure(name, log, work, args.repeat)
        if "error" in results[name]:
            print(f"    failed: {results[name]['error']}", file=sys.stderr)
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
