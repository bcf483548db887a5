"""Seeding helpers: nodes and relationships through the store, as docs/schema.md lays out."""

from __future__ import annotations

from typing import Any

from kolgraph.store import GraphStore


def add_hcps(store: GraphStore, hcps: dict[str, dict[str, Any]]) -> None:
    """HCP id -> properties."""
    store.upsert_nodes("HCP", [{"id": i, "props": p} for i, p in hcps.items()])


def add_engagements(store: GraphStore, rows: list[dict[str, Any]]) -> None:
    """Engagements with ``hcp_id`` (and optionally ``product_id``) in their properties."""
    for n, row in enumerate(rows):
        row.setdefault("id", f"eng:crm:T{n:04d}")
    store.upsert_nodes(
        "Engagement",
        [
            {
                "id": r["id"],
                "props": {
                    k: v for k, v in r.items() if k not in ("id", "product_id") and v is not None
                },
            }
            for r in rows
        ],
    )
    store.upsert_relationships(
        "Engagement",
        "WITH_HCP",
        "HCP",
        [{"start": r["id"], "end": r["hcp_id"], "props": {}} for r in rows],
    )
    with_product = [r for r in rows if r.get("product_id")]
    if with_product:
        store.upsert_relationships(
            "Engagement",
            "ABOUT_PRODUCT",
            "Product",
            [{"start": r["id"], "end": r["product_id"], "props": {}} for r in with_product],
        )


def add_prescribing(
    store: GraphStore, rows: list[tuple[str, str, int, int]], company: set[str] = frozenset()
) -> None:
    """(hcp id, brand, year, claims) rows as PrescribingYear records of Products."""
    products = {b for _, b, _, _ in rows}
    store.upsert_nodes(
        "Product",
        [
            {
                "id": f"product:{b.lower()}",
                "props": {"name": b, "brand_name": b, "company_product": b in company},
            }
            for b in products
        ],
    )
    recs = [
        {
            "id": f"rx:partd:{h}:{b.lower()}:{y}",
            "props": {
                "hcp_id": h,
                "year": y,
                "brand_name": b,
                "generic_name": b.lower(),
                "claims": c,
            },
        }
        for h, b, y, c in rows
    ]
    store.upsert_nodes("PrescribingYear", recs)
    store.upsert_relationships(
        "HCP",
        "PRESCRIBED",
        "PrescribingYear",
        [{"start": r["props"]["hcp_id"], "end": r["id"], "props": {}} for r in recs],
    )
    store.upsert_relationships(
        "PrescribingYear",
        "OF_PRODUCT",
        "Product",
        [
            {"start": r["id"], "end": f"product:{r['props']['brand_name'].lower()}", "props": {}}
            for r in recs
        ],
    )
