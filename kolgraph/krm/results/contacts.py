"""What :mod:`kolgraph.krm.contacts` returns: contact tracking for one KOL, and the portfolio.

>>> YearSpend(year=2024, spend=1620.0, cap=5000.0, over_cap=False).over_cap
False
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from kolgraph.krm.results.base import Open, Scalar


class LastContact(BaseModel):
    date: str | None
    type: str | None
    employee_id: str | None
    employee_name: str | None


class DepartmentContacts(BaseModel):
    department: str
    contacts: int
    last_contact: LastContact | None
    types: dict[str, int]
    open_objectives: list[str] | None
    spend: float | None
    redacted: bool


class YearSpend(BaseModel):
    year: int
    spend: float | None
    cap: float | None
    over_cap: bool


class Conflict(BaseModel):
    kind: Literal["window", "objective_overlap"]
    departments: list[str]
    occurrences: int | None = None
    min_days_apart: int | None = None
    first_date: str | None = None
    last_date: str | None = None
    engagement_ids: list[str] | None = None
    overlap: float | None = None
    shared_terms: list[str] | None = None
    shared_products: list[str] | None = None
    redacted: bool = False


class Contacts(BaseModel):
    """Who contacted this KOL, per department, with conflicts and spend-cap flags."""

    hcp_id: str
    name: Scalar = None
    as_of: str
    window_start: str
    conflict_window_days: int
    total_contacts: int
    total_spend: float | None
    departments: list[DepartmentContacts]
    spend_by_year: list[YearSpend]
    over_cap: bool
    conflicts: list[Conflict]


class PortfolioKol(Open):
    id: str
    name: Scalar = None
    tier: Scalar = None
    influence: float | None = None
    last_date: str | None = None


class Portfolio(BaseModel):
    as_of: str
    since: str
    stale_since: str
    multi_department: list[PortfolioKol]
    uncontacted: list[PortfolioKol]
