"""CMS Physician Shared Patient Patterns (DocGraph): directed referral ties between NPIs.

Layout: ``npi_1, npi_2, pair_count, bene_count, same_day_count``, comma separated, with or
without a header row; counts may be space-padded or written as floats (``97.0``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError, field_validator

from kolgraph.errors import IngestError
from kolgraph.ingest.batch import GraphBatch
from kolgraph.ingest.rejects import RejectLog
from kolgraph.ingest.runner import Loader, Record
from kolgraph.ingest.textfiles import open_text

COLUMNS = ("npi_1", "npi_2", "pair_count", "bene_count", "same_day_count")
_NPI = re.compile(r"^\d{10}$")


def _count(value: str) -> int:
    number = float(value.strip())
    if number < 0 or number != int(number):
        raise ValueError(f"not a non-negative whole number: {value.strip()!r}")
    return int(number)


class Referral(BaseModel):
    """One directed shared-patient tie."""

    npi_1: str
    npi_2: str
    pair_count: int = Field(ge=0)
    bene_count: int = Field(ge=0)
    same_day_count: int = Field(ge=0)

    @field_validator("npi_1", "npi_2", mode="before")
    @classmethod
    def _npi(cls, value: str) -> str:
        text = str(value).strip()
        if text.endswith(".0"):
            text = text[:-2]
        if not _NPI.match(text):
            raise ValueError(f"not a 10-digit NPI: {value!r}")
        return text

    @field_validator("pair_count", "bene_count", "same_day_count", mode="before")
    @classmethod
    def _counts(cls, value: str | int) -> int:
        return value if isinstance(value, int) else _count(str(value))


class ReferralLoader(Loader):
    """Loads shared-patient edges as ``(:HCP)-[:REFERS_TO]->(:HCP)``.

    HCPs are keyed ``npi:<NPI>``; an NPI first seen here gets a bare HCP node that the
    NPPES loader later fills in.
    """

    source = "referrals"

    def check(self, path: Path) -> None:
        with open_text(path) as handle:
            first = next(csv.reader(handle), None)
        if first is None:
            raise IngestError(f"{path}: empty file; expected {', '.join(COLUMNS)}")
        if len(first) != len(COLUMNS):
            raise IngestError(
                f"{path}: expected {len(COLUMNS)} columns ({', '.join(COLUMNS)}), "
                f"found {len(first)} in the first row"
            )

    def records(self, path: Path, rejects: RejectLog) -> Iterator[Record]:
        with open_text(path) as handle:
            for line, row in enumerate(csv.reader(handle), start=1):
                if line == 1 and not row[0].strip().replace(".0", "").isdigit():
                    continue  # header row
                if len(row) != len(COLUMNS):
                    rejects.add(
                        f"line {line}", None, f"expected {len(COLUMNS)} fields, found {len(row)}"
                    )
                    continue
                try:
                    tie = Referral(**dict(zip(COLUMNS, row, strict=True)))
                except ValidationError as exc:
                    error = exc.errors()[0]
                    rejects.add(f"line {line}", str(error["loc"][0]), error["msg"])
                    continue
                yield Record(f"{tie.npi_1}>{tie.npi_2}", tie)

    def add_to_batch(self, record: Record, batch: GraphBatch) -> None:
        tie: Referral = record.value
        for npi in (tie.npi_1, tie.npi_2):
            batch.node("HCP", f"npi:{npi}", npi=npi)
        batch.rel(
            "HCP",
            f"npi:{tie.npi_1}",
            "REFERS_TO",
            "HCP",
            f"npi:{tie.npi_2}",
            pair_count=tie.pair_count,
            bene_count=tie.bene_count,
            same_day_count=tie.same_day_count,
            source_id=record.id,
        )
