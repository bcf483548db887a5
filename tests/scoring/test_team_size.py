"""Large teams are damped: Newman co-authorship ties and credit by position and team size.

A paper of ``n`` authors adds ``1 / (n - 1)`` to each co-author tie (Newman 2001), so one
40-author paper cannot outweigh a steady record of small-team papers in the network
metrics; see docs/scoring.md ("Team size").
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest

# isort: off
from kolgraph.scoring import ScoringParams, score_hcps  # the package first: it imports projection
from kolgraph.scoring.projection import coauthorship_graph

# isort: on
from kolgraph.scoring import centrality
from kolgraph.scoring.activity import paper_weights
from kolgraph.scoring.edges import EdgeArrays
from kolgraph.scoring.inputs import ScoringData
from kolgraph.scoring.pipeline import network_scores

PARAMS = ScoringParams(include_non_hcp=True)


def small_world() -> ScoringData:
    """``solo`` first-authors one 40-author paper; ``steady`` is second of four on five papers.

    Some small background papers give the percentile scales a population.
    """
    rows: list[dict[str, Any]] = []
    people: set[str] = set()

    def paper(pub: str, year: int, authors: list[str]) -> None:
        people.update(authors)
        for i, hcp in enumerate(authors):
            rows.append(
                {
                    "hcp": hcp,
                    "pub": pub,
                    "pmid": pub,
                    "doi": None,
                    "year": year,
                    "date": None,
                    "position": i + 1,
                    "role": None,
                    "n_authors": len(authors),
                    "cited_by": 5,
                    "journal": None,
                }
            )

    paper("big", 2022, ["solo", *(f"team{i:02d}" for i in range(39))])
    for k in range(5):
        paper(f"small{k}", 2018 + k, [f"lead{k}", "steady", f"peer{k}", f"senior{k}"])
    for k in range(10):
        paper(f"bg{k}", 2020, [f"bg{k}a", f"bg{k}b", f"bg{k}c"])
    hcps = [{"id": p, "name": p} for p in sorted(people)]
    return ScoringData.from_rows(hcps=hcps, authorships=rows)


def test_one_forty_author_paper_ranks_below_five_four_author_papers():
    frame = score_hcps(small_world(), PARAMS).frame
    assert frame.loc["steady", "rank"] < frame.loc["solo", "rank"]
    assert frame.loc["steady", "network"] > frame.loc["solo", "network"]
    # Newman: one paper adds at most one unit (x recency) to an author's tie strength
    assert frame.loc["solo", "strength"] < frame.loc["steady", "strength"]


def test_without_newman_ties_the_big_team_wins_the_network():
    """The same world with a whole paper per tie: the 40-author clique leads the network."""
    frame = score_hcps(
        small_world(), ScoringParams(include_non_hcp=True, coauthor_ties="full")
    ).frame
    assert frame.loc["solo", "network"] > frame.loc["steady", "network"]


def test_newman_strength_of_one_paper_is_its_mean_position_weight():
    data = small_world()
    graph = coauthorship_graph(
        data.authorships, PARAMS, reference=2022, nodes=sorted(data.hcps["id"])
    )
    # solo (first, 1.0) with 38 middle authors (0.5) and one last author (1.0), 2022 = recency 1
    expected = (38 * (1.0 + 0.5) / 2 + (1.0 + 1.0) / 2) / 39
    assert graph.degree("solo", weight="weight") == pytest.approx(expected)
    assert graph["solo"]["team00"]["papers"] == 1


@pytest.mark.parametrize(("credit", "solo_credit"), [("position", 1.0), ("fractional", 1 / 21)])
def test_paper_credit_position_or_fractional(credit, solo_credit):
    papers = paper_weights(small_world().authorships, ScoringParams(paper_credit=credit), 2022)
    got = papers.set_index(["hcp", "pub"])["credit"]
    assert got[("solo", "big")] == pytest.approx(solo_credit)
    shares = papers.groupby("pub")["credit"].sum()
    if credit == "fractional":  # every paper is one unit of credit
        assert shares.to_numpy() == pytest.approx(1.0)
    else:  # middle authors of crowded papers shrink by crowded_paper / n = 10 / 40
        assert got[("team05", "big")] == pytest.approx(0.5 * 10 / 40)


def test_many_small_teams_get_exact_centralities_not_sampled_ones():
    """Above ``exact_limit`` nodes, a graph of small components (one paper each) is still
    computed exactly: sampled sources would leave most components at 0 harmonic closeness."""
    graph = nx.Graph()
    for k in range(40):  # 40 three-author papers: 120 HCPs, 40 components
        graph.add_weighted_edges_from([(f"{k}a", f"{k}b", 1.0), (f"{k}b", f"{k}c", 0.5)])
    arrays = EdgeArrays.from_networkx(graph)
    params = ScoringParams(exact_limit=3)  # the sampled path would draw 64 of 120 sources
    out, info = network_scores(arrays, params)
    assert info["harmonic_sources"] == "all" and info["betweenness_sources"] == "all"
    assert out["harmonic"].to_numpy() == pytest.approx(centrality.harmonic_array(arrays))
    assert (out["harmonic"] > 0).all()
    sampled, _ = network_scores(arrays, ScoringParams(exact_limit=3, exact_work=0))
    assert (sampled["harmonic"] == 0).any()  # what sampling did to unsampled components


def test_eigenvector_is_zero_outside_the_leading_component():
    """ARPACK leaves round-off outside the leading component; it is exactly 0 there."""
    graph = nx.Graph(
        [("a", "b", {"weight": 3.0}), ("c", "d", {"weight": 1.0}), ("d", "e", {"weight": 1.0})]
    )
    vector = centrality.eigenvector_array(EdgeArrays.from_networkx(graph))
    assert vector.tolist()[2:] == [0.0, 0.0, 0.0]
    assert vector[:2] == pytest.approx([2**-0.5, 2**-0.5])
