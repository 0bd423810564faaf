"""Checking a batch against the log and against itself, before anything is written.

For each event: is its id new, or the very same content (a re-import, a no-op), or taken for
other content (a conflict)? Does every actor, topic and event it names exist, in the log or
earlier in the batch? Does a registration take an id already registered?

A single event stops at its first problem. A batch (or a file, with labels) lists every
problem at once in one :class:`~tracker._problems.Problems`, in file order, together with
what reading and validating the file found: a line that did not validate still has the ids
it names checked (:class:`Rejected`), so an import shows every mistake in one run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tracker._endings import misfit
from tracker._problems import Problems
from tracker.errors import ConflictError, TrackerError, UnknownIdError
from tracker.events.models import EVENT_TYPES, AnyEvent

if TYPE_CHECKING:
    from tracker.derived.index import Index

Step = tuple[AnyEvent, dict[str, Any], str]
"""An event ready to append: (model, canonical dict with its id, content digest)."""

Planned = tuple[dict[str, Any], str, str]
"""(canonical dict, ``appended``, ``exists`` or ``repeat``, content digest)."""


@dataclass(frozen=True, slots=True)
class Rejected:
    """A line of a file that did not validate (its problems are filed already): the ids its
    data names are still checked, and what it registers counts for the lines after it."""

    before: int
    """How many valid events of the file come before it."""
    at: int
    """Its position (line number), under which its problems are filed."""
    label: str
    """How messages name it (``events.csv:5``)."""
    data: dict[str, Any] | None
    """What the line holds, when it is an object at all."""


def plan(
    index: Index,
    prepared: Sequence[Step],
    labels: Sequence[str] | None = None,
    *,
    positions: Sequence[int] | None = None,
    rejected: Sequence[Rejected] = (),
    problems: Problems | None = None,
    current: Callable[[str], AnyEvent | None] | None = None,
) -> list[Planned]:
    """Check a batch against the log (its ``index``) and itself; say which events are new.

    Args:
        index: the log's index, caught up to its head.
        prepared: the events, in order.
        labels: a name per event for messages (``events.csv:12``).
        positions: a position per event to order problems by (default: its index).
        rejected: lines of the same file that did not validate, checked in their places.
        problems: what was found before (reading and validating the file), listed first.
        current: the log's current version of an event (after its corrections), for the
            checks of an ending against the action it ends.

    Returns:
        Per event of ``prepared``: (canonical dict, ``appended``, ``exists`` or ``repeat``,
        content digest).

    Raises:
        UnknownIdError: an id named that neither the log nor the batch holds.
        ConflictError: an id taken for other content.
        InvalidFileError: ``problems`` held something, or several kinds were found.
    """
    listing = len(prepared) > 1 or labels is not None or bool(rejected) or problems is not None
    planner = _Planner(index, labels, len(prepared) > 1, problems.copy() if problems else None)
    planner.listing = listing
    planner.current = current
    if len(prepared) > 16 and index.saved:
        index.prefetch(
            [step[1]["id"] for step in prepared]
            + [ref for step in prepared for _p, ns, ref in step[0].references() if ns == "event"]
        )
    out: list[Planned] = []
    waiting = list(reversed(rejected))
    for i, step in enumerate(prepared):
        while waiting and waiting[-1].before <= i:
            planner.rejected(waiting.pop())
        at = positions[i] if positions is not None else i
        planned = planner.step(i, at, step)
        if planned is not None:
            out.append(planned)
    while waiting:
        planner.rejected(waiting.pop())
    planner.problems.raise_if_any()
    return out


class _Planner:
    """What a batch has shown so far: its events, actors and topics, and the problems."""

    def __init__(
        self, index: Index, labels: Sequence[str] | None, many: bool, problems: Problems | None
    ) -> None:
        self.index = index
        self.labels = labels
        self.many = many
        self.listing = True
        self.problems = problems if problems is not None else Problems()
        self.events: dict[str, tuple[str, str]] = {}  # id -> (digest, type)
        self.actors: dict[str, str] = {}  # actor id -> the event registering it
        self.topics: dict[str, str] = {}
        self.unchecked: set[str] = set()  # ids of lines that did not validate
        self.actions: dict[str, AnyEvent] = {}  # regulatory actions of the batch, as corrected
        self.current: Callable[[str], AnyEvent | None] | None = None

    # -- problems ----------------------------------------------------------------------------

    def refuse(self, error: TrackerError, at: int) -> None:
        """File ``error`` (an unknown id or a conflict); a single event raises it at once."""
        if not self.listing:
            raise error
        # a listed problem is a line of a file's report (an import): the command line's advice
        self.problems.add(error.message + error.cli_hint, at=at, code=error.code)

    def where(self, i: int, event_id: str) -> str:
        """How a message names event ``i`` (built only for a message)."""
        if self.labels:
            return f"{self.labels[i]}: "
        return f"event {i + 1} ({event_id}): " if self.many else ""

    # -- one event ---------------------------------------------------------------------------

    def step(self, i: int, at: int, step: Step) -> Planned | None:
        """Check one valid event; return its plan, or None when it is refused."""
        event, data, digest = step
        index = self.index
        event_id = data["id"]
        known = index.event(event_id)
        in_batch = self.events.get(event_id)
        if known is not None or in_batch is not None:
            if (known[0] if known else in_batch[0]) == digest:  # type: ignore[index]
                return data, "exists" if in_batch is None else "repeat", digest
            seq_text = f" (record {known[1]})" if known else " (earlier in this batch)"
            self.refuse(
                ConflictError(
                    f"{self.where(i, event_id)}event id '{event_id}' is already in the log"
                    f"{seq_text} with other content; to change that event append a correction "
                    "of it, or give this one another id"
                ),
                at,
            )
            return None
        prefix = self.where(i, event_id)
        for path, namespace, ref in event.references():
            self.check_ref(f"{prefix}{data['type']}.{path}", namespace, ref, at, data, path)
            if path == "ends":
                self.check_ending(f"{prefix}{data['type']}.{path}", event, ref, at)
        self.check_registration(prefix, data, event_id, at)
        if data["type"] == "regulatory_action":
            self.actions[event_id] = event
        elif data["type"] == "correction" and data["replacement"]["type"] == "regulatory_action":
            self.actions[data["corrects"]] = event.replacement  # type: ignore[union-attr]
        # (counted as in the batch even with a problem: what names it gets no second one)
        self.events[event_id] = (digest, data["type"])
        return data, "appended", digest

    def rejected(self, row: Rejected) -> None:
        """Check the ids a line that did not validate names; note what it registers."""
        data = row.data
        if data is None or not isinstance(data.get("type"), str):
            return
        model = EVENT_TYPES.get(data["type"])
        if model is None:
            return
        for path, namespace, ref in model.references_in(data):
            self.check_ref(f"{row.label}: {data['type']}.{path}", namespace, ref, row.at)
        # What it would register or be known as counts for the lines after it, so that they
        # get no second problem about it (the refused line is reported already).
        for kind, table in (("actor", self.actors), ("topic", self.topics)):
            slug = data.get(kind) if data["type"] == kind else None
            if isinstance(slug, str) and slug:
                table.setdefault(slug, "")
        if isinstance(data.get("id"), str):
            self.unchecked.add(data["id"])

    def check_ref(
        self,
        label: str,
        namespace: str,
        ref: str,
        at: int,
        data: dict[str, Any] | None = None,
        path: str = "",
    ) -> None:
        """Refuse an id the log and the batch lack (an event's also checked for its kind)."""
        index = self.index
        if namespace in ("actor", "topic"):
            table, batch = (
                (index.actors, self.actors) if namespace == "actor" else (index.topics, self.topics)
            )
            if ref in table or ref in batch:
                return
            from tracker.projections.registry import suggest

            names = index.names if namespace == "actor" else None
            guess = suggest(ref, [*table, *batch], names)
            if guess:
                msg = f"{label}: unknown {namespace} '{ref}'; did you mean '{guess}'?"
                self.refuse(UnknownIdError(msg), at)
                return
            kind = ", 'kind': ..." if namespace == "actor" else ""
            more = " --kind ..." if namespace == "actor" else ""
            error = UnknownIdError(
                f"{label}: unknown {namespace} '{ref}'",
                hint=(
                    f" (register it first: log.append({{'type': '{namespace}', "
                    f"'{namespace}': '{ref}', 'name': ...{kind}}}))"
                ),
                cli_hint=f" (register it first: tracker {namespace} add {ref} --name ...{more})",
            )
            self.refuse(error, at)
            return
        if ref in self.events:
            ref_type: str | None = self.events[ref][1]
        elif ref in self.unchecked:
            return  # an event of a line refused already: its kind is unknown
        else:
            hit = index.event(ref)
            ref_type = hit[2] if hit else None
        try:
            _check_event_ref(index, label, data, path, ref, ref_type)
        except (UnknownIdError, ConflictError) as exc:
            self.refuse(exc, at)

    def check_ending(self, label: str, event: AnyEvent, ref: str, at: int) -> None:
        """Refuse an ending that does not fit the action it ends (see tracker.events.rules)."""
        ended = self.actions.get(ref)
        if ended is None and self.current is not None and self.index.event(ref) is not None:
            ended = self.current(ref)
        problem = misfit(event, ended)
        if problem is not None:
            self.refuse(ConflictError(f"{label}: {problem}"), at)

    def check_registration(self, prefix: str, data: dict[str, Any], event_id: str, at: int) -> None:
        """Refuse a registration (or a renaming correction) of an id already registered."""
        index = self.index
        kind = data["type"]
        if kind == "correction" and data["replacement"]["type"] in ("actor", "topic"):
            # Renaming a registration must not take an id another registration holds.
            new_kind = data["replacement"]["type"]
            slug = data["replacement"][new_kind]
            table, batch = (
                (index.actors, self.actors) if new_kind == "actor" else (index.topics, self.topics)
            )
            owner = table.get(slug) or batch.get(slug)
            if owner is not None and owner != data["corrects"]:
                by = f"event {owner}" if owner else "an earlier line"
                self.refuse(
                    ConflictError(
                        f"{prefix}correction.replacement.{new_kind}: {new_kind} '{slug}' is "
                        f"already registered by {by}; choose another id"
                    ),
                    at,
                )
        elif kind in ("actor", "topic"):
            table, batch = (index.actors, self.actors) if kind == "actor" else (index.topics, self.topics)
            slug = data[kind]
            owner = table.get(slug) or batch.get(slug)
            if owner is not None:
                by = f" (event {owner})" if owner else " (by an earlier line)"
                self.refuse(
                    ConflictError(
                        f"{prefix}{kind} '{slug}' is already registered{by}; to change it, "
                        "append a correction of that event"
                    ),
                    at,
                )
                return
            for alias in data.get("aliases", ()) if kind == "actor" else ():
                # an alias that is another actor's id would name two actors (the id wins
                # where an id or alias is taken, so the alias would silently mean the other)
                other = alias.lower()
                if other != slug and (table.get(other) is not None or other in batch):
                    self.refuse(
                        ConflictError(
                            f"{prefix}actor.aliases: '{alias}' is the id of another actor "
                            f"('{other}'); an alias must not name another actor: drop it or "
                            "choose another"
                        ),
                        at,
                    )
                    return
            batch[slug] = event_id


def _check_event_ref(
    index: Index,
    label: str,
    data: dict[str, Any] | None,
    path: str,
    ref: str,
    ref_type: str | None,
) -> None:
    """Refuse an event id that does not exist, was retracted, or is of the wrong kind here.

    ``data`` is None for a line that did not validate: only existence is checked then.
    """
    if ref_type is None:
        guess = index.suggest_event(ref)
        hint = f"; did you mean '{guess}'?" if guess else ""
        raise UnknownIdError(
            f"{label}: unknown event '{ref}'{hint}",
            hint=" (log.records() lists the log's records, with their events' ids)",
            cli_hint=" (see 'tracker log' for ids)",
        )
    if ref in index.retracted:
        msg = f"{label}: event '{ref}' has been retracted; it can no longer be referenced"
        raise UnknownIdError(msg)
    if ref_type in LOG_DOORS:
        msg = f"{label}: '{ref}' is a record about the log itself ({ref_type}); events do not point at it"
        raise ConflictError(msg)
    if data is None:
        return
    kind = data["type"]
    fix_types = ("correction", "retraction", "supersession")
    if ref_type in fix_types:
        msg = (
            f"{label}: '{ref}' is {_a(ref_type)}; fixes point at events, not at other fixes "
            "(to change a correction, correct the event again)"
        )
        raise ConflictError(msg)
    if kind == "correction" and path == "corrects":
        new_type = data["replacement"]["type"]
        if new_type != ref_type:
            msg = (
                f"{label}: '{ref}' is {_a(ref_type)}, but the replacement is {_a(new_type)}; "
                "a correction keeps the event's type (retract it and append a new one instead)"
            )
            raise ConflictError(msg)
    elif kind in ("verification", "supersession") or path == "ends":
        if ref_type in ("actor", "topic") and path != "ends":
            role = {"target": "verified", "supersedes": "superseded", "by": "superseding"}
            msg = (
                f"{label}: '{ref}' is an {ref_type} registration; only world events can be "
                f"{role.get(path, path)} (to change a registration, correct it)"
            )
            raise ConflictError(msg)
        if path == "ends" and ref_type != "regulatory_action":
            msg = f"{label}: '{ref}' is {_a(ref_type)}; a closure ends a regulatory_action"
            raise ConflictError(msg)
        if kind == "supersession" and data["supersedes"] == data["by"]:
            msg = f"{label}: an event cannot supersede itself"
            raise ConflictError(msg)


LOG_DOORS = {
    "erased": "'tracker erase' (it stands for an erased event)",
    "erasure": "'tracker erase'",
    "key_rotation": "'tracker key rotate'",
    "predecessor": "'tracker carry'",
}
"""Records about the log itself, each with the command that writes it: never appended as
events, never pointed at by one."""


def _a(noun: str) -> str:
    """The noun with its indefinite article: 'an actor', 'a figure'."""
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"


__all__ = ["LOG_DOORS", "Planned", "Rejected", "Step", "plan"]
