"""The measures of issue 16: answers at any two dates, opening after appends, building, memory.

They use only the public API (``tracker.open``, ``log.replay``, ``log.actor`` and the
projections on the state), so they measure whatever answers those calls: an in-memory fold
with checkpoints before the read model, the read model after it.

The clocks are fixed by the log: ``as_of`` is the day of the record three quarters of the way
into the log (where late reports keep arriving) and ``known_at`` the recorded time of the record
at nine tenths, so every answer is bounded on both clocks.

The keys (one topic, one actor, one regulator-target pair, one metric) are the median ones by
how many records concern them, found by one raw pass over the log (cached beside the work
files, never timed).
"""

from __future__ import annotations

import gc
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.measures import (
    Figures,
    _cut_before_last,
    _drop_derived,
    _installed_env,
    _tracker_command,
    current_rss_mb,
    lines_of,
    measure,
    record_at_fraction,
)

_ACTOR_FIELDS = {
    "statement": ("speaker", "about"),
    "figure": ("subject", "reported_by"),
    "policy_change": ("actor", "product"),
    "regulatory_action": ("regulator", "target"),
    "verification": ("verifier",),
    "incident": ("actors",),
}
"""The fields of each event type that name actors."""


def clocks(log: Path) -> tuple[str, str]:
    """(as_of, known_at) for the answers: a day at 75% of the log, a record time at 90%."""
    as_of = record_at_fraction(log, 0.75)["recorded"][:10]
    known_at = record_at_fraction(log, 0.90)["recorded"]
    return as_of, known_at


