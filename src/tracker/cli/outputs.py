"""What each command prints with ``--json``: one declared shape per command (or per variant).

The answers' own shapes are declared beside them, in the projections (``StanceStep.SHAPE``,
``Posture.SHAPE``, ...); this module puts each command's output together from them (the
clocks a replay was made at, then the answer) and declares the small outputs of the other
commands (``init``, ``head``, ``verify``, ...). Every handler prints through :func:`dump`, so
its JSON is built from the declaration, and ``tracker schema --output COMMAND`` prints the
JSON Schema made from the same declaration (a test validates every command's output with it).
"""

from __future__ import annotations

from typing import Any

from tracker.events import json_schema as event_schema
from tracker.events.dates import PRECISIONS
from tracker.projections.actors import ActorView
from tracker.projections.changes import FieldChange
from tracker.projections.diff import CLOCKS, StateDiff
from tracker.projections.disputes import PLACEMENTS, VERDICTS, Disputes
from tracker.projections.figures import FigureSeries
from tracker.projections.posture import Posture
from tracker.projections.registry import ACTOR_ROW, TOPIC_ROW
from tracker.projections.shape import (
    Field,
    Shape,
    boolean,
    date,
    document,
    instant,
    integer,
    merge,
    nested,
    text,
    texts,
)
from tracker.projections.stances import StanceChange, StanceStep
from tracker.projections.timeline import ENTRY_SHAPE

_CLOCKS: tuple[Field, ...] = CLOCKS.fields
"""as_of, known_at and known_at_record: the clocks a replay was made at."""


def _event() -> dict[str, Any]:
    return event_schema()


def _stored_event() -> dict[str, Any]:
    """An event as a record holds it: one of the vocabulary, or a record about the log."""
    from tracker.events.log_events import json_schema as log_event_schema

    events, log_events = event_schema(), log_event_schema()
    defs = {**events.pop("$defs", {}), **log_events.pop("$defs", {})}
    events.pop("$schema", None)
    return {"anyOf": [events, log_events], "$defs": defs}


def _record() -> dict[str, Any]:
    return RECORD.json_schema()


BATCH = Shape(
    "batch",
    "The batch a record was appended in (records of one batch are all or nothing).",
    integer("count", "how many records the batch holds"),
    integer("id", "the batch's number"),
    integer("index", "this record's place in it, from 0"),
)

_RECORD_FIELDS: tuple[Field, ...] = (
    nested("batch", BATCH, "the batch it was appended in", many=False),
    document("event", "the event, as recorded (or a record about the log itself)", _stored_event),
    text("hash", "SHA-256 of the record without this field (lowercase hex)"),
    text("prev", "the hash of the record before (64 zeros for the first)"),
    instant("recorded", "when the log stored it"),
    integer("seq", "its sequence number, from 1"),
    integer("v", "the record format's version"),
)

RECORD = Shape(
    "record",
    "One record of the log, exactly as stored (keys sorted; see the README's record format).",
    *_RECORD_FIELDS,
)

_SIGNED = (
    text("by", "version 2: the recorder's key, NAME+KEYID"),
    text("digest", "version 2: SHA-256 of the nonce's bytes and the event's canonical bytes"),
)
_NONCE = text("nonce", "version 2: the event's salt, 32 random bytes in hex (gone once erased)")
_SIG = text("sig", "version 2: the batch's Ed25519 signature, base64 (on its last record)")


def _signed_record(name: str, description: str, *extra: Field) -> Shape:
    return Shape(name, description, *_RECORD_FIELDS, *_SIGNED, *extra)


SIGNED_RECORD = _signed_record(
    "signed_record", "A signed (version 2) record inside its batch.", _NONCE
)
SIGNED_RECORD_LAST = _signed_record(
    "signed_record_last", "A signed (version 2) record that closes its batch.", _NONCE, _SIG
)
ERASED_RECORD = _signed_record(
    "erased_record", "An erased record inside its batch: a placeholder for its event."
)
ERASED_RECORD_LAST = _signed_record(
    "erased_record_last", "An erased record that closes its batch.", _SIG
)
RECORDS = (RECORD, SIGNED_RECORD, SIGNED_RECORD_LAST, ERASED_RECORD, ERASED_RECORD_LAST)
"""The forms a stored record takes (version 1; version 2 signed or erased, in or closing a batch)."""

