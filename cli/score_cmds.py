"""``kolgraph score`` and ``kolgraph export hcps``: scoring runs and the HCP table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from kolgraph.cli.app import DataDir, JsonFlag, app, console, print_json, settings_for, store_for
from kolgraph.errors import ScoringError
from kolgraph.scoring import ScoringParams, score_hcps, write_run
from kolgraph.scoring.frame import write_hcps

export_app = typer.Typer(help="Export tables from the store.", no_args_is_help=True)
app.add_typer(export_app, name="export")


def _year(value: str | None, option: str) -> int | None:
    if value is None:
        return None
    text = value.strip()
    if len(text) >= 4 and text[:4].isdigit() and (len(text) == 4 or text[4] == "-"):
        return int(text[:4])
    raise ScoringError(f"{option} {value!r} is not a year; give YYYY or YYYY-MM-DD")


@app.command()
def score(
    data_dir: DataDir = None,
    area: Annotated[
        str | None,
        typer.Option(
            "--area", help="Therapeutic area: MeSH id (D003920), tree number (C18.452) or term."
        ),
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="First year (YYYY).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Last year (YYYY).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of every random step.")] = 0,
    top: Annotated[int, typer.Option("--top", help="Rows to print.")] = 20,
    include_non_hcp: Annotated[
        bool,
        typer.Option(
            "--include-non-hcp",
            help="Rank and tier everyone, industry authors and people with no HCP evidence too.",
        ),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Score every HCP, store the run (ScoreRun + ScorePage nodes) and print the top KOLs.

    Only eligible healthcare professionals are ranked and tiered (see docs/scoring.md);
    everyone else stays in the network and is listed after them with no tier.
    """
    try:
        params = ScoringParams(
            area=area,
            since=_year(since, "--since"),
            until=_year(until, "--until"),
            seed=seed,
            include_non_hcp=include_non_hcp,
        )
    except ValidationError as exc:
        problem = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
        raise ScoringError(f"invalid scoring options: {problem}") from exc
    scratch = settings_for(data_dir).data_dir  # on disk, beside the store
    with store_for(data_dir) as store:
        result = score_hcps(store, params, lean=True, scratch=scratch if scratch.is_dir() else None)
        run_id = write_run(store, result)
    columns = ["name", "influence", "tier", "segment", "scope", "community", "rising_star"]
    # the top rows only: a filtered copy of the whole frame is ~0.8 GB at 1M HCPs
    frame = result.frame
    best_ids = frame["rank"].where(frame["ranked"]).nsmallest(top).index
    best = frame.loc[best_ids, [*columns, "rank", "eligibility_reason"]]
    tiering = result.info["tiering"]
    if as_json:
        print_json(
            {
                "run_id": run_id,
                "n_hcps": len(result.frame),
                "n_eligible": result.info["eligible"],
                "n_industry": result.info["industry"],
                "n_ranked": tiering["ranked"],
                "tier_counts": tiering["tiers"],
                "segment_counts": tiering["segments"],
                "tiering": tiering,
                "modularity": result.info["modularity"],
                "n_communities": result.info["n_communities"],
                "component_weights": result.info["component_weights"],
                "portfolio": [p["node"] for p in result.info["portfolio"]],
                "top": [
                    {
                        "id": hcp,
                        **{c: row[c] for c in columns},
                        "rank": int(row["rank"]),
                        "eligibility_reason": row["eligibility_reason"],
                    }
                    for hcp, row in best.iterrows()
                ],
            }
        )
        return
    table = Table(
        title=f"{run_id}: {len(result.frame)} people, {tiering['ranked']} ranked HCPs, "
        f"{result.info['n_communities']} communities "
        f"(Q = {result.info['modularity']:.3f})",
        caption="tiers: "
        + ", ".join(f"{n} {t}" for t, n in tiering["tiers"].items())
        + "; segments: "
        + ", ".join(f"{n} {s}" for s, n in tiering["segments"].items()),
    )
    for column in ("rank", "id", *columns):
        table.add_column(column)
    for hcp, row in best.iterrows():
        table.add_row(
            str(row["rank"]),
            hcp,
            *(f"{row[c]:.1f}" if c == "influence" else str(row[c]) for c in columns),
        )
    console.print(table)


@export_app.command("hcps")
def export_hcps_cmd(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet.")] = "csv",
    include_nameless: Annotated[
        bool,
        typer.Option(
            "--include-nameless",
            help="Also write HCPs without a name (NPIs known only from referral files).",
        ),
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """One row per HCP with its latest influence, components, tier, segment, scope, community.

    HCPs without a name (an NPI of a referral file that the loaded NPI registry rows do not
    name) are left out and counted; load the NPPES file that names them, or pass
    --include-nameless.
    """
    with store_for(data_dir) as store:
        n, left_out = write_hcps(store, output, fmt, include_nameless=include_nameless)
    console.print(
        f"wrote {n} HCPs to {output}"
        + (
            f"; left out {left_out} HCPs without a name (--include-nameless writes them)"
            if left_out
            else ""
        )
    )
