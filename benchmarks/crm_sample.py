"""Generate the sample CRM export ``data/samples/crm/engagements_sample.csv``.

The engagements are invented, but every HCP they reference is real: individual
providers of the NPPES sample (referenced by NPI) and physicians of the Open Payments
San Francisco sample (by Open Payments profile id, or by name and affiliation only, as a
CRM without identifiers would). The generator is deterministic (fixed seed), so the file
only changes when this script does. Run::

    python benchmarks/crm_sample.py [--out PATH] [--seed 7]

The company is modelled on a neurology franchise (TYSABRI, TECFIDERA, AVONEX, as paid
for in the Open Payments sample). Several departments work the same HCPs, and some
engagements collide on purpose: sales and medical affairs contacting one HCP about one
product within days, and sales calls during an advisory-board engagement.

HCPs in the cities of :data:`CITIES` carry the practice location a CRM keeps for an
account (``hcp_lat``, ``hcp_lon``: invented, a few km around the city centre). Most
in-person engagements have a GPS fix within about 400 m of it; about one in seven was
recorded somewhere else in the city, so verified-visit KPIs have both kinds to count.
"""

from __future__ import annotations

import argparse
import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

from kolgraph.ingest.crm import COLUMNS as CRM_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
NPPES = SAMPLES / "nppes" / "npidata_sample_1000_part1.csv"
PAYMENTS = SAMPLES / "open-payments" / "general_payments_PY2013_SanFrancisco_socrata_part1.csv"
OUT = SAMPLES / "crm" / "engagements_sample.csv"
# The loader's columns; the sample leaves out hcp_id (a CRM that never imported kolgraph ids).
COLUMNS = [c for c in CRM_COLUMNS if c != "hcp_id"]
EMPLOYEES = [  # id, name, role, department, territory
    ("S01", "Dana Whitfield", "rep", "sales", "West"),
    ("S02", "Marco Ruiz", "rep", "sales", "Central"),
    ("S03", "Priya Natarajan", "rep", "sales", "East"),
    ("M01", "Dr. Helen Okafor", "msl", "medical_affairs", "West"),
    ("M02", "Dr. Tomasz Nowak", "msl", "medical_affairs", "East"),
    ("K01", "Lena Brandt", "manager", "marketing", "National"),
    ("C01", "Dr. Samuel Osei", "msl", "clinical_research", "National"),
    ("A01", "Grace Lin", "manager", "market_access", "National"),
]
WORK = {  # department -> (types, channels)
    "sales": (["visit", "call", "email", "sample_drop"], ["in_person", "phone", "email"]),
    "medical_affairs": (
        ["meeting", "advisory_board", "email", "congress_invitation"],
        ["in_person", "video", "email"],
    ),
    "marketing": (["speaker_programme", "congress_invitation", "email"], ["event", "email"]),
    "clinical_research": (["research_collaboration", "meeting"], ["in_person", "video"]),
    "market_access": (["meeting", "call"], ["video", "phone"]),
}
PRODUCTS = {
    "TYSABRI": [
        "efficacy in highly active RRMS",
        "PML risk stratification (JCV index)",
        "every-4-week infusion",
    ],
    "TECFIDERA": ["oral first-line option", "GI tolerability management", "lymphocyte monitoring"],
    "AVONEX": ["once-weekly injection", "long-term safety data", "pregnancy considerations"],
}
OUTCOMES = [
    "interested",
    "requested data",
    "no change",
    "agreed to follow-up",
    "will trial in new patients",
    "declined",
    "referred to colleague",
]
CITIES = {  # practice city -> (lat, lon), for GPS of in-person visits
    ("SAN FRANCISCO", "CA"): (37.7749, -122.4194),
    ("HOUSTON", "TX"): (29.7604, -95.3698),
    ("NEW YORK", "NY"): (40.7128, -74.0060),
    ("CHICAGO", "IL"): (41.8781, -87.6298),
    ("LOS ANGELES", "CA"): (34.0522, -118.2437),
    ("BOSTON", "MA"): (42.3601, -71.0589),
    ("PHILADELPHIA", "PA"): (39.9526, -75.1652),
    ("PHOENIX", "AZ"): (33.4484, -112.0740),
    ("KEARNEY", "NE"): (40.6993, -99.0817),
    ("DALLAS", "TX"): (32.7767, -96.7970),
}
START = datetime(2024, 1, 8, 8, 0)


def nppes_hcps() -> list[dict[str, str]]:
    """Individual, active providers of the NPPES sample (name, NPI, practice place)."""
    with NPPES.open(newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["Entity Type Code"] in ("1", "1.0")]
    return [
        {
            "hcp_npi": r["NPI"].removesuffix(".0"),
            "hcp_name": f"{r['Provider First Name']} {r['Provider Last Name (Legal Name)']}",
            "hcp_city": r["Provider Business Practice Location Address City Name"],
            "hcp_state": r["Provider Business Practice Location Address State Name"],
        }
        for r in rows
    ]


