"""The referrals (CMS shared patient patterns) loader on the real sample and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kolgraph.errors import IngestError
from tests.factories import SAMPLES

SAMPLE = (
    SAMPLES / "referrals-pspp" / "physician-shared-patient-patterns-2014-days180_subsample100.txt"
)


def edges(store):
    return {
        (r["start"], r["end"]): r["props"]
        for r in store.run(
            "relationships_of_type", {"start": "HCP", "type": "REFERS_TO", "end": "HCP"}
        )
    }


def test_sample_counts_match_the_lines(store, load):
    lines = [line.split(",") for line in SAMPLE.read_text().splitlines() if line.strip()]
    pairs = {(a, b) for a, b, *_ in lines}
    npis = {n for a, b, *_ in lines for n in (a, b)}
    summary = load("referrals", SAMPLE)
    assert (summary.read, summary.loaded, summary.rejected) == (len(lines), len(pairs), 0)
    assert len(edges(store)) == len(pairs) == 100
    assert store.run("count_label", {"label": "HCP"})[0]["n"] == len(npis)


def test_hand_checked_edge(store, load):
    load("referrals", SAMPLE)
    edge = edges(store)[("npi:1013173046", "npi:1821095084")]
    assert (edge["pair_count"], edge["bene_count"], edge["same_day_count"]) == (97, 28, 10)
    assert ("npi:1821095084", "npi:1013173046") not in edges(store)  # directed


def test_loading_twice_changes_no_count(store, load):
    load("referrals", SAMPLE)
    first = store.counts()
    load("referrals", SAMPLE)
    assert store.counts() == first


def test_header_floats_and_padding(store, load, tmp_path):
    path = tmp_path / "pspp.csv"
    path.write_text(
        "npi_1,npi_2,pair_count,bene_count,same_day_count\n1003884362.0,1740271386, 18.0 ,  13,0\n"
    )
    summary = load("referrals", path)
    assert (summary.read, summary.loaded) == (1, 1)
    assert edges(store)[("npi:1003884362", "npi:1740271386")]["pair_count"] == 18


def test_bad_rows_go_to_the_reject_file(store, load, tmp_path):
    path = tmp_path / "pspp.csv"
    path.write_text(
        "1003884362,1740271386,18,13,0\n"
        "1003884362,1740271386,18,13,0\n"
        "12345,1740271386,18,13,0\n"
        "1003884362,1740271386,-4,13,0\n"
        "1003884362,1740271387,many,13,0\n"
        "1003884362,1740271388,18\n"
    )
    summary = load("referrals", path)
    assert (summary.read, summary.loaded, summary.rejected, summary.duplicates) == (6, 1, 4, 1)
    rejects = [json.loads(x) for x in Path(summary.rejects_file).read_text().splitlines()]
    assert [(r["record"], r["field"]) for r in rejects] == [
        ("line 3", "npi_1"),
        ("line 4", "pair_count"),
        ("line 5", "pair_count"),
        ("line 6", None),
    ]


def test_wrong_columns_is_one_clear_error(load, tmp_path):
    path = tmp_path / "pspp.csv"
    path.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(IngestError, match=r"pspp\.csv.*expected 5 columns"):
        load("referrals", path)
