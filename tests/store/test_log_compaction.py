"""The embedded store's append-only file is rewritten once it has grown much, after large
writes and when the server stops, so a restart loads a snapshot instead of replaying
every statement since the last rewrite."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kolgraph.store import EmbeddedFalkorDB
from kolgraph.store.falkordb import FalkorDBStore

SIZE = 200_000  # one large property each write: it appends at least this much


def _text() -> str:
    return secrets.token_hex(SIZE // 2)  # no run of repeats for the snapshot to compress


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedFalkorDB]:
    server = EmbeddedFalkorDB(tmp_path / "kg").start()
    yield server
    server.stop()


def _write(store: FalkorDBStore, first: int, n: int) -> None:
    for i in range(first, first + n):
        store.upsert_nodes("Topic", [{"id": f"t{i}", "props": {"name": f"{i}", "note": _text()}}])


def _settled(server: EmbeddedFalkorDB) -> tuple[int, int]:
    deadline = time.monotonic() + 60
    conn = server.client()
    try:
        while time.monotonic() < deadline:
            info = conn.info("persistence")
            if not info["aof_rewrite_in_progress"] and not info["aof_rewrite_scheduled"]:
                break
            time.sleep(0.05)
    finally:
        conn.close()
    return server.log_growth()


def test_a_grown_log_is_rewritten_and_a_small_growth_is_left(server: EmbeddedFalkorDB) -> None:
    store = FalkorDBStore(server)
    store.apply_schema()
    assert not server.compact_log(wait=True, min_bytes=2_000_000)  # nothing much appended
    _write(store, 0, 20)
    grown, _ = server.log_growth()
    assert grown >= 20 * SIZE
    assert not server.compact_log(min_bytes=100 * SIZE)  # under the minimum: left
    assert server.compact_log(min_bytes=2_000_000)  # in the background
    grown, base = _settled(server)
    assert grown < SIZE and base >= 10 * SIZE  # the snapshot compresses the text
    _write(store, 20, 2)  # growth under a quarter of the base: left
    assert not server.compact_log(min_bytes=100_000)
    store.close()


def test_the_default_thresholds_leave_a_small_store_alone(server: EmbeddedFalkorDB) -> None:
    store = FalkorDBStore(server)
    store.apply_schema()
    _write(store, 0, 5)
    assert not store.compact_persistence()  # 1 MB appended: under COMPACT_MIN_BYTES
    assert server.log_growth()[0] >= 5 * SIZE
    store.close()


def test_stop_rewrites_the_log_and_the_data_comes_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kolgraph.store.embedded.COMPACT_MIN_BYTES", 1_000_000)
    server = EmbeddedFalkorDB(tmp_path / "kg").start()
    store = FalkorDBStore(server)
    store.apply_schema()
    _write(store, 0, 20)
    store.close()
    server.stop()
    logs = server.data_dir / "appendonly"
    incremental = sum(f.stat().st_size for f in logs.glob("*.incr.aof"))
    assert incremental < SIZE  # every write is in the rewritten base
    server = EmbeddedFalkorDB(tmp_path / "kg").start()
    try:
        store = FalkorDBStore(server)
        rows = store.execute("MATCH (t:Topic) RETURN count(t) AS n, min(size(t.note)) AS s", {})
        assert rows == [{"n": 20, "s": SIZE}]
        store.close()
    finally:
        server.stop()


def test_a_forced_compaction_rewrites_whatever_the_growth(server: EmbeddedFalkorDB) -> None:
    store = FalkorDBStore(server)
    store.apply_schema()
    _write(store, 0, 2)
    assert server.log_growth()[0] > 0
    assert not store.compact_persistence()
    assert store.compact_persistence(force=True)  # after a large delete: short, slow to replay
    assert _settled(server)[0] == 0
    store.close()
