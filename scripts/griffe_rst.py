"""A Griffe extension for the API pages: the docstrings' reST roles, shown as code in Markdown.

The docstrings are Google style, with Sphinx roles for names (``:class:`~tracker.State```,
``:func:`open```) and ``::`` before a code example. mkdocstrings renders Markdown, where a role
would show as literal text: this turns each into inline code (the last part of the name when
it starts with ``~``, as Sphinx does) and ``::`` into ``:``. mkdocs.yml loads it (options:
extensions); nothing else imports it.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:class|func|mod|data|meth|attr|exc|obj):`(~?)([^`]+)`")
_LITERAL = re.compile(r"(\S)::$", re.MULTILINE)


def _code(match: re.Match[str]) -> str:
    name = match.group(2)
    return f"`{name.rsplit('.', 1)[-1] if match.group(1) else name}`"


def markdown(text: str) -> str:
    """The docstring ``text`` with its reST roles and ``::`` markers in Markdown."""
    return _LITERAL.sub(r"\1:", _ROLE.sub(_code, text))


class RstRoles(griffe.Extension):
    """Rewrite every docstring as it is loaded."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:  # noqa: ARG002
        """Rewrite ``obj``'s docstring, if it has one."""
        if obj.docstring is not None:
            obj.docstring.value = markdown(obj.docstring.value)
