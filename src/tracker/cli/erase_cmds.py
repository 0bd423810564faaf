"""Erasure and carrying a log on: ``tracker erase`` and ``tracker carry``."""

from __future__ import annotations

import argparse

from tracker.cli.common import add_sign_option, command, emit, open_log

TYPE_CHECKING = False  # not typing's: keeps typing out of `tracker --help`
if TYPE_CHECKING:
    from typing import Any


def register(subparsers: Any) -> None:
    """Add this module's commands."""
    p = command(
        subparsers,
        "erase",
        help="erase events' content for good, keeping every hash, head and proof valid",
        description=(
            "Erase the content of EVENT (and of every record that refers to it: corrections,\n"
            "retractions, supersessions, verifications) from the log for good: each record keeps\n"
            "its hash and signer, loses its content, and a signed erasure record names them,\n"
            "the reason and who ordered it. Published heads and proofs of other events still\n"
            "hold. Only records appended signed (version 2) can be erased. An actor or topic\n"
            "is erased only with every event that names it (name them all). Copies of the log\n"
            "made earlier (backups, colleagues' copies) keep the content: see 'Erasure that\n"
            "keeps the proofs' in the documentation's Guarantees page."
        ),
        example=(
            "tracker erase inc-minor-named --reason 'court order 2026/123' "
            "--ordered-by 'Tribunal judiciaire de Paris' --sign newsroom.example/legal"
        ),
        handler=_erase,
    )
    p.add_argument("events", metavar="EVENT", nargs="+", help="the event ids (or actor/topic ids)")
    p.add_argument("--reason", required=True, help="why (recorded in the erasure record)")
    p.add_argument(
        "--ordered-by", dest="ordered_by", required=True, help="who ordered it (recorded too)"
    )
    p.add_argument("--dry-run", action="store_true", help="list what would be erased, erase nothing")
    add_sign_option(p)

    p = command(
        subparsers,
        "carry",
        help="carry an older log on into a new, signed log whose records can be erased",
        description=(
            "Records written unsigned (version 1) cannot be erased: their hashes cover their\n"
            "events. carry verifies the log (--log), then starts a new log at NEW whose first\n"
            "record (signed) holds the old log's tree head, and appends every event of the old\n"
            "log again, in order, signed: version 2 records, erasable. Keep the old log\n"
            "(archived, unchanged): it is the record of when each event was first recorded;\n"
            "'tracker verify --log OLD --head NOTE' with the note of NEW's first record ties them."
        ),
        example="tracker carry --log grok.jsonl grok-signed.jsonl --sign newsroom.example/alice",
        handler=_carry,
    )
    p.add_argument("new", metavar="NEW", help="where the new log goes (it must not exist yet)")
    add_sign_option(p)


def _carry(args: argparse.Namespace) -> None:
    import os

    import tracker
    from tracker.cli.common import ENV_SIGNING_KEY, explain_missing_log, log_path
    from tracker.cli.outputs import dump

    path, origin = log_path(args)
    signer = args.signer or os.environ.get(ENV_SIGNING_KEY, "").strip() or None
    if signer is None:
        from tracker.errors import InvalidInputError

        msg = f"a carried log is signed: give --sign KEY (or ${ENV_SIGNING_KEY})"
        raise InvalidInputError(msg)
    with explain_missing_log(path, origin, "to carry on"):
        report = tracker.carry(path, args.new, signer=signer, clock=getattr(args, "clock", None))
    result = {
        "source": report.source,
        "destination": report.destination,
        "head": report.head,
        "carried": report.carried,
        "skipped": report.skipped,
    }
    skipped = f"; {report.skipped} records about the old log not carried" if report.skipped else ""
    emit(
        dump("carry", result),
        args.json,
        f"carried {report.carried} events of {report.source} on into {report.destination} "
        f"(record 1 holds the old log's head, {report.head.splitlines()[1]} records){skipped}; "
        f"keep {report.source} as it is: it dates what was recorded when",
    )


def _erase(args: argparse.Namespace) -> None:
    from tracker.cli.outputs import dump

    with open_log(args, signing=True) as log:
        receipt = log.erase(
            args.events, reason=args.reason, ordered_by=args.ordered_by, dry_run=args.dry_run
        )
    records = ", ".join(str(s) for s in receipt.erased)
    noun = "record" if len(receipt.erased) == 1 else "records"
    others = len(receipt.erased) - len(args.events)
    also = f" (with {others} that refer to {'it' if len(args.events) == 1 else 'them'})" if others > 0 else ""
    if args.dry_run:
        text = (
            f"would erase {noun} {records}{also}; record {receipt.seq} would record the "
            f"erasure, signed by {receipt.by} (dry run: nothing changed)"
        )
    else:
        text = (
            f"erased {noun} {records}{also}: their content is gone from {log.location} and "
            f"from the files tracker derives; record {receipt.seq} records the erasure, signed "
            f"by {receipt.by}. Copies made before (backups, other stores) still hold it"
        )
    result = {
        "record": receipt.seq,
        "id": receipt.id,
        "erased": list(receipt.erased),
        "events": list(receipt.events),
        "by": receipt.by,
        "dry_run": receipt.dry_run,
    }
    emit(dump("erase", result), args.json, text)
