"""``kolgraph export graph|table``, ``kolgraph import neo4j-csv`` and ``kolgraph report``."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kolgraph.cli.app import DataDir, JsonFlag, app, console, print_json, store_for
from kolgraph.errors import ExchangeError
from kolgraph.exchange import (
    export_neo4j_csv,
    hcp_subgraph,
    import_neo4j_csv,
    property_graph,
    table,
    write_graph,
    write_table,
)
from kolgraph.krm.access import Viewer, check_role
from kolgraph.krm.search import HcpFilters, search_hcps
from kolgraph.report import REPORT_VIEWER, report_content, write_html, write_pdf
from kolgraph.store import GraphStore


def _group(name: str, help_text: str) -> typer.Typer:
    """The sub-app ``name`` if another module registered it already, else a new one."""
    for info in app.registered_groups:
        if info.name == name and info.typer_instance is not None:
            return info.typer_instance
    group = typer.Typer(help=help_text, no_args_is_help=True)
    app.add_typer(group, name=name)
    return group


export_app = _group("export", "Export tables from the store.")
import_app = _group("import", "Load graph files into the store.")


class GraphFormatOpt(StrEnum):
    graphml = "graphml"
    gexf = "gexf"
    neo4j_csv = "neo4j-csv"


class TableName(StrEnum):
    engagements = "engagements"
    contacts = "contacts"


class TableFormatOpt(StrEnum):
    csv = "csv"
    parquet = "parquet"


@export_app.command("graph")
def export_graph(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="File (graphml, gexf) or directory (neo4j-csv).")
    ],
    fmt: Annotated[
        GraphFormatOpt, typer.Option("--format", help="Output format.")
    ] = GraphFormatOpt.graphml,
    label: Annotated[
        list[str] | None,
        typer.Option("--label", help="Only these node labels (repeat the option); all by default."),
    ] = None,
    tier: Annotated[
        list[str] | None,
        typer.Option("--tier", help="GraphML/GEXF: only HCPs of this tier, with their neighbours."),
    ] = None,
    segment: Annotated[
        list[str] | None, typer.Option("--segment", help="... of this segment.")
    ] = None,
    community: Annotated[
        list[str] | None, typer.Option("--community", help="... of this community.")
    ] = None,
    min_influence: Annotated[
        float | None,
        typer.Option("--min-influence", help="... with at least this influence (0-100)."),
    ] = None,
    data_dir: DataDir = None,
    as_json: JsonFlag = False,
) -> None:
    """The whole graph (or a filtered HCP subgraph) for Gephi, or as a Neo4j bulk-import set."""
    filtered = any(v is not None for v in (tier, segment, community, min_influence))
    with store_for(data_dir) as store:
        if fmt is GraphFormatOpt.neo4j_csv:
            if filtered:
                raise ExchangeError(
                    "--tier/--segment/--community/--min-influence apply to "
                    "graphml and gexf; for neo4j-csv use --label"
                )
            summary = export_neo4j_csv(store, output, labels=label or None)
            result = {
                "format": fmt.value,
                "output": str(output),
                "nodes": summary.nodes,
                "relationships": summary.relationships,
                "lossy": summary.lossy,
                "not_exported": summary.notes,
            }
        else:
            graph = property_graph(store, labels=label or None)
            if filtered:
                graph = hcp_subgraph(
                    graph,
                    tiers=tier,
                    segments=segment,
                    communities=community,
                    min_influence=min_influence,
                )
            write_graph(graph, output, fmt.value)  # type: ignore[arg-type]
            result = {
                "format": fmt.value,
                "output": str(output),
                "nodes": graph.number_of_nodes(),
                "edges": graph.number_of_edges(),
            }
    if as_json:
        print_json(result)
        return
    if fmt is GraphFormatOpt.neo4j_csv:
        console.print(
            f"wrote {sum(summary.nodes.values()):,} nodes and "
            f"{sum(summary.relationships.values()):,} relationships to {output}; "
            f"the import command is in {output / 'README.txt'}"
        )
        for note in summary.notes:
            console.print(f"[yellow]not exported:[/yellow] {note}")
        if summary.lossy:
            console.print(
                f"[yellow]written as text (mixed types):[/yellow] {', '.join(summary.lossy)}"
            )
    else:
        console.print(f"wrote {result['nodes']:,} nodes and {result['edges']:,} edges to {output}")


@export_app.command("table")
def export_table(
    name: Annotated[TableName, typer.Argument(help="Which table (HCPs: 'kolgraph export hcps').")],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    fmt: Annotated[
        TableFormatOpt | None,
        typer.Option("--format", help="csv or parquet (default: from the file extension)."),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Engagements (one row each) or contacts (one row per HCP and department) as a table."""
    with store_for(data_dir) as store:
        frame = table(store, name.value)
    write_table(frame, output, fmt.value if fmt else None)  # type: ignore[arg-type]
    console.print(f"wrote {len(frame):,} {name.value} rows to {output}")


