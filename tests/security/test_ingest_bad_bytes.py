"""One bad byte or quote costs one record, never the run: NUL bytes, broken quoting and
UTF-16 files in the CRM and Open Payments loaders."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from kolgraph.errors import IngestError
from kolgraph.ingest import run_ingest
from kolgraph.ingest.registry import loader_for
from tests.factories import SAMPLES, ingest, rejects_of

PAYMENTS = SAMPLES / "open-payments" / "general_payments_PY2013_SanFrancisco_socrata_part1.csv"
HEADER = "engagement_id,hcp_crm_id,hcp_name,employee_id,department,type,datetime,notes\n"


def _row(n: int, notes: str = "fine") -> str:
    return f"B{n},CRM-{n},Jo Park,S01,sales,visit,2024-02-0{n}T10:00,{notes}\n"


def _load(store, source: str, path: Path, tmp_path: Path):  # noqa: ANN001
    summary = ingest(store, source, path, tmp_path)
    return summary, rejects_of(summary)


def test_nul_byte_in_a_crm_field_rejects_that_record_only(store, tmp_path):
    path = tmp_path / "crm.csv"
    path.write_text(HEADER + _row(1) + _row(2, "bad\x00byte") + _row(3), encoding="utf-8")
    summary, rejects = _load(store, "crm", path, tmp_path)
    assert (summary.loaded, summary.rejected) == (2, 1)
    assert [(r["record"], r["field"]) for r in rejects] == [("line 3", "notes")]
    assert "NUL" in rejects[0]["reason"]


def test_nul_byte_in_a_crm_json_field_rejects_that_record_only(store, tmp_path):
    path = tmp_path / "crm.json"
    rows = [
        {
            "engagement_id": f"J{n}",
            "hcp_crm_id": "CRM-1",
            "employee_id": "S01",
            "department": "sales",
            "type": "visit",
            "datetime": "2024-05-03 09:00",
            "notes": "x\x00y" if n == 2 else "ok",
        }
        for n in (1, 2, 3)
    ]
    path.write_text(json.dumps(rows), encoding="utf-8")
    summary, rejects = _load(store, "crm", path, tmp_path)
    assert (summary.loaded, summary.rejected) == (2, 1)
    assert (rejects[0]["record"], rejects[0]["field"]) == ("J2", "notes")


def test_nul_byte_in_an_open_payments_field_rejects_that_record_only(store, tmp_path):
    lines = PAYMENTS.read_text(encoding="utf-8").splitlines(keepends=True)[:11]
    clean = tmp_path / "clean.csv"
    clean.write_text("".join(lines), encoding="utf-8")
    first, _ = _load(store, "payments", clean, tmp_path)
    header = next(csv.reader(io.StringIO(lines[0])))
    row = next(csv.reader(io.StringIO(lines[4])))
    row[header.index("physician_last_name")] += "\x00"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(row)
    dirty = tmp_path / "dirty.csv"
    dirty.write_text("".join([*lines[:4], out.getvalue(), *lines[5:]]), encoding="utf-8")
    summary, rejects = _load(store, "payments", dirty, tmp_path)
    nul = [r for r in rejects if "NUL" in r["reason"]]
    assert [(r["record"], r["field"]) for r in nul] == [("line 5", "physician_last_name")]
    assert summary.loaded + summary.duplicates == first.loaded + first.duplicates - 1


@pytest.mark.parametrize("tail", ["at_end", "before_a_quoted_row"])
def test_unterminated_quote_does_not_swallow_the_rows_after_it(store, tmp_path, tail):
    later = _row(5, '"quoted, notes"') if tail == "before_a_quoted_row" else _row(5)
    path = tmp_path / "crm.csv"
    path.write_text(
        HEADER + _row(1) + _row(2, '"never closed') + _row(3) + _row(4) + later, encoding="utf-8"
    )
    summary, rejects = _load(store, "crm", path, tmp_path)
    assert (summary.loaded, summary.rejected) == (4, 1), rejects
    assert rejects[0]["record"] == "line 3"
    ids = {r["id"] for r in store.run("source_nodes", {"label": "Engagement"})}
    assert ids == {"eng:crm:B1", "eng:crm:B3", "eng:crm:B4", "eng:crm:B5"}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_utf16_files_get_an_encoding_error(store, tmp_path, encoding):
    path = tmp_path / "crm.csv"
    path.write_text(HEADER + _row(1), encoding=encoding)
    with pytest.raises(IngestError, match="UTF-(16|32) text.*UTF-8"):
        run_ingest(store, loader_for("crm"), path, rejects_dir=tmp_path / "r")
