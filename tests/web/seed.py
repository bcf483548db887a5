"""The KRM scenario the web tests browse, built from the real samples and scored for real.

HCPs are the NPPES sample's individual providers (specialty from the NUCC taxonomy
sample); publications, with their MeSH topics, are the PubMed sample's articles; the trial
is the ClinicalTrials.gov sample study; the Open Payments disclosures of one HCP are the rows
of the physician with the most rows in the Open Payments sample, parsed by the payments loader.
Who wrote which paper, who refers to whom and who
spoke at which session is drawn with a fixed seed around one central KOL, so the picture
has two communities and a clear hub. Scores come from the real scoring pipeline; CRM
engagements, employees and plans are written through the KRM core functions, as the API
writes them.
"""

from __future__ import annotations

import csv
import json
import random
from datetime import date, timedelta
from typing import Any

from lxml import etree

from kolgraph.ingest import fields
from kolgraph.ingest.payments import PaymentColumns, manufacturer_id, payment_from_row
from kolgraph.krm import engagements, keys, plans
from kolgraph.krm.access import Viewer
from kolgraph.krm.engagements import EngagementIn
from kolgraph.krm.plans import PlanIn
from kolgraph.mesh import is_check_tag
from kolgraph.scoring.pipeline import score_hcps
from kolgraph.scoring.runs import write_run
from kolgraph.store import GraphStore
from tests.factories import SAMPLES
from tests.factories.hcps import nppes_hcps, provenance

NUCC = SAMPLES / "nucc-taxonomy" / "nucc_taxonomy_150.csv"
PUBMED = SAMPLES / "pubmed" / "pubmed21n1298_sample_mesh_indexed.xml"
TRIAL = SAMPLES / "clinicaltrials-gov" / "api_v2_study" / "NCT02210780.json"
PAYMENTS = SAMPLES / "open-payments" / "general_payments_PY2013_SanFrancisco_socrata_part1.csv"
LOADED_AT = "2024-06-01T00:00:00+00:00"
TODAY = date.today()

# persona -> (role, department, employee id)
PERSONAS = {
    "krm": ("krm_manager", "marketing", "K-100"),
    "medical": ("medical_affairs", "medical_affairs", "M-200"),
    "rep": ("field", "sales", "S-300"),
    "msl": ("field", "medical_affairs", "M-201"),
    "compliance": ("compliance", "compliance", None),
}
TERRITORIES = {
    "S-300": "US-NE",
    "S-301": "US-W",
    "M-200": "US-NE",
    "M-201": "US-W",
    "K-100": "US-NE",
}
EMPLOYEE_NAMES = {
    "S-300": "Dana Whitfield",
    "S-301": "Omar Haddad",
    "M-200": "Dr. Ines Moreau",
    "M-201": "Dr. Kenji Sato",
    "K-100": "Lena Brandt",
}
SALES_NOTE = "Discussed formulary listing and the co-pay programme; asked for a dosing leaflet."
MEDICAL_NOTE = "Scientific exchange on the phase III design; interest in an investigator role."


def _prov(source: str, source_id: str) -> dict[str, Any]:
    return provenance(source, source_id, run_id="web", loaded_at=LOADED_AT)


def _days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def _specialties() -> dict[str, str]:
    with NUCC.open(newline="", encoding="cp1252") as handle:  # as NUCC publishes it
        return {
            r["Code"]: (r["Specialization"] or r["Classification"]).strip()
            for r in csv.DictReader(handle)
        }


def pubmed_articles(limit: int) -> list[dict[str, Any]]:
    """PMID, title, year, journal and major MeSH topics of the sample's first articles."""
    articles = []
    for _, element in etree.iterparse(str(PUBMED), tag="PubmedArticle"):
        pmid = element.findtext(".//PMID")
        year = element.findtext(".//PubDate/Year") or element.findtext(".//ArticleDate/Year")
        topics = [
            (d.get("UI"), d.text)
            for d in element.iterfind(".//MeshHeading/DescriptorName")
            if d.get("UI")
        ]
        articles.append(
            {
                "pmid": pmid,
                "title": element.findtext(".//ArticleTitle"),
                "year": int(year) if year else 2020,
                "journal": element.findtext(".//Journal/Title"),
                "topics": topics[:3],
            }
        )
        element.clear()
        if len(articles) >= limit:
            break
    return articles


