"""How likely two profiles are one person, as the resolver decides on it
(:class:`PairScorer`): the match model's probability, held below ``accept`` for a
name-only pair on a name no table holds (:mod:`~kolgraph.resolution.name_prior`), raised
to ``accept`` for a pair outside the model's training source that shares a co-author,
e-mail or venue under the same written name (:mod:`~kolgraph.resolution.corroboration`).

Examples
--------
>>> from kolgraph.resolution.affiliations import AffiliationIdf
>>> from kolgraph.resolution.features import FEATURES
>>> from kolgraph.resolution.model import MatchModel
>>> from kolgraph.resolution.profiles import Profile
>>> model = MatchModel(kind="logistic", intercept=0.0, coef=[0.0] * len(FEATURES),
...                    idf=AffiliationIdf({}, 1.0))
>>> a, b = Profile("a", "smith", ("john",)), Profile("b", "smith", ("john",))
>>> PairScorer(model).probabilities([(a, b)])
[0.5]
"""

from __future__ import annotations

from collections.abc import Sequence

from kolgraph.resolution.corroboration import corroborate
from kolgraph.resolution.model import MatchModel, default_model
from kolgraph.resolution.name_prior import NamePrior
from kolgraph.resolution.profiles import Profile


class PairScorer:
    """The match model (the shipped one unless given) and the name counts of a run."""

    def __init__(self, model: MatchModel | None = None) -> None:
        self._model = model
        self._prior: NamePrior | None = None
        # accept thresholds by family name, while the prior has counted this many mentions
        self._accepts: dict[str, float] = {}
        self._accepts_at = -1

    @property
    def model(self) -> MatchModel:
        """The match model (loaded when first needed)."""
        if self._model is None:
            self._model = default_model()
        return self._model

    @property
    def prior(self) -> NamePrior:
        """Name counts: the model's shipped table plus every mention the run observed."""
        if self._prior is None:
            self._prior = NamePrior(self.model.vocabulary)
        return self._prior

    def accept_for(self, profile: Profile) -> float:
        """The accept threshold of the mention ``profile`` is decided for: the model's
        threshold for its name block's ambiguity (the family name's share of every
        mention the prior counts; ``MatchModel.accept_for_share``). Kept per family name
        until the prior counts another mention."""
        model = self.model
        if not model.block_accept:
            return model.accept
        prior = self.prior
        if len(prior.observed) != self._accepts_at:  # the counts moved: shares did too
            self._accepts.clear()
            self._accepts_at = len(prior.observed)
        found = self._accepts.get(profile.family)
        if found is None:
            found = self._accepts[profile.family] = model.accept_for_share(
                prior.family_share(profile.family)
            )
        return found

    def probabilities(self, pairs: Sequence[tuple[Profile, Profile]]) -> list[float]:
        """Probabilities of ``pairs`` (see the module): one feature matrix, one call of
        the model. Each pair is held below, or raised to, the accept threshold of its
        first profile, the mention being decided (:meth:`accept_for`)."""
        if not pairs:
            return []
        model = self.model
        x = model.features_many(pairs)
        accepts = [self.accept_for(a) for a, _ in pairs]
        capped = self.prior.cap(pairs, x, model.probabilities(x), accepts)
        return corroborate(pairs, capped, accepts, self.prior)
