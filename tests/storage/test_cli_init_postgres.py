"""``tracker init --log postgresql://...``: the schema and a named log, shown without a password."""

from __future__ import annotations

import shlex


def test_init_creates_a_named_log_and_shows_how_to_use_it(run_tracker, pg_server):
    """init prints the URL without its password, quoted for a shell; a second init is refused."""
    user = pg_server.base.rsplit("user=", 1)[1]
    rest = f"@/tracker_test?host={pg_server.directory}&log=desk"
    shown = shlex.quote(f"postgresql://{user}{rest}")
    ran = run_tracker("init", "--log", f"postgresql://{user}:s3cret{rest}")
    assert (ran.status, ran.err) == (0, "")
    assert ran.out.splitlines()[:2] == [
        f"created an empty log at postgresql://{user}{rest}",
        f"use it with --log {shown}, or: export TRACKER_LOG={shown}",
    ]
    again = run_tracker("init", "--log", pg_server.url("desk"))
    assert again.status == 1
    assert "the log 'desk' already exists" in again.err
    empty = "tracker-log/empty\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nchain " + "0" * 64 + "\n\n"  # the tree head of an empty log
    assert run_tracker("head", "--log", pg_server.url("desk")).out == empty
