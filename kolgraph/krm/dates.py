"""Date arguments of KRM queries: checked to lie in a plausible range."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

from kolgraph.errors import InvalidRequest

EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)


def checked(value: date | None, field: str) -> date | None:
    """``value`` if it lies between 1900 and 2199 (None passes).

    Examples
    --------
    >>> checked(date(2024, 1, 1), "as_of")
    datetime.date(2024, 1, 1)
    """
    if value is not None and not EARLIEST <= value <= LATEST:
        raise InvalidRequest(f"{field} must lie between {EARLIEST} and {LATEST}", field)
    return value


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def iso_date_only(value: Any) -> Any:
    """Accept dates only as ``YYYY-MM-DD`` text (or date objects), never as numbers.

    Examples
    --------
    >>> iso_date_only("2024-02-29")
    '2024-02-29'
    """
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("use an ISO date, YYYY-MM-DD")
    return value


def in_range(value: date) -> date:
    """``value`` if it lies between 1900 and 2199, else a ValueError (for pydantic).

    Examples
    --------
    >>> in_range(date(2024, 2, 29))
    datetime.date(2024, 2, 29)
    """
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"must lie between {EARLIEST} and {LATEST}")
    return value


DATE_PATTERN = r"^(19|2[01])[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
"""The accepted dates as a JSON-schema pattern: YYYY-MM-DD from 1900 to 2199."""

IsoDate = Annotated[
    date,
    BeforeValidator(iso_date_only),
    AfterValidator(in_range),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "pattern": DATE_PATTERN,
            "description": "YYYY-MM-DD, between 1900-01-01 and 2199-12-31",
        }
    ),
]
