"""Naming a source's publisher as a registered actor, by its id or by a name or alias.

A source's ``publisher_id`` is stored as the actor's id. A user may type the outlet's name or
an alias (``The Seattle Times``) instead: before an append checks its references, each such
value that is not a registered id but is a registered actor's name or alias (compared without
case) becomes that actor's id. The event is then prepared again, so its canonical form and
derived id are those of the event as stored. A value that matches neither stays as given and
is refused as an unknown actor, with the closest id.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from tracker.events.codec import prepare_event
from tracker.events.models import AnyEvent

Prepared = tuple[AnyEvent, dict[str, Any], str]


def _resolved(sources: list[dict[str, Any]], ids: Any, names: Mapping[str, str]) -> bool:
    changed = False
    for source in sources:
        given = source.get("publisher_id")
        if given is None or given in ids:
            continue
        found = names.get(given.lower())
        if found is not None:
            source["publisher_id"] = found
            changed = True
    return changed


def resolve_publishers(
    prepared: Sequence[Prepared], ids: Any, names: Mapping[str, str]
) -> list[Prepared]:
    """The batch with every publisher named by a name or alias turned into the actor's id.

    ``ids``: the registered actor ids (a container); ``names``: lowercased names and aliases
    to ids. Events with nothing to resolve are returned as they were prepared.
    """
    out: list[Prepared] = []
    for event, data, digest in prepared:
        body = data["replacement"] if data["type"] == "correction" else data
        if not any(s.get("publisher_id") for s in body.get("sources", ())):
            out.append((event, data, digest))
            continue
        again = copy.deepcopy({k: v for k, v in data.items() if k != "id" or event.id is not None})
        target = again["replacement"] if again["type"] == "correction" else again
        if _resolved(target.get("sources", []), ids, names):
            out.append(prepare_event(again))
        else:
            out.append((event, data, digest))
    return out


__all__ = ["resolve_publishers"]
