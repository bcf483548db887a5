"""The CRM engagement loader: the shipped sample (real HCPs), the JSON shape, bad input."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from kolgraph.errors import IngestError
from tests.factories import SAMPLES, nodes, rels

CRM = SAMPLES / "crm" / "engagements_sample.csv"
GENERATOR = SAMPLES.parents[1] / "benchmarks" / "crm_sample.py"
NPPES = SAMPLES / "nppes" / "npidata_sample_1000_part1.csv"
PAYMENTS = SAMPLES / "open-payments" / "general_payments_PY2013_SanFrancisco_socrata_part1.csv"


def sample_rows() -> list[dict[str, str]]:
    with CRM.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_sample_counts_and_real_hcps(store, load):
    rows = sample_rows()
    load("nppes", NPPES)
    load("payments", PAYMENTS)
    before = set(nodes(store, "HCP"))
    summary = load("crm", CRM)
    assert summary.loaded == len(rows) and summary.rejected == 0
    engagements = {k: v for k, v in nodes(store, "Engagement").items() if k.startswith("eng:crm:")}
    assert len(engagements) == len(rows)
    assert Counter(e["department"] for e in engagements.values()) == Counter(
        r["department"] for r in rows
    )
    assert len(nodes(store, "Employee")) == len({r["employee_id"] for r in rows})
    with_hcp = {
        r["start"]: r["end"]
        for r in rels(store, "Engagement", "WITH_HCP", "HCP")
        if r["start"].startswith("eng:crm:")
    }
    assert len(with_hcp) == len(rows)
    # every NPI- or profile-referenced engagement lands on the HCP the public source made
    by_id = {r["engagement_id"]: r for r in rows}
    hcps = nodes(store, "HCP")
    for eng_id, hcp_id in with_hcp.items():
        row = by_id[eng_id.removeprefix("eng:crm:")]
        if row["hcp_npi"]:
            assert hcp_id == f"npi:{row['hcp_npi']}"
        if row["hcp_npi"] or row["hcp_profile_id"]:
            assert hcp_id in before
        assert hcps[hcp_id]["crm_id"] == row["hcp_crm_id"]
    assert len({with_hcp[f"eng:crm:{r['engagement_id']}"] for r in rows}) == len(
        {r["hcp_crm_id"] for r in rows}
    )
    # the account's practice location, where the CRM keeps one, becomes the HCP's
    located = {
        r["hcp_crm_id"]: (float(r["hcp_lat"]), float(r["hcp_lon"])) for r in rows if r["hcp_lat"]
    }
    hcps = nodes(store, "HCP")
    on_hcps = {}
    for r in rows:
        hcp = hcps[with_hcp[f"eng:crm:{r['engagement_id']}"]]
        if r["hcp_lat"]:
            on_hcps[hcp["crm_id"]] = (hcp["lat"], hcp["lon"])
    assert on_hcps == located and len(located) > 20
    assert sum(1 for h in hcps.values() if h.get("lat") is not None) == len(located)
    assert {h.get("location_source") for h in hcps.values() if h.get("lat") is not None} == {"crm"}


def test_sample_has_several_departments_and_collisions():
    rows = sample_rows()
    assert len({r["department"] for r in rows}) >= 5
    by_hcp: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_hcp.setdefault(row["hcp_crm_id"], []).append(row)
    collisions = 0
    for contacts in by_hcp.values():
        for a in contacts:
            for b in contacts:
                days = abs(
                    (
                        date.fromisoformat(a["datetime"][:10])
                        - date.fromisoformat(b["datetime"][:10])
                    ).days
                )
                collisions += (
                    a["department"] == "sales"
                    and b["department"] == "medical_affairs"
                    and a["product"] == b["product"]
                    and days <= 3
                )
    assert collisions >= 10


def test_hand_checked_engagement(store, load):
    row = next(r for r in sample_rows() if r["lat"] and r["key_messages"])
    load("crm", CRM)
    eng = store.run("node_by_id", {"label": "Engagement"}, id=f"eng:crm:{row['engagement_id']}")[0][
        "props"
    ]
    assert eng["type"] == row["type"] and eng["datetime"] == row["datetime"]
    assert eng["date"] == row["datetime"][:10] and eng["department"] == row["department"]
    assert eng["key_messages"] == row["key_messages"].split("|")
    assert (eng["lat"], eng["lon"]) == (float(row["lat"]), float(row["lon"]))
    assert eng["planned"] is (row["planned"] == "yes")
    employee = store.run("node_by_id", {"label": "Employee"}, id=f"emp:{row['employee_id']}")[0][
        "props"
    ]
    assert employee["department"] == row["department"]
    product = store.run("node_by_id", {"label": "Product"}, id=f"product:{row['product'].lower()}")[
        0
    ]["props"]
    assert product["company_product"] is True


def test_loading_twice_changes_no_count(store, load):
    load("crm", CRM)
    first = store.counts()
    load("crm", CRM)
    assert store.counts() == first


def test_json_shape(store, load, tmp_path):
    path = tmp_path / "crm.json"
    path.write_text(
        json.dumps(
            {
                "engagements": [
                    {
                        "engagement_id": "J1",
                        "hcp_crm_id": "CRM-1",
                        "hcp_npi": "1234567893",
                        "hcp_name": "Jane Doe",
                        "employee_id": "S09",
                        "department": "medical affairs",
                        "type": "advisory board",
                        "channel": "video",
                        "datetime": "2024-05-02T14:00:00Z",
                        "key_messages": ["data", "safety"],
                        "cost": 1200,
                        "planned": True,
                    },
                    {
                        "engagement_id": "J2",
                        "hcp_crm_id": "CRM-1",
                        "employee_id": "S09",
                        "department": "sales",
                        "type": "e-mail",
                        "datetime": "2024-05-03 09:00",
                    },
                ]
            }
        )
    )
    assert load("crm", path).loaded == 2
    engagements = nodes(store, "Engagement")
    assert engagements["eng:crm:J1"]["type"] == "advisory_board"
    assert engagements["eng:crm:J1"]["key_messages"] == ["data", "safety"]
    assert engagements["eng:crm:J2"]["type"] == "email"
    assert {e["hcp_id"] for e in engagements.values()} == {"npi:1234567893"}


def write(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8") -> Path:
    columns = list(sample_rows()[0])
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows({c: r.get(c, "") for c in columns} for r in rows)
    return path


def good(n: str, **extra: str) -> dict[str, str]:
    return {
        "engagement_id": n,
        "hcp_crm_id": "CRM-9",
        "hcp_name": "José Müller",
        "employee_id": "S01",
        "department": "sales",
        "type": "visit",
        "datetime": "2024-02-01T10:00",
        "cost": "25.00",
        **extra,
    }


def test_bad_rows_go_to_the_reject_file(store, load, tmp_path):
    path = write(
        tmp_path / "crm.csv",
        [
            good("1"),
            good("2", type="dinner"),
            good("3", department="legal"),
            good("4", lat="123.0"),
            good("5", cost="-5"),
            good("6", datetime="2999-01-01"),
            good("7", hcp_crm_id="", hcp_name=""),
            good("8", hcp_npi="99"),
            good("9", datetime="1850-03-01"),
            good("10", notes="first line\nsecond line"),
            good("12", hcp_lat="37.77"),
            good("13", hcp_lat="37.77", hcp_lon="-190"),
        ],
        encoding="cp1252",
    )
    with path.open("a", encoding="cp1252") as handle:
        handle.write("11,CRM-9\n")
    summary = load("crm", path)
    assert (summary.loaded, summary.rejected) == (2, 11)
    rejects = [json.loads(x) for x in Path(summary.rejects_file).read_text().splitlines()]
    reasons = {r["record"]: (r["field"], r["reason"]) for r in rejects}
    assert reasons["2"][0] == "type" and "advisory_board" in reasons["2"][1]
    assert reasons["3"][0] == "department"
    assert reasons["4"] == ("lat", "123.0 is outside -90..90")
    assert reasons["5"] == ("cost", "negative amount: '-5'")
    assert reasons["6"] == ("datetime", "date in the future: '2999-01-01'")
    assert reasons["7"][0] == "hcp_crm_id" and "no HCP reference" in reasons["7"][1]
    assert reasons["8"][0] == "hcp_npi"
    assert reasons["9"] == ("datetime", "date before 1900: '1850-03-01'")
    assert reasons["12"] == (
        "hcp_lon",
        "missing (hcp_lat is given; a practice location needs both)",
    )
    assert reasons["13"] == ("hcp_lon", "-190.0 is outside -180..180")
    assert any(f"expected {len(sample_rows()[0])} fields" in r["reason"] for r in rejects)
    eng = store.run("node_by_id", {"label": "Engagement"}, id="eng:crm:10")[0]["props"]
    assert eng["notes"] == "first line second line"
    hcp = store.run("node_by_id", {"label": "HCP"}, id=eng["hcp_id"])[0]["props"]
    assert hcp["name"] == "José Müller"


def test_missing_columns_is_one_clear_error(load, tmp_path):
    path = tmp_path / "crm.csv"
    path.write_text("\ufeffid,hcp,when\n1,2,3\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"crm\.csv.*missing column.*engagement_id"):
        load("crm", path)


def test_the_sample_is_what_its_generator_writes(tmp_path):
    out = tmp_path / "crm.csv"
    done = subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == CRM.read_bytes()


def test_rows_keyed_by_kolgraph_id(store, load, tmp_path):
    def engagements(name: str, rows: list[dict[str, str]]) -> Path:
        path = tmp_path / name
        path.write_text(
            json.dumps(
                [
                    {
                        "employee_id": "M01",
                        "department": "medical_affairs",
                        "type": "meeting",
                        "datetime": "2024-05-02T10:00",
                        **row,
                    }
                    for row in rows
                ]
            )
        )
        return path

    load(
        "crm",
        engagements(
            "first.json",
            [
                {"engagement_id": "A1", "hcp_npi": "1234567893", "hcp_name": "Jane Doe"},
                {"engagement_id": "A2", "hcp_npi": "1679576722", "hcp_name": "David Wiebe"},
            ],
        ),
    )
    summary = load(
        "crm",
        engagements(
            "keyed.json",
            [
                {
                    "engagement_id": "B1",
                    "hcp_id": "npi:1234567893",
                    "hcp_crm_id": "ACC-7",
                    "hcp_name": "Jane Doe",
                },
                {"engagement_id": "B2", "hcp_crm_id": "ACC-7", "hcp_name": "J. Doe-Smith"},
                {"engagement_id": "B3", "hcp_id": "hcp:0000000000000000", "hcp_name": "Jane Doe"},
                {"engagement_id": "A2", "hcp_id": "npi:1234567893"},
            ],
        ),
    )
    assert (summary.loaded, summary.rejected) == (2, 2)
    rejects = [json.loads(x) for x in Path(summary.rejects_file).read_text().splitlines()]
    reasons = {r["record"]: (r["field"], r["reason"]) for r in rejects}
    assert reasons["B3"][0] == "hcp_id" and "no HCP 'hcp:0000000000000000'" in reasons["B3"][1]
    assert reasons["A2"][0] == "hcp_id" and "npi:1679576722" in reasons["A2"][1]
    load("crm", engagements("later.json", [{"engagement_id": "C1", "hcp_crm_id": "ACC-7"}]))
    linked = {k: v["hcp_id"] for k, v in nodes(store, "Engagement").items()}
    assert linked == {
        "eng:crm:A1": "npi:1234567893",
        "eng:crm:A2": "npi:1679576722",
        "eng:crm:B1": "npi:1234567893",
        "eng:crm:B2": "npi:1234567893",
        "eng:crm:C1": "npi:1234567893",
    }
    methods = {
        r["start"]: r["props"]["method"] for r in rels(store, "Mention", "RESOLVED_TO", "HCP")
    }
    assert methods["mention:crm:B1:1"] == "hcp_id" and methods["mention:crm:B2:1"] == "crm_id"
