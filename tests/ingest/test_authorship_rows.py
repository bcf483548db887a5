"""Authorship rows are maps whose keys are exactly the ones the Cypher statements read."""

from __future__ import annotations

import re

import pytest

from kolgraph.ingest.publications import authorship_row
from kolgraph.resolution import MentionIn, Resolution, hcp_properties, mention_properties
from kolgraph.store.statements import render


@pytest.mark.parametrize("name", ["write_authorships", "create_authorships"])
def test_authorship_row_keys_are_the_statements(name: str) -> None:
    mention = MentionIn(id="mention:pubmed:1:1", source="pubmed", family="Lee", given="Ann")
    resolution = Resolution(
        mention_id=mention.id, hcp_id="hcp:1", score=0.9, method="new", is_new=True
    )
    row = authorship_row(mention, resolution, "pmid:1", 1, "first", 1, "1")
    read = set(re.findall(r"\brow\.(\w+)", render(name, "falkordb", None)))
    assert set(row) == read


@pytest.mark.parametrize(
    "name", ["write_authorship_affiliations", "create_authorship_affiliations"]
)
def test_affiliation_statements_read_named_keys(name: str) -> None:
    cypher = render(name, "falkordb", None)
    assert set(re.findall(r"\brow\.(\w+)", cypher)) == {
        "mention_id",
        "hcp_id",
        "institution_id",
        "year",
    }
    assert not re.search(r"\br\[\d+\]", cypher)


MENTIONS = [
    MentionIn(id="mention:pubmed:1:1", source="pubmed", family="Lee", given="Ann B"),
    MentionIn(
        id="mention:pubmed:1:2",
        source="pubmed",
        name="Søren Ødegård",
        affiliations=["Aarhus University Hospital, Aarhus, Denmark", "Aarhus University"],
        orcid="0000-0002-1825-0097",
    ),
    MentionIn(id="mention:pubmed:1:3", source="pubmed", name="J. van der Berg", email="j@x.nl"),
    MentionIn(id="mention:pubmed:1:4", source="pubmed", family="Nguyen"),
]
RESOLUTIONS = [
    {"hcp_id": "hcp:1", "score": 0.123456, "method": "new", "is_new": True},
    {"hcp_id": "hcp:2", "score": 0.91, "method": "model", "is_new": False},
    {
        "hcp_id": "hcp:3",
        "score": 0.4,
        "method": "review",
        "is_new": True,
        "candidate_id": "hcp:9",
        "candidate_score": 0.612345,
    },
    {"hcp_id": "orcid:0000-0002-1825-0097", "score": 1.0, "method": "orcid", "is_new": False},
]


@pytest.mark.parametrize("at", range(len(MENTIONS)))
def test_authorship_rows_carry_the_mention_and_hcp_properties(at: int) -> None:
    """The row holds what mention_properties and hcp_properties give the Mention and HCP."""
    mention = MENTIONS[at]
    resolution = Resolution(mention_id=mention.id, **RESOLUTIONS[at])
    row = authorship_row(mention, resolution, "pmid:1", 2, "middle", 3, "1", True)
    mention_props = mention_properties(mention, resolution)
    hcp = hcp_properties(mention)
    sent = set(row) - {"mention_id", "hcp_id", "publication_id", "position", "role"}
    sent -= {"n_authors", "equal_contrib", "source_id", "hcp_name", "hcp_institution"}
    assert {key: row[key] for key in sent} == {key: mention_props[key] for key in sent}
    assert (row["hcp_name"], row["hcp_institution"]) == (hcp["name"], hcp["institution"])
    assert (row["mention_id"], row["hcp_id"], row["equal_contrib"]) == (
        mention.id,
        resolution.hcp_id,
        True,
    )