SUMMARY = Shape(
    "summary",
    "Counts of what a replayed state holds.",
    integer("actors", "registered actors"),
    integer("topics", "registered topics"),
    integer("events", "counted world events"),
    integer("uncertain", "events whose dates straddle as_of"),
    integer("fixes", "corrections, retractions and supersessions known"),
    integer("head_seq", "the last record the replay read"),
)

HISTORY_ITEM = Shape(
    "history_item",
    "One step of an event's record: first recorded, then each fix.",
    text("kind", "recorded, correction, retraction or supersession"),
    integer("seq", "the record number"),
    instant("recorded", "when the log stored it"),
    text("id", "the event recorded, or the fix"),
    text("reason", "the fix's reason", nullable=True),
    text("by", "the key that signed this record, NAME+KEYID (null: unsigned)", nullable=True),
    nested("changes", FieldChange.SHAPE, "for a correction: every field it changed"),
)

SHOWN_VERIFICATION = Shape(
    "shown_verification",
    "A verification of the event shown.",
    text("id", "the verification's id"),
    text("verifier", "who tested it"),
    text("verdict", "what they found", choices=VERDICTS),
    date("occurred", "when the verification was published"),
    text("finding", "what they found, in words", nullable=True),
)

SQL_COLUMN = Shape(
    "sql_column",
    "A column of a table 'tracker sql' shows.",
    text("name", "its name"),
    text("type", "its type", choices=("text", "integer", "number", "boolean", "instant")),
    boolean("list", "whether it holds a list (stored as its JSON text)"),
    boolean("nullable", "whether it may be null"),
    text("description", "what it holds"),
)

SQL_TABLE = Shape(
    "sql_table",
    "A table 'tracker sql' shows.",
    text("name", "its name"),
    text("description", "what each of its rows is"),
    nested("columns", SQL_COLUMN, "its columns, in order"),
)


def _rows_schema() -> dict[str, Any]:
    cell = {"type": ["string", "number", "integer", "boolean", "null"]}
    return {"type": "array", "items": {"type": "array", "items": cell}}


SIGNATURE = Shape(
    "signature",
    "A signature on a head, as checked.",
    text("name", "the key's name"),
    text("key_id", "the key ID, 8 hex digits"),
    text("status", "what checking it found"),
    text("role", "the key's role (signer, witness)", nullable=True),
)

KEY = Shape(
    "key",
    "A key pair's public half.",
    text("name", "the key's name"),
    text("public_key", "the public key, NAME+KEYID+KEY"),
)


RECORDER = Shape(
    "recorder",
    "A recorder key and how many records it signed (their signatures checked out).",
    text("key", "the key, NAME+KEYID"),
    integer("records", "records it signed"),
)

ROTATION = Shape(
    "rotation",
    "A key handed over to a new one (tracker key rotate).",
    integer("record", "the key_rotation record"),
    text("old", "the key handed over, NAME+KEYID"),
    text("new", "the new key, NAME+KEYID"),
)

ERASURE = Shape(
    "erasure",
    "An erasure record: what it erased, why, and who ordered and signed it.",
    integer("record", "the erasure record"),
    document("erased", "the records erased (their content is gone)", lambda: _seqs()),
    text("reason", "why"),
    text("ordered_by", "who ordered it"),
    text("by", "the key that signed the erasure, NAME+KEYID"),
)


def _seqs() -> dict[str, Any]:
    return {"type": "array", "items": {"type": "integer", "minimum": 1}}


def _object() -> dict[str, Any]:
    return {"type": "object"}


_APPENDED = (
    text("id", "the event's id (given, or derived from its content)"),
    integer("seq", "its record number"),
    text(
        "status",
        "appended, or exists (the log already held it, the same: nothing written)",
        choices=("appended", "exists"),
    ),
    boolean("dry_run", "false: this wrote"),
)
# A dry run appends nothing: it says what it would append, as 'import --dry-run' does
_WOULD_APPEND = (
    text("id", "the event's id (given, or derived from its content)"),
    integer("seq", "the record number it would get (or has, when it exists)"),
    text(
        "status",
        "would_append, or exists (the log already holds it, the same)",
        choices=("would_append", "exists"),
    ),
    boolean("dry_run", "true: nothing was written"),
)


