"""The JSONL file log: round trips, tamper evidence, crash damage, and refusals on open.

The log built by ``five_records`` below has these lines (byte offsets written out, since the
canonical form and the step clock make them exact):

======  ===  ==========================  ==========
offset  seq  event                       batch
======  ===  ==========================  ==========
0       1    actor ofcom                 1 of 1
368     2    actor x                     1 of 2
707     3    actor xai                   2 of 2
1049    4    ofcom-contact (contact)     1 of 1
1498    5    ofcom-demand (demand)       1 of 1
1947    end
======  ===  ==========================  ==========
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
import pytest

import tracker
from tracker.errors import (
    IntegrityError,
    InvalidInputError,
    InvalidRecordError,
    LogExistsError,
    LogNotFoundError,
    TornTailError,
)
from tracker.events import RegulatoryAction
from tracker.store import FileStore, MemoryStore
from tracker.store.records import compute_hash

if TYPE_CHECKING:
    from tests.conftest import StepClock

SRC = [{"publisher": "Example Daily", "url": "https://example.org/grok"}]
STARTS = [0, 368, 707, 1049, 1498]
END = 1947
HASHES = {
    1: "df78356303b375c11c3fad8c90c13d3035b1cb22a63978f55256c27785abf936",
    3: "912b3d00ec46a1f3f99e92f139b86f387a42a9761777b43dd70e831074139d22",
    5: "3d6434366ed1bd9140c2ee28028b445f43bdd689d70715a67d9bb5cfdfefb22f",
}
TORN_HINT = (
    "it was cut short by a crash, and nothing acknowledged is lost. Run 'tracker repair --log "
    "{path}' to cut those bytes (they are saved beside the log first)"
)


def fill(log: tracker.Log) -> None:
    """Append the five records of the module docstring, in four appends."""
    log.append(
        {
            "type": "actor",
            "actor": "ofcom",
            "name": "Ofcom",
            "kind": "regulator",
            "jurisdiction": "GB",
        }
    )
    log.append(
        [
            {"type": "actor", "actor": "x", "name": "X", "kind": "platform"},
            {"type": "actor", "actor": "xai", "name": "xAI", "kind": "company"},
        ]
    )
    for event_id, occurred, rung in (
        ("ofcom-contact", "2026-01-05", "contact"),
        ("ofcom-demand", "..2026-01-12", "demand"),
    ):
        log.append(
            {
                "type": "regulatory_action",
                "id": event_id,
                "occurred": occurred,
                "sources": SRC,
                "regulator": "ofcom",
                "target": "x",
                "rung": rung,
            }
        )


@pytest.fixture
def five_records(log_path: Path, clock: StepClock) -> Path:
    """The path of a closed log holding the five records of the module docstring."""
    with tracker.open(log_path, create=True, clock=clock) as log:
        fill(log)
    return log_path


def lines_of(path: Path) -> list[bytes]:
    """The log's lines, each with its newline."""
    return path.read_bytes().splitlines(keepends=True)


def verify_error(path: Path) -> IntegrityError:
    """Open the log at ``path``, verify it, and return the IntegrityError it must raise."""
    with pytest.raises(IntegrityError) as caught:
        tracker.open(path).verify()
    return caught.value


# --- round trip ------------------------------------------------------------------------------


def test_layout_matches_the_module_docstring(five_records: Path) -> None:
    """Each record is one line, at the offsets the docstring lists."""
    lines = lines_of(five_records)
    starts = [sum(len(line) for line in lines[:i]) for i in range(len(lines))]
    assert starts == STARTS
    assert five_records.stat().st_size == END


def test_round_trip(five_records: Path) -> None:
    """What was appended reads back in order, with its sequence numbers, times and content."""
    log = tracker.open(five_records)
    stored = list(log.events())
    assert [(s.seq, s.recorded) for s in stored] == [
        (1, "2026-01-12T09:00:00.000000Z"),
        (2, "2026-01-12T09:01:00.000000Z"),
        (3, "2026-01-12T09:01:00.000000Z"),
        (4, "2026-01-12T09:02:00.000000Z"),
        (5, "2026-01-12T09:03:00.000000Z"),
    ]
    assert [s.event.id for s in stored][3:] == ["ofcom-contact", "ofcom-demand"]
    demand = stored[4].event
    assert isinstance(demand, RegulatoryAction)
    assert (demand.rung, demand.occurred.text, demand.sources[0].url) == (
        "demand",
        "..2026-01-12",
        "https://example.org/grok",
    )
    assert [r.seq for r in log.records()] == [1, 2, 3, 4, 5]
    assert len(log) == 5
    assert str(log.head()) == f"5:{HASHES[5]}"
    assert log.head().position == END


