"""CMS Open Payments (Sunshine Act): General and Research payment files -> industry Payments.

Column names differ between publications and are matched case-insensitively:
``Physician_*`` (program years up to 2020 as first published), ``Covered_Recipient_*``
(current publications, with ``Covered_Recipient_NPI``), and the lower-case Socrata export.
Open Payments discloses what *every* manufacturer paid a physician, so each row becomes
``(:Payment)`` with ``PAID_TO`` the physician recipient (and, in research files, the named
principal investigators), ``PAID_BY`` the manufacturer and ``ABOUT_PRODUCT`` each named
product: a transparency record and a signal, not a contact of ours. Only a payment whose
manufacturer is our company (setting ``our_company``) also becomes our
``(:Engagement {type: 'payment'})``, ``OWNED_BY`` the department that normally owns that
nature of payment (:mod:`kolgraph.ingest.departments`), and so counts in our spend.
A research payment with a ClinicalTrials.gov id adds ``(:HCP)-[:INVESTIGATOR_OF]->(:Trial)``
for every PI. Files without NPIs identify physicians by ``Physician_Profile_ID``; the
resolver links those (key ``profile_id``).

A payment with no HCP at all (a teaching hospital or non-covered entity as recipient and
no principal investigator) is not loaded: it goes to the reject file with the reason
"recipient is not an HCP", so the run summary still adds up (see docs/formats/payments.md).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from kolgraph.config import Settings
from kolgraph.errors import IngestError
from kolgraph.ingest import fields
from kolgraph.ingest.batch import GraphBatch
from kolgraph.ingest.csvrows import csv_rows, read_header
from kolgraph.ingest.departments import DepartmentMap
from kolgraph.ingest.people import mention_id, resolve_people
from kolgraph.ingest.rejects import RejectLog
from kolgraph.ingest.runner import Loader, Record
from kolgraph.ingest.taxonomy import specialty_from_path
from kolgraph.resolution import MentionIn
from kolgraph.store import GraphStore

# canonical field -> column names (lower case) in the order they are tried
COLUMNS: dict[str, tuple[str, ...]] = {
    "record_id": ("record_id",),
    "recipient_type": ("covered_recipient_type",),
    "profile_id": ("covered_recipient_profile_id", "physician_profile_id"),
    "npi": ("covered_recipient_npi", "physician_npi"),
    "first": ("covered_recipient_first_name", "physician_first_name"),
    "middle": ("covered_recipient_middle_name", "physician_middle_name"),
    "last": ("covered_recipient_last_name", "physician_last_name"),
    "specialty": ("covered_recipient_specialty_1", "physician_specialty"),
    "city": ("recipient_city",),
    "state": ("recipient_state",),
    "zip": ("recipient_zip_code",),
    "country": ("recipient_country",),
    "hospital": ("teaching_hospital_name",),
    "entity": ("noncovered_recipient_entity_name",),
    "manufacturer": ("applicable_manufacturer_or_applicable_gpo_making_payment_name",),
    "manufacturer_id": ("applicable_manufacturer_or_applicable_gpo_making_payment_id",),
    "amount": ("total_amount_of_payment_usdollars",),
    "date": ("date_of_payment",),
    "nature": ("nature_of_payment_or_transfer_of_value",),
    "form": ("form_of_payment_or_transfer_of_value",),
    "program_year": ("program_year",),
    "study": ("name_of_study",),
    "nct": ("clinicaltrials_gov_identifier",),
}
REQUIRED = ("record_id", "recipient_type", "manufacturer", "amount", "date")
_PRODUCT_NAMES = (
    "name_of_drug_or_biological_or_device_or_medical_supply_{n}",
    "name_of_associated_covered_drug_or_biological{n}",
    "name_of_associated_covered_device_or_medical_supply{n}",
)
_PRODUCT_NDCS = (
    "associated_drug_or_biological_ndc_{n}",
    "ndc_of_associated_covered_drug_or_biological{n}",
)
_PI = "principal_investigator_{n}_{field}"
logger = logging.getLogger(__name__)


class Person(BaseModel):
    """A physician named in a payment: the recipient or a principal investigator."""

    role: Literal["recipient", "principal_investigator"]
    profile_id: str | None = None
    npi: str | None = None
    family: str
    given: str | None = None
    specialty: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None


class Product(BaseModel):
    """A drug, biological or device a payment names."""

    name: str
    ndc: str | None = None
    therapeutic_area: str | None = None


class Payment(BaseModel):
    """One Open Payments record."""

    record_id: str
    research: bool
    recipient_type: str
    recipient_name: str | None = None
    manufacturer: str
    manufacturer_id: str | None = None
    amount: float
    date: str
    nature: str | None = None
    form: str | None = None
    program_year: int | None = None
    study: str | None = None
    nct_id: str | None = None
    people: list[Person]
    products: list[Product]


def _recipient_kind(text: str) -> str:
    lowered = text.lower()
    if "teaching hospital" in lowered:
        return "teaching_hospital"
    if "non-covered" in lowered or "noncovered" in lowered:
        return "non_covered_entity"
    if "non-physician" in lowered:
        return "non_physician_practitioner"
    return "physician"


class PaymentColumns:
    """The file's header mapped onto the canonical fields."""

    def __init__(self, header: list[str]) -> None:
        self.by_lower = {h.lower(): h for h in header}
        self.field: dict[str, str] = {}
        for name, candidates in COLUMNS.items():
            found = next((self.by_lower[c] for c in candidates if c in self.by_lower), None)
            if found:
                self.field[name] = found
        self.research = "name_of_study" in self.by_lower or (
            "principal_investigator_1_last_name" in self.by_lower
        )

    def missing(self) -> list[str]:
        """Required fields without a column (their CMS column names)."""
        return [COLUMNS[name][-1] for name in REQUIRED if name not in self.field]

    def get(self, row: dict[str, str], name: str) -> str | None:
        column = self.field.get(name)
        return fields.text(row.get(column)) if column else None

    def raw(self, row: dict[str, str], lower_name: str) -> str | None:
        column = self.by_lower.get(lower_name)
        return fields.text(row.get(column)) if column else None

    def column(self, name: str) -> str:
        return self.field.get(name, COLUMNS[name][0])


