"""PubMed loader on bad input: clear errors for unusable files, rejects for bad records,
and entity payloads refused without reading anything."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from kolgraph.errors import IngestError
from kolgraph.ingest.pubmed import PubmedLoader
from kolgraph.ingest.rejects import RejectLog
from tests.factories import SAMPLES, ingest

SAMPLE = SAMPLES / "pubmed" / "pubmed21n1298_sample_mesh_indexed.xml"
ARTICLE = """<PubmedArticle><MedlineCitation><PMID>{pmid}</PMID><Article>
<Journal><Title>J</Title></Journal><ArticleTitle>{title}</ArticleTitle>
<AuthorList><Author><LastName>Doe</LastName><ForeName>Jane</ForeName></Author></AuthorList>
</Article></MedlineCitation></PubmedArticle>"""


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def test_truncated_file_stops_with_a_clear_message(store, tmp_path):
    data = SAMPLE.read_bytes()
    path = write(tmp_path, "cut.xml", data[: len(data) // 2])
    with pytest.raises(IngestError, match=r"cut\.xml: XML is malformed after record \d+"):
        ingest(store, "pubmed", path, tmp_path)


def test_truncated_gzip_stops_with_a_clear_message(store, tmp_path):
    packed = gzip.compress(SAMPLE.read_bytes())
    path = write(tmp_path, "cut.xml.gz", packed[: len(packed) // 2])
    with pytest.raises(IngestError, match=r"cut\.xml\.gz: .*(truncated|malformed)"):
        ingest(store, "pubmed", path, tmp_path)


def test_not_xml_is_refused(store, tmp_path):
    path = write(tmp_path, "x.xml", "npi_1,npi_2\n1,2\n")
    with pytest.raises(IngestError, match="not XML"):
        ingest(store, "pubmed", path, tmp_path)


def test_billion_laughs_is_refused(store, tmp_path):
    lol = (
        '<?xml version="1.0"?><!DOCTYPE PubmedArticleSet [<!ENTITY a "lol">'
        + "".join(
            f'<!ENTITY {c} "{("&" + p + ";") * 10}">'
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + "]><PubmedArticleSet>"
        + ARTICLE.format(pmid=1, title="&i;")
        + "</PubmedArticleSet>"
    )
    path = write(tmp_path, "lol.xml", lol)
    with pytest.raises(IngestError, match="declares XML entities"):
        ingest(store, "pubmed", path, tmp_path)
    assert store.counts()["nodes"].get("Publication", 0) == 0


def test_external_entity_is_never_read(store, tmp_path):
    secret = write(tmp_path, "secret.txt", "TOP-SECRET")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE PubmedArticleSet [<!ENTITY x SYSTEM '
        f'"file://{secret}">]><PubmedArticleSet>'
        + ARTICLE.format(pmid=2, title="&x;")
        + "</PubmedArticleSet>"
    )
    path = write(tmp_path, "xxe.xml", xxe)
    with pytest.raises(IngestError, match="declares XML entities"):
        ingest(store, "pubmed", path, tmp_path)
    # and the streaming parser itself, past the check, does not expand it either
    with RejectLog(tmp_path / "r.jsonl", source="pubmed", file="xxe.xml") as rejects:
        records = list(PubmedLoader().records(path, rejects))
    assert records and not any("TOP-SECRET" in str(r.value) for r in records)


PADDING = "<!--" + "padding " * 9_000 + "-->"  # 72 KB, past any fixed-size look at the head


@pytest.mark.parametrize("where", ["before-doctype", "inside-doctype", "gzip"])
def test_entity_after_a_long_comment_is_refused(store, tmp_path, where):
    """The whole prolog is read up to the root element, however long, plain or gzip."""
    secret = write(tmp_path, "secret.txt", "TOP-SECRET")
    entity = f'<!ENTITY x SYSTEM "file://{secret}">'
    prolog = (
        f'<?xml version="1.0"?>{PADDING}<!DOCTYPE PubmedArticleSet [{entity}]>'
        if where != "inside-doctype"
        else f'<?xml version="1.0"?><!DOCTYPE PubmedArticleSet [{PADDING}{entity}]>'
    )
    text = (
        prolog + "<PubmedArticleSet>" + ARTICLE.format(pmid=7, title="&x;") + "</PubmedArticleSet>"
    )
    assert text.index("<!ENTITY") > 70_000
    data = gzip.compress(text.encode()) if where == "gzip" else text
    path = write(tmp_path, "padded.xml.gz" if where == "gzip" else "padded.xml", data)
    with pytest.raises(
        IngestError,
        match=r"padded\.xml(\.gz)?: the document declares XML "
        r"entities \(x\)",
    ):
        ingest(store, "pubmed", path, tmp_path)
    assert store.counts()["nodes"].get("Publication", 0) == 0


def test_long_comment_without_entities_still_loads(store, tmp_path):
    text = (
        '<?xml version="1.0"?>' + PADDING + '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD '
        'PubMedArticle, 1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/'
        'pubmed_250101.dtd"><PubmedArticleSet>'
        + ARTICLE.format(pmid=8, title="fine")
        + "</PubmedArticleSet>"
    )
    summary = ingest(store, "pubmed", write(tmp_path, "padded.xml", text), tmp_path)
    assert (summary.read, summary.loaded) == (1, 1)


def test_other_root_element_is_refused(store, tmp_path):
    path = write(tmp_path, "other.xml", "<!-- PubmedArticleSet --><html><body/></html>")
    with pytest.raises(IngestError, match=r"other\.xml: the root element is <html>"):
        ingest(store, "pubmed", path, tmp_path)


def test_wrong_encoding_is_a_clear_error(store, tmp_path):
    text = (
        "<?xml version='1.0' encoding='utf-8'?><PubmedArticleSet>"
        + ARTICLE.format(pmid=3, title="Ça va")
        + "</PubmedArticleSet>"
    )
    path = write(tmp_path, "latin.xml", text, encoding="latin-1")
    with pytest.raises(IngestError, match=r"latin\.xml: XML is malformed.*"):
        ingest(store, "pubmed", path, tmp_path)


def test_bad_records_go_to_the_reject_file_and_the_run_goes_on(store, tmp_path):
    text = (
        "<PubmedArticleSet>"
        + ARTICLE.format(pmid="abc", title="no pmid")
        + ARTICLE.format(pmid=5, title="fine")
        + ARTICLE.format(pmid=5, title="again")
        + "</PubmedArticleSet>"
    )
    summary = ingest(store, "pubmed", write(tmp_path, "mixed.xml", text), tmp_path)
    assert (summary.read, summary.loaded, summary.rejected, summary.duplicates) == (3, 1, 1, 1)
    reject = Path(summary.rejects_file).read_text()
    assert '"field": "PMID"' in reject and "abc" in reject
    assert store.counts()["nodes"]["Publication"] == 1


def test_delete_citation_removes_the_paper(store, tmp_path):
    first = "<PubmedArticleSet>" + ARTICLE.format(pmid=7, title="t") + "</PubmedArticleSet>"
    ingest(store, "pubmed", write(tmp_path, "a.xml", first), tmp_path)
    assert store.counts()["nodes"]["Publication"] == 1
    update = "<PubmedArticleSet><DeleteCitation><PMID>7</PMID></DeleteCitation></PubmedArticleSet>"
    summary = ingest(store, "pubmed", write(tmp_path, "b.xml", update), tmp_path)
    assert summary.loaded == 1
    counts = store.counts()
    assert counts["nodes"].get("Publication", 0) == 0
    assert counts["nodes"].get("Mention", 0) == 0
