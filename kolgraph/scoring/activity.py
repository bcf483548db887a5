"""Scientific, congress and trial activity per HCP, weighted and dampened.

A paper counts ``credit x recency x citation factor``. With ``paper_credit="position"``
(the default) the credit is the author's position weight (first, last and single 1.0,
middle 0.5), middle authors shrunk by ``min(1, crowded_paper / n_authors)`` on crowded
papers, so a middle author of a 40-author trial gets 0.125 and its first author 1.0.
With ``"fractional"`` a paper of ``n`` authors is one unit of credit shared by position
weight, ``credit = w_i / sum of the n authors' w``: a first author gets 1/3 of a
four-author paper and 1/21 of a 40-author one (weighted fractional counting). Recency
halves every ``half_life_years`` before the reference year; citations multiply by
``1 + log1p(cited_by) / log1p(citation_scale)``. Congress roles
count ``role weight x congress scope weight x recency``, trial roles ``role weight x
recency``. An HCP's total is dampened with ``log1p`` so that hyper-prolific authors do
not drown everyone else (100 papers score about twice 10, not ten times).

Examples
--------
>>> [author_role(p, n, None) for p, n in ((1, 5), (5, 5), (3, 5), (1, 1))]
['first', 'last', 'middle', 'single']
>>> credit_shares(np.array([1.0, 0.5, 1.0, 1.0]), np.array([4.0, 4.0, 40.0, 1.0]),
...               {"first": 1.0, "last": 1.0, "middle": 0.5, "single": 1.0}).round(3).tolist()
[0.333, 0.167, 0.048, 1.0]
>>> recency(2020, 2020, 5.0), recency(2015, 2020, 5.0)
(1.0, 0.5)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from kolgraph.scoring.params import ScoringParams

__all__ = [
    "Activity",
    "activity",
    "author_role",
    "credit_shares",
    "paper_weights",
    "recency",
    "reference_year",
]

EVIDENCE_ITEMS = 5
_ROLES = ("first", "last", "middle", "single")


def author_role(position: Any, n_authors: Any, role: Any) -> str:
    """The authorship role: the stored one if valid, else derived from position."""
    if isinstance(role, str) and role in _ROLES:
        return role
    try:
        pos, n = int(position), int(n_authors)
    except (TypeError, ValueError):
        return "middle"
    if n <= 1:
        return "single"
    return "first" if pos == 1 else "last" if pos == n else "middle"


def recency(year: float | None, reference: int, half_life: float) -> float:
    """``0.5 ** (age / half_life)``; future years count 1, unknown years one half-life."""
    if year is None or pd.isna(year):
        return 0.5
    return float(0.5 ** (max(reference - float(year), 0.0) / half_life))


def _recency(years: pd.Series, reference: int, half_life: float) -> np.ndarray:
    age = np.maximum(reference - years.to_numpy(dtype=float), 0.0)
    value = 0.5 ** (age / half_life)
    return np.where(np.isnan(value), 0.5, value)


def reference_year(params: ScoringParams, *frames: pd.DataFrame) -> int:
    """The year recency counts from: ``reference_year``, else ``until``, else latest in data.

    Taking it from the data (never from the clock) keeps scores reproducible.
    """
    if params.reference_year is not None:
        return params.reference_year
    if params.until is not None:
        return params.until
    years = [frame["year"].max() for frame in frames if len(frame) and frame["year"].notna().any()]
    return int(max(years)) if years else 2000


def credit_shares(
    position_weight: np.ndarray, n_authors: np.ndarray, weights: dict[str, float]
) -> np.ndarray:
    """Each authorship's share of its paper: ``w / (w_first + w_last + (n - 2) w_middle)``.

    ``n`` is the paper's author count (1: a single author, whose share is 1 when the
    weights are positive). Shares of one paper's authors add up to 1.
    """
    n = np.maximum(np.nan_to_num(n_authors.astype(float), nan=1.0), 1.0)
    single = float(weights.get("single", 1.0))
    ends = float(weights.get("first", 1.0)) + float(weights.get("last", 1.0))
    total = np.where(n <= 1.0, single, ends + (n - 2.0) * float(weights.get("middle", 0.5)))
    return np.divide(
        position_weight, total, out=np.zeros_like(position_weight, dtype=float), where=total > 0
    )


def paper_weights(authorships: pd.DataFrame, params: ScoringParams, reference: int) -> pd.DataFrame:
    """Authorships with ``role``, ``position_weight``, ``credit``, ``recency`` and ``value``.

    ``position_weight`` (used by the co-authorship ties) is the role's weight, middle
    authors of crowded papers shrunk when ``coauthor_ties="full"``; ``credit`` is the
    shrunk position weight (``paper_credit="position"``) or the authorship's share of
    the paper (``"fractional"``); ``value = credit x recency x citation factor``.
    """
    frame = authorships.copy(deep=False)  # copy-on-write: shares the columns it keeps
    n_in_store = frame.groupby("pub")["hcp"].transform("size") if len(frame) else frame["pub"]
    n_authors = pd.to_numeric(frame["n_authors"], errors="coerce")
    frame["n_authors"] = np.fmax(n_authors.to_numpy(dtype=float), n_in_store.to_numpy(dtype=float))
    frame["role"] = [
        author_role(p, n, r)
        for p, n, r in zip(frame["position"], frame["n_authors"], frame["role"], strict=True)
    ]
    pw = frame["role"].map(params.position_weights).fillna(0.0).to_numpy(dtype=float)
    n = frame["n_authors"].to_numpy(dtype=float)
    middle = (frame["role"] == "middle").to_numpy()
    shrunk = np.where(middle, pw * np.minimum(1.0, params.crowded_paper / np.maximum(n, 1.0)), pw)
    # Newman ties already divide a paper by its team; "full" ties shrink crowded middles.
    frame["position_weight"] = pw if params.coauthor_ties == "newman" else shrunk
    frame["credit"] = (
        credit_shares(pw, n, params.position_weights)
        if params.paper_credit == "fractional"
        else shrunk
    )
    frame["recency"] = _recency(frame["year"], reference, params.half_life_years)
    cited = pd.to_numeric(frame["cited_by"], errors="coerce").fillna(0.0).clip(lower=0)
    frame["citation_factor"] = 1.0 + np.log1p(cited.to_numpy()) / np.log1p(params.citation_scale)
    frame["value"] = frame["credit"] * frame["recency"] * frame["citation_factor"]
    return frame


EvidenceLists = dict[str, list[dict[str, Any]]]
"""One HCP's evidence items by kind (``papers``, ``congress_roles``, ``trials``)."""