def _median(counts: Counter[Any]) -> tuple[Any, int]:
    ranked = sorted(counts.items(), key=lambda kv: (kv[1], str(kv[0])))
    return ranked[len(ranked) // 2]


def keys(log: Path, work: Path) -> dict[str, Any]:
    """The median topic, actor, pair and metric, with how many records concern each."""
    cache = work / f"keys-{log.name}.json"
    if cache.exists() and cache.stat().st_mtime >= log.stat().st_mtime:
        return json.loads(cache.read_text())  # type: ignore[no-any-return]
    import orjson

    topics: Counter[str] = Counter()
    actors: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    metrics: Counter[str] = Counter()
    for line in lines_of(log):
        event = orjson.loads(line)["event"]
        if event["type"] == "correction":
            event = event["replacement"]
        kind = event["type"]
        if kind == "statement" and event.get("stance") is not None and event.get("topic"):
            topics[event["topic"]] += 1
        elif kind == "figure":
            metrics[event["metric"]] += 1
        elif kind == "regulatory_action" and "ends" not in event:
            pairs[(event["regulator"], event["target"])] += 1
        for field in _ACTOR_FIELDS.get(kind, ()):
            value = event.get(field)
            for actor in [value] if isinstance(value, str) else value or ():
                actors[actor] += 1
    topic, topic_rows = _median(topics)
    actor, actor_rows = _median(actors)
    pair, pair_rows = _median(pairs)
    metric, metric_rows = _median(metrics)
    found = {
        "topic": topic, "topic_rows": topic_rows,
        "actor": actor, "actor_rows": actor_rows,
        "pair": list(pair), "pair_rows": pair_rows,
        "metric": metric, "metric_rows": metric_rows,
    }
    cache.write_text(json.dumps(found))
    return found


def _answer(log: Any, kind: str, key: Any, as_of: str, known_at: str) -> int:
    """Answer one key's question from an open log; return how many rows the answer has."""
    if kind == "actor":
        view = log.actor(key, as_of=as_of, known_at=known_at)
        return len(view.to_json()["events"])
    state = log.replay(as_of=as_of, known_at=known_at)
    if kind == "topic":
        return len(state.stances(topic=key).to_json()) + len(
            state.stance_changes(topic=key).to_json()
        )
    if kind == "pair":
        posture = state.posture(regulator=key[0], target=key[1])
        return len(posture.to_json()["steps"])
    return sum(len(s["points"]) for s in state.figures(metric=key).to_json())


_KINDS = ("topic", "actor", "pair", "metric")


@measure("answer_one_key")
def answer_one_key(log: Path, work: Path) -> Figures:
    """Goal 1: open the log and answer one key at (as_of, known_at), for each kind of key.

    Each answer opens the log afresh (derived files already built, as on any log in use). The
    figure is the slowest kind's time minus its budget's per-row part; each kind's time, rows
    and budget are reported. A cold process answering the topic's stances is timed too.
    """
    import tracker

    as_of, known_at = clocks(log)
    found = keys(log, work)
    each: dict[str, float] = {}
    cpu: dict[str, float] = {}
    answered: dict[str, int] = {}
    for kind in _KINDS:
        key = tuple(found[kind]) if kind == "pair" else found[kind]
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        with tracker.open(log) as opened:
            answered[kind] = _answer(opened, kind, key, as_of, known_at)
        each[kind] = time.perf_counter() - t0
        cpu[kind] = time.process_time() - c0
    budget = {kind: 0.020 + 10e-6 * found[f"{kind}_rows"] for kind in _KINDS}
    worst = max(_KINDS, key=lambda k: each[k] / budget[k])
    cold = _cold_answer(log, found["topic"], as_of, known_at)
    return {
        "seconds": each[worst], "cpu": cpu[worst], "worst": worst, "each": each,
        "rows": {k: found[f"{k}_rows"] for k in _KINDS}, "answered": answered,
        "budget": budget, "keys": {k: found[k] for k in _KINDS},
        "cold_seconds": cold, "cold_extra": cold - each["topic"],
        "as_of": as_of, "known_at": known_at,
    }


_COLD = """
import time
t0 = time.perf_counter()
import tracker
with tracker.open({log!r}) as log:
    state = log.replay(as_of={as_of!r}, known_at={known_at!r})
    n = len(state.stances(topic={topic!r}).to_json())
print(time.perf_counter() - t0)
"""


def _cold_answer(log: Path, topic: str, as_of: str, known_at: str, count: int = 3) -> float:
    """Wall time of a fresh interpreter that opens the log and answers one topic's stances."""
    code = _COLD.format(log=str(log), as_of=as_of, known_at=known_at, topic=topic)
    argv = [sys.executable, "-c", code]
    env = _installed_env()
    subprocess.run(argv, check=True, capture_output=True, env=env)  # bytecode cache written
    times = []
    for _ in range(count):
        t0 = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


def answer_everything(state: Any) -> int:
    """Everything the report shows, in the JSON form a script gets: returns the rows seen."""
    n = 0
    for entry in state.timeline():
        n += 1
        del entry
    n += len(state.uncertain())
    n += len(state.stances().to_json()) + len(state.stance_changes().to_json())
    n += len(state.figures().to_records())
    posture = state.posture().to_json()
    n += len(posture["current"]) + len(posture["steps"])
    disputes = state.disputes().to_json()
    n += len(disputes["claims"]) + len(disputes["verdicts"]) + len(disputes["fixes"])
    return n


@measure("answer_all")
def answer_all(log: Path, work: Path) -> Figures:
    """Goal 2: open the log and answer every projection at (as_of, known_at): the timeline and
    the uncertain events, stances and their changes, figures, posture, disputes."""
    import tracker

    as_of, known_at = clocks(log)
    base = current_rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    with tracker.open(log) as opened:
        state = opened.replay(as_of=as_of, known_at=known_at)
        rows = answer_everything(state)
    del state
    gc.collect()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"seconds": seconds, "cpu": cpu, "rows": rows, "rss_base_mb": base}