def appended(receipt: Any, *, dry_run: bool) -> dict[str, Any]:
    """The fields of an add's receipt (``add``, ``actor add``, ``topic add``): a dry run's
    status is ``would_append``, never ``appended`` (it appended nothing)."""
    status = "would_append" if dry_run and receipt.status == "appended" else receipt.status
    return {"id": receipt.id, "seq": receipt.seq, "status": status, "dry_run": dry_run}

_WROTE = (
    text("wrote", "the file (or folder) written"),
    *_CLOCKS,
    integer("replayed_seq", "the last record the replay read"),
    text("log_head", "the log's head, SEQ:HASH"),
)


_DATE_READING = Shape(
    "date_reading",
    "A date written another way, and what the log stores for it.",
    text("where", "FILE:LINE"),
    text("field", "the event's field (statement.occurred, figure.sources.0.published)"),
    text("given", "the date as written (Januari 12, 2026)"),
    text("read_as", "the date in the log's form (2026-01-12)"),
    text("precision", "the precision it was written at", choices=PRECISIONS),
)


def _commands_schema() -> dict[str, Any]:
    return {"type": "array", "items": {"type": "array", "items": {"type": "string"}}}


CACHED_LOG = Shape(
    "cached_log",
    "One log's folder of derived state in your cache.",
    text("folder", "the folder (CACHE/logs/DIGEST)", get=lambda e: str(e.folder)),
    text("kind", "the store: file or postgresql (empty: the folder does not say)"),
    text("location", "where the log was: a file's real path, or a database URL without password"),
    text(
        "state",
        "current (the same log is still there), gone (nothing there), replaced (another log is "
        "there), not checked (a PostgreSQL log) or unknown (the folder does not say)",
        choices=("current", "gone", "replaced", "not checked", "unknown"),
    ),
    integer("size", "bytes held by the folder's files"),
    instant(
        "last_used",
        "when a file of the folder last changed",
        nullable=True,
        get=lambda e: e.last_used_at,
    ),
    boolean("prunable", "whether no log can use the folder any more ('tracker cache prune')"),
)
"""A row of ``tracker cache list`` and ``tracker cache prune``."""


