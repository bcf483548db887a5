"""Pair features: how alike two person mentions are, as a vector of numbers.

Examples
--------
>>> from kolgraph.resolution.profiles import Profile, shared_coauthors
>>> a = Profile("a", "stenkamp", ("deborah", "l"), coauthors=frozenset({"hu m"}))
>>> b = Profile("b", "stenkamp", ("d", "l"), coauthors=frozenset({"hu m", "li x"}))
>>> f = dict(zip(FEATURES, pair_features(a, b, AffiliationIdf({}, 1.0))))
>>> f["given_compatible"], f["middle_match"], f["coauthor_jaccard"]
(1.0, 1.0, 0.5)
>>> conflict(a, Profile("c", "stenkamp", ("dana",)))
True
"""

from __future__ import annotations

import math

from kolgraph.resolution.affiliations import AffiliationIdf
from kolgraph.resolution.evidence import EXTRA_FEATURES, extra_pair_features
from kolgraph.resolution.mentions import MentionIn
from kolgraph.resolution.names import same_family
from kolgraph.resolution.profiles import Profile, shared_coauthors
from kolgraph.resolution.vocabulary import Vocabulary

_EMPTY = Vocabulary()

BASE_FEATURES: tuple[str, ...] = (
    "family_equal",
    "given_full_equal",
    "given_compatible",
    "given_initial_only",
    "given_both_full",
    "middle_match",
    "middle_conflict",
    "affiliation_similarity",
    "affiliation_missing",
    "email_equal",
    "shared_coauthors",
    "coauthor_jaccard",
    "shared_topics",
    "topic_jaccard",
    "topics_missing",
    "journal_equal",
    "year_gap",
    "year_missing",
    "language_equal",
    "country_equal",
    "orcid_equal",
    "text_similarity",
    "text_missing",
    "family_frequency",
    "given_frequency",
    "coauthors_listed",
    "family_length",
)
FEATURES: tuple[str, ...] = BASE_FEATURES + EXTRA_FEATURES
"""Name, mention and record features (``evidence.EXTRA_FEATURES``: what the two whole
records say), in the order the model reads them."""


