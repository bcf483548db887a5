"""Places parsed from affiliation strings and the scope they give: samples and small worlds."""

from __future__ import annotations

from pathlib import Path

import pytest

from kolgraph.ingest import run_ingest
from kolgraph.ingest.crossref import CrossrefLoader
from kolgraph.ingest.openalex import OpenAlexLoader
from kolgraph.ingest.pubmed import PubmedLoader
from kolgraph.ingest.trials import TrialsLoader
from kolgraph.places import Place, country_code, place_of
from kolgraph.scoring import score_hcps
from kolgraph.scoring.inputs import ScoringData
from kolgraph.store import GraphStore

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Dept of Cardiology, Mayo Clinic, Rochester, MN 55905, USA.", ("Rochester", "MN", "US")),
        ("Harvard Medical School, Boston, Massachusetts 02115, USA", ("Boston", "MA", "US")),
        ("Department of Physics, MIT, Cambridge, MA 02139 USA", ("Cambridge", "MA", "US")),
        (
            "Department of Medicine, University of Cambridge, Cambridge, UK",
            ("Cambridge", None, "GB"),
        ),
        ("Inserm U1016, 75014 Paris, France. someone@inserm.fr", ("Paris", None, "FR")),
        ("Seoul National University Hospital, Seoul, Republic of Korea.", ("Seoul", None, "KR")),
        ("Universidade de São Paulo, Sao Paulo, Brazil", ("São Paulo", None, "BR")),
        ("Hospital Universitario La Paz, Madrid, Spain", ("Madrid", None, "ES")),
        ("Bayer AG, Berlin", ("Berlin", None, "DE")),
        ("Stanford University, Stanford, CA 94305", (None, "CA", "US")),
        ("Department of Biostatistics", (None, None, None)),
    ],
)
def test_place_of_affiliation_strings(text: str, place: tuple) -> None:
    assert place_of(text) == Place(*place)


def test_country_names_become_iso_codes() -> None:
    assert [
        country_code(c)
        for c in (
            "United States",
            "USA",
            "Deutschland",
            "The Netherlands",
            "People's Republic of China",
            "Türkiye",
        )
    ] == ["US", "US", None, "NL", "CN", "TR"]


def _world(coauthor_countries: list[str]) -> ScoringData:
    """One author with papers with co-authors abroad, and a few local pairs for contrast."""
    hcps, authorships, affiliations = [], [], []
    places = {"star": ("London", None, "GB")}
    for i, country in enumerate(coauthor_countries):
        places[f"co{i}"] = (
            {"US": "Boston", "FR": "Paris", "DE": "Berlin", "JP": "Tokyo", "GB": "London"}[country],
            "MA" if country == "US" else None,
            country,
        )
    places.update({"l1": ("Leeds", None, "GB"), "l2": ("Leeds", None, "GB")})
    for hcp in places:
        hcps.append({"id": hcp, "name": hcp})
    papers = [[("star", 1), (f"co{i}", 2)] for i in range(len(coauthor_countries))]
    papers.append([("l1", 1), ("l2", 2)])
    for n, paper in enumerate(papers):
        for hcp, pos in paper:
            authorships.append(
                {
                    "hcp": hcp,
                    "pub": f"p{n}",
                    "pmid": str(n),
                    "year": 2020,
                    "position": pos,
                    "n_authors": len(paper),
                    "cited_by": 3,
                }
            )
    for hcp, (city, state, country) in places.items():
        affiliations.append(
            {
                "hcp": hcp,
                "institution": f"i:{hcp}",
                "city": city,
                "state": state,
                "country": country,
                "year": 2020,
            }
        )
    # the star also holds a US appointment, listed under a country name as trials write it
    affiliations.append(
        {
            "hcp": "star",
            "institution": "i:star:us",
            "city": "Boston",
            "state": "Massachusetts",
            "country": "United States",
            "year": 2018,
        }
    )
    return ScoringData.from_rows(hcps=hcps, authorships=authorships, affiliations=affiliations)


def test_world_class_author_with_ties_in_several_countries_is_not_local() -> None:
    result = score_hcps(_world(["US", "FR", "DE", "JP", "GB"])).frame
    star = result.loc["star"]
    assert star["scope"] == "international"
    assert star["scope_international"] == 4 and star["scope_local"] == 1
    assert (star["city"], star["country"]) == ("London", "GB")  # the latest institution
    assert result.loc["l1", "scope"] == "local"
    assert result.loc["co0", ["city", "state", "country"]].tolist() == ["Boston", "MA", "US"]


def test_samples_loaded_together_have_several_scope_levels(store: GraphStore, tmp_path: Path):
    rejects = tmp_path / "rejects"
    for path in sorted((SAMPLES / "pubmed").rglob("*.xml")):
        run_ingest(store, PubmedLoader(), path, rejects_dir=rejects)
    run_ingest(
        store, CrossrefLoader(), SAMPLES / "crossref" / "crossref_works.jsonl", rejects_dir=rejects
    )
    for path in sorted((SAMPLES / "openalex").glob("works_*.json")):
        run_ingest(store, OpenAlexLoader(), path, rejects_dir=rejects)
    for path in sorted((SAMPLES / "clinicaltrials-gov").rglob("*.json")):
        run_ingest(store, TrialsLoader(), path, rejects_dir=rejects)
    located = store.execute(
        "MATCH (i:Institution) WHERE i.country IS NOT NULL "
        "RETURN i.country AS country, count(*) AS n",
        {},
    )
    countries = {r["country"]: r["n"] for r in located}
    assert {"US", "GB", "DE", "FR", "CN"} <= set(countries)
    frame = score_hcps(store).frame
    levels = frame["scope"].value_counts().to_dict()
    assert len(levels) >= 2 and levels.get("international", 0) > 0, levels
    assert frame["country"].notna().mean() > 0.3
