"""Random logs for the property tests: every event type, every kind of fix, shared stamps.

:func:`random_log` draws a log of registrations (relations with and without start and end
dates) and then world events (statements with and without stances, figures in several units,
counts of named things, with bounds alone or no number at all, regulatory actions with
restrictions and endings of every kind (and endings that do not fit, written past the append
checks as an older tracker wrote them), verifications, incidents, policy changes; acts that
take stances; sources naming a registered publisher; dates "on or before D"), with
corrections that change several fields (registrations too: an actor renamed, its relation
redated), retractions and supersessions of what is still live, some appended together in one
batch (one recorded time for several records). :func:`snapshot` is every projection's JSON
form.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

import tracker
from tracker.events.codec import prepare_event
from tracker.events.dates import PartialDate
from tracker.events.models import RESTRICTING, RUNGS
from tracker.projections.state import State

ACTORS = ("a0", "a1", "a2", "a3")
TOPICS = ("t0", "t1")
UNITS = ("per_hour", "per_day", "count", "USD_billion", "count:aircraft", "thousand:aircraft",
         "million:posts")
TAGS = ("g0", "g1")
SOURCE = [{"publisher": "P", "url": "https://p.example"}]
SOURCES = st.sampled_from(
    [SOURCE, *([{"publisher": a, "publisher_id": a, "url": "https://p.example"}] for a in ACTORS)]
)
"""A source: free text, or naming a registered actor as its publisher."""


class Clock:
    """Record time: one minute per record, with jumps of whole days when asked."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


dates = st.one_of(
    st.integers(1, 20).map(lambda d: f"2026-01-{d:02d}"),
    st.integers(1, 20).map(lambda d: f"..2026-01-{d:02d}"),
    st.integers(1, 10).map(lambda d: f"2026-01-{d:02d}..2026-01-{d + 5:02d}"),
    st.just("2026-01"),
)


def relations(
    data: st.DataObject, actor: str, among: tuple[str, ...] = ACTORS
) -> list[dict[str, Any]]:
    """An actor's relations: none, or one to another actor (of ``among``), perhaps with a start
    and an end."""
    other = data.draw(st.sampled_from((None, *among)), label="relate to")
    if other in (None, actor):
        return []
    relation: dict[str, Any] = {"type": data.draw(st.sampled_from(("part_of", "led_by"))),
                                "target": other}
    bounds = data.draw(st.sampled_from(("", "start", "end", "both")), label="relation dates")
    day = data.draw(st.integers(1, 20), label="relation start")
    if bounds in ("start", "both"):
        relation["start"] = data.draw(st.sampled_from((f"2026-01-{day:02d}", "2026-01",
                                                       f"..2026-01-{day:02d}")))
    if bounds in ("end", "both"):
        last = data.draw(st.integers(day if bounds == "both" else 1, 25), label="relation end")
        relation["end"] = f"2026-01-{last:02d}"
    return [relation]


def figure_amount(data: st.DataObject) -> dict[str, Any]:
    """What a figure reports: a value, bounds (one alone is not a value), or no number."""
    form = data.draw(st.sampled_from(("value", "value", "lower", "upper", "range",
                                      "unquantified")), label="figure form")
    n = data.draw(st.integers(0, 10_000))
    if form == "value":
        return {"value": n}
    if form == "lower":
        return {"lower": n}
    if form == "upper":
        return {"upper": n}
    if form == "range":
        return {"lower": n, "upper": n + data.draw(st.integers(0, 100))}
    return {"unquantified": True}


def act_stance(data: st.DataObject) -> dict[str, Any]:
    """An act's stance: none (mostly), or a topic and a stance toward it."""
    topic = data.draw(st.sampled_from((None, None, *TOPICS)), label="act's topic")
    return {} if topic is None else {"topic": topic, "stance": data.draw(st.integers(-2, 2))}


