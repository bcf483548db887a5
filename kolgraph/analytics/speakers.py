"""Speaker development: who to propose as a company speaker, and why, without prescribing data.

Selecting speakers or consultants on past or expected prescribing is treated as suspect
by regulators (US OIG Special Fraud Alert on speaker programmes, 2020; PhRMA Code 2022,
section 7). This ranking therefore reads **only** the features in
:data:`SPEAKER_FEATURES`, a frozen allow-list, and this is enforced at run time:

* every statement it runs is checked against :data:`FORBIDDEN_TERMS` (prescribing
  records, claims, prescribing potential, and ``tier``/``segment``/``influence`` because
  scoring folds prescribing potential or patient volume into them) before it is sent;
* every row the store returns must carry exactly the allowed columns;
* the scorer takes :class:`SpeakerFeatures`, whose fields are the allow-list.

Any breach raises :class:`~kolgraph.errors.ComplianceViolation`.

Candidates are HCPs who are rising stars or whose *expertise* (mean percentile of their
scientific, congress, trials and co-authorship network components) is at least
``min_expertise``, who had publications or congress roles in the recent window, and who
never gave a company speaker programme. Score:
``0.4 * expertise + 0.35 * momentum + 0.25 * rising``, where momentum is the mean of
``tanh(log1p(recent) - log1p(previous))`` over publications and congress roles, floored
at 0, and rising is 1 for rising stars. Each proposal lists the reasons.

Examples
--------
>>> sorted(SPEAKER_FEATURES)[:3]
['congress', 'congress_roles_previous', 'congress_roles_recent']
>>> momentum(4, 1, 3, 0) > momentum(1, 1, 0, 0) == 0.0
True
"""

from __future__ import annotations

import json
import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime
from typing import Any

from kolgraph.errors import ComplianceViolation, InvalidRequest
from kolgraph.store import GraphStore

SPEAKER_FEATURES: frozenset[str] = frozenset(
    {
        "scientific",
        "congress",
        "trials",
        "network",
        "rising_star",
        "rising_score",
        "publications_recent",
        "publications_previous",
        "congress_roles_recent",
        "congress_roles_previous",
        "speaking_roles_recent",
    }
)
FORBIDDEN_TERMS: tuple[str, ...] = (
    "prescrib",
    "claims",
    "partd",
    "drug_cost",
    "beneficiar",
    "potential",
    "tier",
    "segment",
    "influence",
    "referral",
    "refers_to",
    "product",
    "payment",
    "amount",
)
STATEMENTS: tuple[str, ...] = (
    "speaker_profiles",
    "speaker_publication_years",
    "speaker_congress_roles",
    "speaker_history",
)
_COLUMNS: dict[str, frozenset[str]] = {
    "speaker_profiles": frozenset(
        {
            "id",
            "name",
            "specialty",
            "scientific",
            "congress",
            "trials",
            "network",
            "rising_star",
            "rising_score",
            "eligible",
        }
    ),
    "speaker_publication_years": frozenset({"id", "year", "publications"}),
    "speaker_congress_roles": frozenset({"id", "session", "date", "year", "role", "scope"}),
    "speaker_history": frozenset({"id", "programmes", "last_date"}),
}
COMPONENTS = ("scientific", "congress", "trials", "network")
SPEAKING_ROLES = frozenset({"chair", "moderator", "invited_speaker", "panelist"})


@dataclass(frozen=True)
class SpeakerFeatures:
    """The only inputs of the speaker score (fields == :data:`SPEAKER_FEATURES`)."""

    scientific: float | None
    congress: float | None
    trials: float | None
    network: float | None
    rising_star: bool
    rising_score: float | None
    publications_recent: int
    publications_previous: int
    congress_roles_recent: int
    congress_roles_previous: int
    speaking_roles_recent: int


def features_used() -> frozenset[str]:
    """The feature names the scorer can see; raises if they ever leave the allow-list."""
    names = frozenset(f.name for f in fields(SpeakerFeatures))
    if names != SPEAKER_FEATURES:
        raise ComplianceViolation(
            f"speaker features {sorted(names ^ SPEAKER_FEATURES)} are "
            "not the allow-list SPEAKER_FEATURES"
        )
    return names


