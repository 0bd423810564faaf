"""A file log's seek samples: sequence numbers and recorded times to byte offsets.

The ``seek`` file in the log's folder (:mod:`tracker.derived`) holds one line per sampled record (the first, then every :data:`EVERY`-th) and a
last line saying how much of the log it covers::

    SEQ OFFSET RECORDED HASH        a record: where its line starts, when it was recorded
    end COUNT SIZE HASH             covered up to byte SIZE: COUNT records, the last with HASH

Sequence numbers and recorded times never decrease along the log, so a binary search over the
samples, then a short forward scan (fewer than EVERY lines), finds the offset of any sequence
number, or the end of what was recorded by any ``known_at``, without reading the log before it.

and a last line with its MAC under the user's key (:mod:`tracker.derived.key`).

It is derived data, refreshed on use: if the log has grown, the samples are extended from the
end they cover (reading only the new bytes); if the record before that end no longer has the
hash noted, the log was replaced or cut, and the samples are rebuilt from scratch. A file whose
MAC does not check out (edited, planted, another user's) or whose samples are out of order is
never used. Delete the file and it comes back on the next use. Writing it needs no lock: it is
replaced atomically (:func:`tracker.derived.files.atomic_write`).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path

import orjson

from tracker.derived import files, key
from tracker.store.file import FileStore
from tracker.store.records import HASH_KEY

EVERY = 1024
"""One sample per this many records."""
_KIND = "seek"

@dataclass(frozen=True, slots=True)
class Point:
    """A sampled record: its sequence number, where its line starts, when it was recorded."""

    seq: int
    offset: int
    recorded: str
    hash: str


def _tail(line: bytes) -> tuple[int, str, str] | None:
    """(seq, recorded, hash) of a canonical record line, from its last members only."""
    i = line.rfind(HASH_KEY)
    if i < 0:
        return None
    try:
        tail = orjson.loads(b"{" + line[i + 1 :])
        return int(tail["seq"]), str(tail["recorded"]), str(tail["hash"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None


class SeekIndex:
    """The samples of one file log; see the module docstring."""

    def __init__(self, store: FileStore, path: Path | None, scope: str) -> None:
        """Attach to ``store``, kept at ``path`` (None: in memory only); nothing is read yet."""
        self.store = store
        self.path = path
        self._scope = scope
        self.points: list[Point] = []
        self._seqs: list[int] = []
        self._stamps: list[str] = []
        self.end = 0
        """The byte offset the samples cover up to (a record boundary)."""
        self.end_hash = ""
        self.count = 0
        """The sequence number of the last record covered."""

    # --- keeping it fresh ------------------------------------------------------------------

    def refresh(self, size: int | None = None) -> None:
        """Bring the samples up to ``size`` (the log's stable end, by default)."""
        target = self.store.head().position if size is None else size
        if self.end == 0 and not self.points:
            self._load()
        if self.end > target or (self.end and not self._still_there()):
            self._reset()
        if self.end < target:
            self._extend(target)
            self._save()

    def _still_there(self) -> bool:
        found = self.store.record_before(self.end)
        return found is not None and found.hash == self.end_hash

    def _reset(self) -> None:
        self.points, self._seqs, self._stamps = [], [], []
        self.end, self.end_hash, self.count = 0, "", 0

    def _extend(self, target: int) -> None:
        count, end, end_hash = self.count, self.end, self.end_hash
        for line, after in self.store.read_lines(end, end=target):
            count += 1
            if (count - 1) % EVERY == 0:
                tail = _tail(line)
                if tail is None or tail[0] != count:
                    break  # not a record where one belongs: leave the rest to verify
                self._add(Point(count, end, tail[1], tail[2]))
            end = after
            end_hash = ""
        if end != self.end:
            found = self.store.record_before(end)
            if found is None:
                return
            end_hash = found.hash
            count = found.seq
        self.count, self.end, self.end_hash = count, end, end_hash

    def note(self, point: Point) -> None:
        """Take a sample seen by a reader that walks the log from where the samples end."""
        if point.seq == len(self.points) * EVERY + 1:
            self._add(point)

    def covered(self, count: int, end: int, end_hash: str) -> None:
        """Record that a reader walked every record up to ``end``; save the samples."""
        if count >= self.count and end >= self.end:
            self.count, self.end, self.end_hash = count, end, end_hash
            self._save()

    def _add(self, point: Point) -> None:
        self.points.append(point)
        self._seqs.append(point.seq)
        self._stamps.append(point.recorded)

    def _load(self) -> None:
        if self.path is None:
            return
        body = key.unseal(_KIND, self._scope, files.read_file(self.path))
        if body is None:
            return
        lines = body.split(b"\n")
        try:
            trailer = lines[-2].split(b" ") if len(lines) >= 2 else []
            if len(trailer) != 4 or trailer[0] != b"end":
                return
            for line in lines[:-2]:
                seq, offset, recorded, digest = line.split(b" ")
                self._add(Point(int(seq), int(offset), recorded.decode(), digest.decode()))
            self.count, self.end, self.end_hash = int(trailer[1]), int(trailer[2]), trailer[3].decode()
        except (ValueError, UnicodeDecodeError):
            self._reset()
            return
        if not self._in_order():
            self._reset()

    def _in_order(self) -> bool:
        """Whether the samples are what a walk of the log makes: every EVERY-th record, in order."""
        points = self.points
        for i, p in enumerate(points):
            if p.seq != i * EVERY + 1 or p.seq > self.count or p.offset >= self.end:
                return False
            if i and (p.offset <= points[i - 1].offset or p.recorded < points[i - 1].recorded):
                return False
        return not points or points[0].offset == 0

    def _save(self) -> None:
        if self.path is None:
            return
        body = b"".join(
            b"%d %d %s %s\n" % (p.seq, p.offset, p.recorded.encode(), p.hash.encode())
            for p in self.points
        )
        body += b"end %d %d %s\n" % (self.count, self.end, self.end_hash.encode())
        sealed = key.seal(_KIND, self._scope, body)
        if sealed is not None:  # (no key, no place: the samples live in memory only)
            files.atomic_write(self.path, sealed)

    # --- lookups ---------------------------------------------------------------------------

    def offset_of(self, seq: int) -> int:
        """The byte offset where record ``seq`` starts (the end covered, if it is past it)."""
        self.refresh()
        if seq > self.count:
            return self.end
        i = bisect.bisect_right(self._seqs, seq) - 1
        if i < 0:
            return 0
        point = self.points[i]
        if point.seq == seq:
            return point.offset
        pos, n = point.offset, point.seq
        for _line, after in self.store.read_lines(pos, end=self.end):
            n += 1
            if n == seq:
                return int(after)
        return self.end

    def ready(self) -> bool:
        """Load the saved samples if they still match the log; tell whether there are any."""
        if self.end == 0 and not self.points:
            self._load()
            if self.end and not self._still_there():
                self._reset()
        return self.end > 0

    def known_at_end(self, cutoff: str) -> int | None:
        """An offset at or after the end of what was recorded by ``cutoff``, within one sample.

        It is where the first sample recorded after ``cutoff`` starts: a reader stops there at
        the latest, and before it at the first later record. None when the samples cannot tell
        (none saved, or ``cutoff`` is past the last sample): the reader then stops by itself.
        This never scans the log to build samples, so a one-off replay never pays for them.
        """
        if not self.ready():
            return None
        i = bisect.bisect_right(self._stamps, cutoff)
        if i == len(self.points):
            return None
        return self.points[i].offset


__all__ = ["EVERY", "Point", "SeekIndex"]