@dataclass(frozen=True)
class _Kind:
    keys: list[str]  # the item's fields, ``value`` last
    hcps: pd.Index  # distinct HCPs with items, sorted
    starts: np.ndarray  # rows of hcps[i]: starts[i] to starts[i + 1]
    columns: list[pd.Series]  # one per key, rows sorted by HCP (then value)


def _listed(column: pd.Series) -> list[Any]:
    """The values of ``column`` as Python objects, missing ones as None."""
    return cast(list[Any], column.astype(object).where(column.notna(), None).tolist())


class Evidence(Mapping[str, EvidenceLists]):
    """Each HCP's ``EVIDENCE_ITEMS`` highest-valued items of every kind.

    Kept as columns and made into dicts when read (:meth:`many` for a page of HCPs), so a
    million HCPs' items cost their column values, not a dict per item.

    Examples
    --------
    >>> rows = pd.DataFrame({"hcp": ["a", "a", "b"], "pmid": ["1", "2", "3"],
    ...                      "value": [0.5, 2.0, 1.0]})
    >>> evidence = Evidence()
    >>> evidence.add(rows, ["pmid"], "papers")
    >>> evidence["a"]["papers"]
    [{'pmid': '2', 'value': 2.0}, {'pmid': '1', 'value': 0.5}]
    >>> list(evidence), evidence.get("c")
    (['a', 'b'], None)
    """

    def __init__(self) -> None:
        self._kinds: dict[str, _Kind] = {}

    def add(self, frame: pd.DataFrame, columns: list[str], kind: str) -> None:
        """Keep the top rows of ``frame`` per HCP as items of ``kind``; ties in value go to
        the smaller first column. One sort of the three key columns and one ``cumcount``;
        the other columns are taken for the kept rows only (a sort of the whole frame
        copies every column of every row: gigabytes at millions of authorships)."""
        if frame.empty:
            return
        keys = ["hcp", "value", columns[0]]
        order = frame[keys].reset_index(drop=True)
        order = order.sort_values(keys, ascending=[True, False, True])
        kept = order.index[order.groupby("hcp", sort=False).cumcount().to_numpy() < EVIDENCE_ITEMS]
        del order
        ranked = frame[["hcp", *columns, "value"]].iloc[kept]
        hcp = ranked["hcp"].astype(str).reset_index(drop=True)
        codes = pd.factorize(hcp)[0]  # rows are sorted by HCP: a new code starts each one
        heads = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
        self._kinds[kind] = _Kind(
            keys=[*columns, "value"],
            hcps=pd.Index(hcp.iloc[heads]),
            starts=np.r_[heads, len(hcp)],
            columns=[ranked[c].reset_index(drop=True) for c in [*columns, "value"]],
        )

    def many(self, hcps: Iterable[str]) -> dict[str, EvidenceLists]:
        """The items of ``hcps`` (those with any), keyed by HCP id."""
        wanted = pd.Index(list(hcps))
        out: dict[str, EvidenceLists] = {}
        for kind, table in self._kinds.items():
            at = table.hcps.get_indexer(wanted)
            found = at >= 0
            if not found.any():
                continue
            first, last = table.starts[at[found]], table.starts[at[found] + 1]
            sizes = last - first
            rows = np.arange(sizes.sum()) + np.repeat(first - (np.cumsum(sizes) - sizes), sizes)
            values = [_listed(c.iloc[rows]) for c in table.columns[:-1]]
            values.append(
                [None if v != v else round(v, 4) for v in table.columns[-1].iloc[rows].tolist()]
            )
            items = iter(zip(*values, strict=True))
            for hcp, size in zip(wanted[found], sizes.tolist(), strict=True):
                out.setdefault(hcp, {})[kind] = [
                    dict(zip(table.keys, next(items), strict=True)) for _ in range(size)
                ]
        return out

    def __getitem__(self, hcp: str) -> EvidenceLists:
        found = self.many([hcp])
        if hcp not in found:
            raise KeyError(hcp)
        return found[hcp]

    def __iter__(self) -> Iterator[str]:
        seen: set[str] = set()
        for table in self._kinds.values():
            for hcp in table.hcps:
                if hcp not in seen:
                    seen.add(hcp)
                    yield hcp

    def __len__(self) -> int:
        return sum(1 for _ in self)


