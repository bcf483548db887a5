"""``kolgraph ingest <source> <path>``: load one file into the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kolgraph.cli.app import DataDir, JsonFlag, app, console, print_json, settings_for
from kolgraph.ingest import run_ingest
from kolgraph.ingest.registry import LOADERS, loader_for
from kolgraph.store import open_store


@app.command()
def ingest(
    source: Annotated[str, typer.Argument(help=f"One of: {', '.join(sorted(LOADERS))}.")],
    path: Annotated[Path, typer.Argument(help="The file to load (plain or .gz).")],
    data_dir: DataDir = None,
    batch_size: Annotated[int, typer.Option(help="Records per write and checkpoint.")] = 2000,
    as_json: JsonFlag = False,
) -> None:
    """Load a source file; bad records go to a reject file, the run can be resumed."""
    settings = settings_for(data_dir)
    loader = loader_for(source)
    loader.configure(settings)
    with open_store(settings) as store:
        store.apply_schema()
        summary = run_ingest(store, loader, path, rejects_dir=settings.data_dir / "rejects",
                             batch_size=batch_size, progress=not as_json)
    if as_json:
        print_json(summary.as_dict())
        return
    table = Table(title=f"{source}: {path.name}")
    for column in ("read", "loaded", "rejected", "duplicates", "nodes", "relationships", "seconds"):
        table.add_column(column, justify="right")
    table.add_row(*(f"{v:,}" for v in (summary.read, summary.loaded, summary.rejected,
                                        summary.duplicates, summary.nodes_written,
                                        summary.relationships_written)), f"{summary.seconds:.1f}")
    console.print(table)
    if summary.rejected:
        console.print(f"rejected records: {summary.rejects_file}")
