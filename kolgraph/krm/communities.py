"""Community names a person can read, from what the members share.

A community number ("community 59") means nothing to a KRM manager; its members' most shared
major topics (MeSH major topics, trial conditions) and institutions do.
"""

from __future__ import annotations

from kolgraph.krm.access import Permission, Viewer
from kolgraph.krm.results.network import CommunityName
from kolgraph.places import without_author_initials
from kolgraph.store import GraphStore

MAX_IDS = 200


def label_of(topics: list[str], institutions: list[str], community: str) -> str:
    """A short name: two topics and the leading institution, else the community's number.

    Examples
    --------
    >>> label_of(["Multiple Sclerosis", "Interferon-beta", "Fatigue"], ["UCSF"], "59")
    'Multiple Sclerosis, Interferon-beta · UCSF'
    >>> label_of([], [], "59")
    'community 59'
    """
    parts = [", ".join(topics[:2])] if topics else []
    if institutions:
        parts.append(institutions[0])
    return " · ".join(parts) if parts else f"community {community}"


def community_names(
    store: GraphStore, viewer: Viewer, ids: list[str], *, per_community: int = 3
) -> list[CommunityName]:
    """For each known community id in ``ids``: size, top topics and institutions, and a label.

    Unknown ids are left out; at most ``MAX_IDS`` ids are read.
    """
    viewer.require(Permission.READ_HCPS)
    wanted = list(dict.fromkeys(str(i) for i in ids))[:MAX_IDS]
    if not wanted:
        return []
    params = {"communities": wanted, "per_community": per_community}
    sizes = {r["community"]: r["size"] for r in store.run("community_sizes", **params)}
    topics = {r["community"]: r["names"] for r in store.run("community_topics", **params)}
    places = {
        r["community"]: list(dict.fromkeys(without_author_initials(n) for n in r["names"]))
        for r in store.run("community_institutions", **params)
    }
    return [
        CommunityName(
            id=c,
            size=sizes[c],
            top_topics=topics.get(c, []),
            top_institutions=places.get(c, []),
            label=label_of(topics.get(c, []), places.get(c, []), c),
        )
        for c in wanted
        if c in sizes
    ]
