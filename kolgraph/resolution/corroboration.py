"""Evidence that carries a merge across sources, where the match model has not been trained.

The match model was fitted on pairs of PubMed authors, whose records carry MeSH, abstracts,
references and grants. A congress programme, a trial registry, a Crossref or OpenAlex record
gives much less (a name, co-authors, an affiliation, an e-mail, sometimes an ORCID), so the
model scores even a plain repeat of one person low there: the same poster listed in two
sessions of one programme scored 0.36-0.74.

A pair that is not two PubMed mentions is *corroborated*, and scored at least ``accept``,
when

* the two carry the same OpenAlex author id (OpenAlex's own disambiguation; two ids are
  no evidence of two people, OpenAlex often splits one), or
* the first names are written out and equal (or the given names are the same tokens, one
  of them written out), with no conflicting middle initial, and
* the two mentions share a co-author on a family name that is not common (by name key,
  the two people left out: two Chinese author lists often share a "wang s" by chance) or
  an e-mail,
  or they carry the very same given names (one written out) at the same venue (journal,
  book or congress) in the same year, on a family name that is not common (under
  :data:`COMMON_FAMILY_SHARE` of the counted mentions: Wang, Zhang, Kim, Smith or Jones
  are common).

On the labelled MEDLINE pairs (1,444 the resolver compares) the co-author rule holds for
254 pairs, all the same person, none different; with initials only, or an affiliation
alone, it would not (17 and 2 different-person pairs). The venue rule holds for at most 7
pairs, all the same person. A pair of PubMed mentions keeps the model's score: that is what the
model was measured on.

Examples
--------
>>> from kolgraph.resolution.profiles import Profile
>>> a = Profile("mention:congress:midl:1:2", "dalca", ("adrian", "v"),
...             coauthors=frozenset({"iglesias j", "dalca a"}), own_key="dalca a")
>>> b = Profile("mention:pubmed:9:3", "dalca", ("adrian", "v"),
...             coauthors=frozenset({"iglesias j", "yu e"}), own_key="dalca a")
>>> corroborated(a, b), outside_training(a, b)
(True, True)
>>> corroborated(a, Profile("mention:pubmed:8:1", "dalca", ("a", "v"),
...                         coauthors=frozenset({"iglesias j"})))
False
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import zip_longest

from kolgraph.resolution.name_prior import NamePrior
from kolgraph.resolution.profiles import Profile, shared_coauthors

TRAINING_SOURCE = "pubmed"
"""The source of every pair the match model was fitted on."""

COMMON_FAMILY_SHARE = 0.0005
"""A family name held by at least this share of counted mentions (1 in 2,000) is common:
an identical full name at one venue is no evidence there."""


def source_of(profile: Profile) -> str:
    """The source named in a mention id (``mention:<source>:<record>:<n>``).

    >>> source_of(Profile("mention:congress:midl:2020:oral-1:3", "x", ()))
    'congress'
    """
    parts = profile.id.split(":", 2)
    return parts[1] if len(parts) > 2 and parts[0] == "mention" else ""


_TRAINING_PREFIX = f"mention:{TRAINING_SOURCE}:"


def outside_training(a: Profile, b: Profile) -> bool:
    """True unless both mentions come from the source the model was trained on.

    >>> outside_training(Profile("mention:pubmed:1:1", "x", ()),
    ...                  Profile("mention:pubmed:2:1", "x", ()))
    False
    """
    return not (a.id.startswith(_TRAINING_PREFIX) and b.id.startswith(_TRAINING_PREFIX))


def same_written_name(a: Profile, b: Profile) -> bool:
    """Written-out first names equal with no conflicting middle initial, or the same
    given-name tokens of which one is written out ("C Blake" and "C Blake").

    >>> same_written_name(Profile("a", "lee", ("ann", "b")), Profile("b", "lee", ("ann",)))
    True
    >>> same_written_name(Profile("a", "lee", ("ann", "b")), Profile("b", "lee", ("ann", "c")))
    False
    >>> same_written_name(Profile("a", "lee", ("a", "b")), Profile("b", "lee", ("a", "b")))
    False
    >>> same_written_name(Profile("a", "liu", ("jin",)), Profile("b", "liu", ("jin", "yu")))
    False
    """
    ga, gb = a.given, b.given
    if not ga or not gb:
        return False
    if ga == gb:
        return any(len(token) > 1 for token in ga)
    if len(ga[0]) < 2 or ga[0] != gb[0]:
        return False
    for x, y in zip_longest(ga[1:], gb[1:]):
        if x and y and x[0] != y[0]:
            return False  # "Ann B" and "Ann C"
        if (
            (x is None and len(y) > 1)
            or (y is None and len(x) > 1)
            or (x and y and len(x) > 1 and len(y) > 1 and x != y)
        ):
            return False  # "Jin" and "Jin-Yu": a written-out part is part of the name
    return True


def same_venue(a: Profile, b: Profile) -> bool:
    """The same journal, book or congress (``journal``) in the same year.

    >>> same_venue(Profile("a", "x", (), journal="midl", year=2020),
    ...            Profile("b", "x", (), journal="midl", year=2020))
    True
    """
    return bool(a.journal) and a.journal == b.journal and bool(a.year) and a.year == b.year


def distinctive_coauthors(a: Profile, b: Profile, prior: NamePrior | None = None) -> int:
    """Co-authors both mentions list (the two people left out) on a family name ``prior``
    does not find common: a shared "wang s" among Chinese author lists is chance, a
    shared "iglesias j" is not. Without ``prior`` every shared co-author counts.

    >>> a = Profile("a", "liu", ("jin",), coauthors=frozenset({"wang s", "iglesias j"}))
    >>> b = Profile("b", "liu", ("jin",), coauthors=frozenset({"wang s", "iglesias j"}))
    >>> from kolgraph.resolution.vocabulary import Vocabulary
    >>> distinctive_coauthors(a, b), distinctive_coauthors(
    ...     a, b, NamePrior(Vocabulary(families={"wang": 300, "x": 9700})))
    (2, 1)
    """
    if prior is None or not shared_coauthors(a, b):
        return shared_coauthors(a, b)
    shared = (a.coauthors & b.coauthors) - {a.own_key, b.own_key}
    return sum(prior.family_share(key.rpartition(" ")[0]) < COMMON_FAMILY_SHARE for key in shared)


def corroborated(a: Profile, b: Profile, prior: NamePrior | None = None) -> bool:
    """The same written-out name and a shared co-author (on an uncommon family name) or
    e-mail, or the identical given names at the same venue and year on a family name
    ``prior`` does not find common (see module; without ``prior`` every shared co-author
    counts and the venue rule is not used)."""
    if a.openalex_author and a.openalex_author == b.openalex_author:
        return True  # OpenAlex's own author disambiguation, within one name block
    if not same_written_name(a, b):
        return False
    if distinctive_coauthors(a, b, prior) > 0 or a.emails & b.emails:
        return True
    return (
        prior is not None
        and a.given == b.given
        and same_venue(a, b)
        and prior.family_share(a.family) < COMMON_FAMILY_SHARE
        and prior.family_share(b.family) < COMMON_FAMILY_SHARE
    )


def corroborate(
    pairs: Sequence[tuple[Profile, Profile]],
    probabilities: Sequence[float],
    accept: float | Sequence[float],
    prior: NamePrior | None = None,
) -> list[float]:
    """``probabilities`` with every corroborated pair outside the model's training source
    raised to at least ``accept`` (one threshold, or one per pair).

    >>> a = Profile("mention:congress:c:1:1", "lee", ("ann",), coauthors=frozenset({"wu x"}))
    >>> b = Profile("mention:congress:c:2:1", "lee", ("ann",), coauthors=frozenset({"wu x"}))
    >>> corroborate([(a, b)], [0.4], 0.95)
    [0.95]
    """
    out = list(probabilities)
    accepts = [accept] * len(pairs) if isinstance(accept, float | int) else accept
    for k, (a, b) in enumerate(pairs):
        if out[k] < accepts[k] and outside_training(a, b) and corroborated(a, b, prior):
            out[k] = accepts[k]
    return out
