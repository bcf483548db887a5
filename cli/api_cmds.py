"""``kolgraph serve`` and ``kolgraph keys create/list/revoke``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from kolgraph.cli.app import DataDir, JsonFlag, app, console, print_json, settings_for, store_for
from kolgraph.krm import keys as api_keys
from kolgraph.krm.access import DEPARTMENTS, ROLES

keys_app = typer.Typer(help="API keys for the HTTP service (stored hashed).", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@app.command()
def serve(
    data_dir: DataDir = None,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", help="Worker processes.")] = 1,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs) with uvicorn."""
    import uvicorn

    from kolgraph.api.app import create_app

    settings = settings_for(data_dir)
    console.print(f"kolgraph API on http://{host}:{port} (docs at /docs)")
    if workers > 1:
        import os

        os.environ["KOLGRAPH_DATA_DIR"] = str(settings.data_dir)
        uvicorn.run(
            "kolgraph.api.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
        )
    else:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


@keys_app.command("create")
def keys_create(
    role: Annotated[str, typer.Option("--role", help=f"One of: {', '.join(ROLES)}.")],
    department: Annotated[
        str, typer.Option("--department", help=f"One of: {', '.join(DEPARTMENTS)}.")
    ],
    label: Annotated[str | None, typer.Option("--label", help="Who or what uses it.")] = None,
    employee_id: Annotated[str | None, typer.Option("--employee-id")] = None,
    data_dir: DataDir = None,
) -> None:
    """Create a key; it is printed once, on the last line, and stored only as a hash."""
    with store_for(data_dir) as store:
        key, record = api_keys.create_key(
            store, role, department, label=label, employee_id=employee_id
        )
    console.print(f"created key {record['key_id']} ({role}, {department}); keep it secret:")
    typer.echo(key)


@keys_app.command("list")
def keys_list(data_dir: DataDir = None, as_json: JsonFlag = False) -> None:
    """List keys: id, role, department, created, revoked (never the key)."""
    with store_for(data_dir) as store:
        records = api_keys.list_keys(store)
    if as_json:
        print_json({"keys": records})
        return
    table = Table()
    for column in ("key_id", "role", "department", "label", "created_at", "revoked"):
        table.add_column(column)
    for r in records:
        table.add_row(
            *(
                str(r.get(c) if r.get(c) is not None else "")
                for c in ("key_id", "role", "department", "label", "created_at", "revoked")
            )
        )
    console.print(table)


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="The key id shown by 'kolgraph keys list'.")],
    data_dir: DataDir = None,
) -> None:
    """Revoke a key; requests with it fail from now on."""
    with store_for(data_dir) as store:
        record = api_keys.revoke_key(store, key_id)
    console.print(f"revoked key {record['key_id']}")
