"""Days offices are closed: US federal holidays (the date itself, no observed shift)."""

from __future__ import annotations

from datetime import date, timedelta


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    last = (date(year, month, 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def us_federal_holidays(year: int) -> set[date]:
    """The eleven US federal holidays of ``year``.

    Examples
    --------
    >>> sorted(d.isoformat() for d in us_federal_holidays(2024))[:3]
    ['2024-01-01', '2024-01-15', '2024-02-19']
    >>> date(2024, 11, 28) in us_federal_holidays(2024)
    True
    """
    return {
        date(year, 1, 1),
        _nth_weekday(year, 1, 0, 3),
        _nth_weekday(year, 2, 0, 3),
        _last_weekday(year, 5, 0),
        date(year, 6, 19),
        date(year, 7, 4),
        _nth_weekday(year, 9, 0, 1),
        _nth_weekday(year, 10, 0, 2),
        date(year, 11, 11),
        _nth_weekday(year, 11, 3, 4),
        date(year, 12, 25),
    }
