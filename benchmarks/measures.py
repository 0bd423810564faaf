"""One function per figure in the benchmark table: the goals of issue 7 and their floors.

Each measure runs in a fresh process (``python -m benchmarks.measures NAME LOG WORKDIR``), so
peak RSS (``resource.getrusage``) is its own and nothing is warm from an earlier measure except
the page cache, which every measure shares alike. It prints one JSON object: ``seconds`` (the
timed part), ``rss_peak_mb`` (peak resident set of the process), ``rss_base_mb`` (resident set
after imports, before the timed part) and whatever else the measure reports.

Floors are what the hardware and the libraries give for the same bytes, with no tracker logic:
a raw orjson parse of every line, a SHA-256 chain check, a write + fsync. The goals are ratios
of tracker's figures to them, measured on the same file in the same run.
"""

from __future__ import annotations

import gc
import hashlib
import inspect
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

Figures = dict[str, Any]
MEASURES: dict[str, Callable[..., Figures]] = {}

_ZERO = "0" * 64
_HASH_KEY = b',"hash":"'


def measure(name: str) -> Callable[[Callable[..., Figures]], Callable[..., Figures]]:
    """Register a measure under ``name``."""

    def register(func: Callable[..., Figures]) -> Callable[..., Figures]:
        MEASURES[name] = func
        return func

    return register


def rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    """Current resident set size of this process, in MB."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6 * (1e6 / 2**20)


def lines_of(path: Path) -> Iterator[bytes]:
    """Every line of a file without its newline, read in big chunks."""
    with open(path, "rb", buffering=0) as f:
        rest = b""
        while chunk := f.read(1 << 22):
            buf = rest + chunk if rest else chunk
            parts = buf.split(b"\n")
            rest = parts.pop()
            yield from parts
        if rest:
            yield rest


def body_hash(line: bytes) -> str:
    """SHA-256 of a canonical record line without its ``hash`` member (the chain check)."""
    i = line.rfind(_HASH_KEY)
    j = i + len(_HASH_KEY) + 65
    return hashlib.sha256(line[:i] + line[j:]).hexdigest()


def record_at_fraction(log: Path, fraction: float) -> dict[str, Any]:
    """The record a given fraction of the way into the log (by bytes), parsed."""
    import orjson

    size = log.stat().st_size
    with open(log, "rb") as f:
        f.seek(int(size * fraction))
        f.readline()
        return orjson.loads(f.readline() or b"null")  # type: ignore[no-any-return]


# --- floors --------------------------------------------------------------------------------


@measure("floor_parse_keep")
def floor_parse_keep(log: Path, work: Path) -> Figures:
    """orjson parse of every line, keeping every dict (the keep-everything floor)."""
    import orjson

    t0, c0 = time.perf_counter(), time.process_time()
    kept = [orjson.loads(line) for line in lines_of(log)]
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"seconds": seconds, "cpu": cpu, "records": len(kept)}


@measure("floor_parse_keep_nogc")
def floor_parse_keep_nogc(log: Path, work: Path) -> Figures:
    """The keep-everything parse with the garbage collector paused (what collecting costs)."""
    gc.disable()
    try:
        return floor_parse_keep(log, work)
    finally:
        gc.enable()


@measure("floor_parse_discard")
def floor_parse_discard(log: Path, work: Path) -> Figures:
    """orjson parse of every line, dropping each dict at once."""
    import orjson

    t0 = time.perf_counter()
    n = 0
    for line in lines_of(log):
        orjson.loads(line)
        n += 1
    return {"seconds": time.perf_counter() - t0, "records": n}


@measure("floor_parse_chain_keep")
def floor_parse_chain_keep(log: Path, work: Path) -> Figures:
    """orjson parse keeping every dict, plus the SHA-256 chain check (the floor of verify)."""
    import orjson

    t0, c0 = time.perf_counter(), time.process_time()
    kept = []
    prev = _ZERO
    for line in lines_of(log):
        record = orjson.loads(line)
        if record["prev"] != prev or body_hash(line) != record["hash"]:
            msg = f"chain broken at {record['seq']}"
            raise RuntimeError(msg)
        prev = record["hash"]
        kept.append(record)
    cpu = time.process_time() - c0
    return {"seconds": time.perf_counter() - t0, "cpu": cpu, "records": len(kept)}


def _typical_line(log: Path) -> bytes:
    """A record line from the middle of the log (the bytes a single append writes)."""
    size = log.stat().st_size
    with open(log, "rb") as f:
        f.seek(size // 2)
        f.readline()
        return f.readline()


def _write_fsync(fd: int, data: bytes) -> float:
    """Seconds to write ``data`` and fsync it."""
    t0 = time.perf_counter()
    os.write(fd, data)
    os.fsync(fd)
    return time.perf_counter() - t0


@measure("floor_write_fsync")
def floor_write_fsync(log: Path, work: Path, count: int = 200) -> Figures:
    """Write + fsync of one record's bytes to a file beside the log: p50 over ``count``."""
    line = _typical_line(log)
    target = work / "floor-write.bin"
    target.unlink(missing_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        times = [_write_fsync(fd, line) for _ in range(count)]
    finally:
        os.close(fd)
        target.unlink(missing_ok=True)
    return {
        "seconds": statistics.median(times),
        "p50_ms": statistics.median(times) * 1e3,
        "p90_ms": statistics.quantiles(times, n=10)[-1] * 1e3,
        "bytes": len(line),
    }


# --- goals ---------------------------------------------------------------------------------


def _scratch_copy(log: Path, work: Path, name: str) -> Path:
    """A private copy of the log to append to (the benchmark log itself is never changed)."""
    copy = work / name
    for old in work.glob(name + "*"):
        if old.is_dir():
            shutil.rmtree(old)
        else:
            old.unlink()
    _drop_derived(copy)  # (derived state of an earlier copy at this path)
    shutil.copyfile(log, copy)
    os.sync()  # no dirty pages left to slow the fsyncs that are timed
    return copy


def _folder(log: Path) -> Path | None:
    """The log's folder of derived state in the user's cache (None: none, or an old tracker)."""
    import tracker

    if not log.exists():
        return None
    with tracker.open(log) as opened:
        derived = getattr(opened, "derived", None)
        return derived.folder if derived is not None else None


def _drop_derived(log: Path) -> None:
    """Remove the derived files of a log (read model, index, seek samples), for a cold measure: in its
    folder in the cache, and beside it (where trackers before issue 13 kept them)."""
    folder = _folder(log)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
    for p in log.parent.glob(log.name + ".*"):
        if p.name.endswith(".lock"):
            continue
        if p.is_dir():
            shutil.rmtree(p)
        else:
            p.unlink()


@measure("replay_cold")
def replay_cold(log: Path, work: Path) -> Figures:
    """Goal 1: full replay of every projection with nothing derived on disk; peak RSS."""
    import tracker

    # replay with an empty cache: no checkpoint, no index, no seek samples (derived state
    # lives in the user's cache since issue 13; the log's own stays as it is for the others)
    cold_cache = work / "cold-cache"
    shutil.rmtree(cold_cache, ignore_errors=True)
    os.environ["TRACKER_CACHE_DIR"] = str(cold_cache)
    target = log
    base = current_rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    with tracker.open(target) as opened:
        state = opened.replay(**_replay_options())
    gc.collect()  # a collection the replay left for later is part of its cost
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    held = current_rss_mb()
    summary = state.summary()
    shutil.rmtree(cold_cache, ignore_errors=True)
    return {
        "seconds": seconds,
        "cpu": cpu,
        "rss_base_mb": base,
        "rss_held_mb": held,
        "state_mb": max(held - base, 0.0),
        "events": summary.get("events"),
    }


def _replay_options() -> dict[str, Any]:
    """Options that make replay the in-memory fold (the reference), where the facade has one."""
    import tracker

    params = inspect.signature(tracker.Log.replay).parameters
    if "fold" in params:
        return {"fold": True}
    return {"checkpoint": False} if "checkpoint" in params else {}


def _cut_before_last(log: Path, records: int) -> int:
    """The offset of the first batch to start at least ``records`` records before the end."""
    import orjson

    size = log.stat().st_size
    with open(log, "rb") as f:
        f.seek(max(size - records * 1500 - 1, 0))
        tail = f.read()
    base = size - len(tail)
    lines = tail.split(b"\n")
    offsets, pos = [], base + len(lines[0]) + 1
    for line in lines[1:-1]:
        offsets.append((pos, orjson.loads(line)))
        pos += len(line) + 1
    last = offsets[-1][1]["seq"]
    starts = [o for o, r in offsets if r["batch"]["index"] == 0 and r["seq"] <= last - records + 1]
    return starts[-1] if starts else 0


@measure("verify")
def verify(log: Path, work: Path) -> Figures:
    """Goal 7: ``Log.verify`` over the whole log."""
    import tracker

    t0, c0 = time.perf_counter(), time.process_time()
    with tracker.open(log) as opened:
        report = opened.verify()
    cpu = time.process_time() - c0
    return {"seconds": time.perf_counter() - t0, "cpu": cpu, "records": report.records}


def _one_event(i: int) -> dict[str, Any]:
    return {
        "type": "statement",
        "speaker": "per-001",
        "occurred": "2026-02-27",
        "quote": f"Benchmark statement number {i}: the regulator's demand was not met in time.",
        "summary": "A statement appended once, durably, from Python.",
        "sources": [{"publisher": "Reuters", "url": f"https://www.reuters.com/bench/{i}",
                     "published": "2026-02-27"}],
    }


@measure("append_single")
def append_single(log: Path, work: Path, count: int = 200) -> Figures:
    """Goal 5: p50 of one durable ``Log.append`` of one event on an open log, and its floor.

    The floor (write + fsync of the same bytes to a file beside it) is interleaved with the
    appends, so both see the same disk.
    """
    import tracker

    copy = _scratch_copy(log, work, "append.jsonl")
    floor_path = work / "floor-append.bin"
    floor_path.unlink(missing_ok=True)
    times, floor = [], []
    with tracker.open(copy) as opened:
        t0 = time.perf_counter()
        opened.append(_one_event(-1))  # the first append loads (or builds) the id index
        first = time.perf_counter() - t0
        line = _last_line(copy)
        fd = os.open(floor_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            for i in range(count):
                t0 = time.perf_counter()
                opened.append(_one_event(i))
                times.append(time.perf_counter() - t0)
                floor.append(_write_fsync(fd, line))
        finally:
            os.close(fd)
            floor_path.unlink(missing_ok=True)
    _drop_derived(copy)
    copy.unlink()
    return {
        "seconds": statistics.median(times),
        "p50_ms": statistics.median(times) * 1e3,
        "p90_ms": statistics.quantiles(times, n=10)[-1] * 1e3,
        "first_ms": first * 1e3,
        "floor_p50_ms": statistics.median(floor) * 1e3,
        "bytes": len(line),
    }


def _last_line(log: Path) -> bytes:
    with open(log, "rb") as f:
        f.seek(max(log.stat().st_size - 8192, 0))
        return f.read().splitlines()[-1] + b"\n"


def _tracker_command() -> list[str] | None:
    """How to run the ``tracker`` command, when the command line is installed."""
    try:
        import tracker.cli.main  # noqa: F401
    except ImportError:
        return None
    exe = Path(sys.executable).with_name("tracker")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "tracker"]


@measure("cold_add")
def cold_add(log: Path, work: Path, count: int = 5) -> Figures:
    """Goal 5: one append from a cold process on the log (``tracker add`` when it exists)."""
    copy = _scratch_copy(log, work, "cold-add.jsonl")
    command = _tracker_command()
    # Build whatever the first append builds (the id index), as any earlier command would have.
    warm = [sys.executable, "-c", _PY_ADD.format(path=str(copy), i=-1)]
    subprocess.run(warm, check=True, capture_output=True, env=_installed_env())
    if command is not None:  # and compile the command line's modules, as any earlier use would
        subprocess.run([*command, "--help"], check=False, capture_output=True, env=_installed_env())
        subprocess.run(
            [*command, "add", "--help"], check=False, capture_output=True, env=_installed_env()
        )
    times = []
    how = "python"
    for i in range(count):
        if command is not None:
            how = "tracker add"
            argv = [*command, "--log", str(copy), "add", "statement", "--speaker", "per-001",
                    "--occurred", "2026-02-27", "--quote", f"Benchmark statement {i}.",
                    "--publisher", "Reuters", "--source", f"https://www.reuters.com/cold/{i}"]
        else:
            argv = [sys.executable, "-c", _PY_ADD.format(path=str(copy), i=i)]
        t0 = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, text=True, env=_installed_env())
        times.append(time.perf_counter() - t0)
        if done.returncode != 0:
            if command is not None and how == "tracker add":
                command = None  # the command line's flags differ: fall back to Python
                times.pop()
                continue
            msg = f"cold add failed: {done.stderr.strip()[-300:]}"
            raise RuntimeError(msg)
    _drop_derived(copy)
    copy.unlink()
    return {"seconds": statistics.median(times), "how": how, "each": times}


