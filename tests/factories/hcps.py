"""HCP rows from the NPPES sample, as the loaders write them, for seeding test worlds.

>>> rows = nppes_hcps(2, run_id="doc", loaded_at="2024-01-01T00:00:00+00:00")
>>> [r["id"].startswith("npi:") for r in rows], rows[0]["props"]["source"]
([True, True], 'nppes')
"""

from __future__ import annotations

import csv
from typing import Any

from tests.factories import SAMPLES

NPPES = SAMPLES / "nppes" / "npidata_sample_1000_part1.csv"


def provenance(source: str, source_id: str, *, run_id: str, loaded_at: str) -> dict[str, Any]:
    """The provenance properties every loaded node carries (docs/schema.md)."""
    return {"source": source, "source_id": source_id, "loaded_at": loaded_at, "run_id": run_id}


def nppes_hcps(
    limit: int, *, run_id: str, loaded_at: str, specialties: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """``{"id", "props"}`` rows for the first ``limit`` individual providers of the sample.

    With ``specialties`` (taxonomy code -> name) each row also gets a ``specialty``,
    "Internal Medicine" where its code is not listed.
    """
    rows: list[dict[str, Any]] = []
    with NPPES.open(newline="", encoding="utf-8") as handle:
        for rec in csv.DictReader(handle):
            if not rec["Entity Type Code"].startswith("1") or not rec["NPI"]:
                continue
            npi = rec["NPI"].split(".")[0]
            given = rec["Provider First Name"].title()
            family = rec["Provider Last Name (Legal Name)"].title()
            taxonomy = rec["Healthcare Provider Taxonomy Code_1"] or None
            props: dict[str, Any] = {
                "npi": npi,
                "name": f"{given} {family}",
                "given": given,
                "family": family,
                "name_key": f"{family.lower()} {given[:1].lower()}",
                "credential": rec["Provider Credential Text"] or None,
                "taxonomy": taxonomy,
                "city": rec["Provider Business Practice Location Address City Name"].title(),
                "state": rec["Provider Business Practice Location Address State Name"],
                "postal_code": rec["Provider Business Practice Location Address Postal Code"].split(
                    "."
                )[0][:5],
                "country": "US",
                **provenance("nppes", npi, run_id=run_id, loaded_at=loaded_at),
            }
            if specialties is not None:
                props["specialty"] = specialties.get(taxonomy or "", "Internal Medicine")
            rows.append({"id": f"npi:{npi}", "props": props})
            if len(rows) >= limit:
                break
    return rows
