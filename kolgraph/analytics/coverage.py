"""Coverage gaps: influential HCPs the company hardly engages, and effort on the rest.

For every scored HCP the engagements of all departments in the window are counted
(planned ones and third-party payments without a department aside). An HCP's *expected*
contacts follow its tier (``strategic`` 6, ``potential`` 3 per window by default; an HCP
without a tier is placed by influence against the same thresholds scoring uses). The
**gap** is ``influence / 100 * (1 - min(1, engagements / expected))``: 0 when covered,
up to the HCP's scaled influence when never contacted. Gaps are ranked by that number.

The reverse view lists HCPs with influence below ``low_influence`` that still took
engagements, by engagements and spend, with their share of all engagements.

Examples
--------
>>> gap_score(80.0, 0, 6), gap_score(80.0, 3, 6), gap_score(80.0, 9, 6)
(0.8, 0.4, 0.0)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from kolgraph.analytics.periods import window
from kolgraph.store import GraphStore


@dataclass(frozen=True)
class CoverageParams:
    """Expected contacts per window and the influence thresholds."""

    days: int = 180
    strategic_contacts: int = 6
    potential_contacts: int = 3
    strategic_influence: float = 60.0
    potential_influence: float = 35.0
    low_influence: float = 35.0
    limit: int = 50

    def expected(self, tier: str | None, influence: float) -> int:
        """Contacts an HCP of ``tier`` (or, lacking one, ``influence``) should get.

        Examples
        --------
        >>> CoverageParams().expected(None, 70.0), CoverageParams().expected("basic", 70.0)
        (6, 0)
        """
        if tier is None:
            tier = (
                "strategic"
                if influence >= self.strategic_influence
                else "potential"
                if influence >= self.potential_influence
                else "basic"
            )
        return {"strategic": self.strategic_contacts, "potential": self.potential_contacts}.get(
            tier, 0
        )


def gap_score(influence: float, engagements: int, expected: int) -> float:
    """How much coverage an HCP lacks, weighted by influence (0 to influence/100)."""
    if expected <= 0:
        return 0.0
    return round(influence / 100 * (1 - min(1.0, engagements / expected)), 4)


def _hcp_table(store: GraphStore, since: date, until: date) -> dict[str, dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for row in store.run("coverage_contacts", since=since.isoformat(), until=until.isoformat()):
        hcp = table.setdefault(
            row["id"],
            {
                "id": row["id"],
                "name": row["name"],
                "influence": float(row["influence"]),
                "tier": row["tier"],
                "segment": row["segment"],
                "engagements": 0,
                "spend": 0.0,
                "by_department": defaultdict(int),
                "last_in_window": None,
            },
        )
        if row["department"] is not None and row["engagements"]:
            hcp["engagements"] += int(row["engagements"])
            hcp["spend"] += float(row["spend"] or 0.0)
            hcp["by_department"][row["department"]] += int(row["engagements"])
            hcp["last_in_window"] = max(filter(None, (hcp["last_in_window"], row["last_date"])))
    return table


def coverage_gaps(
    store: GraphStore,
    *,
    until: date | None = None,
    params: CoverageParams | None = None,
    show_spend: bool = True,
) -> dict[str, Any]:
    """Under-covered influential HCPs and effort spent on low-influence ones.

    Parameters
    ----------
    store : GraphStore
        Scored HCPs (``influence``, ``tier``) and engagements.
    until : date, optional
        Last day of the window (default today); the window is ``params.days`` long.
    params : CoverageParams, optional
        Expected contacts and thresholds.
    show_spend : bool
        False for callers without the spend permission: ``spend`` is null and no reason
        mentions it.

    Returns
    -------
    dict
        ``gaps`` (ranked, each with the evidence and a ``reason``), ``low_influence_effort``
        and a ``summary``.

    Raises
    ------
    InvalidRequest
        If the window length is out of range.
    """
    params = params or CoverageParams()
    since, until = window(until, params.days)
    table = _hcp_table(store, since, until)
    last_ever = {
        r["id"]: r["last_date"]
        for r in store.run("coverage_last_contacts", until=until.isoformat())
    }
    total = sum(h["engagements"] for h in table.values())
    gaps, effort = [], []
    for hcp in table.values():
        last = last_ever.get(hcp["id"])
        hcp["last_contact"] = last
        hcp["days_since_contact"] = (
            max(0, (until - date.fromisoformat(last[:10])).days) if last else None
        )
        hcp["by_department"] = dict(sorted(hcp["by_department"].items()))
        hcp["spend"] = round(hcp["spend"], 2)
        expected = params.expected(hcp["tier"], hcp["influence"])
        gap = gap_score(hcp["influence"], hcp["engagements"], expected)
        if gap > 0:
            since_txt = (
                f"last contact {hcp['days_since_contact']} days ago" if last else "never contacted"
            )
            gaps.append(
                {
                    **hcp,
                    "expected": expected,
                    "gap": gap,
                    "reason": (
                        f"influence {hcp['influence']:.1f} ({hcp['tier'] or 'no tier'}) expects "
                        f"{expected} contacts in {params.days} days, got {hcp['engagements']}"
                        f" from {len(hcp['by_department'])} department(s); {since_txt}"
                    ),
                }
            )
        elif hcp["influence"] < params.low_influence and hcp["engagements"] > 0:
            share = hcp["engagements"] / total if total else 0.0
            effort.append(
                {
                    **hcp,
                    "share_of_engagements": round(share, 4),
                    "reason": (
                        f"{hcp['engagements']} engagements ({share:.1%} of all)"
                        + (f" and spend {hcp['spend']:,.0f}" if show_spend else "")
                        + f" on influence {hcp['influence']:.1f} "
                        f"({hcp['tier'] or 'no tier'}) < {params.low_influence:g}"
                    ),
                }
            )
    gaps.sort(key=lambda h: (-h["gap"], -h["influence"], h["id"]))
    effort.sort(key=lambda h: (-h["engagements"], -h["spend"], h["id"]))
    low_total = sum(h["engagements"] for h in effort)
    if not show_spend:
        for row in (*gaps, *effort):
            row["spend"] = None
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "gaps": gaps[: params.limit],
        "low_influence_effort": effort[: params.limit],
        "summary": {
            "hcps_scored": len(table),
            "engagements": total,
            "under_covered": len(gaps),
            "never_contacted": sum(1 for g in gaps if g["last_contact"] is None),
            "low_influence_hcps_engaged": len(effort),
            "low_influence_share": round(low_total / total, 4) if total else None,
        },
    }
