"""Named Cypher statements read from ``kolgraph.queries/*.cypher``.

A file holds blocks; each starts with ``// name: <name>``, declares
``// mode: read`` or ``// mode: write`` (the Neo4j backend routes on it: reads may go
to a cluster's readers) and may add ``// dialect: neo4j`` or ``// dialect: falkordb``
for a backend-only variant.
Values are always ``$parameters``. Labels, relationship types and property
names are ``{{placeholders}}`` filled only from the allow-lists in
:mod:`kolgraph.schema`: ``{{label}}``, ``{{start}}``, ``{{end}}`` take node labels,
``{{type}}`` a relationship type, anything else a known property name.

Examples
--------
>>> text = render("upsert_nodes", "falkordb", {"label": "HCP"})
>>> "MERGE (n:HCP {id: row.id})" in text
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from kolgraph import schema
from kolgraph.errors import StatementNotFound, UnknownIdentifier

DIALECTS = ("falkordb", "neo4j")
MODES = ("read", "write")
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_HEADER = re.compile(r"^//\s*(name|dialect|mode):\s*(\S+)\s*$")
_WRITE_CLAUSE = re.compile(
    r"(?<![\w.$`])(CREATE|MERGE|SET|DELETE|REMOVE|DETACH|DROP|FOREACH)(?![\w(`])", re.I
)
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


def write_clauses(cypher: str) -> list[str]:
    """Write clauses in ``cypher``, outside strings, comments and identifiers.

    Examples
    --------
    >>> write_clauses("MATCH (n) WHERE n.created_at > 1 RETURN n.set AS s, 'DELETE' AS t")
    []
    >>> write_clauses("MATCH (n) DETACH DELETE n")
    ['DETACH', 'DELETE']
    """
    lines = _STRING.sub("''", cypher).splitlines()
    code = "\n".join(line for line in lines if not line.lstrip().startswith("//"))
    return [m.group(1).upper() for m in _WRITE_CLAUSE.finditer(code)]


@dataclass(frozen=True)
class Statement:
    """One named block of Cypher, possibly with ``{{placeholders}}``."""

    name: str
    dialect: str | None
    text: str
    source: str
    mode: str = "write"

    @property
    def is_read(self) -> bool:
        """True for a ``// mode: read`` statement."""
        return self.mode == "read"

    @property
    def placeholders(self) -> tuple[str, ...]:
        """Placeholder names in order of first appearance."""
        return tuple(dict.fromkeys(_PLACEHOLDER.findall(self.text)))

    @property
    def parts(self) -> list[str]:
        """The block split into single statements on ``;`` line ends (DDL blocks)."""
        return [part.strip() for part in re.split(r";\s*$", self.text, flags=re.M) if part.strip()]


def _parse(text: str, source: str) -> list[Statement]:
    blocks: list[Statement] = []
    name: str | None = None
    dialect: str | None = None
    mode: str | None = None
    body: list[str] = []

    def flush() -> None:
        if name is None:
            return
        if mode is None:
            raise ValueError(
                f"{source}: statement {name!r} declares no mode; add '// mode: read' or "
                "'// mode: write' after its name line"
            )
        blocks.append(Statement(name, dialect, "\n".join(body).strip(), source, mode))

    for line in text.splitlines():
        header = _HEADER.match(line.strip())
        if header and header.group(1) == "name":
            flush()
            name, dialect, mode, body = header.group(2), None, None, []
        elif header and header.group(1) == "dialect":
            dialect = header.group(2)
            if dialect not in DIALECTS:
                raise ValueError(f"{source}: unknown dialect {dialect!r} for {name}")
        elif header and header.group(1) == "mode":
            mode = header.group(2)
            if mode not in MODES:
                raise ValueError(f"{source}: unknown mode {mode!r} for {name}; use read or write")
        elif name is not None and not line.lstrip().startswith("//"):
            body.append(line)
    flush()
    return blocks


@cache
def all_statements() -> dict[tuple[str, str | None], Statement]:
    """Every statement, keyed by (name, dialect); dialect None means shared."""
    found: dict[tuple[str, str | None], Statement] = {}
    for entry in sorted(resources.files("kolgraph.queries").iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".cypher"):
            continue
        for stmt in _parse(entry.read_text(encoding="utf-8"), entry.name):
            key = (stmt.name, stmt.dialect)
            if key in found:
                raise StatementNotFound(
                    f"statement {stmt.name!r} is defined in both {found[key].source} and "
                    f"{stmt.source}; statement names are global, rename one"
                )
            found[key] = stmt
    return found


def statement_names() -> list[str]:
    """Sorted names of all statements.

    Examples
    --------
    >>> "count_nodes" in statement_names()
    True
    """
    return sorted({name for name, _ in all_statements()})


def get_statement(name: str, dialect: str) -> Statement:
    """The statement ``name`` for ``dialect`` (its own variant, else the shared one)."""
    table = all_statements()
    stmt = table.get((name, dialect)) or table.get((name, None))
    if stmt is None:
        known = ", ".join(statement_names())
        raise StatementNotFound(f"no Cypher statement named {name!r} for {dialect}; known: {known}")
    return stmt


def _check(placeholder: str, value: str) -> str:
    if placeholder in ("label", "start", "end"):
        return schema.check_label(value)
    if placeholder == "type":
        return schema.check_rel_type(value)
    return schema.check_property(value)


def fill(stmt: Statement, identifiers: Mapping[str, str] | None = None) -> str:
    """Fill a statement's placeholders from the allow-lists; refuse anything else."""
    identifiers = identifiers or {}
    missing = [p for p in stmt.placeholders if p not in identifiers]
    if missing:
        raise UnknownIdentifier(f"statement {stmt.name!r} needs {', '.join(missing)}")
    checked = {p: _check(p, identifiers[p]) for p in stmt.placeholders}
    return _PLACEHOLDER.sub(lambda m: checked[m.group(1)], stmt.text)


def render(name: str, dialect: str, identifiers: Mapping[str, str] | None = None) -> str:
    """The Cypher text of ``name`` for ``dialect`` with placeholders filled."""
    return fill(get_statement(name, dialect), identifiers)
