"""Every statement the Neo4j backend can send passes Neo4j's own Cypher parser."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kolgraph import schema
from kolgraph.store import statements

PARSER_DIR = Path(__file__).resolve().parents[1] / "cypher_parser"


def _choices(placeholder: str) -> list[str]:
    if placeholder in ("label", "start", "end"):
        return sorted(schema.NODE_LABELS)
    if placeholder == "type":
        return sorted(schema.REL_TYPES)
    return ["influence", "npi"]


def neo4j_renderings(every_identifier: bool = True) -> list[tuple[str, str]]:
    """(name, cypher) for every statement, with every allowed label/type filled in (or, with
    ``every_identifier=False``, the first allowed one)."""
    out: list[tuple[str, str]] = []
    for name in statements.statement_names():
        stmt = statements.get_statement(name, "neo4j")
        holders = stmt.placeholders
        choices = [_choices(p) if every_identifier else _choices(p)[:1] for p in holders]
        for values in itertools.product(*choices):
            identifiers = dict(zip(holders, values, strict=True))
            for i, part in enumerate(
                statements.Statement(
                    stmt.name, stmt.dialect, statements.fill(stmt, identifiers), stmt.source
                ).parts
            ):
                out.append((f"{name}[{','.join(values)}]#{i}", part))
            if len(holders) > 2:
                break  # three placeholders: one rendering shows the syntax
    return out


def lint(cyphers: list[tuple[str, str]]) -> list[dict]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed for the Neo4j parse check; install Node.js 20+")
    if not (PARSER_DIR / "node_modules" / "@neo4j-cypher").exists():
        pytest.fail(f"run 'npm ci --prefix {PARSER_DIR.relative_to(Path.cwd())}' first (README)")
    payload = json.dumps([{"name": n, "cypher": c} for n, c in cyphers])
    done = subprocess.run(
        [node, "lint.mjs"],
        cwd=PARSER_DIR,
        input=payload,
        text=True,
        capture_output=True,
        check=True,
        timeout=600,
    )
    return json.loads(done.stdout)


def _errors(result: dict) -> list[str]:
    return [
        d["message"]
        for d in result["diagnostics"]
        if d["severity"] == 1 and not d["message"].startswith("Parameter $")
    ]


def identifier_probes() -> list[tuple[str, str]]:
    """Every identifier a placeholder may take, in a label, type and property position."""
    probes = [
        (f"label {x}", f"MATCH (n:{x}) WHERE n.id = $id SET n:{x} RETURN n")
        for x in sorted(schema.NODE_LABELS)
    ]
    probes += [
        (f"type {t}", f"MATCH (a)-[r:{t}]->(b) MERGE (a)-[:{t}]->(b) RETURN r")
        for t in sorted(schema.REL_TYPES)
    ]
    probes += [
        (f"property {p}", f"MATCH (n) RETURN n.{p} AS {p} ORDER BY n.{p}")
        for p in _choices("property")
    ]
    return probes


def _check(renderings: list[tuple[str, str]]) -> None:
    covered = {name.split("[")[0].split("#")[0] for name, _ in renderings}
    assert set(statements.statement_names()) <= covered
    failures = {r["name"]: _errors(r) for r in lint(renderings) if _errors(r)}
    assert not failures, json.dumps(failures, indent=1)


def test_every_neo4j_statement_parses() -> None:
    """Each statement once (first allowed identifiers), and each allowed identifier once."""
    _check(neo4j_renderings(every_identifier=False) + identifier_probes())


@pytest.mark.slow
def test_every_rendering_of_every_statement_parses() -> None:
    """Each statement with every allowed label and type filled in (601 texts, minutes)."""
    _check(neo4j_renderings())


def test_the_parser_rejects_broken_cypher() -> None:
    [result] = lint([("broken", "MATCH (n:HCP RETURN n")])
    assert _errors(result)
