"""Crossref titles lose their markup (JATS, <scp>, <i>, <sub>) on the real sample."""

from __future__ import annotations

import json

from lxml import html

from kolgraph.ingest import run_ingest
from kolgraph.ingest.crossref import CrossrefLoader, plain_title
from tests.factories import SAMPLES

SAMPLES = SAMPLES
SAMPLE = SAMPLES / "crossref" / "crossref_works.jsonl"


def test_markup_is_stripped_by_the_parser() -> None:
    assert (
        plain_title("<scp>i</scp>Tunes and <i>E. coli</i> CO<sub>2</sub>")
        == "iTunes and E. coli CO2"
    )
    assert plain_title("<jats:title>A &lt; B</jats:title>") == "A < B"
    assert plain_title("Plain  title") == "Plain title"
    assert plain_title("5 < 6 but 7 > 3") == "5 < 6 but 7 > 3"


def test_no_stored_title_keeps_markup(store, tmp_path) -> None:
    marked = []
    for line in SAMPLE.read_text().splitlines():
        work = json.loads(line)
        title = (work.get("title") or [""])[0]
        if "<" in title and ">" in title:
            marked.append(" ".join(html.fromstring(f"<div>{title}</div>").text_content().split()))
    assert marked
    run_ingest(store, CrossrefLoader(), SAMPLE, rejects_dir=tmp_path / "r")
    titles = {r["props"].get("title") for r in store.run("source_nodes", {"label": "Publication"})}
    assert not any(t and ("<" in t and ">" in t) for t in titles)
    assert set(marked) <= titles
