"""Where derived state lives, and the only ways it is read and written.

Every derived file lives under the user's cache directory (:func:`cache_root`), in a private
folder per log (:func:`log_folder`), never beside the log. The rules, kept by the helpers here
and by nothing else:

- folders are created with mode 0700 and must be real directories owned by this user; a
  symlink or anything else found where a folder belongs is removed (the link itself, never
  what it points at) and the folder made again; a folder owned by another user is refused
  (derived state then lives in memory only);
- files are opened with ``O_NOFOLLOW`` and must be regular files owned by this user: anything
  else is treated as absent (:func:`read_file`) or removed and replaced (:func:`open_own`);
- a file is replaced through :func:`atomic_write` only: a temporary file created exclusively
  (``O_CREAT|O_EXCL``, an unpredictable name, mode 0600) in the same folder, written, fsynced,
  renamed over the file, and the folder fsynced where durability matters.

Nobody but this user (and root) can write inside the cache folder, so a library that creates
side files by path there (SQLite's ``-wal``, ``-shm``, ``-journal``) is safe: no one else can
plant a link or a file under those names. That is the reason derived state lives there.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

_NOFOLLOW = os.O_NOFOLLOW | os.O_CLOEXEC
_FOLDER_MODE = 0o700
_FILE_MODE = 0o600


_root_seen: tuple[tuple[str | None, ...], Path, tuple[int, int]] | None = None
"""The cache root last found, the environment that named it, and its device and inode."""


def cache_root() -> Path | None:
    """The user's cache directory for tracker, created private (0700); None where none can be.

    ``$TRACKER_CACHE_DIR``, else ``$XDG_CACHE_HOME/tracker``, else ``~/.cache/tracker``. The
    path is resolved once (a user may link their cache elsewhere); the directory it names must
    be owned by this user and writable by no one else, or no derived state is kept on disk.
    Found once per process while the environment names the same place and that place is the
    same private directory (one ``lstat``); anything else and it is looked for again.
    """
    global _root_seen  # noqa: PLW0603 - found once per process, checked on every use
    env = tuple(os.environ.get(name) for name in ("TRACKER_CACHE_DIR", "XDG_CACHE_HOME", "HOME"))
    seen = _root_seen
    if seen is not None and seen[0] == env:
        try:
            st = os.lstat(seen[1])
        except OSError:
            pass
        else:
            if (
                stat.S_ISDIR(st.st_mode)
                and st.st_uid == os.geteuid()
                and not st.st_mode & 0o077
                and (st.st_dev, st.st_ino) == seen[2]
            ):
                return seen[1]
    try:
        base = env[0]
        if base:
            root = Path(base)
        else:
            xdg = env[1]
            root = (Path(xdg) if xdg else Path.home() / ".cache") / "tracker"
        root = Path(os.path.realpath(root))
        root.mkdir(parents=True, exist_ok=True, mode=_FOLDER_MODE)
    except (OSError, RuntimeError):  # no home directory, or a read-only one
        return None
    if not _private_dir(root, fix_mode=True):
        return None
    try:
        st = os.lstat(root)
    except OSError:
        return None
    _root_seen = (env, root, (st.st_dev, st.st_ino))
    return root


def _private_dir(path: Path, *, fix_mode: bool) -> bool:
    """Whether ``path`` is a real directory of this user that no one else may write."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid():
        return False
    if st.st_mode & 0o077:
        if not fix_mode:
            return False
        try:
            os.chmod(path, _FOLDER_MODE, follow_symlinks=False)
        except (OSError, NotImplementedError):
            return False
    return True


def private_folder(path: Path) -> bool:
    """Make ``path`` a private folder (0700, this user's), replacing whatever else is there.

    ``path``'s parent must already be private (the cache root, or a folder made by this
    function). A symlink, a file or a foreign directory at ``path`` is removed, never
    followed. Returns False when the folder cannot be had (derived state then stays in memory).
    """
    for _attempt in range(2):
        try:
            os.mkdir(path, _FOLDER_MODE)
        except FileExistsError:
            pass
        except OSError:
            return False
        if _private_dir(path, fix_mode=True):
            return True
        discard(path)
    return False


def log_folder(kind: str, location: str, origin: str) -> Path | None:
    """The private folder of one log: ``CACHE/logs/DIGEST``, created on first use.

    ``kind`` is the store (``file``, ``postgresql``), ``location`` where the log lives (a file
    log's real path, a database URL without its password) and ``origin`` a digest of its first
    record: a log replaced by another one at the same place gets a folder of its own, so
    nothing derived from the old log is ever taken for the new one's. Returns None when no
    private folder can be had.
    """
    root = cache_root()
    if root is None:
        return None
    digest = hashlib.sha256("\0".join((kind, location, origin)).encode()).hexdigest()[:32]
    logs = root / "logs"
    folder = logs / digest
    if not private_folder(logs) or not private_folder(folder):
        return None
    about = folder / "about"
    if read_file(about) is None:  # for a person cleaning the cache: which log this was
        atomic_write(about, f"{kind} {location}\norigin {origin}\n".encode(), fsync=False)
    return folder


