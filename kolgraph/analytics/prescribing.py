"""Prescribing potential and sharp period-to-period swings, from prescriber data (Part D).

* **potential**: an HCP's claims in the latest loaded year, all drugs (what scoring reads
  as ``prescribing_claims``), with the claims of the company's products and their share.
  Company products are Products with ``company_product = true``, or the names given.
* **fluctuation**: per HCP and company product, the change between consecutive loaded
  years. A drug an HCP is not listed for in a year he has other records for counts as 0
  (CMS leaves out counts under 11). A change is flagged when
  ``|log((c2 + 1) / (c1 + 1))| >= log(1 + threshold)`` and the larger of the two years
  has at least ``min_claims`` claims, so a swing from 2 to 5 claims is noise, 40 to 160
  is not.

Examples
--------
>>> swing(40, 160, threshold=0.5, min_claims=20)
(True, 3.0)
>>> swing(2, 5, threshold=0.5, min_claims=20)
(False, 1.5)
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from kolgraph.errors import InvalidRequest
from kolgraph.store import GraphStore


def swing(before: int, after: int, *, threshold: float, min_claims: int) -> tuple[bool, float]:
    """(flagged, relative change) for claims going from ``before`` to ``after``."""
    change = round((after - before) / before, 4) if before else math.inf
    big = abs(math.log((after + 1) / (before + 1))) >= math.log(1 + threshold)
    return big and max(before, after) >= min_claims, change


def prescribing_report(
    store: GraphStore,
    *,
    products: list[str] | None = None,
    threshold: float = 0.5,
    min_claims: int = 20,
    limit: int = 100,
) -> dict[str, Any]:
    """Prescribing potential per HCP and flags for sharp swings on company products.

    Parameters
    ----------
    products : list of str, optional
        Brand or generic names of the company's products (case-insensitive); default: the
        Products marked ``company_product``; with neither, every drug counts.
    threshold : float
        Relative change that counts as sharp (0.5: +50% or -33%).
    min_claims : int
        The larger year must have at least this many claims.

    Raises
    ------
    InvalidRequest
        If ``threshold`` is not positive or ``min_claims`` is negative.
    """
    if threshold <= 0:
        raise InvalidRequest("threshold must be positive", "threshold")
    if min_claims < 0:
        raise InvalidRequest("min_claims must not be negative", "min_claims")
    rows = store.run("prescribing_records")
    wanted = {p.strip().lower() for p in products or []}
    flagged_products = any(r["company_product"] for r in rows)

    def is_company(r: dict[str, Any]) -> bool:
        if wanted:
            return (
                str(r["brand_name"]).lower() in wanted or str(r["generic_name"]).lower() in wanted
            )
        return bool(r["company_product"]) if flagged_products else True

    years = sorted({int(r["year"]) for r in rows})
    hcp_years: dict[str, set[int]] = defaultdict(set)
    totals: dict[tuple[str, int], int] = defaultdict(int)
    company: dict[tuple[str, int], int] = defaultdict(int)
    series: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    names: dict[str, dict[str, Any]] = {}
    for r in rows:
        hid, year, claims = r["hcp_id"], int(r["year"]), int(r["claims"] or 0)
        names[hid] = {"name": r["name"], "npi": r["npi"]}
        hcp_years[hid].add(year)
        totals[(hid, year)] += claims
        if is_company(r):
            company[(hid, year)] += claims
            series[(hid, r["brand_name"])][year] = claims
    potential = []
    for hid, seen in hcp_years.items():
        latest = max(seen)
        total, own = totals[(hid, latest)], company[(hid, latest)]
        potential.append(
            {
                "hcp_id": hid,
                **names[hid],
                "year": latest,
                "claims": total,
                "company_claims": own,
                "company_share": round(own / total, 4) if total else None,
            }
        )
    potential.sort(key=lambda p: (-p["claims"], p["hcp_id"]))
    fluctuations = []
    for (hid, product), by_year in series.items():
        listed = sorted(y for y in hcp_years[hid] if y >= min(by_year))
        changes: list[dict[str, Any]] = []
        for y1, y2 in zip(listed, listed[1:], strict=False):
            c1, c2 = by_year.get(y1, 0), by_year.get(y2, 0)
            flagged, change = swing(c1, c2, threshold=threshold, min_claims=min_claims)
            changes.append(
                {
                    "from_year": y1,
                    "to_year": y2,
                    "from_claims": c1,
                    "to_claims": c2,
                    "change": None if math.isinf(change) else change,
                    "flagged": flagged,
                }
            )
        hits = [c for c in changes if c["flagged"]]
        if hits:
            worst = max(
                hits, key=lambda c: abs(math.log((c["to_claims"] + 1) / (c["from_claims"] + 1)))
            )
            direction = "rose" if worst["to_claims"] > worst["from_claims"] else "fell"
            fluctuations.append(
                {
                    "hcp_id": hid,
                    **names[hid],
                    "product": product,
                    "series": dict(sorted(by_year.items())),
                    "changes": changes,
                    "swings": len(hits),
                    "reason": (
                        f"{product} claims {direction} from {worst['from_claims']} in "
                        f"{worst['from_year']} to {worst['to_claims']} in "
                        f"{worst['to_year']}"
                        + (f"; {len(hits)} sharp changes" if len(hits) > 1 else "")
                    ),
                }
            )
    fluctuations.sort(
        key=lambda f: (
            -f["swings"],
            -max(
                abs(math.log((c["to_claims"] + 1) / (c["from_claims"] + 1))) for c in f["changes"]
            ),
            f["hcp_id"],
            f["product"],
        )
    )
    return {
        "years": years,
        "products": sorted(wanted) or ("company_product" if flagged_products else "all"),
        "hcps": len(hcp_years),
        "potential": potential[:limit],
        "fluctuations": fluctuations[:limit],
    }