def _network(store: GraphStore, hcps: list[str], rng: random.Random) -> None:
    star, inner, outer = hcps[0], hcps[1:9], hcps[9:22]
    articles = pubmed_articles(40)
    authorships, topics, links = [], {}, []
    for n, art in enumerate(articles):
        if n < 16:  # the central KOL's group, mostly with the star as last author
            authors = [*rng.sample(inner, rng.randint(1, 3)), star]
        elif n < 30:  # a second group around hcps[9]
            authors = [*rng.sample(outer, rng.randint(1, 3)), outer[0]]
        else:  # papers bridging the two groups
            authors = [rng.choice(inner), rng.choice(outer)]
        authors = list(dict.fromkeys(authors))
        pub = f"pmid:{art['pmid']}"
        for pos, hcp in enumerate(authors, 1):
            role = (
                "single"
                if len(authors) == 1
                else ("first" if pos == 1 else "last" if pos == len(authors) else "middle")
            )
            authorships.append(
                {
                    "start": hcp,
                    "end": pub,
                    "props": {"position": pos, "role": role, "n_authors": len(authors)},
                }
            )
        for ui, name in art["topics"]:
            topics[f"mesh:{ui}"] = name
            links.append({"start": pub, "end": f"mesh:{ui}", "props": {"major": True}})
    store.upsert_nodes(
        "Publication",
        [
            {
                "id": f"pmid:{a['pmid']}",
                "props": {
                    "pmid": a["pmid"],
                    "title": a["title"],
                    "year": a["year"],
                    "journal": a["journal"],
                    **_prov("pubmed", a["pmid"]),
                },
            }
            for a in articles
        ],
    )
    store.upsert_nodes(
        "Topic",
        [
            {
                "id": t,
                "props": {"name": name, "scheme": "mesh", "check_tag": is_check_tag(t) or None},
            }
            for t, name in topics.items()
        ],
    )
    store.upsert_relationships("HCP", "AUTHORED", "Publication", authorships)
    store.upsert_relationships("Publication", "HAS_TOPIC", "Topic", links)
    # Referrals: the inner circle sends patients to the star; the star refers on to two.
    store.upsert_relationships(
        "HCP",
        "REFERS_TO",
        "HCP",
        [
            *(
                {
                    "start": h,
                    "end": star,
                    "props": {"pair_count": rng.randint(20, 90), "bene_count": rng.randint(11, 40)},
                }
                for h in inner[:5]
            ),
            *(
                {
                    "start": star,
                    "end": h,
                    "props": {"pair_count": rng.randint(11, 30), "bene_count": 11},
                }
                for h in outer[:2]
            ),
        ],
    )
    # A congress with a session the star chairs.
    store.upsert_nodes(
        "Congress",
        [
            {
                "id": "congress:ascp:2024",
                "props": {
                    "name": "American Society for Clinical Pharmacology",
                    "year": 2024,
                    "scope": "national",
                    "country": "US",
                },
            }
        ],
    )
    store.upsert_nodes(
        "Session",
        [
            {
                "id": "session:ascp:2024:plenary",
                "props": {"title": "Plenary: new targets", "date": "2024-03-14", "kind": "keynote"},
            },
            {
                "id": "session:ascp:2024:poster",
                "props": {"title": "Posters", "date": "2024-03-15", "kind": "poster"},
            },
        ],
    )
    store.upsert_relationships(
        "Session",
        "PART_OF",
        "Congress",
        [
            {"start": s, "end": "congress:ascp:2024", "props": {}}
            for s in ("session:ascp:2024:plenary", "session:ascp:2024:poster")
        ],
    )
    store.upsert_relationships(
        "HCP",
        "PRESENTED_AT",
        "Session",
        [
            {"start": star, "end": "session:ascp:2024:plenary", "props": {"role": "chair"}},
            {
                "start": inner[0],
                "end": "session:ascp:2024:plenary",
                "props": {"role": "invited_speaker"},
            },
            {"start": outer[1], "end": "session:ascp:2024:plenary", "props": {"role": "panelist"}},
            *(
                {"start": h, "end": "session:ascp:2024:poster", "props": {"role": "poster"}}
                for h in outer[2:5]
            ),
        ],
    )
    study = json.loads(TRIAL.read_text(encoding="utf-8"))["protocolSection"]
    ident = study["identificationModule"]
    store.upsert_nodes(
        "Trial",
        [
            {
                "id": f"nct:{ident['nctId']}",
                "props": {
                    "nct_id": ident["nctId"],
                    "title": ident.get("briefTitle"),
                    "conditions": study.get("conditionsModule", {}).get("conditions", []),
                    "start_date": study.get("statusModule", {})
                    .get("startDateStruct", {})
                    .get("date"),
                    **_prov("clinicaltrials", ident["nctId"]),
                },
            }
        ],
    )
    store.upsert_relationships(
        "HCP",
        "INVESTIGATOR_OF",
        "Trial",
        [
            {
                "start": star,
                "end": f"nct:{ident['nctId']}",
                "props": {"role": "principal_investigator"},
            }
        ],
    )
    store.upsert_nodes(
        "Institution",
        [
            {
                "id": "ror:web-1",
                "props": {
                    "name": "Lakeside University Hospital",
                    "city": "Boston",
                    "country": "US",
                },
            }
        ],
    )
    store.upsert_relationships(
        "HCP",
        "AFFILIATED_WITH",
        "Institution",
        [{"start": h, "end": "ror:web-1", "props": {"year": 2024}} for h in (star, *inner[:3])],
    )


