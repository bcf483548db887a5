"""Name blocks the resolver has let go of, kept on disk for the rest of the run.

The resolver's index holds the mention profiles of the name blocks it has seen. Above its
bound it moves the least recently used blocks here instead of forgetting them: reading a
block back from this file costs a few microseconds per profile, reading it again from the
graph store a query and a profile rebuild per mention.

The file is SQLite in a private temporary directory, removed when the spill is closed or
collected. A block is one pickled row; what a paper gives all of its authors (record
evidence, co-author keys, topics, words) is one row of its own, keyed by its content, and
profiles brought back share it with each other and with the profiles still in memory, as
they did before they moved out.

Examples
--------
>>> from kolgraph.resolution.evidence import RecordEvidence
>>> paper = RecordEvidence(pmid="7", grants=frozenset({"CA1"}))
>>> a = Profile("mention:pubmed:7:1", "lee", ("a",), coauthors=frozenset({"lee a", "wu x"}),
...             record=paper)
>>> b = Profile("mention:pubmed:7:2", "wu", ("x",), coauthors=a.coauthors, record=paper)
>>> spill = BlockSpill()
>>> spill.put({"lee a": {"hcp:1": {a.id: a}}, "wu x": {"hcp:2": {b.id: b}}})
>>> back = spill.take(["lee a", "wu x", "ng y"])
>>> sorted(back), back["lee a"]["hcp:1"][a.id] == a
(['lee a', 'wu x'], True)
>>> back["lee a"]["hcp:1"][a.id].record is back["wu x"]["hcp:2"][b.id].record is paper
True
>>> spill.close()
"""

from __future__ import annotations

import hashlib
import pickle
import shutil
import sqlite3
import tempfile
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import fields
from functools import partial
from pathlib import Path
from typing import Any

from kolgraph.resolution.evidence import NO_RECORD, RecordEvidence
from kolgraph.resolution.profiles import Profile

Block = Mapping[str, Mapping[str, Profile]]  # HCP id -> mention id -> profile

_FIELDS = tuple(f.name for f in fields(Profile))
_PAPER = ("record", "coauthors", "topics", "words")  # one value per paper, for every author
_PAPER_AT = tuple(_FIELDS.index(name) for name in _PAPER)
_CHUNK = 500  # keys per SELECT
_PROTOCOL = pickle.HIGHEST_PROTOCOL

Paper = tuple[RecordEvidence, frozenset[str], frozenset[str], frozenset[str]]


def _remove(connection: sqlite3.Connection, directory: str) -> None:
    connection.close()
    shutil.rmtree(directory, ignore_errors=True)


def _forget(table: dict[Any, Any], key: Any, ref: weakref.ref[Any]) -> None:
    """Weak-reference callback: drop ``table[key]`` if it still belongs to ``ref``."""
    entry = table.get(key)
    if entry is not None and entry[0] is ref:
        del table[key]


