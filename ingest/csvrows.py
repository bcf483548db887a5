"""Reading headed CSV files row by row: header checks, ragged rows, line numbers.

Shared by the CSV loaders (NPPES, Open Payments, CRM, congress programmes). Rows are
dicts keyed by the header as written (stripped, BOM removed); a row whose field count
differs from the header's goes to the reject file instead of being guessed at.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path

from kolgraph.errors import IngestError
from kolgraph.ingest.rejects import RejectLog
from kolgraph.ingest.textfiles import open_text

csv.field_size_limit(1 << 24)


def _clean(header: Iterable[str]) -> list[str]:
    return [h.strip().lstrip("\ufeff").strip() for h in header]


def read_header(path: Path, *, what: str) -> list[str]:
    """The file's header row.

    Raises
    ------
    IngestError
        If the file is empty or is not text in a known encoding.
    """
    try:
        with open_text(path) as handle:
            header = next(csv.reader(handle), None)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise IngestError(f"{path}: cannot read as a {what} CSV file ({exc})") from exc
    if not header or not any(h.strip() for h in header):
        raise IngestError(f"{path}: empty file; expected a {what} CSV file with a header row")
    cleaned = _clean(header)
    twice = sorted({h for h in cleaned if h and cleaned.count(h) > 1})
    if twice:
        raise IngestError(f"{path}: column(s) {', '.join(twice)} appear more than once in the "
                          "header; which value counts would be a guess, so the file is refused")
    return cleaned


def require_columns(path: Path, header: list[str], required: Iterable[str], *, what: str,
                    hint: str = "") -> None:
    """Raise one IngestError naming the file and every missing column."""
    missing = [c for c in required if c not in header]
    if missing:
        raise IngestError(f"{path}: not a {what} file; missing column(s) "
                          f"{', '.join(missing)}{hint}")


def csv_rows(path: Path, rejects: RejectLog) -> Iterator[tuple[str, dict[str, str]]]:
    """Yield ``("line N", row)`` for every data row; ragged rows are rejected.

    ``N`` is the physical line where the record starts, so a record with embedded
    newlines is still found by its number.
    """
    with open_text(path) as handle:
        reader = csv.reader(handle)
        header = _clean(next(reader, []))
        start = reader.line_num + 1
        try:
            for row in reader:
                where, start = f"line {start}", reader.line_num + 1
                if not any(cell.strip() for cell in row):
                    rejects.add(where, None, "blank row")
                    continue
                if len(row) != len(header):
                    rejects.add(where, None, f"expected {len(header)} fields as in the header, "
                                             f"found {len(row)}")
                    continue
                yield where, dict(zip(header, row, strict=True))
        except UnicodeDecodeError as exc:
            raise IngestError(f"{path}: bad character near line {start}: {exc}; re-save the "
                              "file as UTF-8") from exc
        except csv.Error as exc:
            raise IngestError(f"{path}: malformed CSV near line {start}: {exc}") from exc
