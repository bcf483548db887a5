"""What loaders hand to the resolver (:class:`MentionIn`) and what they get back
(:class:`Resolution`), with the properties the loader writes for both.

A loader that has resolved its mentions writes, for each one::

    (:Mention {id: mention.id, **mention_properties(m, r)})
        -[:RESOLVED_TO {**resolved_to_properties(r)}]->
    (:HCP {id: r.hcp_id, **hcp_properties(m)})

plus its own ``APPEARS_IN`` / ``AUTHORED`` / ... relationships. ``kolgraph.ingest.mentions``
has ``add_mention(batch, mention, resolution)`` doing exactly that.
"""

from __future__ import annotations

import hashlib
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kolgraph.institution_names import institution_name
from kolgraph.resolution.evidence import RecordEvidence
from kolgraph.resolution.names import (
    display_name,
    family_key,
    given_tokens,
    initials_of,
    name_key,
    name_keys,
    split_name,
)

Method = Literal["hcp_id", "npi", "orcid", "crm_id", "profile_id", "model", "review", "new"]
KEYS: tuple[str, ...] = ("npi", "orcid", "crm_id", "profile_id")


class MentionIn(BaseModel):
    """One appearance of a person in one source record.

    ``id`` is ``mention:<source>:<record>:<n>`` (``n`` the 1-based position in the record).
    Give ``family``/``given`` when the source separates them, else ``name`` alone (its
    order is guessed). ``coauthors`` are the other people's ``name_key``s in the same
    record; ``topics`` any topic ids (MeSH, OpenAlex, specialty); ``words`` content words of
    the record's title/abstract (``vocabulary.content_words``); ``record`` what the whole
    source record says (:class:`~kolgraph.resolution.evidence.RecordEvidence`, one object
    shared by the record's authors) and ``position`` the 1-based author position in it.

    Examples
    --------
    >>> m = MentionIn(id="mention:pubmed:1:1", source="pubmed", name="NGUYEN, VAN A")
    >>> m.family_name, m.given_name, m.key
    ('NGUYEN', 'VAN A', 'nguyen v')
    """

    model_config = ConfigDict(extra="forbid")

    id: str
    source: str
    name: str | None = None
    family: str | None = None
    given: str | None = None
    npi: str | None = None
    orcid: str | None = None
    openalex_author: str | None = None  # OpenAlex author id: evidence for the resolver, not a key
    crm_id: str | None = None
    profile_id: str | None = None
    affiliation: str | None = None
    affiliations: list[str] = Field(default_factory=list)
    email: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    postal_code: str | None = None
    coauthors: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    words: list[str] = Field(default_factory=list)
    journal: str | None = None
    year: int | None = None
    language: str | None = None
    record: RecordEvidence | None = None
    position: int | None = None

    @cached_property
    def family_name(self) -> str:
        """The family name as given, or guessed from ``name``."""
        if self.family:
            return self.family
        return split_name(self.name or "")[0]

    @cached_property
    def given_name(self) -> str:
        """The given names as given, or guessed from ``name``."""
        if self.family:
            return self.given or ""
        return split_name(self.name or "")[1]

    @cached_property
    def key(self) -> str:
        """The blocking key (``name_key``)."""
        return name_key(self.family_name, self.given_name)

    @cached_property
    def block_keys(self) -> tuple[str, ...]:
        """``key`` and the keys of the same name with umlauts written the other way
        (:func:`~kolgraph.resolution.names.name_keys`): the blocks searched for candidates."""
        return name_keys(self.family_name, self.given_name)

    @cached_property
    def all_affiliations(self) -> list[str]:
        """``affiliation`` followed by the other ``affiliations``, without repeats."""
        found = [a for a in (self.affiliation, *self.affiliations) if a]
        return list(dict.fromkeys(found))


class Resolution(BaseModel):
    """The HCP a mention resolved to, and how sure the resolver is."""

    mention_id: str
    hcp_id: str
    score: float
    method: Method
    is_new: bool
    candidate_id: str | None = None  # for method 'review': the HCP it may be
    candidate_score: float | None = None


