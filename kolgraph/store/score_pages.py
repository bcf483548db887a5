"""A stored run's per-HCP scores and explanations, packed a page of HCPs at a time.

A run keeps every scored HCP's numbers, tier, segment and explanation. One node per HCP
cost the embedded store about 2.2 GB per run of 1M HCPs (36 properties, two
relationships and two index entries each); a page of :data:`PAGE_HCPS` HCPs compresses
their records together, since explanations repeat each other's keys and phrases, and a
run of 1M HCPs is 4,000 ``ScorePage`` nodes.

A page holds HCPs in id order, bounded by ``first_hcp`` and ``last_hcp``, so the pages
that may hold one HCP are found by comparing ids. Its ``scores`` are a table (one row per
HCP, columns :data:`SCORE_COLUMNS`) and its ``explanations`` one JSON line per row, both
packed (:mod:`kolgraph.store.packing`): a profile reads one page and decodes one line.
Runs stored earlier as one ``Score`` node per HCP are read as before.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"rank": [2, 1], "influence": [40.0, 55.5], "tier": ["basic", None]},
...                      index=["npi:2", "npi:1"])
>>> [page] = page_rows("run:x", table, ['{"why": 2}', '{"why": 1}'], start=0)
>>> page["first_hcp"], page["last_hcp"], page["n"]
('npi:1', 'npi:2', 2)
>>> find(page, "npi:2")["influence"], find(page, "npi:2")["explanation"], find(page, "npi:3")
(40.0, '{"why": 2}', None)
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import orjson

from kolgraph.store.base import GraphStore
from kolgraph.store.packing import pack, unpack

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FORMAT",
    "PAGE_HCPS",
    "HISTORY",
    "find",
    "hcp_records",
    "history_rows",
    "page_records",
    "profile_record",
    "page_rows",
    "plain",
    "plain_list",
    "replace_page",
    "rewrite_pages",
    "run_records",
    "write_pages",
]

PAGE_HCPS = 250
"""HCPs per page: about 100 kB packed, one page read per profile."""

FORMAT = "score-page-1"
"""The layout of a page's ``scores`` table (kept readable once shipped)."""


def plain(value: Any) -> Any:
    """A value as the store keeps it: numpy scalars as Python ones, NaN as None.

    >>> import numpy as np
    >>> plain(np.float64(1.5)), plain(float("nan")), plain("x")
    (1.5, None, 'x')
    """
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def plain_list(values: Any) -> list[Any]:
    """:func:`plain` of every value of a column (a Series or an array), as a list; numbers
    are converted by NumPy, not one call each.

    >>> import numpy as np
    >>> plain_list(np.array([1.5, np.nan])), plain_list(np.array([1, 2])), plain_list(["a", None])
    ([1.5, None], [1, 2], ['a', None])
    """
    array = np.asarray(values)
    out: list[Any] = array.tolist()
    if array.dtype.kind == "f":
        if np.isnan(array).any():
            out = [None if v != v else v for v in out]  # NaN is the one value not equal to itself
    elif array.dtype.kind not in "biu":
        out = [plain(v) for v in out]
    return out


def page_rows(
    run_id: str, table: pd.DataFrame, explanations: Sequence[str], *, start: int
) -> list[dict[str, Any]]:
    """The pages of ``table`` (one row per HCP, indexed by id) and its explanation texts
    (JSON, in the table's order), numbered from ``start``: each a ScorePage's properties.
    """
    ids = [str(i) for i in table.index]
    order = sorted(range(len(ids)), key=ids.__getitem__)
    columns = [str(c) for c in table.columns]
    rows_in_order = list(
        zip(ids, *(plain_list(table[c].to_numpy()) for c in table.columns), strict=True)
    )
    pages: list[dict[str, Any]] = []
    for first in range(0, len(order), PAGE_HCPS):
        mine = order[first : first + PAGE_HCPS]
        rows = [list(rows_in_order[i]) for i in mine]
        pages.append(
            _page(run_id, start + len(pages), columns, rows, [explanations[i] for i in mine])
        )
    return pages


