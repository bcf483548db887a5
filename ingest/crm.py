"""The company's own CRM engagements (CSV or JSON, see docs/formats/crm.md).

Each engagement becomes ``(:Engagement {id: "eng:crm:<engagement_id>"})`` with
``WITH_HCP`` the HCP (a Mention linked by the kolgraph HCP id the CRM keeps for the
account, else resolved by CRM id, NPI, Open Payments profile id, else by name and
affiliation), ``BY`` the employee (``emp:<employee_id>``, ``MEMBER_OF`` their
department), ``OWNED_BY`` the department and ``ABOUT_PRODUCT`` the product. A row that carries the
practice location the CRM holds for the HCP's account (``hcp_lat``, ``hcp_lon``) gives the
HCP its ``lat``/``lon``, against which visits' GPS fixes are verified.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from kolgraph.csvsafe import FORMULA_STARTS
from kolgraph.errors import IngestError
from kolgraph.ingest import fields
from kolgraph.ingest.batch import GraphBatch
from kolgraph.ingest.csvrows import csv_rows, read_header, require_columns
from kolgraph.ingest.mentions import add_mention
from kolgraph.ingest.people import mention_id, resolve_people
from kolgraph.ingest.rejects import RejectLog
from kolgraph.ingest.runner import Loader, Record
from kolgraph.ingest.textfiles import open_text
from kolgraph.resolution import MentionIn, Resolution
from kolgraph.store import GraphStore
from kolgraph.vocabulary import CRM_ENGAGEMENT_TYPES, DEPARTMENTS

TYPES = CRM_ENGAGEMENT_TYPES
_MENTION = {"label": "Mention", "type": "RESOLVED_TO", "end": "HCP"}
_TYPE_ALIASES = {
    "e-mail": "email",
    "advisory board": "advisory_board",
    "speaker programme": "speaker_programme",
    "speaker program": "speaker_programme",
    "speaker_program": "speaker_programme",
    "research collaboration": "research_collaboration",
    "sample drop": "sample_drop",
    "congress invitation": "congress_invitation",
}
CHANNELS = ("in_person", "phone", "email", "video", "web", "event", "letter")
ROLES = ("rep", "msl", "manager")
COLUMNS = (
    "engagement_id",
    "hcp_id",
    "hcp_crm_id",
    "hcp_npi",
    "hcp_profile_id",
    "hcp_name",
    "hcp_affiliation",
    "hcp_city",
    "hcp_state",
    "employee_id",
    "employee_name",
    "employee_role",
    "department",
    "territory",
    "type",
    "channel",
    "datetime",
    "objective",
    "product",
    "key_messages",
    "outcome",
    "cost",
    "lat",
    "lon",
    "notes",
    "planned",
    "hcp_lat",
    "hcp_lon",
)
REQUIRED = ("engagement_id", "employee_id", "department", "type", "datetime")


class Engagement(BaseModel):
    """One CRM engagement."""

    engagement_id: str
    hcp_id: str | None = None
    hcp_crm_id: str | None = None
    hcp_npi: str | None = None
    hcp_profile_id: str | None = None
    hcp_name: str | None = None
    hcp_affiliation: str | None = None
    hcp_city: str | None = None
    hcp_state: str | None = None
    hcp_lat: float | None = None
    hcp_lon: float | None = None
    employee_id: str
    employee_name: str | None = None
    employee_role: str | None = None
    department: str
    territory: str | None = None
    type: str
    channel: str | None = None
    datetime: str
    date: str
    objective: str | None = None
    product: str | None = None
    key_messages: list[str] = []
    outcome: str | None = None
    cost: float | None = None
    lat: float | None = None
    lon: float | None = None
    notes: str | None = None
    planned: bool | None = None


def _choice(
    value: Any, allowed: tuple[str, ...], aliases: dict[str, str], field: str
) -> str | None:
    cleaned = fields.text(value)
    if cleaned is None:
        return None
    lowered = cleaned.lower()
    result = aliases.get(lowered, lowered.replace(" ", "_").replace("-", "_"))
    if result not in allowed:
        raise ValueError(f"{field}: {cleaned!r} is not one of {', '.join(allowed)}")
    return result


def _coordinate(value: Any, field: str, limit: float) -> float | None:
    cleaned = fields.text(value)
    if cleaned is None:
        return None
    try:
        number = float(cleaned)
    except ValueError:
        raise ValueError(f"{field}: not a number: {cleaned!r}") from None
    if not -limit <= number <= limit:
        raise ValueError(f"{field}: {number} is outside -{limit:g}..{limit:g}")
    return number


def _name(value: Any, field: str) -> str | None:
    """A person's name, refused when it starts like a spreadsheet formula (``=``, ``+``, ...).

    Examples
    --------
    >>> _name(" Jane Doe ", "hcp_name")
    'Jane Doe'
    """
    cleaned = fields.text(value)
    if cleaned is not None and cleaned.startswith(FORMULA_STARTS):
        raise ValueError(f"{field}: {cleaned[:40]!r} starts like a spreadsheet formula, not a name")
    return cleaned


def _messages(value: Any) -> list[str]:
    if isinstance(value, list):
        return [m for m in (fields.text(v) for v in value) if m]
    text = fields.text(value)
    return [m for m in (fields.text(p) for p in text.split("|")) if m] if text else []


def engagement_from_row(row: dict[str, Any]) -> Engagement:
    """Parse one CRM row (CSV strings or JSON values).

    Raises
    ------
    ValueError
        ``field: reason`` for an unusable row.

    Examples
    --------
    >>> e = engagement_from_row({"engagement_id": "E1", "hcp_npi": "1234567893",
    ...     "employee_id": "S01", "department": "Sales", "type": "Sample drop",
    ...     "datetime": "2024-03-05T10:30:00", "key_messages": "efficacy|safety"})
    >>> e.type, e.department, e.date, e.key_messages
    ('sample_drop', 'sales', '2024-03-05', ['efficacy', 'safety'])
    """
    for key, value in row.items():
        if any(
            isinstance(v, str) and "\x00" in v
            for v in (value if isinstance(value, list) else [value])
        ):
            raise ValueError(f"{key}: NUL byte in the field; the record is skipped")

    def parse(field: str, parser: Any) -> Any:
        try:
            return parser(row.get(field))
        except ValueError as exc:
            raise ValueError(f"{field}: {exc}") from None

    engagement_id = fields.identifier(row.get("engagement_id"))
    if engagement_id is None:
        raise ValueError("engagement_id: missing")
    employee = fields.text(row.get("employee_id"))
    if employee is None:
        raise ValueError("employee_id: missing")
    department = _choice(
        row.get("department"), DEPARTMENTS, {"medical affairs": "medical_affairs"}, "department"
    )
    if department is None:
        raise ValueError("department: missing")
    kind = _choice(row.get("type"), TYPES, _TYPE_ALIASES, "type")
    if kind is None:
        raise ValueError("type: missing")
    when = parse("datetime", fields.timestamp)
    if when is None:
        raise ValueError("datetime: missing")
    npi = parse("hcp_npi", fields.npi)
    crm_id, name = fields.text(row.get("hcp_crm_id")), _name(row.get("hcp_name"), "hcp_name")
    profile = fields.identifier(row.get("hcp_profile_id"))
    hcp_id = fields.text(row.get("hcp_id"))
    if not (hcp_id or crm_id or npi or profile or name):
        raise ValueError(
            "hcp_crm_id: no HCP reference (give hcp_id, hcp_crm_id, hcp_npi or hcp_name)"
        )
    hcp_lat = _coordinate(row.get("hcp_lat"), "hcp_lat", 90)
    hcp_lon = _coordinate(row.get("hcp_lon"), "hcp_lon", 180)
    if (hcp_lat is None) != (hcp_lon is None):
        given, missing = ("hcp_lat", "hcp_lon") if hcp_lon is None else ("hcp_lon", "hcp_lat")
        raise ValueError(f"{missing}: missing ({given} is given; a practice location needs both)")
    return Engagement(
        engagement_id=engagement_id,
        hcp_id=hcp_id,
        hcp_crm_id=crm_id,
        hcp_npi=npi,
        hcp_profile_id=profile,
        hcp_name=name,
        hcp_affiliation=fields.text(row.get("hcp_affiliation")),
        hcp_city=fields.text(row.get("hcp_city")),
        hcp_state=fields.text(row.get("hcp_state")),
        hcp_lat=hcp_lat,
        hcp_lon=hcp_lon,
        employee_id=employee,
        employee_name=_name(row.get("employee_name"), "employee_name"),
        employee_role=_choice(row.get("employee_role"), ROLES, {}, "employee_role"),
        department=department,
        territory=fields.text(row.get("territory")),
        type=kind,
        channel=_choice(
            row.get("channel"), CHANNELS, {"in person": "in_person", "e-mail": "email"}, "channel"
        ),
        datetime=when.isoformat(timespec="minutes"),
        date=when.date().isoformat(),
        objective=fields.text(row.get("objective")),
        product=fields.text(row.get("product")),
        key_messages=_messages(row.get("key_messages")),
        outcome=fields.text(row.get("outcome")),
        cost=parse("cost", fields.amount),
        lat=_coordinate(row.get("lat"), "lat", 90),
        lon=_coordinate(row.get("lon"), "lon", 180),
        notes=fields.text(row.get("notes")),
        planned=parse("planned", fields.flag),
    )


class CrmLoader(Loader):
    """Loads CRM engagement exports (CSV or JSON)."""

    source = "crm"
    _rejects: RejectLog | None = None

    def _is_json(self, path: Path) -> bool:
        with open_text(path) as handle:
            return handle.read(64).lstrip("\ufeff \t\r\n")[:1] in ("[", "{")

    def check(self, path: Path) -> None:
        if self._is_json(path):
            try:
                with open_text(path) as handle:
                    body = json.load(handle)
            except json.JSONDecodeError as exc:
                raise IngestError(f"{path}: not valid JSON ({exc})") from exc
            if not isinstance(body, list) and not isinstance(body.get("engagements"), list):
                raise IngestError(
                    f"{path}: expected a list of engagements or "
                    '{"engagements": [...]} (docs/formats/crm.md)'
                )
            return
        header = read_header(path, what="CRM engagements")
        require_columns(
            path, header, REQUIRED, what="CRM engagements", hint=" (see docs/formats/crm.md)"
        )

    def records(self, path: Path, rejects: RejectLog) -> Iterator[Record]:
        rows: Iterator[tuple[str, dict[str, Any]]]
        if self._is_json(path):
            with open_text(path) as handle:
                body = json.load(handle)
            items = body if isinstance(body, list) else body["engagements"]
            rows = ((f"item {n}", item) for n, item in enumerate(items, start=1))
        else:
            rows = csv_rows(path, rejects)
        self._rejects = rejects
        for where, row in rows:
            try:
                engagement = engagement_from_row(row)
            except ValueError as exc:
                field, _, reason = str(exc).partition(": ")
                rejects.add(fields.text(row.get("engagement_id")) or where, field, reason)
                continue
            yield Record(engagement.engagement_id, engagement)

    def _same_department(self, records: list[Record], store: GraphStore) -> list[Record]:
        """The records that do not move a stored engagement to another department.

        An engagement belongs to the department that recorded it (the API refuses a move
        too): a row that names another department goes to the reject file.
        """
        stored = {
            r["id"]: r["department"]
            for r in store.run("engagement_ids_existing", ids=[f"eng:crm:{r.id}" for r in records])
        }
        kept = []
        for record in records:
            was = stored.get(f"eng:crm:{record.id}")
            if was is not None and was != record.value.department:
                if self._rejects is None:
                    raise IngestError(f"engagement {record.id!r} cannot move to another department")
                self._rejects.add_late(
                    record.id,
                    "department",
                    (
                        f"engagement already belongs to department {was!r}, the row says "
                        f"{record.value.department!r}; an engagement cannot move between "
                        "departments (give the row a new engagement_id)"
                    ),
                )
                continue
            kept.append(record)
        return kept

    def _reject(self, record: Record, field: str, reason: str) -> None:
        if self._rejects is None:
            raise IngestError(f"engagement {record.id!r}: {field}: {reason}")
        self._rejects.add_late(record.id, field, reason)

    def _linked_hcps(
        self, records: list[Record], store: GraphStore
    ) -> tuple[list[Record], dict[str, str]]:
        """The records kept, and record id -> HCP for the rows the CRM keys by kolgraph id.

        A CRM that imported kolgraph's HCP list keeps each account's kolgraph id
        (``hcp_id``); that id decides, following a merge to the surviving HCP. Rows of the
        same ``hcp_crm_id`` without the id follow it. An id the store does not know, or one
        that would move a stored engagement to another HCP, rejects the row.
        """
        wanted = sorted({r.value.hcp_id for r in records if r.value.hcp_id})
        if not wanted:
            return records, {}
        known = {
            str(row["value"]): row["hcp"].get("merged_into") or row["hcp"]["id"]
            for row in store.run("hcps_by_identifier", {"prop": "id"}, values=wanted)
        }
        stored = {
            row["mention_id"]: row["merged_into"] or row["hcp_id"]
            for row in store.run(
                "mention_resolutions",
                _MENTION,
                ids=[mention_id("crm", r.id) for r in records if r.value.hcp_id],
            )
        }
        kept, linked = [], {}
        for record in records:
            wanted_id = record.value.hcp_id
            hcp = known.get(wanted_id) if wanted_id else None
            was = stored.get(mention_id("crm", record.id))
            if wanted_id and hcp is None:
                self._reject(
                    record,
                    "hcp_id",
                    (
                        f"no HCP {wanted_id!r} in the store; load the sources it comes from "
                        "first, or leave hcp_id empty to match the row by its other references"
                    ),
                )
                continue
            if hcp is not None and was is not None and was != hcp:
                self._reject(
                    record,
                    "hcp_id",
                    (
                        f"engagement already belongs to HCP {was!r}, the row says {hcp!r}; an "
                        "engagement cannot move to another HCP (give the row a new engagement_id)"
                    ),
                )
                continue
            if hcp is not None:
                linked[record.id] = hcp
            kept.append(record)
        by_account = {
            r.value.hcp_crm_id: linked[r.id] for r in kept if r.id in linked and r.value.hcp_crm_id
        }
        for record in kept:
            account = record.value.hcp_crm_id
            if record.id not in linked and account in by_account:
                linked[record.id] = by_account[account]
        return kept, linked

    def build(self, records: list[Record], store: GraphStore) -> GraphBatch:
        batch = GraphBatch()
        records = self._same_department(records, store)
        records, linked = self._linked_hcps(records, store)
        mentions = [
            MentionIn(
                id=mention_id("crm", r.id),
                source="crm",
                name=e.hcp_name,
                crm_id=e.hcp_crm_id,
                npi=e.hcp_npi,
                profile_id=e.hcp_profile_id,
                affiliation=e.hcp_affiliation,
                city=e.hcp_city,
                state=e.hcp_state,
            )
            for r in records
            for e in [r.value]
        ]
        hcp_ids = resolve_people(
            store, batch, [m for r, m in zip(records, mentions, strict=True) if r.id not in linked]
        )
        for record, mention in zip(records, mentions, strict=True):
            if record.id in linked:
                method = "hcp_id" if record.value.hcp_id else "crm_id"
                resolution = Resolution(
                    mention_id=mention.id,
                    hcp_id=linked[record.id],
                    score=1.0,
                    method=method,
                    is_new=False,
                )
                add_mention(batch, mention, resolution)
                hcp_ids[mention.id] = resolution.hcp_id
        for record in records:
            e: Engagement = record.value
            eng_id, mid = f"eng:crm:{e.engagement_id}", mention_id("crm", record.id)
            hcp_id, dept, emp = hcp_ids[mid], f"dept:{e.department}", f"emp:{e.employee_id}"
            batch.node(
                "Engagement",
                eng_id,
                crm_id=e.engagement_id,
                type=e.type,
                channel=e.channel,
                date=e.date,
                datetime=e.datetime,
                department=e.department,
                employee_id=e.employee_id,
                hcp_id=hcp_id,
                objective=e.objective,
                product=e.product,
                key_messages=e.key_messages or None,
                outcome=e.outcome,
                cost=e.cost,
                lat=e.lat,
                lon=e.lon,
                notes=e.notes,
                planned=e.planned,
                source_id=e.engagement_id,
            )
            batch.node("Department", dept, name=e.department, source_id=e.department)
            batch.node(
                "Employee",
                emp,
                name=e.employee_name,
                role=e.employee_role,
                department=e.department,
                territory=e.territory,
                source_id=e.employee_id,
            )
            batch.rel("Employee", emp, "MEMBER_OF", "Department", dept)
            batch.rel("Engagement", eng_id, "WITH_HCP", "HCP", hcp_id)
            batch.rel("Engagement", eng_id, "BY", "Employee", emp)
            batch.rel("Engagement", eng_id, "OWNED_BY", "Department", dept)
            batch.rel("Mention", mid, "APPEARS_IN", "Engagement", eng_id, position=1, role="hcp")
            if e.hcp_lat is not None:
                batch.node("HCP", hcp_id, lat=e.hcp_lat, lon=e.hcp_lon, location_source="crm")
            if e.product:
                product = f"product:{fields.slug(e.product)}"
                batch.node(
                    "Product", product, name=e.product, company_product=True, source_id=e.product
                )
                batch.rel("Engagement", eng_id, "ABOUT_PRODUCT", "Product", product)
        return batch