def mint_hcp_id(mention: MentionIn) -> str:
    """The id of a new HCP first seen in ``mention`` (docs/schema.md).

    Examples
    --------
    >>> mint_hcp_id(MentionIn(id="mention:x:1:1", source="x", name="A B", npi="1234567890"))
    'npi:1234567890'
    >>> mint_hcp_id(MentionIn(id="mention:x:1:1", source="x", name="A B"))
    'hcp:be1d7219518e4bcd'
    """
    if mention.npi:
        return f"npi:{mention.npi}"
    if mention.orcid:
        return f"orcid:{mention.orcid}"
    return "hcp:" + hashlib.sha256(mention.id.encode()).hexdigest()[:16]


def hcp_properties(mention: MentionIn) -> dict[str, Any]:
    """HCP node properties a mention contributes (identity, name, location)."""
    family, given = mention.family_name, mention.given_name
    return {
        "name": hcp_name(mention),
        "family": family or None,
        "given": given or None,
        "initials": initials_of(given) or None,
        "name_key": mention.key or None,
        "npi": mention.npi,
        "orcid": mention.orcid,
        "crm_id": mention.crm_id,
        "profile_id": mention.profile_id,
        "city": mention.city,
        "state": mention.state,
        "country": mention.country,
        "postal_code": mention.postal_code,
        "institution": institution_name(
            mention.all_affiliations[0] if mention.all_affiliations else None,
            mention.family_name,
            mention.given_name,
        ),
    }


def hcp_name(mention: MentionIn) -> str | None:
    """The HCP's display name a mention gives: "Given Family", else the name as written.

    >>> hcp_name(MentionIn(id="m", source="x", family="Lee", given="Ann B"))
    'Ann B Lee'
    """
    return display_name(mention.family_name, mention.given_name) or mention.name


def affiliation_properties(mention: MentionIn) -> dict[str, Any]:
    """The Mention's first affiliation and all of them (the affiliation fields of
    :func:`mention_properties`)."""
    affiliations = mention.all_affiliations
    return {
        "affiliation": affiliations[0] if affiliations else None,
        "affiliations": affiliations or None,
    }


def name_properties(mention: MentionIn) -> dict[str, Any]:
    """The Mention's name as written, its parts and keys (the name fields of
    :func:`mention_properties`).

    >>> name_properties(MentionIn(id="m", source="x", family="Lee", given="Ann B"))["given_key"]
    'ann b'
    """
    family, given = mention.family_name, mention.given_name
    return {
        "name": mention.name or display_name(family, given),
        "family": family or None,
        "given": given or None,
        "initials": initials_of(given) or None,
        "name_key": mention.key or None,
        "block_key": family_key(family) or None,
        "given_key": " ".join(given_tokens(given)) or None,
    }


def resolution_properties(resolution: Resolution) -> dict[str, Any]:
    """How the Mention was resolved (the match fields of :func:`mention_properties`)."""
    candidate_score = resolution.candidate_score
    return {
        "match_score": round(resolution.score, 4),
        "match_method": resolution.method,
        "review_candidate": resolution.candidate_id,
        "review_score": round(candidate_score, 4) if candidate_score is not None else None,
        "review_status": "open" if resolution.method == "review" else None,
    }


def mention_properties(mention: MentionIn, resolution: Resolution) -> dict[str, Any]:
    """Mention node properties: the name as written, its parts, and what the resolver
    needs to compare later mentions with this one."""
    return {
        "source": mention.source,
        **name_properties(mention),
        **affiliation_properties(mention),
        "email": mention.email,
        "npi": mention.npi,
        "orcid": mention.orcid,
        "openalex_author": mention.openalex_author,
        "crm_id": mention.crm_id,
        "profile_id": mention.profile_id,
        "city": mention.city,
        "state": mention.state,
        "country": mention.country,
        "postal_code": mention.postal_code,
        "coauthors": mention.coauthors or None,
        "topics": mention.topics or None,
        "words": mention.words or None,
        "journal": mention.journal,
        "year": mention.year,
        "language": mention.language,
        **resolution_properties(resolution),
    }


def resolved_to_properties(resolution: Resolution) -> dict[str, Any]:
    """RESOLVED_TO relationship properties."""
    return {"score": round(resolution.score, 4), "method": resolution.method}
