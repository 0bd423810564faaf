"""The event vocabulary: one frozen pydantic model per event type, joined in a tagged union.

World events (something happened, on a date, on someone's evidence) name at least one source
and an ``occurred`` date. Registrations (actor, topic) and record fixes (correction,
retraction, supersession) are about our record, not the world: they apply by ``known_at`` alone,
their ``occurred`` and ``sources`` are optional, and a fix must give its reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from tracker.events.dates import PartialDate

# --- identifiers ---------------------------------------------------------------------------

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,63}$"
"""Event, actor and topic ids: lowercase slugs of up to 64 characters."""

_ID_RE = re.compile(ID_PATTERN)

Slug = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
"""An actor or topic id (a separate namespace from event ids)."""

EventId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
"""An event id: given by the user, or ``ev-`` and 20 hex digits derived from the content."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


def _not_bool(value: Any) -> Any:
    """Refuse true/false where a number is expected (pydantic would read them as 1 and 0)."""
    if isinstance(value, bool):
        msg = f"expected a number, got {str(value).lower()}"
        raise ValueError(msg)  # noqa: TRY004 - pydantic turns ValueError into a validation error
    return value


def _exact(value: Any) -> Any:
    """Refuse a whole number that a float cannot hold exactly: it would be stored rounded."""
    whole = value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        whole = int(value.strip())
    if whole is None:
        return value
    try:
        exact = float(whole) == whole
    except OverflowError:
        exact = False
    if not exact:
        problem = "has more digits than a number can be stored with exactly"
        raise ValueError(unstorable_number(str(whole), problem))
    return value


def unstorable_number(text: str, problem: str) -> str:
    """The message for a number that would not be stored as written: what, and what to do."""
    shown = text if len(text) <= 30 else f"{text[:12]}... ({len(text)} digits)"
    return (
        f"{shown} {problem}; give it in a larger unit (USD_billion, million, ...) or rounded, "
        "as a decimal"
    )


Number = Annotated[float, BeforeValidator(_not_bool), BeforeValidator(_exact)]
"""A float that refuses booleans, and whole numbers a float cannot hold exactly."""


def is_valid_id(value: str) -> bool:
    """Tell whether ``value`` is a well-formed event, actor or topic id."""
    return bool(_ID_RE.match(value))


# --- building blocks ------------------------------------------------------------------------


class Immutable(BaseModel):
    """Base of every model here: frozen, unknown fields refused, no NaN or infinity."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        allow_inf_nan=False,
        str_strip_whitespace=True,
        validate_default=False,
        defer_build=True,  # built on first use: a command that appends a statement builds
        # the statement's validator only (tracker.events.codec validates by type)
    )

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as (class, field values, fields set): a checkpoint loads 3x faster so.

        Pydantic's own pickling goes through ``__getstate__``/``__setstate__`` with a dict of
        four entries per model; a checkpoint holds a million of them. The values were
        validated when the model was built, so rebuilding needs no validation.
        """
        fields_set = self.__pydantic_fields_set__
        fields_set = _FIELDS_SETS.setdefault(frozenset(fields_set), fields_set)
        return (_rebuild, (type(self), self.__dict__, fields_set))


_new = object.__new__
_set = object.__setattr__
_FIELDS_SETS: dict[frozenset[str], set[str]] = {}
"""One set per distinct fields-set, so a pickle holds each once and its models share it.

Sharing is safe: the models are frozen, so pydantic never adds to the set in place, and
``model_copy`` copies it before changing it.
"""


def _rebuild(cls: type[Immutable], values: dict[str, Any], fields_set: set[str]) -> Immutable:
    """Rebuild a pickled model from its (already validated) field values."""
    model = _new(cls)
    _set(model, "__dict__", values)
    _set(model, "__pydantic_fields_set__", fields_set)
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model


class Source(Immutable):
    """Where a fact comes from: who published it, where, when, and the words it used."""

    publisher: Short = Field(description="Who published it (an outlet, a body, a person).")
    publisher_id: Short | None = Field(
        default=None,
        description="The publisher as a registered actor: its id, or a name or alias that "
        "appending turns into the id (an outlet registered with kind media); its view then "
        "lists what it published.",
    )
    url: Short | None = Field(default=None, description="Where it can be read.")
    citation: Short | None = Field(
        default=None, description="A citation when there is no URL (print, broadcast, filing)."
    )
    published: PartialDate | None = Field(default=None, description="When the source published it.")
    quote: Text | None = Field(default=None, description="The words of the source, verbatim.")

    @model_validator(mode="after")
    def _has_locator(self) -> Source:
        if self.url is None and self.citation is None:
            msg = "a source needs a url or a citation"
            raise ValueError(msg)
        return self


