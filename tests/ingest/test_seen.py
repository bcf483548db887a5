"""Duplicate detection across the seen-id store's merges."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kolgraph.ingest.seen import SeenIds


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=6), max_size=300))
def test_add_agrees_with_a_plain_set(ids):
    seen, plain = SeenIds(merge_every=7), set()
    for record_id in ids:  # merges happen every 7 new ids, so most lookups hit the array
        assert seen.add(record_id) == (record_id not in plain)
        plain.add(record_id)
    assert len(seen) == len(plain)
    assert all(record_id in seen for record_id in plain)


def test_ids_take_about_eight_bytes_each():
    import tracemalloc

    tracemalloc.start()
    seen = SeenIds()
    for n in range(300_000):
        seen.add(f"{n}")
    current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(seen) == 300_000
    assert current < 6 * 2**20  # a set of the ids themselves holds over 20 MB
