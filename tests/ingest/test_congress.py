"""The congress loader: the real MIDL 2020 programme files and the documented CSV/JSON shape."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from kolgraph.errors import IngestError
from tests.factories import SAMPLES, nodes, rejects_of, rels

MIDL = SAMPLES / "conference-midl"
PROGRAMME = MIDL / "midl2020_scientific-program.md"
PAPERS = MIDL / "midl2020_papers.json"
CALENDAR = MIDL / "midl2020_calendar.ics"
COLUMNS = [
    "congress",
    "year",
    "scope",
    "city",
    "country",
    "session_id",
    "session_title",
    "session_date",
    "session_kind",
    "person_name",
    "affiliation",
    "role",
    "npi",
    "orcid",
    "presentation_title",
]


def test_markdown_programme_counts(store, load):
    text = PROGRAMME.read_text(encoding="utf-8")
    sessions = [line for line in text.splitlines() if line.startswith("### ")]
    chairs = sum(
        len(line.split(":", 1)[1].split(","))
        for line in text.splitlines()
        if line.startswith("Session Chairs:")
    )
    keynotes = sum(1 for line in sessions if line.startswith("### Keynote"))
    authors = sum(
        len(re.split(r",| and ", m.group(2)))  # one list ends "... X and Y"
        for m in re.finditer(r"paper\('(?:[^'\\]|\\.)*',\s*(['\"])(.*?)\1", text, re.S)
    )
    assert len(re.findall(r"\{\{ paper\(", text)) == 123
    summary = load("congress", PROGRAMME)
    assert summary.read == summary.loaded == len(sessions) == 24
    assert len(nodes(store, "Session")) == 24
    assert len(rels(store, "Session", "PART_OF", "Congress")) == 24
    assert len(nodes(store, "Mention")) == chairs + keynotes + authors
    assert len(rels(store, "Mention", "APPEARS_IN", "Session")) == chairs + keynotes + authors


def _people_of(store, session_id):
    hcps = nodes(store, "HCP")
    return {
        hcps[r["start"]]["name"]: r["props"]["role"]
        for r in rels(store, "HCP", "PRESENTED_AT", "Session")
        if r["end"] == session_id
    }


def test_hand_checked_sessions(store, load):
    load("congress", PROGRAMME)
    congress = store.run("node_by_id", {"label": "Congress"}, id="congress:midl:2020")[0]["props"]
    assert (congress["name"], congress["year"]) == ("MIDL", 2020)
    oral = store.run("node_by_id", {"label": "Session"}, id="session:midl:2020:oral-1")[0]["props"]
    assert oral["title"] == "Oral Session #1 - Uncertainty" and oral["date"] == "2020-07-06"
    people = _people_of(store, "session:midl:2020:oral-1")
    assert people["Bjoern Menze"] == people["Qi Dou"] == "chair"
    assert people["Yukun Ding"] == "abstract" and people["Lüder A. Kahrs"] == "abstract"
    assert _people_of(store, "session:midl:2020:poster-1")["Yukun Ding"] == "poster"
    assert _people_of(store, "session:midl:2020:keynote-1") == {
        "Alan Evans": "invited_speaker",
        "Maxime Descoteaux": "chair",
        "Joseph Paul Cohen": "chair",
    }
    assert _people_of(store, "session:midl:2020:oral-3")["Clarisa Sánchez"] == "chair"


def test_papers_json(store, load):
    papers = json.loads(PAPERS.read_text(encoding="utf-8"))
    authors = sum(len(re.split(r",| and ", p["authors"])) for p in papers.values())
    orals = sum(p["oral"] == "True" for p in papers.values())
    summary = load("congress", PAPERS)
    assert summary.loaded == len(papers) == 105
    sessions = nodes(store, "Session")
    assert sum(s["kind"] == "oral" for s in sessions.values()) == orals
    assert len(nodes(store, "Mention")) == authors


def test_calendar_sessions_and_all_day_entries(store, load):
    text = CALENDAR.read_text(encoding="utf-8")
    events = text.count("BEGIN:VEVENT")
    all_day = len(re.findall(r"^DTSTART;VALUE=DATE", text, re.M))
    summary = load("congress", CALENDAR)
    assert (summary.read, summary.rejected, summary.loaded) == (events, all_day, events - all_day)
    assert all("all-day calendar entry" in r["reason"] for r in rejects_of(summary))
    speakers = {h["name"] for h in nodes(store, "HCP").values()}
    assert {"Alan Evans", "Nikos Paragios", "Daphne Koller", "Elsa Angelini"} == speakers


def test_loading_twice_changes_no_count(store, load):
    load("congress", PROGRAMME)
    first = store.counts()
    load("congress", PROGRAMME)
    assert store.counts() == first


def write_csv(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows({c: r.get(c, "") for c in COLUMNS} for r in rows)
    return path


def row(name: str, role: str, **extra: str) -> dict[str, str]:
    return {
        "congress": "ESC Congress",
        "year": "2024",
        "scope": "international",
        "city": "London",
        "country": "GB",
        "session_id": "HF-01",
        "session_title": "Heart failure: new evidence",
        "session_date": "2024-08-31",
        "session_kind": "symposium",
        "person_name": name,
        "affiliation": "Imperial College",
        "role": role,
        **extra,
    }


def test_documented_csv_shape(store, load, tmp_path):
    path = write_csv(
        tmp_path / "programme.csv",
        [
            row("John McMurray", "chair"),
            row("Scott Solomon", "invited speaker"),
            row("Ana Núñez", "abstract", npi="1234567893"),
            row("Scott Solomon", "invited_speaker"),
        ],
    )
    summary = load("congress", path)
    assert (summary.loaded, summary.duplicates) == (3, 1)
    congress = store.run("node_by_id", {"label": "Congress"}, id="congress:esc-congress:2024")[0][
        "props"
    ]
    assert (congress["scope"], congress["city"]) == ("international", "London")
    people = _people_of(store, "session:esc-congress:2024:HF-01")
    assert people == {
        "John McMurray": "chair",
        "Scott Solomon": "invited_speaker",
        "Ana Núñez": "abstract",
    }
    assert "npi:1234567893" in nodes(store, "HCP")


def test_documented_json_shape(store, load, tmp_path):
    path = tmp_path / "programme.json"
    path.write_text(
        json.dumps(
            {
                "congress": "ASCO",
                "year": 2023,
                "scope": "international",
                "sessions": [
                    {
                        "id": "S1",
                        "title": "Lung cancer",
                        "date": "2023-06-03",
                        "kind": "oral",
                        "people": [
                            {"name": "Jane Roe", "role": "moderator"},
                            {"name": "Ada Byron", "role": "panelist", "affiliation": "MSKCC"},
                        ],
                    }
                ],
            }
        )
    )
    assert load("congress", path).loaded == 2
    assert _people_of(store, "session:asco:2023:S1") == {
        "Jane Roe": "moderator",
        "Ada Byron": "panelist",
    }


def test_bad_rows_go_to_the_reject_file(store, load, tmp_path):
    path = write_csv(
        tmp_path / "programme.csv",
        [
            row("A Good", "chair"),
            row("B Role", "juggler"),
            row("C Year", "chair", year="20x4"),
            row("D Scope", "chair", scope="galactic"),
            row("", "chair"),
            row("E Date", "chair", session_date="1850-01-01"),
        ],
        encoding="utf-8-sig",
    )
    with path.open("a", encoding="utf-8") as handle:
        handle.write('ESC,2024,"ragged\nrow"\n')
    summary = load("congress", path)
    assert (summary.loaded, summary.rejected) == (1, 6)
    fields = [r["field"] for r in rejects_of(summary)]
    assert fields[:5] == ["role", "year", "scope", "person_name", "session_date"]
    assert "expected 15 fields" in rejects_of(summary)[5]["reason"]


def test_wrong_columns_is_one_clear_error(load, tmp_path):
    path = tmp_path / "programme.csv"
    path.write_text("name,role\nA,chair\n")
    with pytest.raises(IngestError, match=r"programme\.csv.*missing column.*congress"):
        load("congress", path)


def test_programme_file_needs_a_congress_in_its_name(load, tmp_path):
    path = tmp_path / "program.md"
    path.write_text("### Keynote #1 - A B\n")
    with pytest.raises(IngestError, match="program.md.*acronym><year>"):
        load("congress", path)


def test_unreadable_paper_calls_and_days_go_to_the_reject_file(store, load, tmp_path):
    path = tmp_path / "midl2020_scientific-program.md"
    path.write_text(
        "## Monday July 6\n\n### Oral session #1\n"
        "{{ paper('Good paper', 'Ann Lee and Bo Chan', id='O1') }}\n"
        "{{ paper('Broken paper, 'Cy Dunn') }}\n"
        "{{ paper('Named', authors) }}\n"
        "## Tuesday Julember 7\n\n### Oral session #2\n"
        "{{ paper('Second', 'Di Eve') }}\n",
        encoding="utf-8",
    )
    summary = load("congress", path)
    assert (summary.loaded, summary.rejected) == (2, 3)
    entries = rejects_of(summary)
    assert [(e["record"], e["field"]) for e in entries] == [
        ("session oral-1", "paper"),
        ("session oral-1", "paper"),
        ("line 7", "date"),
    ]
    assert "not a paper(...) call of quoted texts: 'Broken paper, 'Cy Dunn'" in entries[0]["reason"]
    people = {p["name"] for p in nodes(store, "Mention").values()}
    assert people == {"Ann Lee", "Bo Chan", "Di Eve"}