def test_reading_resumes_from_a_position(five_records: Path) -> None:
    """``read`` hands back the position after each record, and reading from it continues there."""
    store = FileStore(five_records)
    positions = [pos for _record, pos in store.read()]
    assert positions == [*STARTS[1:], END]
    assert [r.seq for r, _pos in store.read(STARTS[3])] == [4, 5]
    assert list(store.read(END)) == []


def test_verify_reports_the_head(five_records: Path) -> None:
    """A clean verify counts the records and ends at the head."""
    report = tracker.open(five_records).verify()
    assert report.records == 5
    assert (report.head.seq, report.head.hash) == (5, HASHES[5])
    assert report.head.recorded == "2026-01-12T09:03:00.000000Z"


def test_two_handles_see_each_others_appends(five_records: Path, clock: StepClock) -> None:
    """A second open log sees what the first appended, and checks references against it."""
    first = tracker.open(five_records, clock=clock)
    second = tracker.open(five_records, clock=clock)
    first.append({"type": "actor", "actor": "grok", "name": "Grok", "kind": "product"})
    receipt = second.append(
        {
            "type": "policy_change",
            "occurred": "2026-01-09",
            "sources": SRC,
            "actor": "x",
            "product": "grok",
            "rule": "image generation",
            "after": "paying subscribers only",
        }
    )
    assert [r.seq for r in receipt] == [7]
    assert len(first) == 7
    assert first.verify().records == 7


# --- tamper evidence: verify names the first bad record ---------------------------------------


def edit_byte(lines: list[bytes]) -> list[bytes]:
    """Change one letter of record 3's event."""
    lines[2] = lines[2].replace(b'"name":"xAI"', b'"name":"xAJ"')
    return lines


def edit_and_rehash(lines: list[bytes]) -> list[bytes]:
    """Change record 3's event and give it the hash of its new content."""
    lines = edit_byte(lines)
    body = orjson.loads(lines[2])
    del body["hash"]
    lines[2] = lines[2].replace(HASHES[3].encode(), compute_hash(body).encode())
    return lines


def respace(lines: list[bytes]) -> list[bytes]:
    """Add a space to record 2 that changes no value."""
    lines[1] = lines[1].replace(b'"seq":2,', b'"seq": 2,')
    return lines


def swap(lines: list[bytes]) -> list[bytes]:
    """Swap records 4 and 5."""
    lines[3], lines[4] = lines[4], lines[3]
    return lines


def replace_with_other_json(lines: list[bytes]) -> list[bytes]:
    """Replace record 2 with a JSON object that is not a record."""
    lines[1] = b'{"note":"hello"}\n'
    return lines


MOVED = "lines were deleted, moved or inserted"
TAMPERING = [
    pytest.param(
        edit_byte,
        3,
        "record 3: its hash does not match its content (it was edited)",
        id="an-edited-byte",
    ),
    pytest.param(
        edit_and_rehash,
        4,
        "record 4: the chain is broken (prev does not match record 3)",
        id="an-edit-with-its-hash-recomputed-breaks-the-next-link",
    ),
    pytest.param(
        respace,
        2,
        "record 2: the line is not in canonical form (it was edited)",
        id="a-respaced-line",
    ),
    pytest.param(
        lambda lines: lines[:2] + lines[3:],
        3,
        f"record 3 is missing (found 4 in its place): {MOVED}",
        id="a-deleted-line",
    ),
    pytest.param(
        swap,
        4,
        f"record 4 is missing (found 5 in its place): {MOVED}",
        id="a-swapped-pair",
    ),
    pytest.param(
        lambda lines: [*lines[:3], lines[2], *lines[3:]],
        4,
        f"record 4 is out of place (found 3 in its place): {MOVED}",
        id="a-duplicated-line",
    ),
    pytest.param(
        replace_with_other_json,
        2,
        "record 2: the line is not a valid record (edited or inserted)",
        id="a-line-that-is-not-a-record",
    ),
]


@pytest.mark.parametrize(("tamper", "seq", "message"), TAMPERING)
def test_verify_names_the_first_bad_record(
    five_records: Path, tamper: Any, seq: int, message: str
) -> None:
    """Each kind of tampering is found by verify, at the right sequence number, in one line."""
    five_records.write_bytes(b"".join(tamper(lines_of(five_records))))
    error = verify_error(five_records)
    assert (error.seq, str(error)) == (seq, message)
    assert error.exit_code == 5


