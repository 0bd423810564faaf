"""The facade: :func:`open` a log, append events, replay it to a date, verify it.

The command line calls only this module; so does any user script. It joins the store (the
records) and the projections (the folds), and owns the checks an append must pass: events
validate, ids are new (or the very same content, which makes re-imports no-ops), and every
actor, topic and event an event points at exists.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from tracker import _append, _copy, _read, _replay, _verify
from tracker._append import Receipt as Receipt  # (tracker.Receipt)
from tracker._copy import CopyReport
from tracker._gc import paused as _gc_paused
from tracker._opening import SignerLike as SignerLike
from tracker._opening import _signer as _signer
from tracker._opening import copy as copy  # (the doors: tracker.open, init, repair, copy)
from tracker._opening import init as init
from tracker._opening import open as open  # noqa: A004
from tracker._opening import repair as repair
from tracker._replay import EventView as EventView  # (tracker.EventView)
from tracker._verify import VerifyReport as VerifyReport  # (tracker.VerifyReport)
from tracker.derived.core import Derived
from tracker.derived.index import Index
from tracker.events.codec import load_event, prepare_events
from tracker.events.dates import format_instant, parse_instant_bound
from tracker.events.models import AnyEvent, BaseEvent
from tracker.store.base import Head, Store
from tracker.store.checkpoint import Checkpoint, origin_of
from tracker.store.file import Damage, FileStore
from tracker.store.records import Record
from tracker.store.signed import Signer

if TYPE_CHECKING:  # the projections load on first replay: an append never needs them
    import sqlite3

    from tracker._erase import ErasureReceipt
    from tracker._import import PreparedFile
    from tracker.derived.readmodel.sql import Answer
    from tracker.projections.actors import ActorView
    from tracker.projections.state import State
    from tracker.proofs.keys import TrustedKey

DateLike = str | date | datetime

KnownAt = DateLike | int | Head | Checkpoint
"""What ``known_at`` takes: a date (str, date, datetime), a record number (``28`` or ``"@28"``:
the log as it stood just after record 28), or a published head (``Head``, ``Checkpoint``, the
note ``tracker head`` prints, or ``"SEQ:HASH"``), whose record there must have its hash."""


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as the log recorded it."""

    seq: int
    recorded: str
    event: AnyEvent


_FIX_TARGETS = {"correction": "corrects", "retraction": "retracts", "supersession": "supersedes"}


