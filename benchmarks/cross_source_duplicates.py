"""Full names held by more than one HCP after the shipped samples are loaded together.

Usage: python benchmarks/cross_source_duplicates.py [--samples data/samples]

Loads NPPES, the three PubMed files, Crossref, OpenAlex page 1, the MIDL 2020 programme
and one trial (as ``kolgraph demo`` does) into a scratch graph on a private embedded
FalkorDB, then counts the folded full names (punctuation dropped) that more than one HCP
holds, in all and by the sources of their mentions. Prints one JSON object. About 15 s.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from kolgraph.ingest import run_ingest
from kolgraph.ingest.registry import loader_for
from kolgraph.resolution.names import fold
from kolgraph.store import EmbeddedFalkorDB
from kolgraph.store.falkordb import scratch_graph

PLAN = [
    ("nppes", "nppes/npidata_sample_1000_part1.csv"),
    ("pubmed", "pubmed/pubmed21n1298_sample_mesh_indexed.xml"),
    ("pubmed", "pubmed/pubmed21n1298_sample_every21st.xml"),
    ("pubmed", "pubmed/efetch/biopython_pubmed4.xml"),
    ("crossref", "crossref/crossref_works.jsonl"),
    ("openalex", "openalex/works_results_page_chunk1.json"),
    ("congress", "conference-midl/midl2020_scientific-program.md"),
    ("trials", "clinicaltrials-gov/api_v2_study/NCT02210780.json"),
]
_M = {"label": "Mention", "type": "RESOLVED_TO", "end": "HCP"}


def normal_name(name: str) -> str:
    """'C. Blake Gilks' -> 'c blake gilks'."""
    return " ".join(fold(name).replace("-", " ").replace(".", " ").split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--samples", type=Path, default=Path(__file__).resolve().parents[1] / "data" / "samples"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = EmbeddedFalkorDB(Path(tmp) / "db", appendfsync="no")
        server.start()
        try:
            with scratch_graph(server, "duplicates") as store:
                for source, relative in PLAN:
                    run_ingest(
                        store,
                        loader_for(source),
                        args.samples / relative,
                        rejects_dir=Path(tmp) / "rejects",
                    )
                rows = store.run("hcp_mention_sources", _M)
        finally:
            server.stop()
    hcps: dict[str, set[str]] = defaultdict(set)
    sources: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        name = normal_name(row["name"] or "")
        hcps[name].add(row["hcp_id"])
        sources[name].add(row["source"])
    duplicates = {n: len(h) for n, h in hcps.items() if n and len(h) > 1}
    print(
        json.dumps(
            {
                "mentions": len(rows),
                "hcps": len({r["hcp_id"] for r in rows}),
                "duplicate_names": len(duplicates),
                "surplus_hcps": sum(n - 1 for n in duplicates.values()),
                "by_sources": {
                    "+".join(sorted(k)): v
                    for k, v in Counter(tuple(sorted(sources[n])) for n in duplicates).most_common()
                },
            }
        )
    )


if __name__ == "__main__":
    main()
