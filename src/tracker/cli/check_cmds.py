"""Commands that check and mend the log, and describe its shapes: verify, head, repair, schema."""

from __future__ import annotations

import argparse
import sys

from tracker.cli.common import (
    clip,
    command,
    emit,
    explain_missing_log,
    log_path,
    open_log,
    plural,
)
from tracker.cli.errors import UsageError

TYPE_CHECKING = False  # not typing's: keeps typing out of `tracker --help`
if TYPE_CHECKING:
    from typing import Any


def register(subparsers: Any) -> None:
    """Add this module's commands."""
    p = command(
        subparsers,
        "verify",
        help="check the hash chain and that every line is untouched",
        description=(
            "Walk the whole log: every line in canonical form, every hash right, no record\n"
            "missing. With --head, also check that the log still extends a head you\n"
            "published earlier (the note 'tracker head' prints, or SEQ:HASH). With --extends,\n"
            "check that the log holds every record of another copy, byte for byte.\n"
            "Exit 5 names the first bad record."
        ),
        example=(
            "tracker verify\n"
            "tracker verify --head published-head.txt\n"
            "tracker verify --head 42:3f5a...\n"
            "tracker verify --extends grok-archived.jsonl"
        ),
        handler=_verify,
    )
    p.add_argument(
        "--head",
        metavar="HEAD",
        help=(
            "a head published earlier that the log must extend: a file holding the note "
            "'tracker head' printed, - to read it from standard input, the note itself, "
            "or SEQ:HASH"
        ),
    )
    p.add_argument(
        "--extends",
        metavar="PATH",
        help="another copy of the log (older, or a colleague's) that this log must extend",
    )
    p.add_argument(
        "--keys",
        metavar="FILE",
        help=(
            "the log's trusted keys (one 'tracker key export' line each, with roles): every "
            "record must be signed by one, and the --head note's signatures must verify"
        ),
    )

    p = command(
        subparsers,
        "head",
        help="print the log's tree head as a note to publish (origin, size, Merkle root)",
        description=(
            "Verify the log, then print its head as a C2SP checkpoint note: the log's origin,\n"
            "its size (the last sequence number), the RFC 9162 Merkle root of its records'\n"
            "hashes and a 'chain' line with the last record's hash. --sign KEY adds your\n"
            "signature (signed-note format). Publish it (in an article, a commit, an email);\n"
            "'tracker verify --head' proves later that the log still extends it, and\n"
            "'tracker prove' shows one event is in it without showing the others."
        ),
        example=(
            "tracker head --sign newsroom.example/alice > published-head.txt\n"
            "tracker verify --head published-head.txt --keys trusted-keys.txt"
        ),
        handler=_head,
    )
    p.add_argument(
        "--sign", metavar="KEY", action="append", help="sign the head with this key (repeatable)"
    )
    command(
        subparsers,
        "repair",
        help="cut a torn or unfinished end after a crash (the bytes are saved first)",
        description=(
            "After a crash, a log may end in a torn line or an unfinished batch (exit 4).\n"
            "repair cuts those bytes, saving them beside the log first (LOG.torn-OFFSET).\n"
            "Nothing acknowledged is lost: a torn end was never reported as appended."
        ),
        example="tracker repair --log grok.jsonl",
        handler=_repair,
    )
    p = command(
        subparsers,
        "schema",
        help="print the JSON Schema of events, or of a command's --json output",
        description=(
            "Print the JSON Schema of an event (for writing import files), of one event type,\n"
            "or with --output of what a command prints with --json (every list an array,\n"
            "every absence null, every instant RFC 3339 UTC with microseconds and Z)."
        ),
        example=(
            "tracker schema > event.schema.json\n"
            "tracker schema figure\n"
            "tracker schema --output stances\n"
            "tracker schema --output 'actor show'"
        ),
        handler=_schema,
        log=False,
    )
    p.add_argument("event_type", metavar="TYPE", nargs="?", help="only this event type")
    p.add_argument(
        "--output",
        metavar="COMMAND",
        help="the schema of COMMAND's --json output (stances, figures, 'actor show', ...)",
    )


