"""The firewall between departments: history, errors, KPIs, conflicts, analytics, ingest."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kolgraph.ingest import IngestSummary, run_ingest
from kolgraph.ingest.registry import loader_for
from kolgraph.krm.access import ENGAGEMENT_SHARED_FIELDS

DAY = (datetime.now(UTC).date() - timedelta(days=3)).isoformat()


def _medical(client, as_, hcp, crm_id, **extra):  # noqa: ANN001
    r = client.post(
        "/engagements",
        headers=as_("admin"),
        json={
            "crm_id": crm_id,
            "hcp_id": hcp,
            "department": "medical_affairs",
            "type": "meeting",
            "date": DAY,
            "datetime": f"{DAY}T10:00:00",
            "channel": "in_person",
            "employee_id": "M01",
            "product": "TECFIDERA",
            "objective": "TECFIDERA: advocacy",
            "outcome": "negative",
            "key_messages": ["hepatic safety"],
            "notes": "at home, 12 Elm St",
            "lat": 42.3,
            "lon": -71.1,
            "cost": 50.0,
            **extra,
        },
    )
    assert r.status_code in (200, 201), r.text


def test_another_department_sees_only_the_documented_fields(sec_client, sec_ids, as_):
    hcp = sec_ids["hcps"][1]
    _medical(sec_client, as_, hcp, "FW-1")
    items = sec_client.get(f"/hcps/{hcp}/engagements", headers=as_("rep")).json()["items"]
    (med,) = [e for e in items if e["id"] == "eng:crm:FW-1"]
    shown = {k for k, v in med.items() if v not in (None, [], "")}
    assert shown <= {*ENGAGEMENT_SHARED_FIELDS, "redacted"}, shown
    assert {"date", "department", "type", "employee_id"} <= shown and med["redacted"] is True
    own = sec_client.get(f"/hcps/{hcp}/engagements", headers=as_("msl")).json()["items"]
    (mine,) = [e for e in own if e["id"] == "eng:crm:FW-1"]
    assert mine["product"] == "TECFIDERA" and mine["notes"] and mine["cost"] is None


def test_a_used_crm_id_does_not_name_the_other_department(sec_client, sec_ids, as_):
    hcp = sec_ids["hcps"][1]
    _medical(sec_client, as_, hcp, "T-MED-1")
    r = sec_client.post(
        "/engagements",
        headers=as_("crm"),
        json={
            "crm_id": "T-MED-1",
            "hcp_id": hcp,
            "department": "sales",
            "type": "visit",
            "date": DAY,
        },
    )
    assert r.status_code == 422 and "medical" not in r.text, r.text


def test_kpis_across_the_firewall_are_suppressed_below_the_minimum(sec_client, sec_ids, as_):
    hcp = sec_ids["hcps"][1]
    _medical(sec_client, as_, hcp, "FW-KPI-1", date="2023-02-01", datetime=None)
    params = {
        "department": "medical_affairs",
        "employee_id": "M01",
        "period_start": "2023-02-01",
        "period_end": "2023-02-01",
    }
    krm = sec_client.get("/kpis", params=params, headers=as_("krm")).json()
    assert krm["engagements"] == 1 and krm["outcome_mix"] == {}
    assert krm["call_report_completeness"] is None
    assert "outcome_mix" in krm["suppressed"]
    admin = sec_client.get("/kpis", params=params, headers=as_("admin")).json()
    assert admin["outcome_mix"] == {"negative": 1} and admin["suppressed"] == []


def test_conflicts_are_no_oracle_for_hidden_objectives(sec_client, sec_ids, as_):
    hcp = sec_ids["hcps"][0]
    _medical(sec_client, as_, hcp, "FW-OR-1", objective="hepatotoxicity monitoring")
    answers = []
    for word in ("hepatotoxicity", "cardiotoxicity"):
        r = sec_client.post(
            "/engagements",
            headers=as_("crm"),
            json={
                "crm_id": "FW-OR-S",
                "hcp_id": hcp,
                "department": "sales",
                "type": "visit",
                "date": DAY,
                "objective": f"{word} monitoring",
            },
        )
        assert r.status_code in (200, 201)
        body = sec_client.get(f"/hcps/{hcp}/contacts", headers=as_("rep")).json()
        answers.append([c for c in body["conflicts"] if c["kind"] == "objective_overlap"])
    assert answers[0] == answers[1]
    assert all(c["overlap"] is None and c["redacted"] for c in answers[0])
    assert "hepatotoxicity" not in json.dumps(answers[0])
    seen = sec_client.get(f"/hcps/{hcp}/contacts", headers=as_("compliance")).json()
    assert any(
        c["kind"] == "objective_overlap" and c["overlap"] is not None for c in seen["conflicts"]
    )


def test_coverage_hides_spend_and_never_counts_negative_days(sec_client, sec_ids, as_, sec_keys):
    from kolgraph.krm import keys

    hcp = sec_ids["hcps"][2]
    _medical(sec_client, as_, hcp, "FW-COV-1")
    lead = {
        "X-API-Key": keys.create_key(
            sec_client.app.state.store, "medical_affairs", "medical_affairs"
        )[0]
    }
    until = (datetime.now(UTC).date() - timedelta(days=95)).isoformat()
    for params in ({}, {"until": until}):
        r = sec_client.get("/analytics/coverage", params=params, headers=lead)
        assert r.status_code == 200, r.text
        rows = r.json()["gaps"] + r.json()["low_influence_effort"]
        assert all(row["spend"] is None for row in rows)
        assert not any("spend" in row["reason"] for row in rows)
        assert all((row["days_since_contact"] or 0) >= 0 for row in rows)
    krm = sec_client.get("/analytics/coverage", headers=as_("krm")).json()
    assert any(row["spend"] is not None for row in krm["gaps"] + krm["low_influence_effort"])


COLUMNS = [
    "engagement_id",
    "hcp_npi",
    "hcp_name",
    "employee_id",
    "department",
    "type",
    "datetime",
    "objective",
    "notes",
]


def _crm_file(path: Path, rows: list[list[str]], header: list[str] = COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def test_crm_ingest_cannot_move_an_engagement_to_another_department(store, tmp_path):
    row = [
        "X-1",
        "1234567893",
        "Ada Lovelace",
        "M01",
        "medical_affairs",
        "meeting",
        "2024-03-01T10:00",
        "hepatic safety",
        "medical notes",
    ]

    def run(p: Path) -> IngestSummary:
        return run_ingest(store, loader_for("crm"), p, rejects_dir=tmp_path / "rejects")

    assert run(_crm_file(tmp_path / "a.csv", [row])).loaded == 1
    moved = [*row[:4], "sales", *row[5:]]
    other = ["X-2", *row[1:]]
    summary = run(_crm_file(tmp_path / "b.csv", [moved, other]))
    assert (summary.loaded, summary.rejected, summary.read) == (1, 1, 2)
    (reject,) = [json.loads(x) for x in Path(summary.rejects_file).read_text().splitlines()]
    assert reject["record"] == "X-1" and reject["field"] == "department"
    owners = store.execute(
        "MATCH (e:Engagement {id: 'eng:crm:X-1'})-[:OWNED_BY]->(d) "
        "RETURN e.department AS dept, collect(d.id) AS owners",
        {},
    )
    assert owners == [{"dept": "medical_affairs", "owners": ["dept:medical_affairs"]}]


def test_crm_file_with_a_duplicated_column_is_refused(store, tmp_path):
    from kolgraph.errors import IngestError

    path = _crm_file(
        tmp_path / "dup.csv",
        [
            [
                "X-9",
                "1234567893",
                "Ada",
                "M01",
                "medical_affairs",
                "meeting",
                "2024-03-01T10:00",
                "o",
                "sales",
            ]
        ],
        header=[*COLUMNS[:-1], "department"],
    )
    try:
        run_ingest(store, loader_for("crm"), path, rejects_dir=tmp_path / "r")
    except IngestError as exc:
        assert "department" in str(exc) and "more than once" in str(exc)
    else:
        raise AssertionError("a header naming a column twice must be refused")
