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
from typing import Any

from kolgraph.errors import InvalidRequest


def encode_cursor(key: list[Any]) -> str:
    """Encode a row's sort key as a URL-safe string."""
    raw = json.dumps(key, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, field: str, length: int = 2) -> list[Any]:
    """Decode a cursor made by :func:`encode_cursor`.

    Raises
    ------
    InvalidRequest
        If the cursor was not made by this service (the message names ``field``).
    """
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError) as exc:
        raise InvalidRequest(
            "cursor is not one this service issued; pass next_cursor from the previous page",
            field,
        ) from exc
    if not isinstance(key, list) or len(key) != length:
        raise InvalidRequest(
            "cursor is not one this service issued; pass next_cursor from the previous page",
            field,
        )
    return key
