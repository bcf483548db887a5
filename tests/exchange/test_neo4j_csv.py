"""Neo4j bulk-import CSV set: layout, round trip through a fresh graph, refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kolgraph.errors import ExchangeError
from kolgraph.exchange import export_neo4j_csv, import_neo4j_csv
from kolgraph.exchange.snapshot import iter_nodes, iter_relationships, rel_keys
from kolgraph.store import GraphStore
from tests.exchange.seed import NODES


def _graph(store: GraphStore) -> tuple[dict[str, dict[str, dict]], dict[str, list]]:
    nodes = {label: {p["id"]: p for p in iter_nodes(store, label)} for label in NODES}
    rels = {
        key.file_stem: sorted(
            (s, e, sorted(p.items())) for s, e, p in iter_relationships(store, key)
        )
        for key in rel_keys()
    }
    return nodes, {k: v for k, v in rels.items() if v}


def test_layout_has_typed_headers_and_the_import_command(seeded: GraphStore, tmp_path: Path):
    summary = export_neo4j_csv(seeded, tmp_path / "set")
    folder = tmp_path / "set"
    header = (folder / "nodes_HCP.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[0] == "id:ID(HCP)" and header[-1] == ":LABEL"
    assert {"influence:double", "reach_1:long", "rising_star:boolean", "name:string"} <= set(header)
    pubs = (folder / "nodes_Publication.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "publication_types:string[]" in pubs
    rel_header = (folder / "rels_REFERS_TO__HCP__HCP.csv").read_text(encoding="utf-8")
    assert rel_header.splitlines()[0] == (
        ":START_ID(HCP),:END_ID(HCP),:TYPE,bene_count:long,pair_count:long,period:string"
    )
    readme = (folder / "README.txt").read_text(encoding="utf-8")
    assert "neo4j-admin database import full neo4j" in readme
    assert "--nodes=nodes_HCP.csv" in readme
    assert "--relationships=rels_AUTHORED__HCP__Publication.csv" in readme
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["nodes"]["HCP"] == 3 and manifest["relationships"]["AUTHORED"] == 3
    assert summary.notes == [] and summary.lossy == []


def test_round_trip_keeps_counts_and_every_value(
    seeded: GraphStore, fresh_graph: GraphStore, tmp_path: Path
) -> None:
    export_neo4j_csv(seeded, tmp_path / "set")
    result = import_neo4j_csv(fresh_graph, tmp_path / "set")
    assert fresh_graph.counts() == seeded.counts()
    assert result.nodes == seeded.counts()["nodes"]
    before, after = _graph(seeded), _graph(fresh_graph)
    assert after == before
    hcp = after[0]["HCP"]
    assert hcp["npi:1000000001"]["influence"] == 93.5
    assert hcp["npi:1000000002"]["rising_star"] is True
    assert hcp["npi:1000000002"]["name"] == 'Bo O\'Neil "Jr"'
    assert hcp["npi:1000000002"]["note_text"] == "line one\nline two, with comma"
    assert hcp["orcid:0000-0002-1825-0097"]["institution"] == ""
    assert after[0]["Publication"]["pmid:31452105"]["publication_types"] == []
    scores = after[0]["Score"]
    assert json.loads(scores["score:run:2024-01:npi:1000000001"]["explanation"]) == {
        "top_factors": [["scientific", 0.6]]
    }


def test_importing_twice_merges_onto_the_same_nodes(
    seeded: GraphStore, fresh_graph: GraphStore, tmp_path: Path
) -> None:
    export_neo4j_csv(seeded, tmp_path / "set")
    import_neo4j_csv(fresh_graph, tmp_path / "set")
    import_neo4j_csv(fresh_graph, tmp_path / "set")
    assert fresh_graph.counts() == seeded.counts()


def test_export_refuses_a_directory_holding_an_export(seeded: GraphStore, tmp_path: Path):
    export_neo4j_csv(seeded, tmp_path / "set")
    with pytest.raises(ExchangeError, match="choose an empty directory"):
        export_neo4j_csv(seeded, tmp_path / "set")


def test_labels_filter_keeps_only_ties_among_them(seeded: GraphStore, tmp_path: Path):
    summary = export_neo4j_csv(seeded, tmp_path / "set", labels=["HCP", "Publication"])
    assert summary.nodes == {"HCP": 3, "Publication": 2}
    assert summary.relationships == {"AUTHORED": 3, "REFERS_TO": 1}


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_a_hand_written_neo4j_set_loads(fresh_graph: GraphStore, tmp_path: Path):
    folder = tmp_path / "neo"
    _write(
        folder,
        "hcps.csv",
        "npi:ID(HCP),name,score:float,tags:string[],:LABEL\n"
        "1234567890,Ann Example,12.5,a;b,HCP;Person\n"
        '1234567891,"Ben, Jr",,,HCP\n',
    )
    _write(
        folder,
        "refs.csv",
        ":START_ID(HCP),:END_ID(HCP),:TYPE,pair_count:int\n1234567890,1234567891,REFERS_TO,4\n",
    )
    summary = import_neo4j_csv(fresh_graph, folder)
    assert summary.nodes == {"HCP": 2} and summary.relationships == {"REFERS_TO": 1}
    ann = fresh_graph.run("node_by_id", {"label": "HCP"}, id="1234567890")[0]["props"]
    assert ann == {
        "id": "1234567890",
        "npi": "1234567890",
        "name": "Ann Example",
        "score": 12.5,
        "tags": ["a", "b"],
    }


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"n.csv": "id:ID(Wizard),name\nw1,Merlin\n"}, "none of the labels"),
        ({"n.csv": "id:ID(HCP),influence:double\nh1,high\n"}, r"row 2, column 'influence'"),
        ({"n.csv": "id:ID(HCP),x:colour\nh1,red\n"}, "unknown column type"),
        (
            {
                "n.csv": "id:ID(HCP)\nh1\n",
                "r.csv": ":START_ID(HCP),:END_ID(HCP),:TYPE\nh1,h2,REFERS_TO\n",
            },
            "end ids are neither",
        ),
        (
            {
                "n.csv": "id:ID(HCP)\nh1\n",
                "r.csv": ":START_ID(HCP),:END_ID(HCP),:TYPE\nh1,h1,LIKES\n",
            },
            "unknown relationship type",
        ),
        (
            {
                "n.csv": "id:ID(HCP)\nh1\n",
                "r.csv": ":START_ID(HCP),:END_ID(HCP),:TYPE\nh1,h1,AUTHORED\n",
            },
            "no AUTHORED from HCP to HCP",
        ),
        ({"n.csv": 'id:ID(HCP),name\nh1,"open\n'}, "never closed"),
        ({"n.csv": "id:ID(HCP),name\nh1,a,b\n"}, "row 2 has 3 fields"),
        ({"n.csv": "name,other\nx,y\n"}, "neither one ':ID' column"),
    ],
    ids=["label", "value", "type", "dangling", "rel-type", "rel-ends", "quote", "width", "header"],
)
def test_bad_files_are_refused_before_anything_is_written(
    fresh_graph: GraphStore, tmp_path: Path, files: dict[str, str], message: str
) -> None:
    folder = tmp_path / "bad"
    for name, text in files.items():
        _write(folder, name, text)
    with pytest.raises(ExchangeError, match=message):
        import_neo4j_csv(fresh_graph, folder)
    assert fresh_graph.counts() == {"nodes": {}, "relationships": {}}


def test_missing_directory_says_what_to_pass(fresh_graph: GraphStore, tmp_path: Path):
    with pytest.raises(ExchangeError, match="pass the folder of CSV files"):
        import_neo4j_csv(fresh_graph, tmp_path / "nope")
