"""Therapeutic areas of HCPs: how many of their papers fall under each MeSH disease
category (:func:`kolgraph.mesh.therapeutic_areas`), the most papers first.

Examples
--------
>>> area_counts([["mesh:D001024"], ["mesh:D001024", "mesh:D009369"], None])
[{'id': 'C14', 'name': 'Cardiovascular Diseases', 'papers': 2}, \
{'id': 'C04', 'name': 'Neoplasms', 'papers': 1}]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from kolgraph.mesh import area_label, therapeutic_areas
from kolgraph.store import GraphStore

MAX_AREAS = 5  # therapeutic areas listed per HCP


def area_counts(
    papers_topics: Iterable[Sequence[str] | None], limit: int = MAX_AREAS
) -> list[dict[str, Any]]:
    """Papers per therapeutic area, given each paper's topic ids; a paper counts once per
    area whatever the number of its headings there. Ties go by tree number."""
    papers: Counter[str] = Counter()
    for topics in papers_topics:
        papers.update(therapeutic_areas(topics or []))
    ranked = sorted(papers.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [
        {"id": area, "name": area_label(area).partition(" ")[2], "papers": n} for area, n in ranked
    ]


def areas_of_hcps(store: GraphStore, hcp_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """:func:`area_counts` of each HCP's papers, in one read (HCPs without any: [])."""
    topics: dict[str, list[Sequence[str]]] = {hcp: [] for hcp in hcp_ids}
    if hcp_ids:
        for row in store.run("hcp_publication_topics", ids=list(hcp_ids)):
            topics[row["hcp"]].append(row["topics"])
    return {hcp: area_counts(lists) for hcp, lists in topics.items()}
