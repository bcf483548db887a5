"""Influence scope: local, regional, national or international, from where ties lead.

Every co-author, referral partner and congress role of an HCP is one piece of evidence
with a level: a tie to someone in another country is ``international``, another state
``national``, another city ``regional``, the same city ``local``; a congress role counts
at the congress's own scope (and ``international`` abroad). An HCP's location is its
own ``city``/``state``/``country``, else its institution's. The scope is the widest level
``L`` such that at least ``scope_share`` (default 25%) of the evidence is at ``L`` or
wider; with no evidence it is ``local``.

Examples
--------
>>> tie_level(("boston", "ma", "us"), ("paris", None, "fr"))
'international'
>>> tie_level(("boston", "ma", "us"), ("boston", "ma", "us"))
'local'
>>> scope_of({"local": 6, "national": 3}, 0.25)
'national'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from kolgraph.places import country_code, state_code
from kolgraph.scoring.edges import EdgeArrays

__all__ = ["LEVELS", "places", "scope_frame", "scope_of", "tie_level", "tie_levels"]

LEVELS = ("local", "regional", "national", "international")
Place = tuple[str | None, str | None, str | None]


def _norm(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip().lower()
    return text or None


def tie_level(a: Place, b: Place) -> str | None:
    """The geographic level of a tie between places ``(city, state, country)``; None if unknown."""
    (ca, sa, na), (cb, sb, nb) = a, b
    if na and nb and na != nb:
        return "international"
    if sa and sb and sa != sb:
        return "national"
    if ca and cb:
        return "local" if ca == cb else "regional"
    return None


def scope_of(counts: Mapping[str, int], share: float) -> str:
    """The widest level reached by at least ``share`` of the evidence."""
    total = sum(counts.values())
    if not total:
        return "local"
    wider = 0
    for level in reversed(LEVELS):
        wider += counts.get(level, 0)
        if level != "local" and wider / total >= share:
            return level
    return "local"


def _country(value: Any) -> str | None:
    """ISO alpha-2 code of a country field (``United States`` -> ``US``), else its text."""
    text = value.strip() if isinstance(value, str) else None
    if not text:
        return None
    return country_code(text) or (text.upper() if len(text) == 2 else text)


def _state(value: Any, country: str | None) -> str | None:
    text = value.strip() if isinstance(value, str) else None
    if not text:
        return None
    return (state_code(text) or text) if country in (None, "US") else text


def _city(value: Any) -> str | None:
    text = value.strip() if isinstance(value, str) else None
    return text.title() if text and text.isupper() else text or None


def places(hcps: pd.DataFrame, affiliations: pd.DataFrame) -> dict[str, Place]:
    """Each HCP's place ``(city, state, country)``: its own fields first, then those of its
    most recent institution whose place is known (parsed from the affiliation string at
    ingest, :mod:`kolgraph.places`; of one year's, one whose city is known). Countries are
    ISO alpha-2 codes, US states postal codes.

    >>> h = pd.DataFrame({"id": ["a"], "city": [None], "state": [None], "country": [None]})
    >>> aff = pd.DataFrame({"hcp": ["a"], "institution": ["i"], "city": ["Boston"],
    ...                     "state": ["MA"], "country": ["US"], "year": [2020]})
    >>> places(h, aff)["a"]
    ('Boston', 'MA', 'US')
    >>> two = pd.DataFrame({"hcp": ["a", "a"], "institution": ["i", "j"], "city": [None, "Lyon"],
    ...                     "state": [None, None], "country": ["FR", "FR"], "year": [2020, 2020]})
    >>> places(h, two)["a"]
    ('Lyon', None, 'FR')
    """
    inst: dict[str, tuple[str | None, str | None, str | None]] = {}
    if not affiliations.empty:
        # the latest year first; within it an institution with a known city (the finer
        # place), then by id
        ordered = affiliations.assign(_city_known=affiliations["city"].notna()).sort_values(
            ["hcp", "year", "_city_known", "institution"],
            ascending=[True, False, False, True],
            na_position="last",
        )
        state = ordered["state"] if "state" in ordered else pd.Series(None, index=ordered.index)
        for hcp, city, st, country in zip(
            ordered["hcp"], ordered["city"], state, ordered["country"], strict=True
        ):
            if _country(country) and str(hcp) not in inst:
                iso = _country(country)
                inst[str(hcp)] = (_city(city), _state(st, iso), iso)
    out: dict[str, Place] = {}
    for row in hcps.itertuples(index=False):
        own_country = _country(row.country)
        city, state, country = inst.get(str(row.id), (None, None, None))
        if own_country and country and own_country != country:
            city, state = None, None  # the institution is elsewhere: keep the HCP's own place
        country = own_country or country
        out[str(row.id)] = (
            _city(row.city) or city,
            _state(row.state, country) or state,
            country,
        )
    return out


def _codes(nodes: list[str], where: Mapping[str, Place]) -> np.ndarray:
    """Integer codes (city, state, country) per node, compared case-blind; -1 where unknown.

    A city is coded with its country (two Cambridges differ)."""
    table = np.full((len(nodes), 3), -1, dtype=np.int64)
    vocab: list[dict[Any, int]] = [{}, {}, {}]
    for i, node in enumerate(nodes):
        city, state, country = (_norm(v) for v in where.get(node, (None, None, None)))
        for j, value in enumerate(((city, state, country), (state, country), country)):
            if value[0] if isinstance(value, tuple) else value:
                table[i, j] = vocab[j].setdefault(value, len(vocab[j]))
    return table


def tie_levels(codes: np.ndarray, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Vectorised :func:`tie_level` over edges: 0-3 for LEVELS, -1 when unknown."""
    a, b = codes[src], codes[dst]
    both = (a >= 0) & (b >= 0)
    differ = both & (a != b)
    return np.select([differ[:, 2], differ[:, 1], differ[:, 0], both[:, 0]], [3, 2, 1, 0], -1)


def scope_frame(
    nodes: list[str],
    where: Mapping[str, Place],
    ties: list[EdgeArrays],
    presentations: pd.DataFrame,
    share: float,
) -> pd.DataFrame:
    """Scope, evidence counts per level and place (``city``, ``state``, ``country``) for
    every HCP in ``nodes``.

    ``ties`` are EdgeArrays over ``nodes`` (same order), e.g. co-authorship and referral.
    """
    n = len(nodes)
    codes = _codes(nodes, where)
    counts = np.zeros((n, len(LEVELS)), dtype=np.int64)
    for arrays in ties:
        level = tie_levels(codes, arrays.src, arrays.dst)
        known = level >= 0
        for ends in (arrays.src, arrays.dst):
            np.add.at(counts, (ends[known], level[known]), 1)
    if not presentations.empty:
        index = {node: i for i, node in enumerate(nodes)}
        for row in presentations.itertuples(index=False):
            i = index.get(str(row.hcp))
            if i is None:
                continue
            scope = _norm(row.congress_scope)
            country = _norm(_country(row.congress_country))
            home = _norm(where.get(str(row.hcp), (None, None, None))[2])
            if country and home and country != home:
                scope = "international"
            if scope in LEVELS:
                counts[i, LEVELS.index(scope)] += 1
    total = counts.sum(axis=1)
    wider = np.cumsum(counts[:, ::-1], axis=1)[:, ::-1]  # evidence at level L or wider
    with np.errstate(divide="ignore", invalid="ignore"):
        reached = (wider / np.maximum(total, 1)[:, None]) >= share
    reached[:, 0] = True
    widest = np.where(total > 0, len(LEVELS) - 1 - np.argmax(reached[:, ::-1], axis=1), 0)
    frame = pd.DataFrame(
        counts, index=pd.Index(nodes, name="id"), columns=[f"scope_{level}" for level in LEVELS]
    )
    frame["scope"] = np.asarray(LEVELS, dtype=object)[widest]
    for j, column in enumerate(("city", "state", "country")):
        frame[column] = [where.get(node, (None, None, None))[j] for node in nodes]
    return frame