def _payments(store: GraphStore, hcp: str) -> list[dict[str, Any]]:
    """Give ``hcp`` the Open Payments rows of the sample's physician with the most rows, as
    the payments loader writes them (Payment, Manufacturer, Product); return their props."""
    with PAYMENTS.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        cols = PaymentColumns(list(reader.fieldnames or []))
        parsed = []
        for row in reader:
            try:
                parsed.append(payment_from_row(cols, row))
            except ValueError:  # the loader rejects these rows too
                continue
    by_person: dict[str, list[Any]] = {}
    for payment in parsed:
        if payment.people and payment.people[0].profile_id:
            by_person.setdefault(payment.people[0].profile_id, []).append(payment)
    chosen = max(sorted(by_person.items()), key=lambda kv: len(kv[1]))[1]
    rows = [
        {
            "id": f"payment:op:{p.record_id}",
            "props": {
                "date": p.date,
                "amount": p.amount,
                "nature_of_payment": p.nature,
                "form_of_payment": p.form,
                "manufacturer": p.manufacturer,
                "hcp_id": hcp,
                "research": p.research,
                "program_year": p.program_year,
                "ours": False,
                "product": p.products[0].name if p.products else None,
                **_prov("payments", p.record_id),
            },
        }
        for p in chosen
    ]
    store.upsert_nodes("Payment", rows)
    makers = {manufacturer_id(p): p.manufacturer for p in chosen}
    store.upsert_nodes("Manufacturer", [{"id": m, "props": {"name": n}} for m, n in makers.items()])
    store.upsert_relationships(
        "Payment", "PAID_TO", "HCP", [{"start": r["id"], "end": hcp, "props": {}} for r in rows]
    )
    store.upsert_relationships(
        "Payment",
        "PAID_BY",
        "Manufacturer",
        [
            {"start": f"payment:op:{p.record_id}", "end": manufacturer_id(p), "props": {}}
            for p in chosen
        ],
    )
    products = {f"product:{fields.slug(d.name)}": d.name for p in chosen for d in p.products}
    store.upsert_nodes("Product", [{"id": k, "props": {"name": n}} for k, n in products.items()])
    store.upsert_relationships(
        "Payment",
        "ABOUT_PRODUCT",
        "Product",
        [
            {
                "start": f"payment:op:{p.record_id}",
                "end": f"product:{fields.slug(d.name)}",
                "props": {},
            }
            for p in chosen
            for d in p.products
        ],
    )
    return [
        {**r["props"], "products": [d.name for d in p.products]}
        for r, p in zip(rows, chosen, strict=True)
    ]


def _engagement(
    crm_id: str, hcp: str, department: str, type_: str, days: int, employee: str, **extra: Any
) -> EngagementIn:
    return EngagementIn(
        crm_id=crm_id,
        hcp_id=hcp,
        department=department,
        type=type_,
        date=_days_ago(days),
        employee_id=employee,
        **extra,
    )