def draw_event(
    data: st.DataObject, n: int, live: dict[str, dict[str, Any]]
) -> dict[str, Any] | None:
    """Draw one valid event given the live (not retracted) world events so far."""
    kinds = ["statement", "figure", "action", "action", "incident", "policy"]
    if live:
        kinds += ["verification", "correction", "retraction", "supersession"]
    if any(e["type"] == "regulatory_action" and e["rung"] in RUNGS for e in live.values()):
        kinds += ["closure", "closure"]
    if any(e["type"] == "regulatory_action" for e in live.values()):
        kinds.append("misfit")
    kind = data.draw(st.sampled_from(kinds))
    eid = f"e{n}"
    base = {"id": eid, "occurred": data.draw(dates), "sources": data.draw(SOURCES)}
    if kind == "statement":
        topic = data.draw(st.sampled_from((None, *TOPICS)))
        ev = {
            **base,
            "type": "statement",
            "speaker": data.draw(st.sampled_from(ACTORS)),
            "quote": "q",
        }
        if topic is not None:
            ev["topic"] = topic
            ev["stance"] = data.draw(st.integers(-2, 2))
        about = data.draw(st.sampled_from((None, *ACTORS)), label="about")
        if about is not None:
            ev["about"] = [about]
        return ev
    if kind == "figure":
        ev = {
            **base,
            "type": "figure",
            "metric": data.draw(st.sampled_from(("m0", "m1"))),
            **figure_amount(data),
            "unit": data.draw(st.sampled_from(UNITS)),
            "subject": data.draw(st.sampled_from(ACTORS)),
            "tags": data.draw(st.lists(st.sampled_from(TAGS), max_size=2), label="tags"),
        }
        reporter = data.draw(st.sampled_from((None, *ACTORS)), label="reported by")
        if reporter is not None:
            ev["reported_by"] = reporter
        return ev
    if kind == "incident":
        actors = data.draw(st.lists(st.sampled_from(ACTORS), max_size=3, unique=True))
        return {**base, "type": "incident", "harm": "h", "actors": actors,
                "tags": data.draw(st.lists(st.sampled_from(TAGS), max_size=2), label="tags")}
    if kind == "policy":
        return {**base, "type": "policy_change", "actor": data.draw(st.sampled_from(ACTORS)),
                "product": data.draw(st.sampled_from((None, *ACTORS))), "rule": "r",
                "after": data.draw(st.sampled_from(("paid", "free"))), **act_stance(data)}
    if kind == "action":
        ev = {
            **base,
            "type": "regulatory_action",
            "regulator": data.draw(st.sampled_from(ACTORS[:2])),
            "target": data.draw(st.sampled_from(ACTORS[2:])),
            "rung": data.draw(st.sampled_from((*RUNGS, *RESTRICTING))),
            **act_stance(data),
        }
        if ev["rung"] in RESTRICTING and data.draw(st.booleans(), label="says what"):
            ev["restriction"] = "capped"
        return ev
    if kind == "closure":
        opened = sorted(
            k for k, e in live.items() if e["type"] == "regulatory_action" and e["rung"] in RUNGS
        )
        ended = live[data.draw(st.sampled_from(opened))]
        end, start = PartialDate.parse(base["occurred"]), PartialDate.parse(ended["occurred"])
        if end.latest is not None and start.earliest is not None and end.latest < start.earliest:
            base["occurred"] = ended["occurred"]  # an ending cannot predate what it ends
        rung = data.draw(st.sampled_from(("closure", "withdrawal", "overturned")))
        other = ACTORS[1] if ended["regulator"] == ACTORS[0] else ACTORS[0]  # (a court, say)
        return {
            **base,
            "type": "regulatory_action",
            "regulator": other if rung == "overturned" else ended["regulator"],
            "target": ended["target"],
            "rung": rung,
            "ends": ended["id"],
            **act_stance(data),
        }
    if kind == "misfit":  # an ending that does not fit, as a log written before the checks holds
        acts = sorted(k for k, e in live.items() if e["type"] == "regulatory_action")
        ended = live[data.draw(st.sampled_from(acts))]
        regulators, targets = ACTORS[:2], ACTORS[2:]
        how = data.draw(st.sampled_from(("regulator", "target", "predates", "overturned")))
        regulator, target = ended["regulator"], ended["target"]
        rung = "closure"
        if how == "regulator":
            regulator = next(r for r in regulators if r != regulator)
        elif how == "target":
            target = next(t for t in targets if t != target)
        elif how == "predates":
            base["occurred"] = "2025-12-01"
        else:
            rung = "overturned"  # (by the regulator that acted: a closure's job)
        return {**base, "type": "regulatory_action", "regulator": regulator, "target": target,
                "rung": rung, "ends": ended["id"], "_unchecked": True}
    target = data.draw(st.sampled_from(sorted(live)))
    if kind == "verification":
        return {
            **base,
            "type": "verification",
            "verifier": data.draw(st.sampled_from(ACTORS)),
            "target": target,
            "verdict": data.draw(
                st.sampled_from(("confirmed", "contradicted", "partly_confirmed"))
            ),
        }
    if kind == "retraction":
        return {"type": "retraction", "id": eid, "retracts": target, "reason": "r"}
    if kind == "supersession":
        others = sorted(k for k in live if k != target)
        if not others:
            return None
        return {
            "type": "supersession",
            "id": eid,
            "supersedes": target,
            "by": data.draw(st.sampled_from(others)),
            "reason": "s",
        }
    old = live[target]
    refs = (
        [old["ends"]] if "ends" in old else [old["target"]] if old["type"] == "verification" else []
    )
    if any(ref not in live for ref in refs):
        return None  # the replacement would point at a retracted event: the log refuses that
    replacement = {k: v for k, v in old.items() if k != "id"}
    replacement["occurred"] = data.draw(dates)
    if data.draw(st.booleans(), label="another source"):
        replacement["sources"] = data.draw(SOURCES)
    if old["type"] == "statement" and "stance" in old:
        replacement["stance"] = data.draw(st.integers(-2, 2))
    elif old["type"] == "figure":
        for field in ("value", "lower", "upper", "unquantified"):
            replacement.pop(field, None)
        replacement |= figure_amount(data)
        replacement["unit"] = data.draw(st.sampled_from(UNITS))
    elif old["type"] == "regulatory_action" and old["rung"] in RUNGS:
        replacement["rung"] = data.draw(st.sampled_from(RUNGS))
        replacement.pop("restriction", None)
        replacement.pop("topic", None)
        replacement.pop("stance", None)
        replacement |= act_stance(data)
    elif old["type"] == "policy_change":
        replacement.pop("topic", None)
        replacement.pop("stance", None)
        replacement |= act_stance(data)
    elif old["type"] == "verification":
        replacement["verdict"] = data.draw(st.sampled_from(("confirmed", "contradicted")))
    return {
        "type": "correction",
        "id": eid,
        "corrects": target,
        "replacement": replacement,
        "reason": "c",
    }