def test_a_published_head_catches_a_cut_end(five_records: Path) -> None:
    """Dropping the last record leaves a valid chain; only a published head can tell."""
    head = tracker.open(five_records).head()
    lines = lines_of(five_records)
    five_records.write_bytes(b"".join(lines[:4]))
    log = tracker.open(five_records)
    assert log.verify().records == 4
    with pytest.raises(IntegrityError) as caught:
        log.verify(head=str(head))
    assert caught.value.seq == 5
    assert str(caught.value) == (
        f"the log does not extend the published head 5:{HASHES[5][:16]}...: it has only 4 records"
    )


def test_a_published_head_passes_on_a_longer_log(five_records: Path) -> None:
    """A log that has grown still extends the head published earlier."""
    log = tracker.open(five_records)
    assert log.verify(head=f"3:{HASHES[3]}").records == 5
    with pytest.raises(IntegrityError) as caught:
        log.verify(head=f"3:{HASHES[1]}")
    assert caught.value.seq == 3
    with pytest.raises(InvalidInputError) as refused:
        log.verify(head="3:abc")
    assert str(refused.value) == (
        f"invalid head '3:abc': expected SEQ:HASH, e.g. 42:{'ab' * 32} (from 'tracker head')"
    )


# --- crash damage at the end: found on open, cut only on request -------------------------------


@pytest.mark.parametrize("cut", [1, 200, 448])
def test_a_torn_tail_is_found_on_open(five_records: Path, cut: int) -> None:
    """A last line cut short is reported with the offset where it starts and its length."""
    data = five_records.read_bytes()
    five_records.write_bytes(data[: STARTS[4] + cut])
    with pytest.raises(TornTailError) as caught:
        tracker.open(five_records)
    error = caught.value
    assert (error.offset, error.length) == (1498, cut)
    assert error.exit_code == 4
    assert str(error) == (
        f"{five_records} ends in a torn record after record 4, at byte 1498 ({cut} bytes): "
        + TORN_HINT.format(path=five_records)
    )


def test_an_unfinished_batch_is_found_on_open(five_records: Path) -> None:
    """A batch whose last record is missing is reported from the batch's first byte."""
    lines = lines_of(five_records)
    five_records.write_bytes(b"".join(lines[:2]))
    with pytest.raises(TornTailError) as caught:
        tracker.open(five_records)
    assert (caught.value.offset, caught.value.length) == (368, 339)
    assert str(caught.value) == (
        f"{five_records} ends in an unfinished batch: 1 of 2 records of batch 2, from byte 368 "
        "(339 bytes): " + TORN_HINT.format(path=five_records)
    )


def test_an_unfinished_batch_with_a_torn_line(five_records: Path) -> None:
    """A batch cut inside its second line is reported from the batch's start, torn bytes too."""
    data = five_records.read_bytes()
    five_records.write_bytes(data[: STARTS[2] + 100])
    with pytest.raises(TornTailError) as caught:
        tracker.open(five_records)
    assert (caught.value.offset, caught.value.length) == (368, 439)


def test_a_torn_first_record(log_path: Path) -> None:
    """A log whose only line is torn is reported from byte 0."""
    log_path.write_bytes(b'{"batch":{"count":1,"id":1,"index":0},"event":{"act')
    with pytest.raises(TornTailError) as caught:
        tracker.open(log_path)
    assert (caught.value.offset, caught.value.length) == (0, 51)


def test_repair_cuts_the_damage_after_saving_it_and_nothing_before_is_lost(
    five_records: Path, clock: StepClock
) -> None:
    """``tracker.repair`` saves the cut bytes beside the log, then the log verifies and grows."""
    whole = five_records.read_bytes()
    torn = whole[: STARTS[2] + 100]
    five_records.write_bytes(torn)

    damage = tracker.repair(five_records)

    assert damage is not None
    assert (damage.offset, damage.length) == (368, 439)
    saved = five_records.with_name("log.jsonl.torn-368")
    assert damage.description == (
        "an unfinished batch: 1 of 2 records of batch 2, from byte 368 (439 bytes); "
        f"saved to {saved}"
    )
    assert saved.read_bytes() == torn[368:]
    assert five_records.read_bytes() == whole[:368]
    log = tracker.open(five_records, clock=clock)
    assert log.verify().records == 1
    assert log.append({"type": "actor", "actor": "x", "name": "X", "kind": "platform"})[0].seq == 2
    assert log.verify().records == 2


