"""Keys, signed heads and proofs: ``tracker key new|list|export|rotate``, ``cosign``, ``prove`` and
``check-proof``. (``tracker head --sign`` and ``verify --keys`` live with head and verify.)"""

from __future__ import annotations

import argparse
import sys

from tracker.cli.common import command, emit, open_log, selected


def _emit(output: str, result: dict[str, Any], as_json: bool, text: str) -> None:
    """Print ``result`` as the declared shape of ``output`` (tracker.cli.outputs), or ``text``."""
    from tracker.cli.outputs import dump

    emit(dump(output, result), as_json, text)


TYPE_CHECKING = False  # not typing's: keeps typing out of `tracker --help`
if TYPE_CHECKING:
    from typing import Any


def register(subparsers: Any) -> None:
    """Add this module's commands."""
    words = selected(subparsers)
    group = subparsers.add_parser(
        "key",
        help="make, list and export the key pairs that sign heads (kept in your config directory)",
        description=(
            "Ed25519 key pairs for signing heads and cosigning them as a witness. Private keys\n"
            "stay in your config directory ($TRACKER_CONFIG_DIR, else ~/.config/tracker/keys,\n"
            "mode 0600), never beside a log; share the public half from 'tracker key export'."
        ),
        epilog="Example:\n  $ tracker key new newsroom.example/alice",
    )
    actions = group.add_subparsers(dest="action", metavar="ACTION", title="actions", required=True)
    actions.tracker_words = words[1:] if words[:1] == ["key"] else []
    p = command(
        actions,
        "new",
        help="make a key pair named NAME (the private key stays in your config directory)",
        example="tracker key new newsroom.example/alice",
        handler=_key_new,
        log=False,
    )
    p.add_argument("name", metavar="NAME", help="the key's name: no spaces or '+' (e.g. newsroom.example/alice)")
    command(
        actions,
        "list",
        help="list your key pairs (names, key IDs and public keys)",
        example="tracker key list",
        handler=_key_list,
        log=False,
    )
    p = command(
        actions,
        "export",
        help="print a public key to share (one line for a trusted-keys file)",
        description=(
            "Print the public key of NAME as one line, NAME+KEYID+KEY, for the trusted-keys file\n"
            "a team keeps with its log. --witness prints the key a witness cosigns with."
        ),
        example="tracker key export newsroom.example/alice >> trusted-keys.txt",
        handler=_key_export,
        log=False,
    )
    p.add_argument("name", metavar="NAME", help="the key's name")
    p.add_argument(
        "--witness", action="store_true", help="the cosignature key (type 0x04) a witness signs with"
    )
    p = command(
        actions,
        "rotate",
        help="hand your recorder roles to a new key, in a record the old key signs",
        description=(
            "Append a key_rotation record to the log, signed by OLD, announcing NEW's public\n"
            "key. 'tracker verify --keys' then trusts NEW as it trusted OLD (the keys file need\n"
            "not list it) and reports any record OLD signs after this one. NEW is one of your\n"
            "keys, or a public key (NAME+KEYID+KEY) a colleague exported."
        ),
        example=(
            "tracker key rotate newsroom.example/alice newsroom.example/alice-2027\n"
            "tracker key rotate newsroom.example/alice 'newsroom.example/bob+9c8d7e6f+AYz...'"
        ),
        handler=_key_rotate,
    )
    p.add_argument("old", metavar="OLD", help="the key handed over (one of yours)")
    p.add_argument("new", metavar="NEW", help="the new key: one of yours, or a public key")

    p = command(
        subparsers,
        "cosign",
        help="add a witness's cosignature to a head, after checking the log against it",
        description=(
            "As a witness holding a copy of the log (--log), check that the log matches the\n"
            "head (its chain and its Merkle root) and that the head's signatures verify, then\n"
            "print the head with your timestamped cosignature added (C2SP tlog-cosignature)."
        ),
        example="tracker cosign head.txt --key witness.example/w1 --keys trusted-keys.txt > head-cosigned.txt",
        handler=_cosign,
    )
    p.add_argument("head", metavar="HEAD", help="the head note (a file, or - for standard input)")
    p.add_argument("--key", required=True, metavar="NAME", help="your key (see 'tracker key list')")
    p.add_argument("--keys", metavar="FILE", help="trusted keys: the head's signatures must verify")

    p = command(
        subparsers,
        "prove",
        help="write a proof that an event is in the log at a head, or that a head extends another",
        description=(
            "prove EVENT --head NOTE: an inclusion proof (C2SP tlog-proof) holding the event's\n"
            "record, its place and the audit path to the head's Merkle root. A reader checks it\n"
            "with 'tracker check-proof', with nothing else: no log, no other event.\n"
            "prove --from OLD --to NEW: a consistency proof that the later head extends the\n"
            "earlier one (RFC 9162), checked with 'check-proof FILE --from OLD --to NEW'."
        ),
        example=(
            "tracker prove uk-insulting --head head.txt > uk-insulting.tlog-proof\n"
            "tracker prove --from head-jan.txt --to head-feb.txt > jan-feb.proof"
        ),
        handler=_prove,
    )
    p.add_argument("event", metavar="EVENT", nargs="?", help="the event's id")
    p.add_argument("--head", metavar="NOTE", help="the tree head to prove it in (a file, or -)")
    p.add_argument("--from", dest="old", metavar="NOTE", help="the earlier head")
    p.add_argument("--to", dest="new", metavar="NOTE", help="the later head")
    p.add_argument("--out", metavar="FILE", help="write the proof here (default: standard output)")

    p = command(
        subparsers,
        "check-proof",
        help="check a proof offline, with only the heads and the keys (no log)",
        description=(
            "An inclusion proof: checks the record's hash, its audit path to the head's Merkle\n"
            "root, that the head is the one you hold (--head) and its signatures (--keys):\n"
            "give at least one of the two (a proof's own head alone shows nothing). With\n"
            "--keys, a signed record's own signature is checked too.\n"
            "A consistency proof: checks that --to extends --from. Exit 5 when it does not hold.\n"
            "Without --keys, nobody's signature is checked: the answer says so (and --json has\n"
            "keys_checked false), and it is only as good as the way the heads reached you."
        ),
        example=(
            "tracker check-proof uk-insulting.tlog-proof --head head.txt --keys trusted-keys.txt\n"
            "tracker check-proof jan-feb.proof --from head-jan.txt --to head-feb.txt"
        ),
        handler=_check_proof,
        log=False,
    )
    p.add_argument("proof", metavar="FILE", help="the proof file (or - for standard input)")
    p.add_argument(
        "--head",
        metavar="NOTE",
        help="the head you hold (give it, or --keys, or both: a proof's own head alone shows nothing)",
    )
    p.add_argument("--keys", metavar="FILE", help="trusted keys: the heads' signatures must verify")
    p.add_argument("--from", dest="old", metavar="NOTE", help="the earlier head (consistency)")
    p.add_argument("--to", dest="new", metavar="NOTE", help="the later head (consistency)")


