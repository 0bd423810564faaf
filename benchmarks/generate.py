"""Generate a realistic synthetic log for benchmarks: seeded, every event type, written for real.

The log is written through the real code path a bulk import takes (``tracker.open`` and
``Log.append`` in batches: validation, reference checks, hash chain, fsync per batch), on an
injectable clock that walks through ~6 months of recorded time, so the bytes are the same for
the same seed and size on every machine.

What is in it (the mix a newsroom following a long controversy produces):

- ~200 actors (people, companies, regulators, media, ...) with aliases and relations, and
  ~50 topics, registered first;
- statements with stances, figures with units and ranges, incidents, policy changes,
  regulatory actions climbing the ladder (and closures ending some), verifications of earlier
  events, and the fixes: corrections, retractions and supersessions;
- dates at every precision (days, minutes with offsets, months, '..D', 'D1..D2', '~');
- late reports: about 8% of world events are recorded 2-8 weeks after they occurred;
- about a third of the events carry a user-given id, the rest get derived ones;
- records of 500-1,000 bytes each (1-2 sources with URLs, publication dates and quotes).

Use::

    python -m benchmarks.generate 100000 /tmp/bench-100k.jsonl [--seed 7] [--batch 1000]
    python benchmarks/generate.py 10000 /tmp/bench-10k.jsonl

or from Python: ``benchmarks.generate.generate(path, 100_000)``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: python benchmarks/generate.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

GENERATOR_VERSION = 3
"""Bumped when the generator's output changes, so cached logs are regenerated."""

START = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)
"""The recorded clock's first reading."""

SPAN = timedelta(days=180)
"""How much recorded time the whole log covers."""

_KINDS = (
    ("person", 50),
    ("company", 30),
    ("product", 20),
    ("platform", 10),
    ("regulator", 25),
    ("government", 15),
    ("prosecutor", 8),
    ("court", 5),
    ("legislator", 10),
    ("media", 17),
    ("ngo", 7),
    ("investor", 3),
)
_RELATIONS = ("developed_by", "runs_on", "operated_by", "part_of", "owned_by", "led_by", "member_of")
_JURISDICTIONS = ("GB", "EU", "FR", "US", "DE", "IE", "IN", "AU", "BR", "JP")
_UNITS = (
    ("count", 1_000, 900_000),
    ("per_hour", 100, 20_000),
    ("per_day", 1_000, 500_000),
    ("USD_million", 1, 5_000),
    ("USD_billion", 0.1, 50),
    ("EUR_million", 1, 900),
    ("GBP_million", 1, 400),
    ("percent", 0.1, 99),
    ("thousand", 1, 800),
)
_METRICS = (
    "sexualised_images",
    "images_generated",
    "reports_received",
    "accounts_suspended",
    "quarterly_loss",
    "funds_raised",
    "fine_amount",
    "victims_identified",
    "requests_refused",
    "share_of_users",
    "posts_removed",
    "complaints_filed",
)
_WORDS = (
    "the regulator said platform images generated tool access paid users safety report "
    "investigation deepfake content victims removed policy statement minister company "
    "spokesperson confirmed denied published figures analysis researchers found evidence "
    "thousands per hour children protection law online harms act commission demanded "
    "retention documents prosecutor widened inquiry subscribers paywall restricted free "
    "version still available app website users abuse consent non-consensual imagery model "
    "guardrails filters update rollout announced criticised insulting response inadequate "
    "ultimatum deadline comply fine turnover percent billion million quarter loss raise "
    "investors valuation board chief executive engineers staff memo leaked internal review "
    "audit transparency request information notice preservation order court hearing appeal "
    "lawmakers committee letter urged ban suspension country access blocked restored weeks "
    "days months after before during while because although however moreover meanwhile"
).split()
_PUBLISHERS = (
    ("Bloomberg", "bloomberg.com"),
    ("The Verge", "theverge.com"),
    ("Reuters", "reuters.com"),
    ("BBC News", "bbc.co.uk"),
    ("The Guardian", "theguardian.com"),
    ("Le Monde", "lemonde.fr"),
    ("Financial Times", "ft.com"),
    ("Associated Press", "apnews.com"),
    ("Politico Europe", "politico.eu"),
    ("Wired", "wired.com"),
    ("Ofcom", "ofcom.org.uk"),
    ("European Commission", "ec.europa.eu"),
    ("Der Spiegel", "spiegel.de"),
    ("The Irish Times", "irishtimes.com"),
    ("Nikkei Asia", "asia.nikkei.com"),
)

