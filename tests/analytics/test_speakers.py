"""Speaker proposals: planted ranking, reasons, and proof that prescribing data is never used."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from kolgraph.analytics import speakers
from kolgraph.analytics.speakers import (
    FORBIDDEN_TERMS,
    SPEAKER_FEATURES,
    STATEMENTS,
    features_used,
    record_proposals,
    speaker_candidates,
)
from kolgraph.errors import ComplianceViolation
from kolgraph.store import statements
from tests.analytics.conftest import add_engagements, add_hcps, add_prescribing

UNTIL = date(2024, 12, 31)
PRESCRIBING_PROPS = (
    "prescribing_claims",
    "prescribing_claims_year",
    "prescribing_potential",
    "tier",
    "segment",
    "influence",
    "referral",
)


def _publications(store, hcp, years):
    pubs = [{"id": f"pmid:{hcp}{k}", "props": {"year": y}} for k, y in enumerate(years)]
    store.upsert_nodes("Publication", pubs)
    store.upsert_relationships(
        "HCP",
        "AUTHORED",
        "Publication",
        [{"start": f"npi:{hcp}", "end": p["id"], "props": {"position": 1}} for p in pubs],
    )


def _congress(store, hcp, roles):
    sessions = [
        {"id": f"session:{hcp}{k}", "props": {"date": f"{y}-05-01"}}
        for k, (y, _) in enumerate(roles)
    ]
    store.upsert_nodes("Session", sessions)
    store.upsert_relationships(
        "HCP",
        "PRESENTED_AT",
        "Session",
        [
            {"start": f"npi:{hcp}", "end": s["id"], "props": {"role": r}}
            for s, (_, r) in zip(sessions, roles, strict=True)
        ],
    )


@pytest.fixture
def planted(store):
    add_hcps(
        store,
        {
            # a: top expertise, strong growth -> rank 1
            "npi:a": {
                "name": "Ada",
                "scientific": 0.9,
                "congress": 0.8,
                "trials": 0.5,
                "network": 0.7,
                "rising_star": True,
                "rising_score": 0.6,
            },
            # b: good expertise, growing, not rising
            "npi:b": {"name": "Bo", "scientific": 0.7, "congress": 0.6, "network": 0.5},
            # c: rising star with low expertise -> still a candidate
            "npi:c": {
                "name": "Cy",
                "scientific": 0.1,
                "congress": 0.05,
                "rising_star": True,
                "rising_score": 0.3,
            },
            # d: excellent but already a company speaker -> excluded
            "npi:d": {"name": "Di", "scientific": 1.0, "congress": 1.0, "network": 1.0},
            # e: expert but silent lately -> excluded
            "npi:e": {"name": "Ed", "scientific": 0.8, "congress": 0.9},
            # f: low expertise, not rising -> excluded
            "npi:f": {"name": "Flo", "scientific": 0.05, "congress": 0.0},
        },
    )
    # The wider population the percentiles are taken in: modest, inactive HCPs.
    add_hcps(
        store,
        {
            f"npi:bg{k}": {
                "scientific": 0.1 + k / 50,
                "congress": 0.1 + k / 60,
                "network": 0.1 + k / 40,
            }
            for k in range(12)
        },
    )
    _publications(store, "a", [2021, 2023, 2023, 2024, 2024, 2024])
    _publications(store, "b", [2021, 2022, 2023, 2024])
    _publications(store, "c", [2024, 2024])
    _publications(store, "d", [2023, 2024])
    _publications(store, "e", [2019, 2020, 2021])
    _publications(store, "f", [2024])
    _congress(store, "a", [(2023, "invited_speaker"), (2024, "chair"), (2024, "poster")])
    _congress(store, "b", [(2024, "abstract")])
    add_engagements(
        store,
        [
            {
                "hcp_id": "npi:d",
                "type": "speaker_programme",
                "date": "2022-03-01",
                "department": "medical_affairs",
            }
        ],
    )
    # Prescribing data and everything derived from it, planted on purpose.
    add_prescribing(
        store,
        [
            ("npi:a", "Eliquis", 2023, 10),
            ("npi:f", "Eliquis", 2024, 9000),
            ("npi:c", "Xarelto", 2024, 500),
        ],
        company={"Eliquis"},
    )
    add_hcps(
        store,
        {
            "npi:a": {
                "prescribing_claims": 10,
                "tier": "basic",
                "segment": "C",
                "influence": 20.0,
                "prescribing_potential": 0.1,
            },
            "npi:f": {
                "prescribing_claims": 9000,
                "tier": "strategic",
                "segment": "A",
                "influence": 95.0,
                "prescribing_potential": 1.0,
            },
        },
    )
    return store


def test_planted_ranking_and_exclusions(planted):
    report = speaker_candidates(planted, until=UNTIL)
    ranked = [c["id"] for c in report["candidates"]]
    assert ranked[0] == "npi:a"
    assert set(ranked) == {"npi:a", "npi:b", "npi:c"}
    assert report["already_speakers"] == 1
    assert [c["rank"] for c in report["candidates"]] == [1, 2, 3]


def test_every_proposal_says_why(planted):
    top = speaker_candidates(planted, until=UNTIL)["candidates"][0]
    reasons = " | ".join(top["reasons"])
    assert "rising star (rising score 0.60)" in reasons
    assert "5 publications in 2023-2024 vs 1 in 2021-2022" in reasons
    assert "3 congress roles in 2023-2024 (2 as chair, speaker or panelist)" in reasons
    assert "has not yet spoken" in reasons
    assert set(top["features"]) == SPEAKER_FEATURES


def test_changing_all_prescribing_data_leaves_the_ranking_identical(planted):
    before = speaker_candidates(planted, until=UNTIL)
    # Rewrite every prescribing record and every prescribing-derived HCP property.
    rx = planted.run(
        "relationships_of_type", {"start": "HCP", "type": "PRESCRIBED", "end": "PrescribingYear"}
    )
    planted.upsert_nodes(
        "PrescribingYear", [{"id": r["end"], "props": {"claims": 123456}} for r in rx]
    )
    add_prescribing(
        planted,
        [("npi:b", "Eliquis", 2024, 77777), ("npi:e", "Eliquis", 2024, 1)],
        company={"Eliquis"},
    )
    ids = [f"npi:{k}" for k in "abcdef"]
    planted.upsert_nodes(
        "HCP",
        [
            {
                "id": i,
                "props": {
                    "prescribing_claims": 10 ** (n + 1),
                    "prescribing_claims_year": 2024,
                    "prescribing_potential": n / 10,
                    "tier": ["basic", "strategic"][n % 2],
                    "segment": "ABC"[n % 3],
                    "influence": 100.0 - n * 15,
                    "referral": n * 3.0,
                },
            }
            for n, i in enumerate(ids)
        ],
    )
    after = speaker_candidates(planted, until=UNTIL)
    assert after == before
    # ... and deleting it all changes nothing either.
    planted.write("delete_nodes", [{"id": r["end"]} for r in rx], {"label": "PrescribingYear"})
    assert speaker_candidates(planted, until=UNTIL) == before


def test_feature_set_is_the_frozen_allow_list():
    assert isinstance(SPEAKER_FEATURES, frozenset)
    assert features_used() == SPEAKER_FEATURES
    assert not any(term in feature for feature in SPEAKER_FEATURES for term in FORBIDDEN_TERMS)
    assert not any(p in SPEAKER_FEATURES for p in PRESCRIBING_PROPS)


@pytest.mark.parametrize("dialect", ["falkordb", "neo4j"])
def test_speaker_statements_never_read_prescribing_data(dialect):
    for name in STATEMENTS:
        text = statements.render(name, dialect).lower()
        for term in (*FORBIDDEN_TERMS, "prescribingyear", "prescribed"):
            assert term not in text, (name, term)


def test_a_statement_returning_a_prescribing_column_is_refused(planted):
    class Leaky:
        """The real store, with one extra column slipped into the profile rows."""

        def __init__(self, inner):
            self.inner = inner

        def cypher(self, name, template=None):
            return self.inner.cypher(name, template)

        def run(self, name, template=None, **params):
            rows = self.inner.run(name, template, **params)
            if name == "speaker_profiles":
                rows = [{**r, "prescribing_claims": 1} for r in rows]
            return rows

    with pytest.raises(ComplianceViolation, match="outside the allow-list"):
        speaker_candidates(Leaky(planted), until=UNTIL)


def test_a_statement_text_naming_prescribing_data_is_refused(planted, monkeypatch):
    original = planted.cypher
    monkeypatch.setattr(
        planted,
        "cypher",
        lambda name, template=None: (
            original(name, template) + " // h.prescribing_claims"
            if name == "speaker_history"
            else original(name, template)
        ),
    )
    with pytest.raises(ComplianceViolation, match="must not use prescribing data"):
        speaker_candidates(planted, until=UNTIL)


def test_features_outside_the_allow_list_are_refused(monkeypatch):
    monkeypatch.setattr(speakers, "SPEAKER_FEATURES", SPEAKER_FEATURES | {"prescribing_claims"})
    with pytest.raises(ComplianceViolation, match="not the allow-list"):
        speakers.features_used()


def test_proposals_are_recorded_with_their_reasons(planted):
    candidates = speaker_candidates(planted, until=UNTIL)["candidates"]
    assert record_proposals(planted, copy.deepcopy(candidates)) == 3
    links = planted.run(
        "relationships_of_type", {"start": "SpeakerProposal", "type": "PROPOSES", "end": "HCP"}
    )
    assert sorted(r["end"] for r in links) == ["npi:a", "npi:b", "npi:c"]
    node = planted.run("node_by_id", {"label": "SpeakerProposal"}, id=links[0]["start"])[0]
    assert node["props"]["reasons"] and "prescribing_claims" not in node["props"]["features"]
    assert sorted(node["props"]["features_used"]) == sorted(SPEAKER_FEATURES)
