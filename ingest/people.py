"""Every person a loader meets becomes a Mention resolved to an HCP, here.

Loaders build :class:`MentionIn` values for one batch, call :func:`resolve_people` once
and get back the HCP id of every mention; the Mention nodes, their HCPs and the
``RESOLVED_TO`` links are already in the batch.
"""

from __future__ import annotations

from collections.abc import Sequence

from kolgraph.ingest.batch import GraphBatch
from kolgraph.ingest.mentions import add_mention
from kolgraph.resolution import MentionIn, resolve_mentions
from kolgraph.store import GraphStore


def resolve_people(
    store: GraphStore, batch: GraphBatch, mentions: Sequence[MentionIn]
) -> dict[str, str]:
    """Resolve ``mentions`` (in source order) and add them to ``batch``.

    Returns
    -------
    dict
        Mention id -> HCP id.
    """
    if not mentions:
        return {}
    resolutions = resolve_mentions(store, mentions)
    for mention, resolution in zip(mentions, resolutions, strict=True):
        add_mention(batch, mention, resolution)
    return {r.mention_id: r.hcp_id for r in resolutions}


def mention_id(source: str, record: str, position: int = 1) -> str:
    """``mention:<source>:<record>:<n>`` (docs/schema.md).

    Examples
    --------
    >>> mention_id("nppes", "1679576722")
    'mention:nppes:1679576722:1'
    """
    return f"mention:{source}:{record}:{position}"
