"""Writing resolved person mentions into a batch, the same way for every loader."""

from __future__ import annotations

from kolgraph.ingest.batch import GraphBatch
from kolgraph.resolution import (
    MentionIn,
    Resolution,
    hcp_properties,
    mention_properties,
    resolved_to_properties,
)


def add_mention(batch: GraphBatch, mention: MentionIn, resolution: Resolution) -> None:
    """Add the Mention node, its HCP and the RESOLVED_TO link between them.

    Examples
    --------
    >>> from kolgraph.resolution import resolve_offline
    >>> m = MentionIn(id="mention:nppes:1:1", source="nppes", name="Jane Doe", npi="1234567893")
    >>> b = GraphBatch()
    >>> add_mention(b, m, resolve_offline([m])[0])
    >>> sorted(b.nodes), b.nodes["HCP"]["npi:1234567893"]["name_key"]
    (['HCP', 'Mention'], 'doe j')
    """
    batch.node(
        "Mention",
        mention.id,
        source_id=mention.id.split(":", 2)[-1],
        **mention_properties(mention, resolution),
    )
    batch.node("HCP", resolution.hcp_id, **hcp_properties(mention))
    batch.rel(
        "Mention",
        mention.id,
        "RESOLVED_TO",
        "HCP",
        resolution.hcp_id,
        **resolved_to_properties(resolution),
    )
