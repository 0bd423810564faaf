"""The derived-state primitives: private folders, no symlink followed, one atomic write, MACs.

Each test plants what an attacker (or a crash) could leave where a derived file belongs and
checks that the helpers neither follow it nor believe it, and that files elsewhere are untouched.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tracker.derived import files, key


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh cache directory for this test."""
    path = tmp_path / "cache"
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(path))
    return path


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A file of the user's that a planted link points at; it must never change."""
    path = tmp_path / "precious.txt"
    path.write_bytes(b"do not touch\n")
    return path


def test_the_cache_root_is_created_private(cache: Path) -> None:
    """The cache root is made with mode 0700; one found open to others is closed to them."""
    root = files.cache_root()
    assert root == cache.resolve()
    assert stat.S_IMODE(os.stat(root).st_mode) == 0o700
    os.chmod(root, 0o755)
    assert files.cache_root() == root
    assert stat.S_IMODE(os.stat(root).st_mode) == 0o700


def test_a_log_folder_is_private_and_keyed_by_identity(cache: Path) -> None:
    """One folder per (kind, location, origin): another origin at the same path is another folder."""
    a = files.log_folder("file", "/logs/a.jsonl", "origin-1")
    b = files.log_folder("file", "/logs/a.jsonl", "origin-2")
    c = files.log_folder("file", "/logs/b.jsonl", "origin-1")
    assert a is not None and b is not None and c is not None
    assert len({a, b, c}) == 3
    assert files.log_folder("file", "/logs/a.jsonl", "origin-1") == a
    for folder in (a, a.parent):
        st = os.lstat(folder)
        assert stat.S_ISDIR(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o700


def test_a_symlink_planted_as_a_log_folder_is_removed_not_followed(
    cache: Path, tmp_path: Path, victim: Path
) -> None:
    """A link where a log's folder belongs is unlinked and a real folder made; its target is untouched."""
    folder = files.log_folder("file", "/logs/a.jsonl", "o")
    assert folder is not None
    files.discard(folder)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep").write_bytes(b"keep")
    folder.symlink_to(elsewhere)
    again = files.log_folder("file", "/logs/a.jsonl", "o")
    assert again == folder
    assert not folder.is_symlink() and folder.is_dir()
    assert (elsewhere / "keep").read_bytes() == b"keep"
    assert sorted(p.name for p in elsewhere.iterdir()) == ["keep"]


def test_a_symlinked_cache_root_elsewhere_of_the_user_is_followed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A user may point their cache at another disk: the root is resolved, then kept private."""
    real = tmp_path / "disk" / "cache"
    real.mkdir(parents=True)
    link = tmp_path / "cache-link"
    link.symlink_to(real)
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(link))
    assert files.cache_root() == real.resolve()


def test_a_cache_root_writable_by_others_keeps_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A root that is not a directory of this user is refused: derived state stays in memory."""
    not_a_dir = tmp_path / "file"
    not_a_dir.write_bytes(b"")
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(not_a_dir))
    assert files.cache_root() is None
    assert files.log_folder("file", "/x", "o") is None
    assert key.user_key() is None


def test_read_file_refuses_links_fifos_and_directories(cache: Path, victim: Path) -> None:
    """Only a regular file of this user is read; anything else reads as absent, without blocking."""
    folder = files.log_folder("file", "/x", "o")
    assert folder is not None
    (folder / "link").symlink_to(victim)
    os.mkfifo(folder / "fifo")
    (folder / "dir").mkdir()
    (folder / "plain").write_bytes(b"data")
    assert files.read_file(folder / "link") is None
    assert files.read_file(folder / "fifo") is None
    assert files.read_file(folder / "dir") is None
    assert files.read_file(folder / "missing") is None
    assert files.read_file(folder / "plain") == b"data"
    assert files.read_file(folder / "plain", limit=2) == b"da"


def test_open_own_replaces_a_planted_link_instead_of_writing_through_it(
    cache: Path, victim: Path
) -> None:
    """Opening for writing removes a link (or FIFO) in the way and creates a private file."""
    folder = files.log_folder("file", "/x", "o")
    assert folder is not None
    for name, plant in (("link", lambda p: p.symlink_to(victim)), ("fifo", os.mkfifo)):
        path = folder / name
        plant(path)
        assert files.open_own(path, os.O_WRONLY) is None  # without create: refused
        fd = files.open_own(path, os.O_WRONLY, create=True)
        assert fd is not None
        try:
            os.write(fd, b"mine")
        finally:
            os.close(fd)
        assert not path.is_symlink() and path.read_bytes() == b"mine"
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert victim.read_bytes() == b"do not touch\n"