def _installed_env() -> dict[str, str]:
    """The environment of a cold command as an installed tracker runs it: with Python's
    bytecode cache (an installed package is compiled once; a sandbox that sets
    PYTHONDONTWRITEBYTECODE would make every start-up compile tracker's sources again)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


_PY_ADD = (
    "import tracker; "
    "log = tracker.open({path!r}); "
    "log.append(dict(type='statement', speaker='per-001', occurred='2026-02-27', "
    "quote='Benchmark statement {i}.', sources=[dict(publisher='Reuters', "
    "url='https://www.reuters.com/cold/{i}')])); log.close()"
)


@measure("cli_help")
def cli_help(log: Path, work: Path, count: int = 5) -> Figures:
    """``tracker --help`` from a cold process (``python -c 'import tracker'`` before the CLI)."""
    command = _tracker_command()
    argv = [*command, "--help"] if command else [sys.executable, "-c", "import tracker"]
    env = _installed_env()
    subprocess.run(argv, check=True, capture_output=True, env=env)  # writes the bytecode cache
    times = []
    for _ in range(count):
        t0 = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - t0)
    return {"seconds": statistics.median(times), "how": "tracker --help" if command else "import"}


@measure("import_bulk")
def import_bulk(log: Path, work: Path, batch: int = 1000) -> Figures:
    """Goal 6: re-import the log's events (derived ids dropped) into a new log, in batches.

    Every batch is validated, checked (ids, references), chained and fsynced; reading the
    source lines is not timed.
    """
    import orjson

    import tracker
    from benchmarks.generate import BenchClock

    target = work / "import.jsonl"
    for old in work.glob("import.jsonl*"):
        old.unlink()
    clock = BenchClock()
    appended = 0
    timed = 0.0
    with tracker.open(target, create=True, clock=clock) as opened:
        pending: list[dict[str, Any]] = []
        last = ""

        def flush() -> float:
            clock.now = _instant(last)
            t0 = time.perf_counter()
            opened.append(pending)
            return time.perf_counter() - t0

        for line in lines_of(log):
            record = orjson.loads(line)
            event = record["event"]
            if event.get("id", "").startswith("ev-"):
                del event["id"]
            if record["batch"]["index"] == 0 and pending:
                timed += flush()
                appended += len(pending)
                pending = []
            pending.append(event)
            last = record["recorded"]
        if pending:
            timed += flush()
            appended += len(pending)
    same = _same_bytes(log, target)
    _drop_derived(target)
    target.unlink()
    return {"seconds": timed, "records": appended, "per_second": appended / timed,
            "identical": same}


def _instant(text: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(text)


def _same_bytes(a: Path, b: Path) -> bool:
    """Whether two files hold the same bytes (the re-import must reproduce the log)."""
    if a.stat().st_size != b.stat().st_size:
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(1 << 22), fb.read(1 << 22)
            if x != y:
                return False
            if not x:
                return True


@measure("prepare")
def prepare(log: Path, work: Path) -> Figures:
    """Bring the log's derived files (index, seek samples, read model) up to date; not a figure.

    They are what any log in use has in the user's cache: the first append builds the index,
    and the first replay the read model.
    """
    import tracker

    t0 = time.perf_counter()
    with tracker.open(log) as opened:
        opened.derived.catch_up()  # builds the index if missing or stale; close saves it
        opened.derived.seek.refresh()
        opened.replay()  # catches the read model up (builds it the first time)
    return {"seconds": time.perf_counter() - t0}


def run(name: str, log: Path, work: Path, **options: Any) -> Figures:
    """Run one measure in this process; add RSS figures.

    The goals' measures import tracker's facade before they start timing, as the floors import
    orjson: the timed part is the work on the log, and start-up has measures of its own.
    """
    if not name.startswith("floor") and name not in ("cold_add", "cli_help"):
        import tracker._log
        import tracker.projections.state  # noqa: F401
        from tracker.events.codec import EVENT_ADAPTER

        EVENT_ADAPTER.validate_json  # noqa: B018 - the union's validator, built on first use
    base = current_rss_mb()
    cpu = time.process_time()
    figures = MEASURES[name](log, work, **options)
    figures["cpu_seconds"] = time.process_time() - cpu  # the whole measure, set-up included
    figures.setdefault("rss_base_mb", base)
    figures["rss_peak_mb"] = rss_mb()
    return figures


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.measures NAME LOG WORKDIR``: print one JSON object."""
    args = sys.argv[1:] if argv is None else argv
    name, log, work = args[0], Path(args[1]), Path(args[2])
    work.mkdir(parents=True, exist_ok=True)
    import benchmarks.answers
    import benchmarks.measures
    import benchmarks.peer  # noqa: F401 - they register their measures

    MEASURES.update(benchmarks.measures.MEASURES)  # (this module may run as __main__)
    os.environ.setdefault("TRACKER_CACHE_DIR", str(work / "cache"))  # derived state, key
    print(json.dumps(run(name, log, work)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
