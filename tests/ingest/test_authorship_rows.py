"""Authorship rows are maps whose keys are exactly the ones the Cypher statements read."""

from __future__ import annotations

import re

import pytest

from kolgraph.ingest.publications import authorship_row
from kolgraph.resolution import MentionIn, Resolution
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
