"""The documentation's pages and their fenced blocks, for the tests that keep them true.

Rules for writers (every page of ``docs/`` and the README):

- ```` ```python ```` blocks run: a page's blocks in order, in one namespace, in a fresh empty
  directory; pages are independent of each other.
- ```` ```sh ```` blocks run: a page's blocks in order, in one ``bash``, in a fresh empty
  directory, with the installed ``tracker`` on the ``PATH``. Each block's last command must
  succeed, unless the output shown below it is a refusal (``tracker: error: ...``).
- ```` ```py ```` blocks run after the page's shell blocks, in the same directory and one
  namespace: Python that reads what the commands above it made (the tour's log, say).
- A ```` ```text ```` block right after a runnable block (nothing but blank lines between) is
  its exact output: standard output for Python; standard output and error, in order, for a
  shell block, up to recorded times and hashes (they come from the wall clock).
- A runnable block that must not run here (it installs something, needs a server you start,
  or takes minutes) is preceded by ``<!-- not run: WHY -->`` on the line before its fence.
  Anything else goes in another fence (```` ```text ````, ```` ```json ````).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
README = ROOT / "README.md"
RUNNABLE = ("python", "py", "sh")

_FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
_NOT_RUN = re.compile(r"<!-- not run: (.*?) -->\n\Z", re.DOTALL)


@dataclass(frozen=True)
class Block:
    """A fenced block of a page."""

    lang: str
    text: str
    line: int
    """The page line its text starts on (for tracebacks that point at the page)."""
    start: int
    """Offset of the opening fence."""
    end: int
    """Offset just after the closing fence."""
    not_run: str | None
    """Why it does not run, from a ``<!-- not run: WHY -->`` line just before it."""


@cache
def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def page_paths() -> list[Path]:
    """Every Markdown page of the site, then the README."""
    return [*sorted(DOCS.rglob("*.md")), README]


def name(path: Path) -> str:
    """A page's name in test ids and messages: ``docs/tour.md``, ``README.md``."""
    return path.relative_to(ROOT).as_posix()


def page(relative: str) -> str:
    """The text of a page, by its path from the repository's top (``docs/concepts.md``)."""
    return _text(ROOT / relative)


def blocks(path: Path) -> list[Block]:
    """The fenced blocks of a page, in order."""
    text = _text(path)
    out = []
    for m in _FENCE.finditer(text):
        before = text[max(0, m.start() - 300) : m.start()]
        why = _NOT_RUN.search(before)
        line = text.count("\n", 0, m.start(2)) + 1
        out.append(Block(m.group(1), m.group(2), line, m.start(), m.end(), why and why.group(1)))
    return out


def output_after(path: Path, found: list[Block], i: int) -> str | None:
    """The text block right after block ``i`` (only blank lines between), if there is one."""
    if i + 1 >= len(found) or found[i + 1].lang != "text":
        return None
    if _text(path)[found[i].end : found[i + 1].start].strip():
        return None
    return found[i + 1].text


def pages_with(*langs: str) -> list[Path]:
    """The pages holding a runnable block in one of ``langs``."""
    return [
        p
        for p in page_paths()
        if any(b.lang in langs and b.not_run is None for b in blocks(p))
    ]
