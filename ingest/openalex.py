"""OpenAlex works: API result pages (``{"meta", "results"}``) or JSON Lines of works.

Authorships in order with ORCID, institutions (ROR) and raw affiliation strings; topics
(and concepts when there are no topics) with their score; ``cited_by_count``. A work
with a DOI or PMID already loaded joins that Publication.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kolgraph.errors import IngestError
from kolgraph.ingest.publications import Author, Paper, PaperLoader, Topic
from kolgraph.ingest.rejects import RejectLog
from kolgraph.ingest.runner import Record
from kolgraph.ingest.textfiles import json_lines, open_text
from kolgraph.resolution.identifiers import doi as normal_doi
from kolgraph.resolution.identifiers import orcid as normal_orcid
from kolgraph.resolution.names import split_name


def _short(url: str | None) -> str | None:
    return url.rstrip("/").rsplit("/", 1)[-1] if url else None


def openalex_author_id(url: str | None) -> str | None:
    """The short OpenAlex author id of ``https://openalex.org/A…``; None for anything else.

    >>> openalex_author_id("https://openalex.org/A5020206504"), openalex_author_id("W1")
    ('A5020206504', None)
    """
    short = _short(url)
    return short if short and short[:1] == "A" and short[1:].isdigit() else None


def parse_work(work: dict[str, Any], rejects: RejectLog) -> Paper:
    """One OpenAlex work as a :class:`Paper`.

    Raises
    ------
    ValueError
        If the work has no OpenAlex id.
    """
    wid = _short(work.get("id"))
    if not wid or not wid.startswith("W"):
        raise ValueError(f"no OpenAlex work id (found {work.get('id')!r})")
    ids = work.get("ids") or {}
    paper = Paper(
        source="openalex",
        record_id=wid,
        openalex=wid,
        doi=normal_doi(work.get("doi") or ids.get("doi")),
        pmid=_short(ids.get("pmid")),
    )
    paper.title = work.get("display_name") or work.get("title")
    venue = ((work.get("primary_location") or {}).get("source")) or {}
    paper.journal = venue.get("display_name")
    paper.issn = venue.get("issn_l")
    paper.year = work.get("publication_year")
    paper.date = work.get("publication_date")
    paper.language = work.get("language")
    paper.publication_types = [t for t in (work.get("type"),) if t]
    paper.cited_by = work.get("cited_by_count")
    for ship in work.get("authorships") or []:
        person = ship.get("author") or {}
        name = ship.get("raw_author_name") or person.get("display_name") or ""
        family, given = split_name(name)
        author = Author(
            family=family or None,
            given=given or None,
            affiliations=[
                " ".join(a.split()) for a in ship.get("raw_affiliation_strings") or [] if a.strip()
            ],
        )
        author.institutions = [
            (i.get("ror"), i["display_name"])
            for i in ship.get("institutions") or []
            if i.get("display_name")
        ]
        author.openalex_id = openalex_author_id(person.get("id"))
        raw = person.get("orcid")
        if raw:
            author.orcid = normal_orcid(raw)
            if author.orcid is None:
                rejects.note(wid, "orcid", f"malformed ORCID {raw!r} ignored")
        if not author.family:
            rejects.note(wid, "author", "authorship without a name skipped")
            continue
        paper.authors.append(author)
    topics = work.get("topics") or []
    for topic in topics:
        if topic.get("id"):
            paper.topics.append(
                Topic(
                    f"openalex:{_short(topic['id'])}",
                    topic["display_name"],
                    "openalex",
                    bool(topic.get("score", 0) >= 0.9),
                )
            )
    if not topics:
        for concept in work.get("concepts") or []:
            if concept.get("id") and concept.get("level", 0) <= 2:
                paper.topics.append(
                    Topic(
                        f"openalex:{_short(concept['id'])}",
                        concept["display_name"],
                        "openalex",
                        bool(concept.get("score", 0) >= 0.9),
                    )
                )
    return paper


class OpenAlexLoader(PaperLoader):
    """Loads OpenAlex works result pages and works JSON Lines."""

    source = "openalex"

    def check(self, path: Path) -> None:
        self.start_run()
        with open_text(path) as handle:
            head = handle.read(4096).lstrip()
        if not head.startswith(("{", "[")):
            raise IngestError(f"{path}: not JSON (expected an OpenAlex works page or JSON Lines)")

    def _works(self, path: Path, rejects: RejectLog) -> Iterator[tuple[str, Any]]:
        with open_text(path) as handle:
            first = handle.readline()
        try:
            head = json.loads(first)
        except json.JSONDecodeError:
            head = None
        if isinstance(head, dict) and "results" not in head:  # JSON Lines: streamed
            yield from json_lines(path, rejects)
            return
        with open_text(path) as handle:  # one works page or array (an API response)
            try:
                data = json.load(handle)
            except json.JSONDecodeError:
                data = None
        if data is None:
            yield from json_lines(path, rejects)
            return
        works = data.get("results", [data]) if isinstance(data, dict) else data
        for n, work in enumerate(works, start=1):
            yield f"result {n}", work

    def records(self, path: Path, rejects: RejectLog) -> Iterator[Record]:
        for where, work in self._works(path, rejects):
            if not isinstance(work, dict):
                rejects.add(where, None, "not a JSON object")
                continue
            try:
                paper = parse_work(work, rejects)
            except ValueError as exc:
                rejects.add(where, "id", str(exc))
                continue
            yield Record(paper.record_id, paper)
