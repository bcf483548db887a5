"""``kolgraph demo`` (the README's first command) loads every shipped sample and scores them,
run as an installed command from outside the checkout."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kolgraph.api.app import create_app
from kolgraph.cli.demo_cmds import (
    DEMO_PLAN,
    default_samples,
    key_crm_accounts,
    shift_crm_dates,
    split_crm_accounts,
)
from kolgraph.config import Settings
from kolgraph.krm.keys import create_key
from kolgraph.store import open_store


def test_the_samples_the_demo_loads_are_found() -> None:
    folder = default_samples()
    assert folder.is_dir()
    missing = [relative for _, relative in DEMO_PLAN if not (folder / relative).is_file()]
    assert missing == []


def test_the_demo_keys_the_prescriber_free_accounts_to_kols(tmp_path: Path) -> None:
    sample = default_samples() / "crm" / "engagements_sample.csv"
    shift_crm_dates(sample, tmp_path / "crm.csv", date(2026, 12, 5))
    split_crm_accounts(tmp_path / "crm.csv", tmp_path / "p.csv", tmp_path / "k.csv")
    read = lambda name: list(csv.DictReader((tmp_path / name).open(encoding="utf-8")))  # noqa: E731
    everything, prescribers, kols = read("crm.csv"), read("p.csv"), read("k.csv")
    assert len(prescribers) + len(kols) == len(everything)
    assert all(not r["hcp_lat"] and not r["lat"] for r in kols)
    accounts = sorted({r["hcp_crm_id"] for r in kols})
    hcps = [(f"hcp:{n:016x}", f"Kol {n}") for n in range(len(accounts) + 5)]
    assert key_crm_accounts(tmp_path / "k.csv", hcps) == len(accounts)
    keyed = read("k.csv")
    owner = {r["hcp_crm_id"]: (r["hcp_id"], r["hcp_name"]) for r in keyed}
    assert [owner[a] for a in accounts] == hcps[: len(accounts)]
    assert all(not (r["hcp_npi"] or r["hcp_profile_id"] or r["hcp_city"]) for r in keyed)
    assert {r["engagement_id"] for r in keyed} == {r["engagement_id"] for r in kols}


def top_kol_is_contacted(data_dir: Path) -> None:
    """The most influential strategic KOL has CRM engagements the profile's API shows."""
    settings = Settings(data_dir=data_dir)
    with open_store(settings) as store:
        key, _ = create_key(store, "admin", "medical_affairs", label="demo test")
    with TestClient(create_app(settings)) as client:
        headers = {"X-API-Key": key}
        top = client.get("/hcps", params={"tier": "strategic", "limit": 1}, headers=headers).json()[
            "items"
        ][0]
        contacts = client.get(f"/hcps/{top['id']}/contacts", headers=headers).json()
        assert contacts["total_contacts"] > 0, top
        assert any(d["contacts"] for d in contacts["departments"])
        stale = client.get("/portfolio", headers=headers).json()
        assert top["id"] not in {k["id"] for k in stale["uncontacted"]}


@pytest.mark.slow
def test_demo_loads_every_sample_and_lists_kols(tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "kolgraph.cli",
                "demo",
                "--no-serve",
                "--top",
                "5",
                "--data-dir",
                str(tmp_path / "kg"),
            ],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        top_kol_is_contacted(tmp_path / "kg")
    finally:  # the embedded server outlives the command, as it does for a user
        subprocess.run(
            [sys.executable, "-m", "kolgraph.cli", "stop", "--data-dir", str(tmp_path / "kg")],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            timeout=120,
        )
    out = done.stdout
    for source, relative in DEMO_PLAN:
        row = next((line for line in out.splitlines() if Path(relative).name in line), None)
        assert row is not None and source in row, relative
        read, loaded = (int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", row)[-4:-2])
        assert loaded > 0 and read >= loaded, row
    nodes = re.search(r"graph: ([\d,]+) nodes, ([\d,]+) relationships", out)
    assert nodes and int(nodes.group(1).replace(",", "")) > 1000
    assert re.search(r"^│ 5 ", out, re.M), "the KOL table lists the top 5"
