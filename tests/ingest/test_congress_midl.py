"""MIDL programme files loaded whole: namespaced paper sessions, keynotes, refusals, no silent 0."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kolgraph.errors import IngestError
from kolgraph.ingest import run_ingest
from kolgraph.ingest.congress import CongressLoader
from tests.factories import SAMPLES

MIDL = SAMPLES / "conference-midl"


def paper(pid: str, title: str, authors: str, *, oral: bool = False, short: bool = False):
    return {
        "id": pid,
        "title": title,
        "authors": authors,
        "oral": str(oral),
        "short": str(short),
        "abstract": "",
        "award": "",
        "url": f"papers/{pid}.html",
    }


@pytest.fixture
def split_papers(tmp_path: Path) -> tuple[Path, Path]:
    """MIDL 2022 published long and short papers in two files whose numeric ids overlap."""
    long = {
        "1": paper("1", "Long one", "Ada Lovelace, Grace Hopper", oral=True),
        "2": paper("2", "Long two", "Alan Turing"),
    }
    short = {
        "1": paper("1", "Short one", "Edsger Dijkstra, Barbara Liskov", short=True),
        "2": paper("2", "Short two", "Donald Knuth", short=True),
    }
    a, b = tmp_path / "midl2022_long_papers.json", tmp_path / "midl2022_short_papers.json"
    a.write_text(json.dumps(long)), b.write_text(json.dumps(short))
    return a, b


def sessions(store) -> dict[str, dict]:
    return {r["id"]: r["props"] for r in store.run("source_nodes", {"label": "Session"})}


def presenters(store) -> dict[str, set[tuple[str, str]]]:
    out: dict[str, set[tuple[str, str]]] = {}
    for r in store.run(
        "relationships_of_type", {"start": "HCP", "type": "PRESENTED_AT", "end": "Session"}
    ):
        out.setdefault(r["end"], set()).add((r["start"], r["props"]["role"]))
    return out


def test_long_and_short_papers_overwrite_no_session(store, split_papers, tmp_path):
    long, short = split_papers
    for path in (long, short):
        assert run_ingest(store, CongressLoader(), path, rejects_dir=tmp_path / "r").loaded == 2
    found = sessions(store)
    assert len(found) == 4
    titles = {v["title"] for v in found.values()}
    assert titles == {"Long one", "Long two", "Short one", "Short two"}
    people = presenters(store)
    assert [len(people[s]) for s in sorted(people)] == [2, 1, 2, 1]
    oral = next(s for s, v in found.items() if v["title"] == "Long one")
    assert {role for _, role in people[oral]} == {"abstract"}  # an oral: abstract presenters
    short_one = next(s for s, v in found.items() if v["title"] == "Short one")
    assert {role for _, role in people[short_one]} == {"poster"}


def test_keynote_speakers_are_attached(store, tmp_path):
    summary = run_ingest(
        store, CongressLoader(), MIDL / "midl2020_keynotes.md", rejects_dir=tmp_path / "r"
    )
    text = (MIDL / "midl2020_keynotes.md").read_text()
    speakers = text.count("\n## ")
    assert summary.loaded == speakers == 4
    people = presenters(store)
    assert len(people) == 4 and all(
        v and {r for _, r in v} == {"invited_speaker"} for v in people.values()
    )
    found = sessions(store)
    assert any("Brain Imaging: Past, Present and Future" in v["title"] for v in found.values())
    assert {v["kind"] for v in found.values()} == {"keynote"}


def test_programme_chairs_orals_and_posters_keep_their_roles(store, tmp_path):
    run_ingest(
        store, CongressLoader(), MIDL / "midl2020_scientific-program.md", rejects_dir=tmp_path / "r"
    )
    roles = {role for people in presenters(store).values() for _, role in people}
    assert {"chair", "abstract", "poster", "invited_speaker"} <= roles


def test_organisation_page_is_refused_with_a_reason(store, tmp_path):
    with pytest.raises(IngestError, match="organisation page.*not loaded"):
        run_ingest(
            store, CongressLoader(), MIDL / "midl2020_organization.md", rejects_dir=tmp_path / "r"
        )


def test_a_page_yielding_no_session_exits_1(tmp_path):
    """MIDL 2022 published its orals as an HTML-style page: not a shape we read."""
    page = tmp_path / "midl2022_orals.md"
    page.write_text(
        '---\ntitle: "Orals"\n---\n<div class="oral-session">\n'
        "<h3>Oral session 1: Segmentation</h3>\n"
        '<p class="paper"><b>Long one</b><br/>Ada Lovelace, Grace Hopper</p>\n'
        "</div>\n"
    )
    data_dir = tmp_path / "kg"
    env = dict(os.environ)
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "kolgraph.cli",
                "ingest",
                "congress",
                str(page),
                "--data-dir",
                str(data_dir),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
        )
        assert done.returncode == 1
        said = done.stdout + done.stderr
        assert "no session found" in said and "midl2022_orals.md" in said
        keynotes = tmp_path / "midl2020_keynotes.md"
        shutil.copy(MIDL / "midl2020_keynotes.md", keynotes)
        ok = subprocess.run(
            [
                sys.executable,
                "-m",
                "kolgraph.cli",
                "ingest",
                "congress",
                str(keynotes),
                "--data-dir",
                str(data_dir),
                "--json",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
        )
        assert ok.returncode == 0 and json.loads(ok.stdout)["loaded"] == 4
    finally:
        subprocess.run(
            [sys.executable, "-m", "kolgraph.cli", "stop", "--data-dir", str(data_dir)],
            capture_output=True,
            timeout=60,
        )
