"""Knowledge gaps counted in the store equal a recount by hand of the generated engagements.

Delivered messages (times, last date, departments) and the messages hidden across the
firewall are recounted from the rows written: several HCPs with and without quiz results,
messages repeated within one engagement, planned engagements, dates outside the window.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from kolgraph.analytics.knowledge import knowledge_gaps
from kolgraph.krm.access import Viewer
from tests.analytics.conftest import add_engagements, add_hcps

UNTIL = date(2024, 6, 30)
MESSAGES = [
    "Screen at-risk patients yearly",
    "Once-daily dosing",
    "Brand vs class peers",
    "Guideline treatment update",
    "Switch from older therapy",
]
DEPARTMENTS = ["sales", "marketing", "medical_affairs"]


def generated(store, seed: int = 3) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    hcps = [f"npi:{i:03d}" for i in range(12)]
    add_hcps(store, {h: {"name": h, "segment": rng.choice("AB")} for h in hcps})
    quiz = [
        {
            "id": f"quiz:q:{h}",
            "props": {"hcp_id": h, "date": "2024-01-15", "dimension": "diagnosis", "score": 0.4},
        }
        for h in hcps[:8]
    ]  # the last four have no results: their messages do not count
    store.upsert_nodes("QuizResult", quiz)
    store.upsert_relationships(
        "HCP",
        "ANSWERED",
        "QuizResult",
        [{"start": q["props"]["hcp_id"], "end": q["id"], "props": {}} for q in quiz],
    )
    rows = []
    for _ in range(300):
        row = {
            "hcp_id": rng.choice(hcps),
            "type": "visit",
            "department": rng.choice(DEPARTMENTS),
            "date": (UNTIL - timedelta(days=rng.randrange(500))).isoformat(),
            "key_messages": rng.choices(MESSAGES, k=rng.randrange(0, 4)),
        }
        if rng.random() < 0.1:
            row["planned"] = True
        rows.append(row)
    add_engagements(store, [dict(r) for r in rows])
    return rows


def recount(rows, since: str, viewer: Viewer | None):
    delivered: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    hidden: dict[str, int] = defaultdict(int)
    for r in rows:
        if r.get("planned") or not since <= r["date"] <= UNTIL.isoformat():
            continue
        if int(r["hcp_id"][4:]) >= 8 or not r["key_messages"]:
            continue
        if viewer is not None and r["department"] != viewer.department:
            hidden[r["hcp_id"]] += len(r["key_messages"])
            continue
        for m in r["key_messages"]:
            e = delivered[r["hcp_id"]].setdefault(m, {"times": 0, "last_date": "", "d": set()})
            e["times"] += 1
            e["last_date"] = max(e["last_date"], r["date"])
            e["d"].add(r["department"])
    return delivered, hidden


def test_delivered_and_hidden_messages_recounted_by_hand(store):
    rows = generated(store)
    for viewer in (None, Viewer("k", "field", "sales")):
        report = knowledge_gaps(store, until=UNTIL, days=180, viewer=viewer)
        delivered, hidden = recount(rows, report["since"], viewer)
        assert len(report["hcps"]) == 8
        for h in report["hcps"]:
            want = delivered[h["hcp_id"]]
            got = {
                m["message"]: {
                    "times": m["times"],
                    "last_date": m["last_date"],
                    "d": set(m["departments"]),
                }
                for m in h["delivered"]
            }
            assert got == want, h["hcp_id"]
            assert [m["message"] for m in h["delivered"]] == sorted(
                want, key=lambda m: (-want[m]["times"], m)
            )
            assert h["hidden_messages"] == hidden[h["hcp_id"]]
        assert sum(hidden.values()) > 0 or viewer is None
