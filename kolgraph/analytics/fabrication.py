"""Flags for field data that looks fabricated: plain rules plus an IsolationForest.

Every employee-period feature row (:mod:`kolgraph.analytics.field_activity`) goes
through two checks:

* **rules**, each a threshold on one feature (:data:`RULES`), e.g. consecutive GPS visits
  implying more than 120 km/h, half the notes duplicated, a quarter off hours;
* an **IsolationForest** (scikit-learn, ``random_state=params.seed``) over all rows, with
  missing features filled by the column median; the ``contamination`` share of rows with
  the lowest ``score_samples`` is flagged.

Each flag lists the features that drove it: the rule's feature, or for the forest the
features furthest from the typical row in the suspicious direction, as robust z-scores
(``(value - median) / (1.4826 * MAD)``) with the value and the median.

Examples
--------
>>> [r.name for r in RULES][:3]
['impossible_travel', 'duplicate_notes', 'off_hours']
>>> rule_hits({"impossible_jumps": 3, "impossible_travel": 0.2, "max_per_day": 4})[0]["rule"]
'impossible_travel'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sklearn.ensemble import IsolationForest

from kolgraph.analytics.field_activity import FEATURES, FieldActivityParams, activity_features
from kolgraph.store import GraphStore

# +1: high values are suspicious, -1: low values are, 0: both ways.
DIRECTION = {
    "per_working_day": 1,
    "max_per_day": 1,
    "gps_share": -1,
    "verified_share": -1,
    "impossible_travel": 1,
    "completeness": 0,
    "duplicate_notes": 1,
    "off_hours": 1,
    "closed_days": 1,
    "dominant_outcome": 1,
}
MIN_ROWS_FOR_FOREST = 8


@dataclass(frozen=True)
class Rule:
    """One plain check: ``feature`` at or beyond ``threshold`` (``guard`` must hold too)."""

    name: str
    feature: str
    threshold: float
    low: bool = False
    guard: tuple[str, float] | None = None
    text: str = ""

    def hit(self, row: dict[str, Any]) -> bool:
        """True when the row breaks this rule."""
        value = row.get(self.feature)
        if value is None:
            return False
        if self.guard and (row.get(self.guard[0]) or 0) < self.guard[1]:
            return False
        return value <= self.threshold if self.low else value >= self.threshold


RULES: tuple[Rule, ...] = (
    Rule(
        "impossible_travel",
        "impossible_jumps",
        2,
        text="consecutive GPS visits imply travel faster than possible",
    ),
    Rule("duplicate_notes", "duplicate_notes", 0.5, text="half or more notes repeat others"),
    Rule("off_hours", "off_hours", 0.25, text="a quarter or more outside working hours"),
    Rule(
        "closed_days",
        "closed_days",
        0.2,
        text="a fifth or more on weekends, holidays or days the institution was closed",
    ),
    Rule("too_many_per_day", "max_per_day", 16, text="16 or more engagements on one day"),
    Rule(
        "identical_outcomes",
        "dominant_outcome",
        0.95,
        guard=("outcomes_reported", 15),
        text="95% or more of reported outcomes identical",
    ),
    Rule(
        "unverified_visits",
        "verified_share",
        0.5,
        low=True,
        guard=("gps_visits", 5),
        text="half or fewer GPS visits near the HCP's practice",
    ),
)


def rule_hits(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The rules a feature row breaks, each with its feature and value."""
    return [
        {
            "rule": r.name,
            "feature": r.feature,
            "value": row.get(r.feature),
            "threshold": r.threshold,
            "reason": r.text,
        }
        for r in RULES
        if r.hit(row)
    ]


