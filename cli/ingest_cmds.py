"""``kolgraph ingest <source> <path>``: load one file into the store."""

from __future__ import annotations

import glob
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kolgraph.cli.app import DataDir, JsonFlag, app, console, print_json, settings_for
from kolgraph.errors import ConfigError
from kolgraph.ingest import run_ingest
from kolgraph.ingest.registry import LOADERS, loader_for
from kolgraph.store import open_store


def input_files(path: Path) -> list[Path]:
    """The files ``path`` names: itself, every file in a folder, or the matches of a glob.

    Hidden files and the ingest's own reject files are skipped; the order is by name.

    Raises
    ------
    ConfigError
        If nothing matches.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> for name in ("b.json", "a.json", ".hidden", "notes.txt"):
    ...     _ = (folder / name).write_text("{}")
    >>> [p.name for p in input_files(folder)]
    ['a.json', 'b.json', 'notes.txt']
    >>> [p.name for p in input_files(folder / "*.json")]
    ['a.json', 'b.json']
    """
    if path.is_file():
        return [path]
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
    elif glob.has_magic(str(path)):
        found = sorted(Path(p) for p in glob.glob(str(path), recursive=True) if Path(p).is_file())
    else:
        raise ConfigError(f"no such file or folder: {path}")
    found = [p for p in found if not p.name.startswith(".") and ".rejects" not in p.name]
    if not found:
        raise ConfigError(f"no file to load in {path}")
    return found


@app.command()
def ingest(
    source: Annotated[str, typer.Argument(help=f"One of: {', '.join(sorted(LOADERS))}.")],
    path: Annotated[
        Path,
        typer.Argument(
            help="The file to load (plain or .gz), a folder of them, or a quoted glob "
            "('trials/*.json')."
        ),
    ],
    data_dir: DataDir = None,
    batch_size: Annotated[int, typer.Option(help="Records per write and checkpoint.")] = 2000,
    first_load: Annotated[
        bool,
        typer.Option(
            "--first-load",
            help="Into an empty store (refused otherwise): resolve the first file in memory and "
            "write it once through the store's bulk path instead of a MERGE per batch "
            "(pubmed, crossref, openalex); the same graph; further files load as usual.",
        ),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Load a source file, a folder or a glob; bad records go to a reject file, a run can be
    resumed. A folder or glob loads each file in name order; --json then prints one object
    with the totals and each file's summary."""
    settings = settings_for(data_dir)
    loader = loader_for(source)
    loader.configure(settings)
    files = input_files(path)
    summaries = []
    with open_store(settings) as store:
        store.apply_schema()
        for number, file in enumerate(files):
            if first_load and number == 0:
                from kolgraph.ingest.first_load import run_first_load

                summaries.append(
                    run_first_load(
                        store,
                        loader,
                        file,
                        rejects_dir=settings.data_dir / "rejects",
                        batch_size=batch_size,
                    )
                )
                continue
            summaries.append(
                run_ingest(
                    store,
                    loader,
                    file,
                    rejects_dir=settings.data_dir / "rejects",
                    batch_size=batch_size,
                    progress=not as_json,
                )
            )
    if as_json:
        if len(summaries) == 1 and path.is_file():
            print_json(summaries[0].as_dict())
        else:
            totals = {
                k: sum(getattr(s, k) for s in summaries)
                for k in (
                    "read",
                    "loaded",
                    "rejected",
                    "duplicates",
                    "nodes_written",
                    "relationships_written",
                )
            }
            print_json(
                {
                    "source": source,
                    "files": len(summaries),
                    **totals,
                    "summaries": [s.as_dict() for s in summaries],
                }
            )
        return
    table = Table(title=f"{source}: {path.name if len(files) == 1 else f'{len(files)} files'}")
    for column in (
        "file",
        "read",
        "loaded",
        "rejected",
        "duplicates",
        "nodes",
        "relationships",
        "seconds",
    ):
        table.add_column(column, justify="right")
    for file, summary in zip(files, summaries, strict=True):
        table.add_row(
            file.name,
            *(
                f"{v:,}"
                for v in (
                    summary.read,
                    summary.loaded,
                    summary.rejected,
                    summary.duplicates,
                    summary.nodes_written,
                    summary.relationships_written,
                )
            ),
            f"{summary.seconds:.1f}",
        )
    console.print(table)
    for summary in summaries:
        if summary.rejected:
            console.print(f"rejected records: {summary.rejects_file}")
