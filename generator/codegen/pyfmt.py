"""Spec text as Python source: literals, docstrings, comments, wrapped lists.

Spec strings reach generated code only through these functions, never raw, so a description holding
``\"\"\"`` or a newline cannot become code (openapi-python-client learnt this from GHSA-9x4c-63pf-525f).
"""

from __future__ import annotations

import json
import re
import textwrap
from typing import Any, Final

#: Line boundaries for str.splitlines() that json.dumps leaves as they are, as Python escapes.
_LINE_BREAKS: Final = {ord(c): f"\\u{ord(c):04x}" for c in "\x85\u2028\u2029"}


def pyrepr(value: Any) -> str:
    """A Python literal for ``value``: strings double-quoted (JSON escapes are valid Python), lists, tuples."""
    if isinstance(value, str):  # (escaped too: what str.splitlines() ends a line at, as Jinja's indent does)
        return json.dumps(value, ensure_ascii=False).translate(_LINE_BREAKS)
    if isinstance(value, list):
        return "[" + ", ".join(pyrepr(item) for item in value) + "]"
    if isinstance(value, tuple):
        return "(" + ", ".join(pyrepr(item) for item in value) + ("," if len(value) == 1 else "") + ")"
    return repr(value)


def pyrepr_wrapped(value: str, indent: int = 4, parens: bool = True, width: int = 96) -> str:
    """A long string literal split into adjacent literals, one chunk per line (in parentheses unless
    it already sits inside a call's)."""
    if len(value) <= width:
        return pyrepr(value)
    pad = " " * indent
    chunks = [pyrepr(value[i:i + width]) for i in range(0, len(value), width)]
    body = "\n" + "".join(f"{pad}    {chunk}\n" for chunk in chunks) + pad
    return f"({body})" if parens else body


def pylist_wrapped(values: list[str], indent: int = 0, width: int = 100) -> str:
    """A list literal of strings, wrapped over lines when long."""
    flat = pyrepr(values)
    if len(flat) <= width - indent:
        return flat
    pad = " " * (indent + 4)
    lines = textwrap.wrap(", ".join(pyrepr(v) for v in values), width=width - indent - 4,
                          break_long_words=False, break_on_hyphens=False)
    return "[\n" + "".join(f"{pad}{line}\n" for line in lines) + " " * indent + "]"


def sort_all(names: list[str]) -> list[str]:
    """``__all__`` order as isort/ruff keep it: CONSTANTS, then Classes, then functions."""
    return sorted(names, key=lambda n: (_kind(n), n))


def import_order(names: list[str]) -> list[str]:
    """Names of a ``from x import (...)`` as ruff's isort keeps them: CONSTANTS, Classes, functions; within
    each, a case-insensitive natural order (``UserGroup`` before ``UseUpPolicy``, ``Url2`` before ``Url10``)."""
    def key(n: str) -> tuple[int, list[tuple[int, str]], str]:
        natural = [(int(part), "") if part.isdigit() else (-1, part) for part in re.split(r"(\d+)", n.lower())]
        return (_kind(n), natural, n)
    return sorted(names, key=key)


def _kind(name: str) -> int:
    """isort's kinds: 0 a CONSTANT (upper case, more than one character), 1 a Class, 2 anything else."""
    return 0 if len(name) > 1 and name.isupper() else 1 if name[0].isupper() else 2


#: What source text cannot hold or a reader would not see: C0/C1 controls left after whitespace is folded (NUL
#: makes the module uncompilable), DEL, lone surrogates (not UTF-8), bidirectional controls, a BOM.
_UNSEEN: Final = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069\ufeff]")


def _seen(text: str, backslash: str = "\\") -> str:
    """``text`` with :data:`_UNSEEN` characters written as escapes (``\\x00``)."""
    return _UNSEEN.sub(lambda m: f"{backslash}x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                       else f"{backslash}u{ord(m.group()):04x}", text)


def docstring(text: str, indent: int = 4) -> str:
    """A safe, wrapped triple-quoted docstring body (no closing quotes or escapes can leak)."""
    # Escaping every quote (not just triple ones) also covers a quote next to the closing delimiter.
    text = " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"') or "(no description)"
    text = _seen(text, "\\\\")  # (the escape shown as written: the docstring reads \x00)
    lines = textwrap.wrap(text, width=110 - indent)
    if len(lines) == 1:
        return f'"""{lines[0]}"""'
    pad = " " * indent
    return '"""' + f"\n{pad}".join(lines) + f"\n{pad}" + '"""'


def comment(text: str, indent: int = 4, prefix: str = "#: ") -> str:
    """A description as ``#:`` comment lines (newlines in the spec cannot escape the comment)."""
    text = _seen(" ".join(text.split()))
    if not text:
        return ""
    pad = " " * indent
    return f"\n{pad}".join(prefix + line for line in textwrap.wrap(text, width=110 - indent - len(prefix)))


FILTERS = {"pyrepr": pyrepr, "pyrepr_wrapped": pyrepr_wrapped, "pylist_wrapped": pylist_wrapped,
           "sort_all": sort_all, "import_order": import_order, "docstring": docstring, "comment": comment}
