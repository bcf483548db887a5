"""Resolve person mentions to HCPs: deterministic keys first, then the match model.

For a batch of mentions the resolver

1. keeps the resolution of any mention already in the store (re-ingest, resume, and
   review decisions are never redone);
2. looks up the deterministic keys (NPI, ORCID, CRM id, Open Payments profile id) among
   HCPs in the store and among the batch's earlier mentions;
3. otherwise scores the mention against every HCP in its block (same ``name_key``, or
   the same name with an umlaut written the other way: ``MentionIn.block_keys``) by
   the best pair probability with that HCP's mentions; at or above the model's
   ``accept`` threshold it joins that HCP, between ``review`` and ``accept`` it gets a new
   HCP and a review entry naming the candidate, below it gets a new HCP.

Mentions are resolved in the order given, each seeing the ones before it, so a
resumed run mints the same ids. An HCP merged away by a review decision carries
``merged_into``; lookups follow it to the surviving HCP.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from typing import Any

from kolgraph.config import RESOLUTION_PROFILES
from kolgraph.resolution.block_cache import MAX_PROFILES_PER_HCP, BlockCache
from kolgraph.resolution.features import conflicts_of
from kolgraph.resolution.known_identifiers import KnownIdentifiers
from kolgraph.resolution.mentions import KEYS, MentionIn, Resolution, mint_hcp_id
from kolgraph.resolution.model import MatchModel
from kolgraph.resolution.pair_scorer import PairScorer
from kolgraph.resolution.profiles import Profile
from kolgraph.store import GraphStore

SCORING_CHUNK = 2500  # mentions whose pairs are scored together (bounds the pairs held)
_MENTION = {"label": "Mention", "type": "RESOLVED_TO", "end": "HCP"}


class ResolutionIndex:
    """Decides which HCP each mention is, remembering what it decided for the next ones:
    the known HCPs' identifiers (:attr:`known`, a
    :class:`~kolgraph.resolution.known_identifiers.KnownIdentifiers`) and their mentions'
    profiles by name block (:attr:`cache`, a
    :class:`~kolgraph.resolution.block_cache.BlockCache`); pairs are scored by
    :attr:`scorer` (a :class:`~kolgraph.resolution.pair_scorer.PairScorer`).

    One index may serve a whole ingest run (pass it to :func:`resolve_mentions` for every
    batch): a block is read from the store the first time a batch needs it and kept up to
    date from then on by the run's own resolutions, so stored mentions are not read
    again; beyond ``max_profiles`` held profiles, blocks move to a spill file and come
    back from it.

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

    def __init__(
        self, model: MatchModel | None = None, *, max_profiles: int = RESOLUTION_PROFILES
    ) -> None:
        self.scorer = PairScorer(model)
        self.cache = BlockCache(max_profiles)
        self.known = KnownIdentifiers()

    def add(
        self,
        hcp_id: str,
        block: str,
        profile: Profile | None = None,
        identifiers: Mapping[str, Any] | None = None,
    ) -> None:
        """Register a known HCP (and one of its mentions) in the index; the mention's
        name is counted in :attr:`prior` (once per mention id)."""
        hcp_id = self.known.survivor(hcp_id)
        if profile is not None:
            self.scorer.prior.observe(profile)
        if block:
            self.cache.add(block, hcp_id, profile)
        self.known.learn(hcp_id, identifiers or {})

    def restore(self, keys: Iterable[str]) -> list[str]:
        """Bring the spilled blocks among ``keys`` back; return the keys still to be read
        from the store (never held, or dropped unread)."""
        keys = list(keys)
        found = self.cache.take(keys)
        for block, members in found.items():
            for hcp_id, profiles in members.items():
                self.add(hcp_id, block)
                for profile in profiles.values():
                    self.add(hcp_id, block, profile)
            self.cache.loaded.add(block)
        return [key for key in keys if key not in found]

    def close(self) -> None:
        """Remove the spill file (also done when the index is collected)."""
        self.cache.close()

    def best_candidate(
        self, mention: MentionIn, profile: Profile, scores: Mapping[str, float] | None = None
    ) -> tuple[str | None, float]:
        """The HCP in the mention's blocks scoring highest, and its score.

        A candidate is the best pair probability over its mentions; an HCP with any
        mention that cannot be this person (see :meth:`_stored_candidates`) is no
        candidate. ``scores`` holds pair probabilities already computed by mention id (see
        :meth:`resolve_batch`); the pairs it lacks are scored here, in one vectorised
        call."""
        owners: list[str] = []
        known: list[float | None] = []
        missing: list[tuple[Profile, Profile]] = []
        candidates = self._stored_candidates(mention, profile)
        for hcp_id in sorted(candidates):
            for p in candidates[hcp_id]:
                owners.append(hcp_id)
                score = scores.get(p.id) if scores is not None else None
                known.append(score)
                if score is None:
                    missing.append((profile, p))
        fresh = iter(self.scorer.probabilities(missing))
        best: tuple[str | None, float] = (None, 0.0)
        for hcp_id, score in zip(owners, known, strict=True):
            if score is None:
                score = next(fresh)
            if score > best[1]:  # ties: the first in id order
                best = (hcp_id, score)
        return best

    def resolve(
        self,
        mention: MentionIn,
        *,
        profile: Profile | None = None,
        scores: Mapping[str, float] | None = None,
    ) -> Resolution:
        """Resolve one mention and remember it for the next ones."""
        profile = profile or Profile.from_mention(mention)
        ids = {k: getattr(mention, k) for k in KEYS if getattr(mention, k)}
        if (found := self.known.hcp_of(mention)) is not None:
            kind, hcp_id = found
            self.add(hcp_id, mention.key, profile, ids)
            return Resolution(
                mention_id=mention.id,
                hcp_id=hcp_id,
                score=1.0,
                method=kind,  # type: ignore[arg-type]
                is_new=False,
            )
        candidate, score = (None, 0.0)
        if self.cache.holds_any(mention.block_keys):
            candidate, score = self.best_candidate(mention, profile, scores)
        if candidate is not None and score >= self.scorer.accept_for(profile):
            self.add(candidate, mention.key, profile, ids)
            return Resolution(
                mention_id=mention.id, hcp_id=candidate, score=score, method="model", is_new=False
            )
        hcp_id = mint_hcp_id(mention)
        self.add(hcp_id, mention.key, profile, ids)
        if candidate is not None and score >= self.scorer.model.review:
            return Resolution(
                mention_id=mention.id,
                hcp_id=hcp_id,
                score=1.0 - score,
                method="review",
                is_new=True,
                candidate_id=candidate,
                candidate_score=score,
            )
        return Resolution(
            mention_id=mention.id, hcp_id=hcp_id, score=1.0 - score, method="new", is_new=True
        )

    def _stored_candidates(
        self,
        mention: MentionIn,
        profile: Profile,
        conflicts: Callable[[Profile], bool] | None = None,
    ) -> dict[str, list[Profile]]:
        """HCP -> profiles, for the HCPs in the mention's blocks that may be this person:
        no identifier clash and no profile that cannot be the same person (``conflict``;
        ``conflicts`` is ``conflicts_of(profile)`` when the caller has it)."""
        found: dict[str, list[Profile]] = {}
        claimed = self.known.claimed(mention)
        conflicts = conflicts or conflicts_of(profile)
        own = profile.id
        # an HCP can clash only with a mention that carries an identifier
        clashes = self.known.clashes if any(getattr(mention, k) for k in KEYS) else None
        for hcp_id, members in self.cache.members(mention.block_keys).items():
            if claimed and hcp_id in claimed:
                continue
            profiles = (
                [p for p in members.values() if p.id != own]
                if own in members
                else list(members.values())
            )
            if (
                profiles
                and (clashes is None or not clashes(hcp_id, mention))
                and not any(map(conflicts, profiles))
            ):
                found[hcp_id] = profiles
        return found

    def _score(
        self,
        pairs: list[tuple[Profile, Profile]],
        where: list[tuple[int, str]],
        scores: list[dict[str, float]],
    ) -> None:
        if pairs:
            probabilities = self.scorer.probabilities(pairs)
            for (i, other), probability in zip(where, probabilities, strict=True):
                scores[i][other] = probability

    def _pair_scores(
        self, mentions: Sequence[MentionIn], profiles: Sequence[Profile], skip: set[int]
    ) -> tuple[list[dict[str, float]], list[str | None]]:
        """Probabilities of every pair a sequential pass will ask for, in two model calls,
        and per mention the HCP it joins without asking for more (or None).

        Mention ``i`` may be compared with any profile in its blocks now and with any
        earlier mention of the batch in the same blocks. The first call scores each
        candidate HCP's latest profile and the earlier mentions (but the pairs that cannot
        match, see ``features.conflict``). A mention whose blocks hold one candidate HCP,
        whose latest profile already reaches ``accept``, and whose earlier mentions of the
        batch in those blocks all join that HCP the same way, joins it whatever the HCP's
        other profiles score: the usual case of a person's next paper. The second call
        scores the remaining profiles of every other mention, so the pass decides as if
        every pair had been scored."""
        stored: list[dict[str, list[Profile]]] = [{} for _ in mentions]
        pairs: list[tuple[Profile, Profile]] = []
        where: list[tuple[int, str]] = []
        earlier: dict[str, list[int]] = defaultdict(list)
        for i, (mention, profile) in enumerate(zip(mentions, profiles, strict=True)):
            if not mention.key:
                continue
            if i not in skip and not self.known.knows_any(mention):
                conflicts = conflicts_of(profile)
                stored[i] = self._stored_candidates(mention, profile, conflicts)
                for candidates in stored[i].values():
                    latest = max(candidates, key=lambda p: p.id)
                    pairs.append((profile, latest))
                    where.append((i, latest.id))
                for key in mention.block_keys:
                    for j in earlier[key]:
                        if not conflicts(profiles[j]):
                            pairs.append((profile, profiles[j]))
                            where.append((i, profiles[j].id))
            earlier[mention.key].append(i)
        scores: list[dict[str, float]] = [{} for _ in mentions]
        self._score(pairs, where, scores)
        fast: list[str | None] = [None] * len(mentions)
        pairs, where = [], []
        earlier.clear()
        for i, mention in enumerate(mentions):
            if len(stored[i]) == 1:
                hcp_id = next(iter(stored[i]))
                if max(scores[i].values()) >= self.scorer.accept_for(profiles[i]) and all(
                    fast[j] == hcp_id and mentions[j].id in scores[i]
                    for key in mention.block_keys
                    for j in earlier[key]
                ):
                    fast[i] = hcp_id
            if fast[i] is None:
                for candidates in stored[i].values():
                    for p in candidates:
                        if p.id not in scores[i]:
                            pairs.append((profiles[i], p))
                            where.append((i, p.id))
            if mention.key:
                earlier[mention.key].append(i)
        self._score(pairs, where, scores)
        return scores, fast

    def resolve_batch(
        self, mentions: Sequence[MentionIn], done: Mapping[str, Resolution] | None = None
    ) -> list[Resolution]:
        """Resolve ``mentions`` in order, as :meth:`resolve` one by one would, but with
        the pair probabilities the pass needs computed up front (see :meth:`_pair_scores`).

        The decisions are those of :meth:`resolve`; a mention joining an HCP on its latest
        profile alone records that pair's probability as its score (at least ``accept``).
        ``done`` maps mention ids already resolved (in the store) to their resolution:
        those are kept and only registered in the index."""
        done = done or {}
        results: list[Resolution] = []
        self.known.start_batch(mentions)
        try:
            self._resolve_chunks(mentions, done, results)
        finally:
            self.known.end_batch()
        return results

    def _resolve_chunks(
        self,
        mentions: Sequence[MentionIn],
        done: Mapping[str, Resolution],
        results: list[Resolution],
    ) -> None:
        for start in range(0, len(mentions), SCORING_CHUNK):
            chunk = mentions[start : start + SCORING_CHUNK]
            profiles = [Profile.from_mention(m) for m in chunk]
            skip = {i for i, m in enumerate(chunk) if m.id in done}
            scores, fast = self._pair_scores(chunk, profiles, skip)
            for i, (mention, profile) in enumerate(zip(chunk, profiles, strict=True)):
                previous = done.get(mention.id)
                if previous is not None:
                    self.add(
                        previous.hcp_id,
                        mention.key,
                        profile,
                        {k: getattr(mention, k) for k in KEYS},
                    )
                    results.append(previous)
                elif (hcp_id := fast[i]) is not None:
                    results.append(self._join(mention, profile, hcp_id, scores[i]))
                else:
                    results.append(self.resolve(mention, profile=profile, scores=scores[i]))

    def _join(
        self, mention: MentionIn, profile: Profile, hcp_id: str, scores: Mapping[str, float]
    ) -> Resolution:
        """Join ``hcp_id``, the one candidate of the mention (``_pair_scores``), on the
        best score among its current profiles. Resolve the mention in full instead when
        the batch has since taught the index one of its identifiers or given the HCP a
        clashing one, or when the scored profiles were pushed out by newer ones."""
        ids = {k: getattr(mention, k) for k in KEYS if getattr(mention, k)}
        if (
            self.known.knows_any(mention)
            or self.known.clashes(hcp_id, mention)  # learnt earlier in the batch
            or hcp_id in self.known.claimed(mention)
        ):
            return self.resolve(mention, profile=profile)
        current = self.cache.members(mention.block_keys).get(hcp_id, {})
        score = max((scores[p] for p in current if p in scores), default=0.0)
        if score < self.scorer.accept_for(profile):
            return self.resolve(mention, profile=profile)
        self.add(hcp_id, mention.key, profile, ids)
        return Resolution(
            mention_id=mention.id, hcp_id=hcp_id, score=score, method="model", is_new=False
        )