def test_repair_of_a_whole_log_does_nothing(five_records: Path) -> None:
    """Repair leaves a log whose end is whole untouched and says so (None)."""
    before = five_records.read_bytes()
    assert tracker.repair(five_records) is None
    assert five_records.read_bytes() == before


def test_an_edited_last_line_is_not_torn(five_records: Path) -> None:
    """A whole last line that is not a record was edited, not torn: refused, and not cut."""
    data = five_records.read_bytes()
    five_records.write_bytes(data[:-3] + b"!}\n")
    message = (
        "record 5 (the last line, at byte 1498) is not a valid record: it was edited after it "
        "was written; restore the log from a copy"
    )
    for attempt in (tracker.open, tracker.repair):
        with pytest.raises(IntegrityError) as caught:
            attempt(five_records)
        assert (str(caught.value), caught.value.seq) == (message, 5)


def test_a_pasted_batch_start_at_the_end_is_not_torn(five_records: Path) -> None:
    """A copy of an earlier batch's first line pasted at the end is an edit, not a crash."""
    lines = lines_of(five_records)
    five_records.write_bytes(b"".join([*lines, lines[1]]))
    with pytest.raises(IntegrityError) as caught:
        tracker.open(five_records)
    assert caught.value.seq == 6
    assert str(caught.value) == (
        "the line at byte 1947, where record 6 belongs, holds record 2 of an unfinished batch: "
        "the log was edited; restore it from a copy"
    )


def test_a_lone_middle_of_a_batch_is_not_torn(five_records: Path) -> None:
    """The second line of a batch without its first is an edit, not a crash."""
    lines = lines_of(five_records)
    five_records.write_bytes(lines[0] + lines[2].replace(b'"count":2', b'"count":3'))
    with pytest.raises(IntegrityError) as caught:
        tracker.open(five_records)
    assert str(caught.value) == (  # the first bad record is named: 2, the one missing
        "record 2 is missing (found 3 in its place): lines were deleted, moved or inserted; "
        "the log was edited after it was written: restore it from a copy"
    )
    assert caught.value.seq == 2


# --- refusals on open and init ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            b"date,event\n2026-01-12,paywall\n",
            "is not a tracker log (its first line is not a record)",
            id="csv",
        ),
        pytest.param(
            b'{"type":"statement"}\n',
            "is not a tracker log (its first line is not a record)",
            id="import-file",
        ),
        pytest.param(
            b"\n", "is not a tracker log (its first line is not a record)", id="blank-line"
        ),
    ],
)
def test_a_file_that_is_not_a_log_is_refused(log_path: Path, content: bytes, message: str) -> None:
    """Opening some other file as a log is refused, and the file is left as it was."""
    log_path.write_bytes(content)
    with pytest.raises(InvalidRecordError) as caught:
        tracker.open(log_path)
    assert str(caught.value) == f"{log_path} {message}"
    assert log_path.read_bytes() == content


def test_a_log_from_a_newer_tracker_is_refused(five_records: Path) -> None:
    """A record schema newer than this tracker reads is refused with a request to upgrade."""
    data = five_records.read_bytes()
    five_records.write_bytes(data.replace(b'"v":1}', b'"v":3}'))
    with pytest.raises(InvalidRecordError) as caught:
        tracker.open(five_records)
    assert str(caught.value) == (
        f"{five_records}: written by a newer tracker (record schema v3; this tracker reads up "
        "to v2): upgrade tracker to read this log"
    )


