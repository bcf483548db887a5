"""Profiles of every author mention in the shipped sample's gold records."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path

from kolgraph.ingest.publications import Paper, paper_mentions
from kolgraph.ingest.pubmed import PubmedLoader
from kolgraph.ingest.rejects import RejectLog
from kolgraph.resolution.profiles import Profile

GOLD = Path(__file__).parents[2] / "data/samples/author-disambiguation/train_articles.xml.gz"


def gold_profiles(reject_dir: Path) -> Iterator[Profile]:
    """One profile per author mention of :data:`GOLD`, in file order (rejects under
    ``reject_dir``)."""
    with RejectLog(reject_dir / "rejects.jsonl", source="pubmed", file=GOLD.name) as rejects:
        for record in PubmedLoader().records(GOLD, rejects):
            if isinstance(record.value, Paper):
                for _, mention in paper_mentions(record.value):
                    if mention is not None:
                        yield Profile.from_mention(mention)


def gold_block_pairs(reject_dir: Path, limit: int) -> list[tuple[Profile, Profile]]:
    """The first ``limit`` pairs of gold profiles sharing a family name and first initial
    (the resolver's blocks)."""
    blocks: dict[tuple[str, str], list[Profile]] = defaultdict(list)
    for p in gold_profiles(reject_dir):
        blocks[(p.family, p.given[0][:1] if p.given else "")].append(p)
    return [pair for members in blocks.values() for pair in combinations(members, 2)][:limit]
