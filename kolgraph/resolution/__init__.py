"""Identity resolution: one HCP per real person, however many sources mention them.

Public interface for loaders::

    from kolgraph.resolution import MentionIn, resolve_mentions
    resolutions = resolve_mentions(store, mentions)   # reads the store, writes nothing

then write each mention with ``kolgraph.ingest.mentions.add_mention(batch, m, r)`` (or the
properties from :func:`mention_properties`, :func:`hcp_properties`,
:func:`resolved_to_properties`). See docs/resolution.md.
"""

from kolgraph.resolution.mentions import (
    MentionIn,
    Resolution,
    hcp_properties,
    mention_properties,
    mint_hcp_id,
    resolved_to_properties,
)
from kolgraph.resolution.names import name_key, split_name
from kolgraph.resolution.resolver import ResolutionIndex, resolve_mentions, resolve_offline

__all__ = [
    "MentionIn",
    "Resolution",
    "ResolutionIndex",
    "hcp_properties",
    "mention_properties",
    "mint_hcp_id",
    "name_key",
    "resolve_mentions",
    "resolve_offline",
    "resolved_to_properties",
    "split_name",
]
