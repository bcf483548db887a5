"""Memory a large scoring run gives back to the system as it goes.

A run of a million HCPs makes and drops tables of millions of rows. Two allocators keep
what was freed: Arrow's pool (pandas text columns) and glibc's ``malloc``, which raises
the size from which it maps a block of its own each time such a block is freed (up to
32 MB) and then serves the next large arrays from its heap, where freed pages stay with
the process. :func:`map_large_blocks` fixes that size, so large arrays are unmapped when
freed; :func:`give_back` returns what both allocators hold free. Elsewhere than glibc
(macOS, musl) only Arrow's pool is released.

Examples
--------
>>> import numpy as np
>>> mapped = map_large_blocks()  # False where the C library cannot be told
>>> table = np.ones(2_000_000)  # 16 MB: a mapping of its own
>>> del table  # unmapped at once
>>> give_back()  # and whatever small blocks the allocators still hold
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys

__all__ = ["LARGE_BLOCK", "give_back", "map_large_blocks"]

LARGE_BLOCK = 8 << 20
"""Allocations of this many bytes or more get a mapping of their own (8 MiB: smaller
ones are many and short-lived, and a fresh mapping costs its page faults each time)."""

_M_MMAP_THRESHOLD = -3  # mallopt parameter number in glibc's malloc.h


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    if not (hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim")):
        return None
    return libc


def map_large_blocks(size: int = LARGE_BLOCK) -> bool:
    """Serve allocations of ``size`` bytes or more by their own mapping, for the rest of
    the process (returned to the system as soon as they are freed); False when this
    C library cannot be told."""
    libc = _glibc()
    return bool(libc is not None and libc.mallopt(_M_MMAP_THRESHOLD, ctypes.c_int(size)))


def give_back() -> None:
    """Return the free memory held by Arrow's pool and by ``malloc``'s heap."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(ctypes.c_size_t(0))
