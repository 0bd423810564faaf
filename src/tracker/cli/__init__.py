"""The command line: a thin layer over the :mod:`tracker` facade.

``main`` is the function in :mod:`tracker.cli.main`, bound here on import so that the package
attribute stays the function (a submodule of the same name would otherwise replace it).
"""

from __future__ import annotations

from tracker.cli.main import main, run

__all__ = ["main", "run"]
