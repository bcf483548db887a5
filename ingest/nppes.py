"""NPPES, the NPI registry: identity, specialty and practice location of US providers.

Two shapes:

* the monthly dissemination CSV (``npidata_pfile_*.csv``, ~330 columns, header as CMS
  ships it), also as re-saved by spreadsheet tools (``1.0``, ``688482168.0``);
* NPI Registry API v2.1 responses (``{"result_count", "results": [...]}``).

Individuals (entity type 1 / ``NPI-1``) become HCP mentions resolved by NPI; the HCP gets
credential, taxonomy, specialty (NUCC) and practice city/state/ZIP. Organisations (type 2)
become Institution nodes ``inst:npi:<NPI>``. A deactivated NPI (CMS blanks every field
except the NPI and the deactivation date) has no name: it goes to the reject file with that
reason, so no nameless HCP reaches a KOL list. A deactivated NPI still published with its
name is loaded with ``deactivated=true, deactivation_date``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from kolgraph.errors import IngestError
from kolgraph.ingest import fields
from kolgraph.ingest.batch import GraphBatch
from kolgraph.ingest.csvrows import csv_rows, read_header, require_columns
from kolgraph.ingest.people import mention_id, resolve_people
from kolgraph.ingest.rejects import RejectLog
from kolgraph.ingest.runner import Loader, Record
from kolgraph.ingest.taxonomy import specialty_for
from kolgraph.ingest.textfiles import open_binary
from kolgraph.resolution import MentionIn
from kolgraph.store import GraphStore

NPI = "NPI"
ENTITY = "Entity Type Code"
LAST, FIRST, MIDDLE = (
    "Provider Last Name (Legal Name)",
    "Provider First Name",
    "Provider Middle Name",
)
ORG = "Provider Organization Name (Legal Business Name)"
CREDENTIAL = "Provider Credential Text"
_PRACTICE = "Provider Business Practice Location Address"
CITY, STATE = f"{_PRACTICE} City Name", f"{_PRACTICE} State Name"
ZIP, COUNTRY = f"{_PRACTICE} Postal Code", f"{_PRACTICE} Country Code (If outside U.S.)"
DEACTIVATED, REACTIVATED = "NPI Deactivation Date", "NPI Reactivation Date"
ENUMERATED, UPDATED = "Provider Enumeration Date", "Last Update Date"
REQUIRED = (
    NPI,
    ENTITY,
    LAST,
    FIRST,
    ORG,
    CREDENTIAL,
    CITY,
    STATE,
    ZIP,
    DEACTIVATED,
    "Healthcare Provider Taxonomy Code_1",
)


class Provider(BaseModel):
    """One NPPES provider, individual or organisation."""

    npi: str
    kind: Literal["individual", "organisation", "deactivated"]
    family: str | None = None
    given: str | None = None
    organisation: str | None = None
    credential: str | None = None
    taxonomy: str | None = None
    taxonomies: list[str] = []
    specialty: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None
    enumeration_date: str | None = None
    last_update: str | None = None
    deactivation_date: str | None = None


def _country(code: str | None) -> str:
    return code or "US"


def provider_from_row(row: dict[str, str]) -> Provider:
    """Parse one NPPES CSV row.

    Raises
    ------
    ValueError
        With ``field: reason`` when the row cannot be used.
    """

    def get(column: str) -> str | None:
        return fields.text(row.get(column))

    def checked(column: str, parse: Any) -> Any:
        try:
            return parse(row.get(column))
        except ValueError as exc:
            raise ValueError(f"{column}: {exc}") from None

    number = checked(NPI, fields.npi)
    if number is None:
        raise ValueError(f"{NPI}: missing")
    entity = fields.identifier(row.get(ENTITY))
    deactivated = checked(DEACTIVATED, fields.iso_date)
    reactivated = checked(REACTIVATED, fields.iso_date) if REACTIVATED in row else None
    if entity is None:
        if deactivated is None:
            raise ValueError(f"{ENTITY}: missing (and no {DEACTIVATED})")
        raise ValueError(
            f"{ENTITY}: deactivated NPI (since {deactivated}) that CMS published "
            "with every field but the NPI blank: no name to load"
        )
    if entity not in ("1", "2"):
        raise ValueError(f"{ENTITY}: expected 1 or 2, found {entity!r}")
    codes = [fields.text(row.get(f"Healthcare Provider Taxonomy Code_{n}")) for n in range(1, 16)]
    switches = [
        fields.text(row.get(f"Healthcare Provider Primary Taxonomy Switch_{n}"))
        for n in range(1, 16)
    ]
    present = [c for c in codes if c]
    primary = next(
        (c for c, s in zip(codes, switches, strict=True) if c and s == "Y"),
        present[0] if present else None,
    )
    country = _country(get(COUNTRY))
    common: dict[str, Any] = {
        "npi": number,
        "taxonomy": primary,
        "taxonomies": present,
        "specialty": specialty_for(primary),
        "city": fields.title_case(get(CITY)),
        "state": get(STATE),
        "postal_code": fields.postal_code(row.get(ZIP), country),
        "country": country,
        "enumeration_date": checked(ENUMERATED, fields.iso_date),
        "last_update": checked(UPDATED, fields.iso_date),
        "deactivation_date": deactivated if deactivated and not reactivated else None,
    }
    if entity == "2":
        name = get(ORG)
        if name is None:
            raise ValueError(f"{ORG}: missing for an organisation")
        return Provider(kind="organisation", organisation=name, **common)
    family = get(LAST)
    if family is None:
        raise ValueError(f"{LAST}: missing for an individual")
    given = " ".join(p for p in (get(FIRST), get(MIDDLE)) if p) or None
    return Provider(
        kind="individual",
        family=fields.title_case(family),
        given=fields.title_case(given),
        credential=get(CREDENTIAL),
        **common,
    )


def provider_from_api(result: dict[str, Any]) -> Provider:
    """Parse one NPI Registry API v2.1 result."""
    number = fields.npi(result.get("number"))
    if number is None:
        raise ValueError("number: missing")
    basic = result.get("basic") or {}
    kind = {"NPI-1": "individual", "NPI-2": "organisation"}.get(str(result.get("enumeration_type")))
    if kind is None:
        raise ValueError(
            f"enumeration_type: expected NPI-1 or NPI-2, found {result.get('enumeration_type')!r}"
        )
    location = next(
        (a for a in result.get("addresses") or [] if a.get("address_purpose") == "LOCATION"), {}
    )
    taxonomies = [t for t in result.get("taxonomies") or [] if t.get("code")]
    primary = next((t for t in taxonomies if t.get("primary")), taxonomies[0] if taxonomies else {})
    country = _country(fields.text(location.get("country_code")))
    deactivated = fields.iso_date(basic.get("deactivation_date"))
    common: dict[str, Any] = {
        "npi": number,
        "taxonomy": primary.get("code"),
        "taxonomies": [t["code"] for t in taxonomies],
        "specialty": specialty_for(primary.get("code")) or fields.text(primary.get("desc")),
        "city": fields.title_case(fields.text(location.get("city"))),
        "state": fields.text(location.get("state")),
        "postal_code": fields.postal_code(location.get("postal_code"), country),
        "country": country,
        "enumeration_date": fields.iso_date(basic.get("enumeration_date")),
        "last_update": fields.iso_date(basic.get("last_updated")),
        "deactivation_date": deactivated if basic.get("status") == "D" or deactivated else None,
    }
    if kind == "organisation":
        name = fields.text(basic.get("organization_name") or basic.get("name"))
        if name is None:
            raise ValueError("basic.organization_name: missing for an organisation")
        return Provider(kind="organisation", organisation=name, **common)
    family = fields.text(basic.get("last_name"))
    if family is None:
        raise ValueError("basic.last_name: missing for an individual")
    given = (
        " ".join(
            p
            for p in (fields.text(basic.get("first_name")), fields.text(basic.get("middle_name")))
            if p
        )
        or None
    )
    return Provider(
        kind="individual",
        family=fields.title_case(family),
        given=fields.title_case(given),
        credential=fields.text(basic.get("credential")),
        **common,
    )


def _is_json(path: Path) -> bool:
    with open_binary(path) as handle:
        head = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{")


class NppesLoader(Loader):
    """Loads NPPES CSV files and NPI Registry API JSON responses."""

    source = "nppes"

    def check(self, path: Path) -> None:
        if _is_json(path):
            try:
                with open_binary(path) as handle:
                    body = json.load(handle)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise IngestError(f"{path}: not valid JSON ({exc})") from exc
            if isinstance(body, dict) and body.get("Errors"):
                first = body["Errors"][0]
                raise IngestError(
                    f"{path}: an NPI Registry error response, not results: "
                    f"{first.get('description', first)}"
                )
            if not isinstance(body, dict) or not isinstance(body.get("results"), list):
                raise IngestError(
                    f"{path}: not an NPI Registry API response; expected "
                    '{"result_count": n, "results": [...]}'
                )
            return
        header = read_header(path, what="NPPES")
        require_columns(
            path,
            header,
            REQUIRED,
            what="NPPES npidata",
            hint=" (expected the CMS header, e.g. 'NPI', 'Entity Type Code')",
        )

    def records(self, path: Path, rejects: RejectLog) -> Iterator[Record]:
        if _is_json(path):
            with open_binary(path) as handle:
                results = json.load(handle)["results"]
            for n, result in enumerate(results, start=1):
                try:
                    provider = provider_from_api(result)
                except ValueError as exc:
                    field, _, reason = str(exc).partition(": ")
                    rejects.add(f"result {n}", field, reason)
                    continue
                yield Record(provider.npi, provider)
            return
        for where, row in csv_rows(path, rejects):
            try:
                provider = provider_from_row(row)
            except ValueError as exc:
                field, _, reason = str(exc).partition(": ")
                rejects.add(fields.identifier(row.get(NPI)) or where, field, reason)
                continue
            yield Record(provider.npi, provider)

    def build(self, records: list[Record], store: GraphStore) -> GraphBatch:
        batch = GraphBatch()
        people = [r.value for r in records if r.value.kind != "organisation"]
        mentions = [
            MentionIn(
                id=mention_id("nppes", p.npi),
                source="nppes",
                npi=p.npi,
                family=p.family,
                given=p.given,
                city=p.city,
                state=p.state,
                postal_code=p.postal_code,
                country=p.country,
                topics=[f"taxonomy:{c}" for c in p.taxonomies],
            )
            for p in people
        ]
        hcp_ids = resolve_people(store, batch, mentions)
        for record in records:
            p: Provider = record.value
            if p.kind == "organisation":
                batch.node(
                    "Institution",
                    f"inst:npi:{p.npi}",
                    name=p.organisation,
                    name_key=" ".join(fields.slug(p.organisation or "").split("-")),
                    npi=p.npi,
                    city=p.city,
                    state=p.state,
                    country=p.country,
                    taxonomy=p.taxonomy,
                    source_id=p.npi,
                )
                continue
            hcp_id = hcp_ids[mention_id("nppes", p.npi)]
            batch.node(
                "HCP",
                hcp_id,
                npi=p.npi,
                credential=p.credential,
                taxonomy=p.taxonomy,
                taxonomies=p.taxonomies or None,
                specialty=p.specialty,
                deactivated=p.kind == "deactivated" or p.deactivation_date is not None,
                deactivation_date=p.deactivation_date,
                enumeration_date=p.enumeration_date,
                source_id=p.npi,
            )
        return batch
