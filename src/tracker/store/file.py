"""The embedded store: a JSONL file, one canonical record per line, appended and never rewritten.

The path given may be a symbolic link to the log: it is resolved once, on open, and the real
path is used from then on (the lock sits beside the real file). The log must be a regular
file: a FIFO, a device, a socket or a directory is refused in one line, before anything is
opened in a way that could block, and no lock file is made beside it. Every later open of the
log and of its lock refuses to follow a link (``O_NOFOLLOW``).

Locking: writers take an exclusive ``flock`` on a separate lock file (``LOG.lock``) that is never
truncated or deleted; the kernel releases it when a process dies. Readers take a shared lock only
for the moment they read the file's size, so they see whole batches and never wait for long. A
lock file that is a link, or not a regular file, or owned by neither this user nor the log's
owner, is refused in one line: tracker never creates or opens a file through a planted link.

Durability: a batch is written with one ``O_APPEND`` write (looped on short writes) and fsynced
before ``append`` returns. A failed write is cut back to the size before the append; a failed
fsync raises :class:`~tracker.errors.StorageError` saying durability is unknown, never "ok".

Crashes: a torn last line or an unfinished batch at the end is found on open and reported with
its byte offset (:class:`~tracker.errors.TornTailError`); :func:`repair` cuts it only when asked,
after saving the cut bytes beside the log.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tracker.errors import (
    IntegrityError,
    InvalidInputError,
    InvalidRecordError,
    LockTimeoutError,
    LogExistsError,
    LogNotFoundError,
    StorageError,
    TornTailError,
    TrackerError,
    check_the_log,
)
from tracker.store.base import (
    Clock,
    Head,
    Position,
    Store,
    Writer,
    system_clock,
)
from tracker.store.records import ZERO_HASH, Record, check_line, hash_of_line, parse_record

_CHUNK = 1 << 22
_FIRST_CHUNK = 1 << 13
_TAIL_CHUNK = 1 << 16
DEFAULT_LOCK_TIMEOUT = 10.0

# Test hooks, used only by the guarantee tests (tests/guarantees/test_concurrency.py) to prove
# that the concurrency test catches the bug it is for. Never set them in real use.
_test_skip_lock = False
"""True: writers take no lock (the control run: the test must then find a broken log)."""
_test_before_write: Callable[[], None] | None = None
"""Called between reading the head and writing a batch (widens the window of a race)."""


def _storage_error(action: str, path: Path, exc: OSError) -> StorageError:
    reason = exc.strerror or str(exc)
    hint = ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        hint = "; free some space (or raise the file size limit) and try again"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = "; check the file's permissions, or use a writable copy"
    return StorageError(f"cannot {action} {path}: {reason}{hint}")


@dataclass(frozen=True, slots=True)
class Damage:
    """A torn or unfinished end of the log: where it starts and how long it is."""

    offset: int
    length: int
    description: str


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_NOFOLLOW = os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK

_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
    stat.S_IFLNK: "a symbolic link",
}


def _kind(mode: int) -> str:
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def _not_a_log(path: Path, mode: int) -> TrackerError:
    """The error for a path that is something other than a regular file."""
    if stat.S_ISDIR(mode):
        msg = f"{path} is a directory, not a log file: give the path of a .jsonl log"
        return LogNotFoundError(msg)
    msg = f"{path} is {_kind(mode)}, not a log file: give the path of a regular .jsonl file"
    return InvalidInputError(msg)


def open_regular(path: str, flags: int) -> int:
    """Open the log without following a link or blocking; refuse anything but a regular file.

    Raises:
        InvalidInputError: it is a FIFO, a device, a socket or a link.
        LogNotFoundError: it is a directory.
        OSError: as ``os.open`` (the caller words it).
    """
    fd = os.open(path, flags | _NOFOLLOW)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _not_a_log(Path(path), mode)
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


class FileStore(Store):
    """A log in a JSONL file. Positions are byte offsets."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        clock: Clock = system_clock,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        check: bool = True,
    ) -> None:
        """Open the log at ``path``, checking that it is a log and that its end is whole.

        ``check=False`` skips those checks (for :meth:`repair`, which must open a torn log).

        Raises:
            LogNotFoundError: nothing is at ``path``.
            InvalidRecordError: the file is not a tracker log, or comes from a newer tracker.
            TornTailError: the log ends in a torn line or an unfinished batch.
        """
        self.location = str(path)
        given = Path(path)
        try:
            st = os.stat(given)  # (follows a link once: --log may name one)
        except (FileNotFoundError, NotADirectoryError):
            hint = (
                f"the directory {given.parent} does not exist"
                if not given.parent.exists()
                else "create it with 'tracker init'"
            )
            msg = f"no log at {given}: {hint}"
            raise LogNotFoundError(msg) from None
        except OSError as exc:
            raise _storage_error("open", given, exc) from None
        if not stat.S_ISREG(st.st_mode):
            raise _not_a_log(given, st.st_mode)
        self.path = given
        """The path as given (messages name it)."""
        self.real_path = Path(os.path.realpath(given))
        """The log's real path, resolved once on open: every system call uses it."""
        self.owner = st.st_uid
        """Who owns the log file (a lock file may be theirs or this user's)."""
        self.lock_path = Path(f"{self.real_path}.lock")  # not with_name: "." and "/" have no name
        self._path_str = os.fspath(self.real_path)  # for the system calls of every append
        self._lock_str = os.fspath(self.lock_path)
        self._clock = clock
        self.lock_timeout = lock_timeout
        self._known: tuple[tuple[int, int, int, int], Head] | None = None
        """The head after this process's last append, keyed by the file's identity, size and
        mtime: a writer that finds the file unchanged skips re-reading its tail."""
        if check:
            self._check_first_line()
            self.head()  # raises TornTailError on a torn end, IntegrityError on an edited one

    # --- creation -------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        *,
        clock: Clock = system_clock,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    ) -> FileStore:
        """Create an empty log at ``path`` (refusing to overwrite anything), durably."""
        p = Path(path)
        if p.is_dir():
            msg = f"{p} is a directory; give the path of a new .jsonl file"
            raise LogExistsError(msg)
        if not p.parent.exists():
            msg = f"cannot create {p}: the directory {p.parent} does not exist; create it first"
            raise LogNotFoundError(msg)
        try:
            fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            msg = f"{p} already exists; tracker init never overwrites: choose another path"
            raise LogExistsError(msg) from None
        except IsADirectoryError:
            msg = f"{p} is a directory; give the path of a new .jsonl file"
            raise LogExistsError(msg) from None
        except OSError as exc:
            raise _storage_error("create", p, exc) from None
        try:
            os.fsync(fd)
            _fsync_dir(p.parent.resolve())
        except OSError as exc:
            msg = (
                f"created {p}, but fsync failed ({exc.strerror or exc}): whether it is durable "
                "is unknown"
            )
            raise StorageError(msg, **check_the_log(
                "check the disk, then run 'tracker verify'",
                "check the disk, then check it with log.verify()")) from None
        finally:
            os.close(fd)
        return cls(p, clock=clock, lock_timeout=lock_timeout)

    # --- reading --------------------------------------------------------------------------

    def _open_read(self) -> int:
        try:
            return open_regular(self._path_str, os.O_RDONLY)
        except FileNotFoundError:
            msg = f"the log {self.path} has disappeared"
            raise LogNotFoundError(msg) from None
        except OSError as exc:
            raise _storage_error("read", self.path, exc) from None

    def _check_first_line(self) -> None:
        fd = self._open_read()
        try:
            head = os.pread(fd, _TAIL_CHUNK, 0)
        finally:
            os.close(fd)
        if not head:
            return
        end = head.find(b"\n")
        line = head if end < 0 else head[:end]
        if end < 0 and len(head) == _TAIL_CHUNK:
            return  # a first record longer than the chunk: leave it to the tail check and verify
        marker = b'{"batch":'
        if end < 0:  # a single line, cut short: the tail check reports it if it is a record's
            if not (line.startswith(marker) or marker.startswith(line)):
                msg = f"{self.path} is not a tracker log (its first line is not a record)"
                raise InvalidRecordError(msg)
            return
        try:
            parse_record(line)
        except InvalidRecordError as exc:
            if "newer tracker" in exc.message:
                msg = f"{self.path}: {exc.message}"
                raise InvalidRecordError(msg) from None
            if line.startswith(marker) or _is_record(head[end + 1 :].partition(b"\n")[0]):
                return  # a record that was edited (it starts like one, or one follows it)
            msg = f"{self.path} is not a tracker log (its first line is not a record)"
            raise InvalidRecordError(msg) from None

    def _size(self) -> int:
        try:
            return os.lstat(self._path_str).st_size
        except FileNotFoundError:
            msg = f"the log {self.path} has disappeared"
            raise LogNotFoundError(msg) from None

    def damage(self) -> Damage | None:
        """Return the torn or unfinished end of the log, if any (no lock taken)."""
        fd = self._open_read()
        try:
            return _find_damage(fd, os.fstat(fd).st_size)[0]
        finally:
            os.close(fd)

    def head(self) -> Head:
        """Return the head, raising TornTailError if the end is damaged."""
        fd = self._open_read()
        try:
            return _tail_head(fd, os.fstat(fd).st_size, self.path)
        finally:
            os.close(fd)

    def first_line(self) -> bytes | None:
        """The log's first line (None while it is empty or has no whole line yet)."""
        fd = self._open_read()
        try:
            data = b""
            while True:
                chunk = os.pread(fd, _TAIL_CHUNK, len(data))
                data += chunk
                end = data.find(b"\n")
                if end >= 0:
                    return data[:end]
                if not chunk:
                    return None
        finally:
            os.close(fd)

    def position_of(self, seq: int) -> Position | None:
        """Return the byte offset just after record ``seq`` (None for 0), counting lines.

        (The facade finds it faster through the seek samples it keeps: :mod:`tracker.derived`.)

        Raises:
            InvalidInputError: the log has no record ``seq``.
        """
        if seq == 0:
            return None
        head = self.head()
        if seq == head.seq:
            return head.position
        if 0 < seq < head.seq:
            for n, (_line, after) in enumerate(self.read_lines(), 1):
                if n == seq:
                    return after
        msg = f"there is no record {seq} in {self.location}: its last record is {head.seq}"
        raise InvalidInputError(msg)

    def record_before(self, position: int) -> Record | None:
        """The record whose line ends just before byte ``position``, or None if none does."""
        fd = self._open_read()
        try:
            if position <= 0 or position > os.fstat(fd).st_size:
                return None
            if os.pread(fd, 1, position - 1) != b"\n":
                return None
            for _start, line in _lines_backwards(fd, position):
                try:
                    return parse_record(line)
                except InvalidRecordError:
                    return None
            return None
        finally:
            os.close(fd)

    def _stable_end(self) -> int:
        """The file size at a batch boundary: read under a shared lock when one can be had."""
        try:
            lock_fd = self._open_lock()
        except StorageError:
            raise  # a planted lock: refused, by readers too
        except OSError:
            return self._size()  # a read-only place: no writer can be appending either
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_SH)
            return self._size()
        finally:
            os.close(lock_fd)  # closing releases the lock

    def read(
        self, start: Position | None = None, *, end: int | None = None
    ) -> Iterator[tuple[Record, Position]]:
        """Stream records from byte ``start`` up to the end as it stood when reading began
        (or up to ``end``, a record boundary)."""
        for line, pos in self.read_lines(start, end=end):
            yield parse_record(line, where=f"{self.path} at byte {pos - len(line) - 1}: "), pos

    def read_lines(
        self, start: Position | None = None, *, end: int | None = None
    ) -> Iterator[tuple[bytes, Position]]:
        """Stream each stored line's bytes (no newline) with the offset after it.

        Reading stops at ``end`` (a record boundary) when given, else at the end of the last
        whole batch when reading began.
        """
        fd, stable = self._open_stable()
        try:
            end = stable if end is None else min(end, stable)
            pos = int(start or 0)
            if pos < end:
                yield from _iter_lines(fd, pos, end)
        finally:
            os.close(fd)

    def _open_stable(self) -> tuple[int, int]:
        """The log opened, and its size at a batch boundary, both read under a shared lock
        when one can be had: the size is the opened file's, even if an erasure puts a new
        file in its place right after (an erasure renames one over the log under the lock)."""
        try:
            lock_fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:  # a read-only place: no writer can be appending either
            fd = self._open_read()
            return fd, os.fstat(fd).st_size
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_SH)
            fd = self._open_read()
            return fd, os.fstat(fd).st_size
        finally:
            os.close(lock_fd)  # closing releases the lock

    # --- writing --------------------------------------------------------------------------

    @contextmanager
    def _locked(self, timeout: float | None) -> Iterator[None]:
        if _test_skip_lock:
            yield
            return
        wait = self.lock_timeout if timeout is None else timeout
        try:
            lock_fd = self._open_lock()
        except OSError as exc:
            raise _storage_error("lock", self.lock_path, exc) from None
        try:
            deadline = time.monotonic() + wait
            delay = 0.001
            while True:
                try:
                    fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        msg = (
                            f"another process has held the lock on {self.path} for over "
                            f"{wait:g} s; try again when it is done"
                        )
                        raise LockTimeoutError(msg) from None
                    time.sleep(delay)
                    delay = min(delay * 2, 0.05)
            yield
        finally:
            os.close(lock_fd)

    def _open_lock(self) -> int:
        """Open (or create) the lock file, refusing a link or anything but a plain file.

        Raises:
            StorageError: the lock file is a link, not a regular file, or someone else's.
            OSError: it cannot be opened (a read-only place; the caller decides).
        """
        try:
            fd = os.open(self._lock_str, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o644)
        except OSError as exc:
            if exc.errno != errno.ELOOP:
                raise
            msg = (
                f"{self.lock_path} is a symbolic link: tracker never opens its lock through a "
                "link; remove it (a lock file is safe to delete when no tracker is running)"
            )
            raise StorageError(msg) from None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_uid not in (os.geteuid(), self.owner):
                what = _kind(st.st_mode) if not stat.S_ISREG(st.st_mode) else "another user's file"
                msg = (
                    f"{self.lock_path} is {what}, not this log's lock file: remove it (a lock "
                    "file is safe to delete when no tracker is running)"
                )
                raise StorageError(msg)
            os.set_blocking(fd, True)
        except BaseException:
            os.close(fd)
            raise
        return fd

    @contextmanager
    def writer(self, *, timeout: float | None = None) -> Iterator[Writer]:
        """Hold the exclusive lock and yield a writer for appends."""
        with self._locked(timeout):
            yield _FileWriter(self)

    def repair(self, *, timeout: float | None = None) -> Damage | None:
        """Cut a torn or unfinished end, saving the cut bytes beside the log first.

        Returns the damage that was cut (with ``description`` naming the saved file), or None
        when the log's end is whole.
        """
        with self._locked(timeout):
            try:
                fd = open_regular(self._path_str, os.O_RDWR)
            except OSError as exc:
                raise _storage_error("repair", self.path, exc) from None
            try:
                size = os.fstat(fd).st_size
                damage = _find_damage(fd, size)[0]
                if damage is None:
                    return None
                cut = os.pread(fd, damage.length, damage.offset)
                saved = _save_beside(self.path, f".torn-{damage.offset}", cut)
                os.ftruncate(fd, damage.offset)
                os.fsync(fd)
                _fsync_dir(self.real_path.parent)
            except OSError as exc:
                raise _storage_error("repair", self.path, exc) from None
            finally:
                os.close(fd)
            return Damage(damage.offset, damage.length, f"{damage.description}; saved to {saved}")


