"""A person mention reduced to what pair comparison needs (:class:`Profile`).

Profiles are built from a :class:`~kolgraph.resolution.mentions.MentionIn` on the way in
and from stored Mention node properties when the resolver reads candidates back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kolgraph.resolution.evidence import NO_RECORD, RecordEvidence
from kolgraph.resolution.mentions import MentionIn
from kolgraph.resolution.names import (
    family_key,
    fold,
    given_token_tuple,
    spelt_out_family_key,
)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True, slots=True)
class Profile:
    """Normalised parts of one mention.

    ``coauthors`` are the name keys listed with the person, as the source gives them: a
    publication's author keys may include the person's own key (``own_key``), which
    comparisons leave out (:func:`shared_coauthors`, :attr:`n_coauthors`). So the
    authors of one record share one set instead of holding a copy each.

    Examples
    --------
    >>> p = Profile.from_mention(MentionIn(id="m", source="x", family="Stenkamp",
    ...                                    given="Deborah L", coauthors=["hu m", "stenkamp d"]))
    >>> p.family, p.given, sorted(p.coauthors), p.own_key, p.n_coauthors
    ('stenkamp', ('deborah', 'l'), ['hu m', 'stenkamp d'], 'stenkamp d', 1)
    """

    id: str
    family: str
    given: tuple[str, ...]
    affiliations: tuple[str, ...] = ()
    coauthors: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()
    orcid: str | None = None
    npi: str | None = None
    openalex_author: str | None = None  # OpenAlex author id (corroboration.py)
    country: str | None = None
    journal: str | None = None
    year: int | None = None
    language: str | None = None
    record: RecordEvidence = NO_RECORD  # what the whole source record says (evidence.py)
    position: int = 0  # 1-based author position in the record, 0 when not an author
    family_spelt: str | None = None  # family key with umlauts spelt out (names.same_family)
    own_key: str | None = None  # the mention's name key, left out of its co-authors

    @property
    def n_coauthors(self) -> int:
        """How many co-authors are listed, the person left out."""
        return len(self.coauthors) - (self.own_key in self.coauthors)

    @classmethod
    def from_mention(cls, mention: MentionIn) -> Profile:
        """The profile of an incoming mention."""
        affiliations = tuple(mention.all_affiliations)
        return cls(
            id=mention.id,
            family=family_key(mention.family_name),
            given=given_token_tuple(mention.given_name),
            affiliations=affiliations,
            coauthors=_shared(tuple(mention.coauthors)),
            topics=_shared(tuple(mention.topics)),
            words=_shared(tuple(mention.words)),
            emails=_emails(affiliations, mention.email),
            orcid=mention.orcid,
            npi=mention.npi,
            openalex_author=mention.openalex_author,
            country=fold(mention.country) or None,
            journal=fold(mention.journal) or None,
            year=mention.year,
            language=mention.language,
            record=mention.record or NO_RECORD,
            position=mention.position or 0,
            family_spelt=spelt_out_family_key(mention.family_name),
            own_key=mention.key or None,
        )

    @classmethod
    def from_properties(cls, mention_id: str, props: Mapping[str, Any]) -> Profile:
        """The profile of a stored Mention node (see ``mention_properties``)."""
        affiliations = tuple(props.get("affiliations") or ())
        key = props.get("name_key")
        return cls(
            id=mention_id,
            family=family_key(props.get("family")),
            given=given_token_tuple(props.get("given")),
            affiliations=affiliations,
            coauthors=_shared(tuple(props.get("coauthors") or ())),
            topics=_shared(tuple(props.get("topics") or ())),
            words=_shared(tuple(props.get("words") or ())),
            emails=_emails(affiliations, props.get("email")),
            orcid=props.get("orcid"),
            npi=props.get("npi"),
            openalex_author=props.get("openalex_author"),
            country=fold(props.get("country")) or None,
            journal=fold(props.get("journal")) or None,
            year=props.get("year"),
            language=props.get("language"),
            record=RecordEvidence.from_properties(props),
            position=props.get("position") or 0,
            family_spelt=spelt_out_family_key(props.get("family")),
            own_key=key or None,
        )


_NO_EMAILS: frozenset[str] = frozenset()


def shared_coauthors(a: Profile, b: Profile) -> int:
    """Co-authors listed with both a and b, the two people themselves left out.

    Examples
    --------
    >>> a = Profile("a", "lee", ("a",), coauthors=frozenset({"lee a", "wu x", "ng y"}),
    ...             own_key="lee a")
    >>> b = Profile("b", "lee", ("a",), coauthors=frozenset({"lee a", "wu x"}), own_key="lee a")
    >>> shared_coauthors(a, b)
    1
    """
    both = a.coauthors & b.coauthors
    if not both:
        return 0
    return len(both) - (a.own_key in both) - (b.own_key != a.own_key and b.own_key in both)


@lru_cache(maxsize=4096)
def _shared(items: tuple[str, ...]) -> frozenset[str]:
    """One frozenset for equal item lists: the authors of one paper share its co-authors,
    topics and words instead of holding a copy each."""
    return frozenset(items)


def _emails(affiliations: Iterable[str], email: str | None) -> frozenset[str]:
    found = {e.lower().rstrip(".") for a in affiliations if "@" in a for e in _EMAIL.findall(a)}
    if email:
        found.add(email.lower())
    return frozenset(found) if found else _NO_EMAILS
