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

import logging
from collections import OrderedDict, defaultdict
from collections.abc import Container, Iterable, Mapping, Sequence
from typing import Any

from kolgraph.config import RESOLUTION_PROFILES
from kolgraph.resolution.corroboration import corroborate
from kolgraph.resolution.features import conflict, record_of
from kolgraph.resolution.mentions import KEYS, MentionIn, Resolution, mint_hcp_id
from kolgraph.resolution.model import MatchModel, default_model
from kolgraph.resolution.name_prior import NamePrior
from kolgraph.resolution.profiles import Profile
from kolgraph.resolution.spill import BlockSpill
from kolgraph.store import GraphStore

logger = logging.getLogger(__name__)

MAX_PROFILES_PER_HCP = 5
SCORING_CHUNK = 500  # mentions whose pairs are scored together (bounds the pairs held)
_MENTION = {"label": "Mention", "type": "RESOLVED_TO", "end": "HCP"}


class ResolutionIndex:
    """Known HCPs by identifier and by block, with their mentions' profiles.

    One index may serve a whole ingest run (pass it to :func:`resolve_mentions` for every
    batch): a block is read from the store the first time a batch needs it and kept up to
    date from then on by the run's own resolutions, so stored mentions are not read
    again. Per HCP and block it keeps the ``MAX_PROFILES_PER_HCP`` mentions with the
    greatest ids, the same ones a read from the store returns, so what the index holds
    does not depend on when a block was read or moved out. Once more than
    ``max_profiles`` profiles are held, whole blocks move, least recently used first, to a
    :class:`~kolgraph.resolution.spill.BlockSpill` on disk, and come back from there
    when a batch needs them, so nothing is read from the store twice. The blocks of the
    current batch stay in memory, so the index holds at least those, whatever the bound:
    a common name's block grows with the data.

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
        self._model = model
        self.max_profiles = max_profiles
        self.by_key: dict[tuple[str, str], str] = {}
        # block -> HCP -> mention id -> profile (insertion order = least recently used first)
        self.blocks: OrderedDict[str, dict[str, dict[str, Profile]]] = OrderedDict()
        self.loaded: set[str] = set()
        self.identifiers: dict[str, dict[str, str]] = defaultdict(dict)
        self.merged_into: dict[str, str] = {}
        self.n_profiles = 0
        self.over_bound = False  # warned that the kept blocks alone exceed max_profiles
        self.spill: BlockSpill | None = None  # made on the first move out
        self.n_spilled = 0  # blocks moved out (a block moved twice counts twice)
        self.n_restored = 0  # blocks brought back
        # record -> [(mention id, key kind, value)] of the current batch's authors
        self._record_ids: dict[str, list[tuple[str, str, str]]] = {}
        self._prior: NamePrior | None = None

    @property
    def model(self) -> MatchModel:
        if self._model is None:
            self._model = default_model()
        return self._model

    @property
    def prior(self) -> NamePrior:
        """Name counts: the model's shipped table plus every mention this index saw."""
        if self._prior is None:
            self._prior = NamePrior(self.model.vocabulary)
        return self._prior

    def probabilities(self, pairs: Sequence[tuple[Profile, Profile]]) -> list[float]:
        """Model probabilities of ``pairs``, a name-only pair on a family name no table
        holds kept below ``accept`` (:meth:`NamePrior.cap`), and a pair outside the
        model's training source that shares a co-author or e-mail under the same written
        name raised to ``accept`` (:func:`~kolgraph.resolution.corroboration.corroborate`)."""
        if not pairs:
            return []
        model = self.model
        x = model.features_many(pairs)
        capped = self.prior.cap(pairs, x, model.probabilities(x), model.accept)
        return corroborate(pairs, capped, model.accept, self.prior)

    def survivor(self, hcp_id: str) -> str:
        """Follow ``merged_into`` links to the HCP that stands for ``hcp_id`` now."""
        seen = {hcp_id}
        while hcp_id in self.merged_into:
            hcp_id = self.merged_into[hcp_id]
            if hcp_id in seen:
                break
            seen.add(hcp_id)
        return hcp_id

    def _block(self, block: str) -> dict[str, dict[str, Profile]]:
        members = self.blocks.get(block)
        if members is None:
            members = self.blocks[block] = {}
        else:
            self.blocks.move_to_end(block)
        return members

    def add(
        self,
        hcp_id: str,
        block: str,
        profile: Profile | None = None,
        identifiers: Mapping[str, Any] | None = None,
    ) -> None:
        """Register a known HCP (and one of its mentions) in the index; the mention's
        name is counted in :attr:`prior` (once per mention id)."""
        hcp_id = self.survivor(hcp_id)
        if profile is not None:
            self.prior.observe(profile)
        if block:
            profiles = self._block(block).setdefault(hcp_id, {})
            if profile is not None and profile.id not in profiles:
                profiles[profile.id] = profile
                self.n_profiles += 1
                if len(profiles) > MAX_PROFILES_PER_HCP:  # keep the greatest ids
                    del profiles[min(profiles)]
                    self.n_profiles -= 1
        for kind, value in (identifiers or {}).items():
            if value and kind in KEYS:
                self.by_key.setdefault((kind, str(value)), hcp_id)
                self.identifiers[hcp_id].setdefault(kind, str(value))

    def evict(self, keep: set[str]) -> None:
        """Move least recently used blocks (not in ``keep``) to the spill while over
        ``max_profiles``.

        A block never read from the store (only HCPs found by an identifier, no profiles
        of this run) is dropped instead: it is read from the store when needed. When the
        blocks in ``keep`` alone hold more, the index stays over the bound and says so once
        (a warning naming the setting)."""
        moving: dict[str, dict[str, dict[str, Profile]]] = {}
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

    def restore(self, keys: Iterable[str]) -> list[str]:
        """Bring the spilled blocks among ``keys`` back; return the keys still to be read
        from the store (never held, or dropped unread)."""
        keys = list(keys)
        if self.spill is None or not keys:
            return keys
        found = self.spill.take(keys)
        for block, members in found.items():
            for hcp_id, profiles in members.items():
                self.add(hcp_id, block)
                for profile in profiles.values():
                    self.add(hcp_id, block, profile)
            self.loaded.add(block)
        self.n_restored += len(found)
        return [key for key in keys if key not in found]

    def close(self) -> None:
        """Remove the spill file (also done when the index is collected)."""
        if self.spill is not None:
            self.spill.close()
            self.spill = None

    def _identifier_clash(self, hcp_id: str, mention: MentionIn) -> bool:
        known = self.identifiers.get(hcp_id)
        if not known:
            return False
        return any(
            getattr(mention, k) and known.get(k) and known[k] != getattr(mention, k) for k in KEYS
        )

    def _claimed(self, mention: MentionIn) -> set[str]:
        """HCPs that another author of the mention's record is, by an identifier the
        index knows: the mention cannot be one of them (two authors of one record are two
        people), though the co-author may come later in the record and join only then."""
        record = record_of(mention)
        claimed: set[str] = set()
        for other, kind, value in self._record_ids.get(record, ()) if record else ():
            hcp_id = self.by_key.get((kind, value))
            if other != mention.id and hcp_id is not None:
                claimed.add(self.survivor(hcp_id))
        return claimed

    def _members(self, keys: Sequence[str]) -> Mapping[str, Mapping[str, Profile]]:
        """HCP -> its profiles, over the blocks of ``keys`` (a mention's ``block_keys``)."""
        if len(keys) == 1:
            return self.blocks.get(keys[0], {})
        members: dict[str, dict[str, Profile]] = {}
        for key in keys:
            for hcp_id, profiles in self.blocks.get(key, {}).items():
                members[hcp_id] = {**members.get(hcp_id, {}), **profiles}
        return members

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
        fresh = iter(self.probabilities(missing))
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
        for kind, value in ids.items():
            hcp_id = self.by_key.get((kind, str(value)))
            if hcp_id is not None:
                hcp_id = self.survivor(hcp_id)
                self.add(hcp_id, mention.key, profile, ids)
                return Resolution(
                    mention_id=mention.id,
                    hcp_id=hcp_id,
                    score=1.0,
                    method=kind,  # type: ignore[arg-type]
                    is_new=False,
                )
        candidate, score = (None, 0.0)
        if any(self.blocks.get(key) for key in mention.block_keys):
            candidate, score = self.best_candidate(mention, profile, scores)
        if candidate is not None and score >= self.model.accept:
            self.add(candidate, mention.key, profile, ids)
            return Resolution(
                mention_id=mention.id, hcp_id=candidate, score=score, method="model", is_new=False
            )
        hcp_id = mint_hcp_id(mention)
        self.add(hcp_id, mention.key, profile, ids)
        if candidate is not None and score >= self.model.review:
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

    def _stored_candidates(self, mention: MentionIn, profile: Profile) -> dict[str, list[Profile]]:
        """HCP -> profiles, for the HCPs in the mention's blocks that may be this person:
        no identifier clash and no profile that cannot be the same person (``conflict``)."""
        found: dict[str, list[Profile]] = {}
        claimed = self._claimed(mention)
        for hcp_id, members in self._members(mention.block_keys).items():
            profiles = [p for p in members.values() if p.id != profile.id]
            if (
                profiles
                and hcp_id not in claimed
                and not self._identifier_clash(hcp_id, mention)
                and not any(conflict(profile, p) for p in profiles)
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
            probabilities = self.probabilities(pairs)
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
            if i not in skip and not any(
                (k, str(getattr(mention, k))) in self.by_key for k in KEYS if getattr(mention, k)
            ):
                stored[i] = self._stored_candidates(mention, profile)
                for candidates in stored[i].values():
                    latest = max(candidates, key=lambda p: p.id)
                    pairs.append((profile, latest))
                    where.append((i, latest.id))
                for key in mention.block_keys:
                    for j in earlier[key]:
                        if not conflict(profile, profiles[j]):
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
                if max(scores[i].values()) >= self.model.accept and all(
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
        self._record_ids = _identifiers_by_record(mentions)
        try:
            self._resolve_chunks(mentions, done, results)
        finally:
            self._record_ids = {}
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
            any((k, str(v)) in self.by_key for k, v in ids.items())
            or self._identifier_clash(hcp_id, mention)  # learnt earlier in the batch
            or hcp_id in self._claimed(mention)
        ):
            return self.resolve(mention, profile=profile)
        current = self._members(mention.block_keys).get(hcp_id, {})
        score = max((scores[p] for p in current if p in scores), default=0.0)
        if score < self.model.accept:
            return self.resolve(mention, profile=profile)
        self.add(hcp_id, mention.key, profile, ids)
        return Resolution(
            mention_id=mention.id, hcp_id=hcp_id, score=score, method="model", is_new=False
        )


def _identifiers_by_record(mentions: Iterable[MentionIn]) -> dict[str, list[tuple[str, str, str]]]:
    """Record -> (mention id, key kind, value) of each identifier its authors carry."""
    found: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for mention in mentions:
        record = record_of(mention)
        if record is None:
            continue
        for kind in KEYS:
            if value := getattr(mention, kind):
                found[record].append((mention.id, kind, str(value)))
    return found


def _chunks(values: list[Any], size: int = 2000) -> Iterable[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def load_candidates(
    store: GraphStore,
    index: ResolutionIndex,
    mentions: Sequence[MentionIn],
    unstored: Container[str] = (),
) -> dict[str, Resolution]:
    """Fill ``index`` from the store for ``mentions``; return the mentions already resolved.

    Blocks and identifiers the index already holds are not read again; mention ids in
    ``unstored`` are known not to be in the store and are not looked up."""
    done: dict[str, Resolution] = {}
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
                and (kind, str(getattr(m, kind))) not in index.by_key
            }
        )
        for chunk in _chunks(values):
            for row in store.run(
                "hcps_with_identifier", {"label": "HCP", "prop": kind}, values=chunk
            ):
                hcp_id = row["merged_into"] or row["hcp_id"]
                index.add(hcp_id, row["name_key"] or "", None, {kind: row["value"]})
    wanted = {key for m in mentions for key in m.block_keys}
    index.evict(wanted)
    keys = index.restore(sorted(k for k in wanted if k not in index.loaded))
    for chunk in _chunks(keys, 500):
        for row in store.run(
            "mentions_in_blocks", _MENTION, keys=chunk, per_hcp=MAX_PROFILES_PER_HCP
        ):
            if row["merged_into"]:
                index.merged_into[row["hcp_id"]] = row["merged_into"]
            props = row["props"]
            index.add(
                row["hcp_id"],
                props.get("name_key") or "",
                Profile.from_properties(row["mention_id"], props),
                {k: row.get(f"hcp_{k}") for k in KEYS},
            )
    index.loaded.update(keys)
    return done


def resolve_mentions(
    store: GraphStore,
    mentions: Sequence[MentionIn],
    *,
    model: MatchModel | None = None,
    index: ResolutionIndex | None = None,
    unstored: Container[str] = (),
) -> list[Resolution]:
    """Resolve ``mentions`` against the HCPs in ``store`` and against each other.

    Parameters
    ----------
    store : GraphStore
        Read only: HCPs, their identifiers and their mentions in the same blocks.
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
