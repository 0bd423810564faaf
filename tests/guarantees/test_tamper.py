"""Guarantee 3: an edit to the log is caught, and verify names the first bad record.

A changed byte (at every offset of a record), a deleted line, two swapped lines, an inserted
line: ``verify`` names the first bad sequence number. A tail rewritten with recomputed hashes
is a valid chain on its own; it is caught by a head published before the rewrite (the note
``Log.checkpoint().note()`` prints, or ``SEQ:HASH``), and by comparing with an older copy
(``Log.extends``).
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

import tracker
from tracker.cli import main
from tracker.errors import IntegrityError, InvalidInputError, TornTailError
from tracker.store.checkpoint import Checkpoint
from tracker.store.records import Record, make_record, parse_record

SOURCE = {"publisher": "Ofcom", "url": "https://www.ofcom.org.uk/news"}


def _events() -> list[Any]:
    """Ten records: registrations, statements, a figure, and a batch of three in the middle."""
    return [
        {
            "type": "actor",
            "id": "reg-ofcom",
            "actor": "ofcom",
            "name": "Ofcom",
            "kind": "regulator",
        },
        {"type": "actor", "id": "reg-x", "actor": "x", "name": "X", "kind": "platform"},
        {"type": "topic", "id": "reg-paywall", "topic": "paywall", "name": "The paywall move"},
        [
            {
                "type": "statement",
                "id": f"st-{i}",
                "speaker": "ofcom",
                "quote": f"Statement number {i}.",
                "occurred": f"2026-01-0{i + 5}",
                "sources": [SOURCE],
            }
            for i in range(3)
        ],
        {
            "type": "figure",
            "id": "fig-images",
            "metric": "sexualised_images",
            "value": 6700,
            "unit": "per_hour",
            "approximate": True,
            "subject": "x",
            "occurred": "2026-01-08",
            "sources": [{"publisher": "Bloomberg", "url": "https://bloomberg.com/a"}],
        },
        {"type": "topic", "id": "reg-deepfakes", "topic": "deepfakes", "name": "Deepfakes"},
        {"type": "topic", "id": "reg-fines", "topic": "fines", "name": "Fines"},
        {"type": "topic", "id": "reg-bans", "topic": "bans", "name": "Bans"},
    ]


@pytest.fixture
def sealed(tmp_path: Path, clock: Callable[[], Any]) -> tuple[Path, bytes]:
    """A ten-record log and its bytes as first written."""
    path = tmp_path / "log.jsonl"
    with tracker.open(path, create=True, clock=clock) as log:
        for item in _events():
            log.append(item)
    data = path.read_bytes()
    assert data.count(b"\n") == 10
    return path, data


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def _first_bad(path: Path) -> int | None:
    """Run verify as a user would (open, verify) and return the seq it names."""
    with pytest.raises(IntegrityError) as caught, tracker.open(path) as log:
        log.verify()
    assert "\n" not in str(caught.value)
    return caught.value.seq


@pytest.mark.parametrize("seq", [1, 4, 5, 7, 10])
def test_a_changed_byte_anywhere_in_a_record_is_named(
    sealed: tuple[Path, bytes], seq: int, figures: dict[str, Any]
) -> None:
    """Changing any one byte of record N (first, in a batch, last) makes verify name N."""
    path, data = sealed
    lines = _lines(data)
    start = sum(len(line) for line in lines[: seq - 1])
    end = start + len(lines[seq - 1])
    if seq == len(lines):
        end -= 1  # the file's final newline: without it the end reads as torn (next test)
    for offset in range(start, end):
        changed = bytearray(data)
        changed[offset] ^= 0x01
        path.write_bytes(changed)
        assert _first_bad(path) == seq, f"byte {offset} ({chr(data[offset])!r})"
    figures["tamper: changed bytes caught"] = figures.get("tamper: changed bytes caught", 0) + (
        end - start
    )


def test_a_removed_final_newline_reads_as_a_torn_end(sealed: tuple[Path, bytes]) -> None:
    """The file's last newline removed looks like a crash: reported as a torn end at its offset."""
    path, data = sealed
    path.write_bytes(data[:-1])
    start = len(data) - len(_lines(data)[-1])
    with pytest.raises(TornTailError) as caught:
        tracker.open(path)
    assert caught.value.offset == start


@pytest.mark.parametrize("seq", [1, 4, 5, 8])
def test_a_deleted_line_is_named(sealed: tuple[Path, bytes], seq: int) -> None:
    """Deleting record N's line (N not last) makes verify name N."""
    path, data = sealed
    lines = _lines(data)
    del lines[seq - 1]
    path.write_bytes(b"".join(lines))
    assert _first_bad(path) == seq