SHAPES: dict[str, Shape] = {
    "init": Shape("init", "A log was created.", text("created", "where the new log is")),
    "add": Shape("add", "One event appended (or not: see status).", *_APPENDED),
    "add --dry-run": Shape(
        "add_dry_run", "One event checked, that an add would append (nothing written).",
        *_WOULD_APPEND,
    ),
    "actor add": Shape(
        "actor_add", "An actor registered.", text("actor", "the actor's id"), *_APPENDED
    ),
    "actor add --dry-run": Shape(
        "actor_add_dry_run",
        "An actor checked, that actor add would register (nothing written).",
        text("actor", "the actor's id"),
        *_WOULD_APPEND,
    ),
    "topic add": Shape(
        "topic_add", "A topic registered.", text("topic", "the topic's id"), *_APPENDED
    ),
    "topic add --dry-run": Shape(
        "topic_add_dry_run",
        "A topic checked, that topic add would register (nothing written).",
        text("topic", "the topic's id"),
        *_WOULD_APPEND,
    ),
    "import": Shape(
        "import",
        "What an import appended.",
        text("file", "the file read (- for standard input)"),
        text("format", "jsonl or csv", choices=("jsonl", "csv")),
        integer("events", "events in the file"),
        integer("appended", "events appended"),
        integer("existing", "events the log already held"),
        integer("first_seq", "the first record appended", nullable=True),
        integer("last_seq", "the last record appended", nullable=True),
        boolean("dry_run", "false: this import wrote"),
        integer("dates_read", "dates written another way (12 January 2026) read into the log's form"),
    ),
    "import --dry-run": Shape(
        "import_dry_run",
        "What an import would append (nothing was written).",
        text("file", "the file read (- for standard input)"),
        text("format", "jsonl or csv", choices=("jsonl", "csv")),
        integer("events", "events in the file"),
        integer("would_append", "events an import would append"),
        integer("existing", "events the log already holds"),
        integer("first_seq", "the first record it would append", nullable=True),
        integer("last_seq", "the last record it would append", nullable=True),
        boolean("dry_run", "true: nothing was written"),
        integer("dates_read", "dates written another way (12 January 2026) read into the log's form"),
        nested("date_readings", _DATE_READING, "each date written another way, as it was read"),
    ),
    "log": Shape(
        "log",
        "The log's records, in sequence order.",
        nested("records", RECORDS, "the records, exactly as stored"),
    ),
    # One line of `follow --json` is a record in any of its forms (these are not flags):
    "follow": RECORD,
    "follow --signed": SIGNED_RECORD,
    "follow --signed-last": SIGNED_RECORD_LAST,
    "follow --erased": ERASED_RECORD,
    "follow --erased-last": ERASED_RECORD_LAST,
    "show": merge(
        "show",
        "One event as the log holds it, with its history and verifications.",
        _CLOCKS,
        text("id", "the event's id"),
        text("type", "its type"),
        text(
            "placement",
            "where it stands: counted, uncertain, future, retracted, or fix (it is a fix)",
            choices=(*PLACEMENTS, "fix"),
        ),
        integer("seq", "the record that first recorded it"),
        instant("recorded", "when the log first recorded it"),
        document("event", "its current version (after corrections)", _event),
        nested("history", HISTORY_ITEM, "when it was recorded, then each fix"),
        nested("verifications", SHOWN_VERIFICATION, "the verifications of it"),
        text("superseded_by", "the event that superseded it", nullable=True),
    ),
    "replay": merge(
        "replay",
        "The timeline as it stood at as_of, as the log knew it at known_at.",
        _CLOCKS,
        nested("summary", SUMMARY, "counts of what the state holds", many=False),
        nested("timeline", ENTRY_SHAPE, "the counted events, in occurred order"),
        nested("uncertain", ENTRY_SHAPE, "events whose dates straddle as_of"),
    ),
    "verify": Shape(
        "verify",
        "The log verified.",
        text("root", "the Merkle root of a tree head given (--head), hex", nullable=True),
        nested("signatures", SIGNATURE, "the signatures on a tree head given (--head)"),
        boolean("ok", "always true (a log that fails exits non-zero, with an error)"),
        integer("records", "records checked"),
        text("head", "the head, SEQ:HASH"),
        integer("seq", "the last sequence number"),
        text("hash", "the last record's hash"),
        text("extends_head", "the published head it extends (--head)", nullable=True),
        text("extends_log", "the other log it extends (--extends)", nullable=True),
        texts(
            "warnings",
            "what does not break the chain but does not fit: regulatory endings that do not "
            "fit the action they name ('record N (ID): why')",
        ),
        integer(
            "signed",
            "records whose signature checked out (null: not checked, no recorder in --keys)",
            nullable=True,
        ),
        nested("recorders", RECORDER, "with --keys: each recorder key and its records"),
        nested("rotations", ROTATION, "with --keys: the key rotations that took effect"),
        nested("erasures", ERASURE, "the erasure records, in log order"),
    ),
    "head": Shape(
        "head",
        "The log's head, as a note to publish.",
        text("origin", "the log's origin line"),
        integer("seq", "the last sequence number"),
        text("hash", "the last record's hash"),
        text("root", "the Merkle root of the records, base64"),
        instant("recorded", "when the last record was stored (null: empty log)", nullable=True),
        text("head", "SEQ:HASH"),
        text("note", "the note to publish"),
    ),
    "repair": Shape(
        "repair",
        "What repair cut (nothing when the log ended cleanly).",
        boolean("repaired", "whether anything was cut"),
        integer("offset", "the byte where the cut began", nullable=True),
        integer("length", "how many bytes were cut (saved beside the log)", nullable=True),
        text("description", "what was wrong", nullable=True),
    ),
    "stances": merge(
        "stances",
        "Current positions per holder and topic.",
        _CLOCKS,
        nested("stances", StanceStep.SHAPE, "one step per holder and topic, by topic"),
    ),
    "stances --changes": merge(
        "stance_changes",
        "Every classified change of position.",
        _CLOCKS,
        nested("changes", StanceChange.SHAPE, "the changes, in occurred order"),
    ),
    "figures": merge(
        "figures",
        "Figure series, one per metric.",
        _CLOCKS,
        text("unit", "the unit every value was converted to (--unit)", nullable=True),
        nested("series", FigureSeries.SHAPE, "one series per metric, by metric"),
    ),
    "posture": merge("posture", Posture.SHAPE.description, _CLOCKS, Posture.SHAPE),
    "disputes": merge("disputes", Disputes.SHAPE.description, _CLOCKS, Disputes.SHAPE),
    "diff": StateDiff.SHAPE,
    "actor show": merge("actor_show", ActorView.SHAPE.description, _CLOCKS, ActorView.SHAPE),
    "actor list": merge(
        "actor_list",
        "The registered actors.",
        _CLOCKS,
        nested("actors", ACTOR_ROW, "by id"),
    ),
    "topic list": merge(
        "topic_list",
        "The registered topics.",
        _CLOCKS,
        nested("topics", TOPIC_ROW, "by id"),
    ),
    "copy": Shape(
        "copy",
        "What a copy did.",
        integer("copied", "records appended to the destination"),
        integer("skipped", "records the destination already held"),
        text("head", "the destination's head afterwards, SEQ:HASH"),
        text("source", "where the source lives"),
        text("destination", "where the copy lives"),
    ),
    "report": Shape(
        "report",
        "The report written.",
        *_WROTE,
        integer("bytes", "its size"),
        integer("events", "events in it (uncertain ones included)"),
    ),
    "plot": Shape(
        "plot",
        "The chart written.",
        *_WROTE,
        integer("bytes", "its size"),
        text("chart", "which chart"),
    ),
    "export": Shape(
        "export",
        "The export written (timelinejs or claimreview).",
        *_WROTE,
        integer("bytes", "its size"),
        integer("items", "events or reviews in it"),
    ),
    "export csv": Shape(
        "export_csv",
        "The CSV tables written.",
        *_WROTE,
        texts("tables", "the tables written, one NAME.csv each"),
    ),
    "demo": Shape(
        "demo",
        "Where the bundled example is, and the commands the demo runs.",
        text("log", "the example log's path"),
        document("commands", "each command, as words", _commands_schema),
    ),
    "key new": merge(
        "key_new",
        "A key pair made.",
        KEY,
        text("directory", "where the private key is kept"),
    ),
    "cache list": Shape(
        "cache_list",
        "Each log's folder of derived state in your cache.",
        text("folder", "the folder holding them (null: no cache can be had)", nullable=True),
        nested("logs", CACHED_LOG, "by where the log was"),
    ),
    "cache prune": Shape(
        "cache_prune",
        "The folders removed by a prune (with dry_run: those it would remove).",
        nested("removed", CACHED_LOG, "by where the log was"),
        integer("bytes", "bytes freed (or that would be)"),
        boolean("dry_run", "true: nothing was removed"),
    ),
    "key list": Shape("key_list", "Your key pairs.", nested("keys", KEY, "by name")),
    "key export": KEY,
    "key rotate": Shape(
        "key_rotate",
        "A key handed over: the key_rotation record appended.",
        text("id", "the record's event id"),
        integer("seq", "the record's number"),
        text("old", "the key handed over, NAME+KEYID"),
        text("new", "the new key, NAME+KEYID"),
    ),
    "carry": Shape(
        "carry",
        "A log carried on into a new, signed one.",
        text("source", "the old log"),
        text("destination", "the new log"),
        text("head", "the old log's tree head note, as the new log's first record holds it"),
        integer("carried", "events appended again, signed"),
        integer("skipped", "records about the old log itself, not carried"),
    ),
    "erase": Shape(
        "erase",
        "An erasure (or, with --dry-run, what it would erase).",
        integer("record", "the erasure record (for a dry run: the number it would get)"),
        text("id", "the erasure record's event id"),
        document("erased", "the records erased, in order", lambda: _seqs()),
        texts("events", "the event ids they held"),
        text("by", "the key that signed the erasure, NAME+KEYID"),
        boolean("dry_run", "whether this was a dry run (nothing changed)"),
    ),
    "cosign": Shape(
        "cosign",
        "A head cosigned.",
        text("note", "the head with the cosignature added"),
        text("witness", "the witness key that cosigned"),
    ),
    "prove": Shape(
        "prove",
        "A proof: its text, or the file it was written to (--out).",
        text("proof", "the proof's text, or with --out the file written"),
    ),
    "check-proof": Shape(
        "check_proof",
        "An inclusion proof that holds.",
        boolean("ok", "always true (a proof that fails exits 5 with an error)"),
        text("kind", "inclusion", choices=("inclusion",)),
        text("event", "the event's id", nullable=True),
        text("type", "the event's type", nullable=True),
        integer("seq", "its record number"),
        text("origin", "the log's origin"),
        integer("head_size", "the head's size"),
        document("record", "the record, as the proof holds it", _object),
        nested("signatures", SIGNATURE, "the head's signatures, as checked"),
        boolean(
            "keys_checked",
            "whether the head's signatures were checked against --keys (false: not checked; "
            "the proof then shows only what the head given shows)",
        ),
        text("recorder", "the key the record names as its recorder (null: unsigned)", nullable=True),
        text(
            "recorder_signature",
            "what the record's own signature shows",
            choices=("verified", "not in the proof", "not checked", "unsigned"),
        ),
    ),
    "check-proof --consistency": Shape(
        "check_proof_consistency",
        "A consistency proof that holds.",
        boolean("ok", "always true (a proof that fails exits 5 with an error)"),
        text("kind", "consistency", choices=("consistency",)),
        text("origin", "the log's origin"),
        integer("from", "the earlier head's size"),
        integer("to", "the later head's size"),
        nested("signatures", SIGNATURE, "both heads' signatures, as checked (the earlier head's first)"),
        boolean(
            "keys_checked",
            "whether the heads' signatures were checked against --keys (false: not checked)",
        ),
    ),
    "sql": merge(
        "sql",
        "The rows of one read-only SQL query on the projections' tables.",
        _CLOCKS,
        texts("columns", "the result's column names, in order"),
        document("rows", "the rows, each a list of values in the columns' order", _rows_schema),
    ),
    "sql --tables": Shape(
        "sql_tables",
        "The tables 'tracker sql' shows, and their columns.",
        integer("interface", "the version of the tables (see the CHANGELOG)"),
        nested("tables", SQL_TABLE, "each table"),
    ),
    "error": Shape(
        "error",
        "What every command prints on standard error when it fails with --json.",
        nested(
            "error",
            Shape(
                "error_detail",
                "The error.",
                text("code", "a stable error code"),
                text("message", "one line: what is wrong and how to fix it"),
                texts(
                    "problems",
                    "for an error that lists problems (an import's bad lines; the records "
                    "verify --keys finds failing): each one",
                ),
                integer("count", "how many problems there are in all (null: none listed)",
                        nullable=True),
            ),
            "the error",
            many=False,
        ),
    ),
}
"""Every output, by command (a command with several forms has one entry per form)."""

