"""Flat tables for spreadsheets and notebooks: HCPs with scores, engagements, contacts.

The HCP table is scoring's own (:func:`kolgraph.scoring.frame.hcp_frame`); this module
adds engagements and per-department contacts and writes any of them to a file.

Each table is a :class:`pandas.DataFrame` with a stable leading column order; the rest
of the properties follow alphabetically and provenance comes last. :func:`write_table`
saves CSV (lists joined with ``"; "``, text that a spreadsheet would run as a formula
prefixed with ``'``, see :mod:`kolgraph.csvsafe`) or Parquet (lists kept as lists).

Examples
--------
>>> frame = ordered_frame([{"zeta": 1, "id": "npi:1", "source": "nppes"}], ("id",))
>>> list(frame.columns)
['id', 'zeta', 'source']
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from kolgraph import schema
from kolgraph.csvsafe import safe_frame
from kolgraph.errors import ExchangeError
from kolgraph.exchange.snapshot import PAGE
from kolgraph.scoring.frame import hcp_frame, named_only
from kolgraph.store import GraphStore

logger = logging.getLogger(__name__)

TableFormat = Literal["csv", "parquet"]
TABLES = ("hcps", "engagements", "contacts")
ENGAGEMENT_COLUMNS = (
    "id",
    "date",
    "type",
    "channel",
    "department",
    "hcp_id",
    "hcp_name",
    "hcp_npi",
    "employee_id",
    "employee_name",
    "product",
    "objective",
    "outcome",
    "key_messages",
    "cost",
    "amount",
    "nature_of_payment",
    "planned",
    "crm_id",
)
CONTACT_COLUMNS = (
    "hcp_id",
    "hcp_name",
    "npi",
    "tier",
    "segment",
    "influence",
    "department",
    "contacts",
    "first_date",
    "last_date",
    "spend",
    "employees",
    "types",
)


def ordered_frame(records: Iterable[Mapping[str, Any]], leading: Iterable[str]) -> pd.DataFrame:
    """Records as a frame: ``leading`` columns first, then the rest, provenance last."""
    rows = [dict(r) for r in records]
    present = {k for r in rows for k in r}
    first = [c for c in leading if c in present or not rows]
    tail = [c for c in schema.PROVENANCE + ("source_file",) if c in present and c not in first]
    middle = sorted(present - set(first) - set(tail))
    return pd.DataFrame(rows, columns=[*first, *middle, *tail])


def engagement_table(store: GraphStore) -> pd.DataFrame:
    """One row per engagement (per HCP it concerns), with the HCP's and employee's names."""
    records: list[dict[str, Any]] = []
    after = ""
    while True:
        rows = store.run("exchange_engagement_rows", after=after, limit=PAGE)
        for row in rows:
            record = dict(row["engagement"])
            record["hcp_id"] = row["hcp"] or record.get("hcp_id")
            record["hcp_name"] = row["hcp_name"]
            record["hcp_npi"] = row["hcp_npi"]
            record["employee_name"] = row["employee_name"]
            records.append(record)
        ids = {row["id"] for row in rows}
        if len(ids) < PAGE:
            break
        after = max(ids)
    return ordered_frame(records, ENGAGEMENT_COLUMNS)


def contact_table(
    store: GraphStore, *, since: str | None = None, until: str | None = None
) -> pd.DataFrame:
    """One row per HCP and department: contacts, first and last date, spend, employees.

    Parameters
    ----------
    since, until : str, optional
        ISO dates bounding the engagements counted (inclusive).
    """
    rows = store.run("exchange_contact_rows", since=since, until=until)
    for row in rows:
        row["types"] = sorted(t for t in row["types"] if t)
        row["spend"] = round(float(row["spend"] or 0.0), 2)
    return ordered_frame(rows, CONTACT_COLUMNS)


def named_hcps(store: GraphStore) -> pd.DataFrame:
    """Scoring's HCP table without the HCPs that have no name (as ``kolgraph export hcps``)."""
    return named_only(hcp_frame(store))[0].reset_index(drop=True)


def table(store: GraphStore, name: str) -> pd.DataFrame:
    """The table called ``name`` (``hcps``, ``engagements`` or ``contacts``).

    Raises
    ------
    ExchangeError
        If the name is not one of :data:`TABLES`.
    ScoringError
        For ``hcps`` when nothing has been scored yet.
    """
    makers = {"hcps": named_hcps, "engagements": engagement_table, "contacts": contact_table}
    if name not in makers:
        raise ExchangeError(f"unknown table {name!r}; use one of {', '.join(TABLES)}")
    return makers[name](store)


def _csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if out[column].map(lambda v: isinstance(v, list | tuple)).any():
            out[column] = out[column].map(
                lambda v: "; ".join(map(str, v)) if isinstance(v, list | tuple) else v
            )
    return safe_frame(out)


def _parquet_ready(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        kinds = {type(v).__name__ for v in out[column] if v is not None and v == v}
        if kinds <= {"int", "float"} or len(kinds) <= 1:
            continue
        if "list" in kinds:
            out[column] = out[column].map(
                lambda v: (
                    [str(i) for i in v]
                    if isinstance(v, list | tuple)
                    else (None if v is None or v != v else [str(v)])
                )
            )
        else:
            out[column] = out[column].map(lambda v: None if v is None or v != v else str(v))
    return out


def write_table(frame: pd.DataFrame, path: Path, fmt: TableFormat | None = None) -> Path:
    """Save ``frame`` as CSV or Parquet (from ``fmt`` or the file's extension).

    Raises
    ------
    ExchangeError
        If the format is unknown or the file cannot be written.
    """
    fmt = fmt or ("parquet" if path.suffix.lower() in (".parquet", ".pq") else "csv")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if fmt == "csv":
            # CRLF rows (RFC 4180): a carriage return inside a cell is then quoted too
            _csv_ready(frame).to_csv(path, index=False, lineterminator="\r\n")
        elif fmt == "parquet":
            _parquet_ready(frame).to_parquet(path, index=False)
        else:
            raise ExchangeError(f"unknown table format {fmt!r}; use csv or parquet")
    except OSError as exc:
        raise ExchangeError(f"cannot write {path}: {exc}") from exc
    logger.info("wrote %d rows to %s", len(frame), path)
    return path
