"""Field values as registries, payment files and CRM exports really write them.

Each parser takes the raw string and returns a clean value or ``None`` for "not given";
a value that is present but wrong raises ``ValueError`` with a reason fit for the reject
file. Identifiers (NPI, ZIP, NDC, profile ids) stay strings; the floats that spreadsheet
tools make of them (``'1679576722.0'``) are undone.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

PLACEHOLDERS = frozenset({"", "<unavail>", "n/a", "na", "null", "none", "nan", "-"})
EARLIEST = date(1900, 1, 1)
_NPI = re.compile(r"^\d{10}$")
_FLOAT_ID = re.compile(r"^(\d+)\.0+$")
_DATE_FORMATS = (
    "%m/%d/%Y",
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%m/%d/%Y %H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m",
    "%B %d, %Y",
    "%B %Y",
    "%Y",
)


def text(value: object) -> str | None:
    """Stripped text, or None for blanks and placeholders such as ``<UNAVAIL>``.

    Examples
    --------
    >>> text("  WIEBE "), text("<UNAVAIL>"), text(None)
    ('WIEBE', None, None)
    """
    if value is None:
        return None
    cleaned = " ".join(str(value).split())
    return None if cleaned.lower() in PLACEHOLDERS else cleaned


def identifier(value: object) -> str | None:
    """A numeric-looking identifier as a string, with a tool's ``.0`` removed.

    Examples
    --------
    >>> identifier("688482168.0"), identifier(" 00123 "), identifier("")
    ('688482168', '00123', None)
    """
    cleaned = text(value)
    if cleaned is None:
        return None
    match = _FLOAT_ID.match(cleaned)
    return match.group(1) if match else cleaned


def npi(value: object) -> str | None:
    """A 10-digit NPI, or None when blank.

    Raises
    ------
    ValueError
        If a value is present but is not 10 digits.

    Examples
    --------
    >>> npi("1679576722.0"), npi(1215930367), npi("")
    ('1679576722', '1215930367', None)
    """
    cleaned = identifier(value)
    if cleaned is None:
        return None
    if not _NPI.match(cleaned):
        raise ValueError(f"not a 10-digit NPI: {cleaned!r}")
    return cleaned


def postal_code(value: object, country: str | None = "US") -> str | None:
    """A postal code as a string; US ZIPs that lost leading zeros to a float are padded
    and ZIP+4 is cut to the five-digit ZIP.

    Examples
    --------
    >>> postal_code("688472944.0"), postal_code("2134.0"), postal_code("H3A 0G4", "CA")
    ('68847', '02134', 'H3A 0G4')
    """
    cleaned = identifier(value)
    if cleaned is None:
        return None
    if country in (None, "US", "United States") and cleaned.replace("-", "").isdigit():
        digits = cleaned.replace("-", "")
        if len(digits) in (4, 8):
            digits = "0" + digits
        return digits[:5]
    return cleaned


def amount(value: object) -> float | None:
    """A non-negative money amount in USD.

    Raises
    ------
    ValueError
        If the amount is not a number or is negative.

    Examples
    --------
    >>> amount("$1,234.50"), amount("658.84"), amount("")
    (1234.5, 658.84, None)
    """
    cleaned = text(value)
    if cleaned is None:
        return None
    try:
        number = float(cleaned.replace("$", "").replace(",", ""))
    except ValueError:
        raise ValueError(f"not an amount: {cleaned!r}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"not an amount: {cleaned!r}")
    if number < 0:
        raise ValueError(f"negative amount: {cleaned!r}")
    return round(number, 2)


def _parse_date(cleaned: str) -> datetime:
    iso = cleaned.replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
    raise ValueError(f"not a date (expected MM/DD/YYYY or YYYY-MM-DD): {cleaned!r}")


def timestamp(
    value: object, *, today: date | None = None, allow_future: bool = False
) -> datetime | None:
    """A date or date-time from 1900-01-01 on and, unless ``allow_future`` (planned dates
    such as a trial's anticipated start), no later than tomorrow.

    Raises
    ------
    ValueError
        If the value is not a date, or lies before 1900 or in the future.

    Examples
    --------
    >>> timestamp("12/31/2015").isoformat(), timestamp("2013-09-21 00:00:00").date().isoformat()
    ('2015-12-31T00:00:00', '2013-09-21')
    >>> timestamp("1850-01-01")
    Traceback (most recent call last):
    ...
    ValueError: date before 1900: '1850-01-01'
    """
    cleaned = text(value)
    if cleaned is None:
        return None
    parsed = _parse_date(cleaned)
    limit = (today or datetime.now(UTC).date()) + timedelta(days=1)
    if parsed.date() < EARLIEST:
        raise ValueError(f"date before 1900: {cleaned!r}")
    if parsed.date() > limit and not allow_future:
        raise ValueError(f"date in the future: {cleaned!r}")
    return parsed


def iso_date(value: object, *, today: date | None = None, allow_future: bool = False) -> str | None:
    """An ISO date string (``YYYY-MM-DD``) from any accepted date shape.

    Examples
    --------
    >>> iso_date("02/12/2016"), iso_date("2016-02-12T09:30:00")
    ('2016-02-12', '2016-02-12')
    """
    parsed = timestamp(value, today=today, allow_future=allow_future)
    return parsed.date().isoformat() if parsed else None


def flag(value: object) -> bool | None:
    """Yes/No, True/False, Y/N, 1/0 as a bool.

    Examples
    --------
    >>> flag("Yes"), flag("False"), flag("")
    (True, False, None)
    """
    cleaned = text(value)
    if cleaned is None:
        return None
    lowered = cleaned.lower()
    if lowered in ("y", "yes", "true", "1", "t"):
        return True
    if lowered in ("n", "no", "false", "0", "f"):
        return False
    raise ValueError(f"not yes/no: {cleaned!r}")


def slug(value: str) -> str:
    """A lower-case id fragment.

    Examples
    --------
    >>> slug("AstraZeneca Pharmaceuticals LP")
    'astrazeneca-pharmaceuticals-lp'
    """
    return re.sub(r"[^a-z0-9]+", "-", value.strip().lower()).strip("-")


def title_case(value: str | None) -> str | None:
    """Registry upper case to display case, leaving mixed case alone.

    Examples
    --------
    >>> title_case("MCDONALD-O'NEIL"), title_case("van der Berg")
    ("Mcdonald-O'Neil", 'van der Berg')
    """
    if value is None or not value.isupper():
        return value
    return value.title()
