"""The peer a user might pick: the ``eventsourcing`` library (SQLite), on the same events.

Optional: ``pip install -e '.[bench]'`` installs it; without it these measures report that it
is missing and the table leaves the rows out. It is never a dependency of tracker.

The events are modelled the way eventsourcing's documentation models a domain: one aggregate per
tracked event (its id is a UUID derived from the event id), created by a ``Recorded`` domain
event that carries the event as given; a correction, retraction or supersession is a ``Fixed``
domain event on its target's aggregate (a correction replaces the aggregate's data). The
application is eventsourcing's ``Application`` with its SQLite persistence module and its
default JSON transcoder; each batch of the log (1,000 events) is saved in one ``save`` call,
one transaction.

Three rows compare like with like:

- ``peer_append``: the batches saved, against tracker's bulk import of the same events;
- ``peer_replay``: every aggregate rebuilt from its stored events (``repository.get``), against
  tracker's cold build of what its replays read;
- ``peer_read``: the whole notification log selected and mapped back to domain events, against
  tracker's ``verify`` (which reads and checks every record).
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from typing import Any

from benchmarks.measures import Figures, lines_of, measure

try:
    from eventsourcing.domain import Aggregate, event
except ModuleNotFoundError:  # the optional extra is not installed: the measures say so
    Aggregate = None


_NS = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")
_FIXES = ("corrects", "retracts", "supersedes")


if Aggregate is not None:

    class Item(Aggregate):  # type: ignore[misc,valid-type]
        """One tracked event as an aggregate."""

        @staticmethod
        def create_id(key: str) -> uuid.UUID:
            """The aggregate's id: a UUID derived from the event id."""
            return uuid.uuid5(_NS, key)

        @event("Recorded")  # type: ignore[misc]
        def __init__(self, key: str, data: dict[str, Any]) -> None:
            self.key = key
            self.data = data
            self.fixes: list[dict[str, Any]] = []

        @event("Fixed")  # type: ignore[misc]
        def fix(self, fix: dict[str, Any]) -> None:
            """Record a correction, retraction or supersession of it."""
            self.fixes.append(fix)
            if fix["type"] == "correction":
                self.data = fix["replacement"]




def _app(db: Path) -> Any:
    """An eventsourcing Application on the SQLite database at ``db``."""
    os.environ["PERSISTENCE_MODULE"] = "eventsourcing.sqlite"
    os.environ["SQLITE_DBNAME"] = str(db)
    from eventsourcing.application import Application

    return Application()


def _item_class() -> Any:
    return Item


def _missing() -> Figures | None:
    try:
        import eventsourcing  # noqa: F401
    except ModuleNotFoundError:
        return {"seconds": 0.0, "skipped": "eventsourcing is not installed (pip install -e '.[bench]')"}
    return None


def _db(work: Path) -> Path:
    return work / "peer-eventsourcing.sqlite"


@measure("peer_append")
def peer_append(log: Path, work: Path) -> Figures:
    """eventsourcing saves the log's events batch by batch (reading the lines untimed)."""
    if (missing := _missing()) is not None:
        return missing
    import orjson

    db = _db(work)
    for old in work.glob(db.name + "*"):
        old.unlink()
    app = _app(db)
    item = _item_class()
    timed, count, ids = 0.0, 0, 0
    pending: dict[str, Any] = {}
    batch: list[dict[str, Any]] = []

    def flush() -> float:
        t0 = time.perf_counter()
        for event in batch:
            target = next((event[f] for f in _FIXES if f in event), None)
            if target is None:
                pending[event["id"]] = item(event["id"], event)
                continue
            aggregate = pending.get(target) or app.repository.get(item.create_id(target))
            aggregate.fix(event)
            pending[target] = aggregate
        app.save(*pending.values())
        pending.clear()
        return time.perf_counter() - t0

    for line in lines_of(log):
        record = orjson.loads(line)
        if record["batch"]["index"] == 0 and batch:
            timed += flush()
            count += len(batch)
            batch = []
        batch.append(record["event"])
        ids += record["event"]["type"] not in ("correction", "retraction", "supersession")
    timed += flush()
    count += len(batch)
    (work / "peer-aggregates.txt").write_text(str(ids))
    return {"seconds": timed, "records": count, "per_second": count / timed, "aggregates": ids,
            "db_bytes": sum(p.stat().st_size for p in work.glob(db.name + "*"))}


@measure("peer_replay")
def peer_replay(log: Path, work: Path) -> Figures:
    """eventsourcing rebuilds every aggregate from its events (``repository.get`` each)."""
    if (missing := _missing()) is not None:
        return missing
    import orjson

    db = _db(work)
    if not db.exists():
        peer_append(log, work)
    item = _item_class()
    keys = []
    for line in lines_of(log):
        event = orjson.loads(line)["event"]
        if event["type"] not in ("correction", "retraction", "supersession"):
            keys.append(item.create_id(event["id"]))
    app = _app(db)
    t0, c0 = time.perf_counter(), time.process_time()
    get = app.repository.get
    for key in keys:
        get(key)
    return {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0,
            "aggregates": len(keys)}


@measure("peer_read")
def peer_read(log: Path, work: Path) -> Figures:
    """eventsourcing reads its whole notification log, mapping each back to a domain event."""
    if (missing := _missing()) is not None:
        return missing
    db = _db(work)
    if not db.exists():
        peer_append(log, work)
    app = _app(db)
    select, to_event = app.recorder.select_notifications, app.mapper.to_domain_event
    t0, c0 = time.perf_counter(), time.process_time()
    start, count = 1, 0
    while True:
        got = select(start=start, limit=1000)
        if not got:
            break
        for notification in got:
            to_event(notification)
        count += len(got)
        start = got[-1].id + 1
    return {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0,
            "records": count}
