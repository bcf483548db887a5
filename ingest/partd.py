"""Medicare Part D Prescribers by Provider and Drug: claims per prescriber, drug and year.

The public CMS file has one row per NPI and drug (brand + generic name) for one data
year. Columns used (others are ignored): ``Prscrbr_NPI``, ``Prscrbr_Last_Org_Name``,
``Prscrbr_First_Name``, ``Prscrbr_City``, ``Prscrbr_State_Abrvtn``, ``Prscrbr_Type``,
``Brnd_Name``, ``Gnrc_Name``, ``Tot_Clms``, ``Tot_30day_Fills``, ``Tot_Day_Supply``,
``Tot_Drug_Cst``, ``Tot_Benes`` (blank when CMS suppressed a count under 11). The year is
a ``year`` column when present, else taken from the file name (``..._DY22_...`` or a
four-digit year such as ``partd_2022.csv``).

Each row becomes ``(:HCP)-[:PRESCRIBED]->(:PrescribingYear)-[:OF_PRODUCT]->(:Product)``.
After every batch the touched HCPs' ``prescribing_claims`` (all claims of their latest
loaded year) is recomputed from the stored records, so reloading or loading several
years in any order gives the same totals. Scoring reads ``prescribing_claims`` for
prescribing potential; the speaker pipeline never reads any of it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError, field_validator

from kolgraph.errors import IngestError
from kolgraph.ingest.batch import GraphBatch
from kolgraph.ingest.rejects import RejectLog
from kolgraph.ingest.runner import Loader, Record
from kolgraph.ingest.textfiles import open_text
from kolgraph.store import GraphStore

REQUIRED = ("Prscrbr_NPI", "Brnd_Name", "Gnrc_Name", "Tot_Clms")
_NPI = re.compile(r"^\d{10}$")
_DATA_YEAR = re.compile(r"DY(\d{2})(?!\d)", re.I)
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


def product_key(name: str) -> str:
    """A stable slug for a drug name, used in Product and PrescribingYear ids.

    Examples
    --------
    >>> product_key("Eliquis ")
    'eliquis'
    >>> product_key("Atorvastatin Calcium")
    'atorvastatin-calcium'
    """
    return re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-")


def year_from_name(path: Path) -> int | None:
    """The data year written in a Part D file name, if any.

    Examples
    --------
    >>> year_from_name(Path("MUP_DPR_RY24_P04_V10_DY22_NPIBN.csv"))
    2022
    >>> year_from_name(Path("partd_2021.csv.gz")), year_from_name(Path("drugs.csv"))
    (2021, None)
    """
    if match := _DATA_YEAR.search(path.name):
        return 2000 + int(match.group(1))
    if match := _YEAR.search(path.name):
        return int(match.group(1))
    return None


def _number(value: Any) -> float | None:
    text = str(value if value is not None else "").strip().replace(",", "")
    if text == "":
        return None
    number = float(text)
    if number < 0:
        raise ValueError(f"must not be negative: {text!r}")
    return number


class PartDRow(BaseModel):
    """One prescriber x drug x year row."""

    npi: str
    year: int = Field(ge=2000, le=2100)
    brand_name: str = Field(min_length=1)
    generic_name: str = Field(min_length=1)
    claims: int = Field(ge=0)
    beneficiaries: int | None = Field(None, ge=0)
    day_supply: float | None = Field(None, ge=0)
    drug_cost: float | None = Field(None, ge=0)
    fills_30day: float | None = Field(None, ge=0)
    family: str | None = None
    given: str | None = None
    city: str | None = None
    state: str | None = None
    specialty: str | None = None

    @field_validator("npi", mode="before")
    @classmethod
    def _npi(cls, value: Any) -> str:
        text = str(value).strip().removesuffix(".0")
        if not _NPI.match(text):
            raise ValueError(f"not a 10-digit NPI: {value!r}")
        return text

    @field_validator("claims", "beneficiaries", mode="before")
    @classmethod
    def _count(cls, value: Any) -> int | None:
        number = _number(value)
        if number is None:
            return None
        if number != int(number):
            raise ValueError(f"not a whole number: {value!r}")
        return int(number)

    @field_validator("day_supply", "drug_cost", "fills_30day", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> float | None:
        return _number(value)

    @field_validator(
        "brand_name", "generic_name", "family", "given", "city", "state", "specialty", mode="before"
    )
    @classmethod
    def _text(cls, value: Any) -> str | None:
        text = str(value if value is not None else "").strip()
        return text or None

    @property
    def product_id(self) -> str:
        """``product:<slug of the brand name>``."""
        return f"product:{product_key(self.brand_name)}"

    @property
    def record_id(self) -> str:
        """``rx:partd:<NPI>:<product key>:<year>``."""
        return f"rx:partd:{self.npi}:{product_key(self.brand_name)}:{self.year}"


_FIELDS = {
    "Prscrbr_NPI": "npi",
    "Brnd_Name": "brand_name",
    "Gnrc_Name": "generic_name",
    "Tot_Clms": "claims",
    "Tot_Benes": "beneficiaries",
    "Tot_Day_Supply": "day_supply",
    "Tot_Drug_Cst": "drug_cost",
    "Tot_30day_Fills": "fills_30day",
    "Prscrbr_Last_Org_Name": "family",
    "Prscrbr_First_Name": "given",
    "Prscrbr_City": "city",
    "Prscrbr_State_Abrvtn": "state",
    "Prscrbr_Type": "specialty",
}


class _PrescribingBatch(GraphBatch):
    """A batch that recomputes the touched HCPs' ``prescribing_claims`` once written."""

    def write(self, store: GraphStore) -> tuple[int, int]:
        written = super().write(store)
        hcps = sorted({s for (s, _) in self.rels.get(("HCP", "PRESCRIBED", "PrescribingYear"), {})})
        store.write("partd_refresh_claims", [{"hcp_id": h} for h in hcps])
        return written


