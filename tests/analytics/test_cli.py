"""``kolgraph analytics ...`` run as a user runs it, over files loaded with ``kolgraph ingest``."""

from __future__ import annotations

import csv
import io
import json
import subprocess

import pytest

from kolgraph.config import Settings
from kolgraph.store import open_store
from tests import factories
from tests.analytics.conftest import add_engagements, add_hcps


def kolgraph(*args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a wide console, so that no table wraps."""
    return factories.kolgraph(*args, env={"COLUMNS": "200"})


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("cli") / "kg"
    assert kolgraph("init", "--data-dir", str(path)).returncode == 0
    files = path.parent
    (files / "partd_2022.csv").write_text(
        "Prscrbr_NPI,Prscrbr_Last_Org_Name,Prscrbr_First_Name,Brnd_Name,Gnrc_Name,Tot_Clms\n"
        "1942000001,DOE,JANE,Eliquis,Apixaban,160\n",
        encoding="utf-8",
    )
    (files / "partd_2021.csv").write_text(
        "Prscrbr_NPI,Prscrbr_Last_Org_Name,Prscrbr_First_Name,Brnd_Name,Gnrc_Name,Tot_Clms\n"
        "1942000001,DOE,JANE,Eliquis,Apixaban,40\n",
        encoding="utf-8",
    )
    (files / "quiz.csv").write_text(
        "npi,date,dimension,score\n"
        "1942000001,2024-03-01,diagnosis,0.2\n"
        "1942000001,2024-03-01,treatment,0.9\n",
        encoding="utf-8",
    )
    for name in ("partd_2021.csv", "partd_2022.csv"):
        done = kolgraph("ingest", "partd", str(files / name), "--data-dir", str(path), "--json")
        assert done.returncode == 0, done.stderr
    done = kolgraph("ingest", "quiz", str(files / "quiz.csv"), "--data-dir", str(path), "--json")
    assert json.loads(done.stdout)["loaded"] == 2
    with open_store(Settings(data_dir=path)) as store:
        add_hcps(
            store,
            {
                "npi:1942000001": {
                    "influence": 80.0,
                    "tier": "strategic",
                    "scientific": 0.9,
                    "rising_star": True,
                },
                "npi:2": {"name": "Busy Basic", "influence": 5.0, "tier": "basic"},
            },
        )
        store.upsert_nodes("Publication", [{"id": "pmid:1", "props": {"year": 2024}}])
        store.upsert_relationships(
            "HCP",
            "AUTHORED",
            "Publication",
            [{"start": "npi:1942000001", "end": "pmid:1", "props": {}}],
        )
        add_engagements(
            store,
            [
                {
                    "hcp_id": "npi:2",
                    "type": "visit",
                    "date": "2024-06-0" + str(k),
                    "department": "sales",
                    "employee_id": "E1",
                    "cost": 10.0,
                    "outcome": "accepted",
                }
                for k in range(1, 4)
            ],
        )
    yield path
    kolgraph("stop", "--data-dir", str(path))


def test_coverage_table_names_the_gap(data_dir):
    done = kolgraph("analytics", "coverage", "--until", "2024-06-30", "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    assert "Coverage gaps 2024-01-03..2024-06-30" in done.stdout and "strategic" in done.stdout
    as_json = kolgraph(
        "analytics",
        "coverage",
        "--until",
        "2024-06-30",
        "--format",
        "json",
        "--data-dir",
        str(data_dir),
    )
    gap = json.loads(as_json.stdout)["gaps"][0]
    assert gap["id"] == "npi:1942000001" and "never contacted" in gap["reason"]


def test_low_influence_effort_as_csv(data_dir, tmp_path):
    out = tmp_path / "low.csv"
    done = kolgraph(
        "analytics",
        "coverage",
        "--low-influence",
        "--until",
        "2024-06-30",
        "--format",
        "csv",
        "--output",
        str(out),
        "--data-dir",
        str(data_dir),
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert rows[0]["id"] == "npi:2" and rows[0]["engagements"] == "3"


def test_speakers_json_lists_features_and_reasons(data_dir):
    done = kolgraph(
        "analytics",
        "speakers",
        "--until",
        "2024-12-31",
        "--format",
        "json",
        "--record",
        "--data-dir",
        str(data_dir),
    )
    report = json.loads(done.stdout)
    assert "prescribing_claims" not in report["features_used"]
    assert report["candidates"][0]["id"] == "npi:1942000001"
    assert report["candidates"][0]["reasons"]


def test_prescribing_knowledge_roi_and_field_activity_run(data_dir):
    swing = kolgraph("analytics", "prescribing", "--format", "json", "--data-dir", str(data_dir))
    assert json.loads(swing.stdout)["fluctuations"][0]["reason"] == (
        "Eliquis claims rose from 40 in 2021 to 160 in 2022"
    )
    gaps = kolgraph(
        "analytics",
        "knowledge",
        "--until",
        "2024-06-30",
        "--format",
        "json",
        "--data-dir",
        str(data_dir),
    )
    assert json.loads(gaps.stdout)["hcps"][0]["weak"] == ["diagnosis"]
    roi = kolgraph(
        "analytics",
        "roi",
        "--view",
        "department",
        "--until",
        "2024-12-31",
        "--format",
        "csv",
        "--data-dir",
        str(data_dir),
    )
    assert roi.returncode == 0 and "sales,30.0,3" in roi.stdout
    field = kolgraph(
        "analytics", "field-activity", "--until", "2024-06-30", "--all", "--data-dir", str(data_dir)
    )
    assert field.returncode == 0, field.stderr


def test_bad_date_is_one_error_line(data_dir):
    done = kolgraph("analytics", "roi", "--until", "June", "--data-dir", str(data_dir))
    assert done.returncode == 1 and done.stdout.startswith("error:")
    assert "--until must be a date" in done.stdout


def test_kpis_overall_and_per_department(data_dir):
    done = kolgraph(
        "analytics",
        "kpis",
        "--until",
        "2024-06-30",
        "--days",
        "30",
        "--format",
        "json",
        "--data-dir",
        str(data_dir),
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    rows = {r["department"]: r for r in report["kpis"]}
    assert report["since"] == "2024-06-01" and list(rows)[:2] == ["all", "sales"]
    assert rows["all"]["engagements"] == rows["sales"]["engagements"] == 3
    assert rows["marketing"]["engagements"] == 0 and rows["sales"]["visits"] == 3
    assert rows["sales"]["call_rate"] == 0.15  # 3 visits over June 2024's 20 working days
    assert rows["sales"]["outcome_mix"] == {"accepted": 3}


def test_kpis_of_an_empty_period_name_the_latest_engagement(data_dir):
    done = kolgraph(
        "analytics", "kpis", "--until", "2023-12-31", "-d", "sales", "--data-dir", str(data_dir)
    )
    assert done.returncode == 0, done.stderr
    assert "the latest is from 2024-06-03: try --until 2024-06-03" in done.stdout
    bad = kolgraph("analytics", "kpis", "-d", "legal", "--data-dir", str(data_dir))
    assert bad.returncode == 1 and "--department must be one of" in bad.stdout
