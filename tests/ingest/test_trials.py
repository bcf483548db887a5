"""The ClinicalTrials.gov loader: API v2, classic JSON and legacy XML samples; safe XML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from kolgraph.errors import IngestError
from kolgraph.ingest.registry import loader_for
from kolgraph.ingest.rejects import RejectLog
from tests.factories import SAMPLES, nodes, rels

CT = SAMPLES / "clinicaltrials-gov"
V2 = sorted((CT / "api_v2_study").glob("NCT*.json"))
CLASSIC = CT / "api_v1_full_studies" / "covid-19-search_100_studies.json"
XML = sorted((CT / "legacy_public_xml").glob("NCT*.xml"))


def notes(summary):
    return [json.loads(line) for line in Path(summary.rejects_file).read_text().splitlines()]


def test_every_sample_study_becomes_one_trial(store, load):
    expected = {
        json.loads(p.read_text())["protocolSection"]["identificationModule"]["nctId"] for p in V2
    }
    expected |= {
        s["Study"]["ProtocolSection"]["IdentificationModule"]["NCTId"]
        for s in json.loads(CLASSIC.read_text())["FullStudiesResponse"]["FullStudies"]
    }
    expected |= {etree.parse(str(p)).findtext("id_info/nct_id") for p in XML}
    for path in [*V2, CLASSIC, *XML]:
        summary = load("trials", path)
        assert summary.rejected == 0 and summary.read == summary.loaded
    assert set(nodes(store, "Trial")) == {f"nct:{n}" for n in expected}


def test_site_investigators_of_the_largest_xml_study(store, load):
    path = CT / "legacy_public_xml" / "NCT02465060.xml"
    tree = etree.parse(str(path))
    investigators = tree.xpath("count(//location/investigator)")
    officials = tree.xpath("count(/clinical_study/overall_official)")
    summary = load("trials", path)
    appears = rels(store, "Mention", "APPEARS_IN", "Trial")
    skipped = [n for n in notes(summary) if n.get("kind") == "note"]
    assert (
        len(appears) == investigators + officials - len(skipped) == 1113 + officials - len(skipped)
    )
    resolved = {r["end"] for r in rels(store, "Mention", "RESOLVED_TO", "HCP")}
    investigator_of = rels(store, "HCP", "INVESTIGATOR_OF", "Trial")
    assert {r["start"] for r in investigator_of} == resolved
    roles = {r["props"]["role"] for r in investigator_of}
    assert "site_investigator" in roles


def test_classic_response_counts(store, load):
    studies = json.loads(CLASSIC.read_text())["FullStudiesResponse"]["FullStudies"]
    officials = sum(
        len(
            s["Study"]["ProtocolSection"]
            .get("ContactsLocationsModule", {})
            .get("OverallOfficialList", {})
            .get("OverallOfficial", [])
        )
        for s in studies
    )
    site = sum(
        1
        for s in studies
        for loc in s["Study"]["ProtocolSection"]
        .get("ContactsLocationsModule", {})
        .get("LocationList", {})
        .get("Location", [])
        for c in loc.get("LocationContactList", {}).get("LocationContact", [])
        if c.get("LocationContactRole") in ("Principal Investigator", "Sub-Investigator")
    )
    assert (officials, site) == (87, 58)
    summary = load("trials", CLASSIC)
    skipped = len(notes(summary))
    assert len(nodes(store, "Mention")) == officials + site - skipped
    assert skipped == 2  # 'Study Director' and 'Pfizer CT.gov Call Center'


def test_hand_checked_v2_study(store, load):
    load("trials", CT / "api_v2_study" / "NCT06171568.json")
    trial = store.run("node_by_id", {"label": "Trial"}, id="nct:NCT06171568")[0]["props"]
    assert trial["status"] == "not_yet_recruiting" and trial["start_date"] == "2024-02-01"
    assert trial["sponsor"] == "Assistance Publique - Hôpitaux de Paris"
    assert trial["conditions"] == ["Brain Injuries"]
    roles = {}
    hcps = nodes(store, "HCP")
    for r in rels(store, "HCP", "INVESTIGATOR_OF", "Trial"):
        roles[hcps[r["start"]]["name"]] = r["props"]["role"]
    assert roles == {
        "Emmanuel Mandonnet": "principal_investigator",
        "Alexis Schnitzler": "study_director",
    }
    topics = {r["end"] for r in rels(store, "Trial", "HAS_TOPIC", "Topic")}
    assert "condition:brain-injuries" in topics


def test_hand_checked_xml_study(store, load):
    summary = load("trials", CT / "legacy_public_xml" / "NCT01642004.xml")
    trial = store.run("node_by_id", {"label": "Trial"}, id="nct:NCT01642004")[0]["props"]
    assert (trial["phase"], trial["status"]) == ("Phase 3", "active_not_recruiting")
    assert (trial["sponsor"], trial["start_date"]) == ("Bristol-Myers Squibb", "2012-09-26")
    assert [n["reason"] for n in notes(summary)] == [
        "not a person, skipped: 'Bristol-Myers Squibb'"
    ]
    assert "HCP" not in store.counts()["nodes"]


def test_loading_twice_changes_no_count(store, load):
    load("trials", CLASSIC)
    first = store.counts()
    load("trials", CLASSIC)
    assert store.counts() == first


STUDY = """<clinical_study><id_info><nct_id>NCT00000001</nct_id></id_info>
<brief_title>{title}</brief_title><overall_status>Recruiting</overall_status>
<condition>Asthma</condition></clinical_study>"""


def test_external_entities_are_refused_and_never_read(store, load, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    path = tmp_path / "xxe.xml"
    path.write_text(
        f'<?xml version="1.0"?>\n<!--{"pad " * 20_000}-->\n'  # 80 KB before it
        f'<!DOCTYPE clinical_study [\n<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        + STUDY.format(title="Leak &xxe; here")
    )
    with pytest.raises(IngestError, match="xxe.xml: the document declares XML entities"):
        load("trials", path)
    assert "Trial" not in store.counts()["nodes"]
    # and the streaming parser itself, past the check, does not expand it either
    with RejectLog(tmp_path / "r.jsonl", source="trials", file="xxe.xml") as rejects:
        records = list(loader_for("trials").records(path, rejects))
    assert records and not any("TOP-SECRET" in str(r.value) for r in records)


def test_entity_expansion_is_refused(store, load, tmp_path):
    lol = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    path = tmp_path / "lol.xml"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE clinical_study [<!ENTITY l0 "lol">{lol}]>'
        + STUDY.format(title="&l9;")
    )
    with pytest.raises(IngestError, match="lol.xml: the document declares XML entities"):
        load("trials", path)
    assert "Trial" not in store.counts()["nodes"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("nct_id,title\nNCT1,x\n", "neither"),
        ("<pubmed/>", "expected <clinical_study>"),
        ('{"results": []}', "FullStudiesResponse"),
        ("<clinical_study><id_info>", "XML"),
    ],
    ids=["csv", "wrong-root", "wrong-json", "truncated"],
)
def test_unusable_files_stop_with_one_clear_error(load, tmp_path, content, message):
    path = tmp_path / "studies.data"
    path.write_text(content)
    with pytest.raises(IngestError, match=f"studies.data.*{message}"):
        load("trials", path)


def test_study_without_nct_id_is_rejected(store, load, tmp_path):
    path = tmp_path / "page.json"
    path.write_text(
        json.dumps(
            {
                "studies": [
                    {"protocolSection": {"identificationModule": {"nctId": "NCT00000002"}}},
                    {"protocolSection": {"identificationModule": {"nctId": "12345"}}},
                ]
            }
        )
    )
    summary = load("trials", path)
    assert (summary.loaded, summary.rejected) == (1, 1)
    reject = notes(summary)[0]
    assert (reject["record"], reject["field"]) == ("study 2", "nct_id")