def _pi(cols: PaymentColumns, row: dict[str, str], n: int) -> Person | None:
    def get(field: str) -> str | None:
        return cols.raw(row, _PI.format(n=n, field=field))

    family = get("last_name")
    if family is None:
        return None
    country = get("country")
    return Person(
        role="principal_investigator",
        profile_id=fields.identifier(get("profile_id")),
        npi=fields.npi(get("npi")),
        family=fields.title_case(family) or family,
        given=fields.title_case(
            " ".join(p for p in (get("first_name"), get("middle_name")) if p) or None
        ),
        specialty=specialty_from_path(get("specialty") or get("specialty_1")),
        city=fields.title_case(get("city")),
        state=get("state"),
        postal_code=fields.postal_code(get("zip_code"), country),
        country=country,
    )


def payment_from_row(cols: PaymentColumns, row: dict[str, str]) -> Payment:
    """Parse one payment row.

    Raises
    ------
    ValueError
        ``column: reason`` when the row cannot be used.
    """

    def parsed(name: str, parse: Any) -> Any:
        try:
            return parse(row.get(cols.field.get(name, ""), ""))
        except ValueError as exc:
            raise ValueError(f"{cols.column(name)}: {exc}") from None

    record_id = parsed("record_id", fields.identifier)
    if record_id is None:
        raise ValueError(f"{cols.column('record_id')}: missing")
    amount = parsed("amount", fields.amount)
    if amount is None:
        raise ValueError(f"{cols.column('amount')}: missing")
    date = parsed("date", fields.iso_date)
    if date is None:
        raise ValueError(f"{cols.column('date')}: missing")
    manufacturer = cols.get(row, "manufacturer")
    if manufacturer is None:
        raise ValueError(f"{cols.column('manufacturer')}: missing")
    recipient_text = cols.get(row, "recipient_type") or ""
    kind = _recipient_kind(recipient_text)
    people: list[Person] = []
    if kind in ("physician", "non_physician_practitioner"):
        family = cols.get(row, "last")
        profile_id = parsed("profile_id", fields.identifier)
        npi = parsed("npi", fields.npi)
        if family is None:
            raise ValueError(f"{cols.column('last')}: missing for a physician recipient")
        country = cols.get(row, "country")
        people.append(
            Person(
                role="recipient",
                profile_id=profile_id,
                npi=npi,
                family=fields.title_case(family) or family,
                given=fields.title_case(
                    " ".join(p for p in (cols.get(row, "first"), cols.get(row, "middle")) if p)
                    or None
                ),
                specialty=specialty_from_path(cols.get(row, "specialty")),
                city=fields.title_case(cols.get(row, "city")),
                state=cols.get(row, "state"),
                postal_code=fields.postal_code(row.get(cols.column("zip")), country),
                country=country,
            )
        )
    if cols.research:
        for n in range(1, 6):
            try:
                pi = _pi(cols, row, n)
            except ValueError as exc:
                raise ValueError(f"Principal_Investigator_{n}_NPI: {exc}") from None
            if pi is not None:
                people.append(pi)
    if not people:
        raise ValueError(
            f"{cols.column('recipient_type')}: recipient is not an HCP "
            f"({recipient_text or 'blank'}) and no principal investigator is "
            "named; not loaded"
        )
    products: list[Product] = []
    for n in range(1, 6):
        name = next(
            (cols.raw(row, c.format(n=n)) for c in _PRODUCT_NAMES if cols.raw(row, c.format(n=n))),
            None,
        )
        if name:
            ndc = next(
                (
                    cols.raw(row, c.format(n=n))
                    for c in _PRODUCT_NDCS
                    if cols.raw(row, c.format(n=n))
                ),
                None,
            )
            products.append(
                Product(
                    name=name,
                    ndc=ndc,
                    therapeutic_area=cols.raw(row, f"product_category_or_therapeutic_area_{n}"),
                )
            )
    nct = cols.get(row, "nct")
    year = cols.get(row, "program_year")
    return Payment(
        record_id=record_id,
        research=cols.research,
        recipient_type=kind,
        recipient_name=cols.get(row, "hospital") or cols.get(row, "entity"),
        manufacturer=manufacturer,
        manufacturer_id=parsed("manufacturer_id", fields.identifier),
        amount=amount,
        date=date,
        nature=cols.get(row, "nature"),
        form=cols.get(row, "form"),
        program_year=int(float(year)) if year and year.replace(".", "").isdigit() else None,
        study=cols.get(row, "study"),
        nct_id=nct.upper() if nct and nct.upper().startswith("NCT") else None,
        people=people,
        products=products,
    )


