"""How much recall the MEDLINE gold records allow at 99 % precision, whatever the resolver.

Usage: python benchmarks/disambiguation_ceiling.py [--affiliation 0.1 0.2 0.3 0.5] [--seeds 3]

Splits the gold pairs (``data/samples/author-disambiguation``) the rules let the model
compare into two groups, by what the two records share besides the name:

- **strong evidence**: a co-author (by name key or full name), a cited or citing record,
  a reference, a grant, an e-mail or ORCID, or an affiliation (the authors' own or any
  author's of the records) with 3-gram similarity of at least *t* (each ``--affiliation``
  in turn), directly or through a chain of such links among all the articles' mentions
  of the labelled names;
- **none of it**: only the name, the years and topical closeness (MeSH, words, journal,
  LSA topic vector) are left.

It then grants an oracle every strong-evidence pair: all its same-person pairs merged, no
wrong merge. On the other group it fits classifiers of three kinds (gradient boosting as
shipped, a random forest, logistic regression) with 5-fold cross-validation over several
split seeds, and counts the same-person pairs the best of them ranks above its 10th
different-person pair (at most 9 wrong merges: precision 0.99 needs at least 99 right
merges for each wrong one, and there are at most about 980). The cut is chosen on the
held-out scores themselves, which favours the bound further. A resolver built from
these records and these kinds of learner, with no oracle and a threshold chosen
beforehand, cannot exceed a recall of

    (strong-evidence same pairs + that count) / same-person pairs

``recall_ceiling`` is the highest of these over the thresholds *t*.

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

import networkx as nx
import numpy as np
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from kolgraph.cli.resolve_cmds import gold_triples
from kolgraph.resolution.features import FEATURES, conflict
from kolgraph.resolution.model import default_model
from kolgraph.resolution.profiles import Profile

GOLD = Path(__file__).resolve().parents[1] / "data" / "samples" / "author-disambiguation"
SHARED = (
    "shared_coauthors",
    "coauthor_fullname_shared",
    "self_citation",
    "shared_references",
    "shared_grants",
    "email_equal",
    "orcid_equal",
)
AFFILIATIONS = ("affiliation_similarity", "record_affiliation_similarity")


def learners(seed: int) -> dict[str, object]:
    """The classifiers tried on the pairs without strong evidence."""
    return {
        "boosting": GradientBoostingClassifier(
            n_estimators=200, max_depth=3, learning_rate=0.05, subsample=0.8, random_state=seed
        ),
        "random_forest": RandomForestClassifier(
            n_estimators=500, min_samples_leaf=2, random_state=seed, n_jobs=1
        ),
        "logistic": make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=5000)),
    }


def same_above(scores: np.ndarray, same: np.ndarray, wrong: int) -> int:
    """Same-person pairs ranked above the ``wrong + 1``-th different-person pair.

    >>> same_above(np.array([0.9, 0.8, 0.7, 0.6]), np.array([1, 0, 1, 1]), 0)
    1
    >>> same_above(np.array([0.9, 0.8, 0.7, 0.6]), np.array([1, 0, 1, 1]), 1)
    3
    """
    order = np.argsort(-scores, kind="stable")
    ranked = same[order]
    false = np.cumsum(1 - ranked)
    return int(np.cumsum(ranked)[false <= wrong].max(initial=0))


def evidence_links(
    mentions: dict[str, Profile],
    pairs: list[tuple[str, str]],
    features: np.ndarray,
    threshold: float,
) -> nx.Graph:
    """Mentions joined where their two records share strong evidence."""
    column = {name: i for i, name in enumerate(FEATURES)}
    strong = np.zeros(len(pairs), dtype=bool)
    for name in SHARED:
        strong |= features[:, column[name]] > 0
    for name in AFFILIATIONS:
        strong |= features[:, column[name]] >= threshold
    graph = nx.Graph()
    graph.add_nodes_from(mentions)
    graph.add_edges_from(pair for pair, linked in zip(pairs, strong, strict=True) if linked)
    return graph


def ceiling(
    x: np.ndarray, y: np.ndarray, linked: np.ndarray, n_same: int, wrong: int, seeds: int
) -> dict[str, object]:
    """Recall with an oracle on the ``linked`` pairs and the best held-out classifier,
    cut with hindsight at ``wrong`` wrong merges, on the others."""
    rest_x, rest_y = x[~linked], y[~linked]
    found: dict[str, list[int]] = {}
    for seed in range(seeds):
        folds = StratifiedKFold(5, shuffle=True, random_state=seed)
        for name, learner in learners(seed).items():
            scores = cross_val_predict(learner, rest_x, rest_y, cv=folds, method="predict_proba")[
                :, 1
            ]
            found.setdefault(name, []).append(same_above(scores, rest_y, wrong))
    best = max(max(v) for v in found.values())
    linked_same = int(y[linked].sum())
    return {
        "strong_evidence": {"same": linked_same, "different": int((1 - y[linked]).sum())},
        "no_strong_evidence": {"same": int(rest_y.sum()), "different": int((1 - rest_y).sum())},
        "held_out_same_found_without_strong_evidence": found,
        "recall_ceiling": round((linked_same + best) / n_same, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=Path, default=GOLD / "train_articles.xml.gz")
    parser.add_argument("--pairs", type=Path, default=GOLD / "pairs_train.csv")
    parser.add_argument(
        "--affiliation",
        type=float,
        nargs="+",
        default=[0.1, 0.2, 0.3, 0.5],
        help="3-gram similarities from which a shared affiliation counts",
    )
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--precision", type=float, default=0.99)
    args = parser.parse_args()
    triples, _, missing, authors = gold_triples(args.articles, args.pairs)
    model = default_model()
    # every author of the articles whose name block holds a labelled mention: a person's
    # third record can link two of their records that share nothing directly
    keys = {m.key for a, b, _ in triples for m in (a, b)}
    profiles: dict[str, Profile] = {}
    blocks: dict[str, list[str]] = {}
    for mentions in authors.by_pmid.values():
        for m in mentions:
            if m.key in keys:
                profiles[m.id] = Profile.from_mention(m)
                blocks.setdefault(m.key, []).append(m.id)
    pairs = [
        (a, b)
        for ids in blocks.values()
        for a, b in itertools.combinations(ids, 2)
        if not conflict(profiles[a], profiles[b])
    ]
    index = {pair: i for i, pair in enumerate(pairs)}
    for a, b, _ in triples:  # a labelled pair across two blocks (an umlaut written two ways)
        if (a.id, b.id) not in index and (b.id, a.id) not in index:
            index[(a.id, b.id)] = len(pairs)
            pairs.append((a.id, b.id))
    features = np.asarray(model.features_many([(profiles[a], profiles[b]) for a, b in pairs]))
    labelled, labels, ruled_out_same = [], [], 0
    for a, b, same in triples:
        if conflict(profiles[a.id], profiles[b.id]):  # never merged by the resolver
            ruled_out_same += int(same)
            continue
        labelled.append((a.id, b.id) if (a.id, b.id) in index else (b.id, a.id))
        labels.append(int(same))
    x = features[[index[pair] for pair in labelled]]
    y = np.array(labels)
    n_same = int(sum(same for _, _, same in triples))
    # wrong merges allowed in all: precision >= p with at most n_same right merges
    wrong = int(n_same * (1 - args.precision) / args.precision)
    by_threshold = {}
    for threshold in args.affiliation:
        graph = evidence_links(profiles, pairs, features, threshold)
        component = {m: i for i, c in enumerate(nx.connected_components(graph)) for m in c}
        linked = np.array([component[a] == component[b] for a, b in labelled])
        by_threshold[str(threshold)] = ceiling(x, y, linked, n_same, wrong, args.seeds)
    print(
        json.dumps(
            {
                "pairs": len(triples),
                "authors_not_found": missing,
                "same_person": n_same,
                "same_person_ruled_out_by_rules": ruled_out_same,
                "mentions_in_labelled_blocks": len(profiles),
                "wrong_merges_allowed": wrong,
                "recall_needed": 0.95,
                "by_affiliation_threshold": by_threshold,
                "recall_ceiling": max(v["recall_ceiling"] for v in by_threshold.values()),
            }
        )
    )


if __name__ == "__main__":
    main()