@pytest.mark.parametrize("seq", [1, 4, 5, 9])
def test_two_swapped_lines_are_named(sealed: tuple[Path, bytes], seq: int) -> None:
    """Swapping records N and N+1 makes verify name N."""
    path, data = sealed
    lines = _lines(data)
    lines[seq - 1], lines[seq] = lines[seq], lines[seq - 1]
    path.write_bytes(b"".join(lines))
    assert _first_bad(path) == seq


@pytest.mark.parametrize(
    ("seq", "kind"),
    [(2, "copy"), (5, "copy"), (11, "copy"), (3, "foreign"), (6, "blank"), (11, "junk")],
)
def test_an_inserted_line_is_named(
    sealed: tuple[Path, bytes], tmp_path: Path, clock: Any, seq: int, kind: str
) -> None:
    """A line inserted before record N (a copy, a record of another log, junk) is named N."""
    path, data = sealed
    lines = _lines(data)
    if kind == "copy":
        extra = lines[seq - 2]  # a duplicate of the record before
    elif kind == "foreign":
        other = tmp_path / "other.jsonl"
        with tracker.open(other, create=True, clock=clock) as log:
            log.append({"type": "topic", "topic": "other", "name": "Other"})
            log.append({"type": "topic", "topic": "another", "name": "Another"})
            log.append({"type": "topic", "topic": "third", "name": "Third"})
        extra = _lines(other.read_bytes())[seq - 1]  # a good record with the right seq
    elif kind == "blank":
        extra = b"\n"
    else:
        extra = b'{"note": "added later"}\n'
    lines.insert(seq - 1, extra)
    path.write_bytes(b"".join(lines))
    assert _first_bad(path) == seq


# --- a tail rewritten with recomputed hashes --------------------------------------------------


def _rewrite_from(path: Path, seq: int, change: Callable[[dict[str, Any]], None]) -> None:
    """Rewrite records seq.. with ``change`` applied to record seq's event, re-hashing the chain."""
    records = [parse_record(line) for line in path.read_bytes().splitlines()]
    out: list[Record] = records[: seq - 1]
    for record in records[seq - 1 :]:
        event = dict(record.event)
        if record.seq == seq:
            change(event)
        out.append(
            make_record(
                seq=record.seq,
                recorded=record.recorded_at,
                batch_id=record.batch_id,
                batch_index=record.batch_index,
                batch_count=record.batch_count,
                event=event,
                prev=out[-1].hash if out else "0" * 64,
            )
        )
    path.write_bytes(b"".join(r.line() + b"\n" for r in out))


def _lower_figure(event: dict[str, Any]) -> None:
    event["value"] = 670


def test_a_rewritten_tail_passes_verify_alone_but_not_a_published_head(
    sealed: tuple[Path, bytes], tmp_path: Path
) -> None:
    """A tail re-hashed after an edit is a valid chain; the head published before catches it."""
    path, data = sealed
    with tracker.open(path) as log:
        note = log.checkpoint().note()
        short = str(log.checkpoint())
        early = str(Checkpoint(None, 6, parse_record(_lines(data)[5].rstrip(b"\n")).hash))
    original = tmp_path / "archived.jsonl"
    shutil.copy(path, original)
    _rewrite_from(path, 7, _lower_figure)  # record 7 is the figure: 6,700 becomes 670
    assert path.read_bytes() != data
    with tracker.open(path) as log:
        assert log.verify().records == 10  # on its own, the forged chain holds
        for head in (note, short):
            with pytest.raises(
                IntegrityError, match="does not extend the published head 10:"
            ) as caught:
                log.verify(head=head)
            assert caught.value.seq == 10
        assert log.verify(head=early).records == 10  # the rewrite came after record 6
        with pytest.raises(IntegrityError, match="part ways at record 7") as parted:
            log.extends(original)
        assert parted.value.seq == 7


def test_a_rewrite_from_the_first_record_is_told_by_the_origin(sealed: tuple[Path, bytes]) -> None:
    """Re-hashing from record 1 changes the log's origin; the note says so."""
    path, _data = sealed
    with tracker.open(path) as log:
        note = log.checkpoint().note()

    def rename(event: dict[str, Any]) -> None:
        event["name"] = "Office of Communications"

    _rewrite_from(path, 1, rename)
    with tracker.open(path) as log:
        with pytest.raises(IntegrityError, match="another log, or its first record was rewritten"):
            log.verify(head=note)
        assert log.verify().records == 10


