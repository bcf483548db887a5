"""Long text values kept compressed in the store: :func:`pack` on write, :func:`unpack` on read.

FalkorDB receives every parameter as Cypher text that its parser reads character by
character, and keeps every string in memory. A score explanation (about 2.2 kB of JSON)
costs less to send and to keep as zlib-compressed base64. Explanations are small and
alike, so :func:`pack` compresses against a preset dictionary (``zdict``) holding the
keys and phrases every explanation repeats: about 0.5 kB instead of 1.25 kB with zlib
alone. Packed values carry a prefix naming how they were packed, so a reader unpacks only
what was packed, and plain text or values packed by earlier versions read as before.

A dictionary, once shipped, never changes (stored values depend on it byte for byte); a
better one is shipped under a new name beside it.

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
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["DICTIONARY", "PREFIX", "pack", "unpack", "unpacked"]

DICTIONARY = "explanation-1"
"""The preset dictionary :func:`pack` uses (``kolgraph/data/<name>.zdict``)."""

PREFIX = f"zlib+{DICTIONARY}+base64:"
"""The prefix of values :func:`pack` makes."""

_PLAIN_PREFIX = "zlib+base64:"  # zlib without a dictionary (written by earlier versions)
_LEVEL = 6  # against a dictionary, level 6 packs 20 % smaller than level 1 for 10 % more time


@cache
def _zdict(name: str) -> bytes:
    return (resources.files("kolgraph") / "data" / f"{name}.zdict").read_bytes()


def pack(text: str) -> str:
    """``text`` compressed against :data:`DICTIONARY` and base64-encoded, behind
    :data:`PREFIX`."""
    packer = zlib.compressobj(
        _LEVEL, zlib.DEFLATED, 15, 9, zlib.Z_DEFAULT_STRATEGY, _zdict(DICTIONARY)
    )
    data = packer.compress(text.encode()) + packer.flush()
    return PREFIX + base64.b64encode(data).decode("ascii")


def unpack(value: Any) -> Any:
    """The text :func:`pack` (of this or an earlier version) made ``value`` from; any
    other value unchanged."""
    if type(value) is not str or not value.startswith("zlib+"):
        return value
    if value.startswith(PREFIX):
        unpacker = zlib.decompressobj(15, _zdict(DICTIONARY))
        data = base64.b64decode(value[len(PREFIX) :])
        return (unpacker.decompress(data) + unpacker.flush()).decode()
    if value.startswith(_PLAIN_PREFIX):
        return zlib.decompress(base64.b64decode(value[len(_PLAIN_PREFIX) :])).decode()
    return value


def unpacked(props: dict[str, Any]) -> dict[str, Any]:
    """``props`` with every packed value unpacked (a new dict).

    >>> unpacked({"id": "s1", "explanation": pack("{}")})
    {'id': 's1', 'explanation': '{}'}
    """
    return {key: unpack(value) for key, value in props.items()}