def payment_hcps() -> list[dict[str, str]]:
    """Physicians of the Open Payments sample, once each."""
    seen: dict[str, dict[str, str]] = {}
    with PAYMENTS.open(newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            pid = r["physician_profile_id"]
            if r["covered_recipient_type"] != "Covered Recipient Physician" or pid in seen:
                continue
            seen[pid] = {
                "hcp_profile_id": pid,
                "hcp_name": f"{r['physician_first_name']} {r['physician_last_name']}",
                "hcp_affiliation": r["recipient_primary_business_street_address_line2"]
                or r["recipient_primary_business_street_address_line1"],
                "hcp_city": r["recipient_city"],
                "hcp_state": r["recipient_state"],
            }
    return list(seen.values())


def practice_location(hcp: dict[str, str], place: tuple[float, float]) -> tuple[float, float]:
    """The account's practice location: fixed per HCP, within about 3 km of ``place``."""
    key = hcp.get("hcp_npi") or hcp.get("hcp_profile_id") or hcp["hcp_name"]
    rng = random.Random(f"practice:{key}")
    return place[0] + rng.uniform(-0.03, 0.03), place[1] + rng.uniform(-0.03, 0.03)


def engagement(
    rng: random.Random,
    n: int,
    hcp: dict[str, str],
    crm_id: str,
    employee: tuple[str, ...],
    when: datetime,
    product: str | None = None,
    kind: str | None = None,
) -> dict[str, str]:
    emp_id, name, role, dept, territory = employee
    types, channels = WORK[dept]
    kind = kind or rng.choice(types)
    channel = {
        "email": "email",
        "call": "phone",
        "speaker_programme": "event",
        "visit": "in_person",
        "sample_drop": "in_person",
    }.get(kind, rng.choice(channels))
    product = product or rng.choice(list(PRODUCTS))
    messages = rng.sample(PRODUCTS[product], k=rng.randint(1, 2))
    place = CITIES.get((hcp.get("hcp_city", "").upper(), hcp.get("hcp_state", "")))
    practice = practice_location(hcp, place) if place else None
    lat = lon = ""
    if practice and channel == "in_person":
        d_lat, d_lon = rng.uniform(-0.03, 0.03), rng.uniform(-0.03, 0.03)
        on_site = random.Random(f"gps:{n}").random() < 0.85
        base, scale = (practice, 0.1) if on_site else (place, 1.0)
        lat = f"{base[0] + d_lat * scale:.5f}"
        lon = f"{base[1] + d_lon * scale:.5f}"
    cost = {
        "advisory_board": 1500,
        "speaker_programme": 2500,
        "meeting": 60,
        "visit": 25,
        "sample_drop": 40,
        "research_collaboration": 5000,
        "congress_invitation": 1800,
    }.get(kind, 0)
    row = {
        "engagement_id": f"ENG-{n:05d}",
        "hcp_crm_id": crm_id,
        "employee_id": emp_id,
        "employee_name": name,
        "employee_role": role,
        "department": dept,
        "territory": territory,
        "type": kind,
        "channel": channel,
        "datetime": when.strftime("%Y-%m-%dT%H:%M"),
        "objective": f"{product}: {rng.choice(['awareness', 'data update', 'access', 'advocacy'])}",
        "product": product,
        "key_messages": "|".join(messages) if dept != "market_access" else "",
        "outcome": rng.choice(OUTCOMES),
        "cost": f"{cost:.2f}" if cost else "",
        "lat": lat,
        "lon": lon,
        "notes": "",
        "planned": "yes" if rng.random() < 0.8 else "no",
        "hcp_lat": f"{practice[0]:.5f}" if practice else "",
        "hcp_lon": f"{practice[1]:.5f}" if practice else "",
    }
    for key in (
        "hcp_npi",
        "hcp_profile_id",
        "hcp_name",
        "hcp_affiliation",
        "hcp_city",
        "hcp_state",
    ):
        row[key] = hcp.get(key, "")
    return row


def generate(seed: int = 7) -> list[dict[str, str]]:
    """The sample rows, deterministic for ``seed``."""
    rng = random.Random(seed)
    people = rng.sample(nppes_hcps(), 60) + rng.sample(payment_hcps(), 60)
    for i, hcp in enumerate(people):
        if hcp.get("hcp_profile_id") and i % 2:  # half: name and affiliation only
            hcp.pop("hcp_profile_id")
    rows: list[dict[str, str]] = []
    for i, hcp in enumerate(people):
        crm_id = f"CRM-{i + 1:04d}"
        for _ in range(rng.randint(2, 8)):
            employee = rng.choice(EMPLOYEES)
            when = START + timedelta(days=rng.randrange(540), hours=rng.randrange(9))
            rows.append(engagement(rng, len(rows) + 1, hcp, crm_id, employee, when))
        if i % 6 == 0:  # sales and medical affairs on the same product within days
            when = START + timedelta(days=rng.randrange(500), hours=2)
            product = rng.choice(list(PRODUCTS))
            rows.append(
                engagement(rng, len(rows) + 1, hcp, crm_id, EMPLOYEES[0], when, product, "visit")
            )
            note = engagement(
                rng,
                len(rows) + 1,
                hcp,
                crm_id,
                EMPLOYEES[3],
                when + timedelta(days=2),
                product,
                "meeting",
            )
            note["notes"] = "sales visited two days earlier on the same product"
            rows.append(note)
        if i % 9 == 0:  # a sales call during an advisory board engagement
            when = START + timedelta(days=rng.randrange(500), hours=3)
            rows.append(
                engagement(
                    rng, len(rows) + 1, hcp, crm_id, EMPLOYEES[4], when, None, "advisory_board"
                )
            )
            rows.append(
                engagement(
                    rng,
                    len(rows) + 1,
                    hcp,
                    crm_id,
                    EMPLOYEES[1],
                    when + timedelta(days=1),
                    None,
                    "call",
                )
            )
    rows.sort(key=lambda r: (r["datetime"], r["engagement_id"]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rows = generate(args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} engagements to {args.out}")  # noqa: T201


if __name__ == "__main__":
    main()
