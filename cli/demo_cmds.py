"""``kolgraph demo``: the main job end to end on the real samples shipped with kolgraph."""

from __future__ import annotations

import csv
import math
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from kolgraph.cli.api_cmds import serve as serve_api
from kolgraph.cli.app import DataDir, app, console, settings_for
from kolgraph.cli.score_cmds import score
from kolgraph.errors import ConfigError
from kolgraph.ingest import run_ingest
from kolgraph.ingest.registry import LOADERS, loader_for
from kolgraph.krm.keys import create_key
from kolgraph.scoring.frame import hcp_frame
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


def shift_crm_dates(source: Path, target: Path, today: date | None = None) -> int:
    r"""Copy the CRM sample ``source`` to ``target`` with every ``datetime`` moved by whole weeks
    so that the latest engagement falls in the week before ``today``; returns the days moved.

    Whole weeks keep every weekday (call rates count Monday to Friday). The shipped sample
    stays as it is; the demo loads the copy, so its dashboard and profiles start with recent
    contacts whatever day it runs.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "in.csv").write_text("engagement_id,datetime\nE1,2025-06-28T08:00\n")
    >>> shift_crm_dates(folder / "in.csv", folder / "out.csv", date(2026, 12, 5))
    518
    >>> (folder / "out.csv").read_text().splitlines()[1]
    'E1,2026-11-28T08:00'
    """
    today = today or date.today()
    with source.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    stamps = [datetime.fromisoformat(r["datetime"]) for r in rows if r.get("datetime")]
    if not stamps:
        raise ConfigError(f"{source}: no 'datetime' value to date the demo's engagements by")
    days = (today - timedelta(days=1) - max(stamps).date()).days // 7 * 7  # never today
    for row in rows:
        if row.get("datetime"):
            moved = datetime.fromisoformat(row["datetime"]) + timedelta(days=days)
            row["datetime"] = moved.isoformat(timespec="minutes")
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return days


def tier_table(frame: pd.DataFrame) -> Table:
    """Every tier with its size and its most influential HCP, and who is not ranked."""
    table = Table(title="tiers (eligible HCPs; thresholds are influence percentiles)")
    for column in ("tier", "HCPs", "top HCP", "influence", "percentile", "segment", "why eligible"):
        table.add_column(column)
    for tier in ("strategic", "potential", "basic"):
        members = frame[frame["tier"] == tier].sort_values(["influence", "id"],
                                                           ascending=[False, True])
        first = members.iloc[0] if len(members) else None
        table.add_row(
            tier, f"{len(members):,}",
            *(("-",) * 5 if first is None else (
                str(first["name"]), f"{first['influence']:.1f}",
                f"{math.floor(first['influence_percentile'] * 100) / 100:.2f}",
                str(first["segment"]),
                str(first["eligibility_reason"])[:60])))
    others = frame[frame["eligible"] != True]  # noqa: E712 (None: not scored)
    industry = int((others["industry"] == True).sum())  # noqa: E712
    table.add_row("not ranked", f"{len(others):,}", f"{industry:,} industry-affiliated, "
                  f"{len(others) - industry:,} without HCP evidence", "", "", "", "")
    return table


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
            path = folder / relative
            if source == "crm":  # dated relative to today, so recent periods are not empty
                shifted = settings.data_dir / "demo" / path.name
                days = shift_crm_dates(path, shifted)
                console.print(f"CRM sample dated {days} days later, ending this week")
                path = shifted
            summary = run_ingest(store, loader, path,
                                 rejects_dir=settings.data_dir / "rejects", progress=True)
            table.add_row(source, Path(relative).name, *(f"{n:,}" for n in (
                summary.read, summary.loaded, summary.rejected, summary.duplicates)))
        console.print(table)
        counts = store.counts()
    console.print(f"graph: {sum(counts['nodes'].values()):,} nodes, "
                  f"{sum(counts['relationships'].values()):,} relationships "
                  f"in {settings.data_dir}")
    score(data_dir=settings.data_dir, area=None, since=None, until=None, seed=0, top=top,
          include_non_hcp=False, as_json=False)
    with open_store(settings) as store:
        console.print(tier_table(hcp_frame(store)))
    if not serve:
        return
    with open_store(settings) as store:
        key, _ = create_key(store, "admin", "medical_affairs", label="kolgraph demo")
    console.print("API key for the demo (role admin, department medical_affairs); send it as "
                  "the X-API-Key header or sign in with it at /ui/:")
    typer.echo(key)
    serve_api(data_dir=settings.data_dir, host="127.0.0.1", port=port, workers=1)