ActorKind = Literal[
    "person",
    "company",
    "product",
    "platform",
    "regulator",
    "government",
    "prosecutor",
    "court",
    "legislator",
    "media",
    "ngo",
    "investor",
    "other",
]

RelationType = Literal[
    "developed_by",
    "runs_on",
    "operated_by",
    "part_of",
    "owned_by",
    "led_by",
    "member_of",
    "funded_by",
    "employed_by",
    "subsidiary_of",
]


class Relation(Immutable):
    """A typed link from the registered actor to another actor (``grok developed_by xai``).

    A relation may start and end at (partial) dates (a CEO who steps down, a successor): an
    actor's view at an ``as_of`` shows the relations then in force. A change of relation is
    recorded by correcting the actor's registration, giving the old relation its ``end``.
    """

    type: RelationType = Field(description="How the registered actor relates to the target.")
    target: Slug = Field(description="The other actor's id.")
    start: PartialDate | None = Field(default=None, description="When the relation began.")
    end: PartialDate | None = Field(default=None, description="When the relation ended.")

    @model_validator(mode="after")
    def _ordered(self) -> Relation:
        if self.start is not None and self.end is not None:
            first, last = self.start.earliest, self.end.latest
            if first is not None and last is not None and last < first:
                msg = f"relation {self.type}:{self.target} ends ({self.end.text}) before it starts"
                raise ValueError(msg + f" ({self.start.text})")
        return self

    def in_force(self, as_of: datetime | None) -> bool:
        """Whether the relation holds at ``as_of``: it certainly began by then (or has no
        start), and had not certainly ended (None: at the end of the record, not ended)."""
        if as_of is None:
            return self.end is None
        started = self.start is None or self.start.certain_by(as_of)
        return started and not (self.end is not None and self.end.certain_by(as_of))


ENDINGS: tuple[str, ...] = ("closure", "withdrawal", "overturned")
"""Regulatory actions that end an earlier action (they point at it with ``ends``).

A ``closure`` or ``withdrawal`` is the acting body's own: it ends an action of the same
(regulator, target) pair. ``overturned`` is another body's ending of it (a court overturns a
regulator's fine on appeal): the same target, any regulator. See
:func:`tracker.events.rules.ending_mismatch`.
"""

Rung = Literal[
    "contact",
    "information_request",
    "preservation_order",
    "demand",
    "ultimatum",
    "investigation_opened",
    "investigation_widened",
    "fine_threatened",
    "fine_imposed",
    "restriction_imposed",
    "ban_or_suspension",
    "closure",
    "withdrawal",
    "overturned",
]

RUNGS: tuple[str, ...] = tuple(r for r in get_args(Rung) if r not in ENDINGS)
"""The escalation ladder, lowest first (the rungs that are not endings)."""

RESTRICTING: tuple[str, ...] = ("restriction_imposed", "ban_or_suspension")
"""Rungs that impose something on the target; they may say what in ``restriction``."""

Verdict = Literal["confirmed", "contradicted", "partly_confirmed"]

CHOICE_ALIASES: dict[str, dict[str, str]] = {
    "rung": {
        "lifted": "closure",
        "lift": "closure",
        "ended": "closure",
        "end": "closure",
        "closed": "closure",
        "close": "closure",
        "revoked": "withdrawal",
        "withdrawn": "withdrawal",
        "withdraw": "withdrawal",
        "dropped": "withdrawal",
        "ban": "ban_or_suspension",
        "banned": "ban_or_suspension",
        "suspension": "ban_or_suspension",
        "suspended": "ban_or_suspension",
        "blocked": "ban_or_suspension",
        "grounding": "ban_or_suspension",
        "grounded": "ban_or_suspension",
        "fine": "fine_imposed",
        "fined": "fine_imposed",
        "penalty": "fine_imposed",
        "probe": "investigation_opened",
        "inquiry": "investigation_opened",
        "investigation": "investigation_opened",
        "rfi": "information_request",
        "request": "information_request",
        "warning": "ultimatum",
        "order": "demand",
    },
    "verdict": {
        "false": "contradicted",
        "true": "confirmed",
        "debunked": "contradicted",
        "refuted": "contradicted",
        "disproved": "contradicted",
        "verified": "confirmed",
        "partly": "partly_confirmed",
        "partial": "partly_confirmed",
        "mixed": "partly_confirmed",
        "misleading": "partly_confirmed",
    },
    "kind": {
        "outlet": "media",
        "newspaper": "media",
        "press": "media",
        "broadcaster": "media",
        "agency": "regulator",
        "ministry": "government",
        "state": "government",
        "parliament": "legislator",
        "lawmaker": "legislator",
        "mp": "legislator",
        "charity": "ngo",
        "nonprofit": "ngo",
        "firm": "company",
        "manufacturer": "company",
        "app": "product",
        "judge": "court",
    },
}
"""Other words people use for a closed choice, by field (lowercase): the "did you mean" of a
refused value (``--rung lifted``: did you mean 'closure'?). They never replace a value."""