@import_app.command("neo4j-csv")
def import_neo4j(
    directory: Annotated[Path, typer.Argument(help="Folder of a Neo4j bulk-import CSV set.")],
    array_delimiter: Annotated[
        str | None,
        typer.Option(
            "--array-delimiter", help="Between list items (default: manifest's, else ';')."
        ),
    ] = None,
    data_dir: DataDir = None,
    as_json: JsonFlag = False,
) -> None:
    """Load a Neo4j bulk-import CSV set (a kolgraph or Neo4j export) into the store."""
    with store_for(data_dir) as store:
        store.apply_schema()
        summary = import_neo4j_csv(store, directory, array_delimiter=array_delimiter)
    if as_json:
        print_json(
            {"nodes": summary.nodes, "relationships": summary.relationships, "files": summary.files}
        )
        return
    console.print(
        f"imported {sum(summary.nodes.values()):,} nodes and "
        f"{sum(summary.relationships.values()):,} relationships from "
        f"{len(summary.files)} files"
    )


@app.command()
def report(
    hcp: Annotated[
        str,
        typer.Argument(
            help="kolgraph id (npi:..., orcid:..., hcp:...), NPI, ORCID or a name to search."
        ),
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="HTML file (default: <hcp>.html here).")
    ] = None,
    pdf: Annotated[
        Path | None,
        typer.Option("--pdf", help="Also write a PDF here (needs WeasyPrint: the pdf extra)."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Contacts and conflicts up to this date (YYYY-MM-DD; default today)."
        ),
    ] = None,
    role: Annotated[
        str,
        typer.Option("--role", help="Read as this role: the firewall and spend rules follow it."),
    ] = REPORT_VIEWER.role,
    department: Annotated[
        str, typer.Option("--department", help="... of this department.")
    ] = REPORT_VIEWER.department,
    data_dir: DataDir = None,
) -> None:
    """A one-page profile for a KRM meeting: scores explained, ego network, contacts, conflicts."""
    when = _iso_date(as_of)
    viewer = Viewer("cli:report", check_role(role), department)
    with store_for(data_dir) as store:
        content = report_content(store, resolve_hcp(store, viewer, hcp), viewer=viewer, as_of=when)
    target = output or Path(f"{content.hcp_id.replace(':', '_')}.html")
    write_html(content, target)
    console.print(f"wrote {target}")
    if pdf is not None:
        write_pdf(content, pdf)
        console.print(f"wrote {pdf}")


_ID_LIKE = re.compile(r"^(?:[a-z_]+:.+|\d{10}|\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")


def resolve_hcp(store: GraphStore, viewer: Viewer, text: str, *, shown: int = 5) -> str:
    """``text`` itself when it is an id, NPI or ORCID; else the one HCP whose name matches.

    Raises
    ------
    ExchangeError
        If no name matches, or several do (the message lists the first ``shown`` with ids,
        most influential first).
    """
    if _ID_LIKE.match(text.strip()):
        return text.strip()
    page = search_hcps(store, viewer, HcpFilters(q=text.strip()), limit=shown)
    items, more = page.items, page.next_cursor
    if not items:
        raise ExchangeError(
            f"no HCP named like {text!r}; give a kolgraph id, an NPI or an "
            "ORCID, or search with GET /hcps?q=..."
        )
    if len(items) > 1:
        listed = "; ".join(f"{h.name or '?'} ({h.id})" for h in items)
        raise ExchangeError(
            f"{text!r} matches {'more than ' if more else ''}{len(items)} HCPs: "
            f"{listed}; run it again with one of the ids"
        )
    return items[0].id


def _iso_date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ExchangeError(f"--as-of {text!r} is not a date; use YYYY-MM-DD") from exc