def _first_names_compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether two given names (tokens, see ``names.given_tokens``) may be one person's.

    An initial fits any name with its letter; written-out names must be equal, or be one
    name written as one word and as parts ("Xianjun" and "Xian-Jun" or "Xian J"). A name
    that merely begins another is another name: "Li" and "Liqin", "Jan" and "Jane".

    >>> compatible = _first_names_compatible
    >>> compatible(("j",), ("jane",)), compatible(("jan",), ("jane",))
    (True, False)
    >>> compatible(("xian", "jun"), ("xianjun",)), compatible(("xian", "j"), ("xianjun",))
    (True, True)
    >>> compatible(("li",), ("liqin",)), compatible(("li", "q"), ("liqin",))
    (False, True)
    """
    x, y = a[0], b[0]
    if len(x) == 1 or len(y) == 1:
        return x[0] == y[0]
    return x == y or _parts_of(x, b) or _parts_of(y, a)


def _parts_of(name: str, tokens: tuple[str, ...]) -> bool:
    """True when ``name`` is ``tokens``' leading parts run together ("xianjun" and
    ("xian", "jun")), the last part maybe only its initial ("xian", "j")."""
    joined = ""
    for part in tokens:
        joined += part
        if not name.startswith(joined):
            return False
        if joined == name:
            return len(tokens) > 1
    return len(tokens) > 1 and len(tokens[-1]) == 1


def conflict(a: Profile, b: Profile) -> bool:
    """True when two mentions cannot be one person: different ORCIDs or NPIs, different
    family names (an umlaut and its spelt-out form are one name, see
    ``names.same_family``), first names that are both written out and incompatible, or two
    authors of one record (mention ids ``mention:<source>:<record>:<position>``).

    >>> a = Profile("mention:pubmed:9:2", "wang", ("y",), position=2)
    >>> conflict(a, Profile("mention:pubmed:9:5", "wang", ("y",), position=5))
    True
    >>> conflict(a, Profile("mention:pubmed:10:1", "wang", ("y",), position=1))
    False
    """
    if a.orcid and b.orcid and a.orcid != b.orcid:
        return True
    if a.npi and b.npi and a.npi != b.npi:
        return True
    if (
        a.family
        and b.family
        and not same_family(a.family, a.family_spelt, b.family, b.family_spelt)
    ):
        return True
    if a.given and b.given and not _first_names_compatible(a.given, b.given):
        return True
    record = record_of(a)
    return bool(record and a.id != b.id and record == record_of(b))  # co-authors


def record_of(mention: Profile | MentionIn) -> str | None:
    """The record an author belongs to (``mention:<source>:<record>``), or None for a
    mention outside an author list (no ``position``).

    >>> record_of(Profile("mention:pubmed:9:2", "wang", ("y",), position=2))
    'mention:pubmed:9'
    >>> record_of(Profile("mention:trials:NCT01:1", "wang", ("y",))) is None
    True
    """
    return mention.id.rpartition(":")[0] if mention.position else None


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def pair_features(
    a: Profile,
    b: Profile,
    idf: AffiliationIdf,
    vocabulary: Vocabulary | None = None,
    affiliation_similarity: float | None = None,
) -> list[float]:
    """The :data:`FEATURES` of the pair (a, b); symmetric in a and b.

    ``vocabulary`` gives name frequencies and word weights (empty when omitted);
    ``affiliation_similarity``, when already known, saves computing it again. Many pairs
    at once: :func:`kolgraph.resolution.feature_matrix.pair_feature_matrix`."""
    vocab = vocabulary or _EMPTY
    ga, gb = a.given, b.given
    first_a, first_b = (ga[0] if ga else ""), (gb[0] if gb else "")
    both_full = len(first_a) > 1 and len(first_b) > 1
    compatible = bool(first_a and first_b) and _first_names_compatible(ga, gb)
    mid_a = "".join(t[0] for t in ga[1:])
    mid_b = "".join(t[0] for t in gb[1:])
    middle_match = float(bool(mid_a and mid_b) and mid_a == mid_b)
    middle_conflict = float(bool(mid_a and mid_b) and mid_a[0] != mid_b[0])
    has_aff = bool(a.affiliations and b.affiliations)
    shared = shared_coauthors(a, b)
    listed = a.n_coauthors + b.n_coauthors
    shared_topics = len(a.topics & b.topics)
    year_gap = abs(a.year - b.year) if a.year and b.year else 0
    full = first_a if len(first_a) > 1 else first_b
    given_count = math.log1p(vocab.given_count(a.family, full)) if len(full) > 1 else -1.0
    return [
        float(a.family == b.family),
        float(both_full and first_a == first_b),
        float(compatible),
        float(not both_full),
        float(both_full),
        middle_match,
        middle_conflict,
        (
            0.0
            if not has_aff
            else affiliation_similarity
            if affiliation_similarity is not None
            else idf.best_similarity(a.affiliations, b.affiliations)
        ),
        float(not has_aff),
        float(bool(a.emails & b.emails)),
        math.log1p(shared),
        shared / (listed - shared) if listed > shared else 0.0,
        math.log1p(shared_topics),
        _jaccard(a.topics, b.topics),
        float(not (a.topics and b.topics)),
        float(bool(a.journal) and a.journal == b.journal),
        min(year_gap, 40) / 10.0,
        float(not (a.year and b.year)),
        float(bool(a.language) and a.language == b.language),
        float(bool(a.country) and a.country == b.country),
        float(bool(a.orcid) and a.orcid == b.orcid),
        vocab.text_similarity(a.words, b.words),
        float(not (a.words and b.words)),
        math.log1p(vocab.family_count(a.family)),
        given_count,
        float(listed),
        float(len(a.family)),
        *extra_pair_features(
            a.record,
            b.record,
            vocab.corpus,
            idf=idf,
            position_a=a.position,
            position_b=b.position,
            year_a=a.year,
            year_b=b.year,
            own_a=own_fullname(a),
            own_b=own_fullname(b),
        ),
    ]


def own_fullname(p: Profile) -> str | None:
    """``"family first"`` of a profile whose first name is written out (see
    ``evidence.fullname``), else None."""
    return f"{p.family} {p.given[0]}" if p.family and p.given and len(p.given[0]) > 1 else None
