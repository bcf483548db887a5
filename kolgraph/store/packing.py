"""Long text values kept compressed in the store: :func:`pack` on write, :func:`unpack` on read.

FalkorDB receives every parameter as Cypher text that its parser reads character by
character, and keeps every string in memory. A score explanation (about 2.7 kB of JSON,
3 kB once escaped as a literal) costs less to send and to keep as zlib-compressed base64
(about 1.4 kB, nothing to escape). Packed values carry a prefix, so a reader unpacks only
what was packed and plain text written earlier reads as before.

Examples
--------
>>> text = '{"tier": "strategic", "reason": "influence percentile 99.1 >= 97"}' * 3
>>> packed = pack(text)
>>> packed.startswith(PREFIX), len(packed) < len(text), unpack(packed) == text
(True, True, True)
>>> unpack("plain text"), unpack(None), unpack(3)
('plain text', None, 3)
"""

from __future__ import annotations

import base64
import zlib
from typing import Any

__all__ = ["PREFIX", "pack", "unpack", "unpacked"]

PREFIX = "zlib+base64:"


def pack(text: str) -> str:
    """``text`` compressed (zlib level 1, fast) and base64-encoded, behind :data:`PREFIX`."""
    return PREFIX + base64.b64encode(zlib.compress(text.encode(), 1)).decode("ascii")


def unpack(value: Any) -> Any:
    """The text :func:`pack` made ``value`` from; any other value unchanged."""
    if type(value) is str and value.startswith(PREFIX):
        return zlib.decompress(base64.b64decode(value[len(PREFIX) :])).decode()
    return value


def unpacked(props: dict[str, Any]) -> dict[str, Any]:
    """``props`` with every packed value unpacked (a new dict).

    >>> unpacked({"id": "s1", "explanation": pack("{}")})
    {'id': 's1', 'explanation': '{}'}
    """
    return {key: unpack(value) for key, value in props.items()}
