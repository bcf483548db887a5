"""Fuzz targets shared by the suite and ``benchmarks/fuzz_parsers.py``.

Every registered loader gets seeded with a slice of its real sample file, then the
bytes are mutated the ways real files break: truncation, a BOM, Latin-1 re-encoding,
random byte flips, inserted newlines and quotes, dropped or doubled delimiters, entity
declarations. The invariant: ``check`` + ``records`` either yield records and rejects
or refuse the whole file with :class:`IngestError`; nothing else may escape.
"""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

from hypothesis import strategies as st

from kolgraph.errors import IngestError
from kolgraph.ingest.registry import LOADERS, loader_for
from kolgraph.ingest.rejects import RejectLog

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
SEEDS = {
    "pubmed": "pubmed/*.xml*",
    "referrals": "referrals-pspp/*",
    "nppes": "nppes/npidata_sample*",
    "payments": "open-payments/general_payments*",
    "crossref": "crossref/crossref_works.jsonl",
    "openalex": "openalex/works_results_page_chunk1.json",
    "trials": "clinicaltrials-gov/api_v2_study/NCT00763412.json",
    "crm": "crm/engagements_sample.csv",
    "congress": "conference-midl/midl2020_scientific-program.md",
}
# The file name each loader is handed: some read the format or the data year from it.
FILE_NAMES = {
    "pubmed": "fuzz.xml",
    "congress": "midl2020_scientific-program.md",
    "partd": "partd_2022.csv",
    "quiz": "quiz.csv",
}
SEED_BYTES = 24_000
PARTD_HEADER = (
    "Prscrbr_NPI,Prscrbr_Last_Org_Name,Prscrbr_First_Name,Prscrbr_City,"
    "Prscrbr_State_Abrvtn,Prscrbr_Type,Brnd_Name,Gnrc_Name,Tot_Clms,Tot_30day_Fills,"
    "Tot_Day_Supply,Tot_Drug_Cst,Tot_Benes\n"
)


def _written_seed(source: str) -> bytes | None:
    """A seed in the documented shape for loaders without a public sample file
    (docs/formats/quiz.md; the CMS Part D prescriber-by-drug columns): ~200 rows covering
    each column's forms (blank suppressed counts, quoted thousands, both score forms)."""
    if source == "partd":
        drugs = [
            ("Eliquis", "Apixaban"),
            ("Atorvastatin Calcium", "Atorvastatin Calcium"),
            ("Jardiance", "Empagliflozin"),
            ("Lipitor", "Atorvastatin Calcium"),
        ]
        lines = [PARTD_HEADER]
        for i in range(200):
            brand, generic = drugs[i % len(drugs)]
            claims = '"1,500"' if i % 17 == 0 else str(11 + i)
            benes = "" if i % 5 == 0 else str(11 + i % 40)  # CMS blanks counts under 11
            lines.append(
                f"{1003000126 + 7 * i},DOE{i},JANE,AUSTIN,TX,Cardiology,{brand},"
                f"{generic},{claims},{20 + i},{300 + 3 * i},{1000.5 + i},{benes}\n"
            )
        return "".join(lines).encode()
    if source == "quiz":
        dims = ["diagnosis", "treatment", "drug_class_choice", "brand_choice", "product_use"]
        lines = ["npi,crm_id,date,dimension,score,correct,total,survey,product\n"]
        for i in range(200):
            dim = dims[i % len(dims)]
            product = "Eliquis" if dim in ("brand_choice", "product_use") else ""
            result = f"{(i % 11) / 10},," if i % 2 else f",{i % 5},4"
            lines.append(
                f"{1234567893 + 10 * i},,2024-03-{1 + i % 28:02d},{dim},{result},"
                f"q1-2024,{product}\n"
            )
        return "".join(lines).encode()
    return None


def seed_bytes(source: str) -> bytes | None:
    """The first ~24 kB of the source's sample (un-gzipped), or None if there is none."""
    if (written := _written_seed(source)) is not None:
        return written
    pattern = SEEDS.get(source)
    files = sorted(SAMPLES.glob(pattern)) if pattern else []
    files = [f for f in files if f.is_file()]
    if not files:
        return None
    data = files[0].read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if source == "pubmed":  # a complete, small document, so that mutations reach the parser
        cut = data.rfind(b"</PubmedArticle>", 0, SEED_BYTES)
        return data[: cut + len(b"</PubmedArticle>")] + b"\n</PubmedArticleSet>\n"
    if source in ("openalex", "trials"):  # one JSON document: keep it whole
        return data
    if source == "congress":  # whole sessions, so the cut breaks no session in two
        return data[: data.rfind(b"\n### ", 0, 3 * SEED_BYTES) + 1]
    return data[:SEED_BYTES]


def fuzzable() -> list[str]:
    return [s for s in sorted(LOADERS) if seed_bytes(s) is not None]


def _mutate(data: bytes, ops: list[tuple[str, int, int]]) -> bytes:
    for op, pos, value in ops:
        pos = pos % (len(data) + 1)
        if op == "truncate":
            data = data[:pos]
        elif op == "flip" and data:
            pos = min(pos, len(data) - 1)
            data = data[:pos] + bytes([value]) + data[pos + 1 :]
        elif op == "insert":
            data = (
                data[:pos]
                + [b"\n", b'"', b",", b"\t", b"\x00", b"<", b"&amp", b"{", b"\r\n", b"\xff\xfe"][
                    value % 10
                ]
                + data[pos:]
            )
        elif op == "delete":
            data = data[:pos] + data[pos + 1 + value % 50 :]
        elif op == "bom":
            data = b"\xef\xbb\xbf" + data
        elif op == "latin1":
            data = data.decode("utf-8", "replace").encode("latin-1", "replace")
        elif op == "entity":
            data = (
                b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">'
                b"]>" + data
            )
    return data


mutations = st.lists(
    st.tuples(
        st.sampled_from(
            ["truncate", "flip", "insert", "insert", "delete", "bom", "latin1", "entity"]
        ),
        st.integers(0, SEED_BYTES),
        st.integers(0, 255),
    ),
    min_size=1,
    max_size=6,
)


def run_parser(source: str, data: bytes) -> tuple[int, int]:
    """Run ``source``'s loader over ``data``; return (records, rejects) or raise IngestError."""
    loader = loader_for(source)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / FILE_NAMES.get(source, "fuzz.dat")
        path.write_bytes(data)
        with RejectLog(Path(tmp) / "rejects.jsonl", source=source, file=path.name) as rejects:
            loader.check(path)
            n = sum(1 for _ in loader.records(path, rejects))
            return n, rejects.count


def parse_or_refuse(source: str, data: bytes) -> str:
    """The fuzz invariant: parse, or refuse with IngestError; anything else propagates."""
    try:
        n, r = run_parser(source, data)
    except IngestError:
        return "refused"
    return f"{n}+{r}"
