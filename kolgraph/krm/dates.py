"""Date arguments of KRM queries: checked to lie in a plausible range."""

from __future__ import annotations

from datetime import date

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
