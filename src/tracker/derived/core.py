"""The one way in: :class:`Derived`, the derived state of one open log.

The facade asks it for the index (caught up, and checked, before every write), for the read
model (the projections on disk, which replays read: :mod:`tracker.derived.readmodel`), for seek
positions, and tells it when it has verified the whole log or appended to it. What it
believes, and when:

- **The index is the last point this user verified.** Catching it up walks every record
  appended since, checking each one (:class:`~tracker.store.chain.Chain`: canonical bytes,
  hash, link, order) and each event id (one id, one record) before folding it in. With no
  index (the first write on a log, or after the index was thrown away) that walk covers the
  whole log: a write extends only a chain this user has verified.
- **The stamp** (``verified``): the file's identity as this user last saw it (device, inode,
  size, and change and modification times), sealed under the user's key, and whether every
  byte of it was verified (``whole``: after ``verify``, a replay from the first record, or the
  index built from scratch). The kernel sets the change time on every write and nobody can set
  it back, so while the file's identity is the one noted, the file is exactly what was seen.
  This user's own appends carry the stamp forward (the file was as noted before the write);
  catching the index up after others appended notes the new identity (no longer ``whole``).
- **What that buys.** A file that changed without growing since this user last saw it was
  edited in place (or replaced): the next write, and the next index lookup, verify it whole,
  so even an edit that keeps every length is found; the read model of such a file is thrown
  away, and its rebuild walks the log from the first record, which finds the edit. A record
  the read model reads back must still have the hash noted when its chain was walked (else
  the read refuses, naming the record). What no cheap check finds: an
  edit that keeps every length, inside what this user verified, made together with appends
  since this user last looked; ``verify`` finds it, and ``verify --head`` proves a published
  head.
- **Anchors.** Index, seek samples and the read model each note a record (its end offset and
  hash); they are used only while the log still holds that record there.
"""

from __future__ import annotations

import hashlib
import os
import weakref
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from tracker._json import loads as json_loads
from tracker.derived import files, key
from tracker.derived.index import Index, StaleIndexError
from tracker.derived.index_format import TARGET_FIELD
from tracker.errors import IntegrityError, TrackerError, check_the_log
from tracker.store.base import Position, Store, Writer
from tracker.store.chain import Chain
from tracker.store.file import FileStore
from tracker.store.memory import MemoryStore
from tracker.store.records import ZERO_HASH

if TYPE_CHECKING:
    from tracker.derived.readmodel import ReadModel
    from tracker.derived.seek import SeekIndex

_LEGACY = (".index", ".seek", ".checkpoint")
"""What earlier versions kept beside a log (with ``LOG.*.tmp`` temporary files)."""

StatKey = tuple[int, int, int, int, int]

_STAMP_SIZE = 512
"""The stamp file's size: its body padded with spaces, a newline and the MAC's 64 hex digits."""
_STAMP_BODY = _STAMP_SIZE - 65
_UNBELIEVED: dict[str, Any] = {"stat": []}
"""What :meth:`Derived._stamp` returns for a stamp file that is there but not believed."""


