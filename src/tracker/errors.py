"""Errors raised by tracker, one small tree with stable codes.

Every error the library raises on purpose is a :class:`TrackerError`. Each carries a ``code`` from
:data:`ErrorCode` (stable: scripts may branch on it) and an ``exit_code`` that the command line
uses as its exit status. Leaves also subclass the builtin they resemble, so ``except LookupError``
keeps working for callers who do not know this module::

    TrackerError
    ├── InvalidInputError (ValueError)            exit 1  refused input
    │   ├── InvalidEventError                     an event that does not validate
    │   ├── InvalidDateError                      a date that does not parse
    │   ├── InvalidRecordError                    a line that is not a record of this log
    │   └── InvalidFileError                      an import file with bad lines (lists them)
    ├── UnknownIdError (LookupError)              exit 1  an actor, topic or event id the log lacks
    │                                                     (a batch: lists every one)
    ├── ConflictError (ValueError)                exit 1  an id already used for other content
    ├── LogExistsError (FileExistsError)          exit 1  init would overwrite a log
    ├── LogNotFoundError (FileNotFoundError)      exit 1  no log at that path
    ├── MissingExtraError (ImportError)           exit 1  an optional extra is not installed
    ├── TornTailError                             exit 4  a torn line or unfinished batch at the end
    ├── IntegrityError                            exit 5  a broken chain, a non-canonical line, a head mismatch
    ├── StorageError (OSError)                    exit 6  I/O failed, or durability is unknown
    └── LockTimeoutError (TimeoutError)           exit 7  another writer held the lock too long

Library code raises these and never prints or exits; the CLI turns them into one line on stderr.
"""

from __future__ import annotations

from typing import Literal, TypedDict

ErrorCode = Literal[
    "invalid-event",
    "invalid-date",
    "invalid-record",
    "invalid-file",
    "invalid-input",
    "unknown-id",
    "conflict",
    "log-exists",
    "log-not-found",
    "missing-extra",
    "torn-tail",
    "integrity",
    "storage",
    "lock-timeout",
]

MAX_PROBLEMS = 20
"""How many problems an error that lists them (an import's bad lines, a batch's unknown
references) holds in ``problems``; the rest are only counted in ``count``."""


