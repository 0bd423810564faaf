"""The command line: a thin layer over the :mod:`tracker` facade."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    from tracker.cli.main import run

    return run(argv)
