"""Nature of payment -> owning department: a documented default table, overridable.

The default is ``data/payment_departments.toml`` (shipped with the package); set
``KOLGRAPH_PAYMENT_DEPARTMENTS`` to a TOML or JSON file of the same shape to replace it.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from kolgraph.errors import IngestError
from kolgraph.vocabulary import DEPARTMENTS

ENV = "KOLGRAPH_PAYMENT_DEPARTMENTS"


@dataclass(frozen=True)
class DepartmentMap:
    """Ordered ``(text, department)`` rules plus the research and fallback departments.

    Examples
    --------
    >>> m = DepartmentMap.default()
    >>> m.department_for("Food and Beverage"), m.department_for("Consulting Fee")
    ('sales', 'medical_affairs')
    >>> m.department_for(None, research=True)
    'clinical_research'
    """

    rules: tuple[tuple[str, str], ...]
    research: str
    fallback: str

    @classmethod
    def from_mapping(cls, data: dict[str, Any], origin: str) -> DepartmentMap:
        """Build from the parsed file; raise IngestError naming ``origin`` if malformed."""
        nature = data.get("nature")
        if not isinstance(nature, dict):
            raise IngestError(f"{origin}: expected a [nature] table of 'text' = 'department'")
        rules = tuple((str(k).lower(), str(v)) for k, v in nature.items())
        research = str(data.get("research", "clinical_research"))
        fallback = str(data.get("default", "medical_affairs"))
        unknown = sorted(({d for _, d in rules} | {research, fallback}) - set(DEPARTMENTS))
        if unknown:
            raise IngestError(
                f"{origin}: unknown department(s) {', '.join(unknown)}; use "
                f"{', '.join(DEPARTMENTS)}"
            )
        return cls(rules, research, fallback)

    @classmethod
    def default(cls) -> DepartmentMap:
        """The shipped table."""
        text = (
            resources.files("kolgraph.ingest")
            .joinpath("data", "payment_departments.toml")
            .read_text(encoding="utf-8")
        )
        return cls.from_mapping(tomllib.loads(text), "payment_departments.toml")

    @classmethod
    def from_file(cls, path: Path) -> DepartmentMap:
        """Read a TOML (``.toml``) or JSON file."""
        try:
            raw = path.read_text(encoding="utf-8")
            data = json.loads(raw) if path.suffix == ".json" else tomllib.loads(raw)
        except (OSError, ValueError) as exc:
            raise IngestError(f"{path}: cannot read the department mapping ({exc})") from exc
        return cls.from_mapping(data, str(path))

    @classmethod
    def configured(cls) -> DepartmentMap:
        """The file named by ``KOLGRAPH_PAYMENT_DEPARTMENTS``, else the default."""
        override = os.environ.get(ENV)
        return cls.from_file(Path(override)) if override else cls.default()

    def department_for(self, nature: str | None, *, research: bool = False) -> str:
        """The department owning a payment of this nature."""
        if research:
            return self.research
        lowered = (nature or "").lower()
        for text, department in self.rules:
            if text in lowered:
                return department
        return self.fallback
