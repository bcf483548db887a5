"""Resolve person mentions to HCPs: deterministic keys first, then the match model.

For a batch of mentions the resolver

1. keeps the resolution of any mention already in the store (re-ingest, resume, and
   review decisions are never redone);
2. looks up the deterministic keys (NPI, ORCID, CRM id, Open Payments profile id) among
   HCPs in the store and among the batch's earlier mentions;
3. otherwise scores the mention against every HCP in its block (same ``name_key``) by
   the best pair probability with that HCP's mentions; at or above the model's
   ``accept`` threshold it joins that HCP, between ``review`` and ``accept`` it gets a new
   HCP and a review entry naming the candidate, below it gets a new HCP.

Mentions are resolved in the order given, each seeing the ones before it, so a
resumed run mints the same ids. An HCP merged away by a review decision carries
``merged_into``; lookups follow it to the surviving HCP.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kolgraph.resolution.features import conflict
from kolgraph.resolution.mentions import KEYS, MentionIn, Resolution, mint_hcp_id
from kolgraph.resolution.model import MatchModel, default_model
from kolgraph.resolution.profiles import Profile
from kolgraph.store import GraphStore

logger = logging.getLogger(__name__)

MAX_PROFILES_PER_HCP = 50
_MENTION = {"label": "Mention", "type": "RESOLVED_TO", "end": "HCP"}


class ResolutionIndex:
    """Known HCPs by identifier and by block, with their mentions' profiles.

    Examples
    --------
    >>> index = ResolutionIndex(model=None)
    >>> r = index.resolve(MentionIn(id="mention:x:1:1", source="x", name="Ada Byron",
    ...                             orcid="0000-0001-2345-6789"))
    >>> r.hcp_id, r.method, r.is_new
    ('orcid:0000-0001-2345-6789', 'new', True)
    >>> index.resolve(MentionIn(id="mention:y:9:2", source="y", name="A. Byron",
    ...                         orcid="0000-0001-2345-6789")).method
    'orcid'
    """

    def __init__(self, model: MatchModel | None = None) -> None:
        self._model = model
        self.by_key: dict[tuple[str, str], str] = {}
        self.blocks: dict[str, set[str]] = defaultdict(set)
        self.profiles: dict[str, list[Profile]] = defaultdict(list)
        self.identifiers: dict[str, dict[str, str]] = defaultdict(dict)
        self.merged_into: dict[str, str] = {}

    @property
    def model(self) -> MatchModel:
        if self._model is None:
            self._model = default_model()
        return self._model

    def survivor(self, hcp_id: str) -> str:
        """Follow ``merged_into`` links to the HCP that stands for ``hcp_id`` now."""
        seen = {hcp_id}
        while hcp_id in self.merged_into:
            hcp_id = self.merged_into[hcp_id]
            if hcp_id in seen:
                break
            seen.add(hcp_id)
        return hcp_id

    def add(self, hcp_id: str, block: str, profile: Profile | None = None,
            identifiers: Mapping[str, Any] | None = None) -> None:
        """Register a known HCP (and one of its mentions) in the index."""
        hcp_id = self.survivor(hcp_id)
        if block:
            self.blocks[block].add(hcp_id)
        if profile is not None and len(self.profiles[hcp_id]) < MAX_PROFILES_PER_HCP:
            self.profiles[hcp_id].append(profile)
        for kind, value in (identifiers or {}).items():
            if value and kind in KEYS:
                self.by_key.setdefault((kind, str(value)), hcp_id)
                self.identifiers[hcp_id].setdefault(kind, str(value))

    def _identifier_clash(self, hcp_id: str, mention: MentionIn) -> bool:
        known = self.identifiers.get(hcp_id, {})
        return any(getattr(mention, k) and known.get(k) and known[k] != getattr(mention, k)
                   for k in KEYS)

    def best_candidate(self, mention: MentionIn, profile: Profile) -> tuple[str | None, float]:
        """The HCP in the mention's block scoring highest, and its score."""
        best: tuple[str | None, float] = (None, 0.0)
        for hcp_id in sorted(self.blocks.get(mention.key, ())):
            if self._identifier_clash(hcp_id, mention):
                continue
            others = [p for p in self.profiles.get(hcp_id, ()) if not conflict(profile, p)]
            if len(others) < len(self.profiles.get(hcp_id, ())):
                continue  # one of its mentions cannot be this person
            score = max((self.model.probability(profile, p) for p in others), default=0.0)
            if score > best[1]:
                best = (hcp_id, score)
        return best

    def resolve(self, mention: MentionIn) -> Resolution:
        """Resolve one mention and remember it for the next ones."""
        profile = Profile.from_mention(mention)
        ids = {k: getattr(mention, k) for k in KEYS if getattr(mention, k)}
        for kind, value in ids.items():
            hcp_id = self.by_key.get((kind, str(value)))
            if hcp_id is not None:
                hcp_id = self.survivor(hcp_id)
                self.add(hcp_id, mention.key, profile, ids)
                return Resolution(mention_id=mention.id, hcp_id=hcp_id, score=1.0,
                                  method=kind, is_new=False)  # type: ignore[arg-type]
        candidate, score = (None, 0.0)
        if mention.key and self.blocks.get(mention.key):
            candidate, score = self.best_candidate(mention, profile)
        if candidate is not None and score >= self.model.accept:
            self.add(candidate, mention.key, profile, ids)
            return Resolution(mention_id=mention.id, hcp_id=candidate, score=score,
                              method="model", is_new=False)
        hcp_id = mint_hcp_id(mention)
        self.add(hcp_id, mention.key, profile, ids)
        if candidate is not None and score >= self.model.review:
            return Resolution(mention_id=mention.id, hcp_id=hcp_id, score=1.0 - score,
                              method="review", is_new=True, candidate_id=candidate,
                              candidate_score=score)
        return Resolution(mention_id=mention.id, hcp_id=hcp_id, score=1.0 - score,
                          method="new", is_new=True)


