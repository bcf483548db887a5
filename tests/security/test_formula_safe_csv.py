"""CSV written for spreadsheets never holds a live formula; numbers stay numbers."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from kolgraph.config import Settings
from kolgraph.csvsafe import FORMULA_STARTS
from kolgraph.ingest import run_ingest
from kolgraph.ingest.registry import loader_for
from kolgraph.store import open_store
from tests.factories import kolgraph

HYPERLINK = '=HYPERLINK("http://evil.example","x")'
CALC = "+1+cmd|'/C calc'!A0"


def test_export_table_engagements_neutralises_formulas(tmp_path: Path) -> None:
    data_dir = tmp_path / "kg"
    with open_store(Settings(data_dir=data_dir, appendfsync="everysec")) as store:
        store.apply_schema()
        store.upsert_nodes(
            "HCP",
            [{"id": "npi:1234567893", "props": {"name": "@Ada Lovelace", "npi": "1234567893"}}],
        )
        store.upsert_nodes(
            "Engagement",
            [
                {
                    "id": "eng:crm:F1",
                    "props": {
                        "crm_id": "F1",
                        "hcp_id": "npi:1234567893",
                        "department": "sales",
                        "type": "visit",
                        "date": "2024-03-01",
                        "notes": HYPERLINK,
                        "objective": CALC,
                        "outcome": "-positive",
                        "product": "\tTab",
                        "key_messages": ["@SUM(A1)", "ok"],
                        "amount": -3.5,
                        "cost": 12.0,
                        "nature_of_payment": "\rCR",
                    },
                }
            ],
        )
        store.upsert_relationships(
            "Engagement",
            "WITH_HCP",
            "HCP",
            [{"start": "eng:crm:F1", "end": "npi:1234567893", "props": {}}],
        )
    out = tmp_path / "engagements.csv"
    try:
        done = kolgraph(
            "export", "table", "engagements", "-o", str(out), "--data-dir", str(data_dir)
        )
    finally:
        kolgraph("stop", "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stdout + done.stderr
    with out.open(newline="", encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["notes"] == "'" + HYPERLINK and row["objective"] == "'" + CALC
    assert row["outcome"] == "'-positive" and row["product"] == "'\tTab"
    assert row["key_messages"] == "'@SUM(A1); ok" and row["hcp_name"] == "'@Ada Lovelace"
    assert row["nature_of_payment"] == "'\rCR"
    assert row["amount"] == "-3.5" and row["cost"] == "12.0"  # numbers are not touched
    assert [k for k, v in row.items() if v.startswith(FORMULA_STARTS)] == ["amount"]


def test_audit_export_neutralises_formulas(sec_client, as_) -> None:
    # a query parameter that ends up in an audit event's text would be a way in
    sec_client.get("/hcps/lookup", params={"crm_id": "=1+1"}, headers=as_("rep"))
    r = sec_client.get("/audit/export", headers=as_("compliance"))
    assert r.status_code == 200
    rows = list(csv.reader(r.text.splitlines()))
    assert not [c for row in rows[1:] for c in row if c.startswith(FORMULA_STARTS)]


def test_crm_ingest_refuses_names_that_are_formulas(store, tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    columns = [
        "engagement_id",
        "hcp_crm_id",
        "hcp_name",
        "employee_id",
        "employee_name",
        "department",
        "type",
        "datetime",
        "notes",
    ]
    rows = [
        ["F1", "CRM-1", HYPERLINK, "S01", "Sam Rep", "sales", "visit", "2024-02-01T10:00", "x"],
        ["F2", "CRM-2", "Jo Park", "S01", CALC, "sales", "visit", "2024-02-01T10:00", "x"],
        [
            "F3",
            "CRM-3",
            "Jo Park",
            "S01",
            "Sam Rep",
            "sales",
            "visit",
            "2024-02-01T10:00",
            "-fine as notes: exports neutralise it",
        ],
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([columns, *rows])
    summary = run_ingest(store, loader_for("crm"), path, rejects_dir=tmp_path / "rej")
    assert (summary.loaded, summary.rejected) == (1, 2)
    rejects = [json.loads(x) for x in Path(summary.rejects_file).read_text().splitlines()]
    assert {(r["record"], r["field"]) for r in rejects} == {
        ("F1", "hcp_name"),
        ("F2", "employee_name"),
    }
