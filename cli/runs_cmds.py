"""``kolgraph runs list|delete|prune``: the stored score runs, and removing old ones.

Every ``kolgraph score`` stores a run: a ScoreRun node and a Score node (with its
explanation) per HCP, kept for rank history and trends. On a large area that is about
2 GB of store per million HCPs and run, so old runs can be deleted; each deletion is
written to the audit log. The run whose scores the HCP nodes carry is never deleted.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from kolgraph.cli.app import DataDir, JsonFlag, app, console, print_json, store_for
from kolgraph.errors import InvalidRequest
from kolgraph.krm import audit
from kolgraph.krm.access import Viewer
from kolgraph.scoring import runs
from kolgraph.store import GraphStore

runs_app = typer.Typer(
    help="Stored score runs: list them, delete one, or keep only the newest.",
    no_args_is_help=True,
)
app.add_typer(runs_app, name="runs")
# The command line runs with the operator's own rights, recorded as such in the audit log.
OPERATOR = Viewer("cli", "admin", "medical_affairs")


@runs_app.command("list")
def list_runs(json_out: JsonFlag = False, data_dir: DataDir = None) -> None:
    """Every stored run, oldest first; "latest" marks the one the HCPs carry."""
    with store_for(data_dir) as store:
        stored = runs.stored_runs(store)
    if json_out:
        print_json({"runs": stored})
        return
    table = Table(title=f"{len(stored)} stored score runs")
    for column in ("run", "created", "area", "window", "HCPs", "latest"):
        table.add_column(column)
    for row in stored:
        window = f"{row.get('window_start') or ''}..{row.get('window_end') or ''}"
        table.add_row(
            row["id"],
            str(row.get("created_at")),
            str(row.get("area") or "all"),
            window if window != ".." else "all",
            str(row.get("n_hcps")),
            "yes" if row["latest"] else "",
        )
    console.print(table)


@runs_app.command("delete")
def delete(
    run_id: Annotated[str, typer.Argument(help="A run id from 'kolgraph runs list'.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Delete one stored run and its scores (audited). Cannot be undone."""
    _confirm(yes, f"Delete the score run {run_id} and its scores?")
    with store_for(data_dir) as store:
        print_json({"deleted": [_delete(store, run_id)]})


@runs_app.command("prune")
def prune(
    keep: Annotated[int, typer.Option(help="How many of the newest runs to keep.")] = 3,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only list the runs that would go.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Delete all but the --keep newest runs (audited); the HCPs' latest run stays."""
    with store_for(data_dir) as store:
        doomed = runs.prune_runs(store, keep)
        if dry_run or not doomed:
            print_json({"would_delete" if dry_run else "deleted": doomed if dry_run else []})
            return
        _confirm(yes, f"Delete {len(doomed)} score runs and their scores?")
        print_json({"deleted": [_delete(store, run_id) for run_id in doomed]})


def _delete(store: GraphStore, run_id: str) -> dict[str, object]:
    scores = runs.delete_run(store, run_id)
    event = audit.audit_event(OPERATOR, "score.run.delete", run_id, {"scores": scores})
    audit.append_events(store, [event])
    return {"run": run_id, "scores": scores}


def _confirm(yes: bool, question: str) -> None:
    """Ask ``question`` on a terminal; without one, ``--yes`` is required."""
    if yes:
        return
    if sys.stdin is None or not sys.stdin.isatty():
        raise InvalidRequest("no terminal to confirm the deletion: pass --yes to delete")
    typer.confirm(question, abort=True)
