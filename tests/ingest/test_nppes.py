"""The NPPES loader: the real monthly-file sample, API responses, bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from kolgraph.errors import IngestError
from tests.factories import SAMPLES, nodes

NPPES = SAMPLES / "nppes" / "npidata_sample_1000_part1.csv"
API = SAMPLES / "nppes" / "npi_registry_api_v2.1"


def header() -> list[str]:
    with NPPES.open(newline="") as handle:
        return next(csv.reader(handle))


def write_rows(path: Path, rows: list[dict[str, str]], *, encoding="utf-8") -> Path:
    columns = header()
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(c, "") for c in columns])
    return path


def person(npi: str, last: str, first: str, **extra: str) -> dict[str, str]:
    return {
        "NPI": npi,
        "Entity Type Code": "1",
        "Provider Last Name (Legal Name)": last,
        "Provider First Name": first,
        "Healthcare Provider Taxonomy Code_1": "207RC0000X",
        "Healthcare Provider Primary Taxonomy Switch_1": "Y",
        "Provider Business Practice Location Address City Name": "BOSTON",
        "Provider Business Practice Location Address State Name": "MA",
        "Provider Business Practice Location Address Postal Code": "2134.0",
        **extra,
    }


def test_sample_counts_match_an_independent_count(store, load):
    frame = pd.read_csv(NPPES, dtype=str, keep_default_na=False)
    entity = frame["Entity Type Code"].str.replace(".0", "", regex=False)
    individuals, organisations = (entity == "1").sum(), (entity == "2").sum()
    deactivated = ((entity == "") & (frame["NPI Deactivation Date"] != "")).sum()

    summary = load("nppes", NPPES)

    assert summary.read == len(frame) == summary.loaded + summary.rejected + summary.duplicates
    assert summary.rejected == deactivated > 0  # nameless deactivated rows
    hcps = nodes(store, "HCP")
    assert len(hcps) == individuals
    assert all(h.get("family") for h in hcps.values())
    assert len(nodes(store, "Institution")) == organisations
    assert len(nodes(store, "Mention")) == individuals
    assert all(h["npi"] == hid.removeprefix("npi:") for hid, h in hcps.items())


def test_hand_checked_provider(store, load):
    load("nppes", NPPES)
    wiebe = store.run("node_by_id", {"label": "HCP"}, id="npi:1679576722")[0]["props"]
    assert (wiebe["family"], wiebe["given"], wiebe["credential"]) == ("Wiebe", "David A", "M.D.")
    assert wiebe["taxonomy"] == "207X00000X" and wiebe["specialty"] == "Orthopaedic Surgery"
    assert (wiebe["city"], wiebe["state"], wiebe["postal_code"]) == ("Kearney", "NE", "68847")
    assert wiebe["npi"] == "1679576722" and wiebe["deactivated"] is False
    assert wiebe["enumeration_date"] == "2005-05-23"


def test_nameless_deactivated_npi_is_rejected_with_a_reason(store, load):
    frame = pd.read_csv(NPPES, dtype=str, keep_default_na=False)
    row = frame[(frame["Entity Type Code"] == "") & (frame["NPI Deactivation Date"] != "")].iloc[0]
    summary = load("nppes", NPPES)
    assert store.run("node_by_id", {"label": "HCP"}, id=f"npi:{row['NPI']}") == []
    month, day, year = row["NPI Deactivation Date"].split("/")
    rejects = [json.loads(line) for line in Path(summary.rejects_file).read_text().splitlines()]
    reason = next(r for r in rejects if r["record"] == row["NPI"])
    assert reason["field"] == "Entity Type Code"
    assert f"since {year}-{month}-{day}" in reason["reason"] and "no name" in reason["reason"]


def test_loading_twice_changes_no_count(store, load):
    load("nppes", NPPES)
    first = store.counts()
    again = load("nppes", NPPES)
    assert store.counts() == first and again.loaded + again.rejected == 500


def test_api_responses(store, load):
    total = 0
    for path in sorted(API.glob("api-*.json")):
        body = json.loads(path.read_text())
        if "Errors" in body:
            with pytest.raises(IngestError, match=f"{path.name}.*error response"):
                load("nppes", path)
            continue
        summary = load("nppes", path)
        assert summary.loaded == len(body["results"])
        total += len({r["number"] for r in body["results"] if r["enumeration_type"] == "NPI-1"})
    assert len(nodes(store, "HCP")) == total
    first = json.loads((API / "api-34c18d.json").read_text())["results"][0]
    hcp = store.run("node_by_id", {"label": "HCP"}, id=f"npi:{first['number']}")[0]["props"]
    assert hcp["family"] == first["basic"]["last_name"].title()
    primary = next(t for t in first["taxonomies"] if t["primary"])
    assert hcp["taxonomy"] == primary["code"]


def test_missing_columns_is_one_clear_error(tmp_path, load):
    path = tmp_path / "npi.csv"
    path.write_text("NPI,Name\n1234567893,Doe\n")
    with pytest.raises(IngestError, match=r"npi\.csv.*missing column.*Entity Type Code"):
        load("nppes", path)


def test_bad_rows_go_to_the_reject_file(store, load, tmp_path):
    path = write_rows(
        tmp_path / "npi.csv",
        [
            person("1234567893", "DOE", "JANE"),
            person("12345", "SHORT", "NPI"),
            person("1234567901", "OLD", "DATE", **{"Provider Enumeration Date": "01/01/1850"}),
            person("1234567919", "NEW", "DATE", **{"Last Update Date": "01/01/2999"}),
            {**person("1234567927", "", "NOLAST")},
            {**person("1234567935", "ODD", "TYPE"), "Entity Type Code": "3"},
        ],
    )
    with path.open("a", newline="") as handle:
        handle.write("1234567943,1,ragged\n")
    summary = load("nppes", path)
    assert (summary.loaded, summary.rejected) == (1, 6)
    rejects = [json.loads(line) for line in Path(summary.rejects_file).read_text().splitlines()]
    reasons = {r["record"]: (r["field"], r["reason"]) for r in rejects}
    assert reasons["12345"][0] == "NPI" and "10-digit" in reasons["12345"][1]
    assert "before 1900" in reasons["1234567901"][1]
    assert reasons["1234567919"] == ("Last Update Date", "date in the future: '01/01/2999'")
    assert reasons["1234567927"][0] == "Provider Last Name (Legal Name)"
    assert reasons["1234567935"][0] == "Entity Type Code"
    assert any("expected 330 fields" in r["reason"] for r in rejects)
    jane = store.run("node_by_id", {"label": "HCP"}, id="npi:1234567893")[0]["props"]
    assert jane["postal_code"] == "02134" and jane["specialty"] == "Cardiovascular Disease"


def test_latin1_bom_and_embedded_newlines(store, load, tmp_path):
    latin = write_rows(
        tmp_path / "latin1.csv", [person("1234567893", "MÜLLER", "JOSÉ")], encoding="cp1252"
    )
    assert load("nppes", latin).loaded == 1
    assert (
        store.run("node_by_id", {"label": "HCP"}, id="npi:1234567893")[0]["props"]["family"]
        == "Müller"
    )
    bom = write_rows(
        tmp_path / "bom.csv",
        [
            person(
                "1245319599",
                "O'NEIL",
                "ANN",
                **{"Provider First Line Business Practice Location Address": "1 MAIN ST\nSUITE 2"},
            )
        ],
        encoding="utf-8-sig",
    )
    assert load("nppes", bom).loaded == 1
    assert (
        store.run("node_by_id", {"label": "HCP"}, id="npi:1245319599")[0]["props"]["family"]
        == "O'Neil"
    )