class PartDLoader(Loader):
    """Loads Part D prescriber-by-drug rows as yearly claims records of HCPs.

    An NPI already on an HCP (from NPPES, CRM or resolution) links to that HCP; an NPI
    first seen here gets an ``npi:<NPI>`` HCP with the prescriber's name and place.
    """

    source = "partd"

    def _header(self, path: Path) -> list[str]:
        with open_text(path) as handle:
            header = next(csv.reader(handle), None)
        if not header:
            raise IngestError(f"{path}: empty file; expected a header with {', '.join(REQUIRED)}")
        return [h.strip().lstrip("\ufeff") for h in header]

    def check(self, path: Path) -> None:
        header = self._header(path)
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise IngestError(
                f"{path}: not a Part D prescriber-by-drug file; missing columns "
                f"{', '.join(missing)}"
            )
        if "year" not in header and year_from_name(path) is None:
            raise IngestError(
                f"{path}: no data year; add a 'year' column or put the year in "
                "the file name (e.g. partd_2022.csv or ..._DY22_...)"
            )

    def records(self, path: Path, rejects: RejectLog) -> Iterator[Record]:
        default_year = year_from_name(path)
        with open_text(path) as handle:
            reader = csv.DictReader(handle)
            reader.fieldnames = [h.strip().lstrip("\ufeff") for h in reader.fieldnames or []]
            for line, raw in enumerate(reader, start=2):
                values: dict[str, Any] = {
                    field: raw.get(column) for column, field in _FIELDS.items()
                }
                values["year"] = (raw.get("year") or "").strip() or default_year
                try:
                    row = PartDRow(**values)
                except ValidationError as exc:
                    error = exc.errors()[0]
                    field = str(error["loc"][0]) if error["loc"] else None
                    column = next((c for c, f in _FIELDS.items() if f == field), field)
                    rejects.add(f"line {line}", column, error["msg"])
                    continue
                yield Record(row.record_id, row)

    def build(self, records: list[Record], store: GraphStore) -> GraphBatch:
        npis = sorted({r.value.npi for r in records})
        known: dict[str, str] = {}
        for row in store.run("partd_hcps_by_npi", npis=npis):
            known.setdefault(row["npi"], row["id"])
        batch = _PrescribingBatch()
        for record in records:
            rx: PartDRow = record.value
            hcp_id = known.get(rx.npi)
            if hcp_id is None:
                hcp_id = f"npi:{rx.npi}"
                name = " ".join(p.title() for p in (rx.given, rx.family) if p) or None
                batch.node(
                    "HCP",
                    hcp_id,
                    npi=rx.npi,
                    name=name,
                    family=rx.family.title() if rx.family else None,
                    given=rx.given.title() if rx.given else None,
                    city=rx.city.title() if rx.city else None,
                    state=rx.state,
                    specialty=rx.specialty,
                    country="US",
                    source_id=rx.npi,
                )
            batch.node(
                "Product",
                rx.product_id,
                name=rx.brand_name,
                brand_name=rx.brand_name,
                generic_name=rx.generic_name,
                source_id=rx.brand_name,
            )
            batch.node(
                "PrescribingYear",
                record.id,
                npi=rx.npi,
                hcp_id=hcp_id,
                year=rx.year,
                brand_name=rx.brand_name,
                generic_name=rx.generic_name,
                claims=rx.claims,
                beneficiaries=rx.beneficiaries,
                day_supply=rx.day_supply,
                drug_cost=rx.drug_cost,
                fills_30day=rx.fills_30day,
                source_id=record.id.removeprefix("rx:partd:"),
            )
            batch.rel("HCP", hcp_id, "PRESCRIBED", "PrescribingYear", record.id)
            batch.rel("PrescribingYear", record.id, "OF_PRODUCT", "Product", rx.product_id)
        return batch
