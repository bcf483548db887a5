"""``kolgraph demo``: the main job end to end on the real samples shipped with kolgraph."""

from __future__ import annotations

import csv
import math
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from kolgraph.cli.api_cmds import serve as serve_api
from kolgraph.cli.app import DataDir, app, console, settings_for
from kolgraph.cli.score_cmds import score
from kolgraph.errors import ConfigError
from kolgraph.ingest import run_ingest
from kolgraph.ingest.registry import LOADERS, loader_for
from kolgraph.ingest.runner import IngestSummary, Loader
from kolgraph.krm.keys import create_key
from kolgraph.scoring import ScoringParams, score_hcps
from kolgraph.scoring.frame import hcp_frame
from kolgraph.store import GraphStore, open_store

# (source, sample file relative to the samples folder), in load order: registry identities
# first, then the sources that mention people by name and are resolved onto them.
DEMO_PLAN: list[tuple[str, str]] = [
    ("nppes", "nppes/npidata_sample_1000_part1.csv"),
    ("referrals", "referrals-pspp/physician-shared-patient-patterns-2014-days180_subsample100.txt"),
    ("pubmed", "pubmed/pubmed21n1298_sample_mesh_indexed.xml"),
    ("pubmed", "pubmed/pubmed21n1298_sample_every21st.xml"),
    ("pubmed", "pubmed/efetch/biopython_pubmed4.xml"),
    ("crossref", "crossref/crossref_works.jsonl"),
    ("openalex", "openalex/works_results_page_chunk1.json"),
    ("congress", "conference-midl/midl2020_scientific-program.md"),
    ("trials", "clinicaltrials-gov/api_v2_study/NCT02210780.json"),
    ("payments", "open-payments/general_payments_PY2013_SanFrancisco_socrata_part1.csv"),
    ("payments", "open-payments/OP_DTL_RSRCH_PGYR2015_IowaSubset.csv"),
    ("crm", "crm/engagements_sample.csv"),
]


def shift_crm_dates(source: Path, target: Path, today: date | None = None) -> int:
    r"""Copy the CRM sample ``source`` to ``target`` with every ``datetime`` moved by whole weeks
    so that the latest engagement falls in the week before ``today``; returns the days moved.

    Whole weeks keep every weekday (call rates count Monday to Friday). The shipped sample
    stays as it is; the demo loads the copy, so its dashboard and profiles start with recent
    contacts whatever day it runs.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "in.csv").write_text("engagement_id,datetime\nE1,2025-06-28T08:00\n")
    >>> shift_crm_dates(folder / "in.csv", folder / "out.csv", date(2026, 12, 5))
    518
    >>> (folder / "out.csv").read_text().splitlines()[1]
    'E1,2026-11-28T08:00'
    """
    today = today or date.today()
    with source.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    stamps = [datetime.fromisoformat(r["datetime"]) for r in rows if r.get("datetime")]
    if not stamps:
        raise ConfigError(f"{source}: no 'datetime' value to date the demo's engagements by")
    days = (today - timedelta(days=1) - max(stamps).date()).days // 7 * 7  # never today
    for row in rows:
        if row.get("datetime"):
            moved = datetime.fromisoformat(row["datetime"]) + timedelta(days=days)
            row["datetime"] = moved.isoformat(timespec="minutes")
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return days