def read_file(path: Path, *, limit: int | None = None) -> bytes | None:
    """The bytes of a regular file of this user (up to ``limit``); None for anything else.

    A symlink, a FIFO, a device, a directory or a file of another user reads as absent (so it
    is rebuilt and replaced). Nothing blocks: a FIFO is opened non-blocking and refused.
    """
    fd = open_own(path, os.O_RDONLY)
    if fd is None:
        return None
    try:
        with os.fdopen(fd, "rb", buffering=0) as f:
            return f.read() if limit is None else f.read(limit)
    except OSError:
        return None


def open_own(path: Path | str, flags: int, *, create: bool = False) -> int | None:
    """Open a regular file of this user without following a link; None if it is not one.

    ``flags`` are ``os.open``'s (``O_RDONLY``, ``O_WRONLY``...). With ``create``, a missing
    file is created (mode 0600), and anything that is not a regular file of this user is
    removed and the file created in its place. The caller closes the descriptor.
    """
    extra = os.O_CREAT if create else 0
    for _attempt in range(2):
        try:
            fd = os.open(path, flags | extra | _NOFOLLOW | os.O_NONBLOCK, _FILE_MODE)
        except FileNotFoundError:
            return None
        except OSError:  # ELOOP (a symlink), EACCES, ENXIO (a socket)...
            if not create:
                return None
            discard(Path(path))
            continue
        try:
            st = os.fstat(fd)
            ok = stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid()
            if ok:
                os.set_blocking(fd, True)
        except OSError:
            ok = False
        if ok:
            return fd
        os.close(fd)
        if not create:
            return None
        discard(Path(path))
    return None


def atomic_write(
    path: Path,
    data: bytes | Callable[[BinaryIO], None],
    *,
    fsync: bool = True,
    durable: bool = False,
) -> bool:
    """Replace ``path`` with new content in one step; the one way derived files are written.

    A temporary file is created exclusively beside ``path`` (``O_CREAT|O_EXCL``, an
    unpredictable name, mode 0600), ``data`` is written to it (bytes, or a function given the
    open file), it is fsynced (unless ``fsync`` is false: content a MAC checks needs no
    ordering) and renamed over ``path``; with ``durable`` the folder is fsynced too, so the
    rename itself survives a crash. A symlink at ``path`` is replaced, never followed.

    Returns whether the file was written: derived data is never worth an error, so a failure
    (a full disk, a read-only cache) leaves the old file, removes the temporary one, and
    returns False.
    """
    folder = path.parent
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as out:
            if callable(data):
                data(out)
            else:
                out.write(data)
            out.flush()
            if fsync or durable:
                os.fsync(out.fileno())
        os.replace(temp, path)
        if durable:
            fsync_folder(folder)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            os.unlink(temp)
        return False
    return True


def overwrite(path: Path, data: bytes) -> bool:
    """Write ``data`` over a regular file of this user of exactly its size, in place, in one
    write at its start; False (nothing written) when ``path`` is not such a file (or has
    another name: a hard link is never written through).

    For a small sealed file rewritten often (the stamp of what was verified): no temporary
    file and no rename, whose cost on some file systems is a flush of the data. One write of
    less than a page is never seen half done by a process killed around it. Not fsynced: a
    file for which that matters goes through :func:`atomic_write`.
    """
    fd = open_own(path, os.O_WRONLY)
    if fd is None:
        return False
    try:
        st = os.fstat(fd)
        if st.st_size != len(data) or st.st_nlink != 1:  # (a hard link: replaced, not written)
            return False
        return os.pwrite(fd, data, 0) == len(data)
    except OSError:
        return False
    finally:
        os.close(fd)


def fsync_folder(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


SQLITE_SIDE = ("-wal", "-shm", "-journal")
"""The side files SQLite opens by name beside a database."""


def own_side_files(database: Path) -> None:
    """Remove anything but a regular file of this user where SQLite keeps ``database``'s side
    files (it opens them by name: a link planted there would be written through)."""
    for suffix in SQLITE_SIDE:
        side = database.with_name(database.name + suffix)
        if os.path.lexists(side):
            fd = open_own(side, os.O_RDONLY)
            if fd is None:
                discard(side)
            else:
                os.close(fd)


def discard(path: Path) -> None:
    """Remove ``path`` whatever it is, never following a link (a link is itself removed).

    A directory is removed with everything in it (``shutil.rmtree`` walks it by descriptors
    and never follows a link inside it). Errors are ignored: derived state is rebuilt anyway.
    """
    try:
        st = os.lstat(path)
    except OSError:
        return
    if stat.S_ISDIR(st.st_mode):
        import shutil  # (only here: at the top it costs every command's start-up)

        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            os.unlink(path)


__all__ = [
    "atomic_write",
    "cache_root",
    "discard",
    "fsync_folder",
    "log_folder",
    "open_own",
    "own_side_files",
    "SQLITE_SIDE",
    "overwrite",
    "private_folder",
    "read_file",
]
