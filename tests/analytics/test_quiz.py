"""The quiz/survey loader: documented shape, HCP references, score or correct/total."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kolgraph.errors import IngestError
from kolgraph.ingest.quiz import QuizLoader
from kolgraph.ingest.runner import run_ingest


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "quiz.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_results_link_to_hcps_by_npi_crm_id_or_id(store, tmp_path):
    store.upsert_nodes(
        "HCP",
        [
            {"id": "npi:1234567893", "props": {"npi": "1234567893"}},
            {"id": "orcid:1", "props": {"crm_id": "ACC-9"}},
        ],
    )
    path = _file(
        tmp_path,
        (
            "npi,crm_id,hcp_id,date,dimension,score,correct,total,survey,product\n"
            "1234567893,,,2024-03-01,diagnosis,0.8,,,q1,\n"
            ",ACC-9,,2024-03-01,Brand Choice,,3,4,q1,Eliquis\n"
            ",,orcid:1,2024-06-01,treatment,0.25,,,q2,\n"
            "1942000001,,,2024-06-01,product_use,0.5,,,q2,\n"
        ),
    )
    summary = run_ingest(store, QuizLoader(), path, rejects_dir=tmp_path)
    assert (summary.loaded, summary.rejected) == (4, 0)
    links = store.run(
        "relationships_of_type", {"start": "HCP", "type": "ANSWERED", "end": "QuizResult"}
    )
    by_hcp = sorted((r["start"], r["end"].split(":")[-1]) for r in links)
    assert by_hcp == [
        ("npi:1234567893", "diagnosis"),
        ("npi:1942000001", "product_use"),
        ("orcid:1", "brand_choice"),
        ("orcid:1", "treatment"),
    ]
    brand = store.run(
        "node_by_id", {"label": "QuizResult"}, id="quiz:q1:crm_id=ACC-9:2024-03-01:brand_choice"
    )[0]["props"]
    assert brand["score"] == 0.75 and brand["product"] == "Eliquis"


def test_unknown_crm_id_is_kept_unlinked_and_noted(store, tmp_path):
    path = _file(tmp_path, "crm_id,date,dimension,score\nNOPE,2024-03-01,diagnosis,0.4\n")
    summary = run_ingest(store, QuizLoader(), path, rejects_dir=tmp_path)
    assert summary.loaded == 1
    note = json.loads(Path(summary.rejects_file).read_text())
    assert note["kind"] == "note" and note["field"] == "crm_id"
    assert "load the file again" in note["reason"]
    store.upsert_nodes("HCP", [{"id": "hcp:x", "props": {"crm_id": "NOPE"}}])
    run_ingest(store, QuizLoader(), path, rejects_dir=tmp_path)
    assert store.counts()["relationships"]["ANSWERED"] == 1


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("1234567893,2024-03-01,diagnosis,1.4,,", "score"),
        ("1234567893,2024-03-01,pricing,0.4,,", "dimension"),
        ("1234567893,2024-13-01,diagnosis,0.4,,", "date"),
        ("1234567893,2024-03-01,diagnosis,,5,4", "score"),
        ("1234567893,2024-03-01,diagnosis,,,", "score"),
        ("12345,2024-03-01,diagnosis,0.4,,", "npi"),
        (",2024-03-01,diagnosis,0.4,,", "npi"),
    ],
    ids=["score-range", "dimension", "date", "correct>total", "no-result", "npi", "no-hcp"],
)
def test_bad_rows_are_rejected_naming_the_field(store, tmp_path, row, field):
    path = _file(tmp_path, "npi,date,dimension,score,correct,total\n" + row + "\n")
    summary = run_ingest(store, QuizLoader(), path, rejects_dir=tmp_path)
    assert (summary.loaded, summary.rejected) == (0, 1)
    assert json.loads(Path(summary.rejects_file).read_text())["field"] == field


def test_missing_columns_point_to_the_format_doc(tmp_path):
    path = _file(tmp_path, "npi,date,score\n1234567893,2024-01-01,0.3\n")
    with pytest.raises(IngestError, match=r"dimension.*docs/formats/quiz.md"):
        QuizLoader().check(path)
