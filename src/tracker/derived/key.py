"""The user's key, and the MAC that makes a derived file believable.

One random 32-byte key per user lives in the cache directory (``CACHE/derived.key``, mode
0600). Every derived file that can change an answer or let a write through carries an
HMAC-SHA256 under it, computed over what the file is (its ``kind``), which log it belongs to
(its ``scope``: the log folder's name) and its bytes. A file copied from another log's folder,
from another user or from another machine, or edited by hand, fails the check and is rebuilt.

A key file that is not a whole key (empty after a crash, edited, readable by others, a link)
is never used: a new key replaces it, so nothing sealed under the old one is believed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import stat
import tempfile
from pathlib import Path

from tracker.derived.files import cache_root, fsync_folder, open_own

KEY_NAME = "derived.key"
_KEY_BYTES = 32
_MAC_HEX = 64


_Identity = tuple[str, int, int, int, int, int, int, int]
_seen: tuple[_Identity, bytes] | None = None
"""The key last read, with the identity of the file it was read from (see :func:`user_key`)."""


def user_key() -> bytes | None:
    """This user's key, created on first use; None where none can be kept (no cache dir).

    Read from its file once per process and kept while that file stays the one it was read
    from (same path, device, inode, size, mode, owner, change and modification times): a key
    replaced, edited, or made readable by others is read (and judged) again.
    """
    root = cache_root()
    if root is None:
        return None
    path = root / KEY_NAME
    seen = _seen
    if seen is not None:
        try:
            st = os.stat(path, follow_symlinks=False)
        except OSError:
            pass
        else:
            if _identity(path, st) == seen[0]:
                return seen[1]
    return _read_key(path) or _new_key(path)


def _identity(path: Path, st: os.stat_result) -> _Identity:
    return (os.fspath(path), st.st_dev, st.st_ino, st.st_size, st.st_mode, st.st_uid,
            st.st_ctime_ns, st.st_mtime_ns)


def _read_key(path: Path) -> bytes | None:
    """The key in ``path`` if it is a whole key only this user can read (noted for
    :func:`user_key`, with the identity of the file it was read from)."""
    global _seen  # noqa: PLW0603 - one key per process, read again when its file changes
    fd = open_own(path, os.O_RDONLY)
    if fd is None:
        return None
    try:
        st = os.fstat(fd)
        if st.st_mode & 0o077 or not stat.S_ISREG(st.st_mode):
            return None  # readable by others: anyone could forge what it signs
        key = os.read(fd, _KEY_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(key) != _KEY_BYTES:
        return None
    _seen = (_identity(path, st), key)
    return key


def _new_key(path: Path) -> bytes | None:
    """Write a new key whole, then put it in place in one step.

    A missing key is linked into place (of two processes making one at once, the first wins
    and the other reads its key); anything else at the key's name is replaced.
    """
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{KEY_NAME}.", suffix=".tmp", dir=path.parent)
    except OSError:
        return None
    try:
        try:
            os.write(fd, os.urandom(_KEY_BYTES))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(temp, path, follow_symlinks=False)
        except FileExistsError:
            if _read_key(path) is None:  # damaged, a link, someone else's: replace it
                os.replace(temp, path)
        fsync_folder(path.parent)
    except OSError:
        return None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)
    return _read_key(path)


def new_mac(kind: str, scope: str) -> hmac.HMAC | None:
    """An HMAC-SHA256 under the user's key, bound to a file's kind and log; None: no key."""
    key = user_key()
    if key is None:
        return None
    return hmac.new(key, f"tracker-derived\0{kind}\0{scope}\0".encode(), hashlib.sha256)


def seal(kind: str, scope: str, body: bytes) -> bytes | None:
    """``body`` followed by a line with its MAC; None when no key can be kept."""
    mac = new_mac(kind, scope)
    if mac is None:
        return None
    mac.update(body)
    return body + b"\n" + mac.hexdigest().encode()


def unseal(kind: str, scope: str, data: bytes | None) -> bytes | None:
    """The body of what :func:`seal` wrote, if its MAC checks out; else None."""
    if data is None or len(data) < _MAC_HEX + 1 or data[-_MAC_HEX - 1 : -_MAC_HEX] != b"\n":
        return None
    body, given = data[: -_MAC_HEX - 1], data[-_MAC_HEX:]
    mac = new_mac(kind, scope)
    if mac is None:
        return None
    mac.update(body)
    return body if hmac.compare_digest(mac.hexdigest().encode(), given) else None


__all__ = ["KEY_NAME", "new_mac", "seal", "unseal", "user_key"]
