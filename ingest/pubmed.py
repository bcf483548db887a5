"""PubMed/MEDLINE XML (``PubmedArticleSet``, plain or .gz) into papers.

Parsing streams with lxml's ``iterparse``: entities are never expanded (no internal
entity substitution, no external entities, no DTD loading, no network, no huge-tree
mode), and each article is cleared as soon as it is read, so memory stays flat
whatever the file's size. A document that declares entities is refused as a whole.

Handled: PMID, title (inline markup flattened, ``VernacularTitle`` as fallback), journal
with ISSN, every ``PubDate`` shape (Year/Month/Day, Season, ``MedlineDate`` such as
"1998 Dec-1999 Jan"), DOI, language, publication types, authors in order with several
affiliations each and ORCIDs (all spellings; a malformed ORCID is dropped with a note
in the reject file), collective authors, MeSH headings with major topics, and
``DeleteCitation``. For identity resolution also: cited PMIDs (``ReferenceList``),
``CommentsCorrections`` PMIDs, grants (ids normalised, agencies), chemical UIs, keywords and
the NLM journal id; a record without them just has none.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from kolgraph.errors import IngestError
from kolgraph.ingest.publications import Author, Deletion, Paper, PaperLoader, Topic
from kolgraph.ingest.rejects import RejectLog
from kolgraph.ingest.runner import Record
from kolgraph.ingest.textfiles import open_binary
from kolgraph.ingest.xmlsafe import PARSER_ARGS, refuse_entity_declarations
from kolgraph.resolution.identifiers import doi as normal_doi
from kolgraph.resolution.identifiers import orcid as normal_orcid
from kolgraph.resolution.names import fold

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}
_YEAR = re.compile(r"(1[89]\d\d|20\d\d)")
_NIH_GRANT = re.compile(r"\b([A-Z]{2})\s*-?\s*0*(\d{3,6})\b")
_NOT_ALNUM = re.compile(r"[^A-Z0-9]")


def normal_grant_id(raw: str | None) -> str | None:
    """A grant id reduced to a comparable core, or None when too short to mean anything.

    NIH-style ids keep the two-letter institute code and the serial number without
    leading zeros (activity code, year suffix and punctuation dropped), so the ways authors
    write one grant compare equal. Other ids: upper-case letters and digits (4 or more).

    Examples
    --------
    >>> (normal_grant_id("R01 CA-012345-03"), normal_grant_id("CA12345"),
    ...  normal_grant_id("P30 CA 12345"))
    ('CA12345', 'CA12345', 'CA12345')
    >>> normal_grant_id("ANR-10-LABX-0034"), normal_grant_id("na"), normal_grant_id(None)
    ('ANR10LABX0034', None, None)
    """
    if not raw:
        return None
    text = raw.upper()
    nih = _NIH_GRANT.search(text)
    if nih:
        return f"{nih.group(1)}{int(nih.group(2))}"
    core = _NOT_ALNUM.sub("", text)
    return core if len(core) >= 4 else None


def _unique(values: Iterator[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _pmid_text(element: etree._Element) -> str | None:
    text = (element.text or "").strip()
    return text if text.isdigit() else None


def read_evidence(element: etree._Element, paper: Paper) -> None:
    """Fill ``paper``'s identity-resolution evidence from a ``PubmedArticle`` element:
    cited PMIDs, CommentsCorrections PMIDs, normalised grant ids and folded agencies,
    chemical UIs, folded keywords, NLM journal id. Missing parts leave empty lists.

    Examples
    --------
    >>> xml = ('<PubmedArticle><MedlineCitation><PMID>1</PMID><Article><GrantList>'
    ...        '<Grant><GrantID>R01 GM-04567</GrantID><Agency>NIGMS NIH HHS</Agency></Grant>'
    ...        '</GrantList></Article><ChemicalList><Chemical><NameOfSubstance UI="D006003">'
    ...        'Glycogen</NameOfSubstance></Chemical></ChemicalList><MedlineJournalInfo>'
    ...        '<NlmUniqueID>2985121R</NlmUniqueID></MedlineJournalInfo></MedlineCitation>'
    ...        '<PubmedData><ReferenceList><Reference><ArticleIdList><ArticleId IdType="pubmed">'
    ...        '99</ArticleId></ArticleIdList></Reference></ReferenceList></PubmedData>'
    ...        '</PubmedArticle>')
    >>> paper = Paper(source="pubmed", record_id="1")
    >>> read_evidence(etree.fromstring(xml), paper)
    >>> paper.references, paper.grants, paper.grant_agencies, paper.chemicals, paper.nlm_journal_id
    (['99'], ['GM4567'], ['nigms nih hhs'], ['D006003'], '2985121R')
    """
    paper.references = _unique(
        _pmid_text(e)
        for e in element.iterfind("PubmedData/ReferenceList/Reference/ArticleIdList/ArticleId")
        if e.get("IdType") == "pubmed"
    )
    paper.linked_pmids = _unique(
        _pmid_text(e)
        for e in element.iterfind(
            "MedlineCitation/CommentsCorrectionsList/CommentsCorrections/PMID"
        )
    )
    grants = list(element.iterfind("MedlineCitation/Article/GrantList/Grant"))
    paper.grants = _unique(normal_grant_id(g.findtext("GrantID")) for g in grants)
    paper.grant_agencies = _unique(
        " ".join(fold(g.findtext("Agency") or "").split()) for g in grants
    )
    paper.chemicals = _unique(
        e.get("UI")
        for e in element.iterfind("MedlineCitation/ChemicalList/Chemical/NameOfSubstance")
    )
    paper.keywords = _unique(
        " ".join(fold(_text(k) or "").split())
        for k in element.iterfind("MedlineCitation/KeywordList/Keyword")
    )
    nlm = (element.findtext("MedlineCitation/MedlineJournalInfo/NlmUniqueID") or "").strip()
    paper.nlm_journal_id = nlm or None


def _text(element: etree._Element | None) -> str | None:
    """All text inside ``element`` (inline markup flattened), whitespace collapsed."""
    if element is None:
        return None
    raw = element.text if len(element) == 0 else "".join(element.itertext())
    text = " ".join(raw.split()) if raw else ""
    return text or None


def _month(value: str | None) -> int | None:
    if not value:
        return None
    value = value.strip().lower()
    if value.isdigit():
        number = int(value)
        return number if 1 <= number <= 12 else None
    return _MONTHS.get(value[:3]) or _SEASONS.get(value)


def pub_date(element: etree._Element | None) -> tuple[int | None, str | None]:
    """(year, ISO date at the best precision) of a ``PubDate``/``ArticleDate`` element.

    Examples
    --------
    >>> pub_date(etree.fromstring("<PubDate><MedlineDate>1998 Dec-1999 Jan</MedlineDate>"
    ...                           "</PubDate>"))
    (1998, '1998-12')
    >>> pub_date(etree.fromstring("<PubDate><Year>2000</Year><Season>Spring</Season></PubDate>"))
    (2000, '2000-03')
    >>> pub_date(etree.fromstring("<PubDate><Year>2019</Year><Month>Feb</Month><Day>4</Day>"
    ...                           "</PubDate>"))
    (2019, '2019-02-04')
    """
    if element is None:
        return None, None
    medline = element.findtext("MedlineDate")
    if medline:
        years = _YEAR.findall(medline)
        if not years:
            return None, None
        year = int(years[0])
        rest = medline.split(years[0], 1)[1]
        words = re.findall(r"[A-Za-z]+", rest)
        month = _month(words[0]) if words else None
        return year, f"{year}-{month:02d}" if month else str(year)
    year_text = element.findtext("Year")
    if not year_text or not year_text.strip().isdigit():
        return None, None
    year = int(year_text)
    month = _month(element.findtext("Month")) or _month(element.findtext("Season"))
    if not month:
        return year, str(year)
    day = element.findtext("Day")
    if day and day.strip().isdigit() and 1 <= int(day) <= 31:
        return year, f"{year}-{month:02d}-{int(day):02d}"
    return year, f"{year}-{month:02d}"


def _author(element: etree._Element, pmid: str, rejects: RejectLog) -> Author:
    author = Author(equal_contrib=element.get("EqualContrib") == "Y")
    for child in element:  # one pass over the children: authors are most of a record
        tag = child.tag
        if tag == "LastName":
            if author.family is None:
                author.family = child.text or ""
        elif tag == "ForeName":
            if author.given is None:
                author.given = child.text or ""
        elif tag == "Initials":
            if author.initials is None:
                author.initials = child.text or ""
        elif tag == "AffiliationInfo":
            affiliation = _text(child.find("Affiliation"))
            if affiliation:
                author.affiliations.append(affiliation)
        elif tag == "Identifier" and (child.get("Source") or "").upper() == "ORCID":
            raw = (child.text or "").strip()
            value = normal_orcid(raw)
            if value is None:
                rejects.note(pmid, "orcid", f"malformed ORCID {raw!r} ignored")
            else:
                author.orcid = value
        elif tag == "CollectiveName":
            collective = _text(child)
            if collective:
                return Author(collective=collective)
    return author


def parse_article(element: etree._Element, rejects: RejectLog) -> Paper:
    """One ``PubmedArticle`` element as a :class:`Paper`.

    Raises
    ------
    ValueError
        If the record has no usable PMID.
    """
    citation = element.find("MedlineCitation")
    pmid = (citation.findtext("PMID") or "").strip() if citation is not None else ""
    if not pmid.isdigit():
        raise ValueError(f"no numeric PMID (found {pmid!r})")
    article = citation.find("Article")  # type: ignore[union-attr]
    if article is None:
        raise ValueError("no Article element")
    paper = Paper(source="pubmed", record_id=pmid, pmid=pmid)
    paper.title = _text(article.find("ArticleTitle")) or _text(article.find("VernacularTitle"))
    paper.abstract = (
        " ".join(t for t in (_text(e) for e in article.iterfind("Abstract/AbstractText")) if t)
        or None
    )
    journal = article.find("Journal")
    if journal is not None:
        paper.journal = _text(journal.find("Title"))
        paper.iso_abbreviation = journal.findtext("ISOAbbreviation")
        issn = journal.findtext("ISSN")
        paper.issn = issn.strip() if issn else None
        paper.year, paper.date = pub_date(journal.find("JournalIssue/PubDate"))
    if paper.year is None:
        paper.year, paper.date = pub_date(article.find("ArticleDate"))
    if paper.issn is None:
        linking = citation.findtext("MedlineJournalInfo/ISSNLinking")  # type: ignore[union-attr]
        paper.issn = linking.strip() if linking else None
    paper.language = article.findtext("Language")
    paper.publication_types = [
        t for t in (_text(e) for e in article.iterfind("PublicationTypeList/PublicationType")) if t
    ]
    for location in article.iterfind("ELocationID"):
        if location.get("EIdType") == "doi":
            paper.doi = normal_doi(location.text)
    for identifier in element.iterfind("PubmedData/ArticleIdList/ArticleId"):
        if identifier.get("IdType") == "doi" and paper.doi is None:
            paper.doi = normal_doi(identifier.text)
    for item in article.iterfind("AuthorList/Author"):
        if item.get("ValidYN") == "N":
            continue
        paper.authors.append(_author(item, pmid, rejects))
    for heading in citation.iterfind("MeshHeadingList/MeshHeading"):  # type: ignore[union-attr]
        descriptor = heading.find("DescriptorName")
        if descriptor is None or not descriptor.get("UI"):
            continue
        major = descriptor.get("MajorTopicYN") == "Y" or any(
            q.get("MajorTopicYN") == "Y" for q in heading.iterfind("QualifierName")
        )
        paper.topics.append(
            Topic(
                sys.intern(f"mesh:{descriptor.get('UI')}"), _text(descriptor) or "", "mesh", major
            )
        )
    read_evidence(element, paper)
    return paper


def _parser_events(handle: object) -> etree.iterparse:
    return etree.iterparse(
        handle,
        events=("end",),
        tag=("PubmedArticle", "DeleteCitation", "PubmedBookArticle"),
        recover=False,
        **PARSER_ARGS,
    )


class PubmedLoader(PaperLoader):
    """Loads ``PubmedArticleSet`` files (plain or gzip)."""

    source = "pubmed"

    def check(self, path: Path) -> None:
        self.start_run()
        with open_binary(path) as handle:
            try:
                head = handle.read(4096)
            except (OSError, EOFError) as exc:
                raise IngestError(f"{path}: cannot read the file ({exc})") from exc
        text = head.lstrip(b"\xef\xbb\xbf").lstrip()
        if not text.startswith(b"<"):
            raise IngestError(f"{path}: not XML (expected a PubmedArticleSet document)")
        root = refuse_entity_declarations(path, "PubMed").root
        if root != "PubmedArticleSet":
            raise IngestError(
                f"{path}: the root element is <{root}>, not <PubmedArticleSet>; is this PubMed XML?"
            )

    def records(self, path: Path, rejects: RejectLog) -> Iterator[Record]:
        count = 0
        with open_binary(path) as handle:
            try:
                for _, element in _parser_events(handle):
                    count += 1
                    yield from self._element_records(element, count, rejects)
                    element.clear(keep_tail=False)
                    parent = element.getparent()
                    if parent is not None:
                        while element.getprevious() is not None:
                            del parent[0]
            except etree.XMLSyntaxError as exc:
                raise IngestError(
                    f"{path}: XML is malformed after record {count} ({exc.msg}); records before "
                    "it were loaded, fix or re-download the file and run again"
                ) from exc
            except (OSError, EOFError) as exc:
                raise IngestError(
                    f"{path}: cannot read the file after record {count} ({exc}); "
                    "is the .gz file truncated?"
                ) from exc

    def _element_records(
        self, element: etree._Element, count: int, rejects: RejectLog
    ) -> Iterator[Record]:
        if element.tag == "DeleteCitation":
            for pmid in element.iterfind("PMID"):
                if pmid.text and pmid.text.strip().isdigit():
                    yield Record(f"delete:{pmid.text.strip()}", Deletion(pmid.text.strip()))
                else:
                    rejects.add(f"DeleteCitation {count}", "PMID", f"not a PMID: {pmid.text!r}")
            return
        if element.tag == "PubmedBookArticle":
            pmid = element.findtext("BookDocument/PMID") or f"record {count}"
            rejects.add(pmid, None, "PubmedBookArticle (book chapters) are not loaded")
            return
        try:
            paper = parse_article(element, rejects)
        except ValueError as exc:
            pmid = element.findtext("MedlineCitation/PMID") or f"record {count}"
            rejects.add(pmid, "PMID" if "PMID" in str(exc) else None, str(exc))
            return
        yield Record(paper.pmid or "", paper)
