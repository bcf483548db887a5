"""The record ids a run has seen, in about 8 bytes each, to count duplicates in a file.

A set of the ids themselves grows by about 80 MB per million records; this keeps 64-bit
hashes in a sorted array instead (plus a small set of recent ones), so a run over a file
of any size stays within a few MB per million records. Two different ids with the same
64-bit hash would count the second as a duplicate: about one chance in 10^7 for a file of
a million records, which the run summary's arithmetic would not hide (the record is
counted, not dropped silently).
"""

from __future__ import annotations

import numpy as np

_MERGE_EVERY = 65_536


class SeenIds:
    """Membership of record ids seen so far in one run (one process).

    Examples
    --------
    >>> seen = SeenIds()
    >>> [seen.add(i) for i in ("pmid:1", "pmid:2", "pmid:1")]
    [True, True, False]
    >>> len(seen), "pmid:2" in seen, "pmid:3" in seen
    (2, True, False)
    """

    def __init__(self, merge_every: int = _MERGE_EVERY) -> None:
        self._sorted = np.empty(0, dtype=np.int64)
        self._recent: set[int] = set()
        self._merge_every = merge_every

    def __contains__(self, record_id: object) -> bool:
        key = hash(record_id)
        if key in self._recent:
            return True
        at = int(np.searchsorted(self._sorted, key))
        return at < len(self._sorted) and int(self._sorted[at]) == key

    def add(self, record_id: str) -> bool:
        """Remember ``record_id``; True when it was not seen before."""
        if record_id in self:
            return False
        self._recent.add(hash(record_id))
        if len(self._recent) >= self._merge_every:
            recent = np.fromiter(self._recent, dtype=np.int64, count=len(self._recent))
            self._sorted = np.union1d(self._sorted, recent)
            self._recent.clear()
        return True

    def __len__(self) -> int:
        return len(self._sorted) + len(self._recent)