def stat_key(st: os.stat_result) -> StatKey:
    """A file's identity for the whole-log stamp: device, inode, size, ctime and mtime."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_ctime_ns, st.st_mtime_ns)


class Derived:
    """The derived state of one open log; see the module docstring.

    Attributes:
        notes: things worth telling the user once (the command line prints them).
    """

    def __init__(self, store: Store) -> None:
        """Bind to ``store``; nothing is read until first use (but a note on old files)."""
        self.store = store
        self.file = store if isinstance(store, FileStore) else None
        self.notes: list[str] = []
        self._bound: tuple[Path | None, str] | None = None
        self.index = Index(keep=self.file is not None)
        self._index_loaded = False
        self._seek: SeekIndex | None = None
        self._readmodel: ReadModel | None = None
        self._holder = [self.index]  # the finalizer saves whichever index is current
        self._finalizer = weakref.finalize(self, _save_index, store, self._holder)
        if self.file is not None:
            self._note_legacy(self.file.path)

    def close(self) -> None:
        """Save the index (under the log's lock) and close the read model's connection."""
        self._finalizer()
        if self._readmodel is not None:
            self._readmodel.close()

    # --- where it lives ----------------------------------------------------------------------

    def _bind(self) -> tuple[Path | None, str]:
        """The log's private folder and the scope its files are sealed under.

        Keyed by the log's first record, so it is known once the log has one (an empty log
        keeps nothing). Looked up again after the log changed under this object.
        """
        if self._bound is not None and self._bound[0] is not None:
            return self._bound
        self._bound = folder_of(self.store)
        return self._bound

    @property
    def folder(self) -> Path | None:
        """This log's private folder in the cache (None: an empty log, or nowhere to keep it)."""
        return self._bind()[0]

    @property
    def scope(self) -> str:
        """What this log's derived files are sealed under (:func:`tracker.derived.key.seal`)."""
        return self._bind()[1]

    def _note_legacy(self, log: Path) -> None:
        """Say once that files earlier versions left beside the log are no longer used."""
        left = [log.name + suffix for suffix in _LEGACY if os.path.lexists(f"{log}{suffix}")]
        if not left:
            return
        folder = self.folder
        marker = folder / "legacy-noted" if folder is not None else None
        if marker is not None and files.read_file(marker) is not None:
            return
        self.notes.append(
            f"{', '.join(left)} beside {log} (and any {log.name}.*.tmp) were left by an earlier "
            f"tracker and are no longer used: derived state now lives in your cache "
            f"({files.cache_root() or '~/.cache/tracker'}); you can delete them"
        )
        if marker is not None:
            files.atomic_write(marker, b"", fsync=False)

    def forget(self) -> None:
        """Throw away every file derived from this log, and this log's whole folder: after an
        erasure they may hold the erased content, and offsets moved. The folder the log had
        before (its first record may have been erased, which names a new folder) goes too."""
        before = self._bound[0] if self._bound is not None else None
        self.reset_index(discard=True)
        self._seek = None
        if self._readmodel is not None:
            self._readmodel.close()
            self._readmodel = None
        self._bound = None
        for folder in {before, folder_of(self.store)[0]} - {None}:
            assert folder is not None
            files.discard(folder)
        self._bound = None

    # --- the index: the last point this user verified ----------------------------------------

    def holds(self, position: Any, record_hash: Any) -> bool:
        """Whether the log still holds a record with ``record_hash`` ending at ``position``."""
        if self.file is None or not isinstance(position, int):
            return False
        found = self.file.record_before(position)
        return found is not None and found.hash == record_hash

    def reset_index(self, *, discard: bool = False) -> None:
        """Start the index over (from the saved one, unless ``discard`` throws that away)."""
        if discard:
            self.index.discard()
        self.index.close()
        self._bound = None  # the log may be another one now: find its folder again
        self.index = Index(keep=self.file is not None)
        self._holder[0] = self.index
        self._index_loaded = discard  # after a discard there is nothing saved to load

    def catch_up(self, writer: Writer | None = None) -> Index:
        """Bring the index up to the log's head, verifying every record it folds in.

        ``writer`` is the store's writer when the exclusive lock is held; without one the
        records are read as any reader reads them. A damaged saved index is rebuilt.

        Raises:
            IntegrityError: a record does not extend the chain, or reuses an event id.
        """
        try:
            try:
                return self._catch_up(writer)
            except StaleIndexError:
                self.reset_index(discard=True)
                return self._catch_up(writer)
        except IntegrityError as exc:
            if exc.cli_hint:
                raise
            what = "the log does not verify, so nothing was written" if writer else "the log does not verify"
            msg = f"{exc.message}; {what}"
            raise IntegrityError(msg, seq=exc.seq, **check_the_log(
                f"run 'tracker verify --log {self.store.location}' for details,",
                "log.verify() says where,", then="and restore the log from a copy")) from None

    def _catch_up(self, writer: Writer | None) -> Index:
        index = self.index
        changed = writer is None or not getattr(writer, "unchanged", False)
        if self._index_loaded and changed and self.file is not None and (
            (index.position and not self.holds(index.position, index.hash))
            or self.touched_in_place()
        ):  # replaced or edited under this open log: start over from what is there now
            self.reset_index(discard=writer is not None)
            index = self.index
        if not self._index_loaded:
            self._index_loaded = True
            folder, scope = self._bind()
            if folder is not None and self.file is not None and index.directory is None:
                index = self.index = Index(folder / "index", scope)
                self._holder[0] = index
            if self.touched_in_place():  # edited in place: verify it all again
                if writer is not None:
                    index.discard()
            else:
                index.load(self.holds, discard=writer is not None)
        if index.directory is None and self.file is not None and not index.saved:
            folder, scope = self._bind()  # (an index rebuilt in memory: kept from now on)
            if folder is not None:
                index.attach(folder / "index", scope)
        from_start = not index.position
        before = self.stat()
        chain = Chain(seq=index.seq, prev=index.hash or ZERO_HASH, recorded=index.recorded)
        lines = writer.read_lines(index.position) if writer else self.store.read_lines(index.position)
        file = self.file is not None
        batch: list[tuple[dict[str, Any], int, Position]] = []
        for line, pos in lines:
            batch.append((chain.check(line), len(line), pos))
            if len(batch) >= 4096:
                self._fold(index, batch, file)
                batch = []
                if writer is not None and index.should_flush:
                    index.flush()  # (under the lock: what is saved leaves memory)
        if batch:
            self._fold(index, batch, file)
        if before is not None and index.hash is not None:
            if from_start:
                self.note_whole(before, index.position, index.seq, index.hash)
            elif writer is not None:
                self._note_seen(before, index.position, index.seq, index.hash)
        return index

    @staticmethod
    def _fold(index: Index, batch: list[tuple[dict[str, Any], int, Position]], file: bool) -> None:
        """Fold verified records into the index (their ids' buckets read once, together)."""
        if index.saved:
            index.prefetch(_ids_and_targets(data["event"] for data, _n, _p in batch))
        for data, length, pos in batch:
            try:
                index.add(data["event"], data["seq"], pos - length - 1 if file else 0)
            except (KeyError, TypeError, AttributeError):
                msg = (
                    f"record {data['seq']}: its event is not a tracker event (written by another "
                    "program?)"
                )
                raise IntegrityError(msg, seq=data["seq"], **check_the_log(
                    then="and restore the log from a copy")) from None
            index.position = pos
            index.hash = data["hash"]
            index.recorded = data["recorded"]

    def appended(self, records: list[Any], offset: int, digests: list[str], head: Any) -> None:
        """Fold the records this process just appended (under the lock) into the index."""
        index = self.index
        try:
            for record, digest in zip(records, digests, strict=True):
                index.add(record.event, record.seq, offset, digest, check=False)
                offset += len(record.line()) + 1
            index.position = head.position
            index.hash = records[-1].hash
            index.recorded = records[-1].recorded
            if index.directory is None and self.file is not None and not index.saved:
                folder, scope = self._bind()  # the log's first records: its folder is known now
                if folder is not None:
                    index.attach(folder / "index", scope)
            if index.should_flush:
                index.flush()
        except StaleIndexError:  # the records are written: the next use rebuilds the index
            self.reset_index(discard=True)

    # --- the whole-log stamp -------------------------------------------------------------------

    def stat(self) -> StatKey | None:
        """The log file's identity now (None: not a file log, or it cannot be read)."""
        if self.file is None:
            return None
        try:
            return stat_key(os.stat(self.file.real_path, follow_symlinks=False))
        except OSError:
            return None

    def _stamp(self) -> dict[str, Any] | None:
        """The sealed stamp: ``stat`` (the identity seen), ``whole``, ``seq`` and ``hash``.

        None when there is none; :data:`_UNBELIEVED` when a file is there that is not a stamp
        this user sealed (torn, crafted, sealed under another key): see :meth:`touched_in_place`.
        """
        if self.file is None:
            return None  # (a database has no file identity: it is verified whole each time)
        folder, scope = self._bind()
        if folder is None:
            return None
        for _attempt in range(2):  # (a read racing the stamp's rewrite in place: read again)
            data = files.read_file(folder / "verified")
            if data is None:
                return None
            body = key.unseal("verified", scope, data)
            try:
                found = json_loads(body) if body is not None else None
            except ValueError:  # (orjson's and the nesting limit's)
                found = None
            if isinstance(found, dict) and isinstance(found.get("stat"), list):
                return found
        return _UNBELIEVED

    def whole(self) -> bool:
        """Whether the log file is, byte for byte, what this user last verified whole."""
        stamp = self._stamp()
        now = self.stat()
        return (
            stamp is not None
            and stamp.get("whole") is True
            and now is not None
            and stamp["stat"] == list(now)
        )

    def touched_in_place(self) -> bool:
        """Whether the file changed without growing since this user last saw it (an edit).

        A stamp that is there but not believed (torn by a crash, edited, sealed under another
        key) counts as an edit: what it noted is unknown, so the file is verified whole again.
        """
        stamp = self._stamp()
        if stamp is _UNBELIEVED:
            return self.file is not None
        now = self.stat()
        return (
            stamp is not None
            and now is not None
            and len(stamp["stat"]) == len(now)
            and stamp["stat"][2] == now[2]
            and stamp["stat"] != list(now)
        )

    def note_whole(self, before: StatKey, position: Any, seq: int, record_hash: str) -> None:
        """Note that a walk verified the whole file, as it was at ``before`` (its identity then).

        Nothing is noted if the file changed during the walk or the walk stopped short of its end.
        """
        now = self.stat()
        if now is not None and now == before and now[2] == position:
            self._save_stamp(now, seq, record_hash, whole=True)

    def _note_seen(self, before: StatKey, position: Any, seq: int, record_hash: str) -> None:
        """Note the file as a catch-up under the lock saw it (what others appended: checked)."""
        now = self.stat()
        stamp = self._stamp()
        if now is None or now != before or now[2] != position:
            return
        if stamp is not None and stamp["stat"] == list(now):
            return  # as noted already (whole or not)
        self._save_stamp(now, seq, record_hash, whole=False)

    def _save_stamp(self, now: StatKey, seq: int, record_hash: str, *, whole: bool) -> None:
        """Seal and write the stamp: in place, one write of a fixed size, when the stamp file
        is there already (so an append pays no rename); else created through
        :func:`~tracker.derived.files.atomic_write`.

        Not fsynced: a process killed at any point leaves the old stamp or the new one whole
        (one write of less than a page), and the kernel keeps it; a machine that loses power
        may lose it, and a torn or missing stamp only makes the next use more careful (a torn
        one verifies the whole log again; see :meth:`touched_in_place`).
        """
        folder, scope = self._bind()
        if folder is None:
            return
        body = orjson.dumps({"stat": list(now), "whole": whole, "seq": seq, "hash": record_hash})
        sealed = key.seal("verified", scope, body.ljust(_STAMP_BODY))
        if sealed is None:
            return
        path = folder / "verified"
        if len(sealed) == _STAMP_SIZE and files.overwrite(path, sealed):
            return
        files.atomic_write(path, sealed, fsync=False)

    def before_append(self) -> tuple[StatKey, bool] | None:
        """The file's identity before this process appends, if it is as last seen (under the lock)."""
        stamp = self._stamp()
        now = self.stat()
        if stamp is None or now is None or stamp["stat"] != list(now):
            return None
        return now, stamp.get("whole") is True

    def after_append(self, before: tuple[StatKey, bool] | None, seq: int, record_hash: str) -> None:
        """Carry the stamp over this process's own append (the file was as last seen before it)."""
        if before is None:
            return
        now = self.stat()
        if now is not None:
            self._save_stamp(now, seq, record_hash, whole=before[1])

    # --- seek samples --------------------------------------------------------------------------

    @property
    def seek(self) -> SeekIndex:
        """The seek samples of a file log (kept in its folder when it has one)."""
        assert self.file is not None
        if self._seek is None:
            from tracker.derived.seek import SeekIndex

            folder, scope = self._bind()
            self._seek = SeekIndex(self.file, folder / "seek" if folder else None, scope)
        return self._seek

    def position_of(self, seq: int) -> Position | None:
        """The position just after record ``seq`` (None for 0), found through the seek samples.

        What the samples say is checked: the record found there must be record ``seq``; if it
        is not, the samples are thrown away and the log is counted instead.

        Raises:
            InvalidInputError: the log has no record ``seq``.
        """
        if self.file is None or seq <= 0:
            return self.store.position_of(seq)
        head = self.file.head()
        if seq == head.seq:
            return head.position
        if 0 < seq < head.seq:
            offset = self.seek.offset_of(seq + 1)
            found = self.file.record_before(offset)
            if found is not None and found.seq == seq:
                return offset
            if self.seek.path is not None:  # samples that lie: never used again
                files.discard(self.seek.path)
            self._seek = None
        return self.file.position_of(seq)

    # --- the read model ----------------------------------------------------------------------

    def readmodel(self) -> ReadModel | None:
        """The read model of this log (:mod:`tracker.derived.readmodel`), opened and checked.

        None for a log kept in memory, an empty log, or one with no private folder to be had:
        those are folded in memory. The caller catches it up (the facade streams the records
        appended since, checked against the chain). A file changed in place since this user
        last saw it (an edit that keeps its size) has its read model thrown away: the rebuild
        walks the whole log and finds the edit.
        """
        if self._readmodel is None:
            from tracker.derived.readmodel import ReadModel
            from tracker.derived.readmodel.source import StoreSource

            folder, scope = self._bind()
            if folder is None:
                return None
            source = StoreSource(self.store)
            anchored = self.holds if self.file is not None else source.anchored
            self._readmodel = ReadModel(folder, scope, source.lines_at, anchored)
        if self.touched_in_place():
            self._readmodel.discard()
        return self._readmodel

    def walked(self, before: StatKey | None, position: Any, seq: int, record_hash: str, *,
               whole: bool) -> None:
        """Note the log file as a walk that checked its records saw it (``whole``: from the
        first record), unless it changed during the walk (see :meth:`note_whole`)."""
        if before is None:
            return
        if whole:
            self.note_whole(before, position, seq, record_hash)
        else:
            self._note_seen(before, position, seq, record_hash)


