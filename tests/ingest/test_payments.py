"""The Open Payments loader on the real CMS samples, column variants, mapping, bad input."""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from kolgraph.config import Settings
from kolgraph.errors import IngestError
from kolgraph.ingest.payments import PaymentsLoader
from kolgraph.krm.access import Viewer
from kolgraph.krm.contacts import contact_tracking
from kolgraph.krm.policy import KrmPolicy
from kolgraph.store import EmbeddedFalkorDB, open_store
from tests.factories import SAMPLES, nodes, rejects_of, rels

OP = SAMPLES / "open-payments"
RESEARCH_2015 = OP / "OP_DTL_RSRCH_PGYR2015_IowaSubset.csv"
RESEARCH_2013 = OP / "OP_DTL_RSRCH_PGYR2013_IowaSubset.csv"
GENERAL_SOCRATA = OP / "general_payments_PY2013_SanFrancisco_socrata_part1.csv"
GENERAL_CMS = OP / "raw_cms_format" / "OP_DTL_GNRL_PGYR2016_P06302017_small.csv"
PI_LAST = [f"Principal_Investigator_{n}_Last_Name" for n in range(1, 6)]
PI_PROFILE = [f"Principal_Investigator_{n}_Profile_ID" for n in range(1, 6)]


def test_research_file_counts_match_pandas(store, load):
    frame = pd.read_csv(RESEARCH_2015, dtype=str, keep_default_na=False)
    physician = frame["Covered_Recipient_Type"] == "Covered Recipient Physician"
    has_pi = (frame[PI_LAST] != "").any(axis=1)
    usable = frame[physician | has_pi]
    profiles = set(
        usable.loc[
            usable["Covered_Recipient_Type"] == "Covered Recipient Physician",
            "Physician_Profile_ID",
        ]
    )
    for column in PI_PROFILE:
        profiles |= set(usable[column]) - {""}
    with_nct = usable[usable["ClinicalTrials_Gov_Identifier"].str.startswith("NCT")]
    pi_trial = {
        (p, t)
        for column in PI_PROFILE
        for p, t in zip(with_nct[column], with_nct["ClinicalTrials_Gov_Identifier"], strict=True)
        if p
    }

    summary = load("payments", RESEARCH_2015)

    assert summary.read == len(frame) and summary.loaded == len(usable)
    assert summary.rejected == len(frame) - len(usable)
    assert all("not an HCP" in r["reason"] for r in rejects_of(summary))
    payments = nodes(store, "Payment")
    assert len(payments) == len(usable)
    assert round(sum(e["amount"] for e in payments.values()), 2) == round(
        usable["Total_Amount_of_Payment_USDollars"].astype(float).sum(), 2
    )
    assert {e["ours"] for e in payments.values()} == {False}
    assert nodes(store, "Engagement") == {}  # other companies' payments are not our contacts
    hcps = nodes(store, "HCP")
    assert {h["profile_id"] for h in hcps.values()} == profiles and len(hcps) == len(profiles)
    assert len(nodes(store, "Trial")) == with_nct["ClinicalTrials_Gov_Identifier"].nunique()
    assert len(rels(store, "HCP", "INVESTIGATOR_OF", "Trial")) == len(pi_trial)
    makers = usable["Applicable_Manufacturer_or_Applicable_GPO_Making_Payment_ID"].nunique()
    assert len(nodes(store, "Manufacturer")) == makers


