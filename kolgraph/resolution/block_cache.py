"""The profiles of known HCPs by name block, held in memory up to a bound and moved to a
spill file on disk beyond it (:class:`BlockCache`).

A block (mentions sharing a ``name_key``) is read from the store the first time a batch
needs it and then kept up to date by the run's own resolutions. Per HCP and block the
``MAX_PROFILES_PER_HCP`` mentions with the greatest ids are kept, the same ones a read from
the store returns, so what the cache holds does not depend on when a block was read or
moved out.

Examples
--------
>>> from kolgraph.resolution.profiles import Profile
>>> cache = BlockCache(max_profiles=10)
>>> for n in range(7):
...     cache.add("wang w", "hcp:1", Profile(f"mention:pubmed:{n}:1", "wang", ("wei",)))
>>> sorted(cache.blocks["wang w"]["hcp:1"]), cache.n_profiles
(['mention:pubmed:2:1', 'mention:pubmed:3:1', 'mention:pubmed:4:1', 'mention:pubmed:5:1', \
'mention:pubmed:6:1'], 5)
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence

from kolgraph.config import RESOLUTION_PROFILES
from kolgraph.resolution.profiles import Profile
from kolgraph.resolution.spill import BlockSpill

logger = logging.getLogger(__name__)

MAX_PROFILES_PER_HCP = 5

Block = dict[str, dict[str, Profile]]
"""HCP id -> mention id -> profile."""


class BlockCache:
    """Blocks of profiles, least recently used first, bounded by ``max_profiles``.

    Once more than ``max_profiles`` profiles are held, whole blocks move, least recently
    used first, to a :class:`~kolgraph.resolution.spill.BlockSpill` on disk
    (:meth:`evict`) and come back from there when a batch needs them (:meth:`take`), so
    nothing is read from the store twice. The blocks of the current batch stay in memory,
    so the cache holds at least those, whatever the bound: a common name's block grows
    with the data.
    """

    def __init__(self, max_profiles: int = RESOLUTION_PROFILES) -> None:
        self.max_profiles = max_profiles
        # block -> HCP -> mention id -> profile (insertion order = least recently used first)
        self.blocks: OrderedDict[str, Block] = OrderedDict()
        self.loaded: set[str] = set()  # blocks read from the store (or the spill)
        self.n_profiles = 0
        self.over_bound = False  # warned that the kept blocks alone exceed max_profiles
        self.spill: BlockSpill | None = None  # made on the first move out
        self.n_spilled = 0  # blocks moved out (a block moved twice counts twice)
        self.n_restored = 0  # blocks brought back

    def _block(self, block: str) -> Block:
        members = self.blocks.get(block)
        if members is None:
            members = self.blocks[block] = {}
        else:
            self.blocks.move_to_end(block)
        return members

    def add(self, block: str, hcp_id: str, profile: Profile | None = None) -> None:
        """Hold ``hcp_id`` in ``block`` (marking the block recently used), and ``profile``
        among its latest ``MAX_PROFILES_PER_HCP`` mentions there."""
        profiles = self._block(block).setdefault(hcp_id, {})
        if profile is not None and profile.id not in profiles:
            profiles[profile.id] = profile
            self.n_profiles += 1
            if len(profiles) > MAX_PROFILES_PER_HCP:  # keep the greatest ids
                del profiles[min(profiles)]
                self.n_profiles -= 1

    def holds_any(self, keys: Iterable[str]) -> bool:
        """Whether any of the blocks ``keys`` holds an HCP."""
        return any(self.blocks.get(key) for key in keys)

    def members(self, keys: Sequence[str]) -> Mapping[str, Mapping[str, Profile]]:
        """HCP -> its profiles, over the blocks of ``keys`` (a mention's ``block_keys``)."""
        if len(keys) == 1:
            return self.blocks.get(keys[0], {})
        members: Block = {}
        for key in keys:
            for hcp_id, profiles in self.blocks.get(key, {}).items():
                members[hcp_id] = {**members.get(hcp_id, {}), **profiles}
        return members

    def evict(self, keep: set[str]) -> None:
        """Move least recently used blocks (not in ``keep``) to the spill while over
        ``max_profiles``.

        A block never read from the store (only HCPs found by an identifier, no profiles
        of this run) is dropped instead: it is read from the store when needed. When the
        blocks in ``keep`` alone hold more, the cache stays over the bound and says so once
        (a warning naming the setting)."""
        moving: dict[str, Block] = {}
        for block in list(self.blocks):
            if self.n_profiles <= self.max_profiles:
                break
            if block in keep:
                continue
            members = self.blocks.pop(block)
            self.n_profiles -= sum(map(len, members.values()))
            if block in self.loaded:
                self.loaded.discard(block)
                moving[block] = members
        if moving:
            if self.spill is None:
                self.spill = BlockSpill()
            self.spill.put(moving)
            self.n_spilled += len(moving)
        if self.n_profiles > self.max_profiles and not self.over_bound:
            self.over_bound = True
            logger.warning(
                "the resolver holds %d mention profiles, over resolution_profiles=%d: the name "
                "blocks of the current batch alone hold more, and they stay in memory; "
                "raise resolution_profiles or lower the batch size",
                self.n_profiles,
                self.max_profiles,
            )

    def take(self, keys: Sequence[str]) -> dict[str, Block]:
        """The spilled blocks among ``keys``, removed from the spill (counted as restored;
        the caller adds them back, see ``ResolutionIndex.restore``)."""
        if self.spill is None or not keys:
            return {}
        found = self.spill.take(keys)
        self.n_restored += len(found)
        return found

    def close(self) -> None:
        """Remove the spill file (also done when the cache is collected)."""
        if self.spill is not None:
            self.spill.close()
            self.spill = None
