"""Every named statement declares its read/write mode, and reads hold no write clause."""

from __future__ import annotations

import pytest

from kolgraph.store import statements


def test_every_statement_declares_a_mode():
    table = statements.all_statements()
    assert table, "no statements found"
    assert {stmt.mode for stmt in table.values()} <= set(statements.MODES)


@pytest.mark.parametrize("key", sorted(statements.all_statements(), key=str), ids=str)
def test_a_read_statement_has_no_write_clause(key):
    stmt = statements.all_statements()[key]
    if stmt.is_read:
        assert statements.write_clauses(stmt.text) == [], f"{stmt.source}: {stmt.name}"
    else:
        assert stmt.mode == "write"


def test_a_statement_without_mode_is_refused():
    with pytest.raises(ValueError, match="declares no mode"):
        statements._parse("// name: x\nMATCH (n) RETURN n\n", "x.cypher")


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="unknown mode"):
        statements._parse("// name: x\n// mode: maybe\nMATCH (n) RETURN n\n", "x.cypher")


def test_modes_are_parsed():
    [read, write] = statements._parse(
        "// name: r\n// mode: read\nMATCH (n) WHERE n.created_at > 0 RETURN n\n"
        "// name: w\n// mode: write\n// dialect: neo4j\nMATCH (n) SET n.x = 1\n",
        "x.cypher",
    )
    assert (read.name, read.mode, read.is_read) == ("r", "read", True)
    assert (write.name, write.mode, write.dialect) == ("w", "write", "neo4j")


@pytest.mark.parametrize(
    "cypher, found",
    [
        ("MATCH (n) WHERE n.created_at > 1 RETURN n", []),
        ("UNWIND $rows AS row MATCH (n {id: row.id}) RETURN n", []),
        ("MATCH (n) RETURN 'MERGE me' AS s, n.`set` AS t", []),
        (
            "UNWIND $rows AS row MERGE (n:X {id: row.id}) ON CREATE SET n.a = 1",
            ["MERGE", "CREATE", "SET"],
        ),
        ("MATCH (n) remove n.x", ["REMOVE"]),
    ],
)
def test_write_clauses(cypher, found):
    assert statements.write_clauses(cypher) == found
