"""The rows scoring reads from the store, and their restriction to an area and a window.

:func:`load_scoring_data` runs the read statements of ``queries/scoring.cypher`` once and
keeps the answers as pandas DataFrames; :func:`restrict` keeps only the evidence of one
therapeutic area and one span of years. An area is a MeSH descriptor id (``D003920`` or
``mesh:D003920``, its whole subtree included), a MeSH tree number prefix (``C18.452``)
or a topic name/term (case-insensitive; also matched in session titles and trial
conditions).

Examples
--------
>>> year_of("2019-05-01"), year_of(2020), year_of("n/a")
(2019, 2020, None)
>>> area_kind("D003920"), area_kind("C18.452"), area_kind("diabetes")
('mesh_id', 'tree', 'term')
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
import pandas as pd

from kolgraph.errors import ScoringError
from kolgraph.mesh import Area, AreaNotFound, is_check_tag, resolve_area
from kolgraph.store import GraphStore

logger = logging.getLogger(__name__)

__all__ = ["ScoringData", "area_kind", "load_scoring_data", "restrict", "year_of"]

_COLUMNS: dict[str, tuple[str, ...]] = {
    "hcps": ("id", "name", "npi", "orcid", "city", "state", "country", "prescribing_claims"),
    "authorships": (
        "hcp",
        "pub",
        "pmid",
        "doi",
        "year",
        "date",
        "position",
        "role",
        "n_authors",
        "cited_by",
        "journal",
    ),
    "pub_topics": ("item", "topic", "name", "tree_numbers"),
    "referrals": ("src", "dst", "pair_count", "bene_count", "same_day_count", "period"),
    "presentations": (
        "hcp",
        "session",
        "role",
        "date",
        "title",
        "congress",
        "congress_name",
        "congress_year",
        "congress_scope",
        "congress_country",
    ),
    "session_topics": ("item", "topic", "name", "tree_numbers"),
    "investigators": ("hcp", "trial", "nct_id", "role", "start_date", "title", "conditions"),
    "trial_topics": ("item", "topic", "name", "tree_numbers"),
    "affiliations": ("hcp", "institution", "city", "state", "country", "year"),
    "engagements": ("hcp", "engagement", "type", "outcome", "date"),
}
_MESH_ID = re.compile(r"^(mesh:)?D\d{6,9}$", re.I)
_TREE = re.compile(r"^[A-Z]\d{2}(\.\d{3})*$")


def year_of(value: Any) -> int | None:
    """The year in an int, ISO date or ``YYYY...`` string; None when there is none."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    match = re.match(r"^\s*(\d{4})", str(value))
    return int(match.group(1)) if match else None


def area_kind(area: str) -> str:
    """How an area string is matched: ``mesh_id``, ``tree`` or ``term``."""
    if _MESH_ID.match(area.strip()):
        return "mesh_id"
    if _TREE.match(area.strip()):
        return "tree"
    return "term"


@dataclass(frozen=True)
class ScoringData:
    """Everything scoring reads, one DataFrame per relationship family."""

    hcps: pd.DataFrame
    authorships: pd.DataFrame
    pub_topics: pd.DataFrame
    referrals: pd.DataFrame
    presentations: pd.DataFrame
    session_topics: pd.DataFrame
    investigators: pd.DataFrame
    trial_topics: pd.DataFrame
    affiliations: pd.DataFrame
    engagements: pd.DataFrame

    @classmethod
    def from_rows(cls, **rows: list[dict[str, Any]]) -> ScoringData:
        """Build from lists of dicts (missing tables are empty); adds a ``year`` column."""
        return cls.from_frames(**{name: _frame(name, rows.get(name)) for name in _COLUMNS})

    @classmethod
    def from_frames(cls, **frames: pd.DataFrame) -> ScoringData:
        """Build from one DataFrame per table (columns as read); adds a ``year`` column."""
        for name, column in (
            ("authorships", "year"),
            ("presentations", "date"),
            ("investigators", "start_date"),
        ):
            frame = frames[name]
            years = _years(frame[column]) if len(frame) else pd.Series(dtype=float)
            if name == "authorships" and len(frame):
                years = years.where(years.notna(), _years(frame["date"]))
            if name == "presentations" and len(frame):
                years = years.where(years.notna(), _years(frame["congress_year"]))
            frame["year"] = pd.to_numeric(years, errors="coerce")
        return cls(**frames)


_READS: dict[str, tuple[str, dict[str, str] | None]] = {
    "hcps": ("scoring_hcps", None),
    "authorships": ("scoring_authorships", None),
    "pub_topics": ("scoring_topics", {"label": "Publication"}),
    "referrals": ("scoring_referrals", None),
    "presentations": ("scoring_presentations", None),
    "session_topics": ("scoring_topics", {"label": "Session"}),
    "investigators": ("scoring_investigators", None),
    "trial_topics": ("scoring_topics", {"label": "Trial"}),
    "affiliations": ("scoring_affiliations", None),
    "engagements": ("scoring_engagements", None),
}


