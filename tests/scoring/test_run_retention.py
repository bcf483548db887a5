"""Deleting stored score runs: their score pages go, history forgets them, the HCPs' latest
run stays, every deletion is audited (core on both backends, the command as users run it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kolgraph.errors import InvalidRequest
from kolgraph.scoring import ScoringParams, score_hcps
from kolgraph.scoring.frame import history_frame
from kolgraph.scoring.runs import delete_run, prune_runs, stored_runs, write_run
from kolgraph.store import score_pages
from tests.cli.test_store_cmds import kolgraph


def _status_counts(data_dir: str) -> dict[str, int]:
    done = kolgraph("status", "--json", "--data-dir", data_dir)
    return dict(json.loads(done.stdout)["counts"])


def _count(store, label: str) -> int:
    return int(store.run("count_label", {"label": label})[0]["n"])


def _three_runs(store) -> list[str]:
    """Two runs over all evidence, then one for an area (newest last)."""
    whole = score_hcps(store, ScoringParams())
    first = write_run(store, whole, created_at="2024-01-01T00:00:00.000000Z")
    second = write_run(store, whole, created_at="2024-02-01T00:00:00.000000Z")
    area = score_hcps(store, ScoringParams(area="D003920"))
    third = write_run(store, area, created_at="2024-03-01T00:00:00.000000Z")
    return [first, second, third]


def test_a_deleted_run_leaves_no_scores_and_no_history(world, monkeypatch):
    first, second, third = _three_runs(world)
    per_run = {r["id"]: r["n_hcps"] for r in stored_runs(world)}
    assert [r["id"] for r in stored_runs(world)] == [first, second, third]
    assert [r["latest"] for r in stored_runs(world)] == [False, True, False]
    before = len(history_frame(world))
    assert before == sum(per_run.values())
    pages = _count(world, "ScorePage")

    monkeypatch.setattr(score_pages, "PAGE_HCPS", 1)  # one page per HCP, several batches
    assert delete_run(world, first, batch=2) == per_run[first]
    assert len(history_frame(world)) == before - per_run[first]
    assert _count(world, "ScorePage") == pages - 1  # the run's six HCPs were one page
    assert [r["id"] for r in stored_runs(world)] == [second, third]
    assert first not in set(history_frame(world)["run_id"])
    assert second in set(history_frame(world)["run_id"])


def test_the_run_the_hcps_carry_is_kept(world):
    first, second, third = _three_runs(world)
    with pytest.raises(InvalidRequest, match="latest"):
        delete_run(world, second)
    with pytest.raises(InvalidRequest, match="no stored score run"):
        delete_run(world, "run:nope")
    # keeping the newest one deletes only the first: the second is on the HCPs
    assert prune_runs(world, keep=1) == [first]
    assert prune_runs(world, keep=3) == []
    with pytest.raises(InvalidRequest, match="at least 1"):
        prune_runs(world, keep=0)
    assert len(stored_runs(world)) == 3  # prune_runs only lists


def test_prune_from_the_command_line_is_audited(tmp_path: Path):
    data_dir = str(tmp_path / "kg")
    try:
        samples = Path(__file__).resolve().parents[2] / "data" / "samples"
        referrals = next((samples / "referrals-pspp").glob("*.txt"))
        assert kolgraph("init", "--data-dir", data_dir).returncode == 0
        loaded = kolgraph("ingest", "referrals", str(referrals), "--data-dir", data_dir)
        assert loaded.returncode == 0, loaded.stdout + loaded.stderr
        for _ in range(3):
            assert kolgraph("score", "--json", "--data-dir", data_dir).returncode == 0
        listed = json.loads(kolgraph("runs", "list", "--json", "--data-dir", data_dir).stdout)
        ids = [r["id"] for r in listed["runs"]]
        assert len(ids) == 3 and [r["latest"] for r in listed["runs"]] == [False, False, True]

        dry = kolgraph("runs", "prune", "--keep", "1", "--dry-run", "--data-dir", data_dir)
        assert json.loads(dry.stdout) == {"would_delete": ids[:2]}
        refused = kolgraph("runs", "prune", "--keep", "1", "--data-dir", data_dir)
        assert refused.returncode == 1 and "--yes" in refused.stdout

        audited = _status_counts(data_dir).get("AuditEvent", 0)
        done = kolgraph("runs", "prune", "--keep", "1", "--yes", "--data-dir", data_dir)
        assert done.returncode == 0, done.stdout + done.stderr
        deleted = json.loads(done.stdout)["deleted"]
        assert [d["run"] for d in deleted] == ids[:2] and all(d["scores"] > 0 for d in deleted)
        left = json.loads(kolgraph("runs", "list", "--json", "--data-dir", data_dir).stdout)
        assert [r["id"] for r in left["runs"]] == ids[2:]

        counts = _status_counts(data_dir)
        n_hcps = left["runs"][0]["n_hcps"]
        assert counts["ScorePage"] == -(-n_hcps // score_pages.PAGE_HCPS)
        assert "Score" not in counts
        assert counts["AuditEvent"] == audited + 2
    finally:
        kolgraph("stop", "--data-dir", data_dir)
