"""Who counts as a KOL and calibrated tiers, on the real samples shipped in data/samples."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kolgraph.config import Settings
from kolgraph.ingest import run_ingest
from kolgraph.ingest.registry import loader_for
from kolgraph.scoring import ScoringParams, score_hcps, write_run
from kolgraph.scoring.eligibility import (
    Eligibility,
    clinical_reason,
    eligibility_frame,
    industry_reason,
    manufacturers,
)
from kolgraph.scoring.frame import hcp_frame
from kolgraph.scoring.tiering import percentiles, tier_counts, tier_frame
from kolgraph.store import EmbeddedFalkorDB, open_store
from tests.factories import run_cli

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
# PubMed, Crossref, OpenAlex, congress, trials, NPPES and Open Payments loaded together.
REAL = [
    ("nppes", "nppes/npidata_sample_1000_part1.csv"),
    ("pubmed", "pubmed/pubmed21n1298_sample_mesh_indexed.xml"),
    ("pubmed", "pubmed/pubmed21n1298_sample_every21st.xml"),
    ("crossref", "crossref/crossref_works.jsonl"),
    ("openalex", "openalex/works_results_page_chunk1.json"),
    ("openalex", "openalex/works_results_page_chunk2.json"),
    ("congress", "conference-midl/midl2020_scientific-program.md"),
    ("trials", "clinicaltrials-gov/api_v2_study/NCT02210780.json"),
    ("trials", "clinicaltrials-gov/legacy_public_xml/NCT04349592_covid_19_hcq.xml"),
    ("payments", "open-payments/general_payments_PY2013_SanFrancisco_socrata_part1.csv"),
]


def test_industry_affiliations_are_recognised() -> None:
    assert industry_reason("Bayer AG, Berlin, Germany").startswith("manufacturer 'Bayer'")
    assert "Novartis" in industry_reason("Novartis Institutes for BioMedical Research, Basel")
    assert "'GmbH'" in industry_reason("Boehringer Labs GmbH, Biberach")
    assert "'S.A.'" in industry_reason("Laboratorios Ejemplo S.A., Madrid")
    assert "pharmaceuticals" in industry_reason("Thea Pharmaceuticals, UK.")
    # a hospital or university named like a company is not industry
    assert industry_reason("Abbott Northwestern Hospital, Minneapolis, MN") is None
    assert industry_reason("School of Pharmaceutical Sciences, University of Geneva") is None
    assert industry_reason("Cook County Health, Chicago") is None
    # affiliations of the shipped samples: academic units named after a field are not
    # industry; a company's clinical departments are the company
    assert (
        industry_reason(
            "Pharmaceutical&Medicinal Chemistry, Institute of Pharmacy & Biochemistry, "
            "Tübingen Center for Academic Drug Discovery, Auf der Morgenstelle 8, Tuebingen"
        )
        is None
    )
    assert (
        industry_reason(
            "Helmholtz Centre for Infection Research (HZI), Biogenic Nanotherapeutics Group "
            "(BION), Helmholtz Institute for Pharmaceutical Research Saarland (HIPS), "
            "Saarbrücken 66123, Germany"
        )
        is None
    )
    assert "'Ltd.'" in industry_reason(
        "Biopharmaceutics Group, Global Clinical Management, Dr. Reddy's Laboratories Ltd., "
        "Hyderabad, India"
    )
    assert clinical_reason("Department of Cardiology, Rigshospitalet, Copenhagen") == "cardiology"
    assert clinical_reason("Department of Computer Science, ETH Zurich") is None


def test_shipped_manufacturer_list_is_what_the_script_writes(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import manufacturer_list
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    out = tmp_path / "manufacturers.csv"
    assert manufacturer_list.write(out) > 300
    shipped = ROOT / "kolgraph" / "data" / "manufacturers.csv"
    assert out.read_text(encoding="utf-8") == shipped.read_text(encoding="utf-8")
    assert any(m.match == "pfizer" for m in manufacturers())


def test_eligibility_reasons_and_industry_overrides() -> None:
    people = pd.DataFrame(
        [
            {"id": "npi", "npi": "1234567893", "specialty": "Cardiology"},
            {"id": "moved"},
            {"id": "industry"},
            {"id": "engineer"},
            {"id": "practice", "npi": "1999999999"},
        ]
    )
    affs = pd.DataFrame(
        [
            {"hcp": "moved", "name": "Pfizer Inc, New York", "year": 2015},
            {"hcp": "moved", "name": "Department of Oncology, Mayo Clinic", "year": 2021},
            {"hcp": "industry", "name": "Department of Oncology, Mayo Clinic", "year": 2015},
            {"hcp": "industry", "name": "Genentech, South San Francisco", "year": 2021},
            {"hcp": "engineer", "name": "Department of Physics, MIT", "year": 2021},
            {"hcp": "practice", "name": "Smith Family Care LLC", "year": 2021},
            # a professor who founded a company: both on the same paper
            {"hcp": "founder", "name": "HanaVax Inc., Tokyo, Japan", "year": 2020},
            {"hcp": "founder", "name": "Department of Medicine, University of Tokyo", "year": 2020},
            {"hcp": "founder", "name": "HanaVax Inc., Tokyo, Japan", "year": 2019},
            # the field of an academic unit is no company; a company later is
            {
                "hcp": "academic",
                "name": "Institute of Cancer Research, Division of Cancer Therapeutics, London, UK",
                "year": 2021,
            },
            {
                "hcp": "academic",
                "name": "Weatherall Institute of Molecular Medicine, Oxford",
                "year": 2019,
            },
            {
                "hcp": "left",
                "name": "Weatherall Institute of Molecular Medicine, Oxford",
                "year": 2019,
            },
            {"hcp": "left", "name": "Acme Therapeutics, Boston, MA", "year": 2021},
            # a company's clinical department is the company
            {
                "hcp": "company",
                "name": "Clinical Pharmacology & Safety Sciences, AstraZeneca, Cambridge, UK",
                "year": 2021,
            },
        ]
    )
    none = pd.DataFrame(columns=["hcp"])
    trials = pd.DataFrame([{"hcp": "engineer", "trials": 0, "roles": []}]).iloc[:0]
    frame = eligibility_frame(
        [
            "npi",
            "moved",
            "industry",
            "engineer",
            "practice",
            "founder",
            "academic",
            "left",
            "company",
        ],
        Eligibility(people, affs, none, trials, none),
    )
    assert frame["eligible"].to_dict() == {
        "npi": True,
        "moved": True,
        "industry": False,
        "engineer": False,
        "practice": True,
        "founder": True,
        "academic": True,
        "left": False,
        "company": False,
    }
    assert frame.loc["company", "eligibility_reason"].startswith("industry: manufacturer")
    assert frame.loc["left", "eligibility_reason"] == (
        "industry: industry word 'therapeutics' in 'Acme Therapeutics, Boston, MA'"
    )
    assert frame.loc["npi", "eligibility_reason"] == "NPI 1234567893; specialty Cardiology"
    assert frame.loc["industry", "eligibility_reason"].startswith("industry: manufacturer")
    assert frame.loc["engineer", "eligibility_reason"].startswith("no HCP evidence")
    assert not frame.loc["practice", "industry"]  # a registered clinician's own practice


@pytest.mark.parametrize("n", [500, 100_000])
def test_percentile_tiers_mean_the_same_at_any_size(n: int) -> None:
    rng = np.random.default_rng(7)
    index = pd.Index([f"h{i:06d}" for i in range(n)])
    influence = pd.Series(np.round(rng.gamma(2.0, 10.0, n), 1), index=index)  # many ties
    order = np.lexsort((index.to_numpy(), -influence.to_numpy()))
    rank = pd.Series(np.empty(n), index=index)
    rank.iloc[order] = np.arange(1, n + 1)
    tiers = tier_frame(
        rank, pd.Series(np.nan, index=index), pd.Series(0.5, index=index), ScoringParams()
    )
    frame = tiers.assign(influence=influence)
    counts = tier_counts(frame, ScoringParams())
    share = counts["tiers"]["strategic"] / n
    assert 0.025 <= share <= 0.031 and counts["tiers"]["strategic"] > 0
    above_potential = counts["tiers"]["potential"] + counts["tiers"]["strategic"]
    assert 0.19 <= above_potential / n <= 0.21
    assert counts["segments"]["A"] == counts["tiers"]["strategic"]
    assert tiers["influence_percentile"].is_unique  # ties broken, not shared


def test_percentiles_are_deterministic_and_skip_the_unranked() -> None:
    pct = percentiles(np.array([3.0, 1.0, np.nan, 2.0]))
    assert pct[1] == 100.0 and pct[0] == 0.0 and np.isnan(pct[2])


@pytest.fixture(scope="module")
def real_samples(tmp_path_factory: pytest.TempPathFactory):
    """The shipped real samples of every source, loaded together into one store, scored."""
    path = tmp_path_factory.mktemp("real") / "kg"
    settings = Settings(data_dir=path)
    with open_store(settings) as store:
        store.apply_schema()
        for source, relative in REAL:
            loader = loader_for(source)
            loader.configure(settings)
            summary = run_ingest(store, loader, SAMPLES / relative, rejects_dir=path / "rejects")
            assert summary.loaded > 0, relative
        result = score_hcps(store)
        write_run(store, result)
    yield path, result
    EmbeddedFalkorDB(path).stop()


def test_top_20_of_the_real_samples_are_clinicians(real_samples) -> None:
    _, result = real_samples
    frame = result.frame
    top = frame[frame["ranked"]].sort_values("rank").head(20)
    assert len(top) == 20
    assert not top["industry"].any() and top["eligible"].all()
    assert top["eligibility_reason"].str.len().gt(0).all()
    # industry-affiliated authors exist in these samples and are kept in the graph, unranked
    industry = frame[frame["industry"]]
    assert len(industry) > 0 and industry["tier"].isna().all()
    assert (industry["rank"] > top["rank"].max()).all()
    assert frame["eligible"].sum() < len(frame)


def test_strategic_tier_is_small_and_not_empty_on_real_data(real_samples) -> None:
    _, result = real_samples
    tiering = result.info["tiering"]
    strategic = tiering["tiers"]["strategic"]
    assert 0 < strategic <= 0.10 * tiering["ranked"]
    assert all(tiering["tiers"].values()), tiering  # every tier present
    assert sum(tiering["tiers"].values()) == tiering["ranked"] == result.info["eligible"]


def test_include_non_hcp_ranks_everyone(real_samples) -> None:
    path, result = real_samples
    with open_store(Settings(data_dir=path)) as store:
        everyone = score_hcps(store, ScoringParams(include_non_hcp=True))
    assert everyone.info["tiering"]["ranked"] == len(everyone.frame)
    assert everyone.frame["tier"].notna().all()
    assert result.info["tiering"]["ranked"] < len(everyone.frame)


def test_export_and_score_json_carry_eligibility_and_tier_counts(
    real_samples, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = real_samples
    with open_store(Settings(data_dir=path)) as store:
        frame = hcp_frame(store)
    for column in (
        "specialty",
        "institution",
        "city",
        "state",
        "country",
        "eligible",
        "industry",
        "eligibility_reason",
        "influence_percentile",
    ):
        assert column in frame.columns
    out = tmp_path / "hcps.csv"
    done = run_cli(capsys, "export", "hcps", "-o", str(out), "--data-dir", str(path))
    assert done.returncode == 0, done.stderr[-2000:]
    exported = pd.read_csv(out)
    assert {"specialty", "institution", "city", "state", "country", "eligible", "industry"} <= set(
        exported.columns
    )
    assert exported.loc[exported["industry"] == True, "eligible"].eq(False).all()  # noqa: E712
    done = run_cli(capsys, "score", "--json", "--top", "3", "--data-dir", str(path))
    assert done.returncode == 0, done.stderr[-2000:]
    run = json.loads(done.stdout)
    assert set(run["tier_counts"]) == {"strategic", "potential", "basic"}
    assert set(run["segment_counts"]) == {"A", "B", "C"}
    assert sum(run["tier_counts"].values()) == run["n_ranked"] == run["n_eligible"]
    assert run["top"][0]["tier"] == "strategic" and run["top"][0]["eligibility_reason"]


def test_profile_finder_and_speakers_follow_eligibility(real_samples) -> None:
    from kolgraph.analytics.speakers import speaker_candidates
    from kolgraph.krm.access import Viewer
    from kolgraph.krm.profiles import hcp_profile
    from kolgraph.krm.search import HcpFilters, search_hcps

    path, result = real_samples
    frame = result.frame
    industry_id = frame[frame["industry"]].sort_values("influence", ascending=False).index[0]
    viewer = Viewer("t", "admin", "compliance")
    with open_store(Settings(data_dir=path)) as store:
        profile = hcp_profile(store, viewer, industry_id)
        assert profile.eligibility.eligible is False
        assert (profile.eligibility.reason or "").startswith("industry: ")
        found = search_hcps(store, viewer, HcpFilters(), limit=200).items
        assert found and all(getattr(h, "eligible", True) for h in found)
        everyone = search_hcps(store, viewer, HcpFilters(include_non_hcp=True), limit=200).items
        assert any(getattr(h, "eligible", None) is False for h in everyone)
        ranked = speaker_candidates(
            store, until=date(2024, 12, 31), years=10, min_expertise=0.0, limit=10_000
        )
        proposed = {c["id"] for c in ranked["candidates"]}
        assert proposed and proposed <= set(frame.index[frame["eligible"]])
