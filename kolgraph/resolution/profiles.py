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
from kolgraph.resolution.names import family_key, fold, given_tokens, spelt_out_family_key

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True)
class Profile:
    """Normalised parts of one mention.

    Examples
    --------
    >>> p = Profile.from_mention(MentionIn(id="m", source="x", family="Stenkamp",
    ...                                    given="Deborah L", coauthors=["hu m"]))
    >>> p.family, p.given, p.coauthors
    ('stenkamp', ('deborah', 'l'), frozenset({'hu m'}))
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
    country: str | None = None
    journal: str | None = None
    year: int | None = None
    language: str | None = None
    record: RecordEvidence = NO_RECORD  # what the whole source record says (evidence.py)
    position: int = 0  # 1-based author position in the record, 0 when not an author
    family_spelt: str | None = None  # family key with umlauts spelt out (names.same_family)

    @classmethod
    def from_mention(cls, mention: MentionIn) -> Profile:
        """The profile of an incoming mention."""
        affiliations = tuple(mention.all_affiliations)
        return cls(
            id=mention.id,
            family=family_key(mention.family_name),
            given=tuple(given_tokens(mention.given_name)),
            affiliations=affiliations,
            coauthors=frozenset(mention.coauthors) - {mention.key},
            topics=_shared(tuple(mention.topics)),
            words=_shared(tuple(mention.words)),
            emails=_emails(affiliations, mention.email),
            orcid=mention.orcid,
            npi=mention.npi,
            country=fold(mention.country) or None,
            journal=fold(mention.journal) or None,
            year=mention.year,
            language=mention.language,
            record=mention.record or NO_RECORD,
            position=mention.position or 0,
            family_spelt=spelt_out_family_key(mention.family_name),
        )

    @classmethod
    def from_properties(cls, mention_id: str, props: Mapping[str, Any]) -> Profile:
        """The profile of a stored Mention node (see ``mention_properties``)."""
        affiliations = tuple(props.get("affiliations") or ())
        key = props.get("name_key")
        return cls(
            id=mention_id,
            family=family_key(props.get("family")),
            given=tuple(given_tokens(props.get("given"))),
            affiliations=affiliations,
            coauthors=frozenset(props.get("coauthors") or ()) - {key},
            topics=_shared(tuple(props.get("topics") or ())),
            words=_shared(tuple(props.get("words") or ())),
            emails=_emails(affiliations, props.get("email")),
            orcid=props.get("orcid"),
            npi=props.get("npi"),
            country=fold(props.get("country")) or None,
            journal=fold(props.get("journal")) or None,
            year=props.get("year"),
            language=props.get("language"),
            record=RecordEvidence.from_properties(props),
            position=props.get("position") or 0,
            family_spelt=spelt_out_family_key(props.get("family")),
        )


_NO_EMAILS: frozenset[str] = frozenset()


@lru_cache(maxsize=4096)
def _shared(items: tuple[str, ...]) -> frozenset[str]:
    """One frozenset for equal item lists: the authors of one paper share its topics and
    words instead of holding a copy each."""
    return frozenset(items)


def _emails(affiliations: Iterable[str], email: str | None) -> frozenset[str]:
    found = {e.lower().rstrip(".") for a in affiliations if "@" in a for e in _EMAIL.findall(a)}
    if email:
        found.add(email.lower())
    return frozenset(found) if found else _NO_EMAILS