def _frame(name: str, rows: list[dict[str, Any]] | None) -> pd.DataFrame:
    return pd.DataFrame(rows or [], columns=list(_COLUMNS[name]))


def _years(values: pd.Series) -> pd.Series:
    """:func:`year_of` of every value, computed once per distinct value.

    >>> _years(pd.Series(["2019-05-01", None, "2019-05-01", 2020])).tolist()
    [2019.0, nan, 2019.0, 2020.0]
    """
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    years = pd.to_numeric(
        pd.Series([year_of(v) for v in distinct], dtype=object), errors="coerce"
    ).to_numpy(dtype=float)
    out = np.where(codes >= 0, years[np.maximum(codes, 0)] if len(years) else np.nan, np.nan)
    return pd.Series(out, index=values.index)


# Tables of scalars that can be millions of rows: read column by column as the store sends
# them (numbers may come as text; they are parsed where they are used, with
# pandas.to_numeric or the year parser).
_AS_COLUMNS = ("hcps", "authorships", "referrals")


# On a store that builds each answer whole (FalkorDB), these tables are read in pages of
# about PAGE_ROWS rows, by ranges of the HCPs' internal ids: the server then never holds
# millions of rows of answer, nor this process millions of Python objects at once.
_PAGED: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "authorships": ("scoring_authorships_page", "AUTHORED", ("pub", "hcp")),
    "referrals": ("scoring_referrals_page", "REFERS_TO", ("src", "dst")),
}
PAGE_ROWS = 500_000