def test_missing_log_and_missing_directory(tmp_path: Path) -> None:
    """A path with no log, or in no directory, is refused with what to do about it."""
    with pytest.raises(LogNotFoundError) as caught:
        tracker.open(tmp_path / "log.jsonl")
    assert str(caught.value) == f"no log at {tmp_path / 'log.jsonl'}: create it with 'tracker init'"
    with pytest.raises(LogNotFoundError) as caught:
        tracker.open(tmp_path / "nowhere" / "log.jsonl")
    assert str(caught.value) == (
        f"no log at {tmp_path / 'nowhere' / 'log.jsonl'}: the directory {tmp_path / 'nowhere'} "
        "does not exist"
    )
    with pytest.raises(LogNotFoundError) as caught:
        tracker.init(tmp_path / "nowhere" / "log.jsonl")
    assert str(caught.value) == (
        f"cannot create {tmp_path / 'nowhere' / 'log.jsonl'}: the directory "
        f"{tmp_path / 'nowhere'} does not exist; create it first"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_directory_is_not_a_log(tmp_path: Path) -> None:
    """A directory given as the log's path is refused by open and by init."""
    with pytest.raises(LogNotFoundError) as caught:
        tracker.open(tmp_path)
    assert (
        str(caught.value)
        == f"{tmp_path} is a directory, not a log file: give the path of a .jsonl log"
    )
    with pytest.raises(LogExistsError) as refused:
        tracker.init(tmp_path)
    assert str(refused.value) == f"{tmp_path} is a directory; give the path of a new .jsonl file"


def test_init_never_overwrites(five_records: Path) -> None:
    """``init`` refuses any existing file, and the file keeps its bytes."""
    before = five_records.read_bytes()
    with pytest.raises(LogExistsError) as caught:
        tracker.init(five_records)
    assert str(caught.value) == (
        f"{five_records} already exists; tracker init never overwrites: choose another path"
    )
    assert isinstance(caught.value, FileExistsError)
    assert five_records.read_bytes() == before


def test_open_with_create_opens_an_existing_log(five_records: Path) -> None:
    """``create=True`` creates only when nothing is there; an existing log opens as it is."""
    assert len(tracker.open(five_records, create=True)) == 5


def test_init_creates_an_empty_log(log_path: Path) -> None:
    """A new log is an empty file whose head is sequence 0 and 64 zeros."""
    log = tracker.init(log_path)
    assert log_path.read_bytes() == b""
    assert str(log.head()) == "0:" + "0" * 64
    assert log.verify().records == 0
    assert list(log.events()) == []


# --- the recorded clock -----------------------------------------------------------------------


@pytest.mark.parametrize("where", ["file", "memory"])
def test_a_clock_that_steps_back_is_clamped(log_path: Path, clock: StepClock, where: str) -> None:
    """A record is never stamped earlier than the one before it, whatever the clock says."""
    store: Any = (
        FileStore.create(log_path, clock=clock) if where == "file" else MemoryStore(clock=clock)
    )
    log = tracker.open(store)
    clock.set(datetime(2026, 1, 12, 12, 0, tzinfo=UTC))
    log.append({"type": "actor", "actor": "ofcom", "name": "Ofcom", "kind": "regulator"})
    clock.set(datetime(2026, 1, 12, 8, 0, tzinfo=UTC))  # an hour before the record above
    log.append({"type": "actor", "actor": "x", "name": "X", "kind": "platform"})
    clock.set(datetime(2026, 1, 13, 8, 0, tzinfo=UTC))
    log.append({"type": "actor", "actor": "xai", "name": "xAI", "kind": "company"})
    assert [r.recorded for r in log.records()] == [
        "2026-01-12T12:00:00.000000Z",
        "2026-01-12T12:00:00.000000Z",
        "2026-01-13T08:00:00.000000Z",
    ]
    assert log.verify().records == 3


def test_a_naive_clock_is_refused(log_path: Path) -> None:
    """A naive clock is a programming error, caught before anything is written."""
    log = tracker.open(log_path, create=True, clock=lambda: datetime(2026, 1, 12, 9, 0))  # noqa: DTZ001
    with pytest.raises(ValueError, match="the store's clock must return an aware datetime"):
        log.append({"type": "actor", "actor": "ofcom", "name": "Ofcom", "kind": "regulator"})
    assert log_path.read_bytes() == b""


def test_an_edited_event_that_no_longer_validates_is_an_integrity_error(five_records: Path) -> None:
    """Reading an event edited into something invalid names its record instead of crashing."""
    data = five_records.read_bytes()
    five_records.write_bytes(data.replace(b'"rung":"demand"', b'"rung":"demnd"'))
    log = tracker.open(five_records)
    message = (
        "record 5: the stored event does not validate (regulatory_action.rung: expected one of "
        "'contact', 'information_request', 'preservation_order', 'demand', 'ultimatum', "
        "'investigation_opened', 'investigation_widened', 'fine_threatened', 'fine_imposed', "
        "'restriction_imposed', 'ban_or_suspension', 'closure', 'withdrawal' or 'overturned', "
        "got \"demnd\"; did you mean 'demand'?)"
    )
    for read in (log.replay, lambda: list(log.events())):
        with pytest.raises(IntegrityError) as caught:
            read()
        # the advice in Python's terms; the command line prints its own (cli_hint)
        assert (str(caught.value), caught.value.seq) == (message + "; log.verify() finds it", 5)
        assert caught.value.message + caught.value.cli_hint == message + "; run 'tracker verify'"
    assert verify_error(five_records).seq == 5
