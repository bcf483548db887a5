"""Who counts as a KOL: healthcare-professional eligibility and the industry flag, with reasons.

Everyone stays in the graph (a co-author shapes the network whoever they are), but the
ranking, tiers, portfolio and speaker pipeline rank *eligible* people only. A person is
**eligible** when they are not industry-affiliated and at least one of these holds:

* an **NPI** (NPPES registry), a clinical **specialty**/taxonomy, or an Open Payments
  covered-recipient profile (a physician by law);
* a **CRM record** (``crm_id`` or a CRM engagement);
* a **trial investigator** role (ClinicalTrials.gov), or shared patients in a referral
  network (CMS physician shared-patient patterns list providers only);
* a **clinical or academic-medical affiliation**: a hospital, clinic, medical school or
  faculty, medical centre, clinical department (:data:`CLINICAL_WORDS`), or an NPPES-registered
  provider organisation;
* **MEDLINE-indexed clinical publishing**: a PubMed paper of a clinical publication type
  (:data:`CLINICAL_PUBLICATION_TYPES`), or indexed with the MeSH check tag *Humans*
  (D006801) and a heading under Diseases, Mental Disorders, Diagnosis, Therapeutics or
  Surgical Procedures (:func:`clinical_papers`).

A person is **industry** when one of their affiliations, with no academic word and no place
of care in it (a clinical field such as *Clinical Pharmacology* or *Oncology* alone does
not count: companies have those departments too), names an applicable manufacturer of the
shipped Open Payments list (``kolgraph/data/manufacturers.csv``), ends a part with a legal
form of a company (``AG``, ``GmbH``, ``Inc.``, ``Ltd.``, ``S.A.``, ``plc``: the terms of the
``cleanco`` library) or names an industry word (``Pharmaceuticals``, ``Pharma``,
``Therapeutics``...) other than as the field of an academic unit (``Division of Cancer
Therapeutics``), unless a clinical affiliation of the same year (a clinician with a company
appointment beside it) or a later one (they moved on) says otherwise. Industry people are
never eligible.

Examples
--------
>>> industry_reason("Bayer AG, Berlin, Germany")
"manufacturer 'Bayer' (Open Payments: Bayer HealthCare LLC)"
>>> industry_reason("Lonza AG, Visp, Switzerland")
"company legal form 'AG' in 'Lonza AG'"
>>> industry_reason("Pfizer, Groton, CT").startswith("manufacturer 'Pfizer' (Open Payments: P")
True
>>> industry_reason("Department of Cardiology, Abbott Northwestern Hospital") is None
True
>>> industry_reason("Institute of Cancer Research, Division of Cancer Therapeutics, London")
>>> industry_reason("Clinical Pharmacology & Safety Sciences, AstraZeneca, Cambridge, UK")
"manufacturer 'Astrazeneca' (Open Payments: AstraZeneca Pharmaceuticals LP)"
>>> industry_reason("Division of Cancer Therapeutics, Acme Therapeutics, Boston")
"industry word 'therapeutics' in 'Division of Cancer Therapeutics, Acme Therapeutics, Boston'"
>>> clinical_reason("Dept. of Medicine, Karolinska Institutet, Stockholm")
'medicine'
>>> clinical_reason("Department of Physics, University of Oxford") is None
True
>>> clinical_reason("Howard Hughes Medical Institute, Princeton") is None
True
>>> clinical_reason("Montefiore Medical Center, New York")
'medical center'
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import pandas as pd
from cleanco import basename
from cleanco.termdata import terms_by_type

from kolgraph.mesh import clinical_topic_ids
from kolgraph.resolution.names import fold
from kolgraph.store import GraphStore

__all__ = [
    "AMBIGUOUS_NAMES",
    "CLINICAL_PUBLICATION_TYPES",
    "CLINICAL_WORDS",
    "Eligibility",
    "clinical_papers",
    "clinical_reason",
    "eligibility_frame",
    "evidence_from_store",
    "industry_reason",
    "manufacturer_key",
    "manufacturers",
]

CLINICAL_WORDS: tuple[str, ...] = (
    # care settings, in the languages of the sources
    "hospital",
    "hospitals",
    "hopital",
    "hopitaux",
    "hospitalier",
    "hospitalario",
    "ospedale",
    "ospedaliera",
    "ospedaliero",
    "krankenhaus",
    "klinik",
    "klinikum",
    "kliniken",
    "uniklinik",
    "universitatsklinikum",
    "universitatsmedizin",
    "clinic",
    "clinics",
    "clinique",
    "clinica",
    "clinical",
    "infirmary",
    "sanatorium",
    "polyclinic",
    "poliklinik",
    "hospice",
    "policlinico",
    "policlinica",
    "policlinique",
    "poliklinika",
    "irccs",
    "ziekenhuis",
    "sjukhus",
    "sygehus",
    "sykehus",
    "sairaala",
    "szpital",
    "nemocnice",
    "spital",
    "hastanesi",
    "chru",
    "ap hp",
    "aphp",
    "umc",
    # medical schools and faculties
    # ("medical" alone also names research institutes: "Howard Hughes Medical Institute")
    "medicine",
    "medical center",
    "medical centre",
    "medical school",
    "medical college",
    "medical university",
    "university medical",
    "medical faculty",
    "medical sciences",
    "medical campus",
    "medical unit",
    "medical department",
    "medical clinic",
    "medecine",
    "medicina",
    "medizin",
    "medizinische",
    "surgery",
    "surgical",
    "nursing",
    "dentistry",
    "dental",
    "pharmacy",
    "health system",
    "health sciences",
    "health science",
    "nhs",
    "inserm",
    "cancer center",
    "cancer centre",
    # clinical departments
    "cardiology",
    "oncology",
    "neurology",
    "radiology",
    "psychiatry",
    "pediatrics",
    "paediatrics",
    "dermatology",
    "endocrinology",
    "gastroenterology",
    "nephrology",
    "urology",
    "gynecology",
    "gynaecology",
    "obstetrics",
    "ophthalmology",
    "orthopaedics",
    "orthopedics",
    "anesthesiology",
    "anaesthesiology",
    "anesthesia",
    "anaesthesia",
    "pathology",
    "hematology",
    "haematology",
    "rheumatology",
    "pulmonology",
    "geriatrics",
    "neurosurgery",
    "otolaryngology",
    "intensive care",
    "emergency",
    "surgeons",
    "physicians",
    "physician",
)
"""Words (folded, whole words) that mark a clinical or academic-medical affiliation."""

ACADEMIC_WORDS: tuple[str, ...] = (
    "university",
    "universite",
    "universitat",
    "universidad",
    "universita",
    "universidade",
    "universiteit",
    "college",
    "school",
    "faculty",
    "institute of technology",
    "academy",
    "academic",
    "cnrs",
    "national institute",
    "national institutes",
    "foundation",
    "council",
)
"""Academic words: they keep an affiliation from being read as industry (not eligibility)."""

INDUSTRY_WORDS: tuple[str, ...] = (
    "pharmaceuticals",
    "pharmaceutical",
    "pharma",
    "biopharma",
    "biopharmaceuticals",
    "therapeutics",
    "biotech",
)
"""Industry words read as a company name when no clinical or academic word is present."""

CLINICAL_PUBLICATION_TYPES: frozenset[str] = frozenset(
    {
        "clinical trial",
        "randomized controlled trial",
        "controlled clinical trial",
        "multicenter study",
        "case reports",
        "clinical study",
        "observational study",
        "pragmatic clinical trial",
        "clinical trial, phase i",
        "clinical trial, phase ii",
        "clinical trial, phase iii",
        "clinical trial, phase iv",
        "practice guideline",
        "guideline",
    }
)
HUMANS = "mesh:D006801"

# Legal forms from cleanco (ISO 20275-style terms by country). Ambiguous in addresses and
# left out: two-letter terms other than these, "private", "company" alone, and the forms of
# professional medical corporations (a physician's practice, not a manufacturer).
_TWO_LETTER = {"ag", "kg", "bv", "nv", "oy"}
_NOT_COMPANY = {
    "private",
    "company",
    "p.c.",
    "pllc",
    "p.l.l.c.",
    "unlimited",
    "o.d.",
    "dat",
    "ans",
    "fie",
    "sal",
    "teo",
    "esv",
    "tmi",
    "ses.",
    "secs",
    "scs",
    "ij",
    "ky",
}
LEGAL_FORMS: frozenset[str] = frozenset(
    t.strip()
    for terms in terms_by_type.values()
    for t in terms
    if (len(t.strip()) > 2 or t.strip() in _TWO_LETTER) and t.strip() not in _NOT_COMPANY
)

AMBIGUOUS_NAMES: frozenset[str] = frozenset(
    {
        "cook",
        "cook research",
        "pacific",
        "premier dental products",
        "kerr",
        "mentor worldwide",
        "the medicines",
        "the orthopaedic implant",
        "medical engineering and development institute",
        "patterson",
        "reliance medical products",
        "vision quest industries",
        "electromed",
        "purelife",
        "encore medical",
        "young ps acquisitions",
        "aqua",
        "forest",
        "horizon",
        "spectrum",
        "cadence",
        "jazz",
        "endo",
        "meda",
        "prometheus",
        "cardiovascular systems",
        "advanced respiratory",
        "advanced circulatory systems",
        "ascend",
        "intersect",
        "genesis",
        "united",
    }
)
"""Manufacturer names that also read as words, places or surnames: not matched alone."""

_WORDS = re.compile(r"[a-z0-9]+(?:\.[a-z0-9]+)*\.?|&")


def manufacturer_key(name: str) -> str:
    """A manufacturer's name without legal form, folded: what an affiliation would say.

    Examples
    --------
    >>> manufacturer_key("Bayer HealthCare Pharmaceuticals Inc."), manufacturer_key("PFIZER INC.")
    ('bayer healthcare pharmaceuticals', 'pfizer')
    """
    text = re.split(r",\s*(?:an?|the)\s", name, maxsplit=1, flags=re.I)[0]
    text = re.sub(r"\(.*?\)", " ", text)
    previous = None
    while previous != text:
        previous, text = text, basename(text)
    return " ".join(re.sub(r"[^a-z0-9&]+", " ", fold(text)).split())


def _brand(key: str) -> str:
    """The key without trailing industry words: 'bayer healthcare pharmaceuticals' -> 'bayer'."""
    words = key.split()
    generic = {
        *INDUSTRY_WORDS,
        "healthcare",
        "diagnostics",
        "vaccines",
        "biologics",
        "biosciences",
        "laboratories",
        "labs",
        "usa",
        "us",
        "america",
        "americas",
        "north",
        "international",
        "global",
        "services",
        "sales",
        "holdings",
        "holding",
        "corporation",
        "incorporated",
        "and",
        "&",
        "development",
        "operations",
    }
    while len(words) > 1 and words[-1] in generic:
        words.pop()
    return " ".join(words)


@dataclass(frozen=True)
class Manufacturer:
    """One applicable manufacturer of the shipped list."""

    name: str
    match: str


@lru_cache(maxsize=1)
def manufacturers() -> tuple[Manufacturer, ...]:
    """The shipped Open Payments manufacturer list (``kolgraph/data/manufacturers.csv``)."""
    text = resources.files("kolgraph").joinpath("data/manufacturers.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    out = []
    for row in rows:
        if row["ambiguous"] or not row["match"]:
            continue
        brand = _brand(row["match"])
        if brand in AMBIGUOUS_NAMES or len(brand.replace(" ", "")) < 4:
            brand = row["match"]
        out.append(Manufacturer(row["name"], brand))
    return tuple(out)


@lru_cache(maxsize=1)
def _manufacturer_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    by_match: dict[str, str] = {}
    for m in manufacturers():
        by_match.setdefault(m.match, m.name)
    alternation = "|".join(re.escape(k) for k in sorted(by_match, key=len, reverse=True))
    return re.compile(rf"(?<![a-z0-9])(?:{alternation})(?![a-z0-9])"), by_match


def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![a-z0-9])(?:{alternation})(?![a-z0-9])")


DEPARTMENT_WORDS: tuple[str, ...] = (
    "clinical",
    "medicine",
    "medecine",
    "medicina",
    "medizin",
    "surgery",
    "surgical",
    "nursing",
    "dentistry",
    "dental",
    "health sciences",
    "health science",
    *CLINICAL_WORDS[CLINICAL_WORDS.index("cardiology") :],
)
"""Clinical words that name a field or department, not a place of care: a company has
them too ("Clinical Pharmacology & Safety Sciences, AstraZeneca"), so they keep an
affiliation from being read as industry only beside an academic word."""

_CLINICAL = _words_pattern(CLINICAL_WORDS)
_CARE_SITE = _words_pattern(tuple(w for w in CLINICAL_WORDS if w not in DEPARTMENT_WORDS))
_ACADEMIC = _words_pattern(ACADEMIC_WORDS)
_INDUSTRY = _words_pattern(INDUSTRY_WORDS)
# an industry word named as the field of an academic unit ("Division of Cancer Therapeutics",
# "Institute for Pharmaceutical Research") is no company
_ACADEMIC_UNIT = re.compile(
    r"(?<![a-z0-9])(?:department|dept|division|school|faculty|laboratory|unit|program|"
    r"programme|chair|institute|centre|center) (?:of|for|in)(?![a-z0-9])"
)


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9&.]+", " ", fold(text)).split())


@lru_cache(maxsize=200_000)
def clinical_reason(affiliation: str) -> str | None:
    """The clinical or academic-medical word found in ``affiliation``, else None."""
    hit = _CLINICAL.search(_plain(affiliation).replace(".", " "))
    return hit.group(0) if hit else None


@lru_cache(maxsize=200_000)
def industry_reason(affiliation: str) -> str | None:
    """Why ``affiliation`` reads as a manufacturer or company, else None."""
    for part in re.split(r"[;|]", affiliation):
        plain = _plain(part)
        words_only = plain.replace(".", " ")
        if not plain or _CARE_SITE.search(words_only) or _ACADEMIC.search(words_only):
            continue
        pattern, names = _manufacturer_pattern()
        hit = pattern.search(words_only)
        if hit:
            name = names[hit.group(0)]
            shown = part[hit.start() : hit.end()] if part.lower() == plain else hit.group(0)
            return f"manufacturer {shown.strip().title()!r} (Open Payments: {name})"
        for segment in part.split(","):
            tokens = segment.split()
            if len(tokens) < 2:
                continue
            for size in (3, 2, 1):
                tail = " ".join(tokens[-size:]).lower()
                if tail in LEGAL_FORMS or tail.rstrip(".") in LEGAL_FORMS:
                    form = " ".join(tokens[-size:])
                    return f"company legal form {form!r} in {segment.strip()!r}"
        for segment in part.split(","):
            words = _plain(segment).replace(".", " ")
            hit = _INDUSTRY.search(words)
            if hit and not _ACADEMIC_UNIT.search(words[: hit.start()]):
                return f"industry word {hit.group(0)!r} in {part.strip()!r}"
    return None


@dataclass(frozen=True)
class Eligibility:
    """Per-person evidence tables (one row per person or per affiliation)."""

    people: pd.DataFrame  # id, npi, specialty, taxonomy, credential, crm_id, profile_id
    affiliations: pd.DataFrame  # hcp, name, year, registered (NPPES organisation)
    medline: pd.DataFrame  # hcp, papers (MEDLINE clinical papers)
    trials: pd.DataFrame  # hcp, trials, roles
    crm: pd.DataFrame  # hcp, engagements
    referrals: pd.DataFrame | None = None  # hcp, partners


_PEOPLE = (
    "id",
    "npi",
    "specialty",
    "taxonomy",
    "credential",
    "crm_id",
    "profile_id",
    "institution",
)


def evidence_from_store(store: GraphStore) -> Eligibility:
    """Read the eligibility evidence of every HCP (``queries/scoring.cypher``)."""
    return Eligibility(
        people=pd.DataFrame(store.run("eligibility_people"), columns=list(_PEOPLE)),
        affiliations=pd.DataFrame(
            store.run("eligibility_affiliations"), columns=["hcp", "name", "year", "registered"]
        ),
        medline=clinical_papers(
            pd.DataFrame(
                store.run(
                    "eligibility_medline", types=sorted(CLINICAL_PUBLICATION_TYPES), humans=HUMANS
                ),
                columns=["hcp", "pub"],
            ),
            pd.DataFrame(
                store.run(
                    "eligibility_medline_papers",
                    types=sorted(CLINICAL_PUBLICATION_TYPES),
                    humans=HUMANS,
                ),
                columns=["pub", "typed", "topics"],
            ),
        ),
        trials=pd.DataFrame(store.run("eligibility_trials"), columns=["hcp", "trials", "roles"]),
        crm=pd.DataFrame(store.run("eligibility_crm"), columns=["hcp", "engagements"]),
        referrals=pd.DataFrame(store.run("eligibility_referrals"), columns=["hcp", "partners"]),
    )


def clinical_papers(authorships: pd.DataFrame, papers: pd.DataFrame) -> pd.DataFrame:
    """Clinical MEDLINE papers per HCP: a clinical publication type, or the check tag Humans
    with a heading under Diseases, Mental Disorders, Diagnosis, Therapeutics or Surgery
    (:data:`kolgraph.mesh.CLINICAL_TREES`). Humans alone also tags basic science on human
    cells and proteins, so it is not enough.

    >>> authorships = pd.DataFrame({"hcp": ["a", "b", "b"], "pub": ["p1", "p2", "p3"]})
    >>> papers = pd.DataFrame({"pub": ["p1", "p2", "p3"], "typed": [False, False, True],
    ...     "topics": [["mesh:D006801", "mesh:D001024"], ["mesh:D006801"], None]})
    >>> clinical_papers(authorships, papers).to_dict("records")
    [{'hcp': 'a', 'papers': 1}, {'hcp': 'b', 'papers': 1}]
    """
    clinical = clinical_topic_ids()
    keep = {
        row.pub
        for row in papers.itertuples(index=False)
        if bool(row.typed) or not clinical.isdisjoint(row.topics or ())
    }
    chosen = authorships[authorships["pub"].isin(keep)]
    return (
        chosen.groupby("hcp")["pub"].nunique().rename("papers").reset_index()
        if len(chosen)
        else pd.DataFrame(columns=["hcp", "papers"])
    )


def evidence_from_rows(
    hcps: pd.DataFrame,
    investigators: pd.DataFrame,
    engagements: pd.DataFrame,
    referrals: pd.DataFrame,
) -> Eligibility:
    """Evidence from in-memory scoring tables only (NPI, trial roles, CRM, referrals)."""
    people = hcps.reindex(columns=list(_PEOPLE))
    trials = (
        investigators.groupby("hcp")["trial"].nunique().rename("trials").reset_index()
        if len(investigators)
        else pd.DataFrame(columns=["hcp", "trials"])
    )
    trials["roles"] = [[] for _ in range(len(trials))]
    crm_rows = engagements[engagements["engagement"].astype(str).str.startswith("eng:crm:")]
    crm = crm_rows.groupby("hcp").size().rename("engagements").reset_index()
    ends = pd.concat([referrals["src"], referrals["dst"]]).rename("hcp")
    partners = ends.groupby(ends).size().rename("partners").reset_index()
    return Eligibility(
        people,
        pd.DataFrame(columns=["hcp", "name", "year", "registered"]),
        pd.DataFrame(columns=["hcp", "papers"]),
        trials,
        crm,
        partners,
    )


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def eligibility_frame(nodes: list[str], evidence: Eligibility) -> pd.DataFrame:
    """``eligible``, ``industry``, ``eligibility_reason`` and ``industry_reason`` per person.

    Examples
    --------
    >>> people = pd.DataFrame([{"id": "a", "npi": "1234567893"}, {"id": "b"}, {"id": "c"}])
    >>> affs = pd.DataFrame([{"hcp": "c", "name": "Novartis Pharma AG, Basel", "year": 2020}])
    >>> empty = pd.DataFrame(columns=["hcp"])
    >>> f = eligibility_frame(["a", "b", "c"], Eligibility(people, affs, empty, empty, empty))
    >>> f["eligible"].tolist(), f["industry"].tolist()
    ([True, False, False], [False, False, True])
    >>> f.loc["a", "eligibility_reason"]
    'NPI 1234567893'
    >>> crm = pd.DataFrame([{"hcp": "b", "engagements": 12}])
    >>> people = pd.DataFrame([{"id": "b", "crm_id": "C-7"}])
    >>> g = eligibility_frame(["b"], Eligibility(people, empty, empty, empty, crm))
    >>> g.loc["b", "eligibility_reason"]
    'CRM record (12 engagements)'
    """
    people = (
        evidence.people.drop_duplicates("id").set_index("id")
        if len(evidence.people)
        else pd.DataFrame(columns=list(_PEOPLE)).set_index("id")
    )
    reasons: dict[str, list[str]] = {n: [] for n in nodes}
    clinical_year: dict[str, float] = {}
    industry: dict[str, tuple[float, str]] = {}

    def add(hcp: str, reason: str) -> None:
        if hcp in reasons and reason not in reasons[hcp] and len(reasons[hcp]) < 4:
            reasons[hcp].append(reason)

    # one list per column (not a dict per person): a million people stay cheap
    known = people.reindex(nodes)

    def column(name: str) -> list[str | None]:
        if name not in known.columns:
            return [None] * len(nodes)
        return [_text(v) for v in known[name].astype(object).tolist()]

    npis, specialties = column("npi"), column("specialty")
    taxonomies, institutions = column("taxonomy"), column("institution")
    rows = zip(
        nodes, npis, specialties, taxonomies, column("profile_id"), column("crm_id"), strict=True
    )
    for hcp, npi, specialty, taxonomy, profile_id, crm_id in rows:
        if npi:
            add(hcp, f"NPI {npi}")
        if specialty:
            add(hcp, f"specialty {specialty}")
        elif taxonomy:
            add(hcp, f"taxonomy {taxonomy}")
        if profile_id:
            add(hcp, "Open Payments covered recipient")
        if crm_id:
            add(hcp, "CRM record")
    if evidence.referrals is not None:
        for row in evidence.referrals.itertuples(index=False):
            add(row.hcp, f"referral network ({int(row.partners)} shared-patient ties)")
    for row in evidence.crm.itertuples(index=False):
        if row.hcp in reasons and "CRM record" in reasons[row.hcp]:
            reasons[row.hcp].remove("CRM record")  # the count below says more
        add(row.hcp, f"CRM record ({int(row.engagements)} engagements)")
    for row in evidence.trials.itertuples(index=False):
        roles = [r for r in (row.roles or []) if r]
        shown = f", {'/'.join(sorted(roles)[:2])}" if roles else ""
        add(row.hcp, f"trial investigator ({int(row.trials)} trials{shown})")
    affs = evidence.affiliations
    if len(affs):
        affs = affs.sort_values(["hcp", "year", "name"], na_position="first")
    for row in affs.itertuples(index=False):
        if row.hcp not in reasons or not isinstance(row.name, str):
            continue
        year = float(row.year) if row.year is not None and not pd.isna(row.year) else -1.0
        flag = industry_reason(row.name)
        word = None if flag else clinical_reason(row.name)
        if word or bool(getattr(row, "registered", False)):
            why = f"'{word}'" if word else "NPPES provider organisation"
            add(row.hcp, f"clinical affiliation {row.name.strip()[:80]!r} ({why})")
            clinical_year[row.hcp] = max(clinical_year.get(row.hcp, -1.0), year)
            continue
        if flag and year >= industry.get(row.hcp, (-2.0, ""))[0]:
            industry[row.hcp] = (year, flag)
    for hcp, institution in zip(nodes, institutions, strict=True):
        if institution and hcp not in industry and hcp not in clinical_year:
            flag = industry_reason(institution)
            if flag:
                industry[hcp] = (-1.0, flag)
    for row in evidence.medline.itertuples(index=False):
        add(row.hcp, f"MEDLINE clinical publishing ({int(row.papers)} papers)")
    out: dict[str, list[Any]] = {
        "eligible": [],
        "industry": [],
        "eligibility_reason": [],
        "industry_reason": [],
    }
    registered = {
        hcp
        for hcp, npi, specialty in zip(nodes, npis, specialties, strict=True)
        if npi or specialty
    }
    for hcp in nodes:
        flagged = industry.get(hcp)
        if flagged and hcp in registered and flagged[1].startswith("company legal form"):
            flagged = None  # a registered clinician's own practice (``... MD, LLC``)
        is_industry = (
            flagged is not None
            and flagged[0] > clinical_year.get(hcp, -1.0)
            and not (flagged[0] < 0 and hcp in clinical_year)
        )
        found = reasons[hcp]
        if is_industry:
            reason = f"industry: {flagged[1]}"  # type: ignore[index]
        elif found:
            reason = "; ".join(found)
        else:
            reason = (
                "no HCP evidence: no NPI, specialty, CRM record, trial role, clinical "
                "affiliation or MEDLINE clinical paper"
            )
        out["eligible"].append(bool(found) and not is_industry)
        out["industry"].append(is_industry)
        out["eligibility_reason"].append(reason)
        out["industry_reason"].append(flagged[1] if flagged else None)
    return pd.DataFrame(out, index=pd.Index(nodes, name="id"))
