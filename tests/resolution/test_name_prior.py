"""A family name no table holds never merges two mentions on the name alone."""

from __future__ import annotations

import copy
from pathlib import Path

from lxml import etree

from kolgraph.cli.resolve_cmds import ArticleAuthors
from kolgraph.ingest import run_ingest
from kolgraph.ingest.pubmed import PubmedLoader
from kolgraph.resolution import ResolutionIndex
from kolgraph.resolution.model import default_model
from kolgraph.resolution.name_prior import name_only_rows
from kolgraph.resolution.profiles import Profile

SAMPLE = Path(__file__).parents[2] / "data/samples/pubmed/pubmed21n1298_sample_every21st.xml"
# Two unrelated real records (Journal of Epidemiology 2021, Health Reports 2020), their first
# authors renamed to one unseen name: the model alone scores the pair 0.99.
PMIDS = ("32595182", "32672924")
FAMILY = "Vondrakovitz"


def _renamed_records(path: Path, family: str) -> Path:
    articles = [
        a
        for a in etree.parse(str(SAMPLE)).getroot().iter("PubmedArticle")
        if a.findtext("MedlineCitation/PMID") in PMIDS
    ]
    assert len(articles) == 2
    out = []
    for article in articles:
        article = copy.deepcopy(article)
        author = article.find(".//AuthorList/Author")
        author.find("LastName").text = family
        author.find("ForeName").text = "Jana"
        author.find("Initials").text = "J"
        out.append(etree.tostring(article))
    path.write_bytes(b"<PubmedArticleSet>" + b"".join(out) + b"</PubmedArticleSet>")
    return path


def _pair(path: Path, family: str) -> tuple[Profile, Profile]:
    authors = ArticleAuthors(path)
    a, b = ([m for m in authors.by_pmid[p] if m.family == family][0] for p in PMIDS)
    return Profile.from_mention(a), Profile.from_mention(b)


def test_the_pair_shares_only_the_name_and_the_model_alone_would_merge_it(tmp_path):
    model = default_model()
    a, b = _pair(_renamed_records(tmp_path / "renamed.xml", FAMILY), FAMILY)
    x = model.features_many([(a, b)])
    assert model.vocabulary.family_count(a.family) == 0
    assert bool(name_only_rows(x)[0])
    assert model.probabilities(x)[0] >= model.accept  # what the prior has to stop
    index = ResolutionIndex(model)
    index.add("hcp:a", "vondrakovitz j", a)
    (capped,) = index.scorer.probabilities([(b, a)])
    assert model.review <= capped < model.accept


def test_a_surname_seen_elsewhere_is_scored_by_the_model(tmp_path):
    model = default_model()
    a, b = _pair(_renamed_records(tmp_path / "renamed.xml", FAMILY), FAMILY)
    index = ResolutionIndex(model)
    index.scorer.prior.observe(Profile("mention:pubmed:1:1", a.family, ("karel",)))
    assert index.scorer.probabilities([(b, a)]) == model.probabilities(
        model.features_many([(b, a)])
    )


def test_real_records_with_an_unseen_surname_stay_two_hcps(store, tmp_path):
    path = _renamed_records(tmp_path / "renamed.xml", FAMILY)
    run_ingest(store, PubmedLoader(), path, rejects_dir=tmp_path)
    rows = store.execute(
        "MATCH (m:Mention)-[:RESOLVED_TO]->(h:HCP) WHERE m.family = $family "
        "RETURN h.id AS hcp, m.match_method AS method, m.review_candidate AS candidate",
        {"family": FAMILY},
    )
    assert len(rows) == 2
    assert len({r["hcp"] for r in rows}) == 2
    assert sorted(r["method"] or "" for r in rows) == ["new", "review"]