def check_statement(name: str, text: str) -> None:
    """Refuse a speaker statement that mentions prescribing or prescribing-derived data.

    Examples
    --------
    >>> check_statement("x", "MATCH (h:HCP) RETURN h.prescribing_claims")
    Traceback (most recent call last):
    ...
    kolgraph.errors.ComplianceViolation: speaker statement 'x' reads 'prescrib'; ...
    """
    lowered = text.lower()
    for term in FORBIDDEN_TERMS:
        if term in lowered:
            raise ComplianceViolation(
                f"speaker statement {name!r} reads {term!r}; speaker "
                "selection must not use prescribing data"
            )


def _read(store: GraphStore, name: str, **params: Any) -> list[dict[str, Any]]:
    if name not in STATEMENTS:
        raise ComplianceViolation(f"statement {name!r} is not an allowed speaker statement")
    check_statement(name, store.cypher(name))
    rows = store.run(name, **params)
    for row in rows:
        if set(row) != _COLUMNS[name]:
            extra = sorted(set(row) ^ _COLUMNS[name])
            raise ComplianceViolation(
                f"speaker statement {name!r} returned columns {extra} outside the allow-list"
            )
    return rows


def momentum(pubs_recent: int, pubs_previous: int, roles_recent: int, roles_previous: int) -> float:
    """Growth of output, in [0, 1): mean tanh of log growth of papers and congress roles."""
    growth = [
        math.tanh(math.log1p(pubs_recent) - math.log1p(pubs_previous)),
        math.tanh(math.log1p(roles_recent) - math.log1p(roles_previous)),
    ]
    return round(max(0.0, sum(growth) / 2), 4)


def _percentiles(values: dict[str, float]) -> dict[str, float]:
    """Share of other values each value is at or above (ties share the rank).

    Two binary searches per value in the sorted values (n log n, not n squared).

    >>> _percentiles({"a": 1.0, "b": 2.0, "c": 2.0, "d": 5.0})
    {'a': 0.0, 'b': 0.5, 'c': 0.5, 'd': 1.0}
    """
    ordered = sorted(values.values())
    n = len(ordered)
    out: dict[str, float] = {}
    for key, value in values.items():
        below = bisect_left(ordered, value)
        equal = bisect_right(ordered, value) - below
        out[key] = (below + (equal - 1) / 2) / (n - 1) if n > 1 else 1.0
    return out


def _year_of(row: dict[str, Any]) -> int | None:
    if row["date"]:
        try:
            return int(str(row["date"])[:4])
        except ValueError:
            return None
    return int(row["year"]) if row["year"] is not None else None


def speaker_features(
    store: GraphStore, reference_year: int, years: int = 2
) -> tuple[dict[str, dict[str, Any]], dict[str, SpeakerFeatures], set[str]]:
    """Profiles, features and the set of HCPs who already spoke for the company."""
    features_used()
    recent = range(reference_year - years + 1, reference_year + 1)
    previous = range(reference_year - 2 * years + 1, reference_year - years + 1)
    profiles = {r["id"]: r for r in _read(store, "speaker_profiles")}
    pubs: dict[str, dict[int, int]] = defaultdict(dict)
    for r in _read(
        store, "speaker_publication_years", since_year=previous.start, until_year=recent.stop - 1
    ):
        pubs[r["id"]][int(r["year"])] = int(r["publications"])
    roles: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for r in _read(store, "speaker_congress_roles"):
        year = _year_of(r)
        if year is not None:
            roles[r["id"]].append((year, r["role"] or ""))
    speakers = {r["id"] for r in _read(store, "speaker_history") if r["programmes"]}
    feats = {}
    for hcp_id, p in profiles.items():
        feats[hcp_id] = SpeakerFeatures(
            scientific=p["scientific"],
            congress=p["congress"],
            trials=p["trials"],
            network=p["network"],
            rising_star=bool(p["rising_star"]),
            rising_score=p["rising_score"],
            publications_recent=sum(pubs[hcp_id].get(y, 0) for y in recent),
            publications_previous=sum(pubs[hcp_id].get(y, 0) for y in previous),
            congress_roles_recent=sum(1 for y, _ in roles[hcp_id] if y in recent),
            congress_roles_previous=sum(1 for y, _ in roles[hcp_id] if y in previous),
            speaking_roles_recent=sum(
                1 for y, role in roles[hcp_id] if y in recent and role in SPEAKING_ROLES
            ),
        )
    return profiles, feats, speakers