def test_a_deleted_last_record_is_caught_by_the_published_head(sealed: tuple[Path, bytes]) -> None:
    """Dropping whole records from the end leaves a valid chain; the published head catches it."""
    path, data = sealed
    with tracker.open(path) as log:
        note = log.checkpoint().note()
    path.write_bytes(b"".join(_lines(data)[:-1]))
    with tracker.open(path) as log:
        assert log.verify().records == 9
        with pytest.raises(IntegrityError, match="it has only 9 records") as caught:
            log.verify(head=note)
    assert caught.value.seq == 10


# --- the published head ------------------------------------------------------------------------


def test_the_note_has_origin_size_hash_and_a_blank_line(sealed: tuple[Path, bytes]) -> None:
    """The note is the origin (from record 1's hash), the size, the head hash, a blank line."""
    path, data = sealed
    lines = [parse_record(line) for line in data.splitlines()]
    with tracker.open(path) as log:
        note = log.checkpoint().note()
        head = log.head()
    assert note == f"tracker-log/{lines[0].hash[:16]}\n10\n{lines[-1].hash}\n\n"
    assert str(head) == f"10:{lines[-1].hash}"


def test_a_head_still_verifies_after_the_log_grows(sealed: tuple[Path, bytes], clock: Any) -> None:
    """A log that only grew since a head was published still extends it."""
    path, _data = sealed
    with tracker.open(path, clock=clock) as log:
        note = log.checkpoint().note()
        log.append({"type": "topic", "topic": "later", "name": "Later"})
        assert log.verify(head=note).records == 11


@pytest.mark.parametrize(
    "pasted",
    [
        "  {origin}\r\n  10\r\n  {hash}\r\n\r\n",  # indented, with Windows line ends
        "\n\n{origin}\n10\n{hash}\n",  # blank lines around, no final blank line
        "{origin}\n10\n{hash}\n\n\u2014 newsroom.example AAAAsignature==\n",  # a signature later
        "{origin}\n10\n{HASH}\n\n",  # upper-case hex
        "10:{hash}",
        " 10:{hash}\n",
    ],
)
def test_a_pasted_head_is_read_leniently(sealed: tuple[Path, bytes], pasted: str) -> None:
    """A head pasted from an article or an email (spaces, CRLF, signatures) still verifies."""
    path, data = sealed
    first, last = parse_record(_lines(data)[0].rstrip()), parse_record(_lines(data)[-1].rstrip())
    text = pasted.format(
        origin=f"tracker-log/{first.hash[:16]}", hash=last.hash, HASH=last.hash.upper()
    )
    with tracker.open(path) as log:
        assert log.verify(head=text).records == 10


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "expected SEQ:HASH"),
        ("10", "expected SEQ:HASH"),
        ("10:abc", "expected SEQ:HASH"),
        (f"-1:{'a' * 64}", "expected SEQ:HASH"),
        (f"0:{'a' * 64}", "goes only with the zero hash"),
        (f"example.com/log\n10\n{'a' * 64}\n", "is not a tracker log origin"),
        (f"tracker-log/abc\nten\n{'a' * 64}\n", "is not a record count"),
        ("tracker-log/abc\n10\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "needs its .chain HASH. line"),
        ("tracker-log/abc\n10\n", "expected three lines"),
    ],
)
def test_a_malformed_head_is_refused_in_one_line(
    sealed: tuple[Path, bytes], text: str, message: str
) -> None:
    """A head that is neither a note nor SEQ:HASH is refused with one line saying what is expected."""
    path, _data = sealed
    with tracker.open(path) as log, pytest.raises(InvalidInputError, match=message) as caught:
        log.verify(head=text)
    assert "\n" not in str(caught.value)


def test_a_head_beyond_the_end_of_a_shorter_copy_is_refused(sealed: tuple[Path, bytes]) -> None:
    """A head from a longer copy does not verify against a shorter one, and says why."""
    path, data = sealed
    with tracker.open(path) as log:
        note = log.checkpoint().note()
    path.write_bytes(b"".join(_lines(data)[:3]))
    with tracker.open(path) as log, pytest.raises(IntegrityError, match="only 3 records"):
        log.verify(head=note)


# --- two copies of a log ---------------------------------------------------------------------


def test_a_copy_that_grew_extends_the_older_copy(
    sealed: tuple[Path, bytes], tmp_path: Path, clock: Any
) -> None:
    """The newer copy extends the older one; not the other way round."""
    path, _data = sealed
    older = tmp_path / "older.jsonl"
    shutil.copy(path, older)
    with tracker.open(path, clock=clock) as log:
        log.append({"type": "topic", "topic": "later", "name": "Later"})
        assert log.extends(older).records == 11
        assert log.extends(log).records == 11
    with (
        tracker.open(older) as log,
        pytest.raises(IntegrityError, match="stops at record 10") as caught,
    ):
        log.extends(path)
    assert caught.value.seq == 11


