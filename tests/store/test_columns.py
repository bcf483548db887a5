"""``GraphStore.columns``: a read statement's result as typed columns, equal to ``run``'s rows.

FalkorDB answers it from its plain reply (scalars as text), so the types come from the
caller: a department spelt "true" or "1.5" must stay a string, a boolean must come back as
a bool, a null as None, and doubles to 15 significant digits.
"""

from __future__ import annotations

import pytest

from kolgraph.store import GraphStore

KINDS = {
    "hcp_id": str,
    "department": str,
    "now": bool,
    "speaker": bool,
    "outcome": str,
    "engagements": int,
    "spend": float,
}
PARAMS = {"before": "2023-01-01", "since": "2024-01-01", "until": "2024-12-31"}


def seeded(store: GraphStore) -> None:
    store.upsert_nodes("HCP", [{"id": f"npi:{i}", "props": {"name": f"H {i}"}} for i in range(3)])
    rows = [
        ("npi:0", "true", "2024-02-01", "speaker_programme", "accepted", 0.1),
        ("npi:0", "true", "2024-03-01", "speaker_programme", "accepted", 0.2),
        ("npi:1", "1.5", "2024-04-01", "visit", None, 1234567.891),
        ("npi:1", "1.5", "2023-04-01", "visit", "declined", 5.0),
        ("npi:2", "sales", "2024-05-01", None, "false", 1 / 3),
    ]
    store.upsert_nodes(
        "Engagement",
        [
            {
                "id": f"eng:t:{n}",
                "props": {
                    k: v
                    for k, v in zip(
                        ("department", "date", "type", "outcome", "cost"), row[1:], strict=True
                    )
                    if v is not None
                },
            }
            for n, row in enumerate(rows)
        ],
    )
    store.upsert_relationships(
        "Engagement",
        "WITH_HCP",
        "HCP",
        [{"start": f"eng:t:{n}", "end": row[0], "props": {}} for n, row in enumerate(rows)],
    )


def test_columns_equal_the_rows_typed_as_asked(store: GraphStore):
    seeded(store)
    cols = store.columns("roi_groups", KINDS, **PARAMS)
    assert set(cols) == set(KINDS)
    got = sorted(zip(*(cols[c] for c in KINDS), strict=True), key=repr)
    rows = store.run("roi_groups", **PARAMS)
    want = sorted(
        (
            (
                r["hcp_id"],
                r["department"],
                bool(r["now"]),
                r["speaker"],
                r["outcome"],
                int(r["engagements"]),
                float(r["spend"]),
            )
            for r in rows
        ),
        key=repr,
    )
    assert len(got) == len(want) == 4
    for g, w in zip(got, want, strict=True):
        assert g[:6] == w[:6]
        assert [type(v) for v in g[:6]] == [type(v) for v in w[:6]]
        assert g[6] == pytest.approx(w[6], rel=1e-14, abs=0)
    by_department = {g[1]: g for g in got if g[2]}
    assert by_department["true"][3] is True and by_department["true"][6] == pytest.approx(0.3)
    assert by_department["1.5"][4] is None and by_department["sales"][4] == "false"
    assert by_department["sales"][3] is None  # no type: the comparison is null


def test_no_rows_gives_empty_columns(store: GraphStore):
    assert store.columns("roi_groups", KINDS, **PARAMS) == {c: [] for c in KINDS}
