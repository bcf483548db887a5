"""Merging two HCPs of one person after the fact, on real sample records, and undoing it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kolgraph.errors import InvalidRequest, UnknownHcp
from kolgraph.ingest import run_ingest
from kolgraph.ingest.batch import GraphBatch
from kolgraph.ingest.registry import loader_for
from kolgraph.krm.access import Viewer
from kolgraph.krm.search import HcpFilters, search_hcps
from kolgraph.resolution.merge import merge_hcps, unmerge_hcp
from kolgraph.scoring import score_hcps
from tests.conftest import SAMPLES

ME = Viewer("cli:curator", "operator", "identity review")
LEAD = Viewer("cli:lead", "admin", "medical_affairs")
PUBMED = SAMPLES / "pubmed" / "pubmed21n1298_sample_every21st.xml"
NPPES = SAMPLES / "nppes" / "npidata_sample_1000_part1.csv"


def first_articles(path: Path, n: int, out: Path) -> Path:
    """The file's first ``n`` articles, as a PubMed file of their own."""
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition("<PubmedArticle>")
    articles = rest.split("<PubmedArticle>")[:n]
    body = "<PubmedArticle>" + "<PubmedArticle>".join(articles)
    if n < len(rest.split("<PubmedArticle>")):
        body = body[: body.rindex("</PubmedArticle>") + len("</PubmedArticle>")]
    out.write_text(head + body + "\n</PubmedArticleSet>\n", encoding="utf-8")
    return out


def first_rows(path: Path, n: int, out: Path) -> Path:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    out.write_text("".join(lines[: n + 1]), encoding="utf-8")
    return out


def ingest(store, files: list[tuple[str, Path]], rejects: Path) -> None:
    for source, path in files:
        assert run_ingest(store, loader_for(source), path, rejects_dir=rejects).loaded > 0


def snapshot(store) -> dict:
    """Every HCP with its properties, and every relationship touching an HCP."""
    nodes = store.execute("MATCH (h:HCP) RETURN h.id AS id, properties(h) AS props", {})
    rels = store.execute(
        "MATCH (a)-[r]->(b) WHERE a:HCP OR b:HCP "
        "RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS props",
        {},
    )
    return {
        "nodes": {r["id"]: r["props"] for r in nodes},
        "rels": sorted(
            (r["a"], r["t"], r["b"], json.dumps(r["props"], sort_keys=True)) for r in rels
        ),
    }


def hcp_rel_counts(store, hcp_id: str) -> dict[str, int]:
    rows = store.execute(
        "MATCH (h:HCP {id: $id})-[r]-() RETURN type(r) AS t, count(r) AS n", {"id": hcp_id}
    )
    return {r["t"]: int(r["n"]) for r in rows}


@pytest.fixture
def loaded(store, tmp_path):
    """The first 12 articles of a real PubMed file and 40 real NPPES rows."""
    files = [
        ("nppes", first_rows(NPPES, 40, tmp_path / "nppes.csv")),
        ("pubmed", first_articles(PUBMED, 12, tmp_path / "pubmed.xml")),
    ]
    ingest(store, files, tmp_path / "rejects")
    return store, files, tmp_path / "rejects"


def _pubmed_hcp(store, *, orcid: bool) -> str:
    """A PubMed-only HCP (with or without an ORCID) that has several relationships."""
    rows = store.execute(
        "MATCH (m:Mention {source: 'pubmed'})-[:RESOLVED_TO]->(h:HCP) "
        "WHERE (h.orcid IS NOT NULL) = $orcid AND h.npi IS NULL "
        "RETURN h.id AS id ORDER BY id",
        {"orcid": orcid},
    )
    return rows[0]["id"]


