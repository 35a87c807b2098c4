"""A griffe extension for the reference pages: the code's docstrings are written with
reStructuredText roles and literals (``:class:`Scope```, ````Actor````), which the pages,
written in Markdown, show as inline code; a literal block's ``::`` becomes a colon."""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:class|func|meth|mod|attr|data|exc):`~?([^`]+)`")
LITERAL = re.compile(r"``([^`]+)``")
#: A paragraph ending in ``::`` introduces an indented literal block, which Markdown shows
#: as code already: one colon is left.
BLOCK = re.compile(r"::$", re.MULTILINE)


class RestRoles(griffe.Extension):
    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            text = ROLE.sub(r"`\1`", obj.docstring.value)
            text = LITERAL.sub(r"`\1`", text)
            obj.docstring.value = BLOCK.sub(":", text)
