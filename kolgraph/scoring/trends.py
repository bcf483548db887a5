"""Rising stars: HCPs whose output and co-authorship centrality grow fastest.

For the last ``trend_years`` years up to the reference year, every HCP gets two yearly
series: **output** (papers weighted by credit and citations, plus congress roles by
role and scope, without recency decay) and **centrality** (yearly co-authorship
strength: for each paper, the number of other HCP co-authors, divided by ``n - 1`` for a
paper of ``n`` authors with Newman ties). A least-squares line is
fitted to ``log1p`` of each series; ``rising_score`` is the mean of the two slopes
(log-units per year, so +0.69 means doubling every year). An HCP is a **rising star**
when both slopes are positive, it has at least ``min_rising_papers`` papers in the
window, and its rising score is at or above the ``rising_quantile`` of the positive
scores.

Examples
--------
>>> import numpy as np
>>> slopes(np.array([[0.0, 1.0, 2.0], [2.0, 2.0, 2.0]]), np.array([2020, 2021, 2022])).tolist()
[1.0, 0.0]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kolgraph.scoring.params import ScoringParams

__all__ = ["rising_frame", "slopes", "yearly_series"]


def slopes(values: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Least-squares slope of each row of ``values`` against ``years``."""
    x = years.astype(np.float64) - years.mean()
    denom = float((x**2).sum())
    if denom == 0:
        return np.zeros(values.shape[0])
    return (values - values.mean(axis=1, keepdims=True)) @ x / denom


SERIES_COLUMNS = ("hcp", "pub", "year", "n_authors", "credit", "citation_factor")
"""The columns of the weighted paper rows that :func:`yearly_series` reads."""


def yearly_series(
    papers: pd.DataFrame, presentations: pd.DataFrame, params: ScoringParams
) -> pd.DataFrame:
    """Long table ``hcp, year, output, centrality, papers`` from weighted paper rows
    (:data:`SERIES_COLUMNS` of them)."""
    frames = []
    if not papers.empty:
        p = papers.copy(deep=False)
        hcp_authors = p.groupby("pub")["hcp"].transform("size").clip(upper=params.max_coauthors)
        p["output"] = p["credit"] * p["citation_factor"]
        p["centrality"] = (hcp_authors - 1).astype(float)
        if params.coauthor_ties == "newman":  # Newman: a paper adds at most 1 per author
            p["centrality"] /= np.maximum(p["n_authors"].to_numpy(dtype=float) - 1.0, 1.0)
        p["papers"] = 1
        frames.append(p[["hcp", "year", "output", "centrality", "papers"]])
    if not presentations.empty:
        c = presentations.copy(deep=False)
        c["output"] = c["role"].map(params.congress_role_weights).fillna(0.25) * c[
            "congress_scope"
        ].map(params.congress_scope_weights).fillna(0.4)
        c["centrality"] = 0.0
        c["papers"] = 0
        frames.append(c[["hcp", "year", "output", "centrality", "papers"]])
    if not frames:
        return pd.DataFrame(columns=["hcp", "year", "output", "centrality", "papers"])
    long = pd.concat(frames, ignore_index=True).dropna(subset=["year"])
    long["year"] = long["year"].astype(int)
    return long.groupby(["hcp", "year"], as_index=False)[["output", "centrality", "papers"]].sum()


def rising_frame(
    nodes: list[str], series: pd.DataFrame, reference: int, params: ScoringParams
) -> pd.DataFrame:
    """Slopes, ``rising_score``, ``rising_star`` and the yearly series per HCP."""
    years = np.arange(reference - params.trend_years + 1, reference + 1)
    window = series[series["year"].between(years[0], years[-1])].astype(
        {"output": float, "centrality": float, "papers": float}
    )
    out = pd.DataFrame(index=pd.Index(nodes, name="id"))
    tables = {}
    for column in ("output", "centrality", "papers"):
        table = window.pivot_table(
            index="hcp", columns="year", values=column, aggfunc="sum", fill_value=0.0
        )
        tables[column] = table.reindex(index=nodes, columns=years, fill_value=0.0).fillna(0.0)
    out["output_slope"] = slopes(np.log1p(tables["output"].to_numpy()), years)
    out["centrality_slope"] = slopes(np.log1p(tables["centrality"].to_numpy()), years)
    out["rising_score"] = 0.5 * (out["output_slope"] + out["centrality_slope"])
    out["window_papers"] = tables["papers"].sum(axis=1).to_numpy().astype(int)
    eligible = (
        (out["output_slope"] > 0)
        & (out["centrality_slope"] > 0)
        & (out["window_papers"] >= params.min_rising_papers)
    )
    positive = out.loc[out["rising_score"] > 0, "rising_score"]
    cut = float(np.quantile(positive, params.rising_quantile)) if len(positive) else np.inf
    out["rising_star"] = eligible & (out["rising_score"] >= cut)
    out.attrs["years"] = years.tolist()
    out.attrs["output"] = tables["output"]
    out.attrs["centrality"] = tables["centrality"]
    return out
