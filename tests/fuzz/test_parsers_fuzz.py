"""Bounded fuzzing of every loader's parser (longer runs: benchmarks/fuzz_parsers.py)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings

from kolgraph.ingest.registry import LOADERS
from tests.fuzz.parsers import _mutate, fuzzable, mutations, parse_or_refuse, run_parser, seed_bytes

EXAMPLES = int(os.environ.get("KOLGRAPH_FUZZ_EXAMPLES", "15"))


def test_every_registered_loader_is_fuzzed():
    assert fuzzable() == sorted(LOADERS)


@pytest.mark.parametrize("source", fuzzable())
def test_unmutated_seed_parses(source):
    data = seed_bytes(source)
    assert data is not None
    records, rejects = run_parser(source, data)  # a refusal (IngestError) fails the test
    assert records > 0
    # The seed's cut may break its last line; real samples also hold a few rows refused by
    # design (NPPES publishes deactivated NPIs without a name), never most of the file.
    assert rejects <= max(1, records // 10)


@pytest.mark.parametrize("source", fuzzable())
def test_mutated_input_parses_or_is_refused_cleanly(source):
    seed = seed_bytes(source)

    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(mutations)
    def check(ops):
        parse_or_refuse(source, _mutate(seed, ops))

    check()
