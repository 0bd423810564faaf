"""The whole log's posture and disputes from the read model, a part at a time.

What :meth:`ReadState.posture` (no regulator or target given) and :meth:`ReadState.disputes`
do: the pairs of regulator and target walked a group of linked pairs at a time, the
verifications read a few thousand at a time (each tested event's together), so no answer
about the whole log holds every event of its kind at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from tracker.projections.disputes import Disputes, FixRow, TestedClaim, assemble, fix_row
from tracker.projections.posture import (
    IgnoredEnding,
    Posture,
    PostureChange,
    PostureRow,
    PostureStep,
)
from tracker.projections.results import rows

from .read import VERSION_SELECT, VID, Row
from .schema import FIX_COLUMNS
from .stream import CHUNK

if TYPE_CHECKING:
    from .state import ReadState


def every_posture(state: ReadState) -> Posture:
    """Every pair's posture, worked out a group of pairs at a time.

    A pair's walk needs its actions, the closures that end them and the actions that
    supersede them, which may belong to other pairs: pairs so linked form one group (a
    first pass reads what links them, a chunk at a time), and each group is walked alone.
    Groups share no event, so their steps merge by occurred order exactly.
    """
    from .state import _POSTURE

    k, marks = state.head_seq, ",".join("?" * len(_POSTURE))
    cursor = state._reader.db.execute(
        f"SELECT {VERSION_SELECT} FROM versions v WHERE v.type IN ({marks}) "
        "AND v.rec_from <= ? AND (v.rec_to IS NULL OR v.rec_to > ?) AND v.counted_from <= ?",
        (*_POSTURE, k, k, state._t),
    )
    pair_of: dict[str, tuple[str, str]] = {}
    links: list[tuple[str, str | None]] = []
    while found := cursor.fetchmany(CHUNK):
        for entry in state._reader.entries(found):
            event: Any = entry.event
            pair_of[entry.id] = (event.regulator, event.target)
            links += [(entry.id, event.ends), (entry.id, entry.superseded_by)]
    root: dict[tuple[str, str], tuple[str, str]] = {}

    def find(pair: tuple[str, str]) -> tuple[str, str]:
        while root.get(pair, pair) != pair:
            pair = root[pair] = root.get(root[pair], root[pair])
        return pair

    for action, other in links:
        if other is not None and other in pair_of:
            a, b = find(pair_of[action]), find(pair_of[other])
            if a != b:
                root[max(a, b)] = min(a, b)
    groups: dict[tuple[str, str], list[str]] = {}
    for action, pair in pair_of.items():
        groups.setdefault(find(pair), []).append(action)
    current: list[PostureRow] = []
    steps: list[PostureStep] = []
    history: list[PostureChange] = []
    ignored: list[IgnoredEnding] = []
    batch: list[str] = []
    for members in [*groups.values(), []]:
        batch += members
        if batch and (len(batch) >= CHUNK or not members):
            part = state._slice(state._reader.by_ids(batch), only=("posture",)).posture()
            current += part.current
            steps += part.steps
            history += part.history
            ignored += part.ignored
            batch = []
    current.sort(key=lambda r: (r.regulator, r.target))
    steps.sort(key=lambda s: s.sort_key)
    history.sort(key=lambda h: h.walked)  # (stable: a walk's own rows keep their order)
    ignored.sort(key=lambda i: i.sort_key)
    return Posture(
        rows(current, PostureRow),
        rows(steps, PostureStep),
        rows(history, PostureChange),
        rows(ignored, IgnoredEnding),
    )


def every_dispute(state: ReadState) -> Disputes:
    """Tested claims and their verdicts, what is contested, and every fix with its reason."""
    claims: list[tuple[tuple[int, int, int], TestedClaim]] = []
    for targets, found in verifications_by_target(state):
        have = {row[VID] for row in found}
        found += [row for row in state._reader.by_ids(targets) if row[VID] not in have]
        fixes = state._reader.fix_entries(state._reader.fixes(targets=targets))
        part = state._slice(found, fixes, only=("verifications",))
        claims += [kc for kc in part._tested_claims() if kc[1].event in targets]
    cursor = state._reader.db.execute(
        f"SELECT {FIX_COLUMNS} FROM fix_records WHERE seq <= ? ORDER BY seq", (state.head_seq,)
    )
    fix_rows: list[FixRow] = []
    while chunk := cursor.fetchmany(CHUNK):
        fix_rows += [fix_row(f) for f in state._reader.fix_entries(chunk)]
    return assemble(claims, fix_rows)


def verifications_by_target(state: ReadState) -> Iterator[tuple[set[str], list[Row]]]:
    from .state import _VERIFICATIONS

    """The counted verifications in groups of about :data:`CHUNK`, each group holding
    every verification of the events it tests (and those events' ids)."""
    marks = ",".join("?" * len(_VERIFICATIONS))
    k = state.head_seq
    cursor = state._reader.db.execute(
        f"SELECT k.key, {VERSION_SELECT} FROM version_keys k JOIN versions v "
        f"ON v.vid = k.vid WHERE k.key >= 'r:' AND k.key < 'r;' AND v.type IN ({marks}) "
        "AND v.rec_from <= ? AND (v.rec_to IS NULL OR v.rec_to > ?) AND v.counted_from <= ? "
        "ORDER BY k.key",
        (*_VERIFICATIONS, k, k, state._t),
    )
    targets: set[str] = set()
    found: list[Row] = []
    for key, *row in cursor:
        target = key[2:]
        if len(found) >= CHUNK and target not in targets:
            yield targets, found
            targets, found = set(), []
        targets.add(target)
        found.append(tuple(row))
    if found:
        yield targets, found


__all__ = ["every_dispute", "every_posture", "verifications_by_target"]
