"""Analyst tables: HCPs with scores, engagements and contacts as CSV and Parquet."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kolgraph.errors import ExchangeError
from kolgraph.exchange import contact_table, engagement_table, table, write_table
from kolgraph.store import GraphStore


def test_hcp_table_is_scorings_table(seeded: GraphStore) -> None:
    frame = table(seeded, "hcps")
    assert list(frame.columns[:3]) == ["id", "name", "npi"]
    row = frame.set_index("id").loc["npi:1000000001"]
    assert row["influence"] == 93.5 and row["tier"] == "strategic"


def test_engagement_table_names_hcp_and_employee(seeded: GraphStore) -> None:
    frame = engagement_table(seeded).set_index("id")
    assert len(frame) == 3
    assert frame.loc["eng:crm:1", "hcp_name"] == "Ada Lovelace"
    assert frame.loc["eng:crm:2", "employee_name"] == "Msl One"
    assert frame.loc["eng:crm:1", "key_messages"] == ["efficacy", "safety"]


def test_contact_table_is_one_row_per_hcp_and_department(seeded: GraphStore) -> None:
    frame = contact_table(seeded)
    ada = frame[frame["hcp_id"] == "npi:1000000001"].set_index("department")
    assert sorted(ada.index) == ["medical_affairs", "sales"]
    assert ada.loc["medical_affairs", "spend"] == 1500.0
    assert ada.loc["sales", "contacts"] == 1
    recent = contact_table(seeded, since="2024-01-01")
    assert "npi:1000000002" not in set(recent["hcp_id"])


@pytest.mark.parametrize("name", ["hcps", "engagements", "contacts"])
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_tables_write_and_read_back(seeded: GraphStore, tmp_path: Path, name: str, fmt: str):
    frame = table(seeded, name)
    path = write_table(frame, tmp_path / f"{name}.{fmt}")
    back = pd.read_csv(path) if fmt == "csv" else pd.read_parquet(path)
    assert list(back.columns) == list(frame.columns)
    assert len(back) == len(frame)


def test_csv_joins_lists(seeded: GraphStore, tmp_path: Path) -> None:
    path = write_table(engagement_table(seeded), tmp_path / "e.csv")
    back = pd.read_csv(path).set_index("id")
    assert back.loc["eng:crm:1", "key_messages"] == "efficacy; safety"


def test_unknown_table_lists_the_known_ones(seeded: GraphStore) -> None:
    with pytest.raises(ExchangeError, match="hcps, engagements, contacts"):
        table(seeded, "plans")
