"""Large blocks of a scoring run get mappings of their own, given back when freed."""

from __future__ import annotations

import ctypes
import subprocess
import sys

import pytest

from kolgraph.scoring import heap

_PROBE = """
import ctypes, sys
from kolgraph.scoring import heap

class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
        "uordblks", "fordblks", "keepcost")]

libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = MallInfo2
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
if sys.argv[1] == "map":
    assert heap.map_large_blocks()
libc.free(libc.malloc(30 << 20))  # a freed 30 MB mapping raises glibc's own threshold
before = libc.mallinfo2().hblkhd
block = libc.malloc(12 << 20)
print(libc.mallinfo2().hblkhd - before)
"""


def _mapped_bytes_of_a_12mb_block(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, mode], capture_output=True, text=True, check=True
    )
    return int(done.stdout.strip())


@pytest.mark.skipif(
    heap._glibc() is None or not hasattr(ctypes.CDLL("libc.so.6"), "mallinfo2"),
    reason="glibc 2.33 or later only",
)
def test_a_large_block_is_mapped_after_map_large_blocks() -> None:
    # glibc alone serves it from the heap, where its pages stay with the process when freed
    assert _mapped_bytes_of_a_12mb_block("none") == 0
    assert _mapped_bytes_of_a_12mb_block("map") >= 12 << 20
