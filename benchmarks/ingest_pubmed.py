"""End-to-end PubMed ingest: generated PubMed XML with >= 1M authorship rows.

Usage: python benchmarks/ingest_pubmed.py [--authorships 1000000] [--data-dir DIR]
       [--backends falkordb neo4j] [--score]

Writes a realistic ``PubmedArticleSet`` (.xml.gz; 1-20 authors per paper, affiliations,
ORCIDs on ~10 % of authors, MeSH headings, MedlineDate on some papers; N/12 people, each
recurring on ~12 papers, named with the family- and first-name frequencies of MEDLINE
authors, or with ``--names small`` from a pool of 600 × 20 names), then runs ``run_ingest`` with the
PubMed loader (resolution included) into a fresh store of each backend (``backends.py``:
the embedded FalkorDB, a Neo4j started for the run) and prints one JSON line per backend:
authorship rows/s and peak memory (ru_maxrss of this process, and RSS sampled during
the run to show it stays flat), and how well the HCPs match the people drawn: pairwise
precision and recall over all pairs of authorships. With ``--score`` it then times
``kolgraph score --json`` as a subprocess on the loaded store. The loader's ``ru_maxrss`` is
the process's high-water mark: for the second backend it includes the first's run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from backends import add_backend_args, backend, server_rss_mb, settings_env

from kolgraph.config import Settings
from kolgraph.ingest import run_ingest
from kolgraph.ingest.first_load import run_first_load
from kolgraph.ingest.pubmed import PubmedLoader
from kolgraph.resolution.model import default_model
from kolgraph.store import open_store

FAMILIES = [
    f"{a}{b}"
    for a in (
        "Sm",
        "Mü",
        "Ng",
        "Wa",
        "Ko",
        "Ga",
        "Ro",
        "Be",
        "Da",
        "Li",
        "Ch",
        "Pe",
        "Ha",
        "Ta",
        "Yo",
        "Ki",
        "Fe",
        "Ol",
        "Za",
        "Ví",
    )
    for b in (
        "ith",
        "ller",
        "uyen",
        "ng",
        "walski",
        "rcía",
        "ssi",
        "rger",
        "vies",
        "u",
        "en",
        "rez",
        "nsen",
        "naka",
        "shida",
        "m",
        "rreira",
        "son",
        "hra",
        "dal",
        "ström",
        "ber",
        "cker",
        "mond",
        "ford",
        "ley",
        "ton",
        "ski",
        "ić",
        "ová",
    )
]
GIVEN = [
    "Anna",
    "James",
    "Wei",
    "Maria",
    "John",
    "Yuki",
    "Ahmed",
    "Elena",
    "David",
    "Li",
    "Sofia",
    "Raj",
    "Olga",
    "Peter",
    "Fatima",
    "Kenji",
    "Laura",
    "Jan",
    "Chen",
    "Álvaro",
]
CITIES = [
    "Boston, MA, USA",
    "Paris, France",
    "Tokyo, Japan",
    "Berlin, Germany",
    "Toronto, Canada",
    "São Paulo, Brazil",
    "Seoul, Korea",
    "Madrid, Spain",
]


def _orcid(rng: random.Random) -> str:
    digits = "".join(str(rng.randint(0, 9)) for _ in range(15))
    total = 0
    for char in digits:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    full = digits + ("X" if check == 10 else str(check))
    return "-".join(full[i : i + 4] for i in range(0, 16, 4))


def medline_names() -> tuple[list[str], list[int], list[str], list[int]]:
    """Family names and first names with their counts among MEDLINE authors (the
    label-free name table shipped with the match model), for drawing realistic names."""
    vocabulary = default_model().vocabulary
    families = sorted(vocabulary.families)
    firsts: Counter[str] = Counter()
    for key, count in vocabulary.given.items():
        firsts[key.rsplit(" ", 1)[-1]] += count
    given = sorted(firsts)
    return (families, [vocabulary.families[f] for f in families], given, [firsts[g] for g in given])


def _people(n: int, names: str, rng: random.Random) -> list[tuple[str, str, str, str | None]]:
    """``n`` people: (family, given, affiliation, ORCID or None)."""
    if names == "medline":
        families, family_weights, firsts, first_weights = medline_names()
        family_draws = rng.choices(families, family_weights, k=n)
        first_draws = rng.choices(firsts, first_weights, k=n)
    people = []
    for i in range(n):
        if names == "medline":
            family = escape(family_draws[i].title())
            given = escape(first_draws[i].title())
            if rng.random() < 0.5:
                given += f" {rng.choice('ABCDEFGHJKLMNPRSTW')}"
        else:
            family = f"{rng.choice(FAMILIES)}{'' if i % 3 else rng.choice(['', '-Lee', 'a'])}"
            given = f"{rng.choice(GIVEN)} {rng.choice('ABCDEFGHJKLMNPRSTW')}"
        people.append(
            (
                family,
                given,
                f"Department {i % 40} of Medicine, University {i % 500}, {rng.choice(CITIES)}",
                _orcid(rng) if rng.random() < 0.1 else None,
            )
        )
    return people


def generate(
    path: Path, authorships: int, seed: int = 7, names: str = "medline", truth: Path | None = None
) -> tuple[int, int]:
    """Write the file; return (articles, authorship rows).

    ``names``: ``medline`` draws family and first names with their frequencies among
    MEDLINE authors (so name collisions happen as often as in PubMed); ``small`` draws
    from 600 family × 20 given names (every name shared by several people). ``truth``, when
    given, is a file that receives the person behind each authorship: one line per
    article, the people in author order (kept on disk, out of the loader's memory)."""
    rng = random.Random(seed)
    people = _people(max(1000, authorships // 12), names, rng)
    articles = rows = 0
    people_out = truth.open("w") if truth is not None else None
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as out:
        out.write(
            '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE PubmedArticleSet PUBLIC '
            '"-//NLM//DTD PubMedArticle, 1st January 2019//EN" '
            '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_190101.dtd">\n'
            "<PubmedArticleSet>\n"
        )
        pmid = 30_000_000
        while rows < authorships:
            pmid += 1
            articles += 1
            n = min(rng.randint(1, 20), authorships - rows)
            chosen = rng.sample(range(len(people)), n)  # the same draws as sampling people
            team = [people[i] for i in chosen]
            if people_out is not None:
                people_out.write(f"{pmid} {' '.join(map(str, chosen))}\n")
            date = (
                "<MedlineDate>2019 Jul-Aug</MedlineDate>"
                if pmid % 50 == 0
                else f"<Year>{rng.randint(1990, 2023)}</Year>"
                f"<Month>{rng.choice(['Jan', 'Mar', '06'])}</Month>"
            )
            authors = []
            for family, given, aff, orcid in team:
                ident = (
                    f'<Identifier Source="ORCID">https://orcid.org/{orcid}</Identifier>'
                    if orcid
                    else ""
                )
                affs = f"<AffiliationInfo><Affiliation>{aff}</Affiliation></AffiliationInfo>"
                if rng.random() < 0.1:
                    affs += (
                        "<AffiliationInfo><Affiliation>Institute of Health, Lyon, France"
                        "</Affiliation></AffiliationInfo>"
                    )
                initials = "".join(part[0] for part in given.split())
                authors.append(
                    f'<Author ValidYN="Y"><LastName>{family}</LastName>'
                    f"<ForeName>{given}</ForeName>"
                    f"<Initials>{initials}</Initials>{ident}{affs}</Author>"
                )
            mesh = "".join(
                f'<MeshHeading><DescriptorName UI="D{rng.randint(1, 3000):06d}" '
                f'MajorTopicYN="{"Y" if k == 0 else "N"}">Term {k}</DescriptorName>'
                "</MeshHeading>"
                for k in range(rng.randint(0, 12))
            )
            out.write(
                '<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">'
                f'<PMID Version="1">{pmid}</PMID>'
                '<Article PubModel="Print"><Journal>'
                f'<ISSN IssnType="Print">{1000 + pmid % 900}-{pmid % 9000:04d}</ISSN>'
                f"<JournalIssue><PubDate>{date}</PubDate></JournalIssue>"
                f"<Title>Journal {pmid % 900}</Title></Journal>"
                f"<ArticleTitle>Study <i>{pmid}</i> of things.</ArticleTitle>"
                f'<AuthorList CompleteYN="Y">{"".join(authors)}</AuthorList>'
                "<Language>eng</Language>"
                '<PublicationTypeList><PublicationType UI="D016428">Journal Article'
                "</PublicationType></PublicationTypeList>"
                f"</Article><MeshHeadingList>{mesh}</MeshHeadingList></MedlineCitation>"
                f'<PubmedData><ArticleIdList><ArticleId IdType="pubmed">{pmid}</ArticleId>'
                "</ArticleIdList></PubmedData></PubmedArticle>\n"
            )
            rows += n
        out.write("</PubmedArticleSet>\n")
    if people_out is not None:
        people_out.close()
    return articles, rows


def _time_calls(timings: dict[str, list[float]]) -> None:
    """Record the seconds of each batch's build (and its resolution) and write."""
    from kolgraph.ingest import publications
    from kolgraph.ingest.batch import GraphBatch
    from kolgraph.store.base import _StatementBulk
    from kolgraph.store.falkordb import _BulkInsertSession

    def timed(name: str, function: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.monotonic()
            try:
                return function(*args, **kwargs)
            finally:
                timings[name].append(time.monotonic() - started)

        return wrapper

    publications.PaperLoader.build = timed("build", publications.PaperLoader.build)
    publications.resolve_mentions = timed("resolve", publications.resolve_mentions)
    # a first load with a resolver process: this process's share of each batch
    publications.PaperLoader.prepare_papers = timed(
        "prepare", publications.PaperLoader.prepare_papers
    )
    publications.PaperLoader.finish = timed("finish", publications.PaperLoader.finish)
    GraphBatch.write = timed("write", GraphBatch.write)
    # a first load's writes: each batch's Mentions, then the rest (encoding, and waiting
    # for the server when a command is full)
    for session_class in (_StatementBulk, _BulkInsertSession):
        session_class.create = timed("bulk_write", session_class.create)  # type: ignore[method-assign]


def pairwise_scores(store: Any, truth: Path) -> dict[str, float]:
    """Pairwise precision and recall of the HCPs against the generated people (``truth``
    as written by :func:`generate`): over all pairs of authorships, "same HCP" against
    "same person" (scikit-learn's pair confusion matrix)."""
    # imported here: scikit-learn is not part of an ingest and would count in its memory
    from sklearn.metrics.cluster import pair_confusion_matrix

    person = {
        f"mention:pubmed:{pmid}:{k}": int(who)
        for pmid, *team in (line.split() for line in truth.open())
        for k, who in enumerate(team, 1)
    }
    people: list[int] = []
    hcps: list[str] = []
    after = ""
    while True:
        rows = store.execute(
            "MATCH (m:Mention)-[:RESOLVED_TO]->(h:HCP) WHERE m.id > $after "
            "RETURN m.id AS m, h.id AS h ORDER BY m.id LIMIT 100000",
            {"after": after},
        )
        if not rows:
            break
        people += [person[row["m"]] for row in rows]
        hcps += [row["h"] for row in rows]
        after = rows[-1]["m"]
    (_, merged), (split, together) = pair_confusion_matrix(people, hcps)  # [true][predicted]
    return {
        "pairwise_precision": round(together / max(together + merged, 1), 5),
        "pairwise_recall": round(together / max(together + split, 1), 5),
    }


def rss(pid: int | str = "self") -> int:
    """Resident set size in bytes, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--authorships", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument(
        "--max-profiles",
        type=int,
        default=None,
        help="the resolver's in-memory bound (Settings.resolution_profiles)",
    )
    parser.add_argument(
        "--names",
        choices=("medline", "small"),
        default="medline",
        help="name frequencies of MEDLINE authors, or a small shared pool",
    )
    parser.add_argument(
        "--score", action="store_true", help="then time `kolgraph score --json` on the loaded store"
    )
    parser.add_argument(
        "--first-load",
        action="store_true",
        help="load through run_first_load (resolved in memory, written by the store's bulk path)",
    )
    parser.add_argument(
        "--resolver",
        choices=("auto", "process", "inline"),
        default="auto",
        help="with --first-load: resolve in a second process, here, or as the load decides",
    )
    add_backend_args(parser)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    data_dir = args.data_dir or work / "kg"
    xml = work / "pubmed_bench.xml.gz"
    started = time.monotonic()
    truth = work / "people.txt"
    articles, rows = generate(xml, args.authorships, names=args.names, truth=truth)
    print(
        f"generated {articles:,} articles, {rows:,} authorships, "
        f"{xml.stat().st_size / 1e6:.1f} MB gz in {time.monotonic() - started:.0f}s",
        flush=True,
    )
    timings: dict[str, list[float]] = {
        "build": [],
        "resolve": [],
        "prepare": [],
        "finish": [],
        "write": [],
        "bulk_write": [],
    }
    _time_calls(timings)
    for name in args.backends:
        with backend(name, data_dir / name, args) as settings:
            for values in timings.values():
                values.clear()
            result = ingest_on(settings, xml, work, args, timings, truth)
            result = {
                "backend": name,
                "articles": articles,
                "authorship_rows": rows,
                **result,
                "authorship_rows_per_s": round(rows / result["seconds"]),
                "articles_per_s": round(articles / result["seconds"]),
            }
            if args.score:
                result["score"] = score_command(settings)
        print(json.dumps(result), flush=True)


def score_command(settings: Settings) -> dict[str, Any]:
    """``kolgraph score --json`` as a subprocess on the loaded store: wall time, the
    command's peak RSS and the server's high-water mark."""
    out, err = work_files = (tempfile.TemporaryFile(), tempfile.TemporaryFile())
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-m", "kolgraph.cli", "score", "--json"],
        env={**os.environ, **settings_env(settings)},
        stdout=out,
        stderr=err,
    )
    _, status, usage = os.wait4(child.pid, 0)  # this child's own peak RSS
    seconds = time.monotonic() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    for handle in work_files:
        handle.seek(0)
    if child.returncode != 0:
        raise RuntimeError(f"kolgraph score failed:\n{err.read().decode()[-3000:]}")
    summary = json.loads(out.read())
    return {
        "seconds": round(seconds, 1),
        "n_hcps": summary.get("n_hcps"),
        "peak_rss_mb_command": round(usage.ru_maxrss / 1024),
        "server_hwm_mb": server_rss_mb(settings, "VmHWM"),
    }


def ingest_on(
    settings: Settings,
    xml: Path,
    work: Path,
    args: argparse.Namespace,
    timings: dict[str, list[float]],
    truth: Path,
) -> dict[str, Any]:
    """Ingest ``xml`` into the empty store of ``settings``; figures as one dict."""
    samples: list[int] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(2.0):
            samples.append(rss())

    thread = threading.Thread(target=sample, daemon=True)
    with open_store(settings) as store:
        store.apply_schema()
        thread.start()
        started = time.monotonic()
        loader = PubmedLoader()
        loader.configure(
            settings
            if args.max_profiles is None
            else settings.model_copy(update={"resolution_profiles": args.max_profiles})
        )
        if args.first_load:
            summary = run_first_load(
                store,
                loader,
                xml,
                rejects_dir=work / "rejects",
                batch_size=args.batch_size,
                resolver_process={"auto": None, "process": True, "inline": False}[args.resolver],
            )
        else:
            summary = run_ingest(
                store, loader, xml, rejects_dir=work / "rejects", batch_size=args.batch_size
            )
        seconds = time.monotonic() - started
        stop.set()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # before scoring
        # a first load's resolver process (reaped when the load ends); 0 without one
        peak_resolver = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        index = loader.resolution_index
        spill = {
            "profiles_held_end": index.cache.n_profiles if index else None,
            "blocks_spilled": index.cache.n_spilled if index else 0,
            "blocks_restored": index.cache.n_restored if index else 0,
            "spill_file_mb": round(
                sum(f.stat().st_size for f in index.cache.spill.path.iterdir()) / 2**20
            )
            if index and index.cache.spill
            else 0,
        }
        counts = store.counts()
        scores = pairwise_scores(store, truth)
    quarter = max(1, len(samples) // 4)
    return {
        "seconds": round(seconds, 1),
        "peak_rss_mb_loader": round(peak / 1024),
        "peak_rss_mb_resolver_process": round(peak_resolver / 1024),
        "rss_mb_first_quarter": round(max(samples[:quarter], default=0) / 2**20),
        "rss_mb_last_quarter": round(max(samples[-quarter:], default=0) / 2**20),
        "server_rss_mb_end": server_rss_mb(settings),
        "loaded": summary.loaded,
        "rejected": summary.rejected,
        "authored": counts["relationships"].get("AUTHORED"),
        "hcps": counts["nodes"].get("HCP"),
        "mentions": counts["nodes"].get("Mention"),
        "people_generated": max(1000, args.authorships // 12),
        "names": args.names,
        "max_profiles": loader.max_profiles,
        **spill,
        **scores,
        "first_load": args.first_load,
        "seconds_total": {name: round(sum(v), 1) for name, v in timings.items() if v},
        "seconds_per_batch_first_last_quarter": {
            name: [
                round(sum(v[: max(1, len(v) // 4)]) / max(1, len(v) // 4), 2),
                round(sum(v[-max(1, len(v) // 4) :]) / max(1, len(v) // 4), 2),
            ]
            for name, v in timings.items()
            if v
        },
    }


if __name__ == "__main__":
    main()