def random_log(data: st.DataObject, length: int) -> tracker.Log:
    """A memory log of the actors and topics, then ``length`` drawn events (fixes among them)."""
    log = tracker.open(":memory:", clock=Clock())
    log.append([{"type": "actor", "actor": a, "name": a, "kind": "other",
                 "relations": [{"type": "part_of", "target": "a0"}] if a == "a3"
                 else relations(data, a, ACTORS[:i])}
                for i, a in enumerate(ACTORS)])
    log.append([{"type": "topic", "topic": t, "name": t} for t in TOPICS])
    live: dict[str, dict[str, Any]] = {}
    batch: list[dict[str, Any]] = []
    for n in range(length):
        if data.draw(st.integers(0, 9), label="rename an actor") == 0:
            log.append(batch)
            batch = []
            actor = data.draw(st.sampled_from(ACTORS))
            log.append({"type": "correction", "corrects": log.replay().registry.actor_entries[actor].id,
                        "replacement": {"type": "actor", "actor": actor, "name": f"{actor} {n}",
                                        "kind": "other", "relations": relations(data, actor)},
                        "reason": "renamed"})
        ev = draw_event(data, n, live)
        if ev is None:
            continue
        if ev.pop("_unchecked", False):  # written past the append checks, as an older tracker did
            log.append(batch)
            batch = []
            with log.store.writer() as writer:
                writer.append([prepare_event(ev)[1]])
            continue  # (not live: nothing later names it)
        batch.append(ev)
        if data.draw(st.integers(0, 3), label="append the batch now") != 0:
            log.append(batch)  # else it waits: several records share one recorded time
            batch = []
        if ev["type"] == "retraction":
            del live[ev["retracts"]]
        elif ev["type"] == "correction":
            live[ev["corrects"]] = {**ev["replacement"], "id": ev["corrects"]}
        elif ev["type"] != "supersession":
            live[ev["id"]] = ev
    log.append(batch)
    return log


def snapshot(state: State) -> dict[str, Any]:
    """Every projection's JSON form."""
    return {
        "timeline": state.timeline().to_records(),
        "stances": state.stances().to_json(),
        "changes": state.stance_changes().to_json(),
        "histories": [
            state.stance_history(a, t).to_json() for a in state.actors for t in state.topics
        ],
        "figures": state.figures().to_json(),
        "per_day": state.figures(metric="m0", unit="per_day").to_json()
        if _rates_only(state)
        else None,
        "posture": state.posture().to_json(),
        "disputes": state.disputes().to_json(),
        "actors": [state.actor(a).to_json() for a in state.actors],
        "uncertain": state.uncertain().ids(),
    }


def _rates_only(state: State) -> bool:
    return "m0" in state.metrics() and all(  # (a metric not on record is refused)
        p.unit in ("per_hour", "per_day") for p in state.figures(metric="m0").points
    )