def _id_ranges(store: GraphStore, relationship: str) -> list[tuple[int, int]]:
    """``[lo, hi)`` ranges of HCP internal ids with about :data:`PAGE_ROWS` rows each."""
    span = store.run("scoring_source_ids")
    if not span or span[0]["lo"] is None:
        return []
    lo, hi = int(span[0]["lo"]), int(span[0]["hi"]) + 1
    rows = int(store.run("count_type", {"type": relationship})[0]["n"])
    pages = max(1, -(-rows // PAGE_ROWS))
    step = max(1, -(-(hi - lo) // pages))
    return [(start, min(start + step, hi)) for start in range(lo, hi, step)]


def _pages_ahead(
    store: GraphStore, statement: str, kinds: dict[str, type], ranges: list[tuple[int, int]]
) -> Iterator[dict[str, list[Any]]]:
    """Each id range's answer to ``statement``, in order, the next one read while the
    caller works on this one (the server answers while this process builds a table; one
    statement at a time is in flight)."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="page-reads") as reads:
        ahead = [
            reads.submit(store.columns, statement, kinds, lo=lo, hi=hi) for lo, hi in ranges[:1]
        ]
        for k in range(len(ranges)):
            answer = ahead.pop()  # a future: it lets go of its page when the name is reused
            if k + 1 < len(ranges):
                lo, hi = ranges[k + 1]
                ahead.append(reads.submit(store.columns, statement, kinds, lo=lo, hi=hi))
            yield answer.result()


def _columns_frame(store: GraphStore, name: str) -> pd.DataFrame:
    """A large table as one DataFrame, read whole or page by page (same values either way:
    each page's columns are typed as pandas would type the whole column)."""
    statement, template = _READS[name]
    kinds: dict[str, type] = dict.fromkeys(_COLUMNS[name], object)
    columns = list(kinds)
    if name not in _PAGED or not store.answers_whole:
        frame = pd.DataFrame(store.columns(statement, kinds, template), columns=columns)
        if name == "authorships":  # read unordered: sorted here, by code point
            frame = frame.sort_values(["pub", "hcp"], kind="stable", ignore_index=True)
        return frame
    page_statement, relationship, order = _PAGED[name]
    pages = []
    for answer in _pages_ahead(store, page_statement, kinds, _id_ranges(store, relationship)):
        page = pd.DataFrame(answer, columns=columns)
        del answer
        if len(page):  # an empty page's columns are typed float: they would retype the rest
            pages.append(page)
    if not pages:
        return pd.DataFrame(store.columns(statement, kinds, template), columns=columns)
    frame = pd.concat(pages, ignore_index=True) if len(pages) > 1 else pages[0]
    del pages
    frame = frame.infer_objects()  # a column typed apart in two pages, typed as a whole
    # the statement's order (code point order of the ids), rather than the server's sort
    return frame.sort_values(list(order), kind="stable", ignore_index=True)


def _read(store: GraphStore, name: str) -> pd.DataFrame:
    if name in _AS_COLUMNS:
        return _columns_frame(store, name)
    statement, template = _READS[name]
    return _frame(name, store.run(statement, template))


def load_scoring_data(store: GraphStore) -> ScoringData:
    """Read HCPs and every relationship scoring uses from ``store``.

    The large tables (HCPs, authorships, referrals) come as one list per column; each
    answer becomes its DataFrame as soon as it is read, so only one table's records are
    held as Python objects at a time.
    """
    return ScoringData.from_frames(**{name: _read(store, name) for name in _READS})


def _topic_items(topics: pd.DataFrame, area: str) -> set[str]:
    """Items with a topic in ``area``: its MeSH subtree (:mod:`kolgraph.mesh`), stored tree
    numbers under it, or (for a term) a topic of that name; check tags never match."""
    if topics.empty:
        return set()
    mesh = mesh_area(area)
    ids = topics["topic"].astype(str).str.split(":").str[-1].str.upper()
    trees = topics["tree_numbers"].map(lambda t: list(t) if isinstance(t, (list, tuple)) else [])
    if area_kind(area) == "term":
        hit = topics["name"].astype(str).str.lower() == area.strip().lower()
    else:
        hit = ids == area.split(":")[-1].strip().upper()
    roots = set(mesh.roots) if mesh else set()
    roots |= {t for tl in trees[hit] for t in tl}
    if mesh:
        hit = hit | ids.isin(mesh.descriptors)
    if roots:
        hit = hit | trees.map(
            lambda tl: any(t == r or t.startswith(r + ".") for t in tl for r in roots)
        )
    hit = hit & ~topics["topic"].astype(str).map(is_check_tag)
    return set(topics.loc[hit, "item"])


def mesh_area(area: str) -> Area | None:
    """The MeSH subtree ``area`` names, or None when it names none (a free term)."""
    try:
        return resolve_area(area)
    except AreaNotFound:
        return None


def _text_hit(values: pd.Series, term: str) -> pd.Series:
    def match(value: Any) -> bool:
        items = value if isinstance(value, (list, tuple)) else [value]
        return any(isinstance(v, str) and term in v.lower() for v in items)

    return values.map(match).astype(bool)


def _no_match(area: str) -> str:
    """The error for an area nothing in the store falls under, with close MeSH names."""
    mesh = mesh_area(area)
    if mesh:
        return (
            f"no publication, session or trial of the store falls under area {area!r} "
            f"(MeSH {mesh.label}, {len(mesh.descriptors)} descriptors)"
        )
    try:
        resolve_area(area)
    except AreaNotFound as error:
        return (
            f"no publication, session or trial matches area {area!r}: {error}; "
            "give a MeSH id (D009369), a tree number (C04) or a MeSH term"
        )
    return f"no publication, session or trial matches area {area!r}"


def restrict(
    data: ScoringData,
    *,
    area: str | None = None,
    since: int | None = None,
    until: int | None = None,
) -> ScoringData:
    """Keep only the evidence of ``area`` within years ``since``..``until`` (inclusive).

    Items without a known year are left out when a window is given (logged with a count).

    Raises
    ------
    ScoringError
        If nothing in the store matches ``area``.
    """
    out = data
    if area:
        pubs = _topic_items(data.pub_topics, area)
        sessions = _topic_items(data.session_topics, area)
        trials = _topic_items(data.trial_topics, area)
        term = area.strip().lower()
        keep_pres = data.presentations["session"].isin(sessions)
        keep_trials = data.investigators["trial"].isin(trials)
        if area_kind(area) == "term":
            keep_pres |= _text_hit(data.presentations["title"], term)
            keep_trials |= _text_hit(data.investigators["conditions"], term)
            keep_trials |= _text_hit(data.investigators["title"], term)
        out = replace(
            out,
            authorships=data.authorships[data.authorships["pub"].isin(pubs)],
            presentations=data.presentations[keep_pres],
            investigators=data.investigators[keep_trials],
        )
        if out.authorships.empty and out.presentations.empty and out.investigators.empty:
            raise ScoringError(_no_match(area))
    if since is not None or until is not None:
        lo = since if since is not None else -(10**9)
        hi = until if until is not None else 10**9
        changes = {}
        for name in ("authorships", "presentations", "investigators"):
            frame = getattr(out, name)
            unknown = int(frame["year"].isna().sum())
            if unknown:
                logger.info("window: %d %s without a year left out", unknown, name)
            changes[name] = frame[frame["year"].between(lo, hi)]
        out = replace(out, **changes)
    return out


def table_names() -> list[str]:
    """Names of the tables in :class:`ScoringData`."""
    return [f.name for f in fields(ScoringData)]