def speaker_candidates(
    store: GraphStore,
    *,
    until: date | None = None,
    years: int = 2,
    min_expertise: float = 0.5,
    limit: int = 50,
    include_non_hcp: bool = False,
) -> dict[str, Any]:
    """Rank HCPs to develop into company speakers, each with the reasons.

    Only people the latest scoring run found eligible as healthcare professionals are
    proposed (industry authors and people with no HCP evidence are not), unless
    ``include_non_hcp``.

    Parameters
    ----------
    until : date, optional
        End of the recent window (default today); momentum compares the last ``years``
        calendar years with the ``years`` before.
    min_expertise : float
        Expertise percentile (0-1) a non-rising-star needs to be considered.

    Returns
    -------
    dict
        ``candidates`` (rank, id, name, score, expertise, momentum, features, reasons),
        ``features_used`` and counts.

    Raises
    ------
    ComplianceViolation
        If any input would come from outside :data:`SPEAKER_FEATURES`.
    InvalidRequest
        If ``years`` or ``min_expertise`` is out of range.
    """
    if not 1 <= years <= 10:
        raise InvalidRequest("years must be between 1 and 10", "years")
    if not 0 <= min_expertise <= 1:
        raise InvalidRequest("min_expertise must be between 0 and 1", "min_expertise")
    ref = (until or date.today()).year
    profiles, feats, speakers = speaker_features(store, ref, years)
    pct = {
        c: _percentiles(
            {h: float(getattr(f, c)) for h, f in feats.items() if getattr(f, c) is not None}
        )
        for c in COMPONENTS
    }
    window_txt = f"{ref - years + 1}-{ref}"
    before_txt = f"{ref - 2 * years + 1}-{ref - years}"
    out = []
    for hcp_id, f in feats.items():
        if hcp_id in speakers or not (include_non_hcp or profiles[hcp_id]["eligible"]):
            continue
        known = {c: pct[c][hcp_id] for c in COMPONENTS if hcp_id in pct[c]}
        expertise = round(sum(known.values()) / len(known), 4) if known else 0.0
        active = f.publications_recent + f.congress_roles_recent
        if not active or not (f.rising_star or expertise >= min_expertise):
            continue
        mom = momentum(
            f.publications_recent,
            f.publications_previous,
            f.congress_roles_recent,
            f.congress_roles_previous,
        )
        score = round(0.4 * expertise + 0.35 * mom + 0.25 * (1.0 if f.rising_star else 0.0), 4)
        reasons = []
        if f.rising_star:
            rs = f" (rising score {f.rising_score:.2f})" if f.rising_score is not None else ""
            reasons.append(f"rising star{rs}")
        if known:
            parts = ", ".join(f"{c} p{round(100 * v)}" for c, v in known.items())
            reasons.append(f"expertise percentile {expertise:.2f} ({parts})")
        reasons.append(
            f"{f.publications_recent} publications in {window_txt} vs "
            f"{f.publications_previous} in {before_txt}"
        )
        if f.congress_roles_recent:
            reasons.append(
                f"{f.congress_roles_recent} congress roles in {window_txt} "
                f"({f.speaking_roles_recent} as chair, speaker or panelist) vs "
                f"{f.congress_roles_previous} in {before_txt}"
            )
        reasons.append("has not yet spoken in a company speaker programme")
        out.append(
            {
                "id": hcp_id,
                "name": profiles[hcp_id]["name"],
                "specialty": profiles[hcp_id]["specialty"],
                "score": score,
                "expertise": expertise,
                "momentum": mom,
                "features": asdict(f),
                "reasons": reasons,
            }
        )
    out.sort(key=lambda c: (-c["score"], c["id"]))
    for rank, candidate in enumerate(out, start=1):
        candidate["rank"] = rank
    return {
        "reference_year": ref,
        "years": years,
        "features_used": sorted(features_used()),
        "hcps_considered": len(feats),
        "already_speakers": len(speakers & set(feats)),
        "candidates": out[:limit],
    }


def record_proposals(
    store: GraphStore, candidates: list[dict[str, Any]], proposed_at: datetime | None = None
) -> int:
    """Store each proposal as a ``SpeakerProposal`` with its rank, score and reasons."""
    at = (proposed_at or datetime.now(UTC)).isoformat(timespec="seconds")
    rows = [
        {
            "id": f"speaker:{at}:{c['id']}",
            "hcp_id": c["id"],
            "props": {
                "hcp_id": c["id"],
                "proposed_at": at,
                "rank": c["rank"],
                "score": c["score"],
                "reasons": c["reasons"],
                "features": json.dumps(c["features"], sort_keys=True),
                "features_used": sorted(features_used()),
            },
        }
        for c in candidates
    ]
    return store.write("record_speaker_proposals", rows)