COMMANDS: dict[str, tuple[str, ...]] = {}
"""Command -> the outputs it may print (``tracker schema --output COMMAND``)."""
for _name in SHAPES:
    COMMANDS.setdefault(_name.split(" --")[0].removesuffix(" csv"), ())
    COMMANDS[_name.split(" --")[0].removesuffix(" csv")] += (_name,)


def dump(output: str, values: Any) -> dict[str, Any]:
    """``values`` (a mapping or an object) as the JSON of ``output``, built from its shape."""
    return SHAPES[output].dump(values)


def clocks(state: Any) -> dict[str, Any]:
    """The clocks a state was replayed at, as the outputs' first fields take them."""
    return {
        "as_of": state.as_of,
        "known_at": state.known_at,
        "known_at_record": getattr(state, "known_seq", None),
    }


def schema(command: str) -> dict[str, Any]:
    """The JSON Schema of what ``command`` prints with ``--json`` (any of its forms).

    Raises:
        KeyError: no command has that name.
    """
    names = COMMANDS[command]
    if len(names) == 1:
        out = SHAPES[names[0]].json_schema()
        out["title"] = f"tracker {command} --json"
        return out
    defs: dict[str, Any] = {}
    variants = [SHAPES[n].json_schema_into(defs) for n in names]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"tracker {command} --json",
        "anyOf": variants,
        "$defs": dict(sorted(defs.items())),
    }


__all__ = ["COMMANDS", "SHAPES", "appended", "clocks", "dump", "schema"]
