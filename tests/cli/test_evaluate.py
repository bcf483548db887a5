"""``kolgraph evaluate disambiguation`` on the MEDLINE gold standard, run as a command."""

from __future__ import annotations

import csv
import gzip
import json
import subprocess
import sys
from pathlib import Path

from lxml import etree

GOLD = Path(__file__).parents[2] / "data/samples/author-disambiguation"
ARTICLES, PAIRS = GOLD / "train_articles.xml.gz", GOLD / "pairs_train.csv"


def _kolgraph(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kolgraph.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _gold_counts() -> tuple[int, int, int, int]:
    """Labelled rows, unlabelled rows, same-person rows and rows naming a PMID the
    articles lack, counted straight from the files."""
    with gzip.open(ARTICLES, "rb") as xml:
        pmids = {el.text for _, el in etree.iterparse(xml, tag="PMID")}
    with PAIRS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))[1:]
    labels = [row[8].strip().upper() if len(row) > 8 else "" for row in rows]
    labelled = [
        (row, label)
        for row, label in zip(rows, labels, strict=True)
        if label in ("YES", "NO", "N0")
    ]
    absent = sum(1 for row, _ in labelled if row[0] not in pmids or row[4] not in pmids)
    same = sum(
        1 for row, label in labelled if label == "YES" and row[0] in pmids and row[4] in pmids
    )
    return len(labelled), len(rows) - len(labelled), same, absent


def test_evaluate_disambiguation_prints_pair_scores(tmp_path: Path) -> None:
    done = _kolgraph(
        "evaluate",
        "disambiguation",
        "--articles",
        str(ARTICLES),
        "--pairs",
        str(PAIRS),
        "--json",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    labelled, unlabelled, same, absent = _gold_counts()
    assert result["skipped_rows"] == unlabelled
    assert result["pairs"] + result["authors_not_found"] == labelled
    assert result["authors_not_found"] >= absent  # a missing record cannot be found
    assert result["tp"] + result["fp"] + result["fn"] + result["tn"] == result["pairs"]
    assert result["tp"] + result["fn"] == same  # every found pair of both records counts
    precision = result["tp"] / (result["tp"] + result["fp"])
    recall = result["tp"] / (result["tp"] + result["fn"])
    assert result["precision"] == round(precision, 4)
    assert result["recall"] == round(recall, 4)
    assert result["f1"] == round(2 * precision * recall / (precision + recall), 4)
    # the shipped model was fitted on these pairs: in-sample it makes no wrong merge; the
    # pairs' own authors are left out of the name table, so name-only pairs on those
    # names go to review (name_prior), in-sample recall 0.64
    assert result["fp"] == 0 and result["recall"] > 0.6
    # those review entries are the band: resolved by a reviewer, recall rises (in-sample)
    assert result["recall_automatic"] == result["recall"]
    assert result["band_same"] + result["band_different"] == result["band_pairs"] > 0
    assert result["recall_with_reviewed_band"] == round(
        (result["tp"] + result["band_same"]) / (result["tp"] + result["fn"]), 4
    )
    assert result["recall_with_reviewed_band"] > result["recall"]


def test_evaluate_disambiguation_names_a_bad_pairs_file(tmp_path: Path) -> None:
    bad = tmp_path / "pairs.csv"
    bad.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    done = _kolgraph(
        "evaluate",
        "disambiguation",
        "--articles",
        str(ARTICLES),
        "--pairs",
        str(bad),
        "--json",
        cwd=tmp_path,
    )
    assert done.returncode == 1
    # with --json the error is one JSON object naming the file
    error = json.loads(done.stdout.strip().splitlines()[-1])["error"]
    assert "pairs.csv" in error