def read_text(value: str, what: str) -> str:
    """The text of a file argument (``-`` for standard input), at most 1 MiB."""
    from tracker.errors import InvalidInputError

    if value == "-":
        return sys.stdin.read(1 << 20)
    try:
        with open(value, encoding="utf-8") as f:  # noqa: PTH123 - plain open keeps imports light
            return f.read(1 << 20)
    except FileNotFoundError:
        msg = f"no {what} at {value}"
        raise InvalidInputError(msg) from None
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"cannot read the {what} {value}: {getattr(exc, 'strerror', None) or exc}"
        raise InvalidInputError(msg) from None


def trusted_keys(path: str | None) -> Any:
    """The verifier keys of a trusted-keys file (None without one)."""
    if path is None:
        return None
    from tracker.proofs.keys import read_trusted, verifier_keys

    return verifier_keys(read_trusted(path))


def signatures_json(checked: list[Any]) -> list[dict[str, Any]]:
    """Checked signatures as JSON rows."""
    return [
        {"name": c.name, "key_id": f"{c.id:08x}", "status": c.status, "role": c.role or None}
        for c in checked
    ]


BOTH = "the heads'"
"""How :func:`signatures_text` names the two heads of a consistency proof."""


def signatures_text(checked: list[Any], keys: Any, *, heads: str = "the head's") -> str:
    """One phrase on a head's signatures: who signed it, or plainly that nobody checked."""
    if keys is None:
        return (
            f"{heads} signatures were NOT checked (no --keys; {len(checked)} ignored): "
            "this is only as good as the way you got the head"
        )
    ok = [f"{c.name} ({c.role})" for c in checked if c.status == "verified"]
    return "signed by " + ", ".join(dict.fromkeys(ok))  # once each, for two heads too


