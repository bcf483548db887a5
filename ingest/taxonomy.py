"""NUCC provider taxonomy codes -> specialty names (table shipped in ``data/``)."""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def taxonomy_table() -> dict[str, tuple[str, str, str]]:
    """Code -> (type, classification, specialization), from NUCC v15.0."""
    table: dict[str, tuple[str, str, str]] = {}
    source = resources.files("kolgraph.ingest").joinpath("data", "nucc_taxonomy.csv")
    with source.open("r", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            table[row["Code"]] = (row["Type"], row["Classification"], row["Specialization"])
    return table


def specialty_for(code: str | None) -> str | None:
    """The specialty a taxonomy code names: its specialization, else its classification.

    Examples
    --------
    >>> specialty_for("207RP1001X"), specialty_for("207X00000X"), specialty_for("999")
    ('Pulmonary Disease', 'Orthopaedic Surgery', None)
    """
    if not code:
        return None
    entry = taxonomy_table().get(code.strip().upper())
    if entry is None:
        return None
    return entry[2] or entry[1]


def specialty_from_path(path: str | None) -> str | None:
    """The specialty in an Open Payments ``|``-joined taxonomy path: its last part.

    Examples
    --------
    >>> specialty_from_path("Allopathic & Osteopathic Physicians|Internal Medicine|Cardiology")
    'Cardiology'
    >>> specialty_from_path("Allopathic & Osteopathic Physicians|Internal Medicine")
    'Internal Medicine'
    """
    if not path or not path.strip():
        return None
    parts = [p.strip() for p in path.split("|") if p.strip()]
    if len(parts) == 1:
        return parts[0]
    return parts[-1]
