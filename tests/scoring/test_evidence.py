"""Each HCP's top evidence items: :class:`Evidence` against a sort of the whole frame."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kolgraph.scoring.activity import EVIDENCE_ITEMS, Evidence


def _reference(frame: pd.DataFrame, columns: list[str]) -> dict[str, list[dict[str, object]]]:
    """The top items per HCP by sorting every column of every row, then taking the head."""
    ranked = frame.sort_values(["hcp", "value", columns[0]], ascending=[True, False, True])
    ranked = ranked[ranked.groupby("hcp", sort=False).cumcount() < EVIDENCE_ITEMS]
    out: dict[str, list[dict[str, object]]] = {}
    for row in ranked.itertuples(index=False):
        item = {c: getattr(row, c) for c in columns}
        item["value"] = round(row.value, 4)
        out.setdefault(str(row.hcp), []).append(item)
    return out


rows = st.lists(
    st.tuples(
        st.sampled_from(["hcp:1", "hcp:2", "hcp:10", "hcp:b"]),
        st.sampled_from(["11", "12", "2", "30", "4"]),
        st.sampled_from([0.5, 1.0, 1.0, 2.25, 0.0]),
        st.sampled_from(["first", "last", "middle"]),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(rows=rows, shift=st.integers(0, 5))
def test_top_items_are_those_of_a_full_sort(rows: list[tuple], shift: int) -> None:
    frame = pd.DataFrame(rows, columns=["hcp", "pmid", "value", "role"])
    frame["extra"] = range(len(frame))  # a column that is not kept
    frame.index = frame.index + shift  # the frame's index is not positions
    evidence = Evidence()
    evidence.add(frame, ["pmid", "role"], "papers")
    expected = _reference(frame, ["pmid", "role"])
    got = {hcp: items["papers"] for hcp, items in evidence.many(sorted(expected)).items()}
    assert got == expected
    assert sorted(evidence) == sorted(expected)
    assert all(len(items) <= EVIDENCE_ITEMS for items in got.values())