# The bounds go before the validator: in the other order pydantic 2.14 writes "ge"/"le" into
# the JSON Schema instead of "minimum"/"maximum".
Stance = Annotated[int, Field(ge=-2, le=2), BeforeValidator(_not_bool)]


# --- the events -----------------------------------------------------------------------------


class BaseEvent(Immutable):
    """Fields every event has."""

    KIND: ClassVar[str] = "world"
    """``world`` (obeys both clocks), ``registration`` or ``fix`` (apply by known_at alone)."""

    REFS: ClassVar[dict[str, str]] = {}
    """Field name -> namespace (``actor``, ``topic``, ``event``) of the ids it references."""

    id: EventId | None = Field(
        default=None,
        description="The event's id; derived from its content (ev-...) when not given.",
    )
    occurred: PartialDate = Field(
        description="When it happened: a day, a month, a year, an interval, '..D' (on or before)."
    )
    reported: PartialDate | None = Field(
        default=None,
        description="When it was first reported; defaults to the earliest source's published date.",
    )
    sources: tuple[Source, ...] = Field(
        min_length=1, description="At least one source (publisher and url or citation)."
    )
    summary: Short | None = Field(default=None, description="A one-line summary.")
    tags: tuple[Slug, ...] = Field(default=(), description="Free tags (lowercase slugs).")

    @field_validator("tags")
    @classmethod
    def _sorted_unique_tags(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted(set(value)))

    @property
    def reported_date(self) -> PartialDate | None:
        """The ``reported`` date, else the earliest ``published`` date of the sources."""
        if self.reported is not None:
            return self.reported
        dates = [s.published for s in self.sources if s.published is not None]
        return min(dates, key=lambda d: d.sort_key) if dates else None

    def references(self) -> list[tuple[str, str, str]]:
        """List ``(field, namespace, id)`` for every id this event points at."""
        out: list[tuple[str, str, str]] = []
        for field, namespace in self.REFS.items():
            value = getattr(self, field)
            if value is None:
                continue
            values = value if isinstance(value, tuple) else (value,)
            out.extend((field, namespace, v) for v in values)
        out.extend(
            ("sources.publisher_id", "actor", s.publisher_id)
            for s in self.sources
            if s.publisher_id is not None
        )
        return out

    @classmethod
    def references_in(cls, data: Mapping[str, Any]) -> list[tuple[str, str, str]]:
        """List ``(field, namespace, id)`` for the ids an event dict that did not validate
        names, as :meth:`references` would (a value that is no string is skipped)."""
        out: list[tuple[str, str, str]] = []
        for field, namespace in cls.REFS.items():
            value = data.get(field)
            values = value if isinstance(value, list | tuple) else (value,)
            out.extend((field, namespace, v) for v in values if isinstance(v, str) and v)
        return out


class _RecordEvent(BaseEvent):
    """Registrations and fixes: about our record; occurred and sources are optional."""

    occurred: PartialDate | None = Field(  # type: ignore[assignment]
        default=None, description="When it happened (optional for registrations and fixes)."
    )
    sources: tuple[Source, ...] = Field(
        default=(), description="Sources (optional for registrations and fixes)."
    )


