"""Real conference programme files that follow no standard: the MIDL website's Markdown
programme (Jinja ``paper(...)`` calls), its ``papers.json`` and its iCalendar feed.

Each parser yields :class:`Appearance` lists grouped by session; the congress loader
(:mod:`kolgraph.ingest.congress`) writes them. Jinja calls are read with :mod:`ast` as
literals only: nothing in the file is ever executed.
"""

from __future__ import annotations

import ast
import html
import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from kolgraph.ingest import fields
from kolgraph.ingest.textfiles import open_text

_DAY = re.compile(r"^##\s+\w+day\s+(\w+)\s+(\d{1,2})")
_SESSION = re.compile(r"^###\s+(.+?)\s*(?:\*(.+?)\*)?\s*$")
_CHAIRS = re.compile(r"^Session Chairs?:\s*(.+)$", re.I)
_PAPER = re.compile(r"\{\{\s*paper\((.*?)\)\s*\}\}", re.S)
_NUMBER = re.compile(r"#\s*(\d+)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


class Person(BaseModel):
    """One person in one session with one role."""

    name: str
    role: str
    affiliation: str | None = None
    npi: str | None = None
    orcid: str | None = None
    presentation: str | None = None
    coauthors: list[str] = []


class SessionRecord(BaseModel):
    """A session and the people in it."""

    congress: str
    year: int
    scope: str | None = None
    city: str | None = None
    country: str | None = None
    session_id: str
    title: str
    date: str | None = None
    kind: str | None = None
    people: list[Person] = []


def split_names(text: str) -> list[str]:
    """Names in a comma-separated author or chair list.

    Examples
    --------
    >>> split_names("Bjoern Menze, Qi Dou")
    ['Bjoern Menze', 'Qi Dou']
    >>> split_names("A. Khademi and  J. Smith")
    ['A. Khademi', 'J. Smith']
    """
    parts = re.split(r",|\band\b|;", html.unescape(text))
    return [" ".join(p.split()) for p in parts if p.strip()]


def session_kind(title: str) -> str:
    """``oral``, ``poster``, ``keynote``, ``break``, ``challenge`` or ``plenary``.

    Examples
    --------
    >>> session_kind("Oral Session #1 - Uncertainty"), session_kind("Keynote #2 - N. Paragios")
    ('oral', 'keynote')
    """
    lowered = title.lower()
    for word, kind in (
        ("keynote", "keynote"),
        ("poster", "poster"),
        ("oral", "oral"),
        ("break", "break"),
        ("challenge", "challenge"),
    ):
        if word in lowered:
            return kind
    return "plenary"


def session_code(title: str, seen: dict[str, int]) -> str:
    """A short stable code for a session title: ``oral-1``, ``keynote-3``, ``break-2``."""
    kind = session_kind(title)
    match = _NUMBER.search(title)
    if match and kind in ("oral", "poster", "keynote"):
        return f"{kind}-{match.group(1)}"
    base = fields.slug(_LINK.sub(r"\1", title))[:40] or kind
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}-{seen[base]}"


def _paper_call(args: str) -> tuple[str, str, str | None]:
    """``(title, authors, id)`` of one ``{{ paper(...) }}`` call written with literals.

    >>> _paper_call("'A study', 'Ann Lee and Bo Chan', id='P1'")
    ('A study', 'Ann Lee and Bo Chan', 'P1')
    >>> _paper_call("'A study', authors")
    Traceback (most recent call last):
    ...
    ValueError: not a paper(...) call of quoted texts: 'A study', authors
    """
    try:
        call = ast.parse(f"paper({args})", mode="eval").body
        if not isinstance(call, ast.Call):
            raise ValueError("not a call")
        positional = [ast.literal_eval(a) for a in call.args]
        keywords = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg}
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
        shown = args if len(args) <= 80 else args[:77] + "..."
        raise ValueError(f"not a paper(...) call of quoted texts: {shown}") from None
    title = positional[0] if positional else keywords.get("title", "")
    authors = positional[1] if len(positional) > 1 else keywords.get("authors", "")
    return str(title), str(authors), keywords.get("id")


def markdown_sessions(
    path: Path, congress: str, year: int, reject: Callable[[str, str, str], None]
) -> Iterator[SessionRecord]:
    """Sessions of a MIDL-style Markdown programme, in file order.

    A paper call or day heading that cannot be read goes to ``reject(where, field, reason)``
    (``where`` names the line or session) and is skipped; the rest of the file loads.
    """
    text = open_text(path).read()
    day: str | None = None
    current: SessionRecord | None = None
    seen: dict[str, int] = {}
    body: list[str] = []

    def finish() -> SessionRecord | None:
        if current is None:
            return None
        block = "\n".join(body)
        role = "poster" if current.kind == "poster" else "abstract"
        for match in _PAPER.finditer(block):
            try:
                title, authors, code = _paper_call(match.group(1))
            except ValueError as exc:
                reject(f"session {current.session_id}", "paper", str(exc))
                continue
            names = split_names(authors)
            for name in names:
                current.people.append(
                    Person(
                        name=name,
                        role=role,
                        presentation=code or title,
                        coauthors=[n for n in names if n != name],
                    )
                )
        return current

    for number, line in enumerate(text.splitlines(), start=1):
        if m := _DAY.match(line):
            if (done := finish()) is not None:
                yield done
            current, body = None, []
            try:
                day = (
                    datetime.strptime(f"{m.group(1)} {m.group(2)} {year}", "%B %d %Y")
                    .date()
                    .isoformat()
                )
            except ValueError:
                day = None
                reject(f"line {number}", "date", f"not a day of {year}: {line.strip()[:80]!r}")
            continue
        if (m := _SESSION.match(line)) and line.startswith("### "):
            if (done := finish()) is not None:
                yield done
            title = _LINK.sub(r"\1", html.unescape(m.group(1))).strip()
            current = SessionRecord(
                congress=congress,
                year=year,
                session_id=session_code(title, seen),
                title=title,
                date=day,
                kind=session_kind(title),
            )
            body = []
            if current.kind == "keynote" and " - " in title:
                current.people.append(
                    Person(name=title.split(" - ", 1)[1].strip(), role="invited_speaker")
                )
            continue
        if current is not None and (m := _CHAIRS.match(line.strip())):
            current.people[:0] = [Person(name=n, role="chair") for n in split_names(m.group(1))]
            continue
        body.append(line)
    if (done := finish()) is not None:
        yield done


