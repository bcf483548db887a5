"""Column types of the Neo4j bulk-import CSV format: inferring, writing and parsing them.

A column's type is the narrowest of ``boolean``, ``long``, ``double`` and ``string``
that holds every value of the property; lists become ``<type>[]``. Values that fit no
single Neo4j type (a string here, a number there; maps) are written as strings and
reported as *lossy*.

Examples
--------
>>> column_type([1, 2.5, None])
'double'
>>> column_type([["a", "b"], []])
'string[]'
>>> parse_value("1;2", "long[]", ";")
[1, 2]
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from kolgraph.exchange.csvfields import Field, format_field, format_scalar, quote

SCALARS = ("boolean", "long", "double", "string")
# Neo4j header types and the kolgraph type they are read as.
_READ_AS = {
    "boolean": "boolean",
    "bool": "boolean",
    "int": "long",
    "long": "long",
    "short": "long",
    "byte": "long",
    "float": "double",
    "double": "double",
    "string": "string",
    "char": "string",
    "date": "string",
    "localtime": "string",
    "time": "string",
    "localdatetime": "string",
    "datetime": "string",
    "duration": "string",
    "point": "string",
}


def scalar_type(value: Any) -> str | None:
    """The Neo4j type of one scalar, or None if it is not a scalar Neo4j stores.

    Examples
    --------
    >>> scalar_type(True), scalar_type(3), scalar_type(3.0), scalar_type("x"), scalar_type({})
    ('boolean', 'long', 'double', 'string', None)
    """
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    return None


def _merge(kinds: set[str]) -> str | None:
    if not kinds:
        return None
    if len(kinds) == 1:
        return next(iter(kinds))
    if kinds == {"long", "double"}:
        return "double"
    return None


def column_type(values: Iterable[Any]) -> str:
    """The Neo4j CSV type holding every non-null value; ``string`` when nothing fits better."""
    scalars: set[str] = set()
    elements: set[str] = set()
    lists = other = False
    for value in values:
        if value is None:
            continue
        if isinstance(value, list | tuple):
            lists = True
            for item in value:
                kind = scalar_type(item)
                if kind is None:
                    other = True
                else:
                    elements.add(kind)
        else:
            kind = scalar_type(value)
            if kind is None:
                other = True
            else:
                scalars.add(kind)
    if other or (lists and scalars):
        return "string"
    if lists:
        return (_merge(elements) or "string") + "[]"
    return _merge(scalars) or "string"


def is_lossless(values: Iterable[Any], kind: str) -> bool:
    """True when writing ``values`` as ``kind`` and reading them back gives equal values.

    Examples
    --------
    >>> is_lossless([1, "a"], "string"), is_lossless(["a", None], "string")
    (False, True)
    """
    base = kind.removesuffix("[]")
    for value in values:
        if value is None:
            continue
        items = value if kind.endswith("[]") else [value]
        if kind.endswith("[]") != isinstance(value, list | tuple):
            return False
        for item in items:
            found = scalar_type(item)
            if found is None or (found != base and {found, base} != {"long", "double"}):
                return False
    return True


def _as(value: Any, base: str) -> Any:
    if base == "string":
        if isinstance(value, str):
            return value
        if scalar_type(value) is not None:
            return format_scalar(value)
        return json.dumps(value, sort_keys=True, default=str)
    if base == "double":
        return float(value)
    return value


def format_typed(value: Any, kind: str, delimiter: str) -> str:
    """One CSV field for ``value`` in a column of type ``kind``.

    Examples
    --------
    >>> format_typed(["a", "b"], "string[]", ";"), format_typed(2, "double", ";")
    ('"a;b"', '2.0')
    """
    if value is None:
        return ""
    base = kind.removesuffix("[]")
    if kind.endswith("[]"):
        items = value if isinstance(value, list | tuple) else [value]
        text = delimiter.join(
            item if isinstance(item, str) else format_scalar(_as(item, base))
            for item in (_as(i, base) for i in items)
        )
        return quote(text)
    return format_field(_as(value, base))


def read_type(header_type: str) -> str:
    """kolgraph's reading of a Neo4j header type (``int`` -> ``long``, ``date`` -> ``string``).

    Examples
    --------
    >>> read_type("int[]"), read_type("DateTime")
    ('long[]', 'string')

    Raises
    ------
    ValueError
        If the type is not one Neo4j's importer knows.
    """
    text = header_type.strip().lower()
    array = text.endswith("[]")
    base = text.removesuffix("[]")
    if base.split("{")[0] not in _READ_AS:
        raise ValueError(f"unknown column type {header_type!r}")
    return _READ_AS[base.split("{")[0]] + ("[]" if array else "")


def _scalar(text: str, base: str) -> Any:
    if base == "string":
        return text
    if base == "boolean":
        low = text.strip().lower()
        if low not in ("true", "false"):
            raise ValueError(f"{text!r} is not true or false")
        return low == "true"
    if base == "long":
        return int(text.strip())
    return float(text.strip())


def parse_value(field: Field | str, kind: str, delimiter: str) -> Any:
    """The Python value of one CSV field in a column of type ``kind``; None when absent.

    Raises
    ------
    ValueError
        If the text does not fit the type (the caller names file, line and column).

    Examples
    --------
    >>> (parse_value(Field("", quoted=True), "string", ";"),
    ...  parse_value(Field("", False), "long", ";"))
    ('', None)
    >>> parse_value(Field("", quoted=True), "string[]", ";")
    []
    """
    if isinstance(field, str):
        field = Field(field, quoted=bool(field))
    if field.text == "" and not (field.quoted and kind.startswith("string")):
        return [] if field.quoted and kind.endswith("[]") else None
    base = kind.removesuffix("[]")
    if kind.endswith("[]"):
        if field.text == "":
            return []
        return [_scalar(part, base) for part in field.text.split(delimiter)]
    return _scalar(field.text, base)
