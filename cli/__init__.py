"""The ``kolgraph`` command: the composition root, the one place that wires core, ingest and api.

Each command group lives in its own module and registers itself on :data:`app`.
User mistakes print one ``error:`` line and exit 1; no traceback.
"""

from __future__ import annotations

import sys

from kolgraph.cli.app import app, console
from kolgraph.errors import KolgraphError

# Command modules register themselves on `app` when imported; `app` imports the one a
# command needs when it runs (kolgraph.cli.app.COMMANDS), so `kolgraph stop` does not load
# scoring or analytics.


def _json_error(message: str) -> int:
    """Print ``{"error": message}`` as the one JSON object a --json run prints; return 1.

    >>> _json_error("no HCP 'npi:1'")
    {"error": "no HCP 'npi:1'"}
    1
    """
    import json

    print(json.dumps({"error": message}))
    return 1


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; translate kolgraph errors into one line (or, with --json, one JSON object)
    and exit status 1."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        app(args=args, standalone_mode=False, prog_name="kolgraph")
    except KolgraphError as exc:
        if "--json" in args:
            return _json_error(str(exc))
        from rich.markup import escape  # "[pdf]" in a message is text, not a style

        console.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
        return 1
    except SystemExit as exc:  # typer's own exits (--help, bad options)
        return int(exc.code or 0)
    except Exception as exc:  # usage errors and friends, from typer or from click
        return _usage_error(exc, as_json="--json" in args)
    return 0


def _usage_error(exc: Exception, as_json: bool = False) -> int:
    """Print a usage error as one ``error:`` line and return exit status 1; re-raise others.

    Typer bundles its own copy of click's exceptions, so both families are recognised.

    >>> import typer
    >>> _usage_error(typer.BadParameter("not a number", param_hint="'--seed'"))
    error: Invalid value for '--seed': not a number
    1
    """
    import click.exceptions
    import typer

    if isinstance(exc, typer.TyperException | click.exceptions.ClickException):
        if as_json:
            return _json_error(exc.format_message())
        console.print(f"[red]error:[/red] {exc.format_message()}", highlight=False, soft_wrap=True)
        return 1
    if isinstance(exc, typer.Abort | click.exceptions.Abort):
        console.print("aborted")
        return 1
    raise exc


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