def _krm(store: GraphStore, hcps: list[str]) -> None:
    admin = Viewer("seed", "admin", "market_access")
    star, inner, outer = hcps[0], hcps[1:9], hcps[9:22]
    items = [
        _engagement(
            "WEB-S-1",
            star,
            "sales",
            "visit",
            5,
            "S-300",
            notes=SALES_NOTE,
            objective="Formulary listing for the new indication",
            outcome="positive",
            key_messages=["Efficacy in second line"],
            product="Product A",
            cost=85.0,
        ),
        _engagement(
            "WEB-M-1",
            star,
            "medical_affairs",
            "meeting",
            3,
            "M-200",
            notes=MEDICAL_NOTE,
            objective="Phase III investigator recruitment",
            outcome="follow_up",
            key_messages=["Trial design"],
            cost=120.0,
        ),
        _engagement(
            "WEB-K-1",
            star,
            "marketing",
            "advisory_board",
            40,
            "K-100",
            notes="Advisory board on patient materials.",
            objective="Patient materials",
            outcome="positive",
            cost=2600.0,
        ),
        _engagement(
            "WEB-M-2",
            star,
            "medical_affairs",
            "email",
            70,
            "M-201",
            notes="Sent the congress abstract.",
            objective="Scientific exchange",
        ),
        _engagement(
            "WEB-S-2",
            star,
            "sales",
            "call",
            120,
            "S-301",
            notes="Short call on samples.",
            objective="Samples",
            outcome="neutral",
        ),
        _engagement(
            "WEB-K-2",
            star,
            "marketing",
            "speaker_programme",
            150,
            "K-100",
            notes="Speaker programme in Boston.",
            objective="Speaker programme",
            cost=2500.0,
        ),
    ]
    for n, hcp in enumerate(inner[:4]):
        items.append(
            _engagement(
                f"WEB-S-1{n}",
                hcp,
                "sales",
                "visit",
                10 + n,
                "S-300",
                notes="Routine visit.",
                objective="Awareness",
                outcome="neutral",
                key_messages=["Safety profile"],
            )
        )
        items.append(
            _engagement(
                f"WEB-M-1{n}",
                hcp,
                "medical_affairs",
                "meeting",
                20 + n,
                "M-201",
                notes="Medical information request answered.",
                objective="Medical information",
            )
        )
    for n, hcp in enumerate(outer[2:8]):  # outer[0] and [1], the second group's hubs: none
        items.append(
            _engagement(
                f"WEB-S-2{n}",
                hcp,
                "sales",
                "call",
                30 + 7 * n,
                "S-301",
                notes="Call.",
                objective="Awareness",
                outcome="neutral",
            )
        )
    engagements.record_engagements(store, admin, items)
    store.upsert_nodes(
        "Employee",
        [
            {
                "id": f"emp:{e}",
                "props": {
                    "territory": t,
                    "name": EMPLOYEE_NAMES[e],
                    "role": {"S": "rep", "M": "msl", "K": "manager"}[e[0]],
                },
            }
            for e, t in TERRITORIES.items()
        ],
    )
    year_start, year_end = date(TODAY.year, 1, 1), date(TODAY.year, 12, 31)
    plans.save_plan(
        store,
        admin,
        PlanIn(
            hcp_id=star,
            department="medical_affairs",
            owner="M-200",
            objectives=["Phase III investigator recruitment", "Scientific exchange on new data"],
            period_start=year_start,
            period_end=year_end,
            planned_engagements=6,
            planned_by_type={"meeting": 3, "email": 2, "advisory_board": 1},
            budget=4000.0,
        ),
    )
    plans.save_plan(
        store,
        admin,
        PlanIn(
            hcp_id=star,
            department="sales",
            owner="S-300",
            objectives=["Formulary listing"],
            period_start=year_start,
            period_end=year_end,
            planned_engagements=8,
            planned_by_type={"visit": 6, "call": 2},
            budget=1500.0,
        ),
    )
    for hcp in inner[:4]:
        plans.save_plan(
            store,
            admin,
            PlanIn(
                hcp_id=hcp,
                department="sales",
                owner="S-300",
                objectives=["Awareness"],
                period_start=year_start,
                period_end=year_end,
                planned_engagements=4,
                planned_by_type={"visit": 4},
            ),
        )


def seed_store(store: GraphStore) -> dict[str, Any]:
    """Load the scenario into an empty store and score it; return ids and API keys."""
    store.apply_schema()
    rows = nppes_hcps(60, run_id="web", loaded_at=LOADED_AT, specialties=_specialties())
    store.upsert_nodes("HCP", rows)
    hcps = [r["id"] for r in rows]
    _network(store, hcps, random.Random(7))
    run_id = write_run(store, score_hcps(store))
    _krm(store, hcps)
    paid = _payments(store, hcps[1])
    api_keys = {
        name: keys.create_key(store, role, dept, label=name, employee_id=emp)[0]
        for name, (role, dept, emp) in PERSONAS.items()
    }
    return {
        "star": hcps[0],
        "star_name": rows[0]["props"]["name"],
        "inner": hcps[1:9],
        "outer": hcps[9:22],
        "run_id": run_id,
        "keys": api_keys,
        "paid": hcps[1],
        "payments": paid,
        "unpaid": hcps[2],
    }