def test_merge_moves_everything_survives_reingest_and_undo_restores(loaded):
    store, files, rejects = loaded
    author = _pubmed_hcp(store, orcid=True)
    physician = store.execute("MATCH (h:HCP) WHERE h.id STARTS WITH 'npi:' RETURN h.id AS id", {})[
        0
    ]["id"]
    before = snapshot(store)
    author_rels = hcp_rel_counts(store, author)
    physician_rels = hcp_rel_counts(store, physician)
    assert author_rels["AUTHORED"] >= 1 and author_rels["RESOLVED_TO"] >= 1
    orcid = before["nodes"][author]["orcid"]

    result = merge_hcps(store, physician, author, by=ME, reason="same physician")
    assert result["identifiers_moved"] == ["orcid"]
    assert result["relationships_moved"] == sum(author_rels.values())
    after = hcp_rel_counts(store, physician)
    for rel_type in set(author_rels) | set(physician_rels):
        expected = author_rels.get(rel_type, 0) + physician_rels.get(rel_type, 0)
        assert after.get(rel_type, 0) == expected + (rel_type == "SAME_AS"), rel_type
    assert hcp_rel_counts(store, author) == {"SAME_AS": 1}
    [node] = store.execute(
        "MATCH (h:HCP {id: $id}) RETURN h.orcid AS orcid, h.merged_into AS into", {"id": author}
    )
    assert node == {"orcid": None, "into": physician}
    [survivor] = store.execute("MATCH (h:HCP {id: $id}) RETURN h.orcid AS o", {"id": physician})
    assert survivor["o"] == orcid
    [event] = store.execute(
        "MATCH (e:AuditEvent {action: 'hcp.merge'}) RETURN e.actor AS actor, e.target AS target, "
        "e.detail AS detail",
        {},
    )
    assert (event["actor"], event["target"]) == ("cli:curator", physician)
    assert json.loads(event["detail"])["merged"] == author

    # undo gives back exactly the HCPs, properties and relationships there were
    split = unmerge_hcp(store, author, by=ME)
    assert split["relationships_moved"] == sum(author_rels.values())
    assert split["identifiers_restored"] == ["orcid"]
    restored = snapshot(store)
    assert restored["nodes"] == before["nodes"]
    assert restored["rels"] == before["rels"]
    assert store.execute(
        "MATCH (e:AuditEvent {action: 'hcp.unmerge'}) RETURN e.actor AS a", {}
    ) == [{"a": "cli:curator"}]

    # merged again, then the same files ingested again: they stay one HCP
    merge_hcps(store, physician, author, by=ME)
    hcps = set(snapshot(store)["nodes"])
    ingest(store, files, rejects)
    assert set(snapshot(store)["nodes"]) == hcps
    assert hcp_rel_counts(store, author) == {"SAME_AS": 1}
    assert hcp_rel_counts(store, physician) == after
    unmerge_hcp(store, author, by=ME)
    assert hcp_rel_counts(store, author) == author_rels
    assert hcp_rel_counts(store, physician) == physician_rels


def test_a_merged_hcp_is_neither_scored_nor_listed_until_unmerged(loaded):
    store, _, _ = loaded
    author = _pubmed_hcp(store, orcid=False)
    other = _pubmed_hcp(store, orcid=True)
    [row] = store.execute("MATCH (h:HCP {id: $id}) RETURN h.name AS name", {"id": author})
    by_name = HcpFilters(q=row["name"].lower())

    def listed() -> set[str]:
        return {h.id for h in search_hcps(store, LEAD, by_name).items}

    assert author in listed()
    assert author in set(score_hcps(store).frame.index)
    merge_hcps(store, other, author, by=ME)
    assert author not in set(score_hcps(store).frame.index)
    assert author not in listed()
    unmerge_hcp(store, author, by=ME)
    assert author in set(score_hcps(store).frame.index)
    assert author in listed()