# --- verify, head, repair, schema ------------------------------------------------------------


def _verify(args: argparse.Namespace) -> None:
    head = _read_head(args.head) if args.head is not None else None
    signed = None
    trusted = None
    if args.keys is not None:
        from tracker.proofs.keys import read_trusted

        trusted = read_trusted(args.keys)
    with open_log(args) as log:
        if args.extends:
            with explain_missing_log(args.extends, "source", "to compare with"):
                report = log.extends(args.extends)
        if not args.extends or head is not None or trusted is not None:
            report = log.verify(head=head, keys=trusted)
        if head is not None:
            signed = _tree_head(head, args.keys)
    last = report.head
    result: dict[str, Any] = {
        "ok": True,
        "records": report.records,
        "head": str(last),
        "seq": last.seq,
        "hash": last.hash,
        "extends_head": None,
        "extends_log": None,
        "root": None,
        "signatures": [],
        "signed": None,
        "recorders": [],
        "rotations": [],
        "erasures": [],
    }
    text = f"ok: {report.records} records, chain intact"
    audit = report.audit
    if audit is not None and audit.keys_checked:
        result["signed"] = audit.signed
        result["recorders"] = [
            {"key": key, "records": n} for key, n in sorted(audit.recorders.items())
        ]
        result["rotations"] = [
            {"record": seq, "old": old, "new": new} for seq, old, new in audit.rotations
        ]
        names = ", ".join(f"{k} ({n})" for k, n in sorted(audit.recorders.items()))
        text += f"; every record signed by a trusted key: {names or 'none'}"
    elif trusted is not None:
        text += "; record signatures not checked (the keys file names no recorder or eraser)"
    if audit is not None and audit.erasures:
        result["erasures"] = [
            {
                "record": e.seq,
                "erased": list(e.records),
                "reason": e.reason,
                "ordered_by": e.ordered_by,
                "by": e.by,
            }
            for e in audit.erasures
        ]
        for e in audit.erasures:
            erased = ", ".join(str(r) for r in e.records)
            noun = "record" if len(e.records) == 1 else "records"
            text += (
                f"; record {e.seq} erased {noun} {erased} ({clip(e.reason, 80)}; "
                f"ordered by {clip(e.ordered_by, 60)})"
            )
    if head is not None:
        from tracker.store.checkpoint import Checkpoint

        pinned = Checkpoint.parse(head)
        result["extends_head"] = str(pinned)
        text += f"; it extends the published head {pinned.seq}"
        if signed is not None:
            from tracker.cli.proof_cmds import signatures_json, signatures_text

            result["root"] = signed.head.root.hex() if signed.head.root else None
            result["signatures"] = signatures_json(signed.checked)
            text += " and its Merkle root"
            if args.keys is not None:
                text += "; " + signatures_text(signed.checked, args.keys)
            elif signed.checked:
                text += f" ({plural(len(signed.checked), 'signature')} not checked: give --keys)"
    if args.extends:
        result["extends_log"] = args.extends
        text += f"; it extends {args.extends}"
    result["warnings"] = list(report.warnings)
    text = f"{text}; head {last}"
    if report.warnings:
        text += f"\n{plural(len(report.warnings), 'warning')} (the chain is intact):"
        text += "".join(f"\n  warning: {w}" for w in report.warnings)
    from tracker.cli.outputs import dump

    emit(dump("verify", result), args.json, text)


def _read_head(value: str) -> str:
    """The text of --head: the note or SEQ:HASH itself, a file holding it, or - for stdin."""
    import re

    from tracker.errors import InvalidInputError

    if value == "-":
        return sys.stdin.read()
    if "\n" in value or re.fullmatch(r"\s*\d+:[0-9a-fA-F]*\s*", value):
        return value
    try:
        with open(value, encoding="utf-8") as f:  # noqa: PTH123 - plain open keeps imports light
            return f.read(65536)
    except FileNotFoundError:
        msg = (
            f"--head {value!r} is neither SEQ:HASH nor a file holding the note 'tracker head' "
            "printed"
        )
        raise InvalidInputError(msg) from None
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"cannot read the head from {value}: {getattr(exc, 'strerror', None) or exc}"
        raise InvalidInputError(msg) from None