def _file_key(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


class _FileWriter(Writer):
    def __init__(self, store: FileStore) -> None:
        super().__init__(store._clock)  # noqa: SLF001 - the writer is the store's own helper
        self._store = store
        self.unchanged = False
        """Whether the file is as this process's last append left it (so is its head)."""
        known = store._known  # noqa: SLF001
        if known is not None:
            try:
                key = _file_key(os.stat(store._path_str))  # noqa: SLF001
            except OSError:
                key = None
            if key == known[0]:
                self._head = known[1]
                self.unchanged = True
                return
        self._head = store.head()

    def head(self) -> Head:
        return self._head

    def read_lines(self, start: Position | None = None) -> Iterator[tuple[bytes, Position]]:
        """Stream the stored lines after ``start`` up to the head (under the lock)."""
        end = int(self._head.position)
        pos = int(start or 0)
        if pos >= end:
            return
        fd = self._store._open_read()  # noqa: SLF001
        try:
            yield from _iter_lines(fd, pos, end)
        finally:
            os.close(fd)

    def read(self, start: Position | None = None) -> Iterator[tuple[Record, Position]]:
        for line, after in self.read_lines(start):
            yield parse_record(line), after

    def _write(self, records: Sequence[Record], head: Head) -> Position:
        path = self._store.path
        data = b"".join(r.line() + b"\n" for r in records)
        if _test_before_write is not None:
            _test_before_write()
        try:
            fd = open_regular(self._store._path_str, os.O_WRONLY | os.O_APPEND)  # noqa: SLF001
        except OSError as exc:
            raise _storage_error("append to", path, exc) from None
        try:
            before = int(head.position)
            try:
                view = memoryview(data)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
            except OSError as exc:
                _cut_back(fd, before)
                raise _storage_error("append to", path, exc) from None
            except BaseException:
                _cut_back(fd, before)
                raise
            try:
                os.fsync(fd)
            except OSError as exc:
                msg = (
                    f"fsync of {path} failed ({exc.strerror}): whether the last append is "
                    "durable is unknown"
                )
                raise StorageError(msg, **check_the_log(
                    python="check it with log.verify()", then="before relying on it")) from None
            after = before + len(data)
            last = records[-1]
            self._head = Head(last.seq, last.hash, last.recorded, after)
            st = os.fstat(fd)
            if st.st_size == after:
                self._store._known = (_file_key(st), self._head)  # noqa: SLF001
        finally:
            os.close(fd)
        return after


    def _rewrite(self, lines: Mapping[int, bytes], records: Sequence[Record], head: Head) -> Position:
        """Write the log anew: a temporary file beside it (created exclusively, the log's
        mode), each line copied or replaced, then ``records``; fsync; rename over the log;
        fsync the folder. Readers see the old file or the new one, never a mix."""
        store = self._store
        # The file itself, not a link to it: renaming over a link would leave the old bytes
        # in the file it points at.
        path = Path(os.path.realpath(store.path))
        try:
            st = os.stat(path)
        except OSError as exc:
            raise _storage_error("rewrite", path, exc) from None
        if st.st_nlink > 1:
            msg = (
                f"{path} has {st.st_nlink - 1} other hard link(s): the old bytes would stay "
                "under those names; remove them (or copy the log to a file of its own), then "
                "try again"
            )
            raise InvalidInputError(msg)
        try:
            fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".erase", dir=path.parent)
        except OSError as exc:
            raise _storage_error("rewrite", path, exc) from None
        try:
            try:
                os.fchmod(fd, stat.S_IMODE(st.st_mode))
                with contextlib.suppress(OSError):  # keep the owner where allowed (root)
                    os.fchown(fd, st.st_uid, st.st_gid)
                end = _copy_replacing(store, fd, lines, head)
                data = b"".join(r.line() + b"\n" for r in records)
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(temp, path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise _storage_error("rewrite", path, exc) from None
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
        try:
            _fsync_dir(path.parent)
        except OSError as exc:
            msg = (
                f"fsync of {path.parent} failed ({exc.strerror}): whether the rewritten log is "
                "durable is unknown"
            )
            raise StorageError(msg, **check_the_log(
                python="check it with log.verify()", then="before relying on it")) from None
        after = end + len(data)
        if records:
            last = records[-1]
            self._head = Head(last.seq, last.hash, last.recorded, after)
        else:
            self._head = Head(head.seq, head.hash, head.recorded, after)
        store._known = None  # noqa: SLF001 - a new file: the next writer reads its tail
        return after


def _copy_replacing(store: FileStore, out: int, lines: Mapping[int, bytes], head: Head) -> int:
    """Copy the log's records up to ``head`` into ``out``, the records in ``lines`` replaced
    (each must keep its hash); return the bytes written."""
    fd = store._open_read()  # noqa: SLF001
    written = 0
    pending: list[bytes] = []
    try:
        for seq, (line, _after) in enumerate(_iter_lines(fd, 0, int(head.position)), 1):
            new = lines.get(seq)
            if new is not None:
                if hash_of_line(new) != hash_of_line(line) or not hash_of_line(line):
                    msg = f"record {seq}: the line put in its place would change its hash"
                    raise IntegrityError(msg, seq=seq)
                line = new
            pending.append(line)
            pending.append(b"\n")
            if len(pending) >= 2048:
                written += _write_all(out, b"".join(pending))
                pending = []
        if pending:
            written += _write_all(out, b"".join(pending))
    finally:
        os.close(fd)
    return written


def _write_all(fd: int, data: bytes) -> int:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    return len(data)


def _save_beside(path: Path, suffix: str, data: bytes) -> Path:
    """Write ``data`` durably to a new file beside ``path``, never over an earlier one."""
    n = 1
    while True:
        saved = path.with_name(path.name + suffix + (f".{n}" if n > 1 else ""))
        try:
            fd = os.open(saved, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            n += 1
            continue
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        return saved


def _cut_back(fd: int, size: int) -> None:
    """Undo a partial write: truncate back to the size before the append."""
    try:
        os.ftruncate(fd, size)
        os.fsync(fd)
    except OSError:
        pass  # the tail check on the next open reports whatever is left


def _iter_lines(fd: int, pos: int, end: int) -> Iterator[tuple[bytes, int]]:
    """Yield each complete line in [pos, end) with the offset after its newline.

    Reads in chunks and splits each in C; only a line that straddles two chunks is copied.
    The first chunk is small and each next one twice as big, up to :data:`_CHUNK`: a caller
    that wants one line (an ended action's record, under an append) reads a few kilobytes,
    not megabytes, and a walk of the whole log reads in big chunks all the same.
    """
    rest = b""
    offset = pos  # file offset just after the last line yielded
    size = min(_FIRST_CHUNK, _CHUNK)
    while pos < end:
        chunk = os.pread(fd, min(size, end - pos), pos)
        if not chunk:
            break
        size = min(size * 2, _CHUNK)
        pos += len(chunk)
        lines = chunk.split(b"\n")
        if rest:
            lines[0] = rest + lines[0]
        rest = lines.pop()
        for line in lines:
            offset += len(line) + 1
            yield line, offset


def _lines_backwards(fd: int, end: int) -> Iterator[tuple[int, bytes]]:
    """Yield (start offset, line) for the complete lines before ``end`` (just after a newline)."""
    buf = b""
    buf_start = end  # file offset of buf[0]
    line_end = end - 1  # file offset of the newline that ends the current line
    while line_end >= 0:
        while True:
            nl = buf.rfind(b"\n", 0, line_end - buf_start)
            if nl >= 0 or buf_start == 0:
                break
            read = min(_TAIL_CHUNK, buf_start)
            buf_start -= read
            buf = os.pread(fd, read, buf_start) + buf
        start = buf_start + nl + 1 if nl >= 0 else 0
        yield start, buf[start - buf_start : line_end - buf_start]
        if start == 0:
            return
        line_end = start - 1


def _find_damage(fd: int, size: int) -> tuple[Damage | None, Record | None]:
    """Inspect the end of the log: return (damage, last whole record)."""
    if size == 0:
        return None, None
    tail = os.pread(fd, 1, size - 1)
    torn_start: int | None = None
    complete_end = size
    if tail != b"\n":
        # find the last newline
        pos = size
        last_nl = -1
        while pos > 0 and last_nl < 0:
            read = min(_TAIL_CHUNK, pos)
            pos -= read
            chunk = os.pread(fd, read, pos)
            i = chunk.rfind(b"\n")
            if i >= 0:
                last_nl = pos + i
        complete_end = last_nl + 1
        torn_start = complete_end
        if complete_end == 0:
            return Damage(0, size, f"a torn first record, at byte 0 ({size} bytes)"), None
    backwards = _lines_backwards(fd, complete_end)
    start, line = next(backwards)
    try:
        last = parse_record(line)
    except InvalidRecordError as exc:
        if "newer tracker" in exc.message:
            raise
        if torn_start is not None and start == 0:
            return Damage(0, size, f"a torn first record, at byte 0 ({size} bytes)"), None
        raise _bad_last_line(start, backwards) from None
    if not last.closes_batch:
        # A crash leaves the first records of a batch, whole, after a record that closes its
        # own batch; anything else at the end was edited, not torn.
        batch_start, first = start, last
        for _ in range(last.batch_index):
            batch_start, first_line = next(backwards, (-1, b""))
            try:
                first = parse_record(first_line)
            except InvalidRecordError:
                batch_start = -1
            if batch_start < 0 or first.batch_id != last.batch_id:
                msg = (
                    f"record {last.seq} (the last line, at byte {start}) claims to be record "
                    f"{last.batch_index + 1} of batch {last.batch_id}, but that batch's earlier "
                    "records are not before it: the log was edited; restore it from a copy"
                )
                raise IntegrityError(msg, seq=last.seq)
        _offset, before_line = next(backwards, (0, b""))
        try:
            before_seq = parse_record(before_line).seq if before_line else 0
        except InvalidRecordError:
            before_seq = -1
        if first.seq != last.batch_id or before_seq != first.seq - 1:
            slot = before_seq + 1 if before_seq >= 0 else None
            where = f", where record {slot} belongs," if slot is not None else ""
            msg = (
                f"the line at byte {batch_start}{where} holds record {first.seq} of an unfinished "
                "batch: the log was edited; restore it from a copy"
            )
            raise IntegrityError(msg, seq=slot)
        if hash_of_line(line) != last.hash:  # whole but changed: an edit, not a crash
            raise _bad_last_line(start, _lines_backwards(fd, start))
        length = size - batch_start
        desc = (
            f"an unfinished batch: {last.batch_index + 1} of {last.batch_count} records of "
            f"batch {last.batch_id}, from byte {batch_start} ({length} bytes)"
        )
        return Damage(batch_start, length, desc), None
    if torn_start is not None:
        length = size - torn_start
        desc = f"a torn record after record {last.seq}, at byte {torn_start} ({length} bytes)"
        return Damage(torn_start, length, desc), last
    return None, last


def _is_record(line: bytes) -> bool:
    try:
        parse_record(line)
    except InvalidRecordError:
        return False
    return True


def _bad_last_line(start: int, before: Iterator[tuple[int, bytes]]) -> IntegrityError:
    """The error for a whole last line that is not a record (edited, not torn by a crash)."""
    seq = 1
    _offset, previous = next(before, (0, b""))
    if previous:
        try:
            seq = parse_record(previous).seq + 1
        except InvalidRecordError:
            seq = 0
    which = f"record {seq} (the last line, at byte {start})" if seq else "the last line"
    msg = (
        f"{which} is not a valid record: it was edited after it was written; "
        "restore the log from a copy"
    )
    return IntegrityError(msg, seq=seq or None)


def _first_bad(fd: int, size: int) -> IntegrityError | None:
    """Walk the chain from the start; return the error naming its first bad record, if any."""
    prev, expected, last_recorded = ZERO_HASH, 1, ""
    try:
        for line, _after in _iter_lines(fd, 0, size):
            record = check_line(line, expected, prev, last_recorded)
            prev, expected, last_recorded = record.hash, expected + 1, record.recorded
    except IntegrityError as exc:
        return exc
    except InvalidRecordError:
        return None
    return None


def _tail_head(fd: int, size: int, path: Path) -> Head:
    try:
        damage, last = _find_damage(fd, size)
    except InvalidRecordError as exc:  # the last record comes from a newer tracker
        msg = f"{path}: the last record was {exc.message}"
        raise InvalidRecordError(msg) from None
    except IntegrityError as exc:  # an edited end: name the first bad record, maybe earlier
        first = _first_bad(fd, size)
        if first is not None and first.seq is not None and (exc.seq is None or first.seq < exc.seq):
            msg = f"{first.message}; the log was edited after it was written: restore it from a copy"
            raise IntegrityError(msg, seq=first.seq) from None
        raise
    if damage is not None:
        msg = (
            f"{path} ends in {damage.description}: it was cut short by a crash, and nothing "
            f"acknowledged is lost. Run 'tracker repair --log {path}' to cut those bytes "
            "(they are saved beside the log first)"
        )
        raise TornTailError(msg, offset=damage.offset, length=damage.length)
    if last is None:
        return Head(0, ZERO_HASH, None, 0)
    return Head(last.seq, last.hash, last.recorded, size)


__all__ = ["DEFAULT_LOCK_TIMEOUT", "Damage", "FileStore", "TrackerError", "open_regular"]
