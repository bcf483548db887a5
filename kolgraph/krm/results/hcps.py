"""What :mod:`kolgraph.krm.search` returns: HCP rows, pages of them and lookups.

>>> hit = LookupHit(kind="npi", value="1234567893", hcp=Hcp(id="npi:1234567893"))
>>> LookupResult(found=[hit], missing=[]).found[0].hcp.id
'npi:1234567893'
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from kolgraph.krm.results.base import Open, Scalar


class TherapeuticArea(BaseModel):
    """A MeSH disease category the HCP publishes in, and how many of their papers do."""

    id: str = Field(description="MeSH tree number of the category, e.g. C14.")
    name: str = Field(description="Its MeSH heading, e.g. Cardiovascular Diseases.")
    papers: int


class Hcp(Open):
    """An HCP node's properties; scores appear after scoring has run."""

    id: str
    name: str | None = None
    npi: Scalar = None
    orcid: Scalar = None
    crm_id: Scalar = None
    specialty: Scalar = None
    institution: Scalar = None
    city: Scalar = None
    state: Scalar = None
    country: Scalar = None
    influence: float | None = None
    tier: Scalar = None
    segment: Scalar = None
    community: Scalar = None
    rising_star: bool | None = None
    areas: list[TherapeuticArea] = Field(
        default_factory=list,
        description="Therapeutic areas (MeSH disease categories) of the HCP's papers, the "
        "most papers first (at most 5).",
    )


class HcpPage(BaseModel):
    items: list[Hcp]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page.")


class LookupHit(BaseModel):
    kind: str
    value: str
    hcp: Hcp


class LookupMiss(BaseModel):
    kind: str
    value: str


class LookupResult(BaseModel):
    found: list[LookupHit]
    missing: list[LookupMiss]
