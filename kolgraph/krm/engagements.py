"""Engagements from the CRM: validated, recorded idempotently, listed behind the firewall."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kolgraph.errors import AccessDenied, InvalidRequest
from kolgraph.krm import audit
from kolgraph.krm.access import DEPARTMENTS, Permission, Viewer, redact_engagement
from kolgraph.krm.cursors import decode_cursor, encode_cursor
from kolgraph.krm.dates import IsoDate, checked
from kolgraph.krm.profiles import hcp_node
from kolgraph.krm.results.engagements import Engagement, EngagementPage, RecordResult
from kolgraph.store import GraphStore
from kolgraph.vocabulary import Department, EngagementType

AUDITED_FIELDS = (
    "type",
    "date",
    "datetime",
    "department",
    "employee_id",
    "channel",
    "product",
    "cost",
    "amount",
    "nature_of_payment",
    "planned",
    "lat",
    "lon",
    "notes",
    "objective",
    "key_messages",
    "outcome",
)
"""Fields whose overwrite the audit event records (before and after; text only as changed)."""
MAX_BULK = 1000
MAX_PAGE = 200
_CRM_ID = r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$"


class EngagementIn(BaseModel):
    """One engagement as the CRM sends it; ``crm_id`` makes a retry harmless.

    Identify the HCP by exactly one of ``hcp_id`` (kolgraph id), ``npi`` or ``hcp_crm_id``.

    Examples
    --------
    >>> EngagementIn(crm_id="A-1", npi="1234567893", department="sales", type="visit",
    ...              date="2024-03-01").engagement_id
    'eng:crm:A-1'
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    crm_id: str = Field(pattern=_CRM_ID, description="The CRM's own engagement id.")
    hcp_id: str | None = Field(None, min_length=1, max_length=128)
    npi: str | None = Field(None, pattern=r"^\d{10}$")
    hcp_crm_id: str | None = Field(None, min_length=1, max_length=128)
    department: Department
    type: EngagementType
    date: IsoDate
    datetime: str | None = Field(None, max_length=40)
    channel: str | None = Field(None, max_length=40)
    employee_id: str | None = Field(None, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
    objective: str | None = Field(None, max_length=500)
    product: str | None = Field(None, max_length=200)
    key_messages: list[str] = Field(default_factory=list, max_length=20)
    outcome: str | None = Field(None, max_length=100)
    cost: float | None = Field(None, ge=0, le=10_000_000, strict=True)
    amount: float | None = Field(None, ge=0, le=10_000_000, strict=True)
    nature_of_payment: str | None = Field(None, max_length=200)
    lat: float | None = Field(None, ge=-90, le=90, strict=True)
    lon: float | None = Field(None, ge=-180, le=180, strict=True)
    notes: str | None = Field(None, max_length=4000)
    planned: bool = Field(False, strict=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return no_nul(value)

    @field_validator("datetime")
    @classmethod
    def _iso_datetime(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_datetime(value)
            except InvalidRequest as exc:
                raise ValueError(str(exc)) from None
        return value

    @model_validator(mode="after")
    def _one_hcp_identifier(self) -> EngagementIn:
        given = [n for n in ("hcp_id", "npi", "hcp_crm_id") if getattr(self, n)]
        if len(given) != 1:
            raise ValueError("give exactly one of hcp_id, npi or hcp_crm_id")
        if any(len(m) > 500 for m in self.key_messages):
            raise ValueError("key_messages: each message at most 500 characters")
        return self

    @property
    def engagement_id(self) -> str:
        """The node id: ``eng:crm:<crm_id>``."""
        return f"eng:crm:{self.crm_id}"


def no_nul(value: Any) -> Any:
    """Refuse text holding a NUL character or a lone UTF-16 surrogate (no field may).

    Examples
    --------
    >>> no_nul(["ok"])
    ['ok']
    >>> no_nul("\\ud800")
    Traceback (most recent call last):
    ...
    ValueError: lone UTF-16 surrogates are not allowed; send valid UTF-8 text
    """
    texts = value if isinstance(value, list) else [value]
    for text in texts:
        if isinstance(text, str):
            if "\x00" in text:
                raise ValueError("NUL characters are not allowed")
            if not text.isascii():
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    raise ValueError(
                        "lone UTF-16 surrogates are not allowed; send valid UTF-8 text"
                    ) from None
    return value


CLOCK_SKEW = timedelta(days=1)
"""How far in the future a (not planned) engagement's date may lie: clocks and time zones."""
PLANNED_AHEAD = timedelta(days=2 * 366)
"""How far ahead a planned engagement may be scheduled."""


def parse_datetime(value: str, field: str = "datetime") -> datetime:
    """An ISO 8601 date-time between 1900 and 2199, or :class:`InvalidRequest` naming the field.

    Examples
    --------
    >>> parse_datetime("2024-03-01T09:30:00Z").year
    2024
    """
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(
            f"{value[:40]!r} is not an ISO 8601 date-time, e.g. 2024-03-01T09:30:00Z", field
        ) from None
    checked(parsed.date(), field)
    return parsed


def check_not_future(
    item: EngagementIn, field_path: Callable[[str], str], today: date | None = None
) -> None:
    """Refuse an engagement dated after today (plus clock skew) unless it is planned.

    Examples
    --------
    >>> item = EngagementIn(crm_id="A", npi="1234567893", department="sales", type="visit",
    ...                     date="2030-01-02", planned=True)
    >>> check_not_future(item, str, today=date(2029, 6, 1)) is None
    True
    """
    today = today or datetime.now(UTC).date()
    latest = today + (PLANNED_AHEAD if item.planned else CLOCK_SKEW)
    when = [("date", item.date)]
    if item.datetime:
        when.append(("datetime", parse_datetime(item.datetime, field_path("datetime")).date()))
    for name, day in when:
        if day > latest:
            raise InvalidRequest(
                f"{name} {day} lies in the future; only planned engagements (planned: true) "
                f"may be dated after {latest}",
                field_path(name),
            )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _resolve_hcps(store: GraphStore, items: list[EngagementIn]) -> list[str | None]:
    """kolgraph HCP id per item (None when unknown), with one query per identifier kind."""
    wanted: dict[str, set[str]] = {"id": set(), "npi": set(), "crm_id": set()}
    for item in items:
        if item.hcp_id:
            wanted["id"].add(item.hcp_id)
        elif item.npi:
            wanted["npi"].add(item.npi)
        else:
            wanted["crm_id"].add(item.hcp_crm_id or "")
    known: dict[tuple[str, str], str] = {}
    for kind, values in wanted.items():
        if values:
            for row in store.run("hcps_by_identifier", {"prop": kind}, values=sorted(values)):
                known[(kind, str(row["value"]))] = row["hcp"]["id"]
    out: list[str | None] = []
    for item in items:
        if item.hcp_id:
            out.append(known.get(("id", item.hcp_id)))
        elif item.npi:
            out.append(known.get(("npi", item.npi)))
        else:
            out.append(known.get(("crm_id", item.hcp_crm_id or "")))
    return out


def _as_own_employee(
    viewer: Viewer, item: EngagementIn, where: Callable[[str], str]
) -> EngagementIn:
    """``item`` recorded as the field key's own employee (filled in when the body has none).

    Field keys act for one person: they may not record as anybody else. Other roles
    (integrations, department leads) record on behalf of the employees they name.
    """
    if viewer.role != "field" or item.employee_id == viewer.employee_id:
        return item
    if item.employee_id is None:
        return item.model_copy(update={"employee_id": viewer.employee_id})
    own = (
        f"its own employee id {viewer.employee_id!r}"
        if viewer.employee_id
        else "no employee id (the key has none)"
    )
    raise AccessDenied(
        f"a field key records only as its own employee; send {own} ({where('employee_id')})"
    )


def _own_record(viewer: Viewer, old: dict[str, Any]) -> bool:
    """True when ``viewer`` may overwrite the stored engagement ``old``.

    A field key changes only records of its own employee (or, without an employee id on
    either side, records it wrote itself); other roles with the write permission change
    any record of the departments they may write for.
    """
    if viewer.role != "field":
        return True
    if old.get("employee_id") is not None:
        return bool(viewer.employee_id) and old["employee_id"] == viewer.employee_id
    return old.get("recorded_by") == viewer.key_id


def _field_of(item: EngagementIn) -> str:
    return "hcp_id" if item.hcp_id else "npi" if item.npi else "hcp_crm_id"


def record_engagements(
    store: GraphStore, viewer: Viewer, items: list[EngagementIn], *, prefix: str = ""
) -> list[RecordResult]:
    """Record engagements (all or none); return each one's crm_id, id, hcp_id and status.

    A ``crm_id`` seen before updates that engagement instead of adding one, so a retried
    call never doubles a record.

    Parameters
    ----------
    prefix : str
        Field-path prefix for error messages (e.g. ``"engagements"`` for bulk bodies).

    Raises
    ------
    AccessDenied
        If the role may not write engagements or not for that department.
    InvalidRequest
        If an HCP is unknown, more than 1,000 items come at once, a crm_id repeats within
        the call or an engagement already belongs to another HCP or department
        (the message names the field, e.g. ``engagements.3.npi``).
    """
    viewer.require(Permission.WRITE_ENGAGEMENTS)
    if len(items) > MAX_BULK:
        raise InvalidRequest(
            f"at most {MAX_BULK} engagements per call, got {len(items)}", prefix or "body"
        )

    def where(i: int, field: str) -> str:
        return ".".join(p for p in (prefix, str(i) if prefix else "", field) if p)

    seen: dict[str, int] = {}
    items = [_as_own_employee(viewer, item, partial(where, i)) for i, item in enumerate(items)]
    for i, item in enumerate(items):
        if not viewer.may_write_for(item.department):
            raise AccessDenied(
                f"a {viewer.role} key of department {viewer.department!r} may not record "
                f"engagements for {item.department!r} ({where(i, 'department')})"
            )
        check_not_future(item, partial(where, i))
        if item.crm_id in seen:
            raise InvalidRequest(
                f"crm_id {item.crm_id!r} appears twice in one call (items {seen[item.crm_id]} "
                f"and {i})",
                where(i, "crm_id"),
            )
        seen[item.crm_id] = i
    hcp_ids = _resolve_hcps(store, items)
    for i, (item, hcp_id) in enumerate(zip(items, hcp_ids, strict=True)):
        if hcp_id is None:
            field = _field_of(item)
            raise InvalidRequest(
                f"no HCP with {field} {getattr(item, field)!r}; look it up with GET /hcps/lookup",
                where(i, field),
            )
    existing = {
        r["id"]: r
        for r in store.run("engagement_ids_existing", ids=[item.engagement_id for item in items])
    }
    for i, (item, hcp_id) in enumerate(zip(items, hcp_ids, strict=True)):
        old = existing.get(item.engagement_id)
        if old and old.get("hcp_id") not in (None, hcp_id):
            raise InvalidRequest(
                f"engagement {item.crm_id!r} is already recorded for another HCP; "
                "send a new crm_id",
                where(i, _field_of(item)),
            )
        if old and old.get("department") not in (None, item.department):
            shown = (
                f"department {old['department']!r}"
                if viewer.sees_content_of(old["department"])
                else "another department"
            )
            raise InvalidRequest(
                f"engagement {item.crm_id!r} already belongs to {shown}; send a new crm_id",
                where(i, "department"),
            )
        if old and not _own_record(viewer, old):
            raise AccessDenied(
                f"engagement {item.crm_id!r} was recorded by another employee; "
                f"a field key changes only its own records ({where(i, 'crm_id')})"
            )
    now = _now()
    rows: list[dict[str, Any]] = []
    for item, hcp_id in zip(items, hcp_ids, strict=True):
        props = item.model_dump(exclude={"hcp_id", "npi", "hcp_crm_id"}, mode="json")
        props.update(
            hcp_id=hcp_id,
            source="crm",
            source_id=item.crm_id,
            loaded_at=now,
            recorded_by=viewer.key_id,
        )
        props = {k: v for k, v in props.items() if v is not None}
        rows.append(
            {
                "id": item.engagement_id,
                "hcp_id": hcp_id,
                "props": props,
                "department": item.department,
                "department_id": f"dept:{item.department}",
                "employee_node_id": f"emp:{item.employee_id}" if item.employee_id else None,
            }
        )
    written = {r["id"] for r in store.run("record_engagements", rows=rows)}
    kept = [r for r in rows if r["id"] in written]
    with_employee = [r for r in kept if r["employee_node_id"]]
    if with_employee:
        store.write("link_engagement_employees", with_employee)
    results: list[dict[str, str]] = [
        {
            "crm_id": item.crm_id,
            "id": row["id"],
            "hcp_id": row["hcp_id"],
            "status": "updated" if row["id"] in existing else "created",
        }
        for item, row in zip(items, rows, strict=True)
    ]
    audit.append_events(
        store,
        [
            audit.audit_event(
                viewer,
                "engagement.record",
                r["id"],
                {
                    "hcp_id": r["hcp_id"],
                    "status": r["status"],
                    **(
                        {
                            "changes": audit.changes(
                                existing[r["id"]].get("props") or {}, row["props"], AUDITED_FIELDS
                            )
                        }
                        if r["id"] in existing
                        else {}
                    ),
                },
            )
            for r, row in zip(results, rows, strict=True)
            if r["id"] in written
        ],
    )
    for i, (item, row) in enumerate(zip(items, rows, strict=True)):
        if row["id"] not in written:  # lost a race with a writer for another HCP/department
            raise InvalidRequest(
                f"engagement {item.crm_id!r} was recorded meanwhile for another HCP or "
                "department; send a new crm_id",
                where(i, _field_of(item)),
            )
    return [RecordResult.model_validate(r) for r in results]


def engagement_history(
    store: GraphStore,
    viewer: Viewer,
    hcp_id: str,
    *,
    department: str | None = None,
    type: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    employee_id: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> EngagementPage:
    """Every department's engagements with an HCP, newest first, behind the firewall.

    Another department's notes, objectives, key messages and outcome are blanked
    (``redacted`` is true) unless the role may see them; spend needs its own permission.

    Raises
    ------
    UnknownHcp
        If no HCP has id ``hcp_id``.
    """
    viewer.require(Permission.READ_ENGAGEMENTS)
    if department is not None and department not in DEPARTMENTS:
        raise InvalidRequest(f"unknown department {department!r}", "department")
    checked(date_from, "date_from")
    checked(date_to, "date_to")
    hcp_node(store, hcp_id)
    after_date, after_id = (
        decode_cursor(cursor, "cursor", ("text", "text")) if cursor else (None, None)
    )
    limit = max(1, min(limit, MAX_PAGE))
    rows = store.run(
        "engagements_of_hcp",
        id=hcp_id,
        department=department,
        type=type,
        date_from=date_from.isoformat() if date_from else None,
        date_to=date_to.isoformat() if date_to else None,
        employee_id=employee_id,
        after_date=after_date,
        after_id=after_id,
        limit=limit,
    )
    items = [Engagement.model_validate(redact_engagement(r["engagement"], viewer)) for r in rows]
    last = rows[-1]["engagement"] if rows else None
    next_cursor = (
        encode_cursor([last.get("date") or "", last["id"]])
        if last is not None and len(rows) == limit
        else None
    )
    return EngagementPage(items=items, next_cursor=next_cursor)
