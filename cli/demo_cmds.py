"""``kolgraph demo``: the main job end to end on the real samples shipped with kolgraph."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kolgraph.cli.api_cmds import serve as serve_api
from kolgraph.cli.app import DataDir, app, console, settings_for
from kolgraph.cli.score_cmds import score
from kolgraph.errors import ConfigError
from kolgraph.ingest import run_ingest
from kolgraph.ingest.registry import LOADERS, loader_for
from kolgraph.krm.keys import create_key
from kolgraph.store import open_store

# (source, sample file relative to the samples folder), in load order: registry identities
# first, then the sources that mention people by name and are resolved onto them.
DEMO_PLAN: list[tuple[str, str]] = [
    ("nppes", "nppes/npidata_sample_1000_part1.csv"),
    ("referrals", "referrals-pspp/physician-shared-patient-patterns-2014-days180_subsample100.txt"),
    ("pubmed", "pubmed/pubmed21n1298_sample_mesh_indexed.xml"),
    ("pubmed", "pubmed/pubmed21n1298_sample_every21st.xml"),
    ("pubmed", "pubmed/efetch/biopython_pubmed4.xml"),
    ("crossref", "crossref/crossref_works.jsonl"),
    ("openalex", "openalex/works_results_page_chunk1.json"),
    ("congress", "conference-midl/midl2020_scientific-program.md"),
    ("trials", "clinicaltrials-gov/api_v2_study/NCT02210780.json"),
    ("payments", "open-payments/general_payments_PY2013_SanFrancisco_socrata_part1.csv"),
    ("payments", "open-payments/OP_DTL_RSRCH_PGYR2015_IowaSubset.csv"),
    ("crm", "crm/engagements_sample.csv"),
]


def default_samples() -> Path:
    """The ``data/samples`` folder of a source checkout."""
    return Path(__file__).resolve().parents[1] / "data" / "samples"


@app.command()
def demo(
    data_dir: DataDir = None,
    samples: Annotated[Path | None, typer.Option(help="Folder of sample data.")] = None,
    top: Annotated[int, typer.Option(help="How many KOLs to list.")] = 20,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the API after.")] = True,
    port: Annotated[int, typer.Option(help="Port for the API.")] = 8000,
) -> None:
    """Load the shipped real samples, score them, list the top KOLs and serve the API."""
    settings = settings_for(data_dir)
    folder = samples or default_samples()
    if not folder.is_dir():
        raise ConfigError(f"sample folder {folder} not found; pass --samples PATH")
    table = Table(title="loaded")
    for column in ("source", "file", "read", "loaded", "rejected", "duplicates"):
        table.add_column(column)
    with open_store(settings) as store:
        store.apply_schema()
        for source, relative in DEMO_PLAN:
            if source not in LOADERS:
                continue
            loader = loader_for(source)
            loader.configure(settings)
            summary = run_ingest(store, loader, folder / relative,
                                 rejects_dir=settings.data_dir / "rejects", progress=True)
            table.add_row(source, Path(relative).name, *(f"{n:,}" for n in (
                summary.read, summary.loaded, summary.rejected, summary.duplicates)))
        console.print(table)
        counts = store.counts()
    console.print(f"graph: {sum(counts['nodes'].values()):,} nodes, "
                  f"{sum(counts['relationships'].values()):,} relationships "
                  f"in {settings.data_dir}")
    score(data_dir=settings.data_dir, area=None, since=None, until=None, seed=0, top=top,
          as_json=False)
    if not serve:
        return
    with open_store(settings) as store:
        key, _ = create_key(store, "admin", "medical_affairs", label="kolgraph demo")
    console.print("API key for the demo (role admin, department medical_affairs); send it as "
                  "the X-API-Key header or sign in with it at /ui/:")
    typer.echo(key)
    serve_api(data_dir=settings.data_dir, host="127.0.0.1", port=port, workers=1)
