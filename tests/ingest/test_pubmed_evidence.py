"""Identity-resolution evidence read from PubMed records and stored on the Publication."""

from __future__ import annotations

from pathlib import Path

from kolgraph.ingest import run_ingest
from kolgraph.ingest.publications import Paper, paper_mentions
from kolgraph.ingest.pubmed import PubmedLoader, normal_grant_id
from kolgraph.ingest.rejects import RejectLog

FULL = """<PubmedArticle><MedlineCitation><PMID>111</PMID>
<Article><Journal><Title>Physical review letters</Title><JournalIssue><PubDate><Year>2004</Year>
</PubDate></JournalIssue></Journal><ArticleTitle>Glycogen synthase in mice</ArticleTitle>
<Abstract><AbstractText>Glycogen synthase activity was measured in hepatic tissue.</AbstractText>
</Abstract><AuthorList>
<Author><LastName>Stenkamp</LastName><ForeName>Deborah L</ForeName>
<AffiliationInfo><Affiliation>Dept of Biology, Univ of Idaho</Affiliation></AffiliationInfo>
</Author>
<Author><LastName>Hu</LastName><Initials>M</Initials></Author>
<Author><CollectiveName>The Glycogen Group</CollectiveName></Author>
<Author><LastName>Wu</LastName><ForeName>Xi</ForeName>
<AffiliationInfo><Affiliation>Univ of Tokyo</Affiliation></AffiliationInfo></Author>
</AuthorList>
<GrantList><Grant><GrantID>R01 EY-012146-03</GrantID><Agency>NEI NIH HHS</Agency></Grant>
<Grant><GrantID>EY12146</GrantID><Agency>NEI NIH HHS</Agency></Grant>
<Grant><GrantID>x</GrantID><Agency>Wellcome Trust</Agency></Grant></GrantList>
</Article>
<MedlineJournalInfo><NlmUniqueID>0401141</NlmUniqueID></MedlineJournalInfo>
<ChemicalList><Chemical><NameOfSubstance UI="D006003">Glycogen</NameOfSubstance></Chemical>
</ChemicalList>
<CommentsCorrectionsList><CommentsCorrections RefType="ErratumIn"><PMID>222</PMID>
</CommentsCorrections></CommentsCorrectionsList>
<MeshHeadingList><MeshHeading><DescriptorName UI="D051379" MajorTopicYN="N">Mice</DescriptorName>
</MeshHeading><MeshHeading><DescriptorName UI="D006003" MajorTopicYN="Y">Glycogen</DescriptorName>
</MeshHeading></MeshHeadingList>
<KeywordList><Keyword>  Glycogen   Synthase </Keyword><Keyword>mice</Keyword></KeywordList>
</MedlineCitation>
<PubmedData><ReferenceList><Reference><Citation>x</Citation><ArticleIdList>
<ArticleId IdType="pubmed">333</ArticleId><ArticleId IdType="doi">10.1/x</ArticleId>
</ArticleIdList></Reference><Reference><ArticleIdList>
<ArticleId IdType="pubmed">not-a-pmid</ArticleId>
</ArticleIdList></Reference></ReferenceList></PubmedData></PubmedArticle>"""

BARE = """<PubmedArticle><MedlineCitation><PMID>444</PMID><Article>
<ArticleTitle>Bare</ArticleTitle><AuthorList><Author><LastName>Solomon</LastName>
<Initials>E</Initials></Author></AuthorList><GrantList><Grant></Grant></GrantList>
</Article><ChemicalList><Chemical><NameOfSubstance>no UI</NameOfSubstance></Chemical>
</ChemicalList></MedlineCitation></PubmedArticle>"""


def _file(tmp_path: Path, *records: str) -> Path:
    path = tmp_path / "evidence.xml"
    path.write_text(
        "<?xml version='1.0'?>\n<PubmedArticleSet>" + "".join(records) + "</PubmedArticleSet>",
        encoding="utf-8",
    )
    return path


def _papers(path: Path, tmp_path: Path) -> dict[str, Paper]:
    with RejectLog(tmp_path / "r.jsonl", source="pubmed", file=path.name) as rejects:
        papers = {r.value.pmid: r.value for r in PubmedLoader().records(path, rejects)}
    assert not (tmp_path / "r.jsonl").exists() or not (tmp_path / "r.jsonl").read_text().strip()
    return papers


def test_evidence_is_read(tmp_path):
    paper = _papers(_file(tmp_path, FULL), tmp_path)["111"]
    assert paper.references == ["333"]
    assert paper.linked_pmids == ["222"]
    assert paper.grants == ["EY12146"]  # two spellings of one NIH grant; "x" too short
    assert paper.grant_agencies == ["nei nih hhs", "wellcome trust"]
    assert paper.chemicals == ["D006003"]
    assert paper.keywords == ["glycogen synthase", "mice"]
    assert paper.nlm_journal_id == "0401141"
    record = paper_mentions(paper)[0][1].record
    assert record.mesh == {"D051379", "D006003"} and record.mesh_major == {"D006003"}
    assert record.affiliations == ("Dept of Biology, Univ of Idaho", "Univ of Tokyo")
    assert record.fullnames == {"stenkamp deborah", "wu xi"}
    assert record.n_authors == 4 and record.journal_words == {"physical", "review", "letters"}
    assert {"glycogen", "synthase", "hepatic", "tissue"} <= record.words
    mentions = [m for _, m in paper_mentions(paper) if m]
    assert [m.position for m in mentions] == [1, 2, 4]
    assert len({id(m.record) for m in mentions}) == 1  # one object per record


def test_a_record_without_evidence_has_empty_evidence(tmp_path):
    paper = _papers(_file(tmp_path, BARE), tmp_path)["444"]
    assert paper.references == paper.grants == paper.chemicals == paper.keywords == []
    assert paper.nlm_journal_id is None
    record = paper_mentions(paper)[0][1].record
    assert not record.references and not record.affiliations and record.n_authors == 1


def test_evidence_is_stored_once_on_the_publication(store, tmp_path):
    run_ingest(store, PubmedLoader(), _file(tmp_path, FULL, BARE), rejects_dir=tmp_path / "rejects")
    rows = store.run("publications_by_pmid", {"label": "Publication"}, values=["111", "444"])
    assert {r["value"] for r in rows} == {"111", "444"}
    found = {}
    for row in store.run(
        "mentions_in_blocks",
        {"label": "Mention", "type": "RESOLVED_TO", "end": "HCP"},
        keys=["stenkamp d", "solomon e"],
        per_hcp=1_000,
    ):
        found[row["mention_id"]] = row["props"]
    full, bare = found["mention:pubmed:111:1"], found["mention:pubmed:444:1"]
    assert full["record_cited_pmids"] == ["333"] and full["record_grants"] == ["EY12146"]
    assert full["record_nlm_journal_id"] == "0401141" and full["record_n_authors"] == 4
    assert full["record_major_topic_ids"] == ["mesh:D006003"] and full["position"] == 1
    assert bare["record_cited_pmids"] is None and bare["record_affiliations"] is None


def test_grant_ids_normalise():
    assert normal_grant_id("R01 CA-012345-03") == normal_grant_id("CA12345") == "CA12345"
    assert normal_grant_id("  ") is None and normal_grant_id("ANR-10-LABX-0034") == "ANR10LABX0034"