class ActorRegistered(_RecordEvent):
    """A person, company, product, regulator, ... that events can name by its id."""

    KIND: ClassVar[str] = "registration"
    REFS: ClassVar[dict[str, str]] = {}
    type: Literal["actor"] = "actor"
    actor: Slug = Field(description="The actor's id, a short slug (ofcom, xai, uk-gov).")
    name: Short = Field(description="The actor's display name.")
    kind: ActorKind = Field(description="What sort of actor it is.")
    aliases: tuple[Short, ...] = Field(default=(), description="Other names it goes by.")
    relations: tuple[Relation, ...] = Field(default=(), description="Links to other actors.")
    jurisdiction: Short | None = Field(
        default=None, description="Where it has authority or is based (GB, EU, FR, ...)."
    )

    def references(self) -> list[tuple[str, str, str]]:
        """List the actors this registration's relations (and sources) point at."""
        return [
            *(("relations.target", "actor", r.target) for r in self.relations),
            *(
                ("sources.publisher_id", "actor", s.publisher_id)
                for s in self.sources
                if s.publisher_id is not None
            ),
        ]

    @classmethod
    def references_in(cls, data: Mapping[str, Any]) -> list[tuple[str, str, str]]:
        """List the actors the relations of a registration dict point at."""
        relations = data.get("relations")
        items = relations if isinstance(relations, list | tuple) else ()
        targets = [r.get("target") for r in items if isinstance(r, dict)]
        return [("relations.target", "actor", t) for t in targets if isinstance(t, str) and t]


class TopicRegistered(_RecordEvent):
    """A subject that statements take stances toward (the paywall move, the deepfakes)."""

    KIND: ClassVar[str] = "registration"
    type: Literal["topic"] = "topic"
    topic: Slug = Field(description="The topic's id, a short slug.")
    name: Short = Field(description="The topic's display name.")
    description: Text | None = Field(default=None, description="What the topic covers.")


class Statement(BaseEvent):
    """An actor says something, optionally taking a stance toward a topic."""

    REFS: ClassVar[dict[str, str]] = {"speaker": "actor", "topic": "topic", "about": "actor"}
    type: Literal["statement"] = "statement"
    speaker: Slug = Field(description="Who says it (an actor id).")
    quote: Text | None = Field(default=None, description="The words, verbatim (or a summary).")
    topic: Slug | None = Field(default=None, description="The topic it takes a stance on.")
    stance: Stance | None = Field(
        default=None, description="Position toward the topic: -2 strongly against .. +2 strongly for."
    )
    about: tuple[Slug, ...] = Field(default=(), description="Actors the statement is about.")

    @model_validator(mode="after")
    def _check(self) -> Statement:
        if self.quote is None and self.summary is None:
            msg = "a statement needs a quote or a summary"
            raise ValueError(msg)
        if self.stance is not None and self.topic is None:
            msg = "a stance needs a topic (the stance is toward a topic)"
            raise ValueError(msg)
        return self


class Figure(BaseEvent):
    """A reported number: a metric, a value or bounds, a unit, about whom, reported by whom.

    A quantity reported with no number ("loose bolts were found during inspections") is
    ``unquantified``: no value and no bounds, never an invented ``lower: 1``. A lower bound
    alone means "at least", an upper bound alone "at most": neither is an exact value.
    """

    REFS: ClassVar[dict[str, str]] = {"subject": "actor", "reported_by": "actor"}
    type: Literal["figure"] = "figure"
    metric: Slug = Field(description="What is measured, as a slug (sexualised_images, net_loss).")
    value: Number | None = Field(default=None, description="The value (or give lower/upper).")
    lower: Number | None = Field(default=None, description="Lower bound, when a range is reported.")
    upper: Number | None = Field(default=None, description="Upper bound, when a range is reported.")
    unit: Short = Field(
        description="A unit code from the units table (per_hour, USD_billion, ...), or a count "
        "of a named thing: count:THING, thousand:THING, million:THING, billion:THING "
        "(count:aircraft, million:posts).",
        examples=["count", "per_hour", "USD_billion", "count:aircraft", "thousand:accounts"],
    )
    approximate: bool = Field(default=False, description="The value is approximate ('about').")
    unquantified: bool = Field(
        default=False,
        description="Reported with no number ('loose bolts were found'): give no value or bounds.",
    )
    period: PartialDate | None = Field(default=None, description="The period the figure covers.")
    subject: Slug | None = Field(default=None, description="The actor the figure is about.")
    reported_by: Slug | None = Field(default=None, description="The actor that reported it.")

    @model_validator(mode="after")
    def _check(self) -> Figure:
        given = self.value is not None or self.lower is not None or self.upper is not None
        if self.unquantified and given:
            msg = "an unquantified figure has no value or bounds: leave them out, or drop unquantified"
            raise ValueError(msg)
        if not given and not self.unquantified:
            msg = (
                "a figure needs a value, or lower and/or upper bounds (or unquantified: true "
                "when the source gives no number)"
            )
            raise ValueError(msg)
        if self.lower is not None and self.upper is not None and self.lower > self.upper:
            msg = f"lower bound {self.lower:g} is above upper bound {self.upper:g}"
            raise ValueError(msg)
        return self


