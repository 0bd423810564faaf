"""Signed tree heads, witnesses and proofs from the terminal: the story a reader checks.

A newsroom signs its head, a witness holding a copy of the log cosigns it, a reader checks one
event's proof with only the note and the keys, and a later head's consistency proof; each
forgery is caught with one line and exit 5.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .conftest import Run


@pytest.fixture(autouse=True)
def own_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys and kept trees go to the test's temporary directory, never the user's."""
    monkeypatch.setenv("TRACKER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def keys(cli: Run, tmp_path: Path) -> Path:
    """A publisher's and a witness's key pairs, and the trusted-keys file naming both."""
    assert cli("key new news.example/alice").status == 0
    assert cli("key new witness.example/w1").status == 0
    alice = cli("key export news.example/alice").out.strip()
    witness = cli("key export witness.example/w1 --witness").out.strip()
    path = tmp_path / "trusted-keys.txt"
    path.write_text(f"# our log\n{alice} publisher\n{witness} witness\n")
    return path


def one_line_exit_5(result: object) -> None:
    assert result.status == 5, result.err  # type: ignore[attr-defined]
    assert result.err.count("\n") == 1 and result.err.startswith("tracker: error: ")  # type: ignore[attr-defined]


def test_key_files_are_private(cli: Run, tmp_path: Path) -> None:
    """A new key's private file is mode 0600 in a 0700 directory; a second key of the name is refused."""
    assert cli("key new news.example/alice").status == 0
    directory = tmp_path / "config" / "keys"
    (key_file,) = directory.iterdir()
    assert (directory.stat().st_mode & 0o777, key_file.stat().st_mode & 0o777) == (0o700, 0o600)
    assert key_file.read_text().startswith("PRIVATE+KEY+news.example/alice+")
    again = cli("key new news.example/alice")
    assert again.status == 1 and "already exists" in again.err
    listed = json.loads(cli("key list --json").out)["keys"]
    assert [k["name"] for k in listed] == ["news.example/alice"]
    assert "PRIVATE" not in cli("key list").out
    assert cli("key export nobody").status == 1


def test_signed_head_cosigned_proved_and_checked(grok_log: Path, cli: Run, keys: Path, tmp_path: Path) -> None:
    """The whole story: sign, cosign, verify --keys, prove an event, check it offline, extend."""
    head = cli("head --sign news.example/alice")
    assert head.status == 0
    lines = head.out.splitlines()
    assert lines[1] == "12" and lines[3].startswith("chain ") and lines[4] == ""
    assert lines[5].startswith("\u2014 news.example/alice ")
    (tmp_path / "head.txt").write_text(head.out)
    cosigned = cli(f"cosign head.txt --key witness.example/w1 --keys {keys}")
    assert cosigned.status == 0, cosigned.err
    (tmp_path / "head-w.txt").write_text(cosigned.out)
    assert cosigned.out.splitlines()[-1].startswith("\u2014 witness.example/w1 ")

    verified = cli(f"verify --head head-w.txt --keys {keys} --json")
    assert verified.status == 0, verified.err
    sigs = json.loads(verified.out)["signatures"]
    assert [(s["role"], s["status"]) for s in sigs] == [("publisher", "verified"), ("witness", "verified")]

    proof = cli("prove uk-insulting --head head-w.txt --out uk.tlog-proof")
    assert proof.status == 0, proof.err
    text = (tmp_path / "uk.tlog-proof").read_text()
    assert text.startswith("c2sp.org/tlog-proof@v1\nextra ")
    os.rename(grok_log, tmp_path / "elsewhere.jsonl")  # the reader has no log
    checked = cli(f"check-proof uk.tlog-proof --head head-w.txt --keys {keys} --json")
    assert checked.status == 0, checked.err
    data = json.loads(checked.out)
    assert (data["event"], data["seq"], data["head_size"]) == ("uk-insulting", 10, 12)
    assert "insulting to victims" in json.dumps(data["record"])
    os.rename(tmp_path / "elsewhere.jsonl", grok_log)

    cli("topic add deepfakes --name Deepfakes")
    later = cli("head --sign news.example/alice").out
    (tmp_path / "later.txt").write_text(later)
    consistency = cli("prove --from head-w.txt --to later.txt --out c.proof")
    assert consistency.status == 0, consistency.err
    ok = cli(f"check-proof c.proof --from head-w.txt --to later.txt --keys {keys}")
    assert ok.status == 0 and ok.out.startswith("ok: the head at 13 extends the head at 12"), ok.err


def test_forgeries_are_caught(grok_log: Path, cli: Run, keys: Path, tmp_path: Path) -> None:
    """A forged signature, an altered proof, a proof against another head, a head that does
    not extend an earlier one, an event not in the log: one line each, exit 5 (or 1)."""
    (tmp_path / "head.txt").write_text(cli("head --sign news.example/alice").out)
    assert cli("prove paywall-move --head head.txt --out p.proof").status == 0
    head = (tmp_path / "head.txt").read_text()

    forged = head.replace("\n12\n", "\n11\n")
    (tmp_path / "forged.txt").write_text(forged)
    one_line_exit_5(cli(f"verify --head forged.txt --keys {keys}"))
    one_line_exit_5(cli(f"check-proof p.proof --head forged.txt --keys {keys}"))

    proof = (tmp_path / "p.proof").read_text()
    (tmp_path / "moved.proof").write_text(proof.replace("index 8\n", "index 7\n"))
    one_line_exit_5(cli(f"check-proof moved.proof --keys {keys}"))
    swapped = proof.split("\n")
    swapped[3], swapped[4] = swapped[4], swapped[3]
    (tmp_path / "swapped.proof").write_text("\n".join(swapped))
    one_line_exit_5(cli(f"check-proof swapped.proof --keys {keys}"))

    stranger = tmp_path / "stranger-keys.txt"
    assert cli("key new stranger.example/eve").status == 0
    stranger.write_text(cli("key export stranger.example/eve").out)
    one_line_exit_5(cli(f"check-proof p.proof --keys {stranger}"))

    missing = cli("prove no-such-event --head head.txt")
    assert missing.status == 1 and "unknown event 'no-such-event'" in missing.err

    # The log is rewritten (one record's text changed and the chain rebuilt): its new head
    # does not extend the published one.
    cli("topic add deepfakes --name Deepfakes")
    rewritten = tmp_path / "rewritten.jsonl"
    import tracker

    with tracker.open(grok_log) as log, tracker.open(rewritten, create=True) as other:
        records = list(log.records())
        for record in records:
            event = dict(record.event)
            if event.get("id") == "paywall-move":
                event["rule"] = "nothing changed"
            other.append(event)
    later = cli("--log", str(rewritten), "head", "--sign", "news.example/alice").out
    (tmp_path / "later.txt").write_text(later)
    refused = cli("--log", str(rewritten), "prove", "--from", "head.txt", "--to", "later.txt")
    one_line_exit_5(refused)
    honest = cli("prove --from head.txt --to head.txt --out same.proof")
    assert honest.status == 0, honest.err
    one_line_exit_5(cli(f"check-proof same.proof --from head.txt --to later.txt --keys {keys}"))


def test_old_chain_heads_keep_verifying(grok_log: Path, cli: Run, tmp_path: Path) -> None:
    """A head published before tree heads (three lines, hex hash) still verifies, SEQ:HASH too."""
    data = json.loads(cli("head --json").out)
    old = f"{data['origin']}\n12\n{data['hash']}\n\n"
    assert cli("verify", "--head", old).status == 0
    assert cli("verify", "--head", data["head"]).status == 0
    (tmp_path / "old.txt").write_text(old)
    refused = cli("prove uk-insulting --head old.txt")
    assert refused.status == 1 and "without a Merkle root" in refused.err
