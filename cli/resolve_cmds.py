"""``kolgraph review ...``, ``kolgraph evaluate disambiguation`` and
``kolgraph resolution train``."""

from __future__ import annotations

import difflib
import getpass
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kolgraph.cli.app import DataDir, JsonFlag, app, console, print_json, store_for
from kolgraph.errors import KolgraphError
from kolgraph.ingest.publications import paper_mentions
from kolgraph.ingest.pubmed import PubmedLoader
from kolgraph.ingest.rejects import RejectLog
from kolgraph.krm.access import Viewer
from kolgraph.resolution import MentionIn
from kolgraph.resolution import review as review_list
from kolgraph.resolution.embedding import MODEL_NAME as EMBEDDING_MODEL
from kolgraph.resolution.features import WITHOUT_EMBEDDING
from kolgraph.resolution.holdout import HOLDOUT_SEED, holdout_evaluate
from kolgraph.resolution.merge import merge_hcps, unmerge_hcp
from kolgraph.resolution.model import ACCEPT, MODEL_FILE, default_model
from kolgraph.resolution.names import family_key, given_tokens
from kolgraph.resolution.training import (
    THRESHOLD_GRID,
    PairScores,
    block_scores,
    choose_block_accept,
    cross_validate_thresholds,
    evaluate_with_band,
    fit_match_model,
    fit_vocabulary,
    pair_mentions,
    read_pairs,
)

evaluate_app = typer.Typer(help="Measure kolgraph against labelled data.", no_args_is_help=True)
resolution_app = typer.Typer(
    help="Train the identity-resolution match model.", no_args_is_help=True
)
review_app = typer.Typer(
    help="Uncertain identity matches waiting for a decision; merging two HCPs of one person.",
    no_args_is_help=True,
)
app.add_typer(evaluate_app, name="evaluate")
app.add_typer(resolution_app, name="resolution")
app.add_typer(review_app, name="review")

Articles = Annotated[Path, typer.Option("--articles", help="PubMed XML (plain or .gz).")]
Pairs = Annotated[Path, typer.Option("--pairs", help="Labelled pairs (';'-separated CSV).")]


class ArticleAuthors:
    """Author mentions of a PubMed file, found by PMID and the name a pair gives."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise KolgraphError(f"{path}: no such file")
        loader = PubmedLoader()
        loader.check(path)
        self.by_pmid: dict[str, list[MentionIn]] = {}
        self.affiliations: list[str] = []
        with (
            tempfile.TemporaryDirectory() as tmp,
            RejectLog(Path(tmp) / "rejects.jsonl", source="pubmed", file=path.name) as rej,
        ):
            for record in loader.records(path, rej):
                paper = record.value
                if not hasattr(paper, "authors"):
                    continue
                mentions = [m for _, m in paper_mentions(paper) if m is not None]
                self.by_pmid[paper.record_id] = mentions
                for m in mentions:
                    self.affiliations.extend(m.affiliations)

    def find(self, pmid: str, family: str, initials: str, given: str) -> MentionIn | None:
        candidates = self.by_pmid.get(pmid, [])
        want = family_key(family.replace("\ufffd", ""))
        first = (given_tokens(given) or given_tokens(initials) or [""])[0][:1]
        exact = [m for m in candidates if family_key(m.family) == want]
        if not exact:
            scored = [
                (difflib.SequenceMatcher(None, want, family_key(m.family)).ratio(), m)
                for m in candidates
            ]
            exact = [m for r, m in sorted(scored, key=lambda s: -s[0]) if r >= 0.8][:3]
        for m in exact:
            tokens = given_tokens(m.given)
            if not first or (tokens and tokens[0][:1] == first):
                return m
        return exact[0] if exact else None


def gold_triples(articles: Path, pairs: Path) -> tuple[list, int, int, ArticleAuthors]:
    """The labelled pairs' two mentions and label, found in ``articles``; also the rows
    skipped for want of a label, the pairs whose author was not found, and the authors."""
    labelled, skipped = read_pairs(pairs)
    authors = ArticleAuthors(articles)
    triples, missing = pair_mentions(labelled, authors.find)
    return triples, skipped, missing, authors


@evaluate_app.command("disambiguation")
def evaluate_disambiguation(articles: Articles, pairs: Pairs, as_json: JsonFlag = False) -> None:
    """Resolve the pairs' authors with the shipped model; print pairwise precision/recall/F1."""
    triples, skipped, missing, _ = gold_triples(articles, pairs)
    scores = evaluate_with_band(triples, default_model())
    result = {**scores, "skipped_rows": skipped, "authors_not_found": missing}
    if as_json:
        print_json(result)
        return
    table = Table(title="author disambiguation (pairwise)")
    for key in result:
        table.add_column(key, justify="right")
    table.add_row(*(str(v) for v in result.values()))
    console.print(table)