# --- key -------------------------------------------------------------------------------------


def _key_new(args: argparse.Namespace) -> None:
    from tracker.proofs.keys import keys_dir, new_key

    key = new_key(args.name)
    public = key.verifier().text()
    _emit(
        "key new",
        {"name": key.name, "public_key": public, "directory": str(keys_dir())},
        args.json,
        f"made key {key.name} (private key in {keys_dir()}, mode 0600)\n"
        f"public key, to share: {public}\n"
        f"next: tracker key export {key.name} >> trusted-keys.txt",
    )


def _key_list(args: argparse.Namespace) -> None:
    from tracker.proofs.keys import keys_dir, list_keys

    keys = list_keys()
    rows = [{"name": k.name, "public_key": k.verifier().text()} for k in keys]
    if not rows:
        text = f"no keys yet in {keys_dir()}; make one with: tracker key new NAME"
    else:
        text = "\n".join(f"{r['name']}  {r['public_key']}" for r in rows)
    _emit("key list", {"keys": rows}, args.json, text)


def _key_export(args: argparse.Namespace) -> None:
    from tracker.proofs.keys import load_key
    from tracker.proofs.note import COSIGNATURE, ED25519

    key = load_key(args.name)
    public = key.verifier(COSIGNATURE if args.witness else ED25519).text()
    _emit("key export", {"name": key.name, "public_key": public}, args.json, public)


def _key_rotate(args: argparse.Namespace) -> None:
    from tracker.proofs.keys import key_ref, load_key
    from tracker.proofs.note import VerifierKey

    old = load_key(args.old)
    new = VerifierKey.parse(args.new) if "+" in args.new else load_key(args.new).verifier()
    with open_log(args) as log:
        receipt = log.rotate_key(old, new)
    old_ref, new_ref = key_ref(old), key_ref(new)
    emit(
        {"id": receipt.id, "seq": receipt.seq, "old": old_ref, "new": new_ref},
        args.json,
        f"record {receipt.seq}: {old_ref} hands over to {new_ref}; sign with the new key "
        f"from now on (export it: tracker key export {new.name})",
    )


# --- cosign, prove, check-proof --------------------------------------------------------------


def _cosign(args: argparse.Namespace) -> None:
    import time

    from tracker.proofs.keys import load_key
    from tracker.proofs.proof import check_head_signatures, read_head

    text = read_text(args.head, "head")
    signed = read_head(text)
    keys = trusted_keys(args.keys)
    check_head_signatures(signed, keys)
    key = load_key(args.key)
    with open_log(args) as log:
        log.verify(head=signed.head)  # the chain and the Merkle root
    note = signed.note.cosign(key, int(time.time()))
    out = note.encode()
    _emit("cosign", {"note": out, "witness": key.name}, args.json, out.rstrip("\n"))


