"""Build ``kolgraph/data/manufacturers.csv`` from the Open Payments samples in ``data/samples``.

Every applicable manufacturer (or GPO) that made or submitted a payment in the shipped Open
Payments files is listed once per distinct spelling, with the name used to recognise it in
an affiliation (``match``: the name without its legal form, e.g. ``Bayer HealthCare``) and
the sample files it comes from. Names whose ``match`` would also read as an ordinary word or
place (``Cook``, ``Pacific``) are kept but flagged ``ambiguous``, and not used alone.

Run from the repository root: ``python benchmarks/manufacturer_list.py``.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kolgraph.scoring.eligibility import AMBIGUOUS_NAMES, manufacturer_key  # noqa: E402

SAMPLES = ROOT / "data" / "samples" / "open-payments"
OUT = ROOT / "kolgraph" / "data" / "manufacturers.csv"
COLUMNS = (
    "applicable_manufacturer_or_applicable_gpo_making_payment_name",
    "submitting_applicable_manufacturer_or_applicable_gpo_name",
)


def manufacturer_rows(folder: Path = SAMPLES) -> list[dict[str, str]]:
    """One row per distinct manufacturer spelling: name, match, ambiguous, files."""
    seen: dict[str, set[str]] = {}
    for path in sorted(folder.rglob("*.csv")):
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            wanted = [c for c in reader.fieldnames or [] if c.lower() in COLUMNS]
            for row in reader:
                for column in wanted:
                    name = " ".join((row[column] or "").split())
                    if name:
                        seen.setdefault(name, set()).add(path.relative_to(folder).as_posix())
    rows = []
    for name in sorted(seen, key=lambda n: (n.lower(), n)):
        key = manufacturer_key(name)
        rows.append(
            {
                "name": name,
                "match": key,
                "ambiguous": "yes" if key in AMBIGUOUS_NAMES else "",
                "files": ";".join(sorted(seen[name])),
            }
        )
    return rows


def write(path: Path = OUT) -> int:
    """Write the list; return the number of rows."""
    rows = manufacturer_rows()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["name", "match", "ambiguous", "files"], lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


if __name__ == "__main__":
    print(f"wrote {write()} manufacturers to {OUT}")