def _chunks(values: list[Any], size: int = 2000) -> Iterable[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def load_candidates(
    store: GraphStore | None,
    index: ResolutionIndex,
    mentions: Sequence[MentionIn],
    unstored: Container[str] = (),
) -> dict[str, Resolution]:
    """Fill ``index`` from the store for ``mentions``; return the mentions already resolved.

    Blocks and identifiers the index already holds are not read again; mention ids in
    ``unstored`` are known not to be in the store and are not looked up. With ``store``
    None (a first load, whose store holds nothing yet) only the index's own spilled
    blocks are brought back: the same blocks and profiles as when every batch is written
    before the next, since such a run reads back only what its index already holds."""
    done: dict[str, Resolution] = {}
    if store is None:
        wanted = {key for m in mentions for key in m.block_keys}
        index.cache.evict(wanted)
        index.cache.loaded.update(index.restore(sorted(wanted - index.cache.loaded)))
        return done
    for chunk in _chunks([m.id for m in mentions if m.id not in unstored]):
        for row in store.run("mention_resolutions", _MENTION, ids=chunk):
            hcp_id = row["merged_into"] or row["hcp_id"]
            done[row["mention_id"]] = Resolution(
                mention_id=row["mention_id"],
                hcp_id=hcp_id,
                score=float(row["score"] or 0.0),
                method=row["method"] or "new",
                is_new=False,
                candidate_id=row["review_candidate"],
                candidate_score=row["review_score"],
            )
    for kind in KEYS:
        values = sorted(
            {
                str(getattr(m, kind))
                for m in mentions
                if getattr(m, kind)
                and m.id not in done
                and not index.known.knows(kind, getattr(m, kind))
            }
        )
        for chunk in _chunks(values):
            for row in store.run(
                "hcps_with_identifier", {"label": "HCP", "prop": kind}, values=chunk
            ):
                hcp_id = row["merged_into"] or row["hcp_id"]
                index.add(hcp_id, row["name_key"] or "", None, {kind: row["value"]})
    wanted = {key for m in mentions for key in m.block_keys}
    index.cache.evict(wanted)
    keys = index.restore(sorted(k for k in wanted if k not in index.cache.loaded))
    for chunk in _chunks(keys, 500):
        for row in store.run(
            "mentions_in_blocks", _MENTION, keys=chunk, per_hcp=MAX_PROFILES_PER_HCP
        ):
            if row["merged_into"]:
                index.known.merged_into[row["hcp_id"]] = row["merged_into"]
            props = row["props"]
            index.add(
                row["hcp_id"],
                props.get("name_key") or "",
                Profile.from_properties(row["mention_id"], props),
                {k: row.get(f"hcp_{k}") for k in KEYS},
            )
    index.cache.loaded.update(keys)
    return done


def resolve_mentions(
    store: GraphStore | None,
    mentions: Sequence[MentionIn],
    *,
    model: MatchModel | None = None,
    index: ResolutionIndex | None = None,
    unstored: Container[str] = (),
) -> list[Resolution]:
    """Resolve ``mentions`` against the HCPs in ``store`` and against each other.

    Parameters
    ----------
    store : GraphStore or None
        Read only: HCPs, their identifiers and their mentions in the same blocks. None
        when the store is known to hold nothing the run has not resolved itself (a first
        load): then only ``index`` is consulted.
    mentions : sequence of MentionIn
        In source order; ids must be stable (``mention:<source>:<record>:<n>``).
    model : MatchModel, optional
        Defaults to the shipped model (:func:`default_model`).
    index : ResolutionIndex, optional
        An index kept for a whole ingest run (see :class:`ResolutionIndex`): blocks read
        once per run instead of once per batch. Each batch resolved with it must be
        written before the next call. Default: a fresh index for this call.
    unstored : container of str, optional
        Ids of mentions the caller knows are not in the store (e.g. their record is new):
        they are resolved without looking up a stored resolution first.

    Returns
    -------
    list of Resolution
        One per mention, in the same order. The loader writes them (see
        :mod:`kolgraph.resolution.mentions`); nothing is written here.
    """
    index = index if index is not None else ResolutionIndex(model)
    done = load_candidates(store, index, mentions, unstored)
    return index.resolve_batch(mentions, done)


def resolve_offline(
    mentions: Sequence[MentionIn], *, model: MatchModel | None = None
) -> list[Resolution]:
    """Resolve mentions against each other only (no store): evaluation and tests.

    Examples
    --------
    >>> ms = [MentionIn(id=f"m{i}", source="x", name="J Doe", npi="1234567893") for i in (1, 2)]
    >>> [r.hcp_id for r in resolve_offline(ms)]
    ['npi:1234567893', 'npi:1234567893']
    """
    return ResolutionIndex(model).resolve_batch(mentions)
