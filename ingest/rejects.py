"""The reject file: every record a loader could not use, with the reason."""

from __future__ import annotations

import json
from pathlib import Path
from types import TracebackType
from typing import Any


class RejectLog:
    """Append-only JSON Lines file of rejected records.

    Each line: ``{"source", "file", "record", "field", "reason"}``; ``record`` is the
    source's record id or the line number when the record has no usable id.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "rejects.jsonl"
    >>> with RejectLog(path, source="referrals", file="edges.csv") as rejects:
    ...     rejects.add("line 7", "pair_count", "not a number: 'x'")
    >>> rejects.count, json.loads(path.read_text())["field"]
    (1, 'pair_count')
    """

    def __init__(self, path: Path, *, source: str, file: str) -> None:
        self.path = Path(path)
        self.source = source
        self.file = file
        self.count = 0
        self.notes = 0
        self.late = 0  # rejected after being counted as loaded (checked against the store)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = self.path.open("w", encoding="utf-8")

    def add(self, record: Any, field: str | None, reason: str) -> None:
        """Record one rejected record."""
        entry = {
            "source": self.source,
            "file": self.file,
            "record": str(record),
            "field": field,
            "reason": reason,
        }
        self._handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.count += 1

    def add_late(self, record: Any, field: str | None, reason: str) -> None:
        """Reject a record already counted as loaded: one a loader refuses only once it
        sees the store (e.g. a CRM row that would move an engagement to another
        department); the run's summary moves it from loaded to rejected."""
        self.add(record, field, reason)
        self.late += 1

    def note(self, record: Any, field: str | None, reason: str) -> None:
        """Record a problem in a record that was still loaded (e.g. a malformed ORCID
        dropped); notes do not count as rejected records."""
        entry = {
            "source": self.source,
            "file": self.file,
            "record": str(record),
            "field": field,
            "reason": reason,
            "kind": "note",
        }
        self._handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.notes += 1

    def flush(self) -> None:
        """Push what was written to disk (done at every checkpoint)."""
        self._handle.flush()

    def close(self) -> None:
        """Close the file."""
        if not self._handle.closed:
            self._handle.close()

    def __enter__(self) -> RejectLog:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
