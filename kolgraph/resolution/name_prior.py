"""How common a name is, over the shipped corpus and the data loaded, and the rule for
names never seen.

Three counts per name: the family key, the family key with the first initial (the
blocking ``name_key``) and the family key with the written-out first name. They start
from the table shipped with the model (``Vocabulary``: MEDLINE author mentions) and grow
with every mention the resolver sees (:meth:`NamePrior.observe`: the run's mentions and
the stored mentions read back in their blocks).

A family name that no table holds, apart from the two mentions being compared, has an
*unknown* prevalence, which is not the same as a rare one: the model's name-frequency
features read 0 for it, as for a genuinely rare name, and would let a name alone carry
the merge. :func:`name_only_rows` finds the pairs with nothing but the name in common;
:meth:`NamePrior.cap` keeps those pairs with an unseen family name below ``accept``,
so they become review entries, never merges.

Examples
--------
>>> from kolgraph.resolution.vocabulary import Vocabulary
>>> prior = NamePrior(Vocabulary(families={"smith": 40}))
>>> prior.family_count("smith"), prior.family_count("zqxw")
(40, 0)
>>> prior.observe(Profile("m1", "zqxw", ("anna",)))
>>> prior.family_count("zqxw"), prior.seen_besides("zqxw", 1), prior.seen_besides("zqxw", 0)
(1, False, True)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from kolgraph.resolution.features import FEATURES
from kolgraph.resolution.profiles import Profile
from kolgraph.resolution.vocabulary import Vocabulary

UNSEEN_MARGIN = 0.001
"""A name-only pair on an unseen family name scores at most ``accept - UNSEEN_MARGIN``."""

_COL = {name: i for i, name in enumerate(FEATURES)}
EVIDENCE: tuple[tuple[str, float], ...] = (
    ("email_equal", 0.5),
    ("orcid_equal", 0.5),
    ("shared_coauthors", 1e-9),
    ("coauthor_fullname_shared", 1e-9),
    ("self_citation", 0.5),
    ("shared_references", 1e-9),
    ("shared_grants", 1e-9),
    ("affiliation_similarity", 0.3),
    ("record_affiliation_similarity", 0.5),
    ("journal_equal", 0.5),
    ("mesh_similarity", 0.3),
    ("abstract_similarity", 0.2),
    ("text_similarity", 0.2),
)
"""(feature, lowest value) pairs: a pair reaching any of them shares something besides
the name: an identifier or e-mail, a co-author, a citation or reference, a grant, an
affiliation, the journal, or the field (MeSH, title and abstract words)."""


def name_only_rows(x: np.ndarray) -> np.ndarray:
    """Boolean per row of a feature matrix: True when the pair shares nothing but the
    name (no :data:`EVIDENCE` feature reaches its value).

    >>> x = np.zeros((2, len(FEATURES))); x[1, _COL["shared_coauthors"]] = 0.69
    >>> name_only_rows(x).tolist()
    [True, False]
    """
    if len(x) == 0:
        return np.zeros(0, dtype=bool)
    evidence = np.zeros(len(x), dtype=bool)
    for name, low in EVIDENCE:
        evidence |= x[:, _COL[name]] >= low
    return ~evidence


class NamePrior:
    """Name counts of the shipped table plus the mentions observed since (see module)."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.families: Counter[str] = Counter()
        self.keys: Counter[str] = Counter()
        self.firsts: Counter[str] = Counter()
        self.observed: set[str] = set()  # mention ids counted (each once)
        self._table_total: int | None = None

    def observe(self, profile: Profile) -> None:
        """Count one mention's name (a mention seen again is not counted twice)."""
        if not profile.family or profile.id in self.observed:
            return
        self.observed.add(profile.id)
        self.families[profile.family] += 1
        first = profile.given[0] if profile.given else ""
        self.keys[f"{profile.family} {first[:1]}".strip()] += 1
        if len(first) > 1:
            self.firsts[f"{profile.family} {first}"] += 1

    def family_count(self, family: str) -> int:
        """Mentions with this family key: shipped table plus observed."""
        return self.vocabulary.family_count(family) + self.families[family]

    def family_share(self, family: str) -> float:
        """The family name's share of every counted mention (shipped table plus observed).

        >>> from kolgraph.resolution.vocabulary import Vocabulary
        >>> NamePrior(Vocabulary(families={"wang": 30, "lalande": 0, "smith": 70})
        ...           ).family_share("wang")
        0.3
        """
        if self._table_total is None:
            self._table_total = sum(self.vocabulary.families.values())
        total = self._table_total + len(self.observed)
        return self.family_count(family) / total if total else 0.0

    def key_count(self, key: str) -> int:
        """Observed mentions with this ``name_key`` (family + first initial)."""
        return self.keys[key]

    def first_count(self, family: str, first: str) -> int:
        """Mentions with this family key and written-out first name."""
        return self.vocabulary.given_count(family, first) + self.firsts[f"{family} {first}"]

    def seen_besides(self, family: str, own: int) -> bool:
        """Whether a table holds the family name in a mention other than the ``own``
        observed mentions of the pair being compared."""
        return self.family_count(family) - own > 0

    def cap(
        self,
        pairs: Sequence[tuple[Profile, Profile]],
        x: np.ndarray,
        probabilities: list[float],
        accept: float | Sequence[float],
    ) -> list[float]:
        """``probabilities`` with every name-only pair on an unseen family name held
        below ``accept`` (at ``accept - UNSEEN_MARGIN``, or its own score if lower);
        ``accept`` is one threshold or one per pair."""
        if not pairs:
            return probabilities
        accepts = [accept] * len(pairs) if isinstance(accept, float | int) else accept
        name_only = name_only_rows(x)
        out = list(probabilities)
        for k, (a, b) in enumerate(pairs):
            ceiling = accepts[k] - UNSEEN_MARGIN
            if out[k] <= ceiling or not name_only[k]:
                continue
            own = (a.id in self.observed) + (b.id in self.observed)
            if not (
                self.seen_besides(a.family, own)
                or (b.family != a.family and self.seen_besides(b.family, own))
            ):
                out[k] = ceiling
        return out
