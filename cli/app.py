"""The Typer application and the options every command shares."""

from __future__ import annotations

import importlib
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import click
import typer
from rich.console import Console
from typer.core import TyperGroup

from kolgraph.errors import ConfigError

if TYPE_CHECKING:  # settings (pydantic) and the store client load when a command needs them
    from kolgraph.config import Settings
    from kolgraph.store import GraphStore

# Every top-level command: the modules that define it (imported when it runs) and its
# one-line help (shown by ``kolgraph --help`` without importing them). A test checks
# both against the modules themselves.
COMMANDS: dict[str, tuple[tuple[str, ...], str]] = {
    "init": (
        ("store_cmds",),
        "Start the store (the embedded one if configured) and create constraints and indexes.",
    ),
    "status": (
        ("store_cmds",),
        "Show the backend, where the data lives and counts per label and relationship type.",
    ),
    "stop": (
        ("store_cmds",),
        "Stop the embedded FalkorDB server cleanly (its data stays on disk).",
    ),
    "serve": (("api_cmds",), "Serve the HTTP API (OpenAPI docs at /docs) with uvicorn."),
    "ingest": (
        ("ingest_cmds",),
        "Load a source file, a folder or a glob; bad records go to a "
        "reject file, a run can be resumed.",
    ),
    "score": (
        ("score_cmds",),
        "Score every HCP, store the run (ScoreRun + ScorePage nodes) and print the top KOLs.",
    ),
    "runs": (
        ("runs_cmds",),
        "Stored score runs: list them, delete one, or keep only the newest.",
    ),
    "demo": (
        ("demo_cmds",),
        "Load the shipped real samples, score them, list the top KOLs and serve the API.",
    ),
    "report": (
        ("exchange_cmds",),
        "A one-page profile for a KRM meeting: scores explained, ego network, contacts, conflicts.",
    ),
    "keys": (("api_cmds",), "API keys for the HTTP service (stored hashed)."),
    "evaluate": (("resolve_cmds",), "Measure kolgraph against labelled data."),
    "resolution": (("resolve_cmds",), "Train the identity-resolution match model."),
    "review": (
        ("resolve_cmds",),
        "Uncertain identity matches waiting for a decision; merging two HCPs of one person.",
    ),
    "export": (("score_cmds", "exchange_cmds"), "Export tables from the store."),
    "privacy": (("privacy_cmds",), "Data-subject requests: export or erase one HCP's data."),
    "import": (("exchange_cmds",), "Load graph files into the store."),
    "analytics": (
        ("analytics_cmds",),
        "KRM analytics: KPIs, coverage gaps, speaker "
        "development, suspicious field activity, knowledge gaps, prescribing, "
        "return on engagement.",
    ),
}


def load_commands(*names: str) -> None:
    """Import the modules defining ``names`` (every command when none is given).

    Examples
    --------
    >>> load_commands("stop")
    >>> any(c.name == "stop" for c in app.registered_commands)
    True
    """
    for name in names or tuple(COMMANDS):
        for module in COMMANDS[name][0]:
            importlib.import_module(f"kolgraph.cli.{module}")


class LazyGroup(TyperGroup):
    """The top-level group: a command's module is imported only when that command runs.

    ``kolgraph --help`` lists the registry's one-line helps, so it imports no command
    module (and none of scikit-learn, pandas, NetworkX or matplotlib behind them).
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*COMMANDS, *(n for n in super().list_commands(ctx) if n not in COMMANDS)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            load_commands(cmd_name)
            self.commands.update(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
        return super().get_command(ctx, cmd_name)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        stand_ins = {
            name: click.Command(name, help=text, short_help=text)
            for name, (_, text) in COMMANDS.items()
            if name not in self.commands
        }
        self.commands.update(stand_ins)
        try:
            super().format_help(ctx, formatter)
        finally:
            for name in stand_ins:
                self.commands.pop(name, None)


app = typer.Typer(
    name="kolgraph",
    help="KOL network and influence engine: ingest, score, serve.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=LazyGroup,
)
console = Console(stderr=False)
err_console = Console(stderr=True)

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir", help="Embedded store directory (env KOLGRAPH_DATA_DIR).", show_default=False
    ),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of tables.")]


@app.callback()
def _configure(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details.")] = False,
) -> None:
    from rich.logging import RichHandler

    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(message)s",
        handlers=[RichHandler(console=err_console, show_path=False)],
    )
    # The driver logs connection failures itself; kolgraph reports them once, as an error line.
    logging.getLogger("neo4j").setLevel(logging.CRITICAL)


def settings_for(data_dir: Path | None) -> Settings:
    """Settings from the environment, with ``--data-dir`` taking precedence."""
    from pydantic import ValidationError

    from kolgraph.config import Settings

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
    from kolgraph.store import open_store

    return open_store(settings_for(data_dir))


def print_json(obj: Any) -> None:
    """Print one JSON object on stdout, nothing else."""
    typer.echo(json.dumps(obj, default=str, sort_keys=False))