# The mix of events after the registrations, by weight.
_MIX = (
    ("statement", 34),
    ("figure", 18),
    ("incident", 10),
    ("policy_change", 5),
    ("regulatory_action", 10),
    ("verification", 11),
    ("correction", 5),
    ("retraction", 2),
    ("supersession", 3),
    ("closure", 1.9),
    ("actor_fix", 0.1),  # a correction of an actor's registration (a new alias)
)

LATE_SHARE = 0.08
"""Share of world events recorded 2-8 weeks after they occurred."""


@dataclass(frozen=True)
class Generated:
    """What :func:`generate` wrote."""

    path: Path
    events: int
    bytes: int
    seconds: float

    @property
    def rate(self) -> float:
        """Events appended per second (validation, checks, hash chain, fsync per batch)."""
        return self.events / self.seconds if self.seconds else 0.0


class BenchClock:
    """The injectable clock: it reads whatever the generator last set."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def _day(t: datetime) -> str:
    return t.strftime("%Y-%m-%d")


class _Maker:
    """Builds event dicts; remembers what was appended so later events can point at it."""

    def __init__(self, rng: random.Random, n_actors: int, n_topics: int) -> None:
        self.rng = rng
        self.sentences = [self._sentence(rng.randint(8, 22)) for _ in range(4000)]
        self.actors: list[tuple[str, str]] = []  # (slug, kind)
        self.by_kind: dict[str, list[str]] = {}
        self.topics: list[str] = []
        self.registrations: dict[str, dict[str, Any]] = {}  # actor slug -> its event (id set)
        self.n_actors = n_actors
        self.n_topics = n_topics
        # event ids known to be in the log, by type (world events that can be targeted)
        self.targets: dict[str, list[str]] = {}
        self.open_actions: list[str] = []
        self.action_of: dict[str, tuple[str, str, str]] = {}  # id -> regulator, target, date
        self.gone: set[str] = set()  # retracted, or already fixed (kept simple: fixed once)
        self.user_ids = 0

    # --- text --------------------------------------------------------------------------------

    def _sentence(self, words: int) -> str:
        picked = [self.rng.choice(_WORDS) for _ in range(words)]
        return " ".join(picked).capitalize() + "."

    def text(self, lo: int, hi: int) -> str:
        """Some sentences totalling about lo..hi characters."""
        rng = self.rng
        want = rng.randint(lo, hi)
        out = rng.choice(self.sentences)
        while len(out) < want:
            out += " " + rng.choice(self.sentences)
        return out[:hi].rstrip()

    # --- dates -------------------------------------------------------------------------------

    def occurred(self, recorded: datetime, late: bool) -> str:
        rng = self.rng
        back = timedelta(days=rng.uniform(14, 56)) if late else timedelta(hours=rng.uniform(1, 72))
        t = recorded - back
        roll = rng.random()
        if roll < 0.66:
            return _day(t)
        if roll < 0.76:
            offset = rng.choice(("Z", "+01:00", "-05:00", "+05:30"))
            return t.strftime("%Y-%m-%dT%H:%M") + offset
        if roll < 0.81:
            return t.strftime("%Y-%m")
        if roll < 0.87:
            return ".." + _day(t)
        if roll < 0.94:
            return f"{_day(t - timedelta(days=rng.randint(1, 6)))}..{_day(t)}"
        return _day(t) + "~"

    def sources(self, when: datetime, extra: bool = True) -> list[dict[str, Any]]:
        rng = self.rng
        count = 2 if extra and rng.random() < 0.15 else 1
        out = []
        for _ in range(count):
            publisher, domain = rng.choice(_PUBLISHERS)
            slug = "-".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 5)))
            source: dict[str, Any] = {
                "publisher": publisher,
                "url": f"https://www.{domain}/news/{_day(when).replace('-', '/')}/{slug}",
                "published": _day(when),
            }
            if rng.random() < 0.5:
                source["quote"] = self.text(30, 90)
            out.append(source)
        return out

    def actor(self, kind: str | None = None) -> str:
        if kind is not None and self.by_kind.get(kind):
            return self.rng.choice(self.by_kind[kind])
        return self.rng.choice(self.actors)[0]

    def maybe_id(self, event: dict[str, Any], recorded: datetime) -> dict[str, Any]:
        if self.rng.random() < 0.33:
            self.user_ids += 1
            event["id"] = f"{_day(recorded)}-{event['type'].replace('_', '-')}-{self.user_ids:07d}"
        return event

    # --- registrations -----------------------------------------------------------------------

    def registrations_batch(self, recorded: datetime) -> list[dict[str, Any]]:
        rng = self.rng
        out: list[dict[str, Any]] = []
        total = sum(w for _k, w in _KINDS)
        index = 0
        for kind, weight in _KINDS:
            for _ in range(max(1, round(self.n_actors * weight / total))):
                index += 1
                slug = f"{kind[:3]}-{index:03d}"
                name = " ".join(w.capitalize() for w in rng.sample(_WORDS, 2)) + f" {index}"
                event: dict[str, Any] = {
                    "type": "actor",
                    "actor": slug,
                    "name": name,
                    "kind": kind,
                    "aliases": [f"{name} Ltd", slug.upper()],
                    "jurisdiction": rng.choice(_JURISDICTIONS),
                    "summary": self.text(60, 160),
                    "sources": self.sources(recorded, extra=False),
                }
                if self.actors and rng.random() < 0.6:
                    target = rng.choice(self.actors)[0]
                    event["relations"] = [{"type": rng.choice(_RELATIONS), "target": target}]
                self.actors.append((slug, kind))
                self.by_kind.setdefault(kind, []).append(slug)
                out.append(event)
        for t in range(self.n_topics):
            slug = f"topic-{t:02d}-" + rng.choice(_WORDS)
            out.append(
                {
                    "type": "topic",
                    "topic": slug,
                    "name": " ".join(rng.sample(_WORDS, 3)).capitalize(),
                    "description": self.text(100, 250),
                }
            )
            self.topics.append(slug)
        return out

    # --- world events and fixes ---------------------------------------------------------------

    def world(self, kind: str, recorded: datetime) -> dict[str, Any]:
        rng = self.rng
        late = rng.random() < LATE_SHARE
        occurred = self.occurred(recorded, late)
        published = recorded - timedelta(hours=rng.uniform(0, 20)) if not late else recorded
        base: dict[str, Any] = {
            "type": kind,
            "occurred": occurred,
            "sources": self.sources(published),
            "summary": self.text(20, 70),
        }
        if rng.random() < 0.3:
            base["tags"] = sorted(set(rng.sample(("late", "paywall", "minors", "eu", "uk", "ai"), 2)))
        if kind == "statement":
            base["speaker"] = self.actor()
            base["quote"] = self.text(30, 110)
            if rng.random() < 0.8:
                base["topic"] = rng.choice(self.topics)
                base["stance"] = rng.randint(-2, 2)
            if rng.random() < 0.3:
                base["about"] = sorted({self.actor() for _ in range(rng.randint(1, 2))})
        elif kind == "figure":
            unit, lo, hi = rng.choice(_UNITS)
            base["metric"] = rng.choice(_METRICS)
            base["unit"] = unit
            value = round(rng.uniform(lo, hi), 2)
            if rng.random() < 0.2:
                base["lower"] = value
                base["upper"] = round(value * rng.uniform(1.05, 1.6), 2)
            else:
                base["value"] = value
            if rng.random() < 0.4:
                base["approximate"] = True
            base["subject"] = self.actor("company")
            base["reported_by"] = self.actor("media")
        elif kind == "incident":
            base["harm"] = self.text(20, 60)
            base["victims"] = self.text(15, 40)
            base["location"] = rng.choice(_JURISDICTIONS)
            base["actors"] = sorted({self.actor() for _ in range(rng.randint(1, 3))})
        elif kind == "policy_change":
            base["actor"] = self.actor("company")
            base["product"] = self.actor("product")
            base["rule"] = self.text(15, 40)
            base["before"] = self.text(15, 50)
            base["after"] = self.text(15, 50)
        elif kind == "regulatory_action":
            from tracker.events.models import RUNGS  # the ladder, from the one place it is defined

            base["regulator"] = self.actor("regulator")
            base["target"] = self.actor("company")
            base["jurisdiction"] = rng.choice(_JURISDICTIONS)
            base["rung"] = rng.choice(RUNGS)
        elif kind == "verification":
            target_type = rng.choice(("statement", "figure", "incident"))
            base["verifier"] = self.actor("media")
            base["target"] = self.pick(target_type)
            base["verdict"] = rng.choice(("confirmed", "contradicted", "partly_confirmed"))
            base["finding"] = self.text(30, 90)
        return self.maybe_id(base, recorded)

    def pick(self, kind: str) -> str:
        pool = self.targets[kind]
        while True:  # retracted ones are dropped lazily
            i = self.rng.randrange(len(pool))
            choice = pool[i]
            if choice not in self.gone:
                return choice
            pool[i] = pool[-1]
            pool.pop()

    def can_pick(self, kind: str) -> bool:
        return len(self.targets.get(kind, ())) > 20

    def next_event(self, recorded: datetime, in_batch: set[str]) -> dict[str, Any]:
        rng = self.rng
        kind = rng.choices([k for k, _w in _MIX], [w for _k, w in _MIX])[0]
        fixable = ("statement", "figure", "incident", "policy_change")
        if kind in ("correction", "retraction", "supersession", "verification", "closure"):
            ready = all(self.can_pick(k) for k in ("statement", "figure", "incident"))
            if kind == "closure":
                ready = len(self.open_actions) > 5
            if not ready:
                kind = "statement"
        if kind == "verification":
            return self.world(kind, recorded)
        if kind == "closure":
            i = rng.randrange(len(self.open_actions))
            ends = self.open_actions[i]
            self.open_actions[i] = self.open_actions[-1]
            self.open_actions.pop()
            event = self.world("regulatory_action", recorded)
            event["rung"] = rng.choice(("closure", "withdrawal"))
            event["ends"] = ends
            # an ending is by the acting regulator, against the same target, not before it
            regulator, target, occurred = self.action_of.pop(ends)
            event["regulator"], event["target"] = regulator, target
            from tracker.events.dates import PartialDate  # noqa: PLC0415 - after the path is set

            end, start = PartialDate.parse(event["occurred"]), PartialDate.parse(occurred)
            if end.latest is not None and start.earliest is not None and end.latest < start.earliest:
                event["occurred"] = occurred
            return event
        if kind in ("correction", "retraction", "supersession"):
            target_type = rng.choice(fixable[:3])
            target = self.pick(target_type)
            if target in in_batch:
                return self.world("statement", recorded)
            in_batch.add(target)
            self.gone.add(target)  # each target is fixed at most once, for simplicity
            reason = self.text(20, 80)
            if kind == "correction":
                replacement = self.world(target_type, recorded - timedelta(days=1))
                replacement.pop("id", None)
                replacement.pop("summary", None)
                return {"type": "correction", "corrects": target, "replacement": replacement,
                        "reason": reason}
            if kind == "retraction":
                return {"type": "retraction", "retracts": target, "reason": reason,
                        "sources": self.sources(recorded, extra=False)}
            by = self.pick(target_type)
            if by == target or by in in_batch:
                return self.world("statement", recorded)
            event = {"type": "supersession", "supersedes": target, "by": by, "reason": reason}
            if rng.random() < 0.5:
                event["sources"] = self.sources(recorded, extra=False)
            return event
        if kind == "actor_fix":
            slug, _kind = rng.choice(self.actors)
            registration = self.registrations.get(slug)
            if registration is None or registration["id"] in in_batch:
                return self.world("statement", recorded)
            in_batch.add(registration["id"])
            replacement = {k: v for k, v in registration.items() if k != "id"}
            replacement["aliases"] = [*replacement.get("aliases", ()), f"{slug}-{rng.randint(1, 99999)}"]
            event_id = registration["id"]
            self.registrations[slug] = {**replacement, "id": event_id}
            return {"type": "correction", "corrects": event_id, "replacement": replacement,
                    "reason": "a new alias in use: " + self.text(20, 60)}
        return self.world(kind, recorded)

    def remember(self, events: list[dict[str, Any]], ids: list[str]) -> None:
        for event, event_id in zip(events, ids, strict=True):
            kind = event["type"]
            if kind == "actor":
                self.registrations[event["actor"]] = {**event, "id": event_id}
            elif kind == "regulatory_action" and "ends" not in event:
                self.open_actions.append(event_id)
                self.action_of[event_id] = (event["regulator"], event["target"], event["occurred"])
            elif kind in ("statement", "figure", "incident", "policy_change"):
                self.targets.setdefault(kind, []).append(event_id)


def iter_batches(
    n: int, *, seed: int = 7, batch: int = 1000, actors: int = 200, topics: int = 50
) -> Iterator[tuple[datetime, list[dict[str, Any]], Callable[[list[str]], None]]]:
    """Yield (recorded time, events, remember) for each batch; call remember with the ids."""
    rng = random.Random(seed)
    maker = _Maker(rng, actors, topics)
    recorded = START
    first = maker.registrations_batch(recorded)[:n]
    yield recorded, first, lambda ids: maker.remember(first, ids)
    done = len(first)
    batches = max(1, -(-(n - done) // batch))
    step = SPAN / batches
    while done < n:
        recorded += step
        size = min(batch, n - done)
        in_batch: set[str] = set()
        events = [maker.next_event(recorded, in_batch) for _ in range(size)]
        yield recorded, events, lambda ids, events=events: maker.remember(events, ids)
        done += size


def generate(
    path: str | os.PathLike[str],
    n: int,
    *,
    seed: int = 7,
    batch: int = 1000,
    progress: Callable[[int, int], None] | None = None,
    signer: Any = None,
) -> Generated:
    """Write a new log of ``n`` events at ``path`` (which must not exist yet).

    Args:
        path: where to create the log.
        n: how many events (records) to write.
        seed: the random seed; the same seed and size give the same bytes.
        batch: events per append (each append is one batch, fsynced once).
        progress: called with (done, total) after each batch.
        signer: sign each batch with this key (``tracker.open``'s ``signer``): the same
            events in the same batches, as signed (version 2) records.
    """
    import tracker

    clock = BenchClock()
    target = Path(path)
    t0 = time.perf_counter()
    with tracker.open(target, create=True, clock=clock, signer=signer) as log:
        done = 0
        for recorded, events, remember in iter_batches(n, seed=seed, batch=batch):
            clock.now = recorded
            receipts = log.append(events)
            remember([r.id for r in receipts])
            done += len(events)
            if progress is not None:
                progress(done, n)
    seconds = time.perf_counter() - t0
    return Generated(target, n, target.stat().st_size, seconds)


def _progress_printer() -> Callable[[int, int], None]:
    last = [0.0]
    t0 = time.monotonic()

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] < 0.5 and done < total:
            return
        last[0] = now
        rate = done / max(now - t0, 1e-9)
        sys.stderr.write(f"\r  generated {done:,}/{total:,} events ({rate:,.0f}/s)")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m benchmarks.generate N PATH [--seed S] [--batch B]``."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.generate",
        description="Write a seeded synthetic tracker log of N events (500-1,000 byte records).",
    )
    parser.add_argument("events", type=int, help="how many events, e.g. 10000, 100000, 1000000")
    parser.add_argument("path", help="the new log's path (must not exist)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--batch", type=int, default=1000, help="events per append (default 1000)")
    args = parser.parse_args(argv)
    if args.events < 300:
        parser.error("give at least 300 events (the registrations alone take 250)")
    if os.path.lexists(args.path):
        parser.error(f"{args.path} already exists; give a new path")
    show = _progress_printer() if sys.stderr.isatty() else None
    result = generate(args.path, args.events, seed=args.seed, batch=args.batch, progress=show)
    print(
        f"{result.events:,} events, {result.bytes / 1e6:,.1f} MB "
        f"({result.bytes / result.events:,.0f} bytes per record) in {result.seconds:.1f} s "
        f"({result.rate:,.0f} events/s) -> {result.path}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
