"""``kolgraph analytics ...``: KPIs, coverage, speakers, field activity, knowledge,
prescribing, ROI.

Each command prints a table by default, or writes the report as JSON (the whole report)
or CSV (its main rows, nested values as JSON) with ``--format`` and ``--output``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from kolgraph import analytics
from kolgraph.analytics.field_activity import FieldActivityParams
from kolgraph.analytics.knowledge import check_catalogue
from kolgraph.cli.app import DataDir, app, console, store_for
from kolgraph.csvsafe import safe_row
from kolgraph.errors import InvalidRequest
from kolgraph.krm.access import DEPARTMENTS, Viewer
from kolgraph.krm.kpis import kpis
from kolgraph.krm.policy import KrmPolicy

analytics_app = typer.Typer(
    help="KRM analytics: KPIs, coverage gaps, speaker development, "
    "suspicious field activity, knowledge gaps, prescribing, "
    "return on engagement.",
    no_args_is_help=True,
)
app.add_typer(analytics_app, name="analytics")


class Format(StrEnum):
    """Output formats."""

    table = "table"
    csv = "csv"
    json = "json"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="table, csv or json.")]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
]
UntilOpt = Annotated[
    str | None, typer.Option("--until", help="Last day (YYYY-MM-DD); default today.")
]
LimitOpt = Annotated[int, typer.Option("--limit", min=1, max=100000, help="Rows to show.")]


def _until(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidRequest(
            f"--until must be a date like 2024-06-30, got {text!r}", "until"
        ) from None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, default=str)
    return str(value)


def _csv(rows: list[dict[str, Any]]) -> str:
    columns = list(dict.fromkeys(k for r in rows for k in r))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            safe_row(
                {
                    k: json.dumps(v, default=str) if isinstance(v, list | dict | set) else v
                    for k, v in row.items()
                }
            )
        )
    return out.getvalue()


def emit(
    report: dict[str, Any],
    rows: list[dict[str, Any]],
    columns: list[str],
    title: str,
    fmt: Format,
    output: Path | None,
    extra: Callable[[], None] | None = None,
) -> None:
    """Print or write a report in the chosen format."""
    if fmt is Format.table:
        table = Table(title=title, title_justify="left")
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*(_cell(row.get(c)) for c in columns))
        if output:
            with output.open("w", encoding="utf-8") as handle:
                from rich.console import Console

                Console(file=handle, width=200).print(table)
        else:
            console.print(table)
            if extra:
                extra()
        return
    text = (
        json.dumps(report, default=lambda v: sorted(v) if isinstance(v, set) else str(v), indent=2)
        + "\n"
        if fmt is Format.json
        else _csv(rows)
    )
    if output:
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote {len(rows)} rows to {output}")
    else:
        typer.echo(text, nl=False)


KPI_COLUMNS = [
    "department",
    "engagements",
    "hcps_engaged",
    "targets",
    "target_coverage_rate",
    "plan_adherence",
    "call_rate",
    "visits",
    "visits_located",
    "verified_visit_rate",
    "call_report_completeness",
    "key_message_delivery_rate",
]  # + outcome_mix: CSV/JSON
# The command runs with the data directory in hand, so it reads as compliance does: every
# department's KPIs with nothing withheld.
MANAGER = Viewer("cli:kpis", "compliance", "compliance")


@analytics_app.command("kpis")
def kpis_cmd(
    data_dir: DataDir = None,
    until: UntilOpt = None,
    days: Annotated[int, typer.Option(min=1, max=3660, help="Period length in days.")] = 365,
    department: Annotated[
        list[str] | None,
        typer.Option("--department", "-d", help="Only these departments (repeat); default all."),
    ] = None,
    territory: Annotated[str | None, typer.Option(help="Only this territory.")] = None,
    segment: Annotated[str | None, typer.Option(help="Only HCPs of segment A, B or C.")] = None,
    radius_m: Annotated[
        float | None,
        typer.Option(
            "--radius-m", min=1, help="GPS radius of a verified visit (default: the policy's)."
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
) -> None:
    """The dashboard's KPIs for a period: overall, then one row per department."""
    for name in department or []:
        if name not in DEPARTMENTS:
            raise InvalidRequest(
                f"--department must be one of {', '.join(DEPARTMENTS)}, got {name!r}", "department"
            )
    end = _until(until) or date.today()
    start = end - timedelta(days=days - 1)
    policy = KrmPolicy() if radius_m is None else KrmPolicy(visit_radius_m=radius_m)
    with store_for(data_dir) as store:
        rows = [
            kpis(
                store,
                MANAGER,
                policy,
                period_start=start,
                period_end=end,
                department=d,
                territory=territory,
                segment=segment,
            ).model_dump()
            for d in [None, *(department or DEPARTMENTS)]
        ]
    for row in rows:
        row["department"] = row["department"] or "all"
    report = {"since": start.isoformat(), "until": end.isoformat(), "kpis": rows}
    latest = rows[0]["latest_engagement_date"]
    emit(
        report,
        rows,
        KPI_COLUMNS,
        f"KPIs {start}..{end}",
        fmt,
        output,
        (
            lambda: console.print(
                f"No engagement in the period; the latest is from {latest}: try --until {latest}"
            )
        )
        if latest
        else None,
    )