def _read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write_rows(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n", restval="")
        writer.writeheader()
        writer.writerows(rows)


def split_crm_accounts(path: Path, prescribers: Path, kols: Path) -> None:
    r"""Write the rows of ``path`` whose CRM account has a practice location (``hcp_lat``)
    to ``prescribers`` and the other accounts' rows to ``kols``.

    The shipped sample's engagements are invented and its HCPs are NPPES and Open Payments
    prescribers, whom the publication and registry samples do not score. The demo keeps the
    accounts with a practice location (and GPS fixes of visits around it) as prescribers and
    keys the others to the scored KOLs (:func:`key_crm_accounts`).

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "crm.csv").write_text("engagement_id,hcp_crm_id,hcp_lat\nE1,A,\nE2,B,37.7\n"
    ...                                "E3,B,\n")
    >>> split_crm_accounts(d / "crm.csv", d / "p.csv", d / "k.csv")
    >>> (d / "p.csv").read_text().splitlines()[1:], (d / "k.csv").read_text().splitlines()[1:]
    (['E2,B,37.7', 'E3,B,'], ['E1,A,'])
    """
    fields, rows = _read_rows(path)
    located = {r.get("hcp_crm_id") for r in rows if r.get("hcp_lat")}
    _write_rows(prescribers, fields, [r for r in rows if r.get("hcp_crm_id") in located])
    _write_rows(kols, fields, [r for r in rows if r.get("hcp_crm_id") not in located])


def key_crm_accounts(path: Path, hcps: list[tuple[str, str]]) -> int:
    r"""Give the CRM accounts of ``path``, in account order, the kolgraph id and name of
    ``hcps`` (most influential first), in place; returns the accounts keyed.

    A company's CRM holds its KOL accounts under the kolgraph id it imported (``hcp_id``,
    docs/formats/crm.md). A keyed row keeps its engagement and loses the prescriber's NPI,
    profile id, affiliation and place; accounts beyond ``hcps`` stay as they are.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "crm.csv"
    >>> _ = path.write_text("engagement_id,hcp_crm_id,hcp_npi,hcp_name\n"
    ...                     "E1,CRM-2,1234567893,Ann Roe\nE2,CRM-3,,Bo Li\nE3,CRM-2,,Ann Roe\n")
    >>> key_crm_accounts(path, [("orcid:0000-0001-2345-6789", "Kim Park")])
    1
    >>> path.read_text().splitlines()[1:]
    ['E1,orcid:0000-0001-2345-6789,CRM-2,,Kim Park', 'E2,,CRM-3,,Bo Li', \
'E3,orcid:0000-0001-2345-6789,CRM-2,,Kim Park']
    """
    fields, rows = _read_rows(path)
    accounts = sorted({r["hcp_crm_id"] for r in rows if r.get("hcp_crm_id")})
    owner = dict(zip(accounts, hcps, strict=False))
    for row in rows:
        if row.get("hcp_crm_id") in owner:
            hcp_id, name = owner[row["hcp_crm_id"]]
            row.update(
                {
                    key: ""
                    for key in (
                        "hcp_npi",
                        "hcp_profile_id",
                        "hcp_affiliation",
                        "hcp_city",
                        "hcp_state",
                    )
                    if key in row
                }
            )
            row.update(hcp_id=hcp_id, hcp_name=name)
    if "hcp_id" not in fields:
        fields.insert(1, "hcp_id")
    _write_rows(path, fields, rows)
    return len(owner)


def ranked_hcps(store: GraphStore) -> list[tuple[str, str]]:
    """(id, name) of the HCPs a default scoring of ``store`` ranks, most influential first."""
    frame = score_hcps(store, ScoringParams()).frame
    best = frame[frame["ranked"]].sort_values("rank")
    return [(str(hcp), str(name)) for hcp, name in best["name"].items()]


def load_demo_crm(
    store: GraphStore, loader: Loader, sample: Path, folder: Path, rejects: Path
) -> list[IngestSummary]:
    """Load the CRM sample as the demo does, in two runs, the prescribers' accounts first.

    The copy is dated to end this week (:func:`shift_crm_dates`); once the prescribers'
    accounts are loaded, the other accounts are keyed to the most influential HCPs of a
    scoring of the store (:func:`key_crm_accounts`) and loaded. Keyed rows add no HCP, so
    the final scoring ranks the same HCPs on top and the strategic KOLs carry engagements.
    """
    shifted = folder / sample.name
    days = shift_crm_dates(sample, shifted)
    console.print(f"CRM sample dated {days} days later, ending this week")
    prescribers, kols = folder / "crm_prescribers.csv", folder / "crm_kols.csv"
    split_crm_accounts(shifted, prescribers, kols)
    done = [run_ingest(store, loader, prescribers, rejects_dir=rejects, progress=True)]
    keyed = key_crm_accounts(kols, ranked_hcps(store))
    console.print(
        f"CRM sample: {keyed} accounts without a practice location keyed by kolgraph "
        f"id to the {keyed} most influential HCPs (the engagements are invented)"
    )
    done.append(run_ingest(store, loader, kols, rejects_dir=rejects, progress=True))
    return done


def tier_table(frame: pd.DataFrame) -> Table:
    """Every tier with its size and its most influential HCP, and who is not ranked."""
    table = Table(title="tiers (eligible HCPs; thresholds are influence percentiles)")
    for column in ("tier", "HCPs", "top HCP", "influence", "percentile", "segment", "why eligible"):
        table.add_column(column)
    for tier in ("strategic", "potential", "basic"):
        members = frame[frame["tier"] == tier].sort_values(
            ["influence", "id"], ascending=[False, True]
        )
        first = members.iloc[0] if len(members) else None
        table.add_row(
            tier,
            f"{len(members):,}",
            *(
                ("-",) * 5
                if first is None
                else (
                    str(first["name"]),
                    f"{first['influence']:.1f}",
                    f"{math.floor(first['influence_percentile'] * 100) / 100:.2f}",
                    str(first["segment"]),
                    str(first["eligibility_reason"])[:60],
                )
            ),
        )
    others = frame[frame["eligible"] != True]  # noqa: E712 (None: not scored)
    industry = int((others["industry"] == True).sum())  # noqa: E712
    table.add_row(
        "not ranked",
        f"{len(others):,}",
        f"{industry:,} industry-affiliated, {len(others) - industry:,} without HCP evidence",
        "",
        "",
        "",
        "",
    )
    return table


def default_samples() -> Path:
    """The ``data/samples`` folder of a source checkout."""
    return Path(__file__).resolve().parents[1] / "data" / "samples"


@app.command()
def demo(
    data_dir: DataDir = None,
    samples: Annotated[Path | None, typer.Option(help="Folder of sample data.")] = None,
    top: Annotated[int, typer.Option(help="How many KOLs to list.")] = 20,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the API after.")] = True,
    port: Annotated[int, typer.Option(help="Port for the API.")] = 8000,
) -> None:
    """Load the shipped real samples, score them, list the top KOLs and serve the API."""
    settings = settings_for(data_dir)
    folder = samples or default_samples()
    if not folder.is_dir():
        raise ConfigError(f"sample folder {folder} not found; pass --samples PATH")
    table = Table(title="loaded")
    for column in ("source", "file", "read", "loaded", "rejected", "duplicates"):
        table.add_column(column)
    with open_store(settings) as store:
        store.apply_schema()
        for source, relative in DEMO_PLAN:
            if source not in LOADERS:
                continue
            loader = loader_for(source)
            loader.configure(settings)
            path = folder / relative
            rejects = settings.data_dir / "rejects"
            summaries = (
                load_demo_crm(store, loader, path, settings.data_dir / "demo", rejects)
                if source == "crm"  # dated to today, keyed to the scored KOLs
                else [run_ingest(store, loader, path, rejects_dir=rejects, progress=True)]
            )
            table.add_row(
                source,
                Path(relative).name,
                *(
                    f"{sum(getattr(s, n) for s in summaries):,}"
                    for n in ("read", "loaded", "rejected", "duplicates")
                ),
            )
        console.print(table)
        counts = store.counts()
    console.print(
        f"graph: {sum(counts['nodes'].values()):,} nodes, "
        f"{sum(counts['relationships'].values()):,} relationships "
        f"in {settings.data_dir}"
    )
    score(
        data_dir=settings.data_dir,
        area=None,
        since=None,
        until=None,
        seed=0,
        top=top,
        include_non_hcp=False,
        as_json=False,
    )
    with open_store(settings) as store:
        console.print(tier_table(hcp_frame(store)))
    if not serve:
        return
    with open_store(settings) as store:
        key, _ = create_key(store, "admin", "medical_affairs", label="kolgraph demo")
    console.print(
        "API key for the demo (role admin, department medical_affairs); send it as "
        "the X-API-Key header or sign in with it at /ui/:"
    )
    typer.echo(key)
    serve_api(data_dir=settings.data_dir, host="127.0.0.1", port=port, workers=1)
