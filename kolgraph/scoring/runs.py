"""Store a scoring run: a ScoreRun node, its HCPs' scores in pages, latest scores on HCPs.

Every HCP's numbers, tier, segment and explanation are kept in ``ScorePage`` nodes of
the run (:mod:`kolgraph.store.score_pages`). Earlier runs are never touched, so rank
history and trends can be read back (:func:`kolgraph.scoring.frame.history_frame`).
Only a run over all evidence (no area, no window) copies its scores onto the HCP nodes'
properties; area and window runs are kept as runs only, so an HCP's properties always
mean the same thing. All writes go through ``UNWIND $rows`` batches, one batch of HCPs
(the store's batch size) at a time, so the explanations of a large run are never all in
memory.
"""

from __future__ import annotations

import hashlib
import json
import logging
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import orjson
import pandas as pd

from kolgraph.collector import QUIET_COLLECTOR
from kolgraph.errors import InvalidRequest
from kolgraph.schema import SCORED_NUMBERS
from kolgraph.scoring.pipeline import ScoreResult
from kolgraph.scoring.reasons import explanations
from kolgraph.store import GraphStore, score_pages

logger = logging.getLogger(__name__)

# Explanations as JSON text: keys sorted (stable text for the same run), numpy numbers
# written as numbers, anything else as its str, NaN as null.
_JSON = orjson.OPT_SORT_KEYS | orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS

__all__ = ["HCP_PROPERTIES", "data_version", "delete_run", "prune_runs", "stored_runs", "write_run"]

HCP_PROPERTIES = (
    *SCORED_NUMBERS,
    "tier",
    "segment",
    "scope",
    "city",
    "state",
    "country",
    "community",
    "community_role",
    "rising_star",
    "influence_percentile",
    "eligible",
    "industry",
    "eligibility_reason",
)


def data_version(store: GraphStore) -> str:
    """A fingerprint of the data: node and relationship counts and the latest load time."""
    row = store.run("scoring_data_version")[0]
    rels = sum(store.counts()["relationships"].values())
    return f"nodes={row['nodes']};relationships={rels};loaded_at={row['loaded_at']}"


def _batch_writes(result: ScoreResult, part: pd.DataFrame) -> tuple[list[str], list[list[Any]]]:
    """One batch of HCPs: their explanations (JSON text, in ``part``'s order) and the rows
    carrying their latest scores (id, then :data:`HCP_PROPERTIES`)."""
    explained = explanations(result, part.index)
    texts = [orjson.dumps(explained[hcp], option=_JSON, default=str).decode() for hcp in part.index]
    columns = [score_pages.plain_list(part[name].to_numpy()) for name in HCP_PROPERTIES]
    hcps = [list(row) for row in zip(part.index.tolist(), *columns, strict=True)]
    return texts, hcps


def _write_batch(
    store: GraphStore,
    run_id: str,
    part: pd.DataFrame,
    texts: list[str],
    hcps: list[list[Any]],
    *,
    start: int,
) -> None:
    # Packing the pages runs here, beside the next batch's explanations: zlib lets go of
    # the interpreter while it compresses.
    score_pages.write_pages(store, run_id, score_pages.page_rows(run_id, part, texts, start=start))
    if hcps:
        store.write("scoring_write_hcp_latest", hcps, run=run_id, batch_size=len(hcps))


