"""The read model: the projections of a log materialised in SQLite, on both clocks.

Opening a log and asking it anything at any (``as_of``, ``known_at``) reads the rows of the
keys asked about instead of replaying the log. See :mod:`.schema` for the tables, :mod:`.build`
for how records become rows, :mod:`.state` for how a question is answered, and :mod:`.model`
for where the database lives and when it is believed.
"""

from __future__ import annotations

from tracker.derived.readmodel.model import Mark, ReadModel, code_version
from tracker.derived.readmodel.state import ReadState

__all__ = ["Mark", "ReadModel", "ReadState", "code_version"]