class BlockSpill:
    """Blocks by key on disk: :meth:`put` (insert or replace) and :meth:`take` (read).

    A block stays in the file after :meth:`take`; the next :meth:`put` of the same key
    replaces it. ``directory`` is where the private temporary directory goes (default:
    the system's, ``TMPDIR``). Only this process reads what it wrote there."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="kolgraph-spill-", dir=directory))
        self._db = sqlite3.connect(
            self.path / "blocks.sqlite", isolation_level=None, check_same_thread=False
        )
        self._db.execute("PRAGMA journal_mode=OFF")  # a scratch file: never recovered
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE blocks (key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID")
        self._db.execute("CREATE TABLE papers (key BLOB PRIMARY KEY, value BLOB) WITHOUT ROWID")
        self._close = weakref.finalize(self, _remove, self._db, str(self.path))
        # paper key -> (weak ref to its record, its sets), while the record is in memory
        self._live: dict[
            bytes,
            tuple[
                weakref.ref[RecordEvidence], tuple[frozenset[str], frozenset[str], frozenset[str]]
            ],
        ] = {}
        # id(record) -> (weak ref to it, [(co-authors, topics, words, paper key)])
        self._keys: dict[
            int,
            tuple[
                weakref.ref[RecordEvidence],
                list[tuple[frozenset[str], frozenset[str], frozenset[str], bytes]],
            ],
        ] = {}

    def put(self, blocks: Mapping[str, Block]) -> None:
        """Store each block under its key, replacing what the key held."""
        papers: dict[bytes, bytes] = {}
        rows = [
            (
                key,
                pickle.dumps(
                    {
                        hcp_id: [self._encode(p, papers) for p in profiles.values()]
                        for hcp_id, profiles in block.items()
                    },
                    _PROTOCOL,
                ),
            )
            for key, block in blocks.items()
        ]
        self._db.executemany("INSERT OR IGNORE INTO papers VALUES (?, ?)", papers.items())
        self._db.executemany("INSERT OR REPLACE INTO blocks VALUES (?, ?)", rows)

    def take(self, keys: Iterable[str]) -> dict[str, dict[str, dict[str, Profile]]]:
        """The stored blocks among ``keys`` (keys never put are left out)."""
        encoded = dict(self._select("blocks", list(keys)))
        blocks = {key: pickle.loads(value) for key, value in encoded.items()}
        wanted = {
            key
            for block in blocks.values()
            for profiles in block.values()
            for values in profiles
            if isinstance(key := values[_PAPER_AT[0]], bytes)
        }
        papers: dict[bytes, Paper] = {}
        for key in wanted:
            if (paper := self._alive(key)) is not None:
                papers[key] = paper
        for key, value in self._select("papers", [k for k in wanted if k not in papers]):
            papers[key] = paper = pickle.loads(value)
            self._remember(key, paper)
        return {
            key: {
                hcp_id: {p.id: p for p in (self._decode(v, papers) for v in profiles)}
                for hcp_id, profiles in block.items()
            }
            for key, block in blocks.items()
        }

    def __len__(self) -> int:
        """Blocks in the file."""
        return self._db.execute("SELECT count(*) FROM blocks").fetchone()[0]

    def close(self) -> None:
        """Remove the file and its directory (also done when the spill is collected)."""
        self._close()

    def _select(self, table: str, keys: list[Any]) -> Iterable[tuple[Any, bytes]]:
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            yield from self._db.execute(
                f"SELECT key, value FROM {table} WHERE key IN ({','.join('?' * len(chunk))})", chunk
            )

    def _encode(self, profile: Profile, papers: dict[bytes, bytes]) -> list[Any]:
        values = [getattr(profile, name) for name in _FIELDS]
        if profile.record is NO_RECORD:
            return values
        for at in _PAPER_AT:
            values[at] = None
        values[_PAPER_AT[0]] = self._paper_key(profile, papers)
        return values

    def _decode(self, values: list[Any], papers: Mapping[bytes, Paper]) -> Profile:
        key = values[_PAPER_AT[0]]
        if isinstance(key, bytes):
            for at, value in zip(_PAPER_AT, papers[key], strict=True):
                values[at] = value
        return Profile(*values)

    def _paper_key(self, profile: Profile, papers: dict[bytes, bytes]) -> bytes:
        """The content key of the profile's paper part, stored once per content."""
        record = profile.record
        entry = self._keys.get(id(record))
        if entry is not None and entry[0]() is record:
            for coauthors, topics, words, key in entry[1]:
                if (
                    coauthors is profile.coauthors
                    and topics is profile.topics
                    and words is profile.words
                ):
                    return key
        paper: Paper = (record, profile.coauthors, profile.topics, profile.words)
        blob = pickle.dumps(paper, _PROTOCOL)
        key = hashlib.blake2b(blob, digest_size=16).digest()
        papers.setdefault(key, blob)
        if entry is None or entry[0]() is not record:
            ref = weakref.ref(record, partial(_forget, self._keys, id(record)))
            entry = self._keys[id(record)] = (ref, [])
        entry[1].append((*paper[1:], key))
        self._remember(key, paper)
        return key

    def _alive(self, key: bytes) -> Paper | None:
        """The paper of ``key`` still in memory, if any."""
        entry = self._live.get(key)
        if entry is None:
            return None
        record = entry[0]()
        return None if record is None else (record, *entry[1])

    def _remember(self, key: bytes, paper: Paper) -> None:
        """Give back ``paper`` for ``key`` from now on, while its record is in memory. Only
        a weak reference keeps the record."""
        self._live[key] = (weakref.ref(paper[0], partial(_forget, self._live, key)), paper[1:])
