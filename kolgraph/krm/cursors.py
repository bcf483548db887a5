"""Opaque keyset cursors: the last row's sort key, encoded so clients cannot forge SQL-like offsets.

Examples
--------
>>> decode_cursor(encode_cursor([0.5, "npi:1"]), "cursor")
[0.5, 'npi:1']
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from typing import Any

from kolgraph.errors import InvalidRequest


def encode_cursor(key: list[Any]) -> str:
    """Encode a row's sort key as a URL-safe string."""
    raw = json.dumps(key, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


_MESSAGE = "cursor is not one this service issued; pass next_cursor from the previous page"
MAX_TEXT = 256


def _valid(value: Any, kind: str) -> bool:
    """True when a cursor element is a finite number (``kind`` "number") or clean text."""
    if kind == "number":
        return (
            isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        )
    if not isinstance(value, str) or len(value) > MAX_TEXT or "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a JSON escape
        return False
    return True


def decode_cursor(
    cursor: str, field: str, kinds: tuple[str, ...] = ("number", "text")
) -> list[Any]:
    """Decode a cursor made by :func:`encode_cursor`, checking every element's kind.

    ``kinds`` names each position's kind, ``"number"`` (finite: no NaN or 1e400) or
    ``"text"`` (at most 256 characters, no NUL, valid UTF-8), so a forged cursor is a 422
    and never reaches the store.

    Raises
    ------
    InvalidRequest
        If the cursor was not made by this service (the message names ``field``).

    Examples
    --------
    >>> decode_cursor(encode_cursor(["2024-01-01", "eng:crm:1"]), "cursor", ("text", "text"))
    ['2024-01-01', 'eng:crm:1']
    >>> decode_cursor(encode_cursor([float("nan"), "x"]), "cursor")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kolgraph.errors.InvalidRequest: cursor is not one this service issued; ...
    """
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError, RecursionError) as exc:
        raise InvalidRequest(_MESSAGE, field) from exc
    if (
        not isinstance(key, list)
        or len(key) != len(kinds)
        or not all(_valid(v, k) for v, k in zip(key, kinds, strict=True))
    ):
        raise InvalidRequest(_MESSAGE, field)
    return key