@dataclass(frozen=True)
class Activity:
    """Raw (dampened) activity per HCP and the evidence behind it."""

    scientific: pd.Series
    congress: pd.Series
    trials: pd.Series
    evidence: Evidence
    papers: pd.DataFrame


def activity(data: Any, params: ScoringParams, reference: int) -> Activity:
    """Scientific, congress and trial activity of every HCP in ``data`` (a ScoringData)."""
    papers = paper_weights(data.authorships, params, reference)
    scientific = np.log1p(papers.groupby("hcp")["value"].sum())

    pres = data.presentations.copy(deep=False)
    role_w = pres["role"].map(params.congress_role_weights).fillna(0.25)
    scope_w = (
        pres["congress_scope"]
        .map(params.congress_scope_weights)
        .fillna(params.congress_scope_weights.get("regional", 0.4))
    )
    pres["value"] = (
        role_w.to_numpy()
        * scope_w.to_numpy()
        * _recency(pres["year"], reference, params.half_life_years)
    )
    congress = np.log1p(pres.groupby("hcp")["value"].sum())

    trials = data.investigators.copy(deep=False)
    trials["value"] = trials["role"].map(params.trial_role_weights).fillna(0.5).to_numpy() * (
        _recency(trials["year"], reference, params.half_life_years)
    )
    trial_score = np.log1p(trials.groupby("hcp")["value"].sum())

    evidence = Evidence()
    evidence.add(papers, ["pmid", "doi", "pub", "year", "role"], "papers")
    evidence.add(pres, ["session", "role", "congress", "congress_scope", "year"], "congress_roles")
    evidence.add(trials, ["nct_id", "trial", "role", "year"], "trials")
    return Activity(scientific, congress, trial_score, evidence, papers)