class _TakesStance(BaseEvent):
    """An event by which its actor takes a stance by acting (a grounding, a paywall).

    The stance counts in ``stances`` as a statement's does; its holder is the acting actor.
    """

    topic: Slug | None = Field(default=None, description="The topic the act takes a stance on.")
    stance: Stance | None = Field(
        default=None,
        description="The stance the act takes toward the topic: -2 strongly against .. +2 for.",
    )

    @model_validator(mode="after")
    def _stance_has_topic(self) -> _TakesStance:
        if self.stance is not None and self.topic is None:
            msg = "a stance needs a topic (the stance is toward a topic)"
            raise ValueError(msg)
        return self


class PolicyChange(_TakesStance):
    """A product or platform changes a rule (image generation restricted to subscribers)."""

    REFS: ClassVar[dict[str, str]] = {"actor": "actor", "product": "actor", "topic": "topic"}
    type: Literal["policy_change"] = "policy_change"
    actor: Slug = Field(description="Who changes the rule.")
    product: Slug | None = Field(default=None, description="The product or platform it applies to.")
    rule: Short = Field(description="The rule or feature concerned.")
    before: Short | None = Field(default=None, description="The rule before.")
    after: Short = Field(description="The rule after.")


class RegulatoryAction(_TakesStance):
    """A regulator takes a step on the escalation ladder, or ends an earlier action.

    ``restriction_imposed`` is a restriction a regulator puts on its target (a production
    cap): ``restriction`` says what it is (not a ``policy_change``, which is an actor
    changing its own rule). A ``ban_or_suspension`` may say what it bans in
    ``restriction`` too (a grounding order).
    """

    REFS: ClassVar[dict[str, str]] = {
        "regulator": "actor",
        "target": "actor",
        "ends": "event",
        "topic": "topic",
    }
    type: Literal["regulatory_action"] = "regulatory_action"
    regulator: Slug = Field(description="The regulator, government or prosecutor acting.")
    target: Slug = Field(description="Who the action is against.")
    jurisdiction: Short | None = Field(default=None, description="Where (GB, EU, FR, ...).")
    rung: Rung = Field(description="The ladder step, or closure/withdrawal with 'ends'.")
    ends: EventId | None = Field(
        default=None, description="The action a closure, withdrawal or overturning ends."
    )
    restriction: Short | None = Field(
        default=None,
        description="What is imposed (rung restriction_imposed: 'production capped at 38 a "
        "month'; or what a ban_or_suspension bans).",
    )

    @model_validator(mode="after")
    def _check(self) -> RegulatoryAction:
        if self.rung in ENDINGS and self.ends is None:
            msg = f"a {self.rung} must name the action it ends with 'ends'"
            raise ValueError(msg)
        if self.rung not in ENDINGS and self.ends is not None:
            msg = "'ends' goes only with rung closure, withdrawal or overturned"
            raise ValueError(msg)
        if self.restriction is not None and self.rung not in RESTRICTING:
            msg = "'restriction' goes only with rung restriction_imposed or ban_or_suspension"
            raise ValueError(msg)
        return self


class Verification(BaseEvent):
    """An outlet tests an earlier event and confirms, contradicts or partly confirms it."""

    REFS: ClassVar[dict[str, str]] = {"verifier": "actor", "target": "event"}
    type: Literal["verification"] = "verification"
    verifier: Slug = Field(description="Who tested the claim (an actor id).")
    target: EventId = Field(description="The event tested.")
    verdict: Verdict = Field(description="confirmed, contradicted or partly_confirmed.")
    finding: Text | None = Field(default=None, description="What the test found.")


