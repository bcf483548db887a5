"""SIGKILL an ingest run at random points; after resuming, counts equal a clean run's."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kolgraph.config import Settings
from kolgraph.store import EmbeddedFalkorDB, open_store

TRIALS = int(os.environ.get("KOLGRAPH_KILL_TRIALS", "20"))
# Enough rows that loading, not the process's start-up, fills most of a run: a kill lands
# mid-file only between the first checkpoint and the end.
ROWS = 40_000


def _write_referrals(path: Path, rows: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    npis = [str(1000000000 + rng.randrange(9_000_000_000)) for _ in range(rows // 3)]
    with path.open("w") as out:
        for i in range(rows):
            a, b = rng.sample(npis, 2)
            if i % 997 == 0:
                out.write(f"{a},{b},not-a-number,3,0\n")  # a reject every ~1k lines
            else:
                out.write(f"{a},{b},{rng.randrange(11, 900)},{rng.randrange(11, 300)},0\n")


def _ingest(data_dir: Path, path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kolgraph.cli",
            "ingest",
            "referrals",
            str(path),
            "--data-dir",
            str(data_dir),
            "--batch-size",
            "500",
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _counts(data_dir: Path) -> dict:
    with open_store(Settings(data_dir=data_dir)) as store:
        counts = store.counts()
    counts["nodes"].pop("IngestRun", None)
    return counts


@pytest.fixture(scope="module")
def referral_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kill") / "referrals.csv"
    _write_referrals(path, ROWS)
    return path


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory: pytest.TempPathFactory, referral_file: Path) -> tuple[dict, dict]:
    data_dir = tmp_path_factory.mktemp("clean")
    try:
        started = time.monotonic()
        done = _ingest(data_dir, referral_file)
        out, err = done.communicate(timeout=300)
        assert done.returncode == 0, err
        summary = json.loads(out)
        summary["wall_seconds"] = time.monotonic() - started  # with start-up, as a victim's
        counts = _counts(data_dir)
    finally:
        EmbeddedFalkorDB(data_dir).stop()
    return summary, counts


@pytest.mark.slow
def test_killed_runs_resume_to_the_clean_counts(
    tmp_path: Path, referral_file: Path, clean_run: tuple[dict, dict]
) -> None:
    clean_summary, clean_counts = clean_run
    assert clean_summary["read"] == ROWS
    assert clean_summary["rejected"] == len(range(0, ROWS, 997))
    rng = random.Random(2024)
    resumed_somewhere = 0
    for trial in range(TRIALS):
        data_dir = tmp_path / f"trial{trial}"
        victim = _ingest(data_dir, referral_file)
        try:
            # Kill points spread over the clean run's own duration, so they land mid-file
            # however fast or loaded the machine is.
            time.sleep(rng.uniform(0.2, 0.95) * clean_summary["wall_seconds"])
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            rerun = _ingest(data_dir, referral_file)
            out, err = rerun.communicate(timeout=300)
            assert rerun.returncode == 0, err
            summary = json.loads(out)
            resumed_somewhere += summary["resumed_from"] > 0
            assert _counts(data_dir) == clean_counts, f"trial {trial}"
            for key in ("read", "loaded", "rejected", "duplicates"):  # not wall_seconds
                assert summary[key] == clean_summary[key], (trial, key)
            rejects = Path(summary["rejects_file"]).read_text().splitlines()
            assert len(rejects) == clean_summary["rejected"]
        finally:
            if victim.poll() is None:
                victim.kill()
                victim.wait()
            EmbeddedFalkorDB(data_dir).stop()
    print(
        f"ingest-kill: {TRIALS} trials, {resumed_somewhere} resumed mid-file, "
        f"clean run {clean_summary['wall_seconds']:.1f} s"
    )
    # Every trial must end at the clean counts wherever its kill landed; a kill before the
    # first checkpoint or after the end is a valid trial that exercises no resume, so only
    # one mid-file resume is required (on a loaded machine many kills land early).
    assert resumed_somewhere >= 1, "no kill landed mid-file: the resume path went untested"