@analytics_app.command("coverage")
def coverage_cmd(
    data_dir: DataDir = None,
    until: UntilOpt = None,
    days: Annotated[int, typer.Option(help="Window length in days.")] = 180,
    low: Annotated[
        bool, typer.Option("--low-influence", help="List effort on low-influence HCPs instead.")
    ] = False,
    limit: LimitOpt = 50,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
) -> None:
    """Influential HCPs with too little engagement (or effort on low-influence ones)."""
    with store_for(data_dir) as store:
        report = analytics.coverage_gaps(
            store, until=_until(until), params=analytics.CoverageParams(days=days, limit=limit)
        )
    if low:
        emit(
            report,
            report["low_influence_effort"],
            [
                "id",
                "name",
                "influence",
                "tier",
                "engagements",
                "spend",
                "share_of_engagements",
                "reason",
            ],
            "Effort on low-influence HCPs",
            fmt,
            output,
        )
    else:
        emit(
            report,
            report["gaps"],
            [
                "id",
                "name",
                "influence",
                "tier",
                "engagements",
                "expected",
                "gap",
                "last_contact",
                "reason",
            ],
            f"Coverage gaps {report['since']}..{report['until']}",
            fmt,
            output,
            lambda: console.print(report["summary"]),
        )


@analytics_app.command("speakers")
def speakers_cmd(
    data_dir: DataDir = None,
    until: UntilOpt = None,
    years: Annotated[int, typer.Option(help="Years per momentum window.")] = 2,
    min_expertise: Annotated[float, typer.Option(help="Expertise percentile 0-1.")] = 0.5,
    record: Annotated[
        bool,
        typer.Option("--record", help="Store the proposals with their reasons (SpeakerProposal)."),
    ] = False,
    limit: LimitOpt = 50,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
) -> None:
    """Speaker candidates, ranked with reasons; never uses prescribing data."""
    with store_for(data_dir) as store:
        report = analytics.speaker_candidates(
            store, until=_until(until), years=years, min_expertise=min_expertise, limit=limit
        )
        if record:
            analytics.record_proposals(store, report["candidates"])
    emit(
        report,
        report["candidates"],
        ["rank", "id", "name", "score", "expertise", "momentum", "reasons"],
        "Speaker candidates (features: " + ", ".join(report["features_used"]) + ")",
        fmt,
        output,
    )


@analytics_app.command("field-activity")
def field_activity_cmd(
    data_dir: DataDir = None,
    until: UntilOpt = None,
    days: Annotated[int, typer.Option(help="Window length in days.")] = 180,
    period: Annotated[str, typer.Option(help="month, week or all.")] = "month",
    department: Annotated[str | None, typer.Option(help="Only this department.")] = None,
    contamination: Annotated[
        float, typer.Option(min=0.001, max=0.5, help="IsolationForest share flagged.")
    ] = 0.1,
    seed: Annotated[int, typer.Option(help="IsolationForest random_state.")] = 0,
    all_rows: Annotated[
        bool, typer.Option("--all", help="Every employee-period, not only flagged ones.")
    ] = False,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
) -> None:
    """Employees whose call records look fabricated, each flag with its drivers."""
    from kolgraph.analytics.fabrication import suspicious_activity  # loads scikit-learn

    params = FieldActivityParams.for_policy(
        KrmPolicy(), days=days, period=period, contamination=contamination, seed=seed
    )
    with store_for(data_dir) as store:
        report = suspicious_activity(
            store, until=_until(until), department=department, params=params
        )
    rows = report["periods"] if all_rows else [r for r in report["periods"] if r["flagged"]]
    for row in rows:
        row["rule_names"] = [h["rule"] for h in row["rules"]]
        row["driven_by"] = [
            f"{d['feature']}={d['value']:g} (typ {d['typical']:g})" for d in row["drivers"]
        ]
    emit(
        report,
        rows,
        [
            "employee_id",
            "period",
            "engagements",
            "detector_score",
            "detector_flag",
            "rule_names",
            "driven_by",
        ],
        "Suspicious field activity",
        fmt,
        output,
    )


