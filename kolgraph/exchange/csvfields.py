r"""CSV rows that keep ``null`` and the empty string apart, as ``neo4j-admin`` reads them.

``neo4j-admin database import`` treats an empty *unquoted* field as "no property" and a
quoted ``""`` as the empty string. Python's :mod:`csv` module (3.11) cannot tell the two
apart on either side, so kolgraph writes and reads its import files with this codec:
strings are always quoted (inner quotes doubled), numbers and booleans never, and
``None`` is an empty unquoted field. Quoted fields may span lines.

Examples
--------
>>> line = format_row(["npi:1", None, "", 'a "b" c', 2.5, True])
>>> line
'"npi:1",,"","a ""b"" c",2.5,true\n'
>>> [(f.text, f.quoted) for f in next(read_rows([line]))][:4]
[('npi:1', True), ('', False), ('', True), ('a "b" c', True)]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from kolgraph.errors import ExchangeError


class Field(NamedTuple):
    """One raw CSV field: its text and whether it was quoted."""

    text: str
    quoted: bool


def quote(text: str) -> str:
    """``text`` in double quotes, inner quotes doubled.

    Examples
    --------
    >>> quote('a"b')
    '"a""b"'
    """
    return '"' + text.replace('"', '""') + '"'


def format_scalar(value: Any) -> str:
    """A number or boolean as ``neo4j-admin`` parses it (``NaN``, ``Infinity`` included).

    Examples
    --------
    >>> format_scalar(False), format_scalar(3), format_scalar(0.1), format_scalar(float("-inf"))
    ('false', '3', '0.1', '-Infinity')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    return str(value)


def format_field(value: Any) -> str:
    """One field: ``None`` empty, strings quoted, numbers and booleans bare."""
    if value is None:
        return ""
    if isinstance(value, str):
        return quote(value)
    return format_scalar(value)


def format_row(values: Iterable[Any]) -> str:
    """One CSV line (with its newline) from already-typed values."""
    return ",".join(format_field(v) for v in values) + "\n"


def read_rows(lines: Iterable[str], *, source: str = "<csv>") -> Iterator[list[Field]]:
    """Split CSV text into rows of :class:`Field`, keeping track of quoting.

    Parameters
    ----------
    lines : iterable of str
        The file's lines, newlines kept (an open text file with ``newline=""``).
    source : str
        File name used in error messages.

    Raises
    ------
    ExchangeError
        If a quoted field is never closed or a quote sits inside an unquoted field.

    Examples
    --------
    >>> rows = list(read_rows(iter(['a,"x\\n', 'y",3\\n'])))
    >>> [[f.text for f in row] for row in rows]
    [['a', 'x\\ny', '3']]
    """
    row: list[Field] = []
    buf: list[str] = []
    quoted = in_quotes = after_quote = False
    start_line = line_no = 0
    for line in lines:
        line_no += 1
        if not in_quotes and not row and not buf:
            start_line = line_no
            if line in ("\n", "\r\n", ""):
                continue
        i, n = 0, len(line)
        while i < n:
            ch = line[i]
            if in_quotes:
                if ch == '"':
                    if i + 1 < n and line[i + 1] == '"':
                        buf.append('"')
                        i += 1
                    else:
                        in_quotes, after_quote = False, True
                else:
                    buf.append(ch)
            elif ch == ",":
                row.append(Field("".join(buf), quoted))
                buf, quoted, after_quote = [], False, False
            elif ch in "\r\n":
                if ch == "\r" and i + 1 < n and line[i + 1] == "\n":
                    i += 1
                row.append(Field("".join(buf), quoted))
                yield row
                row, buf, quoted, after_quote = [], [], False, False
                start_line = line_no + 1
            elif ch == '"' and not buf and not quoted:
                in_quotes = quoted = True
            elif after_quote:
                raise ExchangeError(
                    f"{source}: line {line_no}: text after a closing quote; quote the whole "
                    "field and double the quotes inside it"
                )
            elif ch == '"':
                raise ExchangeError(
                    f"{source}: line {line_no}: a quote inside an unquoted field; quote the "
                    "field and double the quotes inside it"
                )
            else:
                buf.append(ch)
            i += 1
    if in_quotes:
        raise ExchangeError(
            f"{source}: the quoted field starting on line {start_line} is never closed"
        )
    if row or buf or quoted:
        row.append(Field("".join(buf), quoted))
        yield row
