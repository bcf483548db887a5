"""Data-subject requests: export everything about one HCP; erase it with counts unchanged."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kolgraph.cli import main
from kolgraph.krm import privacy
from kolgraph.krm.access import Viewer
from kolgraph.store import open_store
from tests.security.conftest import engage


def test_roles_without_the_permission_get_403(sec_client, sec_ids, as_):
    hcp = sec_ids["hcps"][0]
    for who in ("rep", "crm", "krm", "msl"):
        assert sec_client.get(f"/privacy/hcps/{hcp}", headers=as_(who)).status_code == 403
        assert sec_client.post(f"/privacy/hcps/{hcp}/erase", headers=as_(who)).status_code == 403
    assert sec_client.get(f"/privacy/hcps/{hcp}").status_code == 401


def test_export_holds_everything_about_the_hcp_and_is_audited(sec_client, sec_ids, as_):
    hcp = sec_ids["hcps"][0]
    engage(sec_client, as_, hcp, 2)
    sec_client.get(f"/hcps/{hcp}", headers=as_("rep"))  # a profile read, audited
    r = sec_client.get(f"/privacy/hcps/{hcp}", headers=as_("compliance"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["hcp"]["name"] == "Ada Lovelace" and body["hcp"]["npi"] == "1234567893"
    assert len(body["records"]["Engagement"]) == 4
    assert all(e["notes"] for e in body["records"]["Engagement"])  # unredacted for the subject
    assert body["records"]["Mention"][0]["email"] == "ada@example.org"
    assert {(link["type"], link["id"]) for link in body["links"]} == {
        ("AUTHORED", "pmid:1"),
        ("REFERS_TO", "npi:1245319599"),
    }
    actions = {e["action"] for e in body["audit"]}
    assert {"engagement.record", "hcp.profile.read"} <= actions
    trail = sec_client.get(
        "/audit", params={"action": "privacy.export", "target": hcp}, headers=as_("compliance")
    ).json()["items"]
    assert len(trail) == 1 and trail[0]["role"] == "compliance"


def test_cli_export_and_erase(settings, capsys):  # noqa: ANN001
    with open_store(settings) as store:
        store.apply_schema()
        from tests.security.conftest import seed_small  # noqa: PLC0415

        seed_small(store)  # type: ignore[arg-type]
    args = ["--data-dir", str(settings.data_dir)]
    assert main(["privacy", "export", "npi:1003000126", *args]) == 0
    assert json.loads(capsys.readouterr().out)["hcp"]["name"] == "Cy Diaz"
    assert main(["privacy", "erase", "npi:1003000126", "--yes", "--reference", "T-1", *args]) == 0
    erased = json.loads(capsys.readouterr().out)["hcp_id"]
    assert main(["privacy", "export", "npi:1003000126", *args]) == 1
    assert "no HCP" in capsys.readouterr().out
    with open_store(settings) as store:
        events = privacy.audit.query_events(
            store, Viewer("t", "compliance", "compliance"), target=erased
        )
        # the export's event now names the pseudonym too: no event keeps the old id
        assert [e.action for e in events] == ["privacy.export", "privacy.erase"]
        assert events[-1].actor == "cli"
    from kolgraph.store import EmbeddedFalkorDB

    EmbeddedFalkorDB(settings.data_dir).stop()


@pytest.mark.parametrize("bad", ["erased:abc", "npi:0000000000"])
def test_erase_refuses_unknown_or_already_erased(sec_store, bad):
    from kolgraph.errors import InvalidRequest, UnknownHcp

    with pytest.raises((InvalidRequest, UnknownHcp)):
        privacy.erase_subject(sec_store, Viewer("k", "compliance", "compliance"), bad)


@pytest.mark.parametrize("stdin", [subprocess.DEVNULL, "y\n"])
def test_cli_erase_without_a_terminal_needs_yes(tmp_path, stdin):  # noqa: ANN001
    """No terminal and no --yes: one error line, exit 1, no traceback, nothing started or erased."""
    data_dir = tmp_path / "data"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "kolgraph.cli",
            "privacy",
            "erase",
            "npi:1003000126",
            "--data-dir",
            str(data_dir),
        ],
        stdin=stdin if stdin is subprocess.DEVNULL else None,
        input=None if stdin is subprocess.DEVNULL else stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if line.strip()]
    assert lines == [
        "error: no terminal to confirm the erasure of npi:1003000126: "
        "pass --yes to erase without asking"
    ], output
    assert not data_dir.exists()  # refused before any store was opened
