"""HCP quiz and survey results by knowledge dimension (format: docs/formats/quiz.md).

One CSV row is one HCP's result on one dimension on one date::

    npi,date,dimension,score,survey,product
    1234567893,2024-03-01,diagnosis,0.8,q1-2024,
    1234567893,2024-03-01,brand_choice,,q1-2024,Eliquis   <- with correct,total instead

The HCP is named by exactly one of ``npi``, ``crm_id`` or ``hcp_id``; the result by
``score`` (0-1) or ``correct`` and ``total``. An NPI nobody knows yet gets an
``npi:<NPI>`` HCP (like the referral loader); a result whose ``crm_id`` or ``hcp_id``
matches no HCP is stored unlinked (``hcp_ref`` keeps the reference) and noted in the
reject file; loading the file again once the HCP exists links it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from kolgraph.errors import IngestError
from kolgraph.ingest.batch import GraphBatch
from kolgraph.ingest.rejects import RejectLog
from kolgraph.ingest.runner import Loader, Record
from kolgraph.ingest.textfiles import open_text
from kolgraph.store import GraphStore

DIMENSIONS = ("diagnosis", "treatment", "drug_class_choice", "brand_choice", "product_use")
Dimension = Literal["diagnosis", "treatment", "drug_class_choice", "brand_choice", "product_use"]
HCP_COLUMNS = ("npi", "crm_id", "hcp_id")
REQUIRED = ("date", "dimension")
_SLUG = re.compile(r"[^A-Za-z0-9._-]+")


class QuizRow(BaseModel):
    """One result row, validated."""

    npi: str | None = Field(None, pattern=r"^\d{10}$")
    crm_id: str | None = Field(None, max_length=128)
    hcp_id: str | None = Field(None, max_length=128)
    date: date
    dimension: Dimension
    score: float | None = Field(None, ge=0, le=1)
    correct: int | None = Field(None, ge=0)
    total: int | None = Field(None, gt=0)
    survey: str | None = Field(None, max_length=128)
    product: str | None = Field(None, max_length=200)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    @field_validator("dimension", mode="before")
    @classmethod
    def _dimension(cls, value: Any) -> Any:
        return value.lower().replace(" ", "_") if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_ref_and_one_result(self) -> QuizRow:
        refs = [c for c in HCP_COLUMNS if getattr(self, c)]
        if len(refs) != 1:
            raise ValueError(f"give exactly one of {', '.join(HCP_COLUMNS)}")
        if self.score is None:
            if self.correct is None or self.total is None:
                raise ValueError("give score (0-1) or both correct and total")
            if self.correct > self.total:
                raise ValueError(f"correct ({self.correct}) exceeds total ({self.total})")
            self.score = round(self.correct / self.total, 6)
        return self

    @property
    def ref(self) -> tuple[str, str]:
        """(column, value) naming the HCP."""
        column = next(c for c in HCP_COLUMNS if getattr(self, c))
        return column, str(getattr(self, column))

    @property
    def result_id(self) -> str:
        """``quiz:<survey>:<hcp ref>:<date>:<dimension>``."""
        survey = _SLUG.sub("-", self.survey or "quiz")
        column, value = self.ref
        return f"quiz:{survey}:{column}={value}:{self.date.isoformat()}:{self.dimension}"


def _first_error(exc: ValidationError) -> tuple[str | None, str]:
    error = exc.errors()[0]
    field = str(error["loc"][0]) if error["loc"] else None
    message = str(error["msg"]).removeprefix("Value error, ")
    if field is None and "exactly one of" in message:
        field = "npi"
    elif field is None:
        field = "score"
    return field, message


class QuizLoader(Loader):
    """Loads quiz and survey results as ``(:HCP)-[:ANSWERED]->(:QuizResult)``."""

    source = "quiz"

    def check(self, path: Path) -> None:
        with open_text(path) as handle:
            header = [h.strip().lstrip("\ufeff").lower() for h in next(csv.reader(handle), [])]
        if not header:
            raise IngestError(f"{path}: empty file; see docs/formats/quiz.md for the columns")
        missing = [c for c in REQUIRED if c not in header]
        if not any(c in header for c in HCP_COLUMNS):
            missing.append("npi|crm_id|hcp_id")
        if "score" not in header and not {"correct", "total"} <= set(header):
            missing.append("score|correct+total")
        if missing:
            raise IngestError(
                f"{path}: missing columns {', '.join(missing)}; see docs/formats/quiz.md"
            )

    def records(self, path: Path, rejects: RejectLog) -> Iterator[Record]:
        self._rejects = rejects
        with open_text(path) as handle:
            reader = csv.DictReader(handle)
            reader.fieldnames = [
                h.strip().lstrip("\ufeff").lower() for h in reader.fieldnames or []
            ]
            for line, raw in enumerate(reader, start=2):
                try:
                    row = QuizRow(**{k: v for k, v in raw.items() if k in QuizRow.model_fields})
                except ValidationError as exc:
                    field, message = _first_error(exc)
                    rejects.add(f"line {line}", field, message)
                    continue
                yield Record(row.result_id, row)

    def build(self, records: list[Record], store: GraphStore) -> GraphBatch:
        wanted: dict[str, set[str]] = {c: set() for c in HCP_COLUMNS}
        for record in records:
            column, value = record.value.ref
            wanted[column].add(value)
        known: dict[tuple[str, str], str] = {}
        for column, values in wanted.items():
            if values:
                prop = "id" if column == "hcp_id" else column
                for hit in store.run("quiz_hcps_by", {"prop": prop}, values=sorted(values)):
                    known.setdefault((column, str(hit["value"])), hit["id"])
        batch = GraphBatch()
        for record in records:
            row: QuizRow = record.value
            column, value = row.ref
            hcp_id = known.get((column, value))
            if hcp_id is None and column == "npi":
                hcp_id = f"npi:{value}"
                batch.node("HCP", hcp_id, npi=value, source_id=value)
            batch.node(
                "QuizResult",
                record.id,
                hcp_id=hcp_id,
                hcp_ref=f"{column}={value}",
                date=row.date.isoformat(),
                dimension=row.dimension,
                score=row.score,
                correct=row.correct,
                total=row.total,
                survey=row.survey,
                product=row.product,
                source_id=record.id.removeprefix("quiz:"),
            )
            if hcp_id is None:
                rejects: RejectLog | None = getattr(self, "_rejects", None)
                if rejects is not None:
                    rejects.note(
                        record.id,
                        column,
                        f"no HCP with {column} {value!r} yet; the "
                        "result is stored unlinked, load the file again once the "
                        "HCP exists",
                    )
                continue
            batch.rel("HCP", hcp_id, "ANSWERED", "QuizResult", record.id)
        return batch