def _head(args: argparse.Namespace) -> None:
    import base64

    from tracker._proofs import tree_head

    keys = []
    if args.sign:
        from tracker.proofs.keys import load_key

        keys = [load_key(name) for name in args.sign]
    with open_log(args) as log:
        head = log.head()
        checkpoint = tree_head(log)
    note = checkpoint.note()
    if keys:
        from tracker.proofs.note import Note

        signed = Note(checkpoint.text())
        for key in keys:
            signed = signed.sign(key)
        note = signed.encode()
    assert checkpoint.root is not None
    result = {
        "origin": checkpoint.origin,
        "seq": checkpoint.seq,
        "hash": checkpoint.hash,
        "root": base64.b64encode(checkpoint.root).decode(),
        "recorded": head.recorded,
        "head": str(checkpoint),
        "note": note,
    }
    from tracker.cli.outputs import dump

    emit(dump("head", result), args.json, note.rstrip("\n") + ("" if keys else "\n"))


class _Signed:
    """A tree head given to verify, with its checked signatures."""

    def __init__(self, head: Any, checked: list[Any]) -> None:
        self.head, self.checked = head, checked


def _tree_head(text: str, keys_path: str | None) -> _Signed | None:
    """For a tree head given to verify (whose root ``Log.verify`` checked): check its
    signatures against the keys (a chain note has none: None)."""
    from tracker.cli.proof_cmds import trusted_keys
    from tracker.proofs.proof import check_head_signatures, normalize
    from tracker.store.checkpoint import Checkpoint

    if Checkpoint.parse(text).root is None:
        if keys_path is not None:
            from tracker.errors import InvalidInputError

            msg = "--keys: this head is a hash-chain note (an older 'tracker head'), which carries no signatures"
            raise InvalidInputError(msg)
        return None
    from tracker.proofs.proof import read_head

    signed = read_head(normalize(text))
    keys = trusted_keys(keys_path)
    return _Signed(signed.head, check_head_signatures(signed, keys))


def _repair(args: argparse.Namespace) -> None:
    import tracker

    path, origin = log_path(args)
    with explain_missing_log(path, origin):
        damage = tracker.repair(path)
    from tracker.cli.outputs import dump

    if damage is None:
        result: dict[str, Any] = {
            "repaired": False,
            "offset": None,
            "length": None,
            "description": None,
        }
        emit(dump("repair", result), args.json, f"nothing to repair: {path} ends cleanly")
        return
    result = {
        "repaired": True,
        "offset": damage.offset,
        "length": damage.length,
        "description": damage.description,
    }
    emit(
        dump("repair", result),
        args.json,
        f"cut {damage.length} bytes at byte {damage.offset} of {path}: {damage.description}",
    )


def _schema(args: argparse.Namespace) -> None:
    from tracker.events import json_schema
    from tracker.events.flat import spec

    if args.output is not None:
        if args.event_type is not None:
            msg = "schema: give an event TYPE or --output COMMAND, not both"
            raise UsageError(msg)
        emit(_output_schema(args.output), True)
        return
    if args.event_type is None:
        emit(json_schema(), True)
        return
    model = spec(args.event_type).model
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    emit(schema, True)


def _output_schema(command: str) -> dict[str, Any]:
    """The schema of a command's --json output; an unknown command is refused with the list."""
    from tracker.cli.outputs import COMMANDS, schema
    from tracker.errors import InvalidInputError
    from tracker.projections.registry import suggest

    name = " ".join(command.split())
    if name not in COMMANDS:  # 'actor-show' and 'actor_show' name 'actor show'
        spaced = " ".join(command.replace("-", " ").replace("_", " ").split())
        name = spaced if spaced in COMMANDS else name
    if name not in COMMANDS:
        close = suggest(name, COMMANDS)
        hint = f"; did you mean '{close}'?" if close else ""
        msg = (
            f"schema --output: no command '{command}'{hint} (commands with --json output: "
            f"{', '.join(sorted(COMMANDS))})"
        )
        raise InvalidInputError(msg)
    return schema(name)
