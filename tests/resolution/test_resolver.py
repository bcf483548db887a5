"""The resolver against a real store: deterministic keys, re-ingest, batch-internal matches."""

from __future__ import annotations

from kolgraph.ingest.batch import GraphBatch
from kolgraph.ingest.mentions import add_mention
from kolgraph.resolution import MentionIn, resolve_mentions


def _write(store, mentions, resolutions):
    batch = GraphBatch()
    for m, r in zip(mentions, resolutions, strict=True):
        add_mention(batch, m, r)
    batch.write(store)


def test_npi_and_orcid_resolve_across_batches(store):
    first = [
        MentionIn(id="mention:nppes:1234567893:1", source="nppes", family="Doe",
                  given="Jane", npi="1234567893"),
        MentionIn(id="mention:pubmed:1:1", source="pubmed", family="Roe", given="Rick",
                  orcid="0000-0002-1825-0097"),
    ]
    r1 = resolve_mentions(store, first)
    assert [r.hcp_id for r in r1] == ["npi:1234567893", "orcid:0000-0002-1825-0097"]
    assert all(r.is_new and r.method == "new" for r in r1)
    _write(store, first, r1)
    later = [
        MentionIn(id="mention:op:9:1", source="open_payments", name="DOE, JANE",
                  npi="1234567893"),
        MentionIn(id="mention:crossref:x:2", source="crossref", name="R. Roe",
                  orcid="0000-0002-1825-0097"),
    ]
    r2 = resolve_mentions(store, later)
    assert [(r.hcp_id, r.method, r.is_new) for r in r2] == [
        ("npi:1234567893", "npi", False), ("orcid:0000-0002-1825-0097", "orcid", False)]


def test_reresolving_written_mentions_returns_the_same_hcps(store):
    mentions = [MentionIn(id=f"mention:pubmed:{i}:1", source="pubmed", family="Kaye",
                          given=given) for i, given in enumerate(["Jeffrey", "Mary", "J"])]
    first = resolve_mentions(store, mentions)
    _write(store, mentions, first)
    again = resolve_mentions(store, mentions)
    assert [r.hcp_id for r in again] == [r.hcp_id for r in first]
    assert len({r.hcp_id for r in first[:2]}) == 2  # Jeffrey and Mary are two people


def test_identifier_seen_earlier_in_the_same_batch_is_reused(store):
    mentions = [MentionIn(id=f"mention:crm:{i}:1", source="crm", name="Ann Lee",
                          crm_id="C-7") for i in range(3)]
    results = resolve_mentions(store, mentions)
    assert {r.hcp_id for r in results} == {results[0].hcp_id}
    assert [r.method for r in results] == ["new", "crm_id", "crm_id"]
