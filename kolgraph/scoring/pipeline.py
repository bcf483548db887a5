"""One scoring run in memory: network metrics, components, influence, reach, tiers, trends.

:func:`score_hcps` reads the store (or a :class:`ScoringData`), projects the layers and
calls :func:`assemble`, which works on edge arrays only; the benchmarks call
:func:`assemble` directly on generated million-edge networks. Nothing here writes:
:mod:`kolgraph.scoring.runs` stores a result.
"""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kolgraph.collector import QUIET_COLLECTOR
from kolgraph.errors import ScoringError
from kolgraph.scoring import centrality, communities, distance_worker, heap, reach, roles
from kolgraph.scoring.activity import Activity, activity
from kolgraph.scoring.aside import kept_on_disk, set_aside
from kolgraph.scoring.edges import EdgeArrays
from kolgraph.scoring.eligibility import (
    Eligibility,
    eligibility_frame,
    evidence_from_rows,
    evidence_from_store,
)
from kolgraph.scoring.influence import active_weights, composite, robust_scale
from kolgraph.scoring.inputs import ScoringData
from kolgraph.scoring.params import COMPONENTS, ScoringParams
from kolgraph.scoring.portfolio import select_portfolio
from kolgraph.scoring.projection import Layers, project_layers
from kolgraph.scoring.scope import places, scope_frame
from kolgraph.scoring.strongest import keep_strongest
from kolgraph.scoring.tiering import cooperation, prescribing_potential, tier_counts, tier_frame
from kolgraph.scoring.trends import SERIES_COLUMNS, rising_frame, yearly_series
from kolgraph.store import GraphStore

logger = logging.getLogger(__name__)

__all__ = ["ReferralRank", "ScoreResult", "assemble", "network_scores", "score_hcps"]

METRICS = ("pagerank", "eigenvector", "betweenness", "harmonic")

COMMUNITIES_AFTER_WORKER_TIES = 2_000_000
"""Ties from which communities are found after the distance worker has finished, not
beside it (see :func:`network_scores`)."""


@dataclass
class ScoreResult:
    """Scores of every HCP (``frame``, indexed by HCP id) and run-level facts (``info``)."""

    frame: pd.DataFrame
    info: dict[str, Any]
    params: ScoringParams
    layers: Layers | None = None
    activity: Activity | None = None
    trends: pd.DataFrame | None = None
    timings: dict[str, float] = field(default_factory=dict)


def _samples(requested: int | None, n: int, m: int, per_edges: float, cap: int) -> int | None:
    if requested is not None:
        return requested if requested < n else None
    return max(16, min(cap, int(per_edges / max(m, 1))))


def distance_job(arrays: EdgeArrays, params: ScoringParams) -> distance_worker.DistanceJob:
    """How betweenness, harmonic closeness and reach are worked out for ``arrays``."""
    n, m = arrays.n_nodes, arrays.n_edges
    # Exact when small, or when every source only explores a small component (many
    # authors of one paper): sampled sources would miss most components entirely.
    by_component = (
        n > params.exact_limit
        and not arrays.directed
        and centrality.component_work(arrays) <= params.exact_work
    )
    exact = n <= params.exact_limit or by_component
    k_bt = None if exact else _samples(params.betweenness_samples, n, m, 3.2e7, 256)
    k_h = None if exact else _samples(params.harmonic_samples, n, m, 3.2e7, 64)
    sources = centrality.sample_sources(n, k_h, params.seed)
    return distance_worker.DistanceJob(
        k_bt, params.seed, by_component, sources, params.reach_exact_work
    )


