"""Key pairs in the user's config directory, and the trusted-keys files teams keep with a log.

A private key is made by ``tracker key new NAME`` and kept in the user's config directory
(``$TRACKER_CONFIG_DIR``, else ``$XDG_CONFIG_HOME/tracker``, else ``~/.config/tracker``), in
``keys/`` (mode 0700), one file per key (mode 0600), never beside a log. Its public half is
shared as one line (``tracker key export NAME``).

A trusted-keys file lists public keys, one per line, each optionally followed by words that
say what the key may do; ``#`` starts a comment::

    # who may sign heads and records of this log
    newsroom.example/alice+1a2b3c4d+AXv...   publisher recorder
    witness.example/w1+5e6f7a8b+BHx...       witness

A line's key is the ``NAME+KEYID+KEY`` text ``tracker key export`` prints (``--witness`` for
a witness's cosignature key). The roles:

- ``publisher``: its signature on a tree head makes the head the log's (``verify --head``,
  ``check-proof``);
- ``witness``: its cosignature on a head is checked and shown;
- ``recorder``: records it signs pass ``verify --keys``;
- ``eraser``: it may sign erasures (``tracker erase``).

``revoked=DATE`` (a day, ``2026-03-01``, or an instant, ``2026-03-01T12:00:00Z``) revokes the
key from then on: ``verify --keys`` reports every record it signed recorded at or after it
(records signed before keep verifying)::

    newsroom.example/bob+9c8d7e6f+AYz...   recorder revoked=2026-03-01
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from tracker.errors import InvalidInputError, StorageError, UnknownIdError
from tracker.proofs.note import SignerKey, VerifierKey, valid_name
from tracker.store.signed import Signer

KNOWN_ROLES = frozenset(("publisher", "recorder", "witness", "eraser"))


def config_dir() -> Path:
    """The user's tracker config directory (not created here)."""
    base = os.environ.get("TRACKER_CONFIG_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CONFIG_HOME")
    return (Path(xdg) if xdg else Path.home() / ".config") / "tracker"


def keys_dir(*, create: bool = False) -> Path:
    """Where private keys are kept (created with mode 0700 when ``create``)."""
    directory = config_dir() / "keys"
    if create:
        try:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            msg = f"cannot create {directory}: {exc.strerror or exc}"
            raise StorageError(msg) from None
    if directory.is_symlink():
        msg = f"{directory} is a symbolic link: keys are kept only in a real directory"
        raise StorageError(msg)
    return directory


def _file_for(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:32] + ".key"