def _chunks(values: list[Any], size: int = 2000) -> Iterable[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def load_candidates(store: GraphStore, index: ResolutionIndex,
                    mentions: Sequence[MentionIn]) -> dict[str, Resolution]:
    """Fill ``index`` from the store for ``mentions``; return the mentions already resolved."""
    done: dict[str, Resolution] = {}
    for chunk in _chunks([m.id for m in mentions]):
        for row in store.run("mention_resolutions", _MENTION, ids=chunk):
            hcp_id = row["merged_into"] or row["hcp_id"]
            done[row["mention_id"]] = Resolution(
                mention_id=row["mention_id"], hcp_id=hcp_id, score=float(row["score"] or 0.0),
                method=row["method"] or "new", is_new=False,
                candidate_id=row["review_candidate"], candidate_score=row["review_score"])
    for kind in KEYS:
        values = sorted({str(getattr(m, kind)) for m in mentions
                         if getattr(m, kind) and m.id not in done})
        for chunk in _chunks(values):
            for row in store.run("hcps_with_identifier", {"label": "HCP", "prop": kind},
                                 values=chunk):
                hcp_id = row["merged_into"] or row["hcp_id"]
                index.add(hcp_id, row["name_key"] or "", None, {kind: row["value"]})
    keys = sorted({m.key for m in mentions if m.key and m.id not in done})
    for chunk in _chunks(keys, 500):
        for row in store.run("mentions_in_blocks", _MENTION, keys=chunk):
            if row["merged_into"]:
                index.merged_into[row["hcp_id"]] = row["merged_into"]
            props = row["props"]
            index.add(row["hcp_id"], props.get("name_key") or "",
                      Profile.from_properties(row["mention_id"], props),
                      {k: row.get(f"hcp_{k}") for k in KEYS})
    return done


def resolve_mentions(store: GraphStore, mentions: Sequence[MentionIn], *,
                     model: MatchModel | None = None) -> list[Resolution]:
    """Resolve ``mentions`` against the HCPs in ``store`` and against each other.

    Parameters
    ----------
    store : GraphStore
        Read only: HCPs, their identifiers and their mentions in the same blocks.
    mentions : sequence of MentionIn
        In source order; ids must be stable (``mention:<source>:<record>:<n>``).
    model : MatchModel, optional
        Defaults to the shipped model (:func:`default_model`).

    Returns
    -------
    list of Resolution
        One per mention, in the same order. The loader writes them (see
        :mod:`kolgraph.resolution.mentions`); nothing is written here.
    """
    index = ResolutionIndex(model)
    done = load_candidates(store, index, mentions)
    results: list[Resolution] = []
    for mention in mentions:
        previous = done.get(mention.id)
        if previous is not None:
            index.add(previous.hcp_id, mention.key, Profile.from_mention(mention),
                      {k: getattr(mention, k) for k in KEYS})
            results.append(previous)
        else:
            results.append(index.resolve(mention))
    return results


def resolve_offline(mentions: Sequence[MentionIn], *,
                    model: MatchModel | None = None) -> list[Resolution]:
    """Resolve mentions against each other only (no store): evaluation and tests.

    Examples
    --------
    >>> ms = [MentionIn(id=f"m{i}", source="x", name="J Doe", npi="1234567893") for i in (1, 2)]
    >>> [r.hcp_id for r in resolve_offline(ms)]
    ['npi:1234567893', 'npi:1234567893']
    """
    index = ResolutionIndex(model)
    return [index.resolve(m) for m in mentions]