class Incident(BaseEvent):
    """Harm reported: victims targeted, content spread."""

    REFS: ClassVar[dict[str, str]] = {"actors": "actor"}
    type: Literal["incident"] = "incident"
    harm: Short = Field(description="What harm was reported.")
    victims: Short | None = Field(default=None, description="Who was harmed.")
    location: Short | None = Field(default=None, description="Where.")
    actors: tuple[Slug, ...] = Field(default=(), description="Actors involved.")


# The replacement inside a correction: any non-fix event, with its id omitted (it keeps the
# corrected event's id). Defined after the union below.


class Retraction(_RecordEvent):
    """An event that should never have been recorded; it stops counting everywhere."""

    KIND: ClassVar[str] = "fix"
    REFS: ClassVar[dict[str, str]] = {"retracts": "event"}
    type: Literal["retraction"] = "retraction"
    retracts: EventId = Field(description="The event retracted.")
    reason: Short = Field(description="Why it is retracted.")


class Supersession(_RecordEvent):
    """The world moved on: a newer event replaces an older one as the current one."""

    KIND: ClassVar[str] = "fix"
    REFS: ClassVar[dict[str, str]] = {"supersedes": "event", "by": "event"}
    type: Literal["supersession"] = "supersession"
    supersedes: EventId = Field(description="The event no longer current.")
    by: EventId = Field(description="The event that replaces it.")
    reason: Short = Field(description="Why.")


WorldEvent = Annotated[
    Statement | Figure | PolicyChange | RegulatoryAction | Verification | Incident,
    Field(discriminator="type"),
]
Registration = Annotated[ActorRegistered | TopicRegistered, Field(discriminator="type")]


class Correction(_RecordEvent):
    """Our record was wrong: a full replacement of an earlier event, which keeps its id."""

    KIND: ClassVar[str] = "fix"
    REFS: ClassVar[dict[str, str]] = {"corrects": "event"}
    type: Literal["correction"] = "correction"
    corrects: EventId = Field(description="The event corrected.")
    replacement: Annotated[
        Statement
        | Figure
        | PolicyChange
        | RegulatoryAction
        | Verification
        | Incident
        | ActorRegistered
        | TopicRegistered,
        Field(discriminator="type"),
    ] = Field(description="The whole event as it should have been (same type; its id is kept).")
    reason: Short = Field(description="What was wrong.")

    @model_validator(mode="after")
    def _check(self) -> Correction:
        if self.replacement.id is not None and self.replacement.id != self.corrects:
            msg = "the replacement keeps the corrected event's id: leave replacement.id out"
            raise ValueError(msg)
        return self

    def references(self) -> list[tuple[str, str, str]]:
        """List the corrected event and whatever the replacement points at."""
        inner = [(f"replacement.{f}", ns, v) for f, ns, v in self.replacement.references()]
        return [("corrects", "event", self.corrects), *inner]

    @classmethod
    def references_in(cls, data: Mapping[str, Any]) -> list[tuple[str, str, str]]:
        """List the corrected event and what the replacement of a correction dict points at."""
        out = super().references_in(data)
        replacement = data.get("replacement")
        if isinstance(replacement, dict):
            model = EVENT_TYPES.get(str(replacement.get("type")))
            if model is not None and model.KIND != "fix":
                inner = model.references_in(replacement)
                out.extend((f"replacement.{f}", ns, v) for f, ns, v in inner)
        return out


AnyEvent = (
    ActorRegistered
    | TopicRegistered
    | Statement
    | Figure
    | PolicyChange
    | RegulatoryAction
    | Verification
    | Incident
    | Correction
    | Retraction
    | Supersession
)

Event = Annotated[AnyEvent, Field(discriminator="type")]
"""The tagged union of every event type, discriminated on ``type``."""

EVENT_TYPES: dict[str, type[BaseEvent]] = {
    "actor": ActorRegistered,
    "topic": TopicRegistered,
    "statement": Statement,
    "figure": Figure,
    "policy_change": PolicyChange,
    "regulatory_action": RegulatoryAction,
    "verification": Verification,
    "incident": Incident,
    "correction": Correction,
    "retraction": Retraction,
    "supersession": Supersession,
}
"""Event type name -> model class, in the order the docs list them."""

WORLD_EVENTS: tuple[type[BaseEvent], ...] = tuple(
    cls for cls in EVENT_TYPES.values() if cls.KIND == "world"
)
"""The classes of world events (not registrations, not fixes of the record)."""


def event_type_of(model: Any) -> str:
    """Return the ``type`` tag of an event model instance or class."""
    return str(model.model_fields["type"].default)
