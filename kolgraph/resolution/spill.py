"""Name blocks the resolver has let go of, kept on disk for the rest of the run.

The resolver's index holds the mention profiles of the name blocks it has seen. Above its
bound it moves the least recently used blocks here instead of forgetting them: reading a
block back from this file costs a few microseconds, reading it again from the graph store
a query and a profile rebuild per mention. Each block is one pickled value in a SQLite
table in a private temporary directory, removed when the spill is closed or collected.

Examples
--------
>>> spill = BlockSpill()
>>> spill.put({"lee a": {"hcp:1": {"m1": "profile"}}})
>>> spill.take(["lee a", "wu x"])
{'lee a': {'hcp:1': {'m1': 'profile'}}}
>>> len(spill)
1
>>> spill.close()
"""

from __future__ import annotations

import pickle
import shutil
import sqlite3
import tempfile
import weakref
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

_CHUNK = 500  # keys per SELECT (SQLite allows 32,766 parameters; smaller keeps it fast)


def _remove(connection: sqlite3.Connection, directory: str) -> None:
    connection.close()
    shutil.rmtree(directory, ignore_errors=True)


class BlockSpill:
    """Blocks by key on disk: :meth:`put` (insert or replace) and :meth:`take` (read).

    A block stays in the file after :meth:`take`; the next :meth:`put` of the same key
    replaces it. ``directory`` is where the private temporary directory goes (default:
    the system's, ``TMPDIR``)."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="kolgraph-spill-", dir=directory))
        self._db = sqlite3.connect(self.path / "blocks.sqlite", isolation_level=None,
                                   check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=OFF")  # a scratch file: never recovered
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE blocks (key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID")
        self._close = weakref.finalize(self, _remove, self._db, str(self.path))

    def put(self, blocks: Mapping[str, Any]) -> None:
        """Store each block under its key, replacing what the key held."""
        if blocks:
            self._db.executemany(
                "INSERT OR REPLACE INTO blocks VALUES (?, ?)",
                ((key, pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
                 for key, value in blocks.items()))

    def take(self, keys: Iterable[str]) -> dict[str, Any]:
        """The stored blocks among ``keys`` (keys never put are left out)."""
        keys = list(keys)
        found: dict[str, Any] = {}
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start:start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for key, value in self._db.execute(
                    f"SELECT key, value FROM blocks WHERE key IN ({marks})", chunk):
                found[key] = pickle.loads(value)
        return found

    def __len__(self) -> int:
        return self._db.execute("SELECT count(*) FROM blocks").fetchone()[0]

    def close(self) -> None:
        """Remove the file and its directory (also done when the spill is collected)."""
        self._close()