def test_hand_checked_research_payment_to_a_teaching_hospital(store, load):
    load("payments", RESEARCH_2015)
    eng = store.run("node_by_id", {"label": "Payment"}, id="payment:op:254936860")[0]["props"]
    assert (eng["amount"], eng["date"], eng["research"]) == (658.84, "2015-12-31", True)
    assert eng["recipient_type"] == "teaching_hospital"
    assert eng["recipient_name"] == "Univ Of Iowa Hosp & Clinic"
    with_hcp = [
        r for r in rels(store, "Payment", "PAID_TO", "HCP") if r["start"] == "payment:op:254936860"
    ]
    assert len(with_hcp) == 1 and with_hcp[0]["props"]["role"] == "principal_investigator"
    kline = store.run("node_by_id", {"label": "HCP"}, id=with_hcp[0]["end"])[0]["props"]
    assert (kline["profile_id"], kline["family"], kline["given"]) == ("1157105", "Kline", "Joel N")
    frame = pd.read_csv(RESEARCH_2015, dtype=str, keep_default_na=False)
    paths = set(
        frame.loc[
            frame["Principal_Investigator_1_Profile_ID"] == "1157105",
            "Principal_Investigator_1_Specialty",
        ]
    )
    assert kline["specialty"] in {p.rsplit("|", 1)[-1] for p in paths}
    paid_by = [
        r["end"]
        for r in rels(store, "Payment", "PAID_BY", "Manufacturer")
        if r["start"] == "payment:op:254936860"
    ]
    assert paid_by == ["manufacturer:op:100000000146"]


def test_socrata_general_file_departments_and_products(store, load):
    frame = pd.read_csv(GENERAL_SOCRATA, dtype=str, keep_default_na=False)
    physicians = frame[frame["covered_recipient_type"] == "Covered Recipient Physician"]
    makers = physicians["applicable_manufacturer_or_applicable_gpo_making_payment_name"]
    summary = load(PaymentsLoader(our_company=";".join(set(makers)).upper()), GENERAL_SOCRATA)
    assert (summary.loaded, summary.rejected) == (len(physicians), len(frame) - len(physicians))
    engagements = nodes(store, "Engagement")  # every maker configured ours: every row is ours
    assert len(engagements) == len(nodes(store, "Payment")) == len(physicians)
    food = (physicians["nature_of_payment_or_transfer_of_value"] == "Food and Beverage").sum()
    consulting = (physicians["nature_of_payment_or_transfer_of_value"] == "Consulting Fee").sum()
    by_nature = [e for e in engagements.values() if e["nature_of_payment"] == "Food and Beverage"]
    assert len(by_nature) == food and {e["department"] for e in by_nature} == {"sales"}
    assert (
        sum(
            e["nature_of_payment"] == "Consulting Fee" and e["department"] == "medical_affairs"
            for e in engagements.values()
        )
        == consulting
    )
    assert len(nodes(store, "HCP")) == physicians["physician_profile_id"].nunique()
    cree = store.run("node_by_id", {"label": "Engagement"}, id="eng:op:23682087")[0]["props"]
    assert (cree["amount"], cree["date"], cree["department"]) == (32.26, "2013-09-21", "sales")
    products = sorted(
        r["end"]
        for r in rels(store, "Engagement", "ABOUT_PRODUCT", "Product")
        if r["start"] == "eng:op:23682087"
    )
    assert products == ["product:avonex", "product:tecfidera", "product:tysabri"]


def test_cms_layout_with_new_product_columns(store, load):
    summary = load("payments", GENERAL_CMS)
    assert (summary.loaded, summary.rejected) == (1, 0)
    eng = store.run("node_by_id", {"label": "Payment"}, id="payment:op:346039438")[0]["props"]
    assert eng["date"] == "2016-02-12" and eng["product"] == "StabiliT"
    products = nodes(store, "Product")
    assert products["product:stabilit"]["therapeutic_area"] == "Radiology"


def test_same_physician_across_years_is_one_hcp(store, load):
    load("payments", RESEARCH_2013)
    load("payments", RESEARCH_2015)
    hcps = nodes(store, "HCP")
    profile_ids = [h["profile_id"] for h in hcps.values()]
    assert len(profile_ids) == len(set(profile_ids))


def test_loading_twice_changes_no_count(store, load):
    load("payments", GENERAL_SOCRATA)
    first = store.counts()
    load("payments", GENERAL_SOCRATA)
    assert store.counts() == first