def test_extends_names_a_damaged_copy(sealed: tuple[Path, bytes], tmp_path: Path) -> None:
    """When the other copy is itself damaged, the error says which log and which record."""
    path, data = sealed
    other = tmp_path / "other.jsonl"
    lines = _lines(data)
    lines[2], lines[3] = lines[3], lines[2]
    other.write_bytes(b"".join(lines))
    with tracker.open(path) as log, pytest.raises(IntegrityError, match="the other log") as caught:
        log.extends(other)
    assert caught.value.seq == 3


def test_with_two_edits_verify_names_the_earlier_one(sealed: tuple[Path, bytes]) -> None:
    """Edits to record 3 and to the last record: verify names 3, the first bad one."""
    path, data = sealed
    lines = _lines(data)
    lines[2] = lines[2].replace(b'"name":"The paywall move"', b'"name":"The paywall plan"')
    lines[9] = lines[9].replace(b'"name":"Bans"', b'"name":"Bins"')
    path.write_bytes(b"".join(lines))
    assert _first_bad(path) == 3


# --- through the command line -------------------------------------------------------------------


def _tracker(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_tracker_head_prints_the_note_and_verify_head_checks_it(
    sealed: tuple[Path, bytes],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`tracker head` prints the note; `verify --head` takes it as a file, from stdin, or inline."""
    path, _data = sealed
    log = ["--log", str(path)]
    status, note, _err = _tracker(["head", *log], capsys)
    assert status == 0
    with tracker.open(path) as opened:
        assert note == opened.tree_head().note()
        short = str(opened.checkpoint())
    published = tmp_path / "published-head.txt"
    published.write_text(note, encoding="utf-8")
    for head in (str(published), note, short):
        status, out, _err = _tracker(["verify", "--head", head, *log], capsys)
        assert status == 0
        assert out.startswith("ok: 10 records, chain intact; it extends the published head 10")
    monkeypatch.setattr("sys.stdin", io.StringIO(note))
    assert _tracker(["verify", "--head", "-", *log], capsys)[0] == 0
    status, out, _err = _tracker(["head", "--json", *log], capsys)
    result = orjson.loads(out)
    assert (result["note"], result["seq"], result["head"]) == (note, 10, short)

    _rewrite_from(path, 7, _lower_figure)
    assert _tracker(["verify", *log], capsys)[0] == 0  # alone, the forged chain holds
    status, out, err = _tracker(["verify", "--head", str(published), *log], capsys)
    assert (status, out) == (5, "")
    assert err.startswith("tracker: error: the log does not extend the published head 10:")
    assert len(err.splitlines()) == 1


def test_tracker_verify_extends_compares_two_copies(
    sealed: tuple[Path, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`verify --extends OTHER` passes for an older copy and names where a rewritten one parts."""
    path, _data = sealed
    archived = tmp_path / "archived.jsonl"
    shutil.copy(path, archived)
    status, out, _err = _tracker(["verify", "--extends", str(archived), "--log", str(path)], capsys)
    assert status == 0
    assert f"it extends {archived}" in out
    _rewrite_from(path, 7, _lower_figure)
    status, out, err = _tracker(["verify", "--extends", str(archived), "--log", str(path)], capsys)
    assert status == 5
    assert (
        err
        == f"tracker: error: this log does not extend {archived}: the logs part ways at record 7\n"
    )


@pytest.mark.parametrize(
    ("edit", "seq"),
    [("byte", 5), ("delete", 4), ("swap", 8), ("insert", 2)],
)
def test_tracker_verify_names_the_first_bad_record_with_exit_5(
    sealed: tuple[Path, bytes], capsys: pytest.CaptureFixture[str], edit: str, seq: int
) -> None:
    """`tracker verify` on an edited log: exit 5, one line naming the first bad record."""
    path, data = sealed
    lines = _lines(data)
    if edit == "byte":
        lines[4] = lines[4].replace(b"Statement number 1.", b"Statement number 7.")
    elif edit == "delete":
        del lines[3]
    elif edit == "swap":
        lines[7], lines[8] = lines[8], lines[7]
    else:
        lines.insert(1, lines[0])
    path.write_bytes(b"".join(lines))
    status, out, err = _tracker(["verify", "--log", str(path)], capsys)
    assert (status, out) == (5, "")
    assert err.startswith(f"tracker: error: record {seq}")
    assert len(err.splitlines()) == 1
    status, _out, err = _tracker(["verify", "--json", "--log", str(path)], capsys)
    assert status == 5
    assert orjson.loads(err)["error"]["code"] == "integrity"
