"""Signing appends from the terminal: --sign KEY or $TRACKER_SIGNING_KEY, verify --keys, log --by."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import Run


@pytest.fixture(autouse=True)
def own_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys and kept trees go to the test's temporary directory, never the user's."""
    monkeypatch.setenv("TRACKER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("TRACKER_SIGNING_KEY", raising=False)


@pytest.fixture
def keys(cli: Run, tmp_path: Path) -> Path:
    """Alice and Bob as recorders; the keys file lists only Alice."""
    for name in ("alice", "bob"):
        assert cli(f"key new news.example/{name}").status == 0
    alice = cli("key export news.example/alice").out.strip()
    path = tmp_path / "trusted-keys.txt"
    path.write_text(f"{alice} recorder publisher\n")
    assert cli("init").status == 0
    return path


def one_line_exit_5(result: object) -> None:
    assert result.status == 5, result.err  # type: ignore[attr-defined]
    assert result.err.count("\n") == 1 and result.err.startswith("tracker: error: ")  # type: ignore[attr-defined]


def lines(tmp_path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (tmp_path / "tracker.jsonl").read_text().splitlines()]


def test_sign_flag_environment_and_import(
    cli: Run, keys: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--sign on add, $TRACKER_SIGNING_KEY on actor add, one signature for a whole import."""
    assert cli("topic add paywall --name Paywall --sign news.example/alice").status == 0
    monkeypatch.setenv("TRACKER_SIGNING_KEY", "news.example/alice")
    assert cli("actor add ofcom --name Ofcom --kind regulator").status == 0
    events = tmp_path / "events.jsonl"
    events.write_text(
        "".join(
            json.dumps({"type": "topic", "topic": f"t{i}", "name": f"Topic {i}"}) + "\n"
            for i in range(5)
        )
    )
    assert cli(f"import {events}").status == 0
    records = lines(tmp_path)
    assert [r["v"] for r in records] == [2] * 7
    assert [("sig" in r) for r in records] == [True, True, False, False, False, False, True]
    ok = cli(f"verify --keys {keys}")
    assert ok.status == 0, ok.err
    assert "every record signed by a trusted key: news.example/alice+" in ok.out
    data = json.loads(cli(f"verify --keys {keys} --json").out)
    assert data["signed"] == 7 and [r["records"] for r in data["recorders"]] == [7]


def test_a_record_in_an_unknown_recorders_name_is_caught(cli: Run, keys: Path) -> None:
    """Bob is not in the keys file: verify --keys names his record in one line, exit 5."""
    assert cli("topic add paywall --name Paywall --sign news.example/alice").status == 0
    assert cli("topic add fines --name Fines --sign news.example/bob").status == 0
    result = cli(f"verify --keys {keys}")
    one_line_exit_5(result)
    assert "record 2: signed in the name of news.example/bob+" in result.err
    as_json = json.loads(cli(f"verify --keys {keys} --json").err)["error"]
    assert as_json["count"] == 1 and as_json["problems"][0].startswith("record 2: ")
    assert cli("verify").status == 0  # the chain itself is whole


def test_log_by_and_show_name_the_recorder(cli: Run, keys: Path) -> None:
    """log --by keeps one recorder's records; show says who signed each version."""
    assert cli("topic add paywall --name Paywall --sign news.example/alice").status == 0
    assert cli("topic add fines --name Fines --sign news.example/bob").status == 0
    assert cli("topic add bans --name Bans").status == 0
    by_bob = json.loads(cli("log --by news.example/bob --json").out)["records"]
    assert [r["seq"] for r in by_bob] == [2]
    shown = cli("show", json.loads(cli("log --json").out)["records"][0]["event"]["id"])
    assert "(signed by news.example/alice+" in shown.out


def test_key_rotate_hands_over(cli: Run, keys: Path) -> None:
    """After alice hands over to alice-2027, its records verify with the old keys file."""
    assert cli("key new news.example/alice-2027").status == 0
    rotated = cli("key rotate news.example/alice news.example/alice-2027")
    assert rotated.status == 0, rotated.err
    assert rotated.out.startswith("record 1: news.example/alice+")
    assert cli("topic add paywall --name Paywall --sign news.example/alice-2027").status == 0
    assert cli(f"verify --keys {keys}").status == 0
    assert cli("topic add fines --name Fines --sign news.example/alice").status == 0
    one_line_exit_5(cli(f"verify --keys {keys}"))


def test_an_unknown_signing_key_is_refused_in_one_line(cli: Run, keys: Path) -> None:
    """--sign with a key not in the config directory: exit 1, nothing appended."""
    result = cli("topic add paywall --name Paywall --sign news.example/nobody")
    assert result.status == 1
    assert result.err.startswith("tracker: error: no key named news.example/nobody")
    assert cli("log --json").out.count('"seq"') == 0


def test_erase_from_the_terminal(cli: Run, keys: Path, tmp_path: Path) -> None:
    """erase needs a signing key with the eraser role; the head before it still verifies."""
    assert cli("key new news.example/legal").status == 0
    legal = cli("key export news.example/legal").out.strip()
    with keys.open("a") as f:
        f.write(f"{legal} eraser\n")
    assert cli("topic add paywall --name Paywall --sign news.example/alice").status == 0
    assert cli("topic add minor --name 'A minor, named' --sign news.example/alice").status == 0
    (tmp_path / "head.txt").write_text(cli("head --sign news.example/alice").out)
    unsigned = cli("erase minor --reason 'court order' --ordered-by 'a court'")
    assert unsigned.status == 1 and "an erasure is a signed record" in unsigned.err
    dry = cli("erase minor --reason 'court order' --ordered-by 'a court' --sign news.example/legal --dry-run")
    assert dry.status == 0 and dry.out.startswith("would erase record 2;")
    done = cli("erase minor --reason 'court order' --ordered-by 'a court' --sign news.example/legal")
    assert done.status == 0, done.err
    assert done.out.startswith("erased record 2: their content is gone from ")
    assert b"A minor, named" not in (tmp_path / "tracker.jsonl").read_bytes()
    ok = cli(f"verify --keys {keys} --head head.txt")
    assert ok.status == 0, ok.err
    assert "record 3 erased record 2 (court order; ordered by a court)" in ok.out


def test_check_proof_needs_a_head_or_keys_and_checks_the_records_signature(
    cli: Run, keys: Path, tmp_path: Path
) -> None:
    """Alone, a proof's own head shows nothing: refused. With the keys, the record's own
    signature (on a record that closes its batch) is checked too."""
    assert cli("topic add paywall --name Paywall --sign news.example/alice").status == 0
    (tmp_path / "head.txt").write_text(cli("head --sign news.example/alice").out)
    event = json.loads(cli("log --json").out)["records"][0]["event"]["id"]
    assert cli(f"prove {event} --head head.txt --out p.proof").status == 0
    alone = cli("check-proof p.proof")
    assert alone.status == 1 and alone.err.count("\n") == 1
    assert "give the head you hold (--head NOTE) or the publisher's keys (--keys FILE)" in alone.err
    checked = cli(f"check-proof p.proof --keys {keys}")
    assert checked.status == 0, checked.err
    assert "recorded by news.example/alice+" in checked.out and "(its signature checked)" in checked.out
    assert "; signed by news.example/alice (publisher); " in checked.out
    assert json.loads(cli(f"check-proof p.proof --keys {keys} --json").out)["keys_checked"] is True


def test_check_proof_without_keys_says_plainly_that_no_signature_was_checked(
    cli: Run, keys: Path, tmp_path: Path
) -> None:
    """A proof checked against the head the reader holds, without --keys, holds (exit 0), but
    the answer never reads as a signed one: the text says no signature was checked, and
    --json says keys_checked false, for an inclusion proof and a consistency proof alike."""
    assert cli("topic add paywall --name Paywall --sign news.example/alice").status == 0
    (tmp_path / "head.txt").write_text(cli("head --sign news.example/alice").out)
    event = json.loads(cli("log --json").out)["records"][0]["event"]["id"]
    assert cli(f"prove {event} --head head.txt --out p.proof").status == 0
    unsigned_head = cli("check-proof p.proof --head head.txt")
    assert unsigned_head.status == 0, unsigned_head.err
    assert unsigned_head.out.startswith(f"ok: event {event} (topic) is record 1 of tracker-log/")
    assert unsigned_head.out.endswith(
        " at its head of 1 records; the head's signatures were NOT checked (no --keys; 1 ignored): "
        "this is only as good as the way you got the head; recorded by news.example/alice+"
        f"{_key_id(cli, 'news.example/alice')} (not checked: no --keys)\n"
    )
    data = json.loads(cli("check-proof p.proof --head head.txt --json").out)
    assert data["ok"] is True and data["keys_checked"] is False
    assert [s["status"] for s in data["signatures"]] == ["unknown"]
    assert data["recorder_signature"] == "not checked"

    assert cli("topic add fines --name Fines --sign news.example/alice").status == 0
    (tmp_path / "later.txt").write_text(cli("head --sign news.example/alice").out)
    assert cli("prove --from head.txt --to later.txt --out c.proof").status == 0
    consistency = cli("check-proof c.proof --from head.txt --to later.txt")
    assert consistency.status == 0, consistency.err
    assert consistency.out.endswith(
        "; the heads' signatures were NOT checked (no --keys; 2 ignored): "
        "this is only as good as the way you got the head\n"
    )
    data = json.loads(cli("check-proof c.proof --from head.txt --to later.txt --json").out)
    assert data["keys_checked"] is False


def _key_id(cli: Run, name: str) -> str:
    """The 8 hex digits of the key ID of one of the test's keys."""
    return cli(f"key export {name}").out.split("+")[1]