def write_pages(store: GraphStore, run_id: str, pages: Sequence[dict[str, Any]]) -> int:
    """Create ``pages`` (from :func:`page_rows`) under run ``run_id``; return how many."""
    return store.write(
        "scoring_write_pages",
        [
            {**{k: v for k, v in page.items() if k not in ("scores", "explanations")}, "i": i}
            for i, page in enumerate(pages)
        ],
        run=run_id,
        scores=[page["scores"] for page in pages],
        explanations=[page["explanations"] for page in pages],
        batch_size=max(len(pages), 1),
    )


def _page(
    run_id: str, number: int, columns: list[str], rows: list[list[Any]], texts: list[str]
) -> dict[str, Any]:
    scores = {"format": FORMAT, "columns": ["hcp_id", *columns], "rows": rows}
    return {
        "id": f"{run_id}:page:{number}",
        "page": number,
        "first_hcp": rows[0][0],
        "last_hcp": rows[-1][0],
        "n": len(rows),
        "scores": pack(orjson.dumps(scores).decode()),
        "explanations": pack("\n".join(texts)),
    }


def _table(page: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    scores = orjson.loads(unpack(page["scores"]))
    if scores.get("format") != FORMAT:
        raise ValueError(f"unknown score page format {scores.get('format')!r}")
    return scores["columns"], scores["rows"]


def page_records(page: dict[str, Any], *, explained: bool = True) -> list[dict[str, Any]]:
    """Every HCP's record on ``page`` (a ScorePage's properties), in id order; with
    ``explained`` each has its ``explanation`` (JSON text)."""
    columns, rows = _table(page)
    records = [dict(zip(columns, row, strict=True)) for row in rows]
    if explained:
        for record, text in zip(records, unpack(page["explanations"]).split("\n"), strict=True):
            record["explanation"] = text
    return records


def find(page: dict[str, Any], hcp_id: str, *, explained: bool = True) -> dict[str, Any] | None:
    """The record of ``hcp_id`` on ``page`` (with its explanation unless not
    ``explained``), or None."""
    columns, rows = _table(page)
    ids = [row[0] for row in rows]
    at = bisect.bisect_left(ids, hcp_id)
    if at == len(ids) or ids[at] != hcp_id:
        return None
    record = dict(zip(columns, rows[at], strict=True))
    if explained:
        record["explanation"] = unpack(page["explanations"]).split("\n")[at]
    return record


def replace_page(page: dict[str, Any], records: list[dict[str, Any]]) -> dict[str, Any]:
    """``page``'s properties holding ``records`` instead (re-sorted by HCP id), for a
    rewrite such as an erasure."""
    columns, _ = _table(page)
    ordered = sorted(records, key=lambda r: str(r["hcp_id"]))
    rows = [[r.get(c) for c in columns] for r in ordered]
    texts = [str(r.get("explanation") or "{}") for r in ordered]
    run_id = str(page["id"]).rsplit(":page:", 1)[0]
    return _page(run_id, int(page["page"]), columns[1:], rows, texts) | {"id": page["id"]}


def _legacy(props: dict[str, Any]) -> dict[str, Any]:
    """A Score node's properties (runs stored one node per HCP) as a record."""
    return {**props, "explanation": unpack(props.get("explanation"))}


def run_records(store: GraphStore, run_id: str) -> Iterator[dict[str, Any]]:
    """Every HCP's record in run ``run_id`` (with its explanation), page by page."""
    for page in store.run("scoring_run_pages", run_id=run_id):
        yield from page_records(page)
    for row in store.run("scoring_run_scores", run_id=run_id):
        yield _legacy(row["props"])


def hcp_records(
    store: GraphStore, hcp_id: str, *, explained: bool = True, legacy: bool = True
) -> list[dict[str, Any]]:
    """The records of ``hcp_id`` in every stored run, oldest run first, each with
    ``run`` (the ScoreRun's properties); ``legacy`` includes Score nodes."""
    statement = "scoring_pages_of_hcp" if explained else "scoring_score_pages_of_hcp"
    out = []
    for row in store.run(statement, hcp_id=hcp_id):
        page = {"scores": row["scores"], "explanations": row.get("explanations")}
        record = find(page, hcp_id, explained=explained)
        if record is not None:
            out.append({**record, "run": row["run"]})
    for row in store.run("scoring_scores_of_hcp", hcp_id=hcp_id) if legacy else []:
        out.append({**_legacy(row["props"]), "run": row["run"]})
    return sorted(out, key=lambda r: (str(r["run"].get("created_at")), str(r["run"].get("id"))))


HISTORY = ("hcp_id", "run_id", "created_at", "area", "influence", "rank", "tier", "segment")


def history_rows(store: GraphStore, hcp_id: str | None = None) -> list[dict[str, Any]]:
    """Influence, rank, tier and segment per HCP and stored run (:data:`HISTORY`), by
    HCP, then run time."""
    if hcp_id is not None:
        rows = [
            {
                **{k: r.get(k) for k in HISTORY},
                "run_id": r["run"]["id"],
                "created_at": r["run"].get("created_at"),
                "area": r["run"].get("area"),
            }
            for r in hcp_records(store, hcp_id, explained=False)
        ]
        return rows
    out = list(store.run("scoring_history"))
    for page in store.run("scoring_history_pages"):
        run = {"run_id": page["run_id"], "created_at": page["created_at"], "area": page["area"]}
        columns, table = _table(page)
        for row in table:
            record = dict(zip(columns, row, strict=True))
            out.append({**{k: record.get(k) for k in HISTORY}, **run})
    return sorted(out, key=lambda r: (str(r["hcp_id"]), str(r["created_at"]), str(r["run_id"])))


def profile_record(
    store: GraphStore,
    hcp_id: str,
    carried_run: str | None,
    legacy: tuple[dict[str, Any], dict[str, Any]] | None,
    pages: Sequence[tuple[str, dict[str, Any]]],
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The record a profile shows and its run: from the run the HCP carries
    (``carried_run``), else the newest run that scored it.

    ``legacy`` is its best Score node and run (runs stored before pages), ``pages`` the
    pages whose range holds the HCP with their runs; pages are read one at a time, in
    order, until one holds the HCP. ``({}, None)`` when no run scored it.
    """
    options: list[tuple[dict[str, Any], str | None, dict[str, Any] | None]] = []
    if legacy is not None and legacy[0]:
        options.append((legacy[1] or {}, None, _legacy(legacy[0])))
    options += [(run or {}, page_id, None) for page_id, run in pages]
    options.sort(
        key=lambda o: (o[0].get("id") == carried_run, str(o[0].get("created_at") or "")),
        reverse=True,
    )
    for run, page_id, record in options:
        if record is None:
            found = store.run("scoring_page", id=page_id)
            record = find(found[0], hcp_id) if found else None
        if record is not None:
            return record, run
    return {}, None


def rewrite_pages(
    store: GraphStore, change: Callable[[dict[str, Any]], dict[str, Any]], *, batch: int = 200
) -> int:
    """Apply ``change`` to every record of every stored page (such as an erasure's
    scrubbing) and write back the pages where it changed something; return how many
    records changed."""
    changed, skip = 0, 0
    while True:
        pages = store.run("scoring_pages_in_batch", skip=skip, limit=batch)
        rewritten = []
        for page in pages:
            records = page_records(page)
            new = [change(dict(record)) for record in records]
            differ = sum(a != b for a, b in zip(records, new, strict=True))
            if differ:
                changed += differ
                rewritten.append(replace_page(page, new))
        if rewritten:
            store.write(
                "scoring_replace_pages",
                [
                    {**{k: p[k] for k in ("id", "first_hcp", "last_hcp", "n")}, "i": i}
                    for i, p in enumerate(rewritten)
                ],
                scores=[p["scores"] for p in rewritten],
                explanations=[p["explanations"] for p in rewritten],
                batch_size=len(rewritten),
            )
        if len(pages) < batch:
            return changed
        skip += batch