def manufacturer_id(payment: Payment) -> str:
    """``manufacturer:op:<CMS id>``, or a slug of the name when the file has no id."""
    if payment.manufacturer_id:
        return f"manufacturer:op:{payment.manufacturer_id}"
    return f"manufacturer:{fields.slug(payment.manufacturer)}"


class PaymentsLoader(Loader):
    """Loads Open Payments General and Research payment CSV files."""

    source = "payments"

    def __init__(
        self, departments: DepartmentMap | None = None, our_company: str | None = None
    ) -> None:
        self.departments = departments
        self.our_company = our_company if our_company is not None else Settings().our_company

    def check(self, path: Path) -> None:
        cols = PaymentColumns(read_header(path, what="Open Payments"))
        missing = cols.missing()
        if missing:
            raise IngestError(
                f"{path}: not an Open Payments General or Research file; "
                f"missing column(s) {', '.join(missing)}"
            )
        if not {"profile_id", "npi", "last"} & set(cols.field) and not cols.research:
            raise IngestError(
                f"{path}: no recipient columns (Physician_Profile_ID, "
                "Covered_Recipient_NPI or Covered_Recipient_Last_Name)"
            )
        if self.departments is None:
            self.departments = DepartmentMap.configured()

    def prepare(self, store: GraphStore) -> None:
        """Retire payment engagements an earlier loader booked as ours (see
        :func:`retire_foreign_payment_engagements`)."""
        retired = retire_foreign_payment_engagements(store, self.our_company)
        if retired:
            logger.info(
                "%d Open Payments engagements of other manufacturers are now "
                "industry payments only (not our spend)",
                retired,
            )

    def records(self, path: Path, rejects: RejectLog) -> Iterator[Record]:
        cols = PaymentColumns(read_header(path, what="Open Payments"))
        for where, row in csv_rows(path, rejects):
            try:
                payment = payment_from_row(cols, row)
            except ValueError as exc:
                field, _, reason = str(exc).partition(": ")
                record = fields.identifier(row.get(cols.column("record_id"), "")) or where
                rejects.add(record, field, reason)
                continue
            yield Record(payment.record_id, payment)

    def build(self, records: list[Record], store: GraphStore) -> GraphBatch:
        departments = self.departments or DepartmentMap.configured()
        batch = GraphBatch()
        mentions: list[MentionIn] = []
        for record in records:
            for position, person in enumerate(record.value.people, start=1):
                mentions.append(
                    MentionIn(
                        id=mention_id("payments", record.id, position),
                        source="payments",
                        family=person.family,
                        given=person.given,
                        npi=person.npi,
                        profile_id=person.profile_id,
                        city=person.city,
                        state=person.state,
                        postal_code=person.postal_code,
                        country=_country(person.country),
                        topics=[f"specialty:{fields.slug(person.specialty)}"]
                        if person.specialty
                        else [],
                    )
                )
        hcp_ids = resolve_people(store, batch, mentions)
        for record in records:
            self._add_payment(batch, record.value, hcp_ids, departments)
        return batch

    def _add_payment(
        self, batch: GraphBatch, p: Payment, hcp_ids: dict[str, str], departments: DepartmentMap
    ) -> None:
        pay_id = f"payment:op:{p.record_id}"
        first_hcp = hcp_ids[mention_id("payments", p.record_id, 1)]
        ours = is_our_company(p.manufacturer, self.our_company)
        props = {
            "date": p.date,
            "amount": p.amount,
            "nature_of_payment": p.nature or ("Research" if p.research else None),
            "form_of_payment": p.form,
            "hcp_id": first_hcp,
            "recipient_type": p.recipient_type,
            "recipient_name": p.recipient_name,
            "manufacturer": p.manufacturer,
            "program_year": p.program_year,
            "study": p.study,
            "nct_id": p.nct_id,
            "product": p.products[0].name if p.products else None,
            "research": p.research,
            "source_id": p.record_id,
        }
        batch.node("Payment", pay_id, ours=ours, **props)
        maker = manufacturer_id(p)
        batch.node(
            "Manufacturer",
            maker,
            name=p.manufacturer,
            source_id=p.manufacturer_id or p.manufacturer,
        )
        batch.rel("Payment", pay_id, "PAID_BY", "Manufacturer", maker)
        eng_id = f"eng:op:{p.record_id}"
        if ours:  # our own transfer of value: an engagement of the department that owns it
            department = departments.department_for(p.nature, research=p.research)
            batch.node(
                "Engagement",
                eng_id,
                type="payment",
                channel="transfer_of_value",
                datetime=p.date,
                department=department,
                payment_id=pay_id,
                **props,
            )
            batch.node("Department", f"dept:{department}", name=department, source_id=department)
            batch.rel("Engagement", eng_id, "OWNED_BY", "Department", f"dept:{department}")
            batch.rel("Engagement", eng_id, "PAID_BY", "Manufacturer", maker)
        for product in p.products:
            product_id = f"product:{fields.slug(product.name)}"
            batch.node(
                "Product",
                product_id,
                name=product.name,
                ndc=product.ndc,
                therapeutic_area=product.therapeutic_area,
                source_id=product.name,
            )
            batch.rel("Payment", pay_id, "ABOUT_PRODUCT", "Product", product_id)
            if ours:
                batch.rel("Engagement", eng_id, "ABOUT_PRODUCT", "Product", product_id)
        if p.nct_id:
            batch.node("Trial", f"nct:{p.nct_id}", nct_id=p.nct_id, source_id=p.nct_id)
        for position, person in enumerate(p.people, start=1):
            mid = mention_id("payments", p.record_id, position)
            hcp_id = hcp_ids[mid]
            batch.node("HCP", hcp_id, specialty=person.specialty)
            batch.rel(
                "Mention", mid, "APPEARS_IN", "Payment", pay_id, position=position, role=person.role
            )
            batch.rel("Payment", pay_id, "PAID_TO", "HCP", hcp_id, role=person.role)
            if ours:
                batch.rel("Engagement", eng_id, "WITH_HCP", "HCP", hcp_id, role=person.role)
            if p.nct_id and person.role == "principal_investigator":
                batch.rel(
                    "HCP",
                    hcp_id,
                    "INVESTIGATOR_OF",
                    "Trial",
                    f"nct:{p.nct_id}",
                    role="principal_investigator",
                    source_id=p.record_id,
                )


