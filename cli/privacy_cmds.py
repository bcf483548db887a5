"""``kolgraph privacy export|erase HCP``: data-subject requests from the command line."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from kolgraph.cli.app import DataDir, app, print_json, store_for
from kolgraph.errors import InvalidRequest
from kolgraph.krm import privacy
from kolgraph.krm.access import Viewer

privacy_app = typer.Typer(
    help="Data-subject requests: export or erase one HCP's data.", no_args_is_help=True
)
app.add_typer(privacy_app, name="privacy")
# The command line runs with the operator's own rights, recorded as such in the audit log.
OPERATOR = Viewer("cli", "compliance", "compliance")


@privacy_app.command("export")
def export(
    hcp_id: Annotated[str, typer.Argument(help="kolgraph HCP id, e.g. npi:1234567893")],
    data_dir: DataDir = None,
) -> None:
    """Print everything held about one HCP as JSON (audited)."""
    with store_for(data_dir) as store:
        print_json(privacy.subject_export(store, OPERATOR, hcp_id))


@privacy_app.command("erase")
def erase(
    hcp_id: Annotated[str, typer.Argument(help="kolgraph HCP id, e.g. npi:1234567893")],
    reference: Annotated[str | None, typer.Option(help="The request's ticket number.")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Pseudonymise one HCP's personal data; counts stay; audited. Cannot be undone.

    Without a terminal to ask on (a script, a pipe, cron) ``--yes`` is required.
    """
    if not yes:
        _require_terminal(hcp_id)
        typer.confirm(f"Erase the personal data of {hcp_id}? This cannot be undone", abort=True)
    with store_for(data_dir) as store:
        print_json(privacy.erase_subject(store, OPERATOR, hcp_id, reference=reference))


def _require_terminal(hcp_id: str) -> None:
    """Refuse an unconfirmed erase when stdin is not a terminal: nobody can answer the prompt.

    >>> import io, sys
    >>> sys.stdin, saved = io.StringIO("y\\n"), sys.stdin
    >>> try:
    ...     _require_terminal("npi:1234567893")
    ... except InvalidRequest as exc:
    ...     print(exc)
    ... finally:
    ...     sys.stdin = saved
    no terminal to confirm the erasure of npi:1234567893: pass --yes to erase without asking
    """
    stdin = sys.stdin
    if stdin is None or not stdin.isatty():
        raise InvalidRequest(
            f"no terminal to confirm the erasure of {hcp_id}: pass --yes to erase without asking"
        )