@analytics_app.command("knowledge")
def knowledge_cmd(
    data_dir: DataDir = None,
    until: UntilOpt = None,
    days: Annotated[int, typer.Option(help="Messages delivered in this many days count.")] = 365,
    hcp: Annotated[str | None, typer.Option("--hcp", help="One HCP id.")] = None,
    segment: Annotated[str | None, typer.Option(help="Only this segment.")] = None,
    weak_below: Annotated[float, typer.Option(help="Weak below this score.")] = 0.6,
    messages: Annotated[
        Path | None,
        typer.Option("--messages", help="JSON message catalogue {dimension: [message, ...]}."),
    ] = None,
    segments: Annotated[bool, typer.Option("--segments", help="Show segment means.")] = False,
    limit: LimitOpt = 100,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
) -> None:
    """Weak quiz dimensions per HCP, messages delivered, and what to say next."""
    catalogue = None
    if messages is not None:
        try:
            catalogue = check_catalogue(json.loads(messages.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError) as exc:
            raise InvalidRequest(
                f"cannot read the message catalogue {messages}: {exc}", "messages"
            ) from exc
    with store_for(data_dir) as store:
        report = analytics.knowledge_gaps(
            store,
            hcp_id=hcp,
            segment=segment,
            until=_until(until),
            days=days,
            weak_below=weak_below,
            catalogue=catalogue,
            limit=limit,
        )
    if segments:
        rows = [
            {"segment": s["segment"], "hcps": s["hcps"], "dimension": d, **v}
            for s in report["segments"]
            for d, v in s["dimensions"].items()
        ]
        emit(
            report,
            rows,
            ["segment", "hcps", "dimension", "mean", "weak_share"],
            "Knowledge by segment",
            fmt,
            output,
        )
        return
    for row in report["hcps"]:
        row["delivered_messages"] = [f"{m['message']} x{m['times']}" for m in row["delivered"]]
        row["next"] = [m["message"] for m in row["next_messages"]] or row["advice"]
    emit(
        report,
        report["hcps"],
        ["hcp_id", "name", "segment", "weak", "delivered_messages", "next"],
        "Knowledge gaps",
        fmt,
        output,
    )


@analytics_app.command("prescribing")
def prescribing_cmd(
    data_dir: DataDir = None,
    product: Annotated[
        list[str] | None,
        typer.Option("--product", help="A company product (brand or generic); repeat for several."),
    ] = None,
    threshold: Annotated[float, typer.Option(help="Relative change that is sharp.")] = 0.5,
    min_claims: Annotated[int, typer.Option(help="Claims the larger year needs.")] = 20,
    potential: Annotated[
        bool, typer.Option("--potential", help="List prescribing potential instead.")
    ] = False,
    limit: LimitOpt = 100,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
) -> None:
    """Prescribing potential and HCPs whose prescribing swings sharply year to year."""
    with store_for(data_dir) as store:
        report = analytics.prescribing_report(
            store, products=product, threshold=threshold, min_claims=min_claims, limit=limit
        )
    if potential:
        emit(
            report,
            report["potential"],
            ["hcp_id", "name", "npi", "year", "claims", "company_claims", "company_share"],
            "Prescribing potential",
            fmt,
            output,
        )
    else:
        emit(
            report,
            report["fluctuations"],
            ["hcp_id", "name", "product", "series", "reason"],
            "Prescribing fluctuations",
            fmt,
            output,
        )


@analytics_app.command("roi")
def roi_cmd(
    data_dir: DataDir = None,
    until: UntilOpt = None,
    days: Annotated[int, typer.Option(help="Window length in days.")] = 365,
    view: Annotated[str, typer.Option(help="kol, department, area or product.")] = "kol",
    limit: LimitOpt = 100,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
) -> None:
    """Spend versus change in KOL outcomes, per KOL, department, therapeutic area, product."""
    views = {
        "kol": (
            "kols",
            [
                "hcp_id",
                "name",
                "department",
                "spend",
                "engagements",
                "acceptance_change",
                "speaker_change",
                "claims_change",
            ],
        ),
        "department": (
            "departments",
            [
                "department",
                "spend",
                "engagements",
                "hcps",
                "cost_per_accepted",
                "acceptance_change",
                "speaker_change",
                "claims_change",
            ],
        ),
        "area": (
            "therapeutic_areas",
            [
                "therapeutic_area",
                "products",
                "budget",
                "spend",
                "budget_used",
                "engagements",
                "cost_per_accepted",
            ],
        ),
        "product": (
            "products",
            [
                "product",
                "therapeutic_area",
                "budget",
                "spend",
                "budget_used",
                "engagements",
                "cost_per_accepted",
            ],
        ),
    }
    if view not in views:
        raise InvalidRequest(f"--view must be one of {', '.join(views)}", "view")
    with store_for(data_dir) as store:
        report = analytics.return_on_engagement(store, until=_until(until), days=days, limit=limit)
    key, columns = views[view]
    emit(
        report,
        report[key],
        columns,
        f"Return on engagement {report['since']}..{report['until']} vs "
        f"{report['compared_with'][0]}..{report['compared_with'][1]}",
        fmt,
        output,
    )
