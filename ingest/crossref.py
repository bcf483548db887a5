"""Crossref works (JSON Lines of work records, or an API ``work``/``work-list`` envelope).

Each work becomes a Publication keyed by DOI, or onto the existing Publication with the
same DOI (e.g. loaded from PubMed): one paper, one node. Authors keep their order
(``sequence`` first/additional), ORCIDs in any spelling and affiliation names.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import html

from kolgraph.errors import IngestError
from kolgraph.ingest.publications import Author, Paper, PaperLoader
from kolgraph.ingest.rejects import RejectLog
from kolgraph.ingest.runner import Record
from kolgraph.ingest.textfiles import json_lines, open_text
from kolgraph.resolution.identifiers import doi as normal_doi
from kolgraph.resolution.identifiers import orcid as normal_orcid


def plain_title(text: str) -> str | None:
    """A title without its markup (JATS, MathML, ``<scp>``, ``<i>``, ``<sub>``), read by
    lxml's HTML parser; entities decoded, spaces collapsed.

    >>> plain_title("Role of <scp>IL</scp>-6 in <i>vivo</i>: H<sub>2</sub>O &amp; "
    ...             "<jats:italic>x</jats:italic>")
    'Role of IL-6 in vivo: H2O & x'
    """
    if "<" not in text and "&" not in text:
        return " ".join(text.split()) or None
    try:
        plain = html.fragment_fromstring(text, create_parent="div").text_content()
    except Exception:  # lxml raises ParserError or ValueError on what is no markup at all
        plain = text
    return " ".join(plain.split()) or None


def _date(work: dict[str, Any]) -> tuple[int | None, str | None]:
    for key in ("published-print", "published-online", "issued", "published", "created"):
        parts = ((work.get(key) or {}).get("date-parts") or [[None]])[0]
        if parts and parts[0]:
            nums = [int(p) for p in parts if p]
            return nums[0], "-".join([f"{nums[0]:04d}", *(f"{n:02d}" for n in nums[1:3])])
    return None, None


def parse_work(work: dict[str, Any], rejects: RejectLog, record: str) -> Paper:
    """One Crossref work as a :class:`Paper`.

    Raises
    ------
    ValueError
        If the work has no valid DOI.
    """
    doi = normal_doi(work.get("DOI"))
    if not doi:
        raise ValueError(f"no valid DOI (found {work.get('DOI')!r})")
    paper = Paper(source="crossref", record_id=doi, doi=doi)
    titles = work.get("title") or []
    paper.title = plain_title(str(titles[0])) if titles else None
    journals = work.get("container-title") or []
    paper.journal = journals[0] if journals else None
    issns = work.get("ISSN") or []
    paper.issn = issns[0] if issns else None
    paper.year, paper.date = _date(work)
    paper.language = work.get("language")
    paper.publication_types = [work["type"]] if work.get("type") else []
    paper.cited_by = work.get("is-referenced-by-count")
    for person in work.get("author") or []:
        if person.get("name") and not person.get("family"):
            paper.authors.append(Author(collective=str(person["name"])))
            continue
        author = Author(
            family=person.get("family"),
            given=person.get("given"),
            affiliations=[a["name"] for a in person.get("affiliation") or [] if a.get("name")],
        )
        raw = person.get("ORCID")
        if raw:
            author.orcid = normal_orcid(raw)
            if author.orcid is None:
                rejects.note(record, "orcid", f"malformed ORCID {raw!r} ignored")
        if not author.family:
            rejects.note(record, "author", "author without a family name skipped")
            continue
        paper.authors.append(author)
    return paper


class CrossrefLoader(PaperLoader):
    """Loads Crossref JSON Lines files and API response envelopes."""

    source = "crossref"

    def check(self, path: Path) -> None:
        self.start_run()
        with open_text(path) as handle:
            head = handle.read(4096).lstrip()
        if not head.startswith("{"):
            raise IngestError(
                f"{path}: not JSON (expected Crossref works, one per line, or an "
                "API response with 'message')"
            )

    def _works(self, path: Path, rejects: RejectLog) -> Iterator[tuple[str, Any]]:
        with open_text(path) as handle:
            first = handle.readline()
        try:
            head = json.loads(first)
        except json.JSONDecodeError:
            head = None
        if isinstance(head, dict) and "message" not in head:  # JSON Lines of works
            yield from json_lines(path, rejects)
            return
        with open_text(path) as handle:  # one API response (work or work-list)
            try:
                envelope = json.load(handle)
            except json.JSONDecodeError as exc:
                raise IngestError(
                    f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})"
                ) from exc
        message = envelope.get("message", envelope) if isinstance(envelope, dict) else envelope
        items = message.get("items", [message]) if isinstance(message, dict) else message
        for n, item in enumerate(items, start=1):
            yield f"item {n}", item

    def records(self, path: Path, rejects: RejectLog) -> Iterator[Record]:
        for where, work in self._works(path, rejects):
            if not isinstance(work, dict):
                rejects.add(where, None, "not a JSON object")
                continue
            try:
                paper = parse_work(work, rejects, work.get("DOI") or where)
            except ValueError as exc:
                rejects.add(where, "DOI", str(exc))
                continue
            yield Record(paper.record_id, paper)
