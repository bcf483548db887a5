"""Formula-safe CSV cells: text a spreadsheet would run as a formula gets a leading ``'``.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
read as a formula by Excel, LibreOffice and Google Sheets (``=HYPERLINK(...)``,
``+1+cmd|'/C calc'!A0``). Every CSV kolgraph writes for people passes its cells through
:func:`safe_cell` (OWASP, "CSV Injection"): such text is prefixed with a single quote,
which spreadsheets show as text and do not evaluate. Numbers stay numbers (``-3.5`` as a
float is not touched); only text is changed. The Neo4j bulk-import files are not for
spreadsheets and keep values verbatim.

Examples
--------
>>> safe_cell('=HYPERLINK("http://evil.example","x")')
'\\'=HYPERLINK("http://evil.example","x")'
>>> safe_cell(-3.5), safe_cell("-3.5 mg"), safe_cell("plain")
(-3.5, "'-3.5 mg", 'plain')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas loads only for frames: commands writing rows start without it
    import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``row`` with every text cell made safe.

    Examples
    --------
    >>> safe_row({"notes": "@SUM(A1)", "cost": -1.0})
    {'notes': "'@SUM(A1)", 'cost': -1.0}
    """
    return {k: safe_cell(v) for k, v in row.items()}


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (in object or string columns) are made safe.

    Examples
    --------
    >>> import pandas as pd
    >>> safe_frame(pd.DataFrame({"a": ["=1+1", "x"], "b": [-2.0, 3.0]})).to_dict("list")
    {'a': ["'=1+1", 'x'], 'b': [-2.0, 3.0]}
    """
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column].dtype):
            out[column] = out[column].map(safe_cell, na_action="ignore")
    return out
