"""The Typer application and the options every command shares."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.logging import RichHandler

from kolgraph.config import Settings
from kolgraph.errors import ConfigError
from kolgraph.store import GraphStore, open_store

app = typer.Typer(
    name="kolgraph",
    help="KOL network and influence engine: ingest, score, serve.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=False)
err_console = Console(stderr=True)

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Embedded store directory (env KOLGRAPH_DATA_DIR).",
                 show_default=False),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of tables.")]


@app.callback()
def _configure(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(message)s",
        handlers=[RichHandler(console=err_console, show_path=False)],
    )
    # The driver logs connection failures itself; kolgraph reports them once, as an error line.
    logging.getLogger("neo4j").setLevel(logging.CRITICAL)


def settings_for(data_dir: Path | None) -> Settings:
    """Settings from the environment, with ``--data-dir`` taking precedence."""
    try:
        return Settings(data_dir=data_dir) if data_dir else Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: "
            f"{e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        )
        raise ConfigError(f"invalid configuration: {problems}") from exc


def store_for(data_dir: Path | None) -> GraphStore:
    """Open the configured store (starting the embedded server if needed)."""
    return open_store(settings_for(data_dir))


def print_json(obj: Any) -> None:
    """Print one JSON object on stdout, nothing else."""
    typer.echo(json.dumps(obj, default=str, sort_keys=False))
