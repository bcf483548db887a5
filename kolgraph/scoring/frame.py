"""pandas DataFrames for notebooks: scores, runs, rank history and the HCP export.

.. code-block:: python

    from kolgraph import open_store, Settings
    from kolgraph.scoring.frame import score_frame, history_frame

    with open_store(Settings()) as store:
        scores = score_frame(store, area="D003920", since=2018)   # computed, not stored
        history = history_frame(store, hcp_id="npi:1234567890")   # rank across runs
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from kolgraph.csvsafe import safe_frame
from kolgraph.errors import ScoringError
from kolgraph.scoring.params import COMPONENTS, ScoringParams
from kolgraph.scoring.pipeline import score_hcps
from kolgraph.store import GraphStore
from kolgraph.store.score_pages import HISTORY, hcp_records, history_rows

__all__ = [
    "EXPORT_COLUMNS",
    "export_hcps",
    "named_only",
    "write_hcps",
    "history_frame",
    "hcp_frame",
    "run_frame",
    "score_frame",
]

EXPORT_COLUMNS = (
    "id",
    "name",
    "npi",
    "orcid",
    "specialty",
    "institution",
    "city",
    "state",
    "country",
    "eligible",
    "industry",
    "eligibility_reason",
    "influence",
    "influence_percentile",
    *COMPONENTS,
    "pagerank",
    "eigenvector",
    "betweenness",
    "harmonic",
    "reach_1",
    "reach_2",
    "spread",
    "prescribing_potential",
    "cooperation",
    "tier",
    "segment",
    "scope",
    "community",
    "community_role",
    "rising_star",
    "rising_score",
    "score_run",
)


def score_frame(store: GraphStore, **params: Any) -> pd.DataFrame:
    """Score every HCP now (nothing written) and return one row per HCP, best first.

    Keyword arguments are :class:`~kolgraph.scoring.params.ScoringParams` fields.
    """
    result = score_hcps(store, ScoringParams(**params))
    return result.frame.sort_values("rank")


def run_frame(store: GraphStore) -> pd.DataFrame:
    """Every stored ScoreRun, oldest first."""
    return pd.DataFrame(store.run("scoring_runs"))


def history_frame(store: GraphStore, hcp_id: str | None = None) -> pd.DataFrame:
    """Influence, rank, tier and segment of one HCP (or all) in every stored run."""
    return pd.DataFrame(history_rows(store, hcp_id), columns=list(HISTORY))


def hcp_frame(store: GraphStore) -> pd.DataFrame:
    """One row per HCP with the latest stored scores (the export's content).

    Raises
    ------
    ScoringError
        If no HCP has been scored yet (run ``kolgraph score`` first).
    """
    rows = [r["props"] for r in store.run("scoring_hcp_properties")]
    frame = pd.DataFrame(rows)
    if frame.empty or "influence" not in frame or frame["influence"].isna().all():
        raise ScoringError("no HCP has scores yet; run 'kolgraph score' first")
    for column in EXPORT_COLUMNS:
        if column not in frame:
            frame[column] = None
    return frame[list(EXPORT_COLUMNS)]


def named_only(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The rows of ``frame`` whose ``name`` is not blank, and how many were left out.

    An HCP known only by an NPI (a referral-file NPI the NPI registry file loaded does not
    name) cannot be recognised, contacted or signed off on a KOL list.

    Examples
    --------
    >>> rows = pd.DataFrame({"id": ["npi:1", "npi:2", "npi:3"], "name": ["Ada Lee", None, " "]})
    >>> kept, left_out = named_only(rows)
    >>> kept["id"].tolist(), left_out
    (['npi:1'], 2)
    """
    names = frame["name"].map(lambda v: isinstance(v, str) and bool(v.strip()))
    kept = frame[names.to_numpy(dtype=bool)]
    return kept, len(frame) - len(kept)


def export_hcps(store: GraphStore, path: Path, fmt: str) -> int:
    """Write the named HCPs of :func:`hcp_frame` to ``path`` (csv or parquet); return the rows.

    HCPs without a name are left out (see :func:`write_hcps`).

    Raises
    ------
    ScoringError
        If ``fmt`` is neither csv nor parquet, or nothing has been scored.
    """
    return write_hcps(store, path, fmt)[0]


def write_hcps(
    store: GraphStore, path: Path, fmt: str, *, include_nameless: bool = False
) -> tuple[int, int]:
    """Write :func:`hcp_frame` to ``path`` as ``csv`` or ``parquet``.

    HCPs without a name (NPIs known only from referral files, not named by the loaded NPI
    registry rows) are left out unless ``include_nameless``. Returns ``(rows written,
    nameless HCPs left out)``.

    Raises
    ------
    ScoringError
        If ``fmt`` is neither csv nor parquet, or nothing has been scored.
    """
    if fmt not in ("csv", "parquet"):
        raise ScoringError(f"unknown export format {fmt!r}; use csv or parquet")
    frame, left_out = hcp_frame(store), 0
    if not include_nameless:
        frame, left_out = named_only(frame)
        frame = frame.reset_index(drop=True)
    for column in ("rising_star", "eligible", "industry"):
        frame[column] = frame[column].astype("boolean")
    for column in (
        "npi",
        "orcid",
        "name",
        "tier",
        "segment",
        "scope",
        "community_role",
        "specialty",
        "institution",
        "city",
        "state",
        "country",
        "eligibility_reason",
    ):
        frame[column] = frame[column].astype("string")
    try:
        if fmt == "csv":
            safe_frame(frame).to_csv(path, index=False)  # no spreadsheet formulas in text cells
        else:
            frame.to_parquet(path, index=False)
    except OSError as exc:
        raise ScoringError(f"cannot write {path}: {exc}") from exc
    return len(frame), left_out


def explanation_of(store: GraphStore, run_id: str, hcp_id: str) -> dict[str, Any]:
    """The stored explanation of ``hcp_id`` in run ``run_id``."""
    for record in hcp_records(store, hcp_id):
        if record["run"].get("id") == run_id:
            return dict(json.loads(record["explanation"]))
    raise ScoringError(f"no score for {hcp_id!r} in run {run_id!r}; see run_frame(store)")
