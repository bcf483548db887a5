"""The Part D prescriber-by-drug loader: yearly claims records and HCP prescribing totals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kolgraph.errors import IngestError
from kolgraph.ingest.partd import PartDLoader
from kolgraph.ingest.runner import run_ingest

HEADER = (
    "Prscrbr_NPI,Prscrbr_Last_Org_Name,Prscrbr_First_Name,Prscrbr_City,"
    "Prscrbr_State_Abrvtn,Prscrbr_Type,Brnd_Name,Gnrc_Name,Tot_Clms,Tot_30day_Fills,"
    "Tot_Day_Supply,Tot_Drug_Cst,Tot_Benes\n"
)


def _file(tmp_path: Path, name: str, rows: list[str]) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def _hcp(store, hcp_id):
    return store.run("node_by_id", {"label": "HCP"}, id=hcp_id)[0]["props"]


def test_rows_become_yearly_records_and_latest_year_totals(store, tmp_path):
    store.upsert_nodes(
        "HCP",
        [{"id": "orcid:0000-0001", "props": {"npi": "1003000126", "name": "Ardalan Enkeshafi"}}],
    )
    y2021 = _file(
        tmp_path,
        "partd_2021.csv",
        [
            "1003000126,ENKESHAFI,ARDALAN,BETHESDA,MD,Internal Medicine,Eliquis,Apixaban,100,110,"
            "3000,50000.5,40",
        ],
    )
    y2022 = _file(
        tmp_path,
        "MUP_DPR_RY24_P04_V10_DY22_NPIBN.csv",
        [
            "1003000126,ENKESHAFI,ARDALAN,BETHESDA,MD,Internal Medicine,Eliquis,Apixaban,120,130,"
            "3900,61234.5,45",
            "1003000126,ENKESHAFI,ARDALAN,BETHESDA,MD,Internal Medicine,Atorvastatin Calcium,"
            "Atorvastatin Calcium,80,90,2700,800.1,",
            '1942000001,DOE,JANE,AUSTIN,TX,Cardiology,Eliquis,Apixaban,"1,500",1600,45000,'
            "700000,300",
        ],
    )
    for path in (y2022, y2021):  # order must not matter
        summary = run_ingest(store, PartDLoader(), path, rejects_dir=tmp_path / "rej")
        assert summary.rejected == 0
    known = _hcp(store, "orcid:0000-0001")
    assert known["prescribing_claims"] == 200 and known["prescribing_claims_year"] == 2022
    new = _hcp(store, "npi:1942000001")
    assert new["prescribing_claims"] == 1500 and new["name"] == "Jane Doe"
    assert new["specialty"] == "Cardiology"
    rx = store.run(
        "node_by_id",
        {"label": "PrescribingYear"},
        id="rx:partd:1003000126:atorvastatin-calcium:2022",
    )[0]["props"]
    assert rx.get("beneficiaries") is None and rx["claims"] == 80
    assert rx["hcp_id"] == "orcid:0000-0001"
    links = store.run(
        "relationships_of_type",
        {"start": "PrescribingYear", "type": "OF_PRODUCT", "end": "Product"},
    )
    assert {r["end"] for r in links} == {"product:eliquis", "product:atorvastatin-calcium"}
    assert store.counts()["nodes"]["PrescribingYear"] == 4


def test_reloading_changes_nothing(store, tmp_path):
    path = _file(
        tmp_path,
        "partd_2022.csv",
        ["1942000001,DOE,JANE,AUSTIN,TX,Cardiology,Eliquis,Apixaban,15,16,450,7000,12"],
    )
    run_ingest(store, PartDLoader(), path, rejects_dir=tmp_path)
    before = store.counts()
    run_ingest(store, PartDLoader(), path, rejects_dir=tmp_path)
    assert store.counts() == before
    assert _hcp(store, "npi:1942000001")["prescribing_claims"] == 15


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("123,X,Y,Z,TX,IM,Eliquis,Apixaban,5,5,150,100,", "Prscrbr_NPI"),
        ("1942000001,X,Y,Z,TX,IM,Eliquis,Apixaban,-5,5,150,100,", "Tot_Clms"),
        ("1942000001,X,Y,Z,TX,IM,Eliquis,Apixaban,2.5,5,150,100,", "Tot_Clms"),
        ("1942000001,X,Y,Z,TX,IM,,Apixaban,5,5,150,100,", "Brnd_Name"),
        ("1942000001,X,Y,Z,TX,IM,Eliquis,Apixaban,5,5,150,lots,", "Tot_Drug_Cst"),
    ],
    ids=["npi", "negative", "fraction", "no-brand", "cost"],
)
def test_bad_rows_are_rejected_naming_the_column(store, tmp_path, row, column):
    path = _file(tmp_path, "partd_2022.csv", [row])
    summary = run_ingest(store, PartDLoader(), path, rejects_dir=tmp_path)
    assert (summary.loaded, summary.rejected) == (0, 1)
    assert json.loads(Path(summary.rejects_file).read_text())["field"] == column


def test_file_without_year_is_refused_with_the_fix(tmp_path):
    path = _file(tmp_path, "drugs.csv", [])
    with pytest.raises(IngestError, match="add a 'year' column"):
        PartDLoader().check(path)


def test_file_of_another_shape_is_refused(tmp_path):
    path = tmp_path / "partd_2022.csv"
    path.write_text("npi_1,npi_2\n1,2\n")
    with pytest.raises(IngestError, match="missing columns Prscrbr_NPI"):
        PartDLoader().check(path)
