"""Congress programmes -> Congress, Session and who presented, chaired or spoke there.

Shapes (see docs/formats/congress.md):

* the kolgraph programme CSV: one row per person, role and session;
* the same as JSON: a list of such rows, or ``{"congress", "year", ..., "sessions": [...]}``;
* real MIDL website files (:mod:`kolgraph.ingest.programmes`): the Markdown programme
  (``*.md``), ``papers.json`` and the iCalendar feed (``*.ics``); the congress and year come
  from the file name (``midl2020_...``).

Every person is a Mention resolved to an HCP, with ``APPEARS_IN`` the Session and
``(:HCP)-[:PRESENTED_AT {role}]->(:Session)-[:PART_OF]->(:Congress)``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kolgraph.errors import IngestError
from kolgraph.ingest import fields
from kolgraph.ingest.batch import GraphBatch
from kolgraph.ingest.csvrows import csv_rows, read_header, require_columns
from kolgraph.ingest.people import mention_id, resolve_people
from kolgraph.ingest.programmes import (
    Person,
    SessionRecord,
    calendar_sessions,
    keynote_sessions,
    markdown_sessions,
    page_kind,
    papers_sessions,
)
from kolgraph.ingest.rejects import RejectLog
from kolgraph.ingest.runner import Loader, Record
from kolgraph.ingest.textfiles import open_text
from kolgraph.resolution import MentionIn, name_key, split_name
from kolgraph.store import GraphStore

ROLES = ("chair", "invited_speaker", "moderator", "panelist", "abstract", "poster")
_ROLE_ALIASES = {
    "invited speaker": "invited_speaker",
    "speaker": "invited_speaker",
    "keynote": "invited_speaker",
    "abstract presenter": "abstract",
    "oral": "abstract",
    "poster presenter": "poster",
    "co-chair": "chair",
    "session chair": "chair",
}
SCOPES = ("international", "national", "regional")
REQUIRED = ("congress", "year", "session_id", "session_title", "person_name", "role")
_FILE_CONGRESS = re.compile(r"^([A-Za-z]+)[-_]?((?:19|20)\d{2})")


def role_of(text: str | None) -> str:
    """The schema role for a programme role.

    Raises
    ------
    ValueError
        For a role outside chair, moderator, invited_speaker, abstract, poster, panelist.

    Examples
    --------
    >>> role_of("Invited speaker"), role_of("CHAIR"), role_of("abstract presenter")
    ('invited_speaker', 'chair', 'abstract')
    """
    cleaned = (fields.text(text) or "").lower()
    role = _ROLE_ALIASES.get(cleaned, cleaned.replace(" ", "_"))
    if role not in ROLES:
        raise ValueError(f"unknown role {text!r}; use one of {', '.join(ROLES)}")
    return role


def congress_from_name(path: Path) -> tuple[str, int]:
    """``("midl", 2020)`` from ``midl2020_scientific-program.md``.

    Raises
    ------
    IngestError
        If the file name does not start with a congress acronym and a year.
    """
    match = _FILE_CONGRESS.match(path.name)
    if not match:
        raise IngestError(
            f"{path}: cannot tell the congress and year; name the file "
            "<acronym><year>_..., e.g. midl2020_scientific-program.md"
        )
    return match.group(1).lower(), int(match.group(2))


def session_from_row(row: dict[str, Any]) -> SessionRecord:
    """One programme row (CSV or JSON) as a one-person session.

    Raises
    ------
    ValueError
        ``field: reason`` for an unusable row.
    """

    def need(key: str) -> str:
        value = fields.text(row.get(key))
        if value is None:
            raise ValueError(f"{key}: missing")
        return value

    try:
        role = role_of(row.get("role"))
    except ValueError as exc:
        raise ValueError(f"role: {exc}") from None
    year_text = need("year")
    if (
        not year_text.removesuffix(".0").isdigit()
        or not 1900 <= int(year_text.removesuffix(".0")) <= 2100
    ):
        raise ValueError(f"year: not a year: {year_text!r}")
    scope = (fields.text(row.get("scope")) or "").lower() or None
    if scope is not None and scope not in SCOPES:
        raise ValueError(f"scope: {scope!r} is not one of {', '.join(SCOPES)}")
    try:
        date = fields.iso_date(row.get("session_date"), allow_future=True)
        npi = fields.npi(row.get("npi"))
    except ValueError as exc:
        raise ValueError(f"{'npi' if 'NPI' in str(exc) else 'session_date'}: {exc}") from None
    return SessionRecord(
        congress=need("congress"),
        year=int(year_text.removesuffix(".0")),
        scope=scope,
        city=fields.text(row.get("city")),
        country=fields.text(row.get("country")),
        session_id=need("session_id"),
        title=need("session_title"),
        date=date,
        kind=fields.text(row.get("session_kind")),
        people=[
            Person(
                name=need("person_name"),
                role=role,
                affiliation=fields.text(row.get("affiliation")),
                npi=npi,
                orcid=fields.text(row.get("orcid")),
                presentation=fields.text(row.get("presentation_title")),
            )
        ],
    )


def _json_rows(body: Any) -> Iterator[dict[str, Any]]:
    if isinstance(body, list):
        yield from body
        return
    top = {k: body.get(k) for k in ("congress", "year", "scope", "city", "country")}
    for session in body.get("sessions") or []:
        for person in session.get("people") or []:
            yield {
                **top,
                "session_id": session.get("id"),
                "session_title": session.get("title"),
                "session_date": session.get("date"),
                "session_kind": session.get("kind"),
                "person_name": person.get("name"),
                **{k: person.get(k) for k in ("affiliation", "role", "npi", "orcid")},
                "presentation_title": person.get("presentation"),
            }


def _key(name: str) -> str:
    return name_key(*split_name(name))


def paper_prefix(path: Path) -> str:
    """The session-id prefix of a papers file: ``paper`` for ``midl2020_papers.json``, the
    file's own part otherwise (``long-papers`` for ``midl2022_long_papers.json``).

    >>> paper_prefix(Path("midl2022_short_papers.json")), paper_prefix(Path("midl2020_papers.json"))
    ('short-papers', 'paper')
    """
    stem = path.name.lower().removesuffix(".gz").removesuffix(".json")
    rest = fields.slug(_FILE_CONGRESS.sub("", stem)) or "paper"
    return "paper" if rest in ("papers", "paper") else rest


def congress_id(congress: str, year: int) -> str:
    """``congress:<slug>:<year>``.

    Examples
    --------
    >>> congress_id("MIDL", 2020)
    'congress:midl:2020'
    """
    return f"congress:{fields.slug(congress)}:{year}"


class CongressLoader(Loader):
    """Loads congress programmes: kolgraph CSV/JSON and real MIDL website files."""

    source = "congress"

    def _shape(self, path: Path) -> str:
        name = path.name.lower().removesuffix(".gz")
        if name.endswith(".md"):
            return "markdown"
        if name.endswith(".ics"):
            return "ics"
        if name.endswith(".json"):
            with open_text(path) as handle:
                try:
                    body = json.load(handle)
                except json.JSONDecodeError as exc:
                    raise IngestError(f"{path}: not valid JSON ({exc})") from exc
            if (
                isinstance(body, dict)
                and "sessions" not in body
                and all(isinstance(v, dict) and "authors" in v for v in body.values())
            ):
                return "papers"
            if isinstance(body, list) or (isinstance(body, dict) and "sessions" in body):
                return "json"
            raise IngestError(
                f"{path}: not a programme: expected a list of rows, "
                '{"congress", "year", "sessions": [...]} or a papers.json'
            )
        return "csv"

    def check(self, path: Path) -> None:
        shape = self._shape(path)
        if shape in ("markdown", "ics", "papers"):
            congress_from_name(path)
        if shape == "markdown" and page_kind(path) == "organization":
            raise IngestError(
                f"{path}: an organisation page (committees and their members) "
                "names no session, talk or paper; not loaded as a programme"
            )
        if shape == "csv":
            header = read_header(path, what="congress programme")
            require_columns(
                path,
                header,
                REQUIRED,
                what="congress programme",
                hint=" (see docs/formats/congress.md)",
            )

    def records(self, path: Path, rejects: RejectLog) -> Iterator[Record]:
        count = 0
        for record in self._records(path, rejects):
            count += 1
            yield record
        if count == 0:
            raise IngestError(
                f"{path}: no session found ({rejects.count} entries rejected); a programme "
                "needs MIDL '### session' headings with paper(...) calls, keynote '## Name' "
                "headings, a papers JSON, timed calendar events or the kolgraph CSV/JSON "
                "columns (see docs/formats/congress.md)"
            )

    def _records(self, path: Path, rejects: RejectLog) -> Iterator[Record]:
        shape = self._shape(path)
        if shape in ("markdown", "papers"):
            congress, year = congress_from_name(path)
            if shape == "papers":
                sessions = papers_sessions(path, congress, year, paper_prefix(path))
            elif page_kind(path) == "keynotes":
                sessions = keynote_sessions(path, congress, year)
            else:
                sessions = markdown_sessions(path, congress, year, rejects.add)
            for session in sessions:
                yield Record(f"{congress}:{year}:{session.session_id}", session)
            return
        if shape == "ics":
            congress, year = congress_from_name(path)
            for uid, item in calendar_sessions(path, congress, year):
                if isinstance(item, str):
                    rejects.add(uid, "DTSTART", item)
                else:
                    yield Record(f"{congress}:{year}:{item.session_id}", item)
            return
        if shape == "json":
            with open_text(path) as handle:
                rows = list(enumerate(_json_rows(json.load(handle)), start=1))
            where_rows: Iterator[tuple[str, dict[str, Any]]] = (
                (f"row {n}", row) for n, row in rows
            )
        else:
            where_rows = csv_rows(path, rejects)
        for where, row in where_rows:
            try:
                session = session_from_row(row)
            except (ValueError, ValidationError) as exc:
                field, _, reason = str(exc).partition(": ")
                rejects.add(where, field, reason)
                continue
            person = session.people[0]
            key = fields.slug(name_key(*split_name(person.name)) or person.name)
            yield Record(
                f"{fields.slug(session.congress)}:{session.year}:{session.session_id}"
                f":{person.role}:{key}",
                session,
            )

    def build(self, records: list[Record], store: GraphStore) -> GraphBatch:
        batch = GraphBatch()
        mentions: list[MentionIn] = []
        for record in records:
            session: SessionRecord = record.value
            for n, person in enumerate(session.people, start=1):
                mentions.append(
                    MentionIn(
                        id=mention_id("congress", record.id, n),
                        source="congress",
                        name=person.name,
                        affiliation=person.affiliation,
                        npi=person.npi,
                        orcid=person.orcid,
                        coauthors=[k for k in map(_key, person.coauthors) if k],
                        journal=session.congress,
                        year=session.year,
                    )
                )  # the venue
        hcp_ids = resolve_people(store, batch, mentions)
        for record in records:
            self._add_session(batch, record, hcp_ids)
        return batch

    def _add_session(self, batch: GraphBatch, record: Record, hcp_ids: dict[str, str]) -> None:
        session: SessionRecord = record.value
        cid = congress_id(session.congress, session.year)
        sid = f"session:{fields.slug(session.congress)}:{session.year}:{session.session_id}"
        batch.node(
            "Congress",
            cid,
            name=session.congress.upper() if session.congress.islower() else session.congress,
            year=session.year,
            scope=session.scope,
            city=session.city,
            country=session.country,
            source_id=f"{session.congress}:{session.year}",
        )
        batch.node(
            "Session",
            sid,
            title=session.title,
            session_code=session.session_id,
            date=session.date,
            kind=session.kind,
            source_id=record.id,
        )
        batch.rel("Session", sid, "PART_OF", "Congress", cid)
        ranked = sorted(
            enumerate(session.people, start=1), key=lambda item: -ROLES.index(item[1].role)
        )
        for n, person in ranked:  # the most prominent role of an HCP is written last
            mid = mention_id("congress", record.id, n)
            batch.rel("Mention", mid, "APPEARS_IN", "Session", sid, position=n, role=person.role)
            batch.rel(
                "HCP",
                hcp_ids[mid],
                "PRESENTED_AT",
                "Session",
                sid,
                role=person.role,
                source_id=record.id,
            )
