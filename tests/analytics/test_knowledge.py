"""Knowledge gaps: weak dimensions, delivered messages, next messages, segment means."""

from __future__ import annotations

from datetime import date

import pytest

from kolgraph.analytics.knowledge import knowledge_gaps
from kolgraph.errors import InvalidRequest
from kolgraph.krm.access import Viewer
from tests.analytics.conftest import add_engagements, add_hcps

UNTIL = date(2024, 6, 30)
CATALOGUE = {
    "diagnosis": ["Screen at-risk patients yearly", "Biomarker testing first"],
    "brand_choice": ["Brand differentiation vs class peers"],
}


def _quiz(store, rows):
    nodes = [
        {
            "id": f"quiz:q:{h}:{d}:{dim}",
            "props": {"hcp_id": h, "date": d, "dimension": dim, "score": s},
        }
        for h, d, dim, s in rows
    ]
    store.upsert_nodes("QuizResult", nodes)
    store.upsert_relationships(
        "HCP",
        "ANSWERED",
        "QuizResult",
        [{"start": n["props"]["hcp_id"], "end": n["id"], "props": {}} for n in nodes],
    )


@pytest.fixture
def planted(store):
    add_hcps(
        store,
        {
            "npi:x": {"name": "Xia", "segment": "A"},
            "npi:y": {"name": "Yan", "segment": "A"},
            "npi:z": {"name": "Zoe", "segment": "B"},
        },
    )
    _quiz(
        store,
        [
            ("npi:x", "2023-01-10", "diagnosis", 0.9),  # superseded by the later result
            ("npi:x", "2024-03-01", "diagnosis", 0.3),
            ("npi:x", "2024-03-01", "brand_choice", 0.5),
            ("npi:x", "2024-03-01", "treatment", 0.9),
            ("npi:y", "2024-02-01", "diagnosis", 0.8),
            ("npi:y", "2024-02-01", "brand_choice", 0.7),
            ("npi:z", "2024-02-01", "diagnosis", 0.4),
            ("npi:z", "2024-08-01", "diagnosis", 0.9),  # after the window: ignored
        ],
    )
    add_engagements(
        store,
        [
            {
                "hcp_id": "npi:x",
                "type": "visit",
                "date": "2024-04-01",
                "department": "sales",
                "key_messages": ["Brand differentiation vs class peers"],
            },
            {
                "hcp_id": "npi:x",
                "type": "visit",
                "date": "2024-05-01",
                "department": "sales",
                "key_messages": ["Brand differentiation vs class peers", "Once-daily dosing"],
            },
            {
                "hcp_id": "npi:x",
                "type": "meeting",
                "date": "2024-05-20",
                "department": "medical_affairs",
                "key_messages": ["Guideline treatment update"],
            },
        ],
    )
    return store


def test_weak_dimensions_and_advice(planted):
    report = knowledge_gaps(planted, until=UNTIL)
    x = report["hcps"][0]
    assert x["hcp_id"] == "npi:x" and x["weak"] == ["diagnosis", "brand_choice"]
    assert x["scores"]["diagnosis"] == {"score": 0.3, "date": "2024-03-01"}
    assert x["delivered"][0] == {
        "message": "Brand differentiation vs class peers",
        "times": 2,
        "last_date": "2024-05-01",
        "departments": ["sales"],
        "dimensions": ["brand_choice"],
    }
    assert "no message on it delivered" in x["advice"][0] and "diagnosis" in x["advice"][0]
    assert "although 2 message(s) on it were delivered" in x["advice"][1]


def test_catalogue_gives_the_next_messages(planted):
    x = knowledge_gaps(planted, until=UNTIL, catalogue=CATALOGUE)["hcps"][0]
    assert x["next_messages"] == [
        {"dimension": "diagnosis", "message": "Screen at-risk patients yearly"},
        {"dimension": "diagnosis", "message": "Biomarker testing first"},
    ]


def test_segments_aggregate_latest_scores(planted):
    segments = {s["segment"]: s for s in knowledge_gaps(planted, until=UNTIL)["segments"]}
    assert segments["A"]["hcps"] == 2
    assert segments["A"]["dimensions"]["diagnosis"] == {"mean": 0.55, "hcps": 2, "weak_share": 0.5}
    assert segments["B"]["dimensions"]["diagnosis"]["mean"] == 0.4


def test_firewall_hides_other_departments_messages(planted):
    msl = Viewer("k", "field", "medical_affairs")
    x = knowledge_gaps(planted, until=UNTIL, viewer=msl, hcp_id="npi:x")["hcps"][0]
    assert [m["message"] for m in x["delivered"]] == ["Guideline treatment update"]
    assert x["hidden_messages"] == 3


def test_bad_catalogue_names_the_dimension(planted):
    with pytest.raises(InvalidRequest) as err:
        knowledge_gaps(planted, catalogue={"pricing": ["x"]})
    assert err.value.field == "catalogue.pricing"