def folder_of(store: Store) -> tuple[Path | None, str]:
    """The private folder of ``store``'s log in the user's cache, and the scope its derived
    files are sealed under; the one place that decides them (None, "": a log in memory, an
    empty log, or no private folder to be had).

    Keyed by the store's kind, where the log lives (a file's real path, a database URL without
    its password) and a digest of its first record's bytes, so a log replaced by another at
    the same place gets a folder of its own.
    """
    if isinstance(store, MemoryStore):
        return None, ""
    first = store.first_line()
    if first is None:
        return None, ""
    origin = hashlib.sha256(first).hexdigest()
    if isinstance(store, FileStore):
        kind, place = "file", os.fspath(store.real_path)
    else:
        kind, place = "postgresql", store.location
    return files.log_folder(kind, place, origin), f"{kind}\0{place}\0{origin}"


def _ids_and_targets(events: Iterable[Any]) -> Iterator[str]:
    """The ids of a batch of event dicts, and the ids they point at (looked up at once)."""
    for event in events:
        if not isinstance(event, dict):
            continue  # (refused, with its record named, as it is folded in)
        yield str(event.get("id", ""))
        field = TARGET_FIELD.get(event.get("type", ""))
        target = event.get(field) if field is not None else None
        if isinstance(target, str):
            yield target


def _save_index(store: Store, holder: list[Index]) -> None:
    """Save an open log's index, under the log's lock (on close, or when the log is freed),
    and close its database."""
    index = holder[0]
    if index.directory is None or not index.dirty:
        index.close()
        return
    try:
        with store.writer() as _writer:
            index.flush()
    except TrackerError:
        pass  # derived data: unsaved, it is rebuilt from the log next time
    index.close()


__all__ = ["Derived", "folder_of", "stat_key"]