class TrackerError(Exception):
    """Base class of every error tracker raises on purpose.

    ``message`` says what is wrong; advice on where to look is kept apart, in the terms of
    whoever reads it: ``hint`` in Python's (``str(error)`` ends with it: "state.actors lists
    them") and ``cli_hint`` in the command line's (the CLI prints it instead: "see 'tracker
    actor list'").
    """

    code: ErrorCode = "invalid-input"
    exit_code: int = 1
    hint: str = ""
    cli_hint: str = ""
    summary: str | None = None
    """For an error that lists problems: how many, of what (``3 unknown references``)."""

    def __init__(self, message: str, *, hint: str = "", cli_hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.cli_hint = cli_hint

    def __str__(self) -> str:
        return self.message + self.hint


class InvalidInputError(TrackerError, ValueError):
    """Input that tracker refuses: it names what is wrong and what is expected."""

    code: ErrorCode = "invalid-input"


class InvalidEventError(InvalidInputError):
    """An event that does not validate against its model."""

    code: ErrorCode = "invalid-event"


class InvalidDateError(InvalidInputError):
    """A date or partial date that does not parse."""

    code: ErrorCode = "invalid-date"


class InvalidRecordError(InvalidInputError):
    """A line that is not a record of a tracker log (wrong file, or a newer schema)."""

    code: ErrorCode = "invalid-record"


class InvalidFileError(InvalidInputError):
    """A file of events (an import) with bad lines; nothing was appended.

    ``problems`` holds one line per problem (``events.jsonl:14: figure.value: ...``), in file
    order, every problem of every line (its fields, its dates, the ids it names), at most a
    limit of them; ``count`` is how many problems there are in all, ``lines`` how many lines
    have one.
    """

    code: ErrorCode = "invalid-file"

    def __init__(
        self, message: str, *, problems: list[str], count: int, lines: int | None = None
    ) -> None:
        super().__init__(message)
        self.problems = problems
        self.count = count
        self.lines = count if lines is None else lines
        """How many lines have a problem (a line may have several)."""


class UnknownIdError(TrackerError, LookupError):
    """An actor, topic or event id that the log does not hold.

    A batch (an import) with several unknown references lists them: ``problems`` holds one
    line per reference (``events.jsonl:14: incident.actors: unknown actor 'grk'; ...``), at
    most :data:`MAX_PROBLEMS` of them, and ``count`` says how many there are in all. With a
    single unknown reference both are None and the message is that one line.
    """

    code: ErrorCode = "unknown-id"

    def __init__(
        self,
        message: str,
        *,
        problems: list[str] | None = None,
        count: int | None = None,
        hint: str = "",
        cli_hint: str = "",
    ) -> None:
        super().__init__(message, hint=hint, cli_hint=cli_hint)
        self.problems = problems
        self.count = count


class ConflictError(TrackerError, ValueError):
    """An id that the log already holds with other content.

    A batch with several lists them, as :class:`UnknownIdError` does: ``problems`` (at most
    :data:`MAX_PROBLEMS`) and ``count``; both None for a single conflict.
    """

    code: ErrorCode = "conflict"

    def __init__(
        self, message: str, *, problems: list[str] | None = None, count: int | None = None
    ) -> None:
        super().__init__(message)
        self.problems = problems
        self.count = count


class LogExistsError(TrackerError, FileExistsError):
    """Creating a log where one (or any file) already exists."""

    code: ErrorCode = "log-exists"


class LogNotFoundError(TrackerError, FileNotFoundError):
    """Opening a log that does not exist."""

    code: ErrorCode = "log-not-found"


class MissingExtraError(TrackerError, ImportError):
    """A feature needs an optional extra that is not installed (the message names the pip line)."""

    code: ErrorCode = "missing-extra"


class TornTailError(TrackerError):
    """The log ends in a torn line or an unfinished batch (after a crash).

    ``offset`` is the byte offset where the damage starts; ``length`` how many bytes follow it.
    """

    code: ErrorCode = "torn-tail"
    exit_code = 4

    def __init__(self, message: str, *, offset: int, length: int) -> None:
        super().__init__(message)
        self.offset = offset
        self.length = length


class IntegrityError(TrackerError):
    """The chain is broken, a line is not canonical, or the log does not extend a published head.

    ``seq`` is the first bad sequence number where one can be named. ``findings`` lists, one
    line each, the records that fail ``verify``'s signature or erasure checks (the first
    :data:`MAX_PROBLEMS`; ``count`` says how many in all), when there are any.
    """

    code: ErrorCode = "integrity"
    exit_code = 5

    def __init__(
        self,
        message: str,
        *,
        seq: int | None = None,
        findings: list[str] | None = None,
        count: int | None = None,
        hint: str = "",
        cli_hint: str = "",
    ) -> None:
        super().__init__(message, hint=hint, cli_hint=cli_hint)
        self.seq = seq
        self.findings = findings
        self.count = len(findings) if count is None and findings is not None else count


class StorageError(TrackerError, OSError):
    """Reading or writing the log failed, or whether an append is durable is unknown."""

    code: ErrorCode = "storage"
    exit_code = 6


class LockTimeoutError(TrackerError, TimeoutError):
    """Another process held the log's lock for longer than the timeout."""

    code: ErrorCode = "lock-timeout"
    exit_code = 7


class Advice(TypedDict):
    """Advice in each reader's terms, as an error takes it (``**advice``)."""

    hint: str
    cli_hint: str


def check_the_log(cli: str = "run 'tracker verify'", python: str = "log.verify() finds it",
                  *, then: str = "") -> Advice:
    """The advice to check the log, in each reader's terms (``hint`` for Python, ``cli_hint``
    for the command line), to pass to an error: ``raise IntegrityError(msg, **check_the_log())``.
    ``then`` is said after either (``and restore the log from a copy``)."""
    tail = f" {then}" if then else ""
    return {"hint": f"; {python}{tail}", "cli_hint": f"; {cli}{tail}"}


__all__ = [
    "MAX_PROBLEMS",
    "ConflictError",
    "ErrorCode",
    "IntegrityError",
    "InvalidDateError",
    "InvalidEventError",
    "InvalidFileError",
    "InvalidInputError",
    "InvalidRecordError",
    "LockTimeoutError",
    "LogExistsError",
    "LogNotFoundError",
    "MissingExtraError",
    "StorageError",
    "TornTailError",
    "TrackerError",
    "UnknownIdError",
    "Advice",
    "check_the_log",
]
