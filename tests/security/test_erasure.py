"""Erasure that erases: a keyed pseudonym, no old id in the audit log, every free-text field
cleared, and nothing of the person left on disk (``grep -a`` over the data directory)."""

from __future__ import annotations

import hashlib
import json
import stat
import subprocess
from pathlib import Path

from kolgraph.config import Settings
from kolgraph.krm import audit, privacy
from kolgraph.krm.access import Viewer
from kolgraph.store import EmbeddedFalkorDB, open_store
from kolgraph.store.packing import pack, unpack

OLD_ID, NPI = "npi:1588667638", "1588667638"
SECRETS = (
    "Zebulon",
    "Quixotic",
    "12 Elm St",
    NPI,
    "hepatotoxicity",
    "declined firmly",
    "liver panel",
)
COMPLIANCE = Viewer("k-c", "compliance", "compliance")


def _seed(store) -> None:  # noqa: ANN001
    store.apply_schema()
    store.upsert_nodes(
        "HCP",
        [
            {
                "id": OLD_ID,
                "props": {
                    "npi": NPI,
                    "name": "Zebulon Quixotic",
                    "given": "Zebulon",
                    "family": "Quixotic",
                    "city": "Springfield",
                    "specialty": "Hepatology",
                    "influence": 70.0,
                },
            }
        ],
    )
    store.upsert_nodes(
        "Engagement",
        [
            {
                "id": "eng:crm:Q1",
                "props": {
                    "crm_id": "Q1",
                    "hcp_id": OLD_ID,
                    "department": "medical_affairs",
                    "type": "visit",
                    "date": "2024-03-01",
                    "notes": "Met Dr Quixotic at home, 12 Elm St",
                    "objective": "hepatotoxicity signal",
                    "outcome": "declined firmly",
                    "key_messages": ["liver panel"],
                    "cost": 40.0,
                    "lat": 40.1,
                    "lon": -70.2,
                },
            }
        ],
    )
    store.upsert_relationships(
        "Engagement", "WITH_HCP", "HCP", [{"start": "eng:crm:Q1", "end": OLD_ID, "props": {}}]
    )
    explanation = pack(json.dumps({"hcp_id": OLD_ID, "evidence": {"npi": NPI, "ties": []}}))
    store.upsert_nodes(
        "Score",
        [
            {
                "id": f"score:run1:{OLD_ID}",
                "props": {"hcp_id": OLD_ID, "influence": 70.0, "explanation": explanation},
            }
        ],
    )
    store.upsert_relationships(
        "Score", "SCORES", "HCP", [{"start": f"score:run1:{OLD_ID}", "end": OLD_ID, "props": {}}]
    )
    reader = Viewer("k-r", "field", "sales")
    audit.record(store, reader, "hcp.profile.read", OLD_ID)
    audit.record(store, reader, "engagement.record", "eng:crm:Q1", {"hcp_id": OLD_ID})


def _grep(data_dir: Path, text: str) -> str:
    done = subprocess.run(
        ["grep", "-r", "-a", "-l", text, str(data_dir)], capture_output=True, text=True
    )
    return done.stdout


def test_erase_leaves_nothing_of_the_person_on_disk(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "kg", appendfsync="always")
    try:
        with open_store(settings) as store:
            _seed(store)
            before = store.counts()
            assert _grep(settings.data_dir, "Quixotic")  # the append-only file holds it
            summary = privacy.erase_subject(store, COMPLIANCE, OLD_ID, reference="DSR-1")
            new_id = summary["hcp_id"]
            assert summary["persistence_rewritten"] is True
            assert summary["audit_events_pseudonymised"] == 2
            # keyed: not the public, unkeyed hash an attacker could compute from NPPES
            public = hashlib.sha256(f"kolgraph-erasure:{OLD_ID}".encode()).hexdigest()[:16]
            assert new_id != f"erased:{public}"
            assert new_id == privacy.pseudonym(OLD_ID, privacy.erasure_secret(store))
            engagement = store.execute(
                "MATCH (e:Engagement {id: 'eng:crm:Q1'}) RETURN properties(e) AS e", {}
            )[0]["e"]
            for field in ("notes", "objective", "outcome", "key_messages", "lat", "lon"):
                assert field not in engagement, field
            assert engagement["cost"] == 40.0 and engagement["hcp_id"] == new_id
            events = audit.query_events(store, COMPLIANCE, limit=100)
            dumped = json.dumps([e.model_dump() for e in events])
            assert OLD_ID not in dumped and NPI not in dumped
            assert {e.target for e in events} >= {new_id}
            everything = json.dumps(
                store.execute("MATCH (n) RETURN n.id AS id, properties(n) AS p", {})
            )
            for text in SECRETS:
                assert text not in everything, text
            # the packed explanation was unpacked, scrubbed and stored as plain text
            [score] = store.execute("MATCH (s:Score) RETURN s.explanation AS e", {})
            inside = unpack(score["e"])
            assert OLD_ID not in inside and NPI not in inside and new_id in inside
            after = store.counts()
            after["nodes"]["AuditEvent"] = before["nodes"]["AuditEvent"] = 0
            assert after == before
        for text in SECRETS:
            assert not _grep(settings.data_dir, text), text
        mode = stat.S_IMODE(settings.data_dir.stat().st_mode)
        assert mode == 0o700, oct(mode)
        for path in settings.data_dir.rglob("*"):
            if path.is_file():
                assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    finally:
        EmbeddedFalkorDB(settings.data_dir).stop()
