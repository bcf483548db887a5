"""What :func:`kolgraph.krm.payments.industry_payments` returns: the Open Payments panel.

>>> PaymentGroup.model_validate({"name": "A", "payments": 2, "amount": 15.5}).model_dump()
{'payments': 2, 'amount': 15.5, 'name': 'A'}
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class PaymentGroup(BaseModel):
    """Payments of one manufacturer, nature, product or year: count and amount (USD)."""

    model_config = ConfigDict(extra="allow")
    payments: int
    amount: float


class IndustryPayment(BaseModel):
    """One disclosed payment; ``ours`` when the manufacturer is configured as our company."""

    id: str
    date: str | None = None
    amount: float | None = None
    manufacturer: str | None = None
    nature: str | None = None
    form: str | None = None
    research: bool | None = None
    study: str | None = None
    nct_id: str | None = None
    ours: bool = False
    products: list[str] = []


class IndustryPayments(BaseModel):
    """What every manufacturer disclosed paying the HCP (CMS Open Payments): not our spend."""

    hcp_id: str
    source: str
    payments: int
    total: float
    ours_total: float
    by_manufacturer: list[PaymentGroup]
    by_nature: list[PaymentGroup]
    by_product: list[PaymentGroup]
    by_year: list[PaymentGroup]
    recent: list[IndustryPayment]
