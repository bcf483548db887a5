"""Building blocks shared by the KRM results: an open record and a scalar property value.

>>> Open.model_validate({"id": "npi:1", "anything": 2}).model_dump()
{'id': 'npi:1', 'anything': 2}
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

Scalar = str | int | float | bool | None


class Open(BaseModel):
    """A record that may carry more properties than the ones listed."""

    model_config = ConfigDict(extra="allow")
