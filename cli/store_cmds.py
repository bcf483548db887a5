"""``kolgraph init``, ``status`` and ``stop``: the store's lifecycle."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from kolgraph.cli.app import DataDir, JsonFlag, app, console, print_json, settings_for
from kolgraph.store import EmbeddedFalkorDB, open_store


@app.command()
def init(
    data_dir: DataDir = None,
    reset: Annotated[bool, typer.Option("--reset", help="Delete every node first.")] = False,
) -> None:
    """Start the store (the embedded one if configured) and create constraints and indexes.

    A store loaded by an earlier version keeps Open Payments rows of other manufacturers
    as our payment engagements: they are turned back into industry payments here (and by
    the next payments load); only rows of our company (setting our_company) stay our spend.
    """
    from kolgraph.ingest.payments import retire_foreign_payment_engagements  # loads ingest

    settings = settings_for(data_dir)
    with open_store(settings) as store:
        if reset:
            store.clear()
        store.apply_schema()
        retired = retire_foreign_payment_engagements(store, settings.our_company)
        if retired:
            console.print(
                f"{retired} Open Payments engagements of other manufacturers are "
                "now industry payments only (not our spend)"
            )
        console.print(f"kolgraph store ready: {store.location}")


@app.command()
def status(data_dir: DataDir = None, as_json: JsonFlag = False) -> None:
    """Show the backend, where the data lives and counts per label and relationship type."""
    settings = settings_for(data_dir)
    with open_store(settings) as store:
        counts = store.counts()
        location = store.location
    if as_json:
        print_json(
            {
                "backend": settings.backend,
                "location": location,
                "data_dir": str(settings.data_dir) if settings.backend == "falkordb" else None,
                "counts": counts["nodes"],
                "relationships": counts["relationships"],
            }
        )
        return
    console.print(f"backend: [bold]{settings.backend}[/bold]  {location}")
    for title, table_counts in (
        ("label", counts["nodes"]),
        ("relationship", counts["relationships"]),
    ):
        table = Table(title=None)
        table.add_column(title)
        table.add_column("count", justify="right")
        for key, value in table_counts.items():
            table.add_row(key, f"{value:,}")
        console.print(table)


@app.command()
def stop(data_dir: DataDir = None) -> None:
    """Stop the embedded FalkorDB server cleanly (its data stays on disk)."""
    settings = settings_for(data_dir)
    server = EmbeddedFalkorDB(settings.data_dir)
    if server.stop():
        console.print(f"stopped the embedded FalkorDB for {settings.data_dir}")
    else:
        console.print(f"no embedded FalkorDB was running for {settings.data_dir}")
