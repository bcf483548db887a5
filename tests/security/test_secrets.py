"""Secrets come only from the environment or config and never reach logs or outputs."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

from kolgraph.config import Settings
from kolgraph.krm import keys
from kolgraph.store import EmbeddedFalkorDB

PASSWORD = "s3cret-Neo4j-pw-9f8e7d"


def test_password_from_env_is_secret_and_not_in_repr(monkeypatch):
    monkeypatch.setenv("KOLGRAPH_NEO4J_PASSWORD", PASSWORD)
    monkeypatch.setenv("KOLGRAPH_BACKEND", "neo4j")
    monkeypatch.setenv("KOLGRAPH_NEO4J_URI", "neo4j://127.0.0.1:1")
    settings = Settings()
    assert settings.neo4j_password.get_secret_value() == PASSWORD
    assert PASSWORD not in repr(settings) and PASSWORD not in str(settings.model_dump())
    assert PASSWORD not in settings.model_dump_json()


def test_cli_with_a_password_never_prints_it(tmp_path):
    env = {
        **os.environ,
        "KOLGRAPH_BACKEND": "neo4j",
        "KOLGRAPH_NEO4J_URI": "neo4j://127.0.0.1:9",
        "KOLGRAPH_NEO4J_PASSWORD": PASSWORD,
        "KOLGRAPH_DATA_DIR": str(tmp_path),
    }
    for args in (["-v", "status", "--json"], ["privacy", "export", "npi:1"]):
        done = subprocess.run(
            [sys.executable, "-m", "kolgraph.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 1, (args, done.stdout, done.stderr)
        said = done.stdout + done.stderr  # "error: ..." or, with --json, {"error": ...}
        assert "error:" in said or '"error":' in said, said
        assert PASSWORD not in done.stdout + done.stderr, args


def test_api_keys_never_appear_in_logs_store_or_audit(sec_client, sec_store, sec_keys, as_, caplog):
    caplog.set_level(logging.DEBUG)
    sec_client.get("/me", headers=as_("rep"))
    sec_client.get("/hcps", headers={"X-API-Key": "kg_wrong" + sec_keys["rep"][8:]})
    sec_client.get("/hcps", headers={"Authorization": f"Bearer {sec_keys['compliance']}"})
    text = caplog.text
    dump = str(
        sec_store.execute("MATCH (n) WHERE n:ApiKey OR n:AuditEvent RETURN properties(n) AS p", {})
    )
    for key in sec_keys.values():
        assert key not in text and key not in dump
        assert keys.key_hash(key) in dump  # what is stored is the hash


def test_embedded_server_log_holds_no_key(sec_store, sec_keys, falkordb: EmbeddedFalkorDB):
    log = falkordb.log_file.read_text(errors="replace")
    assert all(key not in log for key in sec_keys.values())
