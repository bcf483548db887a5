"""Numbers as explanations show them: Python floats rounded to a few decimals, NaN as None.

:func:`rounded_list` gives what ``[None if v != v else round(v, digits) for v in values]``
gives, bit for bit, for a whole column at once: explanations round some sixty numbers per
HCP, and Python's ``round(x, 6)`` (correctly rounded through decimal digits) costs more than
the rest of an explanation.

>>> rounded_list([0.1234567, 2.0, float("nan"), -1e-9, 0.0078125])
[0.123457, 2.0, None, -0.0, 0.007812]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["rounded_list"]

_EXACT = 1e9  # beyond this magnitude the scaled values lose the digits rint needs


def rounded_list(values: Sequence[float] | np.ndarray, digits: int = 6) -> list[Any]:
    """``round(v, digits)`` of every value as a list (None for NaN), computed by NumPy.

    NumPy rounds the scaled product ``v * 10**digits`` to an integer ``k`` and divides
    back; the quotient is the double nearest ``k / 10**digits``, as Python's ``round``
    gives, whenever ``k`` is the exact value's rounding. It may not be only when the
    product falls within two units in its last place of a half-way point (the product is
    itself rounded) or when ``v`` is huge, infinite or NaN; those few values go through
    Python's ``round``.
    """
    x = np.asarray(values, dtype=np.float64)
    scale = 10.0**digits
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = x * scale
        out: list[Any] = (np.rint(scaled) / scale).tolist()
        near_half = np.abs(scaled - np.floor(scaled) - 0.5) <= 2 * np.spacing(np.abs(scaled))
        unsure = near_half | ~(np.abs(x) < _EXACT)
    for i in np.flatnonzero(unsure).tolist():
        value = float(x[i])
        out[i] = None if value != value else round(value, digits)
    return out