def write_run(store: GraphStore, result: ScoreResult, *, created_at: str | None = None) -> str:
    """Write ``result`` under a new ScoreRun; return the run id."""
    created = created_at or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    params = result.params
    parameters = params.to_json()
    digest = hashlib.sha256(parameters.encode()).hexdigest()[:8]
    run_id = f"run:{created}:{digest}"
    frame = result.frame
    info = result.info
    run_props = {
        "created_at": created,
        "parameters": parameters,
        "seed": params.seed,
        "data_version": data_version(store),
        "area": params.area,
        "window_start": params.since,
        "window_end": params.until,
        "n_hcps": len(frame),
        "reference_year": info.get("reference_year"),
        "modularity": info.get("modularity"),
        "n_communities": info.get("n_communities"),
        "component_weights": json.dumps(info.get("component_weights"), sort_keys=True),
        "portfolio": json.dumps(info.get("portfolio"), sort_keys=True),
        "portfolio_communities": json.dumps(info.get("portfolio_communities"), sort_keys=True),
        "n_eligible": info.get("eligible"),
        "n_industry": info.get("industry"),
        "tiering": json.dumps(info.get("tiering"), sort_keys=True),
    }
    store.upsert_nodes("ScoreRun", [{"id": run_id, "props": run_props}])
    table = frame[["rank", *HCP_PROPERTIES]]
    if not table.index.is_monotonic_increasing:  # pages hold ranges of ids
        table = table.sort_index()
    whole = params.area is None and params.since is None and params.until is None
    per_page = score_pages.PAGE_HCPS
    page = max(per_page, store.batch_size // per_page * per_page)
    # The store applies one batch while the next batch's explanations are worked out: the
    # server and this process each use a core. At most one batch waits to be written.
    # Explanations are thousands of small containers per batch, beside the run's large
    # tables: full collections would rescan those tables batch after batch.
    with (
        QUIET_COLLECTOR,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="score-writer") as writer,
    ):
        QUIET_COLLECTOR.batch_done()
        pending: Future[None] | None = None
        for first in range(0, len(frame), page):  # one batch of HCPs in memory at a time
            part = table.iloc[first : first + page]
            texts, hcps = _batch_writes(result, part)
            if pending is not None:
                pending.result()
            pending = writer.submit(
                _write_batch,
                store,
                run_id,
                part,
                texts,
                hcps if whole else [],
                start=first // per_page,
            )
        if pending is not None:
            pending.result()
    logger.info("stored score run %s for %d HCPs", run_id, len(frame))
    store.compact_persistence()  # a run of many HCPs grows the store's log by as much
    return run_id


DELETE_BATCH = 50_000
"""HCPs whose scores are deleted per statement when a run is deleted."""


def stored_runs(store: GraphStore) -> list[dict[str, Any]]:
    """Every stored ScoreRun (id, created_at, area, window, n_hcps ...), oldest first, with
    ``latest``: whether the HCP nodes carry its scores as their latest."""
    in_use = {row["run"] for row in store.run("scoring_run_ids_on_hcps")}
    return [{**row, "latest": row["id"] in in_use} for row in store.run("scoring_runs")]


def delete_run(store: GraphStore, run_id: str, *, batch: int = DELETE_BATCH) -> int:
    """Delete one stored run, its scores a batch at a time; return how many HCPs' scores went.

    The run whose scores the HCP nodes carry (see :func:`stored_runs`) is refused: delete
    it after a newer run over all evidence has replaced it.

    Raises
    ------
    InvalidRequest
        If there is no such run, or the HCPs carry its scores.
    """
    runs = {row["id"]: row for row in stored_runs(store)}
    if run_id not in runs:
        raise InvalidRequest(f"no stored score run {run_id!r}; 'kolgraph runs list' shows them")
    if runs[run_id]["latest"]:
        raise InvalidRequest(
            f"the HCPs carry the scores of {run_id} as their latest; score again "
            "('kolgraph score') before deleting it"
        )
    deleted = 0
    while True:  # runs stored in pages
        pages = max(1, batch // score_pages.PAGE_HCPS)
        row = store.run("scoring_delete_run_pages", run=run_id, limit=pages)[0]
        deleted += int(row["hcps"] or 0)
        if int(row["n"]) < pages:
            break
    while True:  # runs stored one Score node per HCP
        gone = int(store.run("scoring_delete_run_scores", run=run_id, limit=batch)[0]["n"])
        deleted += gone
        if gone < batch:
            break
    store.run("scoring_delete_run", run=run_id)
    # deleting 1M Score nodes took 5 min, and a restart would replay it from the log
    store.compact_persistence(force=deleted >= batch)
    logger.info("deleted score run %s and the scores of its %d HCPs", run_id, deleted)
    return deleted


def prune_runs(store: GraphStore, keep: int) -> list[str]:
    """The stored runs a prune keeping the ``keep`` newest would delete (oldest first);
    the run the HCPs carry is always kept. Nothing is deleted here: see :func:`delete_run`.

    Raises
    ------
    InvalidRequest
        If ``keep`` is below 1.
    """
    if keep < 1:
        raise InvalidRequest(f"--keep must be at least 1, not {keep}")
    runs = stored_runs(store)
    return [row["id"] for row in runs[: max(len(runs) - keep, 0)] if not row["latest"]]