def _matrix(rows: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    raw = np.array(
        [[np.nan if r[f] is None else float(r[f]) for f in FEATURES] for r in rows], dtype=float
    )
    median = np.nanmedian(np.where(np.isnan(raw).all(axis=0), 0.0, raw), axis=0)
    filled = np.where(np.isnan(raw), median, raw)
    mad = np.median(np.abs(filled - median), axis=0) * 1.4826
    std = filled.std(axis=0)
    scale = np.where(mad > 1e-9, mad, np.where(std > 1e-9, std, 1.0))
    return filled, median, scale


def _drivers(
    values: np.ndarray, median: np.ndarray, scale: np.ndarray, top: int = 3
) -> list[dict[str, Any]]:
    z = (values - median) / scale
    signed = np.array(
        [abs(z[i]) if DIRECTION[f] == 0 else DIRECTION[f] * z[i] for i, f in enumerate(FEATURES)]
    )
    order = np.argsort(-signed)[:top]
    return [
        {
            "feature": FEATURES[i],
            "value": round(float(values[i]), 4),
            "typical": round(float(median[i]), 4),
            "z": round(float(z[i]), 2),
        }
        for i in order
        if signed[i] > 0
    ]


def suspicious_activity(
    store: GraphStore,
    *,
    until: date | None = None,
    department: str | None = None,
    params: FieldActivityParams | None = None,
) -> dict[str, Any]:
    """Employee-periods whose records look fabricated, each flag with its drivers.

    Returns
    -------
    dict
        ``periods`` (every feature row with ``rules``, ``detector_score``,
        ``detector_flag``, ``flagged`` and ``drivers``), ``employees`` (flagged employees
        with the periods and rules) and the ``parameters`` used.

    Raises
    ------
    InvalidRequest
        If a parameter is out of range.
    """
    params = params or FieldActivityParams()
    rows = activity_features(store, until=until, department=department, params=params)
    if rows:
        filled, median, scale = _matrix(rows)
        scores = np.zeros(len(rows))
        predicted = np.zeros(len(rows), dtype=bool)
        if len(rows) >= MIN_ROWS_FOR_FOREST:
            forest = IsolationForest(
                n_estimators=300, contamination=params.contamination, random_state=params.seed
            ).fit(filled)
            scores = -forest.score_samples(filled)
            predicted = forest.predict(filled) == -1
    for i, row in enumerate(rows):
        row["rules"] = rule_hits(row)
        row["detector_score"] = round(float(scores[i]), 4)
        row["detector_flag"] = bool(predicted[i])
        row["flagged"] = bool(row["rules"]) or row["detector_flag"]
        drivers = _drivers(filled[i], median, scale)
        for hit in row["rules"]:
            if hit["feature"] in FEATURES and hit["feature"] not in {d["feature"] for d in drivers}:
                j = FEATURES.index(hit["feature"])
                drivers.insert(
                    0,
                    {
                        "feature": hit["feature"],
                        "value": hit["value"],
                        "typical": round(float(median[j]), 4),
                        "z": round(float((filled[i][j] - median[j]) / scale[j]), 2),
                    },
                )
        row["drivers"] = drivers if row["flagged"] else []
    employees: dict[str, dict[str, Any]] = {}
    for row in rows:
        if not row["flagged"]:
            continue
        entry = employees.setdefault(
            row["employee_id"],
            {
                "employee_id": row["employee_id"],
                "department": row["department"],
                "periods": [],
                "rules": set(),
                "detector_periods": 0,
                "max_detector_score": 0.0,
            },
        )
        entry["periods"].append(row["period"])
        entry["rules"] |= {h["rule"] for h in row["rules"]}
        entry["detector_periods"] += int(row["detector_flag"])
        entry["max_detector_score"] = max(entry["max_detector_score"], row["detector_score"])
    flagged = sorted(
        employees.values(),
        key=lambda e: (-len(e["periods"]), -e["max_detector_score"], e["employee_id"]),
    )
    for entry in flagged:
        entry["rules"] = sorted(entry["rules"])
    return {
        "periods": rows,
        "employees": flagged,
        "parameters": {k: getattr(params, k) for k in params.__dataclass_fields__},
    }