def new_key(name: str) -> SignerKey:
    """Make a key pair named ``name`` and save its private key (mode 0600).

    Raises:
        InvalidInputError: the name is not a valid key name, or a key of that name exists.
        StorageError: the key could not be written.
    """
    if not valid_name(name):
        msg = f"invalid key name {name!r}: use a name without spaces or '+', e.g. newsroom.example/alice"
        raise InvalidInputError(msg)
    key = SignerKey.generate(name)
    path = keys_dir(create=True) / _file_for(name)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        msg = f"a key named {name} already exists (see 'tracker key list'); pick another name"
        raise InvalidInputError(msg) from None
    except OSError as exc:
        msg = f"cannot write the key to {path}: {exc.strerror or exc}"
        raise StorageError(msg) from None
    try:
        os.write(fd, (key.text() + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return key


def list_keys() -> list[SignerKey]:
    """Every private key in the config directory, by name."""
    directory = keys_dir()
    if not directory.is_dir():
        return []
    keys = []
    for path in sorted(directory.glob("*.key")):
        try:
            keys.append(SignerKey.parse(_read_private(path)))
        except InvalidInputError:
            continue  # not ours: a stray file
    return sorted(keys, key=lambda k: k.name)


def load_key(name: str) -> SignerKey:
    """The private key named ``name``.

    Raises:
        UnknownIdError: no key of that name (with the names there are).
    """
    path = keys_dir() / _file_for(name)
    if path.is_file():
        key = SignerKey.parse(_read_private(path))
        if key.name == name:
            return key
    names = ", ".join(k.name for k in list_keys()) or "none yet"
    msg = f"no key named {name} (keys: {names}); make one with 'tracker key new {name}'"
    raise UnknownIdError(msg)


def _read_private(path: Path) -> str:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        msg = f"cannot read the key {path}: {exc.strerror or exc}"
        raise InvalidInputError(msg) from None
    try:
        return os.read(fd, 4096).decode("utf-8", "replace")
    finally:
        os.close(fd)


@dataclass(frozen=True, slots=True)
class TrustedKey:
    """One key of a trusted-keys file, the roles it is given, and when it was revoked."""

    key: VerifierKey
    roles: frozenset[str] = field(default_factory=frozenset)
    revoked: str | None = None
    """The instant from which it is revoked (RFC 3339, as records' ``recorded``), or None."""


def parse_trusted(text: str, *, where: str = "keys file") -> list[TrustedKey]:
    """Read a trusted-keys file's text.

    Raises:
        InvalidInputError: a line is not a public key, or names an unknown role.
    """
    out: list[TrustedKey] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        try:
            key = VerifierKey.parse(words[0])
        except InvalidInputError as exc:
            msg = f"{where}:{number}: {exc.message}"
            raise InvalidInputError(msg) from None
        revoked = None
        roles = frozenset(w for w in words[1:] if not w.startswith("revoked="))
        for word in words[1:]:
            if word.startswith("revoked="):
                revoked = _revocation(word[8:], f"{where}:{number}")
        unknown = roles - KNOWN_ROLES
        if unknown:
            msg = (
                f"{where}:{number}: unknown role {sorted(unknown)[0]!r} "
                f"(roles: {', '.join(sorted(KNOWN_ROLES))})"
            )
            raise InvalidInputError(msg)
        out.append(TrustedKey(key, roles, revoked))
    if not out:
        msg = f"{where} holds no public key (one 'NAME+KEYID+KEY' per line, from 'tracker key export')"
        raise InvalidInputError(msg)
    return out


def _revocation(text: str, where: str) -> str:
    """A revocation date as the instant it starts (a day: its first microsecond, UTC)."""
    from tracker.errors import InvalidDateError
    from tracker.events.dates import format_instant, parse_instant_bound

    try:
        return format_instant(parse_instant_bound(text.replace("Z", "+00:00"), end=False))
    except (InvalidDateError, ValueError):
        msg = f"{where}: revoked={text[:40]!r} is not a date (give 2026-03-01 or 2026-03-01T12:00:00Z)"
        raise InvalidInputError(msg) from None


def read_trusted(path: str) -> list[TrustedKey]:
    """Read the trusted-keys file at ``path``.

    Raises:
        InvalidInputError: it cannot be read, or is not a keys file.
    """
    try:
        with open(path, encoding="utf-8") as f:  # noqa: PTH123
            text = f.read(1 << 20)
    except FileNotFoundError:
        msg = f"no keys file at {path} (list the public keys from 'tracker key export', one per line)"
        raise InvalidInputError(msg) from None
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"cannot read the keys file {path}: {getattr(exc, 'strerror', None) or exc}"
        raise InvalidInputError(msg) from None
    return parse_trusted(text, where=path)


def key_ref(key: VerifierKey | SignerKey) -> str:
    """How a record names its recorder's key: ``NAME+KEYID`` (the Ed25519 key's ID)."""
    verifier = key if isinstance(key, VerifierKey) else key.verifier()
    return f"{verifier.name}+{verifier.as_kind(0x01).id:08x}"


def record_signer(key: SignerKey | str) -> Signer:
    """A signer of records from a private key, or from the name of one in the config directory.

    Raises:
        UnknownIdError: no key of that name.
    """
    if isinstance(key, str):
        key = load_key(key)
    private = key.private()
    return Signer(key_ref(key), private.sign)


def verifier_keys(trusted: list[TrustedKey]) -> list[VerifierKey]:
    """The keys that check note signatures: each key as given, and a witness's also as a
    cosignature key (type 0x04) when the file gives it as a plain Ed25519 key."""
    out: list[VerifierKey] = []
    for t in trusted:
        out.append(t.key)
        if "witness" in t.roles and t.key.kind != 0x04:
            out.append(t.key.as_kind(0x04))
    return out


__all__ = [
    "KNOWN_ROLES",
    "TrustedKey",
    "config_dir",
    "keys_dir",
    "list_keys",
    "load_key",
    "new_key",
    "parse_trusted",
    "read_trusted",
    "record_signer",
    "key_ref",
    "verifier_keys",
]
