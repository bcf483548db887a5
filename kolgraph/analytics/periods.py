"""Analysis windows: an end date and a number of days back, checked once."""

from __future__ import annotations

from datetime import date, timedelta

from kolgraph.errors import InvalidRequest

# A window and the one before it must both fit in the calendar: 2 x 3660 days after year 1.
_EARLIEST = date(1, 1, 1) + timedelta(days=2 * 3660 + 1)


def window(until: date | None, days: int, field: str = "days") -> tuple[date, date]:
    """``(since, until)`` covering ``days`` days that end on ``until`` (default: today).

    Raises
    ------
    InvalidRequest
        If ``days`` is not between 1 and 3660, or ``until`` is too early for a window and
        the one before it to fit in the calendar.

    Examples
    --------
    >>> window(date(2024, 3, 31), 31)
    (datetime.date(2024, 3, 1), datetime.date(2024, 3, 31))
    """
    if not 1 <= days <= 3660:
        raise InvalidRequest(f"{field} must be between 1 and 3660, got {days}", field)
    end = until or date.today()
    if end < _EARLIEST:
        raise InvalidRequest(f"until must be {_EARLIEST.isoformat()} or later, got {end}", "until")
    return end - timedelta(days=days - 1), end


def previous(since: date, until: date) -> tuple[date, date]:
    """The window of equal length just before ``since``..``until``.

    Examples
    --------
    >>> previous(date(2024, 3, 1), date(2024, 3, 31))
    (datetime.date(2024, 1, 30), datetime.date(2024, 2, 29))
    """
    length = (until - since).days + 1
    return since - timedelta(days=length), since - timedelta(days=1)
