"""Reading headed CSV files row by row: header checks, ragged rows, line numbers.

Shared by the CSV loaders (NPPES, Open Payments, CRM, congress programmes). Rows are
dicts keyed by the header as written (stripped, BOM removed); a row whose field count
differs from the header's goes to the reject file instead of being guessed at.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path

from kolgraph.errors import IngestError
from kolgraph.ingest.rejects import RejectLog
from kolgraph.ingest.textfiles import open_text


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
        raise IngestError(
            f"{path}: column(s) {', '.join(twice)} appear more than once in the "
            "header; which value counts would be a guess, so the file is refused"
        )
    return cleaned


def require_columns(
    path: Path, header: list[str], required: Iterable[str], *, what: str, hint: str = ""
) -> None:
    """Raise one IngestError naming the file and every missing column."""
    missing = [c for c in required if c not in header]
    if missing:
        raise IngestError(
            f"{path}: not a {what} file; missing column(s) {', '.join(missing)}{hint}"
        )


class _Lines:
    """The file's physical lines for a ``csv.reader``, numbered, with push-back.

    :meth:`take` hands over the lines the last record was read from, so a malformed
    record (an unterminated quote that swallowed the rows after it) can be rejected by
    its first line and the rest read again.
    """

    def __init__(self, handle: Iterator[str]) -> None:
        self._handle = handle
        self._pending: deque[tuple[int, str]] = deque()
        self._next_no = 1
        self._current: list[tuple[int, str]] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._pending:
            no, line = self._pending.popleft()
        else:
            line = next(self._handle)
            no, self._next_no = self._next_no, self._next_no + 1
        self._current.append((no, line))
        return line

    def take(self) -> list[tuple[int, str]]:
        """The numbered lines read since the last call."""
        taken, self._current = self._current, []
        return taken

    def push_back(self, lines: list[tuple[int, str]]) -> None:
        """Read ``lines`` again, before anything else."""
        self._pending.extendleft(reversed(lines))


def _swallowed(rest: list[tuple[int, str]], width: int) -> list[tuple[int, str]]:
    """``rest`` (a ragged record's lines after its first) when one of them reads as a row
    of the header's width on its own, i.e. rows an unterminated quote swallowed; else []."""
    for _, line in rest:
        if len(next(csv.reader([line]), [])) == width:
            return rest
    return []


def csv_rows(path: Path, rejects: RejectLog) -> Iterator[tuple[str, dict[str, str]]]:
    """Yield ``("line N", row)`` for every data row; bad records go to the reject file.

    ``N`` is the physical line where the record starts, so a record with embedded
    newlines is still found by its number. Rejected, and the run goes on: ragged rows
    (field count differs from the header's), rows with a NUL byte in a field, and
    malformed quoting; a record that spans several lines and is malformed or ragged (an
    unterminated quote swallowing the rows after it) is rejected by its first line and
    the lines after it are read again, so the rows it swallowed are not lost.
    """
    with open_text(path) as handle:
        lines = _Lines(handle)
        header = _clean(next(csv.reader(lines), []))
        lines.take()
        done = False
        while not done:
            reader = csv.reader(lines, strict=True)
            try:
                for row in reader:
                    taken = lines.take()
                    where = f"line {taken[0][0]}"
                    if not any(cell.strip() for cell in row):
                        rejects.add(where, None, "blank row")
                        continue
                    if len(row) != len(header):
                        again = _swallowed(taken[1:], len(header))
                        spans = (
                            f"; the record spans lines {taken[0][0]}-{taken[-1][0]} (an "
                            "unterminated quote?), the lines after the first are read "
                            "again"
                            if again
                            else ""
                        )
                        rejects.add(
                            where,
                            None,
                            f"expected {len(header)} fields as in the "
                            f"header, found {len(row)}{spans}",
                        )
                        lines.push_back(again)
                        continue
                    nul = next(
                        (h for h, cell in zip(header, row, strict=True) if "\x00" in cell), None
                    )
                    if nul is not None:
                        rejects.add(where, nul, "NUL byte in the field; the record is skipped")
                        continue
                    yield where, dict(zip(header, row, strict=True))
                done = True
            except UnicodeDecodeError as exc:
                raise IngestError(
                    f"{path}: bad character in the file: {exc}; re-save the file as UTF-8"
                ) from exc
            except csv.Error as exc:
                taken = lines.take()
                if not taken:
                    raise IngestError(f"{path}: malformed CSV: {exc}") from exc
                rejects.add(
                    f"line {taken[0][0]}",
                    None,
                    f"malformed CSV ({exc}; an unterminated or stray quote?)"
                    + ("; the lines after the first are read again" if len(taken) > 1 else ""),
                )
                lines.push_back(taken[1:])