def newer_layout(path: Path, rows: list[dict[str, str]]) -> Path:
    columns = [
        "Change_Type",
        "Covered_Recipient_Type",
        "Covered_Recipient_Profile_ID",
        "Covered_Recipient_NPI",
        "Covered_Recipient_First_Name",
        "Covered_Recipient_Last_Name",
        "Recipient_City",
        "Recipient_State",
        "Recipient_Zip_Code",
        "Covered_Recipient_Specialty_1",
        "Applicable_Manufacturer_or_Applicable_GPO_Making_Payment_ID",
        "Applicable_Manufacturer_or_Applicable_GPO_Making_Payment_Name",
        "Total_Amount_of_Payment_USDollars",
        "Date_of_Payment",
        "Nature_of_Payment_or_Transfer_of_Value",
        "Record_ID",
        "Program_Year",
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


def payment(record: str, **extra: str) -> dict[str, str]:
    return {
        "Change_Type": "NEW",
        "Covered_Recipient_Type": "Covered Recipient Physician",
        "Covered_Recipient_Profile_ID": "77",
        "Covered_Recipient_NPI": "1234567893",
        "Covered_Recipient_First_Name": "JANE",
        "Covered_Recipient_Last_Name": "DOE",
        "Recipient_City": "BOSTON",
        "Recipient_State": "MA",
        "Recipient_Zip_Code": "02134",
        "Covered_Recipient_Specialty_1": "Allopathic & Osteopathic Physicians|Cardiology",
        "Applicable_Manufacturer_or_Applicable_GPO_Making_Payment_ID": "100000000001",
        "Applicable_Manufacturer_or_Applicable_GPO_Making_Payment_Name": "Acme Pharma",
        "Total_Amount_of_Payment_USDollars": "150.00",
        "Date_of_Payment": "03/04/2023",
        "Nature_of_Payment_or_Transfer_of_Value": "Consulting Fee",
        "Record_ID": record,
        "Program_Year": "2023",
        **extra,
    }


def test_newer_layout_links_to_the_nppes_hcp_by_npi(store, load, tmp_path):
    store.upsert_nodes("HCP", [{"id": "npi:1234567893", "props": {"npi": "1234567893"}}])
    path = newer_layout(tmp_path / "OP_DTL_GNRL_PGYR2023.csv", [payment("1"), payment("2")])
    assert load("payments", path).loaded == 2
    hcps = nodes(store, "HCP")
    assert list(hcps) == ["npi:1234567893"] and hcps["npi:1234567893"]["profile_id"] == "77"


def test_department_mapping_can_be_overridden(store, load, tmp_path, monkeypatch):
    mapping = tmp_path / "departments.json"
    mapping.write_text(json.dumps({"default": "sales", "nature": {"consulting": "marketing"}}))
    monkeypatch.setenv("KOLGRAPH_PAYMENT_DEPARTMENTS", str(mapping))
    monkeypatch.setenv("KOLGRAPH_OUR_COMPANY", "ACME pharma")  # our payments: engagements
    path = newer_layout(
        tmp_path / "op.csv",
        [payment("1"), payment("2", Nature_of_Payment_or_Transfer_of_Value="Food and Beverage")],
    )
    load("payments", path)
    departments = {k: v["department"] for k, v in nodes(store, "Engagement").items()}
    assert departments == {"eng:op:1": "marketing", "eng:op:2": "sales"}
    mapping.write_text(json.dumps({"nature": {"consulting": "legal"}}))
    with pytest.raises(IngestError, match="departments.json.*unknown department.*legal"):
        load("payments", newer_layout(tmp_path / "op2.csv", [payment("3")]))


def test_missing_columns_is_one_clear_error(load, tmp_path):
    path = tmp_path / "payments.csv"
    path.write_text("Record_ID,Amount\n1,2\n")
    with pytest.raises(
        IngestError,
        match=r"payments\.csv.*missing column.*"
        r"covered_recipient_type.*date_of_payment",
    ):
        load("payments", path)


def test_bad_rows_go_to_the_reject_file(store, load, tmp_path):
    path = newer_layout(
        tmp_path / "op.csv",
        [
            payment("1"),
            payment("2", Total_Amount_of_Payment_USDollars="-20.00"),
            payment("3", Date_of_Payment="01/01/1850"),
            payment("4", Date_of_Payment="12/31/2999"),
            payment("5", Covered_Recipient_NPI="12345"),
            payment("6", Total_Amount_of_Payment_USDollars="lots"),
            payment("7", Covered_Recipient_Last_Name=""),
            payment("1"),
            payment("8", Nature_of_Payment_or_Transfer_of_Value="Food\nand Beverage"),
        ],
    )
    with path.open("a", encoding="utf-8") as handle:
        handle.write("NEW,Covered Recipient Physician,9\n")
    summary = load("payments", path)
    assert (summary.read, summary.loaded, summary.rejected, summary.duplicates) == (10, 2, 7, 1)
    reasons = {r["record"]: (r["field"], r["reason"]) for r in rejects_of(summary)}
    assert reasons["2"] == ("Total_Amount_of_Payment_USDollars", "negative amount: '-20.00'")
    assert reasons["3"] == ("Date_of_Payment", "date before 1900: '01/01/1850'")
    assert reasons["4"] == ("Date_of_Payment", "date in the future: '12/31/2999'")
    assert reasons["5"][0] == "Covered_Recipient_NPI" and "10-digit" in reasons["5"][1]
    assert reasons["6"][0] == "Total_Amount_of_Payment_USDollars"
    assert reasons["7"][0] == "Covered_Recipient_Last_Name"
    ragged = [r for r in rejects_of(summary) if r["record"].startswith("line")]
    assert ragged and "expected 17 fields" in ragged[0]["reason"]
    eng = store.run("node_by_id", {"label": "Payment"}, id="payment:op:8")[0]["props"]
    assert eng["nature_of_payment"] == "Food and Beverage" and "department" not in eng


def test_latin1_file_is_read(store, load, tmp_path):
    path = tmp_path / "latin1.csv"
    newer_layout(path, [payment("1", Covered_Recipient_Last_Name="NÚÑEZ")])
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    assert load("payments", path).loaded == 1
    assert nodes(store, "HCP")["npi:1234567893"]["family"] == "Núñez"


def test_bom_header_is_read(store, load, tmp_path):
    path = newer_layout(tmp_path / "bom.csv", [payment("1")])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load("payments", path).loaded == 1
    assert nodes(store, "Payment")["payment:op:1"]["amount"] == 150.0


def _ingest(data_dir: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kolgraph.cli",
            "ingest",
            "payments",
            str(RESEARCH_2015),
            "--data-dir",
            str(data_dir),
            "--batch-size",
            "50",
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


# The run `kolgraph ingest payments FILE --batch-size 50 --json` makes, in a process that
# SIGKILLs itself right after its store has answered statement number KILL_AT (through the
# store's public command observer): mid-file and mid-batch, at the same point every time.
# KILL_AT 0 runs to the end and prints the summary with the number of statements sent.
VICTIM = """
import json, os, signal, sys
from pathlib import Path
from kolgraph.config import Settings
from kolgraph.ingest import run_ingest
from kolgraph.ingest.registry import loader_for
from kolgraph.store import open_store

data_dir, path, kill_at = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
settings = Settings(data_dir=data_dir)
sent = 0

def count(text, params, seconds):
    global sent
    sent += 1
    if sent == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)

loader = loader_for("payments")
loader.configure(settings)
with open_store(settings) as store:
    store.apply_schema()
    store.observe(count)
    summary = run_ingest(store, loader, path, rejects_dir=data_dir / "rejects", batch_size=50)
print(json.dumps({**summary.as_dict(), "statements": sent}))
"""


def _victim(data_dir: Path, kill_at: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", VICTIM, str(data_dir), str(RESEARCH_2015), str(kill_at)],
        capture_output=True,
        text=True,
        timeout=600,
    )


def _counts(data_dir: Path) -> dict:
    with open_store(Settings(data_dir=data_dir)) as store:
        counts = store.counts()
    counts["nodes"].pop("IngestRun")
    return counts


@pytest.mark.slow  # a kill/resume trial: three full runs of the 4,251-row file
def test_killed_run_resumes_to_the_counts_of_a_clean_run(tmp_path):
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    try:
        done = _victim(clean, 0)
        assert done.returncode == 0, done.stderr
        clean_summary = json.loads(done.stdout)
        statements = clean_summary["statements"]
        assert statements > 40  # 4,251 payments in batches of 50, several statements each
        victim = _victim(killed, statements * 2 // 5)
        assert victim.returncode == -signal.SIGKILL, victim.stdout + victim.stderr
        partial = _counts(killed)["nodes"].get("Payment", 0)
        assert 0 < partial < 4251
        rerun = _ingest(killed)  # the user's way: the same command again
        out, err = rerun.communicate(timeout=600)
        assert rerun.returncode == 0, err
        resumed = json.loads(out)
        assert resumed["resumed_from"] > 0
        for key in ("read", "loaded", "rejected", "duplicates"):
            assert resumed[key] == clean_summary[key]
        assert _counts(killed) == _counts(clean)
    finally:
        for data_dir in (killed, clean):
            EmbeddedFalkorDB(data_dir).stop()


def _spend_2013(store, hcp: str) -> tuple[float, int]:
    viewer = Viewer(key_id="k", role="krm_manager", department="medical_affairs")
    seen = contact_tracking(
        store, viewer, hcp, KrmPolicy(lookback_days=365), as_of=date(2013, 12, 31)
    )
    contacts = sum(d.contacts for d in seen.departments)
    return seen.total_spend, contacts


def test_open_payments_count_as_our_spend_only_for_our_company(store, load):
    frame = pd.read_csv(GENERAL_SOCRATA, dtype=str, keep_default_na=False)
    rows = frame[
        (frame["physician_profile_id"] == "338981")
        & (frame["covered_recipient_type"] == "Covered Recipient Physician")
    ]
    maker = "applicable_manufacturer_or_applicable_gpo_making_payment_name"
    assert rows[maker].nunique() > 1  # paid by Biogen and others
    load("payments", GENERAL_SOCRATA)
    hcp = next(h for h, p in nodes(store, "HCP").items() if p.get("profile_id") == "338981")
    assert _spend_2013(store, hcp) == (0.0, 0)
    assert len([p for p in nodes(store, "Payment").values() if p["hcp_id"] == hcp]) == len(rows)

    load(PaymentsLoader(our_company="biogen idec inc."), GENERAL_SOCRATA)
    ours = rows[rows[maker].str.casefold() == "biogen idec inc."]
    spend, contacts = _spend_2013(store, hcp)
    assert contacts == len(ours) > 0
    assert spend == round(ours["total_amount_of_payment_usdollars"].astype(float).sum(), 2)
    engagements = nodes(store, "Engagement")
    assert {e["manufacturer"] for e in engagements.values()} == {"Biogen Idec Inc."}
    assert (
        len(engagements)
        == (
            frame.loc[frame["covered_recipient_type"] == "Covered Recipient Physician", maker]
            == "Biogen Idec Inc."
        ).sum()
    )


def test_industry_payments_panel_over_http(store, load, tmp_path):
    from fastapi.testclient import TestClient

    from kolgraph.api.app import create_app
    from kolgraph.krm import keys

    frame = pd.read_csv(GENERAL_SOCRATA, dtype=str, keep_default_na=False)
    rows = frame[
        (frame["physician_profile_id"] == "338981")
        & (frame["covered_recipient_type"] == "Covered Recipient Physician")
    ]
    amounts = rows["total_amount_of_payment_usdollars"].astype(float)
    maker = rows["applicable_manufacturer_or_applicable_gpo_making_payment_name"]
    load(PaymentsLoader(our_company="Biogen Idec Inc."), GENERAL_SOCRATA)
    hcp = next(h for h, p in nodes(store, "HCP").items() if p.get("profile_id") == "338981")
    key = keys.create_key(store, "field", "sales", label="t")[0]
    app = create_app(Settings(data_dir=tmp_path / "unused"), store=store, policy=KrmPolicy())
    with TestClient(app) as client:
        got = client.get(f"/hcps/{hcp}/industry-payments", headers={"X-API-Key": key})
        missing = client.get("/hcps/npi:0000000000/industry-payments", headers={"X-API-Key": key})
    assert got.status_code == 200, got.text
    panel = got.json()
    assert panel["payments"] == len(rows) and panel["total"] == round(amounts.sum(), 2)
    assert panel["ours_total"] == round(amounts[maker == "Biogen Idec Inc."].sum(), 2)
    by_maker = {g["name"]: g["payments"] for g in panel["by_manufacturer"]}
    assert by_maker == maker.value_counts().to_dict()
    assert [g["year"] for g in panel["by_year"]] == [2013]
    assert {"avonex", "tecfidera"} <= {g["product"].lower() for g in panel["by_product"]}
    assert missing.status_code == 404


def test_an_old_stores_payment_engagements_of_other_manufacturers_are_retired(store, load):
    """Earlier versions booked every Open Payments row as our engagement and wrote no Payment.

    Retiring them rebuilds each row's Payment from its engagement, keeps only our company's
    engagements (linked to their Payment), and is a no-op when run again; a payments load
    does it first.
    """
    from kolgraph.ingest.payments import retire_foreign_payment_engagements

    frame = pd.read_csv(GENERAL_SOCRATA, dtype=str, keep_default_na=False)
    maker = "applicable_manufacturer_or_applicable_gpo_making_payment_name"
    every_maker = ";".join(sorted(set(frame[maker])))
    load(PaymentsLoader(our_company=every_maker), GENERAL_SOCRATA)  # every row booked as ours
    engaged = nodes(store, "Engagement")
    paid_to = rels(store, "Payment", "PAID_TO", "HCP")
    paid_by = rels(store, "Payment", "PAID_BY", "Manufacturer")
    assert len(engaged) == len(nodes(store, "Payment")) > 100
    # earlier versions wrote no Payment and no payment_id on the engagement
    store.execute("MATCH (p:Payment) DETACH DELETE p", {})
    store.execute("MATCH (e:Engagement) REMOVE e.payment_id", {})
    assert nodes(store, "Payment") == {}

    biogen = sum(e["manufacturer"] == "Biogen Idec Inc." for e in engaged.values())
    retired = retire_foreign_payment_engagements(store, "biogen idec inc.")
    assert retired == len(engaged) - biogen > 0
    kept = nodes(store, "Engagement")
    assert {e["manufacturer"] for e in kept.values()} == {"Biogen Idec Inc."}
    payments = nodes(store, "Payment")
    assert len(payments) == len(engaged)
    assert sum(bool(p["ours"]) for p in payments.values()) == biogen
    assert {e["payment_id"] for e in kept.values()} == {i for i, p in payments.items() if p["ours"]}
    assert [(r["start"], r["end"]) for r in rels(store, "Payment", "PAID_TO", "HCP")] == [
        (r["start"], r["end"]) for r in paid_to
    ]
    assert [(r["start"], r["end"]) for r in rels(store, "Payment", "PAID_BY", "Manufacturer")] == [
        (r["start"], r["end"]) for r in paid_by
    ]
    hcp = next(iter(payments.values()))["hcp_id"]
    assert hcp

    # idempotent: nothing left to retire, nothing changes
    assert retire_foreign_payment_engagements(store, "biogen idec inc.") == 0
    assert nodes(store, "Payment") == payments and nodes(store, "Engagement") == kept

    # a payments load retires them by itself: without our_company no row stays our spend
    load("payments", RESEARCH_2015)
    assert nodes(store, "Engagement") == {}
    assert not any(p["ours"] for p in nodes(store, "Payment").values())
