"""Person and work identifiers: ORCID and DOI in every spelling sources use.

Examples
--------
>>> orcid("https://orcid.org/0000-0002-1825-0097"), orcid("000000021825009x")
('0000-0002-1825-0097', None)
>>> doi("https://doi.org/10.1000/XYZ.1 ")
'10.1000/xyz.1'
"""

from __future__ import annotations

import re

_ORCID = re.compile(
    r"^(?:(?:https?://)?(?:www\.)?orcid\.org/)?(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$", re.I
)
_DOI = re.compile(r"^(?:(?:https?://)?(?:dx\.)?doi\.org/|doi:\s*)?(10\.\d{4,9}/\S+)$", re.I)


def orcid_checksum_ok(digits: str) -> bool:
    """ISO 7064 11,2 check of a 16-character ORCID without hyphens.

    Examples
    --------
    >>> orcid_checksum_ok("000000021825009X"), orcid_checksum_ok("0000000218250097")
    (False, True)
    """
    total = 0
    for char in digits[:-1]:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    return digits[-1].upper() == ("X" if check == 10 else str(check))


def orcid(value: str | None) -> str | None:
    """The ORCID as ``0000-0000-0000-000X``, or None when ``value`` is not a valid ORCID.

    Accepts the bare form with or without hyphens and the ``http://orcid.org/``,
    ``https://orcid.org/`` and ``orcid.org/`` URL forms.

    Examples
    --------
    >>> orcid("0000000218250097"), orcid("http://orcid.org/0000-0002-1825-0097")
    ('0000-0002-1825-0097', '0000-0002-1825-0097')
    >>> orcid("0000-0002-1825-009"), orcid("")
    (None, None)
    """
    if not value:
        return None
    match = _ORCID.match(value.strip().replace(" ", ""))
    if not match:
        return None
    digits = "".join(match.groups()).upper()
    if not orcid_checksum_ok(digits):
        return None
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


def doi(value: str | None) -> str | None:
    """The DOI lower-cased without resolver prefix, or None when it is not a DOI.

    Examples
    --------
    >>> doi("doi:10.1056/NEJMoa2034577"), doi("not a doi")
    ('10.1056/nejmoa2034577', None)
    """
    if not value:
        return None
    match = _DOI.match(value.strip())
    return match.group(1).lower().rstrip(".") if match else None