@measure("open_after_append")
def open_after_append(log: Path, work: Path, new: int = 2000) -> Figures:
    """Goal 3: open a log whose derived files are up to date but for ~2,000 records appended
    since (by another process): the replay that catches them up (no question asked yet).

    A copy of the log without its last batches is opened and replayed (which builds whatever
    replays keep); then the rest of the log's bytes are appended as they are, and the copy is
    opened and answered again (the timed part).
    """
    import tracker

    with tracker.open(log) as opened:
        new = min(new, len(opened) // 4)
    cut = _cut_before_last(log, new)
    copy = work / "after.jsonl"
    for old in work.glob("after.jsonl*"):
        shutil.rmtree(old) if old.is_dir() else old.unlink()
    with open(log, "rb") as src, open(copy, "wb") as dst:
        shutil.copyfileobj(src, dst, length=1 << 22)
    with open(copy, "r+b") as f:
        f.truncate(cut)
    with tracker.open(copy) as opened:
        before = len(opened)
        _warm(opened)
    with open(log, "rb") as src, open(copy, "ab") as dst:
        src.seek(cut)
        shutil.copyfileobj(src, dst, length=1 << 22)
    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    with tracker.open(copy) as opened:
        state = opened.replay()
        after = state.head_seq
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    _drop_derived(copy)
    copy.unlink()
    return {"seconds": seconds, "cpu": cpu, "new": after - before}


def _warm(opened: Any) -> None:
    """Bring an open log's derived state up to date, as any earlier command would have."""
    import inspect

    params = inspect.signature(type(opened).replay).parameters
    opened.replay(**({"checkpoint": True} if "checkpoint" in params else {}))  # (before issue 16)


@measure("build_cold")
def build_cold(log: Path, work: Path) -> Figures:
    """Goal 4 (and 6): build the derived state replays read, from nothing, into an empty cache
    folder; then sum what every derived file of the log takes on disk."""
    import tracker

    cache = work / "build-cache"
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir()
    os.environ["TRACKER_CACHE_DIR"] = str(cache)
    copy = work / "build"
    copy.mkdir(exist_ok=True)
    target = copy / log.name
    if not target.exists():
        os.symlink(log.resolve(), target)
    _drop_derived(target)
    with tracker.open(target) as opened:
        records = len(opened)
    t0, c0 = time.perf_counter(), time.process_time()
    with tracker.open(target) as opened:
        _warm(opened)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    with tracker.open(target) as opened:
        opened.append([])  # whatever an append keeps (the id index) is derived state too
        keeper = getattr(opened, "derived", None)  # (tracker.derived since issue 13)
        keeper.catch_up() if keeper is not None else getattr(opened, "_catch_up", lambda: None)()
    derived = _derived_bytes(target, cache)
    _drop_derived(target)
    shutil.rmtree(cache, ignore_errors=True)
    return {"seconds": seconds, "cpu": cpu, "records": records,
            "per_record_us": seconds / max(records, 1) * 1e6, "derived_bytes": derived,
            "log_bytes": log.stat().st_size}


def _derived_bytes(log: Path, cache: Path) -> int:
    """Bytes of every derived file of ``log``: beside it (older layouts) and in the cache."""
    total = 0
    for p in [*log.parent.glob(log.name + ".*"), cache]:
        if p.name.endswith(".lock"):
            continue
        if p.is_dir():
            total += sum(f.stat().st_size for f in p.rglob("*") if f.is_file() and
                         not f.name.endswith(".key"))
        elif p.is_file():
            total += p.stat().st_size
    return total


@measure("cli_memory")
def cli_memory(log: Path, work: Path) -> Figures:
    """Goal 5: peak RSS of commands that read the whole log, each in its own process:
    ``tracker replay --json`` (every event printed) and ``tracker stances --json``."""
    command = _tracker_command()
    if command is None:
        return {"seconds": 0.0, "error": "no command line"}
    peaks: dict[str, float] = {}
    times: dict[str, float] = {}
    for name, argv in (("replay --json", ["replay", "--json"]),
                       ("stances --json", ["stances", "--json"])):
        code = (
            "import resource, subprocess, sys, time\n"
            "t0 = time.perf_counter()\n"
            f"done = subprocess.run({[*command, '--log', str(log), *argv]!r}, "
            "stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
            "print(time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_CHILDREN)"
            ".ru_maxrss / 1024, done.returncode)\n"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env=_installed_env(), check=True)
        seconds, peak, code_ = out.stdout.split()
        if code_ != "0":
            return {"seconds": 0.0, "error": f"tracker {name} exited {code_}"}
        peaks[name], times[name] = float(peak), float(seconds)
    worst = max(peaks, key=lambda k: peaks[k])
    return {"seconds": times[worst], "peak_mb": peaks[worst], "worst": worst, "peaks": peaks,
            "each": times, "self_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            / 1024}


@measure("floor_pydantic")
def floor_pydantic(log: Path, work: Path) -> Figures:
    """The validation floor of an import: pydantic alone validating the events an import of
    the log is given (derived ids dropped), as dicts; reading and parsing the lines untimed."""
    import orjson

    from tracker.events.codec import EVENT_ADAPTER

    validate = EVENT_ADAPTER.validate_python
    timed, count = 0.0, 0
    chunk: list[dict[str, Any]] = []

    def run() -> float:
        t0 = time.perf_counter()
        for event in chunk:
            validate(event)
        return time.perf_counter() - t0

    c0 = time.process_time()
    parse_cpu = 0.0
    for line in lines_of(log):
        p0 = time.process_time()
        event = orjson.loads(line)["event"]
        if event.get("id", "").startswith("ev-"):
            del event["id"]
        chunk.append(event)
        parse_cpu += time.process_time() - p0
        if len(chunk) == 1000:
            timed += run()
            count += len(chunk)
            chunk = []
    timed += run()
    count += len(chunk)
    cpu = time.process_time() - c0 - parse_cpu
    return {"seconds": timed, "cpu": cpu, "records": count, "per_second": count / timed}