def test_atomic_write_replaces_a_link_and_leaves_no_temporary_file(
    cache: Path, victim: Path
) -> None:
    """The one writer: a link at the name is replaced (its target untouched), nothing else remains."""
    folder = files.log_folder("file", "/x", "o")
    assert folder is not None
    path = folder / "state"
    path.symlink_to(victim)
    assert files.atomic_write(path, b"new")
    assert not path.is_symlink() and path.read_bytes() == b"new"
    assert victim.read_bytes() == b"do not touch\n"
    assert files.atomic_write(path, lambda f: f.write(b"streamed"), durable=True)
    assert path.read_bytes() == b"streamed"
    assert sorted(p.name for p in folder.iterdir()) == ["about", "state"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_atomic_write_failing_midway_keeps_the_old_file(cache: Path) -> None:
    """A writer that fails leaves the old content and no temporary file, and says so."""
    folder = files.log_folder("file", "/x", "o")
    assert folder is not None
    path = folder / "state"
    path.write_bytes(b"old")

    def fail(out: object) -> None:
        raise OSError("disk full")

    assert not files.atomic_write(path, fail)
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in folder.iterdir()) == ["about", "state"]


def test_discard_removes_a_link_never_its_target(cache: Path, tmp_path: Path) -> None:
    """Discarding a folder that is a link removes the link; a link inside a folder is not walked."""
    target = tmp_path / "target"
    target.mkdir()
    (target / "keep").write_bytes(b"keep")
    link = tmp_path / "link"
    link.symlink_to(target)
    files.discard(link)
    assert not link.exists() and (target / "keep").exists()
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "inner").symlink_to(target)
    files.discard(tree)
    assert not tree.exists() and (target / "keep").exists()


def test_the_key_is_private_and_a_damaged_one_is_replaced(cache: Path) -> None:
    """The key file is 32 bytes, mode 0600; an empty, readable-by-others or linked one is replaced."""
    first = key.user_key()
    assert first is not None and len(first) == 32
    path = cache / key.KEY_NAME
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert key.user_key() == first
    os.chmod(path, 0o644)
    second = key.user_key()
    assert second is not None and second != first
    path.unlink()
    path.symlink_to(cache / "elsewhere")
    third = key.user_key()
    assert third is not None and not path.is_symlink()
    assert not (cache / "elsewhere").exists()


def test_overwrite_writes_in_place_only_a_private_file_of_the_same_size(
    cache: Path, victim: Path
) -> None:
    """``overwrite`` (the stamp's in-place rewrite) writes only over a regular file of this
    user, of the same size, with no other name; a link, a FIFO, a hard link to another file
    or a file of another size is left as it is (the caller then replaces it whole)."""
    folder = files.log_folder("file", "/x", "o")
    assert folder is not None
    plain = folder / "plain"
    plain.write_bytes(b"old!")
    inode = plain.stat().st_ino
    assert files.overwrite(plain, b"new!")
    assert plain.read_bytes() == b"new!" and plain.stat().st_ino == inode
    assert not files.overwrite(plain, b"longer")
    assert plain.read_bytes() == b"new!"
    target = victim
    before = target.read_bytes()
    (folder / "link").symlink_to(target)
    os.mkfifo(folder / "fifo")
    os.link(target, folder / "hard")
    for name in ("link", "fifo", "hard", "missing"):
        assert not files.overwrite(folder / name, b"x" * len(before)), name
    assert target.read_bytes() == before


def test_a_key_replaced_while_a_process_runs_is_read_again(cache: Path) -> None:
    """The key is read once per process, but a key file replaced (another key put in its
    place) or removed is noticed on the next use: the key in the file is the one used."""
    first = key.user_key()
    path = cache / key.KEY_NAME
    temp = cache / "new.key"
    temp.write_bytes(b"k" * 32)
    os.chmod(temp, 0o600)
    os.replace(temp, path)
    assert key.user_key() == b"k" * 32 != first
    path.unlink()
    fresh = key.user_key()
    assert fresh is not None and fresh not in (first, b"k" * 32)
    assert path.read_bytes() == fresh


def test_seal_binds_the_body_to_its_kind_and_log(cache: Path) -> None:
    """A sealed body opens only under the same kind and scope; any changed byte fails."""
    sealed = key.seal("index", "log-a", b'{"seq":3}')
    assert sealed is not None
    assert key.unseal("index", "log-a", sealed) == b'{"seq":3}'
    assert key.unseal("index", "log-b", sealed) is None
    assert key.unseal("seek", "log-a", sealed) is None
    for i in range(len(sealed)):
        damaged = bytearray(sealed)
        damaged[i] ^= 1
        assert key.unseal("index", "log-a", bytes(damaged)) is None
    assert key.unseal("index", "log-a", b"") is None
    assert key.unseal("index", "log-a", None) is None


def test_another_users_key_does_not_open_what_this_one_sealed(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file sealed in one cache (another user, another machine) is not believed in another."""
    sealed = key.seal("index", "log-a", b"body")
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(tmp_path / "other"))
    assert key.unseal("index", "log-a", sealed) is None