def test_two_orcids_are_two_people(loaded):
    store, _, _ = loaded
    rows = store.execute(
        "MATCH (h:HCP) WHERE h.orcid IS NOT NULL RETURN h.id AS id, h.orcid AS orcid "
        "ORDER BY id LIMIT 2",
        {},
    )
    (a, orcid_a), (b, orcid_b) = ((r["id"], r["orcid"]) for r in rows)
    assert orcid_a != orcid_b
    before = snapshot(store)
    with pytest.raises(InvalidRequest, match="different orcid.*two people"):
        merge_hcps(store, a, b, by=ME)
    assert snapshot(store) == before


def test_refusals_name_the_problem(loaded):
    store, _, _ = loaded
    author = _pubmed_hcp(store, orcid=False)
    physicians = store.execute(
        "MATCH (h:HCP) WHERE h.id STARTS WITH 'npi:' RETURN h.id AS id ORDER BY id LIMIT 2", {}
    )
    npi_a, npi_b = (r["id"] for r in physicians)
    before = snapshot(store)
    with pytest.raises(InvalidRequest, match="into itself"):
        merge_hcps(store, author, author, by=ME)
    with pytest.raises(UnknownHcp, match="hcp:nobody"):
        merge_hcps(store, author, "hcp:nobody", by=ME)
    with pytest.raises(InvalidRequest, match="different npi"):
        merge_hcps(store, npi_a, npi_b, by=ME)
    with pytest.raises(InvalidRequest, match=f"merge {author} into it instead"):
        merge_hcps(store, author, npi_a, by=ME)
    with pytest.raises(InvalidRequest, match="not merged"):
        unmerge_hcp(store, author, by=ME)
    assert snapshot(store) == before


def test_referrals_both_ways_and_a_tie_between_the_two(store):
    """HCP-HCP ties of the merged HCP move whichever way they point, one between the two
    becomes a tie of the survivor to itself, and undo puts each back where it was."""
    batch = GraphBatch()
    for hcp in ("hcp:a", "hcp:b", "npi:1", "npi:2"):
        batch.node("HCP", hcp, name=hcp)
    for start, end, count in [
        ("hcp:b", "npi:1", 11),
        ("npi:2", "hcp:b", 12),
        ("hcp:a", "npi:1", 13),  # the survivor's own tie to the same HCP stays apart
        ("hcp:b", "hcp:a", 14),
        ("hcp:a", "hcp:b", 15),
    ]:
        batch.rel("HCP", start, "REFERS_TO", "HCP", end, pair_count=count)
    batch.write(store)
    before = snapshot(store)

    merge_hcps(store, "hcp:a", "hcp:b", by=ME)
    ties = store.execute(
        "MATCH (x:HCP)-[r:REFERS_TO]->(y:HCP) RETURN x.id AS x, y.id AS y, r.pair_count AS n, "
        "r.merged_side AS side ORDER BY n",
        {},
    )
    assert [(t["x"], t["y"], t["n"], t["side"]) for t in ties] == [
        ("hcp:a", "npi:1", 11, "start"),
        ("npi:2", "hcp:a", 12, "end"),
        ("hcp:a", "npi:1", 13, None),
        ("hcp:a", "hcp:a", 14, "start"),
        ("hcp:a", "hcp:a", 15, "end"),
    ]
    # merged again into a third HCP, then undone in turn
    merge_hcps(store, "npi:2", "hcp:a", by=ME)
    with pytest.raises(InvalidRequest, match="unmerge hcp:a first"):
        unmerge_hcp(store, "hcp:b", by=ME)
    unmerge_hcp(store, "hcp:a", by=ME)
    unmerge_hcp(store, "hcp:b", by=ME)
    assert snapshot(store) == before