def _prove(args: argparse.Namespace) -> None:
    from tracker import _proofs
    from tracker.errors import InvalidInputError

    if args.old is not None or args.new is not None:
        if args.old is None or args.new is None or args.event or args.head:
            msg = "a consistency proof takes --from NOTE and --to NOTE (and no EVENT or --head)"
            raise InvalidInputError(msg)
        old, new = read_text(args.old, "head"), read_text(args.new, "head")
        with open_log(args) as log:
            proof = _proofs.prove_consistency(log, old, new)
    else:
        if args.event is None or args.head is None:
            msg = "prove takes EVENT --head NOTE (an inclusion proof) or --from NOTE --to NOTE"
            raise InvalidInputError(msg)
        head = read_text(args.head, "head")
        with open_log(args) as log:
            proof = _proofs.prove(log, args.event, head)
    if args.out:
        _write(args.out, proof)
        _emit("prove", {"proof": args.out}, args.json, f"wrote the proof to {args.out}")
        return
    _emit("prove", {"proof": proof}, args.json, proof.rstrip("\n"))


def _write(path: str, text: str) -> None:
    import os

    from tracker.errors import StorageError

    try:
        with open(path, "x", encoding="utf-8") as f:  # noqa: PTH123
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
    except FileExistsError:
        from tracker.errors import InvalidInputError

        msg = f"{path} exists: give another --out (a proof never overwrites a file)"
        raise InvalidInputError(msg) from None
    except OSError as exc:
        msg = f"cannot write {path}: {exc.strerror or exc}"
        raise StorageError(msg) from None


def _check_proof(args: argparse.Namespace) -> None:
    from tracker.errors import InvalidInputError
    from tracker.proofs.proof import CONSISTENCY_HEADER, check_consistency, check_inclusion

    text = read_text(args.proof, "proof")
    keys = trusted_keys(args.keys)
    if text.lstrip().startswith(CONSISTENCY_HEADER):
        if args.old is None or args.new is None:
            msg = "a consistency proof is checked against the two heads: --from NOTE --to NOTE"
            raise InvalidInputError(msg)
        c = check_consistency(
            text, read_text(args.old, "head"), read_text(args.new, "head"), keys=keys
        )
        _emit(
            "check-proof --consistency",
            {
                "ok": True,
                "kind": "consistency",
                "origin": c.new.head.origin,
                "from": c.old.head.seq,
                "to": c.new.head.seq,
                "signatures": signatures_json(c.signatures),
                "keys_checked": keys is not None,
            },
            args.json,
            f"ok: the head at {c.new.head.seq} extends the head at {c.old.head.seq} of "
            f"{c.new.head.origin}; {signatures_text(c.signatures, keys, heads=BOTH)}",
        )
        return
    head = read_text(args.head, "head") if args.head is not None else None
    result = check_inclusion(text, head=head, keys=keys)
    event = result.record.get("event")
    ident = _inert(event.get("id")) if isinstance(event, dict) else None
    kind = _inert(event.get("type")) if isinstance(event, dict) else None
    _emit(
        "check-proof",
        {
            "ok": True,
            "kind": "inclusion",
            "event": ident,
            "type": kind,
            "seq": result.index + 1,
            "origin": result.head.head.origin,
            "head_size": result.head.head.seq,
            "record": result.record,
            "signatures": signatures_json(result.signatures),
            "keys_checked": keys is not None,
            "recorder": result.recorder,
            "recorder_signature": result.recorder_signature,
        },
        args.json,
        f"ok: event {ident} ({kind}) is record {result.index + 1} of {result.head.head.origin} "
        f"at its head of {result.head.head.seq} records; "
        f"{signatures_text(result.signatures, keys)}; {_recorded_by(result, keys)}",
    )


def _recorded_by(result: Any, keys: Any) -> str:
    """One phrase on who the proof's record says recorded it."""
    if result.recorder is None:
        return "the record is unsigned"
    who = _inert(result.recorder)
    return {
        "verified": f"recorded by {who} (its signature checked)",
        "not in the proof": f"recorded by {who} (its batch's signature is on a later record, not in the proof)",
        "not checked": f"recorded by {who} (not checked: "
        + ("no --keys)" if keys is None else "that key is not in --keys)"),
    }[result.recorder_signature]


def _inert(value: Any) -> str:
    """Text from a proof (anyone may have written it) shown without control characters."""
    text = str(value)[:80]
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)