_KEYNOTE = re.compile(r"^##\s+(?:(?:Prof|Dr|Mr|Ms|Mrs)\.?\s+)?([^!#\n]+?)\s*(?:!\[.*)?$")


def page_kind(path: Path) -> str:
    """What a MIDL Markdown page holds: ``keynotes``, ``organization`` or ``programme``.

    Read from the front matter (``page_class``/``title``) and the first heading."""
    head = open_text(path).read(4000).lower()
    if 'page_class: "keynotes' in head or "# keynote speakers" in head:
        return "keynotes"
    if re.search(r"^title:\s*\"?organi[sz]ation", head, re.M) or "\n# organi" in head:
        return "organization"
    return "programme"


def keynote_sessions(path: Path, congress: str, year: int) -> Iterator[SessionRecord]:
    """One keynote session per speaker of a MIDL keynotes page: ``## Prof. Name``, then
    ``### affiliation`` and ``#### talk title``; the speaker is the session's invited
    speaker (the schema's role for a keynote)."""
    current: SessionRecord | None = None
    for line in open_text(path).read().splitlines():
        if line.startswith("## ") and (m := _KEYNOTE.match(line)):
            if current is not None:
                yield current
            name = " ".join(m.group(1).split())
            current = SessionRecord(
                congress=congress,
                year=year,
                session_id=f"keynote-{fields.slug(name)}",
                title=f"Keynote - {name}",
                kind="keynote",
                people=[Person(name=name, role="invited_speaker")],
            )
        elif current is not None and line.startswith("#### "):
            current.title = f"Keynote - {current.people[0].name}: {line[5:].strip()}"
            current.people[0].presentation = line[5:].strip()
        elif current is not None and line.startswith("### "):
            current.people[0].affiliation = _LINK.sub(r"\1", line[4:]).strip()
    if current is not None:
        yield current


def papers_sessions(
    path: Path, congress: str, year: int, prefix: str = "paper"
) -> Iterator[SessionRecord]:
    """One session per accepted paper of a ``papers.json`` (id -> paper); session ids are
    ``<prefix>-<id>`` so that two paper files of one congress (MIDL 2022's long and short
    papers, whose numeric ids overlap) never share a session."""
    with open_text(path) as handle:
        papers: dict[str, Any] = json.load(handle)
    for key, paper in papers.items():
        oral = str(paper.get("oral", "")).lower() == "true"
        short = str(paper.get("short", "")).lower() == "true"
        kind = "oral" if oral else "short" if short else "poster"
        names = split_names(str(paper.get("authors") or ""))
        yield SessionRecord(
            congress=congress,
            year=year,
            session_id=f"{prefix}-{paper.get('id', key)}",
            title=str(paper.get("title") or ""),
            kind=kind,
            people=[
                Person(
                    name=n,
                    role="abstract" if oral else "poster",
                    presentation=str(paper.get("title") or ""),
                    coauthors=[o for o in names if o != n],
                )
                for n in names
            ],
        )


def _ics_events(path: Path) -> Iterator[dict[str, str]]:
    lines: list[str] = []
    for raw in open_text(path).read().splitlines():
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        else:
            lines.append(raw)
    event: dict[str, str] | None = None
    for line in lines:
        if line == "BEGIN:VEVENT":
            event = {}
        elif line == "END:VEVENT" and event is not None:
            yield event
            event = None
        elif event is not None and ":" in line:
            name, _, value = line.partition(":")
            event.setdefault(name.split(";")[0], value)
            if name.startswith("DTSTART"):
                event["DTSTART_PARAMS"] = name


def calendar_sessions(
    path: Path, congress: str, year: int
) -> Iterator[tuple[str, SessionRecord | str]]:
    """``(uid, session)`` for timed calendar events; ``(uid, reason)`` for all-day entries
    (deadlines, the conference itself) that are not sessions."""
    for n, event in enumerate(_ics_events(path), start=1):
        uid = event.get("UID") or f"event {n}"
        summary = html.unescape(event.get("SUMMARY", "")).replace("\\,", ",").strip()
        start = event.get("DTSTART", "")
        if "VALUE=DATE" in event.get("DTSTART_PARAMS", "") or "T" not in start:
            yield uid, f"all-day calendar entry ({summary or 'no summary'}), not a session"
            continue
        when = datetime.strptime(start.rstrip("Z")[:15], "%Y%m%dT%H%M%S")
        kind = session_kind(summary)
        if summary.lower().startswith("orals"):
            kind = "oral"
        people = []
        if kind == "keynote" and " - " in summary:
            people.append(Person(name=summary.split(" - ", 1)[1].strip(), role="invited_speaker"))
        yield (
            uid,
            SessionRecord(
                congress=congress,
                year=year,
                session_id=f"ics-{uid[:8]}",
                title=summary,
                date=when.date().isoformat(),
                kind=kind,
                people=people,
            ),
        )