def test_cli_merge_unmerge_and_refusal(tmp_path, capsys):
    from kolgraph.cli import main
    from kolgraph.config import Settings
    from kolgraph.store import EmbeddedFalkorDB, open_store

    data_dir = tmp_path / "kg"
    try:
        with open_store(Settings(data_dir=data_dir, appendfsync="everysec")) as store:
            store.apply_schema()
            files = [
                ("nppes", first_rows(NPPES, 40, tmp_path / "nppes.csv")),
                ("pubmed", first_articles(PUBMED, 12, tmp_path / "pubmed.xml")),
            ]
            ingest(store, files, tmp_path / "rejects")
            physician = store.execute(
                "MATCH (h:HCP) WHERE h.id STARTS WITH 'npi:' RETURN h.id AS id ORDER BY id", {}
            )[0]["id"]
            orcids = [
                r["id"]
                for r in store.execute(
                    "MATCH (h:HCP) WHERE h.orcid IS NOT NULL RETURN h.id AS id ORDER BY id", {}
                )
            ]
        capsys.readouterr()
        args = ["--data-dir", str(data_dir)]
        assert main(["review", "merge", orcids[0], orcids[1], *args]) == 1
        out = capsys.readouterr().out
        assert out.startswith("error:") and "different orcid" in out and out.count("\n") == 1

        assert main(["review", "merge", physician, orcids[0], "--by", "ana", "--json", *args]) == 0
        merged = json.loads(capsys.readouterr().out)
        assert (merged["into"], merged["merged"], merged["identifiers_moved"]) == (
            physician,
            orcids[0],
            ["orcid"],
        )
        assert main(["review", "unmerge", orcids[0], "--json", *args]) == 0
        split = json.loads(capsys.readouterr().out)
        assert split["relationships_moved"] == merged["relationships_moved"]
        assert main(["review", "unmerge", orcids[0], *args]) == 1
        assert "is not merged" in capsys.readouterr().out
    finally:
        EmbeddedFalkorDB(data_dir).stop()


PAYMENTS = SAMPLES / "open-payments" / "general_payments_PY2013_SanFrancisco_socrata_part1.csv"
CRM = SAMPLES / "crm" / "engagements_sample.csv"


def test_engagements_payments_and_plans_move_and_come_back(store, tmp_path):
    """Real Open Payments rows and CRM engagements (with a plan) on one HCP, merged into an
    NPPES physician and split off again."""
    from kolgraph.krm.plans import PlanIn, save_plan

    files = [
        ("nppes", first_rows(NPPES, 40, tmp_path / "nppes.csv")),
        ("payments", first_rows(PAYMENTS, 150, tmp_path / "payments.csv")),
        ("crm", CRM),
    ]
    ingest(store, files, tmp_path / "rejects")
    rows = store.execute(
        "MATCH (e:Engagement)-[:WITH_HCP]->(h:HCP)<-[:PAID_TO]-(:Payment) "
        "WHERE h.npi IS NULL AND h.orcid IS NULL RETURN DISTINCT h.id AS id ORDER BY id",
        {},
    )
    other = rows[0]["id"]
    survivor = store.execute(
        "MATCH (h:HCP) WHERE h.id STARTS WITH 'npi:' AND h.crm_id IS NULL "
        "AND h.profile_id IS NULL RETURN h.id AS id ORDER BY id",
        {},
    )[0]["id"]
    manager = Viewer("k1", "krm_manager", "medical_affairs")
    plan = PlanIn(
        hcp_id=other,
        department="medical_affairs",
        period_start="2024-01-01",
        period_end="2024-12-31",
        planned_engagements=4,
    )
    save_plan(store, manager, plan)
    before = snapshot(store)
    counts = hcp_rel_counts(store, other)
    assert {"WITH_HCP", "PAID_TO", "FOR_HCP", "RESOLVED_TO"} <= set(counts)

    result = merge_hcps(store, survivor, other, by=ME)
    assert result["moved_by_type"] == counts
    assert hcp_rel_counts(store, other) == {"SAME_AS": 1}
    moved = hcp_rel_counts(store, survivor)
    assert all(moved[t] >= n for t, n in counts.items())
    assert set(result["identifiers_moved"]) >= {"profile_id"}

    unmerge_hcp(store, other, by=ME)
    after = snapshot(store)
    assert after["nodes"] == before["nodes"] and after["rels"] == before["rels"]
    assert hcp_rel_counts(store, other) == counts