@resolution_app.command("holdout")
def holdout(
    articles: Articles,
    pairs: Pairs,
    part: Annotated[float, typer.Option("--holdout", help="Share of pairs held out.")] = 0.25,
    seed: Annotated[int, typer.Option(help="Seed of the one split.")] = HOLDOUT_SEED,
    folds: int = 5,
    reps: Annotated[int, typer.Option(help="Bootstrap resamples.")] = 2000,
    embedding: Annotated[
        bool,
        typer.Option(
            "--text-embedding/--no-text-embedding",
            help="Fit the models with the text embedding's features (off: as shipped).",
        ),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Split the pairs once, choose the threshold by (nested) cross-validation on the fit
    part, then score the held-out part once, with 95 % bootstrap intervals."""
    triples, skipped, missing, authors = gold_triples(articles, pairs)
    vocabulary = fit_vocabulary(
        authors.by_pmid.values(), {m.id for a, b, _ in triples for m in (a, b)}
    )
    result = {
        "pairs": len(triples),
        "skipped_rows": skipped,
        "authors_not_found": missing,
        **holdout_evaluate(
            triples,
            authors.affiliations,
            vocabulary,
            holdout=part,
            seed=seed,
            folds=folds,
            reps=reps,
            columns=None if embedding else WITHOUT_EMBEDDING,
        ),
    }
    print_json(result) if as_json else console.print(result)


@resolution_app.command("train")
def train(
    articles: Articles,
    pairs: Pairs,
    out: Annotated[Path, typer.Option(help="Where to write the model.")] = Path(
        "kolgraph/resolution"
    )
    / MODEL_FILE,
    kind: Annotated[str, typer.Option(help="boosting or logistic.")] = "boosting",
    folds: Annotated[int, typer.Option(help="Cross-validation folds (0: none).")] = 5,
    seed: int = 0,
    accept: Annotated[
        float, typer.Option(help="Merge at or above this probability (the shipped model's).")
    ] = ACCEPT,
    review: Annotated[float, typer.Option(help="Review list from this probability.")] = 0.5,
    blocks: Annotated[
        bool,
        typer.Option(
            "--block-thresholds/--global-threshold",
            help="Choose an accept threshold per name-ambiguity tier by cross-validation "
            "(needs --folds > 1), or use --accept everywhere.",
        ),
    ] = True,
    embedding: Annotated[
        bool,
        typer.Option(
            "--text-embedding/--no-text-embedding",
            help="Give the model the text embedding's features (off in the shipped model: "
            "docs/resolution.md).",
        ),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Fit the match model on labelled pairs; report out-of-fold pair scores first."""
    triples, skipped, missing, authors = gold_triples(articles, pairs)
    result: dict[str, object] = {
        "pairs": len(triples),
        "skipped_rows": skipped,
        "authors_not_found": missing,
    }
    vocabulary = fit_vocabulary(
        authors.by_pmid.values(), {m.id for a, b, _ in triples for m in (a, b)}
    )
    block_accept = None
    columns = None if embedding else WITHOUT_EMBEDDING
    if folds > 1:
        tiers: dict[float, list[PairScores]] = {}
        grid = sorted({*THRESHOLD_GRID, accept}) if blocks else [accept]
        cv = cross_validate_thresholds(
            triples,
            authors.affiliations,
            grid,
            folds=folds,
            seed=seed,
            kind=kind,
            review=review,
            vocabulary=vocabulary,
            by_tier=tiers,
            columns=columns,
        )
        result["cross_validated"] = cv[accept].as_dict()
        if blocks:
            block_accept = choose_block_accept(tiers)
            result["block_accept"] = block_accept
            result["cross_validated_block"] = block_scores(tiers, block_accept).as_dict()
    model = fit_match_model(
        triples,
        authors.affiliations,
        kind=kind,
        seed=seed,
        accept=accept,
        review=review,
        vocabulary=vocabulary,
        columns=columns,
    )
    model.meta["cross_validated"] = result.get("cross_validated")
    model.meta["cross_validated_block"] = result.get("cross_validated_block")
    model.meta["embedding"] = EMBEDDING_MODEL if embedding else None
    model.block_accept = block_accept
    model.save(out)
    result["model"] = str(out)
    if as_json:
        print_json(result)
    else:
        console.print(result)


@review_app.command("list")
def review_show(data_dir: DataDir = None, limit: int = 50, as_json: JsonFlag = False) -> None:
    """Open review entries: a mention, the HCP it may be, and the match score."""
    with store_for(data_dir) as store:
        items = review_list.open_reviews(store, limit=limit)
    if as_json:
        print_json(items)
        return
    table = Table(title="identity matches to review")
    for column in ("mention", "name", "candidate", "candidate name", "score"):
        table.add_column(column)
    for item in items:
        table.add_row(
            item["mention_id"],
            item["name"] or "",
            item["candidate_id"],
            item["candidate_name"] or "",
            f"{item['score']:.3f}",
        )
    console.print(table)


@review_app.command("stats")
def review_stats(
    data_dir: DataDir = None,
    band: Annotated[
        float, typer.Option(help="Lower end of the band (its upper end is the model's accept).")
    ] = review_list.BAND,
    limit: int = 20,
    as_json: JsonFlag = False,
) -> None:
    """The review band's size and yield (confirmed same / different), entries by value."""
    with store_for(data_dir) as store:
        stats = review_list.review_stats(
            store, accept=default_model().highest_accept, band=band, limit=limit
        )
    if as_json:
        print_json(stats)
        return
    low, high = stats["band"]
    console.print(
        f"review band {low:.2f}-{high:.2f}: {stats['entries']:,} entries, "
        f"{stats['open']:,} open, {stats['confirmed_same']:,} confirmed same, "
        f"{stats['confirmed_different']:,} confirmed different, yield "
        f"{'-' if stats['yield'] is None else format(stats['yield'], '.0%')}; "
        f"{stats['below_band']:,} entries below the band"
    )
    table = Table(title="open entries in the band, by value (score x mentions joined)")
    for column in ("mention", "name", "candidate", "candidate name", "score", "mentions", "value"):
        table.add_column(column)
    for e in stats["by_value"]:
        table.add_row(
            e["mention_id"],
            e["name"] or "",
            e["candidate_id"],
            e["candidate_name"] or "",
            f"{e['score']:.3f}",
            f"{e['mentions']}+{e['candidate_mentions']}",
            f"{e['value']:.1f}",
        )
    console.print(table)


@review_app.command("accept")
def review_accept(
    mention_id: str, data_dir: DataDir = None, by: str = "cli", as_json: JsonFlag = False
) -> None:
    """Merge the mention's HCP into the candidate HCP (undo with 'review undo')."""
    with store_for(data_dir) as store:
        result = review_list.accept(store, mention_id, decided_by=by)
    print_json(result) if as_json else console.print(result)


@review_app.command("reject")
def review_reject(
    mention_id: str, data_dir: DataDir = None, by: str = "cli", as_json: JsonFlag = False
) -> None:
    """Keep the mention's HCP separate from the candidate, for good."""
    with store_for(data_dir) as store:
        result = review_list.reject(store, mention_id, decided_by=by)
    print_json(result) if as_json else console.print(result)


@review_app.command("undo")
def review_undo(mention_id: str, data_dir: DataDir = None, as_json: JsonFlag = False) -> None:
    """Undo the decision on a mention's review entry (splits an accepted merge again)."""
    with store_for(data_dir) as store:
        result = review_list.undo(store, mention_id)
    print_json(result) if as_json else console.print(result)


def _operator(by: str | None) -> Viewer:
    """Who runs a merge from the command line, as the audit log records it."""
    return Viewer(f"cli:{by or getpass.getuser()}", "operator", "identity review")


DecidedBy = Annotated[
    str | None, typer.Option("--by", help="Who decides (audit log; default: the OS user).")
]


@review_app.command("merge")
def review_merge(
    survivor: Annotated[str, typer.Argument(help="The HCP that stays, e.g. npi:1234567893.")],
    other: Annotated[str, typer.Argument(help="The HCP of the same person merged into it.")],
    reason: Annotated[str | None, typer.Option(help="Why (kept in the audit log).")] = None,
    by: DecidedBy = None,
    data_dir: DataDir = None,
    as_json: JsonFlag = False,
) -> None:
    """Merge two HCPs of one person: every relationship and identifier of OTHER moves to
    SURVIVOR (undo with 'review unmerge OTHER'). Refused for two different NPIs or ORCIDs."""
    with store_for(data_dir) as store:
        result = merge_hcps(store, survivor, other, by=_operator(by), reason=reason)
    print_json(result) if as_json else console.print(result)


@review_app.command("unmerge")
def review_unmerge(
    other: Annotated[str, typer.Argument(help="The HCP that was merged away.")],
    by: DecidedBy = None,
    data_dir: DataDir = None,
    as_json: JsonFlag = False,
) -> None:
    """Split a merged HCP off again: what it brought goes back, its identifiers too."""
    with store_for(data_dir) as store:
        result = unmerge_hcp(store, other, by=_operator(by))
    print_json(result) if as_json else console.print(result)
