"""Pair features: which numbers describe how alike two person mentions are
(:data:`FEATURES`), the features of two names (:func:`name_features`), and the rules that
say two mentions cannot be one person (:func:`conflict`). The numbers of whole pairs:
:func:`kolgraph.resolution.feature_matrix.pair_feature_matrix`.

Examples
--------
>>> a = Profile("a", "stenkamp", ("deborah", "l"), coauthors=frozenset({"hu m"}))
>>> conflict(a, Profile("c", "stenkamp", ("dana",))), conflict(a, Profile("d", "stenkamp", ("d",)))
(True, False)
"""

from __future__ import annotations

import math
from collections.abc import Callable

from kolgraph.resolution.evidence import EXTRA_FEATURES
from kolgraph.resolution.mentions import MentionIn
from kolgraph.resolution.names import same_family
from kolgraph.resolution.profiles import Profile
from kolgraph.resolution.vocabulary import Vocabulary

_NAMES_MATCH: tuple[str, ...] = (
    "family_equal",
    "given_full_equal",
    "given_compatible",
    "given_initial_only",
    "given_both_full",
    "middle_match",
    "middle_conflict",
)
BASE_FEATURES: tuple[str, ...] = (
    *_NAMES_MATCH,
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
records say), in the order the feature matrix gives them."""
EMBEDDING_FEATURES: tuple[str, ...] = ("embedding_similarity", "embedding_missing")
"""The text embedding's features (``embedding.py``): a model may be trained without them."""
WITHOUT_EMBEDDING: tuple[str, ...] = tuple(f for f in FEATURES if f not in EMBEDDING_FEATURES)
"""Every feature but the text embedding's: the shipped model's (docs/resolution.md)."""


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


def conflicts_of(a: Profile) -> Callable[[Profile], bool]:
    """``conflict(a, b)`` as a function of ``b``, with ``a``'s side worked out once and
    its first-name checks remembered per given name (a mention is tested against every
    profile of its name blocks).

    >>> a = Profile("mention:pubmed:9:2", "wang", ("yan",), position=2)
    >>> others = [Profile("mention:pubmed:9:5", "wang", ("y",), position=5),
    ...           Profile("mention:pubmed:10:1", "wang", ("yu",), position=1),
    ...           Profile("mention:pubmed:11:1", "wang", ("y",), position=1)]
    >>> [conflicts_of(a)(b) for b in others] == [conflict(a, b) for b in others]
    True
    """
    orcid, npi, family, spelt, given, own = a.orcid, a.npi, a.family, a.family_spelt, a.given, a.id
    record = record_of(a)
    prefix = f"{record}:" if record else ""
    compatible: dict[tuple[str, ...], bool] = {}

    def conflicts(b: Profile) -> bool:
        if orcid and b.orcid and orcid != b.orcid:
            return True
        if npi and b.npi and npi != b.npi:
            return True
        if (
            family
            and b.family
            and family != b.family
            and not same_family(family, spelt, b.family, b.family_spelt)
        ):
            return True
        if given and b.given:
            fits = compatible.get(b.given)
            if fits is None:
                fits = compatible[b.given] = _first_names_compatible(given, b.given)
            if not fits:
                return True
        # co-authors (an id starting with the record's is rare: only then is it split)
        return bool(prefix and b.id.startswith(prefix) and own != b.id and record == record_of(b))

    return conflicts


def record_of(mention: Profile | MentionIn) -> str | None:
    """The record an author belongs to (``mention:<source>:<record>``), or None for a
    mention outside an author list (no ``position``).

    >>> record_of(Profile("mention:pubmed:9:2", "wang", ("y",), position=2))
    'mention:pubmed:9'
    >>> record_of(Profile("mention:trials:NCT01:1", "wang", ("y",))) is None
    True
    """
    return mention.id.rpartition(":")[0] if mention.position else None


NAME_FEATURES: tuple[str, ...] = (
    *_NAMES_MATCH,
    "family_frequency",
    "given_frequency",
    "family_length",
)
"""The features that depend only on the two names (and the name counts)."""


def name_features(
    family_a: str,
    given_a: tuple[str, ...],
    family_b: str,
    given_b: tuple[str, ...],
    vocabulary: Vocabulary,
) -> list[float]:
    """The :data:`NAME_FEATURES` of two names (family key, given-name tokens), in order.

    >>> v = Vocabulary(families={"lee": 9}, given={"lee ann": 4})
    >>> dict(zip(NAME_FEATURES, name_features("lee", ("ann", "b"), "lee", ("a",), v)))[
    ...     "given_compatible"], round(name_features("lee", ("ann",), "lee", ("a",), v)[8], 3)
    (1.0, 1.609)
    """
    first_a, first_b = (given_a[0] if given_a else ""), (given_b[0] if given_b else "")
    both_full = len(first_a) > 1 and len(first_b) > 1
    compatible = bool(first_a and first_b) and _first_names_compatible(given_a, given_b)
    mid_a = "".join(t[0] for t in given_a[1:])
    mid_b = "".join(t[0] for t in given_b[1:])
    full = first_a if len(first_a) > 1 else first_b
    return [
        float(family_a == family_b),
        float(both_full and first_a == first_b),
        float(compatible),
        float(not both_full),
        float(both_full),
        float(bool(mid_a and mid_b) and mid_a == mid_b),
        float(bool(mid_a and mid_b) and mid_a[0] != mid_b[0]),
        math.log1p(vocabulary.family_count(family_a)),
        math.log1p(vocabulary.given_count(family_a, full)) if len(full) > 1 else -1.0,
        float(len(family_a)),
    ]


def own_fullname(p: Profile) -> str | None:
    """``"family first"`` of a profile whose first name is written out (see
    ``evidence.fullname``), else None."""
    return f"{p.family} {p.given[0]}" if p.family and p.given and len(p.given[0]) > 1 else None