def network_scores(
    arrays: EdgeArrays,
    params: ScoringParams,
    timings: dict[str, float] | None = None,
    candidates: np.ndarray | None = None,
    distances: distance_worker.Pending | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Degree, strength, centralities, community, role and reach of every node of ``arrays``.

    ``candidates`` (positions) limits who the portfolio may pick (default: everyone);
    ``distances`` is a worker already started on ``arrays`` with :func:`distance_job`.
    """
    timings = {} if timings is None else timings
    n, m = arrays.n_nodes, arrays.n_edges
    out = pd.DataFrame(index=pd.Index(list(arrays.nodes), name="id"))
    info: dict[str, Any] = {"nodes": n, "ties": m}

    def timed(name: str, fn: Any) -> Any:
        start = time.perf_counter()
        value = fn()
        timings[name] = time.perf_counter() - start
        return value

    job = distance_job(arrays, params)
    info["betweenness_sources"] = "all" if job.k_betweenness is None else job.k_betweenness
    info["harmonic_sources"] = "all" if job.sources is None else len(job.sources)
    # On a large network betweenness, harmonic and reach run in a worker process meanwhile
    # (started here unless the caller started it earlier).
    if distances is None:
        distances = distance_worker.start(arrays, job)

    # Communities need about as much memory again as the graph (0.8 GB at 10M ties): on a
    # large network they wait for the worker, whose own graph would sit beside them.
    communities_first = distances is None or m < COMMUNITIES_AFTER_WORKER_TIES
    try:
        out["degree"] = centrality.degree_array(arrays)
        out["strength"] = centrality.strength_array(arrays)
        out["pagerank"] = timed(
            "pagerank", lambda: centrality.pagerank_array(arrays, alpha=params.pagerank_alpha)
        )
        out["eigenvector"] = timed("eigenvector", lambda: centrality.eigenvector_array(arrays))
        if communities_first:
            membership = _communities(arrays, params, out, info, timed)
    except BaseException:
        distance_worker.cancel(distances)
        raise

    waited = time.perf_counter()
    metrics = distance_worker.finish(distances, arrays, job)
    timings.update(metrics.timings)
    timings["distance_wait"] = time.perf_counter() - waited
    if not communities_first:
        membership = _communities(arrays, params, out, info, timed)
    out["betweenness"], out["harmonic"] = metrics.betweenness, metrics.harmonic
    out["reach_1"], out["reach_2"] = metrics.reach_1, metrics.reach_2
    info["reach_2_method"] = metrics.reach_2_method
    out["spread"] = timed(
        "spread",
        lambda: reach.spread_array(arrays, scale=params.cascade_scale, reach_2=metrics.reach_2),
    )
    first = ["degree", "strength", *METRICS, "community", "participation", "within_z"]
    first += ["community_role", "reach_1", "reach_2", "spread"]
    out = out[[*first, *(c for c in out.columns if c not in first)]]
    start = time.perf_counter()
    info["portfolio"] = select_portfolio(arrays, params.portfolio_k, candidates=candidates)
    info["portfolio_communities"] = select_portfolio(
        arrays,
        params.portfolio_k,
        membership=membership,
        cover_communities=True,
        candidates=candidates,
    )
    timings["portfolio"] = time.perf_counter() - start
    return out, info


def _communities(
    arrays: EdgeArrays,
    params: ScoringParams,
    out: pd.DataFrame,
    info: dict[str, Any],
    timed: Callable[[str, Callable[[], Any]], Any],
) -> np.ndarray:
    """Community, participation, within-community z and role of every node into ``out``
    (method, count and modularity into ``info``); the membership array is returned."""
    membership: np.ndarray = timed(
        "communities",
        lambda: communities.membership_array(
            arrays,
            method=params.community_method,
            seed=params.seed,
            resolution=params.resolution,
        ),
    )
    out["community"] = membership
    info["community_method"] = params.community_method
    info["n_communities"] = int(membership.max()) + 1 if len(membership) else 0
    info["modularity"] = timed(
        "modularity",
        lambda: communities.modularity_array(arrays, membership, params.resolution),
    )
    participation, z = roles.participation_and_z(arrays, membership)
    out["participation"] = participation
    out["within_z"] = z
    out["community_role"] = roles.role_names(participation, z)
    return membership


@dataclass(frozen=True)
class ReferralRank:
    """PageRank of every HCP on the referral network, and the referral influence it gives:
    PageRank times the number of HCPs (1 = average), 0 for HCPs no one refers to."""

    pagerank: np.ndarray
    influence: np.ndarray

    @classmethod
    def of(cls, referral: EdgeArrays, params: ScoringParams) -> ReferralRank:
        """The rank of ``referral`` (directed ties); its igraph graph is let go after."""
        pr = centrality.pagerank_array(referral, alpha=params.pagerank_alpha)
        indeg = np.bincount(referral.dst, minlength=referral.n_nodes)
        referral.release()
        return cls(pr, np.where(indeg > 0, pr * referral.n_nodes, 0.0))


def assemble(
    nodes: list[str],
    combined: EdgeArrays,
    params: ScoringParams,
    *,
    referral: EdgeArrays | ReferralRank | None = None,
    raw_activity: pd.DataFrame | None = None,
    potential: pd.Series | None = None,
    coop: pd.DataFrame | None = None,
    scope: pd.DataFrame | None = None,
    series: pd.DataFrame | None = None,
    reference: int = 2000,
    eligibility: pd.DataFrame | None = None,
    distances: distance_worker.Pending | None = None,
    network: tuple[pd.DataFrame, dict[str, Any]] | None = None,
    timings: dict[str, float] | None = None,
) -> ScoreResult:
    """Score ``nodes`` from their combined network and per-HCP inputs (all indexed by id).

    ``referral`` is the referral network, or its rank worked out earlier.
    ``eligibility`` (see :mod:`kolgraph.scoring.eligibility`; default: everyone eligible)
    decides who is ranked, tiered and picked for the portfolio: eligible HCPs first, the
    others after them with no tier, unless ``params.include_non_hcp``. ``distances`` is a
    distance worker already started on ``combined`` (see :func:`network_scores`);
    ``network`` is what :func:`network_scores` gave for ``combined``, if already worked
    out (then with the ``timings`` so far).
    """
    timings = {} if timings is None else timings
    if not nodes:
        raise ScoringError(
            "no HCPs to score; load data first (kolgraph ingest ...) or widen "
            "--area/--since/--until"
        )
    if list(combined.nodes) != list(nodes):
        raise ScoringError("combined network nodes must be the scored HCPs in the same order")
    eligibility = _eligibility_of(nodes, eligibility)
    ranked = eligibility["eligible"].to_numpy(dtype=bool) | params.include_non_hcp
    if network is None:
        network = network_scores(
            combined, params, timings, candidates=_candidates(ranked), distances=distances
        )
    frame, info = network
    combined.release()  # its igraph graph and matrices are not used again
    raw = pd.DataFrame(index=frame.index)
    raw_activity = raw_activity if raw_activity is not None else pd.DataFrame(index=frame.index)
    for column in ("scientific", "congress", "trials"):
        values = raw_activity[column] if column in raw_activity else pd.Series(dtype=float)
        raw[column] = values.reindex(frame.index).fillna(0.0).to_numpy(dtype=float)
    start = time.perf_counter()
    metric_w = {k: v for k, v in params.network_weights.items() if v}
    total = sum(metric_w.values()) or 1.0
    for metric in METRICS:
        frame[f"{metric}_scaled"] = robust_scale(
            frame[metric].to_numpy(), params.scale_quantiles, params.saturation
        )
    raw["network"] = sum(frame[f"{m}_scaled"].to_numpy() * w for m, w in metric_w.items()) / total
    if isinstance(referral, EdgeArrays):
        referral = ReferralRank.of(referral, params) if referral.n_edges else None
    if referral is not None:
        raw["referral"] = referral.influence
        frame["referral_pagerank"] = referral.pagerank
    else:
        raw["referral"] = 0.0
    scaled = pd.DataFrame(index=frame.index)
    for column in COMPONENTS:
        values = raw[column].to_numpy()
        scaled[column] = (
            values
            if column == "network"
            else robust_scale(values, params.scale_quantiles, params.saturation)
        )
    weights = active_weights(raw, params.component_weights)
    parts = composite(scaled, weights)
    for column in COMPONENTS:
        frame[f"{column}_raw"] = raw[column].to_numpy()
        frame[column] = scaled[column].to_numpy()
    frame = frame.join(parts)
    frame["influence"] = frame["influence"].round(10)
    # Ties on influence go to the stronger evidence (components in weight order), then the
    # wider network, then the id: ranks, percentiles and tiers are deterministic.
    tie_keys = [frame.index.to_numpy(dtype=str), -frame["degree"].to_numpy(dtype=float)]
    tie_keys += [
        -raw[c].to_numpy(dtype=float)
        for c in sorted(COMPONENTS, key=lambda c: params.component_weights.get(c, 0.0))
    ]
    order = np.lexsort((*tie_keys, -frame["influence"].to_numpy(), ~ranked))
    rank = np.empty(len(frame), dtype=np.int64)
    rank[order] = np.arange(1, len(frame) + 1)
    frame["rank"] = rank
    frame = frame.join(eligibility)
    frame["ranked"] = ranked
    for column in COMPONENTS:
        values = frame[column].to_numpy()
        comp_order = np.lexsort((frame.index.to_numpy(dtype=str), -values))
        comp_rank = np.empty(len(frame), dtype=np.int64)
        comp_rank[comp_order] = np.arange(1, len(frame) + 1)
        frame[f"rank_{column}"] = comp_rank
    timings["composite"] = time.perf_counter() - start

    start = time.perf_counter()
    frame["prescribing_potential"] = (
        potential.reindex(frame.index) if potential is not None else np.nan
    )
    coop = coop if coop is not None else pd.DataFrame(index=frame.index)
    for column, default in (("cooperation", 0.5), ("accepted", 0), ("declined", 0)):
        values = coop[column] if column in coop else pd.Series(dtype=float)
        frame[column] = values.reindex(frame.index).fillna(default).to_numpy()
    frame = frame.join(
        tier_frame(
            frame["rank"].where(frame["ranked"]),
            frame["prescribing_potential"],
            frame["cooperation"],
            params,
        )
    )
    if scope is not None:
        frame = frame.join(scope)
    else:
        frame["scope"] = "local"
    trends = None
    if series is not None:
        trends = rising_frame(nodes, series, reference, params)
        frame = frame.join(
            trends[
                ["output_slope", "centrality_slope", "rising_score", "window_papers", "rising_star"]
            ]
        )
    else:
        frame["rising_score"] = 0.0
        frame["rising_star"] = False
    timings["tiers_scope_trends"] = time.perf_counter() - start
    info["component_weights"] = weights
    info["reference_year"] = reference
    info["eligible"] = int(frame["eligible"].sum())
    info["industry"] = int(frame["industry"].sum())
    info["tiering"] = tier_counts(frame, params)
    return ScoreResult(frame, info, params, trends=trends, timings=timings)


def score_hcps(
    source: GraphStore | ScoringData,
    params: ScoringParams | None = None,
    *,
    lean: bool = False,
    scratch: Path | None = None,
) -> ScoreResult:
    """Score every HCP in the store (or in ``source`` data) with ``params``.

    ``lean`` lets go of the tables read from the store once the per-HCP inputs are worked
    out, before the network metrics: the result keeps the HCPs, activity evidence and tie
    rows that explanations need, but ``result.layers.data`` holds no authorships or
    referrals, ``result.activity.papers`` is empty and the tie tables keep only each
    HCP's strongest ties (:func:`~kolgraph.scoring.strongest.keep_strongest`; at 1M HCPs
    and 10M ties the read tables are 2.3 GB and the tie tables 1 GB). For runs that are
    written back and not inspected further. A lean run also keeps those tie rows in a
    temporary file in ``scratch`` (default: the system's temporary directory; it should
    be on disk) from their ranking to the end of the metrics
    (:func:`~kolgraph.scoring.aside.set_aside`), and the per-HCP inputs, the HCP table and
    the activity evidence through the network metrics
    (:func:`~kolgraph.scoring.aside.kept_on_disk`).

    Raises
    ------
    ScoringError
        If there are no HCPs to score, or ``params.area`` matches nothing.
    """
    params = params or ScoringParams()
    if lean:
        heap.map_large_blocks()
    # The store reads the eligibility evidence while this process projects and scores.
    # Full collections wait: reads make millions of short-lived rows beside large tables.
    with (
        QUIET_COLLECTOR,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="eligibility-reads") as reads,
    ):
        evidence_read = _Evidence.read(reads, source) if isinstance(source, GraphStore) else None
        return _score(source, params, evidence_read, lean, scratch)


class _Evidence:
    """The eligibility evidence, read in a thread (or given), handed over once and then no
    longer held here: a future keeps its result, and the evidence's HCP table alone is
    180 MB at 1M HCPs."""

    def __init__(self) -> None:
        self._box: queue.SimpleQueue[Eligibility] = queue.SimpleQueue()
        self._read: Future[None] | None = None

    @classmethod
    def read(cls, pool: ThreadPoolExecutor, store: GraphStore) -> _Evidence:
        """Evidence read from ``store`` in ``pool`` while the caller goes on."""
        evidence = cls()
        evidence._read = pool.submit(lambda: evidence._box.put(evidence_from_store(store)))
        return evidence

    @classmethod
    def given(cls, value: Eligibility) -> _Evidence:
        """Evidence already worked out."""
        evidence = cls()
        evidence._box.put(value)
        return evidence

    def take(self) -> Eligibility:
        """The evidence (the read's error if it failed); a second call raises."""
        if self._read is not None:
            self._read.result()
        return self._box.get_nowait()


def _score(
    source: GraphStore | ScoringData,
    params: ScoringParams,
    evidence_read: _Evidence | None,
    lean: bool = False,
    scratch: Path | None = None,
) -> ScoreResult:
    """:func:`score_hcps` once the eligibility evidence is being read (None: from ``source``)."""
    layers = project_layers(source, params)
    heap.give_back()  # the pages read and the projection's intermediate tables
    combined = layers.arrays("combined")
    # handed over in a list the callee empties, so the referral network can go once ranked
    layers_arrays = [layers.arrays("referral"), layers.arrays("coauthorship")]
    if lean:  # only the tie rows explanations show stay (the arrays are copies)
        keep_strongest(layers)
        _drop_tie_ids(layers)  # the metrics work on positions; explanations need no ids
        heap.give_back()
    # the kept tie rows wait on disk until the scores are assembled (lean): nothing reads
    # them before the explanations
    with set_aside(layers, scratch) if lean else nullcontext():
        # the slowest metrics start now, beside the activity, scope and eligibility work
        distances = distance_worker.start(combined, distance_job(combined, params))
        if distances is not None:  # the matrix built to plan that work is made again
            combined.release()  # after PageRank, not held beside it (10M ties: 0.25 GB)
        try:
            return _score_with(
                source,
                params,
                evidence_read,
                layers,
                combined,
                layers_arrays,
                distances,
                lean,
                scratch,
            )
        except BaseException:
            distance_worker.cancel(distances)
            raise


def _score_with(
    source: GraphStore | ScoringData,
    params: ScoringParams,
    evidence_read: _Evidence | None,
    layers: Layers,
    combined: EdgeArrays,
    layers_arrays: list[EdgeArrays],
    distances: distance_worker.Pending | None,
    lean: bool = False,
    scratch: Path | None = None,
) -> ScoreResult:
    """:func:`_score` once the layers are projected and the distance worker started on
    ``combined``; ``layers_arrays`` holds the referral and co-authorship networks (taken
    out of it)."""
    nodes = layers.nodes
    referral, coauthorship = layers_arrays.pop(0), layers_arrays.pop(0)
    data = layers.data
    # Each read table goes (``lean``) as soon as its last user is done with it: referrals
    # after the prescribing potential, authorships after the activity, the papers table
    # after the yearly series.
    potential = prescribing_potential(nodes, data.referrals, data.hcps, params)
    if evidence_read is None:  # data given, not a store: its referrals are about to go
        evidence_read = _Evidence.given(
            evidence_from_rows(data.hcps, data.investigators, data.engagements, data.referrals)
        )
    if lean:
        data = _release_table(layers, "referrals")
    acts = activity(data, params, layers.reference_year)
    if lean:  # the yearly series needs six of the papers table's columns
        acts = replace(acts, papers=acts.papers[list(SERIES_COLUMNS)])
        data = _release_table(layers, "authorships")
    raw = pd.DataFrame(
        {"scientific": acts.scientific, "congress": acts.congress, "trials": acts.trials}
    )
    coop = cooperation(nodes, data.engagements, params)
    where = places(data.hcps, data.affiliations)
    scope = scope_frame(
        nodes,
        where,
        [coauthorship, referral],
        data.presentations,
        params.scope_share,
    )
    del where
    series = yearly_series(acts.papers, data.presentations, params)
    del coauthorship
    referred: EdgeArrays | ReferralRank | None = referral
    if lean:
        acts = replace(acts, papers=acts.papers.head(0).copy())
        # the referral network's rank now, and the network goes
        referred = ReferralRank.of(referral, params) if referral.n_edges else None
        del referral
        heap.give_back()
    inputs: dict[str, Any] = {
        "raw_activity": raw,
        "potential": potential,
        "coop": coop,
        "scope": scope,
        "series": series,
        "eligibility": eligibility_frame(nodes, evidence_read.take()),
    }
    del raw, potential, coop, scope, series
    network: tuple[pd.DataFrame, dict[str, Any]] | None = None
    timings: dict[str, float] = {}
    if lean:  # the per-HCP inputs, the HCP table and the evidence wait on disk too
        ranked = _eligibility_of(nodes, inputs["eligibility"])["eligible"].to_numpy(dtype=bool)
        candidates = _candidates(ranked | params.include_non_hcp)
        inputs["hcps"], inputs["activity"] = data.hcps, acts
        layers.data = replace(data, hcps=data.hcps.head(0).copy())
        del data, acts
        with kept_on_disk(inputs, scratch):
            network = network_scores(
                combined, params, timings, candidates=candidates, distances=distances
            )
        layers.data = replace(layers.data, hcps=inputs.pop("hcps"))
        acts = inputs.pop("activity")
        data = layers.data
    result = assemble(
        nodes,
        combined,
        params,
        referral=referred,
        reference=layers.reference_year,
        distances=distances,
        network=network,
        timings=timings,
        **inputs,
    )
    hcps = data.hcps.set_index("id")
    for column in ("name", "npi", "orcid"):
        result.frame[column] = hcps[column].reindex(result.frame.index).to_numpy()
    result.layers = layers
    result.activity = acts
    return result


def _release_table(layers: Layers, table: str) -> ScoringData:
    """Empty ``layers.data``'s ``table`` (see ``lean`` in :func:`score_hcps`), hand the
    freed text back, and return the new data."""
    empty = getattr(layers.data, table).head(0).copy()  # a copy: a slice keeps the rows
    layers.data = replace(layers.data, **{table: empty})
    heap.give_back()
    return layers.data


def _drop_tie_ids(layers: Layers) -> None:
    """Drop the tie tables' end ids (``lean``); their end positions stay."""
    ids = ["u", "v", "src", "dst"]
    for name in ("coauthorship", "referral", "congress"):
        ties = layers.table(name)
        setattr(layers, name, ties.drop(columns=[c for c in ids if c in ties.columns]))


def _candidates(ranked: np.ndarray) -> np.ndarray | None:
    """Positions the portfolio may pick from (None: everyone)."""
    return None if ranked.all() else np.flatnonzero(ranked)


def _eligibility_of(nodes: list[str], eligibility: pd.DataFrame | None) -> pd.DataFrame:
    columns = ["eligible", "industry", "eligibility_reason", "industry_reason"]
    if eligibility is None:
        return pd.DataFrame(
            {
                "eligible": True,
                "industry": False,
                "eligibility_reason": "not checked",
                "industry_reason": None,
            },
            index=pd.Index(nodes, name="id"),
        )
    out = eligibility.reindex(nodes)[columns]
    out["eligible"] = out["eligible"].fillna(False).astype(bool)
    out["industry"] = out["industry"].fillna(False).astype(bool)
    return out