# Engagement properties that describe the payment itself (copied onto its Payment).
_PAYMENT_PROPS = (
    "date",
    "amount",
    "nature_of_payment",
    "form_of_payment",
    "hcp_id",
    "recipient_type",
    "recipient_name",
    "manufacturer",
    "program_year",
    "study",
    "nct_id",
    "product",
    "research",
    "source_id",
)
_PROVENANCE = ("source", "source_file", "run_id", "loaded_at")


def retire_foreign_payment_engagements(store: GraphStore, our_company: str | None) -> int:
    """Turn Open Payments engagements of other manufacturers back into industry Payments.

    Earlier versions of the loader booked every Open Payments row as our own
    ``(:Engagement {type: 'payment'})``. For each such engagement (id ``eng:op:<Record_ID>``)
    this makes sure the row's ``(:Payment)`` exists with its ``PAID_TO``, ``PAID_BY``,
    ``ABOUT_PRODUCT`` and mention links (``ours`` as ``our_company`` says now), then deletes
    the engagement unless its manufacturer is our company. Our engagements that already
    name their Payment are left as they are. Running it again changes nothing. Returns the
    number of engagements deleted.
    """
    rows = store.run("payments_engagement_rows")
    if not rows:
        return 0
    batch = GraphBatch()
    foreign: list[dict[str, str]] = []
    for row in rows:
        props = row["props"]
        record_id = props.get("source_id") or row["id"].removeprefix("eng:op:")
        pay_id = props.get("payment_id") or f"payment:op:{record_id}"
        ours = is_our_company(props.get("manufacturer"), our_company)
        if ours and props.get("payment_id"):
            continue  # written by this loader: our engagement and its Payment are in place
        prov = {k: props[k] for k in _PROVENANCE if props.get(k) is not None}
        values = {k: props[k] for k in _PAYMENT_PROPS if props.get(k) is not None}
        if "research" not in values:  # engagements of the first loader did not say
            values["research"] = bool(
                props.get("study")
                or props.get("nct_id")
                or props.get("nature_of_payment") == "Research"
            )
        batch.node("Payment", pay_id, **{**values, "source_id": record_id, "ours": ours}, **prov)
        for maker in row["makers"]:
            batch.rel("Payment", pay_id, "PAID_BY", "Manufacturer", maker, **prov)
        for product in row["products"]:
            batch.rel("Payment", pay_id, "ABOUT_PRODUCT", "Product", product, **prov)
        for person in row["people"]:
            if person.get("hcp"):
                batch.rel(
                    "Payment",
                    pay_id,
                    "PAID_TO",
                    "HCP",
                    person["hcp"],
                    role=person.get("role"),
                    **prov,
                )
        for mention in row["mentions"]:
            if mention.get("mention"):
                batch.rel(
                    "Mention",
                    mention["mention"],
                    "APPEARS_IN",
                    "Payment",
                    pay_id,
                    position=mention.get("position"),
                    role=mention.get("role"),
                    **prov,
                )
        if ours:
            batch.node("Engagement", row["id"], payment_id=pay_id)
        else:
            foreign.append({"id": row["id"]})
    batch.write(store)
    if foreign:
        store.write("payments_delete_engagements", foreign)
    return len(foreign)


def is_our_company(manufacturer: str | None, our_company: str | None) -> bool:
    """Whether a paying manufacturer is our company (``our_company``: names split by ``;``,
    compared without case or repeated spaces).

    >>> is_our_company("ACME PHARMA, INC.", "Acme Pharma, Inc."), is_our_company("X", None)
    (True, False)
    """
    if not manufacturer or not our_company:
        return False

    def key(text: str) -> str:
        return " ".join(text.casefold().split())

    return key(manufacturer) in {key(n) for n in our_company.split(";") if n.strip()}


def _country(value: str | None) -> str | None:
    if value in ("United States", "UNITED STATES", "US", "USA"):
        return "US"
    return value