class Log:
    """An open log. Create one with :func:`tracker.open`."""

    def __init__(self, store: Store, *, signer: SignerLike | None = None) -> None:
        """Wrap a store; prefer :func:`tracker.open`."""
        self.store = store
        self.signer = _signer(signer)
        """What signs this log's appends (see :func:`tracker.open`); None: they are unsigned."""
        self.derived = Derived(store)
        """What is derived from the log (index, seek samples, the read model): :mod:`tracker.derived`."""
        self.progress: Callable[[str], None] | None = None
        """Told, in one line, when a long step starts: the read model taking in many records
        (its first build on a big log). The command line prints it on a terminal; a notebook
        may set ``log.progress = print``."""

    @property
    def notes(self) -> list[str]:
        """Things worth telling the user once (files an earlier tracker left beside the log)."""
        return self.derived.notes

    @property
    def _index(self) -> Index:
        return self.derived.index

    def __repr__(self) -> str:
        return f"<tracker.Log {self.store.location!r}>"

    def __enter__(self) -> Log:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Save the index (in the log's cache folder) and release the store's resources."""
        self.derived.close()
        self.store.close()

    @property
    def location(self) -> str:
        """Where the log lives."""
        return self.store.location

    # --- appending -------------------------------------------------------------------------

    def append(
        self,
        events: BaseEvent | dict[str, Any] | Iterable[BaseEvent | dict[str, Any]],
        *,
        dry_run: bool = False,
        labels: Sequence[str] | None = None,
        signer: SignerLike | None = None,
    ) -> list[Receipt]:
        """Append one event or a batch, all or nothing, durably; return a receipt per event.

        Events may be models from :mod:`tracker.events` or plain dicts (as in an import file).
        An event whose id the log already holds with the same content is skipped (``exists``),
        so importing a file twice adds nothing the second time.

        Args:
            events: one event or many.
            dry_run: check everything, write nothing (the receipts say what would happen).
            labels: a name per event for error messages (``events.csv:12``); by default
                ``event N`` in a batch.
            signer: sign this batch with this key (a key name from ``tracker key list``, a
                :class:`~tracker.proofs.note.SignerKey` or a :class:`~tracker.store.signed.Signer`)
                instead of the log's own signer (:func:`tracker.open`). A signed batch is
                written as version 2 records, erasable, with one signature on its last record.

        Raises:
            InvalidEventError: an event does not validate.
            UnknownIdError: an event names an actor, topic or event the log does not hold;
                for a batch (or with ``labels``) it lists every such reference in
                ``problems`` (up to :data:`~tracker.errors.MAX_PROBLEMS`) and ``count``.
            ConflictError: an id is already used for other content; a batch lists every one, as
                for unknown ids.
        """
        items = [events] if isinstance(events, BaseEvent | dict) else list(events)
        if labels is not None and len(labels) != len(items):
            msg = f"{len(labels)} labels for {len(items)} events: give one label per event"
            raise ValueError(msg)
        sign = _signer(signer) or self.signer
        if len(items) < 64:
            return self._append(items, dry_run=dry_run, labels=labels, signer=sign)
        # A big batch builds many objects and no cycles: collecting while it runs only
        # rescans the growing index (a third of a bulk import's time at a million events).
        # Afterwards what exists is frozen, as after a replay: else the first allocations
        # after each batch pay a collection over the whole index, again and again as an
        # import goes on (a tenth of its time).
        with _gc_paused():
            return self._append(items, dry_run=dry_run, labels=labels, signer=sign)

    def append_prepared(
        self,
        prepared: Sequence[tuple[AnyEvent, dict[str, Any], str]],
        *,
        labels: Sequence[str],
        dry_run: bool = False,
        signer: SignerLike | None = None,
    ) -> list[Receipt]:
        """Append a batch :func:`~tracker.events.codec.prepare_events` prepared, as ``append``.

        For a caller that validated, dumped and digested the events already (``tracker
        import``, through :func:`tracker._import.prepare_file`): the same checks against the
        log, the same receipts and errors as ``append`` of the same events with ``labels``.
        """
        if len(labels) != len(prepared):
            msg = f"{len(labels)} labels for {len(prepared)} events: give one label per event"
            raise ValueError(msg)
        sign = _signer(signer) or self.signer
        with _gc_paused():
            return _append.append_prepared(self,
                list(prepared), dry_run=dry_run, labels=labels, signer=sign
            )

    def append_file(
        self, loaded: PreparedFile, *, dry_run: bool = False, signer: SignerLike | None = None
    ) -> list[Receipt]:
        """Append the events of a file :func:`tracker._import.prepare_file` read, all or nothing.

        Every problem of every line is reported at once, in line order: what reading and
        validating found (``loaded.problems``), and the ids that lines name (valid or not)
        that neither the log nor the lines before them hold, or that are taken. ``signer``
        signs the records, as for :meth:`append`.

        Raises:
            InvalidFileError: some line is not a valid event (the ids named are listed too).
            UnknownIdError: ids the log lacks, and no other problem.
            ConflictError: ids taken for other content, and no other problem.
        """
        sign = _signer(signer) or self.signer
        with _gc_paused():
            return _append.append_prepared(self,
                loaded.prepared, dry_run=dry_run, labels=loaded.labels, signer=sign, file=loaded
            )

    def _append(
        self,
        items: list[BaseEvent | dict[str, Any]],
        *,
        dry_run: bool,
        labels: Sequence[str] | None,
        signer: Signer | None,
    ) -> list[Receipt]:
        many = len(items) > 1
        prepared = prepare_events(
            items, lambda i: labels[i] if labels else f"event {i + 1}" if many else ""
        )
        return _append.append_prepared(self, prepared, dry_run=dry_run, labels=labels, signer=signer)

    def rotate_key(self, old: SignerLike, new: Any) -> Receipt:
        """Hand a recorder's roles over to a new key: append a ``key_rotation`` record,
        signed by the old key, announcing the new one.

        ``verify(keys=...)`` then trusts the new key as it trusted the old (the keys file
        need not list it), and reports any record the old key signs after this one.

        Args:
            old: the key handed over (a key name, a ``SignerKey`` or a ``Signer``).
            new: the new public key (``NAME+KEYID+KEY`` text, a ``VerifierKey``, or a
                ``SignerKey``, whose public half is announced).
        """
        return _append.rotate_key(self, old, new)

    def erase(
        self,
        event_ids: str | Iterable[str],
        *,
        reason: str,
        ordered_by: str,
        signer: SignerLike | None = None,
        dry_run: bool = False,
    ) -> ErasureReceipt:
        """Erase events' content from the log for good; every hash, proof and head still holds.

        Each event's record, and every record that refers to it (corrections, which repeat
        its content; retractions, supersessions, verifications; and what refers to those),
        keeps its hash and signer but loses its content (a placeholder takes the event's
        place), and one signed ``erasure`` record names them, the reason and who ordered it.
        A file log is written anew beside itself and renamed over (under the lock); a
        PostgreSQL log's rows are updated in the transaction that appends the erasure. Every
        file derived from the log (index, seek samples, checkpoints, the kept tree) is thrown
        away. Replays then no longer see the events, as if retracted.

        Args:
            event_ids: the event or events to erase (an actor or topic registration only
                with every event that names it).
            reason: why (a court order, a person's request).
            ordered_by: who ordered it.
            signer: the key that signs the erasure (default: the log's signer); the log's
                keys file must give it the ``eraser`` role for ``verify(keys=...)`` to pass.
            dry_run: say what would be erased, erase nothing.

        Raises:
            UnknownIdError: no such event.
            InvalidInputError: no signer, or a record is version 1 (unsigned: its hash covers
                its event), which cannot be erased.
            ConflictError: a record about the log itself, or a registration still named.
        """
        from tracker._erase import erase

        ids = [event_ids] if isinstance(event_ids, str) else list(event_ids)
        return erase(
            self,
            ids,
            reason=reason,
            ordered_by=ordered_by,
            signer=_signer(signer) or self.signer,
            dry_run=dry_run,
        )

    def _forget_derived(self) -> None:
        """Throw away every file derived from this log (after an erasure: they may hold the
        erased content, and their offsets moved): the index, seek samples and checkpoint, and
        the log's whole folder in the cache (the kept tree, the read model); each is rebuilt
        from the log on use."""
        self.derived.forget()

    def _append_log_record(self, event: dict[str, Any], signer: Signer) -> Receipt:
        """Append one record about the log itself (its own door has checked it), signed."""
        prepared = prepare_events([event], lambda _i: "")
        with _gc_paused():
            receipts = _append.append_prepared(self,
                prepared, dry_run=False, labels=None, signer=signer, log_records=True
            )
        return receipts[0]

    # --- reading ---------------------------------------------------------------------------

    def head(self) -> Head:
        """The log's head: its last sequence number and hash (publish it to pin the log)."""
        return self.store.head()

    def records(
        self,
        *,
        type: str | None = None,  # noqa: A002 - the field is called type
        actor: str | None = None,
        topic: str | None = None,
        occurred: str | None = None,
        recorded: str | None = None,
        by: str | None = None,
    ) -> Iterator[Record]:
        """Stream the raw records in sequence order, optionally filtered.

        Args:
            type: only events of this type (``figure``, ``correction``, ...).
            actor: only events that name this actor (as speaker, subject, target, ...).
            topic: only events that name this topic.
            occurred: a partial date or range (``2026-01``, ``2026-01-05..2026-01-08``,
                ``..2026-01-12``): only events whose occurred interval overlaps it, that is,
                which may have happened then. Events without a date are left out.
            recorded: a partial date or range: only records the log stored within it.
            by: only records signed in the name of this key: ``NAME+KEYID`` (as records
                name it), or ``NAME`` for any key of that name. A record's ``by`` is what it
                claims; ``verify(keys=...)`` checks the claims.

        Raises:
            InvalidDateError: a range does not parse.
            InvalidEventError: no such event type (with the closest one).
            UnknownIdError: no such actor or topic is registered (with the closest id).
        """
        return _read.records(self, type, actor, topic, occurred, recorded, by)

    def events(self) -> Iterator[StoredEvent]:
        """Stream the events as recorded (fixes included, nothing applied), in log order."""
        for record, _pos in self.store.read():
            yield StoredEvent(record.seq, record.recorded, load_event(record.event, seq=record.seq))

    def __iter__(self) -> Iterator[StoredEvent]:
        return self.events()

    def __len__(self) -> int:
        return self.store.head().seq

    def replay(
        self,
        *,
        as_of: DateLike | None = None,
        known_at: KnownAt | None = None,
        fold: bool = False,
    ) -> State:
        """The projections as they stood at two clocks.

        Args:
            as_of: world time: keep the events that certainly occurred by then (a day or a
                month means its end); events whose dates straddle it are listed as uncertain.
            known_at: record time: keep only what the log had recorded by then. Corrections,
                retractions and supersessions apply by this clock alone. A record number
                (``28`` or ``"@28"``) keeps records 1 to 28: the log as it stood just after
                record 28 (``state.known_seq`` says so; ``state.known_at`` is its recorded
                time), the rest of its batch left out. A published head (a ``Head``, a
                ``Checkpoint``, its note or ``"SEQ:HASH"``) keeps the records up to its size,
                and the log's record there must have the head's hash.
            fold: fold the log in memory (the reference answers, and what a log in memory
                always does) instead of reading the read model.

        A file or PostgreSQL log answers from its read model (:mod:`tracker.derived.readmodel`,
        in your cache): it is first caught up with the log (the records appended since it was
        last read, by anyone, are checked against the chain and folded in), then the state
        returned reads what each question needs, on demand, and holds nothing else. Its
        answers are the fold's: a property test holds them equal, at record times and at
        record numbers.

        Unset means unbounded (never "now"), so the answer does not drift with the clock.

        Raises:
            InvalidDateError: ``as_of`` or ``known_at`` is not a date this takes.
            InvalidInputError: ``known_at`` names a record the log does not have.
            IntegrityError: ``known_at`` is a head whose record the log holds with another hash.
        """
        from tracker._known import resolve

        t = parse_instant_bound(as_of) if as_of is not None else None
        k, upto = resolve(self, known_at)  # (a record number: its time, and the record)
        cutoff = format_instant(k) if k is not None else None
        model = None if fold else _replay.caught_up(self, cutoff)
        if model is not None:
            return model.state(as_of=t, known_at=k, upto=upto)
        return _replay.fold(self, t, k, upto)

    def actor(
        self, actor: str, *, as_of: DateLike | None = None, known_at: KnownAt | None = None
    ) -> ActorView:
        """One actor's view at (as_of, known_at): ``log.replay(...).actor(actor)``.

        Raises:
            UnknownIdError: no actor has this id (with the nearest one, if any).
        """
        return self.replay(as_of=as_of, known_at=known_at).actor(actor)

    def sql(
        self,
        query: str,
        params: Sequence[Any] = (),
        *,
        as_of: DateLike | None = None,
        known_at: KnownAt | None = None,
    ) -> Answer:
        """Run one read-only SQL statement on the projections as tables, at two clocks.

        The tables (``timeline``, ``stances``, ``figures``, ``posture``, ... and the read
        model's ``versions``) are listed in :mod:`tracker.derived.readmodel.sql`; each is made
        when the query first names it. ``answer.columns`` names the columns; iterating gives
        the rows; ``answer.to_pandas()`` a DataFrame.

        Raises:
            InvalidInputError: the SQL is not one statement that only reads, or it fails.
        """
        from tracker.derived.readmodel.sql import Answer, tables_of

        state = self.replay(as_of=as_of, known_at=known_at)
        return Answer(tables_of(state).execute(query, params), state)

    def connect(
        self,
        *,
        as_of: DateLike | None = None,
        known_at: KnownAt | None = None,
        tables: Sequence[str] | None = None,
    ) -> sqlite3.Connection:
        """A read-only SQLite connection with the projections' tables at two clocks.

        For pandas (``pandas.read_sql(query, connection)``) or any DB-API code. ``tables``
        names the tables to make (None: every one, which on a big log takes as long as
        answering everything); the read model's own tables are there as well. Writing,
        attaching and loading anything are refused, whatever the SQL.
        """
        from tracker.derived.readmodel.sql import tables_of

        return tables_of(self.replay(as_of=as_of, known_at=known_at)).make_all(tables)

    def replay_actor(
        self, actor: str, *, as_of: DateLike | None = None, known_at: KnownAt | None = None
    ) -> State:
        """The state to ask about ``actor``: since replays read the read model on demand, the
        same as :meth:`replay` (kept for scripts written when it folded only that actor's
        records)."""
        del actor
        return self.replay(as_of=as_of, known_at=known_at)

    def follow(
        self, *, after: int | None = None, timeout: float | None = None, poll: float = 0.5
    ) -> Iterator[StoredEvent]:
        """Yield events as they are appended, by this process or any other, in log order.

        PostgreSQL logs are told of each commit (LISTEN/NOTIFY); file logs are polled every
        ``poll`` seconds.

        Args:
            after: start after this sequence number (0: from the first record); by default,
                after the current head, so only new events come.
            timeout: stop once this many seconds pass without a new event (None: never).
            poll: seconds between looks at a store that cannot be told of appends.

        Raises:
            InvalidInputError: ``after`` is beyond the log's head.
        """
        for record in self.follow_records(after=after, timeout=timeout, poll=poll):
            yield StoredEvent(record.seq, record.recorded, load_event(record.event, seq=record.seq))

    def follow_records(
        self, *, after: int | None = None, timeout: float | None = None, poll: float = 0.5
    ) -> Iterator[Record]:
        """Like :meth:`follow`, but yield the raw records (for ``tracker follow --json``).

        After each round of new records, the read model is caught up with them (so the next
        question about the log finds them folded in already).
        """
        return _replay.follow(self, after, timeout, poll)

    # --- copying ---------------------------------------------------------------------------

    def copy_to(
        self, destination: str | os.PathLike[str] | Store | Log, *, chunk: int = 1000
    ) -> CopyReport:
        """Copy this log's records as they are (times and hashes kept) into ``destination``.

        Every record is verified as it is read (canonical bytes, hash, chain, order), so a
        damaged source stops the copy at its first bad record with nothing of it written. The
        destination is a path or URL (a new log is created there when none exists), a Store or
        a Log; it must be empty or hold a prefix of this log, whose records are skipped (so a
        second copy to the same backup brings only what is new). The destination's lock is
        held throughout; records go in batch-aligned chunks of about ``chunk`` records.

        Raises:
            IntegrityError: the source does not verify, or the destination is not a prefix.
            TornTailError: the source ends in a torn line or unfinished batch (repair first).
        """
        return _copy.copy_to(self, destination, chunk)

    def event(
        self, event_id: str, *, as_of: DateLike | None = None, known_at: KnownAt | None = None
    ) -> EventView:
        """One event as the log holds it, with its history, verifications and fixes.

        Args:
            event_id: the event's id (a fix's own id works too).
            as_of: world time, as for :meth:`replay` (decides which verifications count).
            known_at: record time, as for :meth:`replay`.

        Raises:
            UnknownIdError: no such event (with the closest id, if one is close).
        """
        return _replay.event(self, event_id, as_of, known_at)

    def recorders(self, seqs: Iterable[int]) -> dict[int, str | None]:
        """Who each of these records claims recorded it (``NAME+KEYID``; None: unsigned).

        A claim: ``verify(keys=...)`` checks every record's signature.
        """
        return _read.recorders(self.store, seqs)

    # --- integrity -------------------------------------------------------------------------

    def checkpoint(self) -> Checkpoint:
        """The head to publish (in an article, a commit, an email): origin, size and hash.

        ``log.checkpoint().note()`` is the text ``tracker head`` prints; hand it back to
        :meth:`verify` later to prove the log still extends it. Only a log that verifies gets
        one: the log is verified whole first, unless it is untouched since this user last
        verified it whole (:mod:`tracker.derived`).

        Raises:
            IntegrityError: the log does not verify (``seq`` is its first bad record).
            TornTailError: the end is torn (repair first).
        """
        if self.derived.whole():
            head = self.store.head()
        else:
            head = self.verify().head
        return Checkpoint(origin_of(_read.first_hash(self.store) if head.seq else None), head.seq, head.hash)

    def tree_head(self) -> Checkpoint:
        """The tree head to publish (what ``tracker head`` prints): the log is verified, then
        its RFC 9162 Merkle tree is built (and kept for proofs); ``.note()`` is the text, and
        :mod:`tracker.proofs` signs it and proves events in it."""
        from tracker._proofs import tree_head

        return tree_head(self)

    def verify(
        self,
        *,
        head: str | Head | Checkpoint | None = None,
        keys: str | os.PathLike[str] | list[TrustedKey] | None = None,
    ) -> VerifyReport:
        """Walk the chain: every line canonical, every hash right, sequence unbroken; every
        erased record named by an erasure; with ``keys``, every record's signature.

        Args:
            head: a published head the log must still extend: the note ``tracker head``
                prints (see :meth:`tree_head`; a tree head's Merkle root is checked too), an
                older hash-chain note (:meth:`checkpoint`), ``SEQ:HASH``, or a Head.
            keys: the log's trusted keys (a keys file's path, or
                :func:`tracker.proofs.keys.read_trusted`'s list). When they name a
                ``recorder`` or an ``eraser``, every record must be signed by a key that may
                sign it (:mod:`tracker.proofs.audit` says what is checked); keys with other
                roles only check a head's signatures (the CLI's ``--head``).

        Raises:
            InvalidInputError: ``head`` is neither form, or the keys file cannot be read.
            TornTailError: the end is torn (repair first).
            IntegrityError: names the first bad sequence number (``seq``), or says how the
                log fails to extend ``head``; for records that fail the signature or erasure
                checks, ``findings`` lists them (one line each, the first ones).
        """
        return _verify.verify(self, head, keys)

    def extends(self, other: Log | str | os.PathLike[str]) -> VerifyReport:
        """Prove that this log extends ``other``: it holds every record of ``other``, byte for
        byte, in order, and perhaps more after them. Both logs are verified.

        Use it between two copies of a log (a colleague's, a backup, an archived one). A
        record erased in one copy and not in the other is the same record (its hash is).

        Raises:
            IntegrityError: either log is damaged (``seq`` is its first bad record), or the
                logs part ways (``seq`` is the first record where they differ).
            TornTailError: either log ends torn (repair it first).
        """
        return _verify.extends(self, other)

    def repair(self) -> Damage | None:
        """Cut a torn or unfinished end after a crash (saved beside the log first)."""
        if not isinstance(self.store, FileStore):
            return None
        return self.store.repair()
