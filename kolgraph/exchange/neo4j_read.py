"""Read a Neo4j bulk-import CSV set: headers, typed values, labels and relationship ends.

Headers follow ``neo4j-admin``: ``name:type`` property columns (type defaults to
``string``), ``prop:ID(Group)`` or ``:ID(Group)``, ``:LABEL``, ``:START_ID(Group)``,
``:END_ID(Group)``, ``:TYPE`` and ``:IGNORE``. A node's label is the first of its
``:LABEL`` values that kolgraph's schema knows, else its ID group; a relationship's
end labels are its ID groups, else looked up among the nodes read.

Examples
--------
>>> column = parse_header_column("influence:double")
>>> column.name, column.role, column.kind
('influence', 'property', 'double')
>>> parse_header_column(":START_ID(HCP)").group
'HCP'
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kolgraph import schema
from kolgraph.errors import ExchangeError, UnknownIdentifier
from kolgraph.exchange.coltypes import parse_value, read_type
from kolgraph.exchange.csvfields import Field, read_rows
from kolgraph.exchange.snapshot import RelKey

_SPECIAL = re.compile(r"^(ID|START_ID|END_ID)(?:\((\w+)\))?$", re.I)


@dataclass(frozen=True)
class Column:
    """One header column: a property with a type, or a special role (id, label, ...)."""

    name: str
    role: str  # property, id, label, start, end, type, ignore
    kind: str = "string"
    group: str | None = None


def parse_header_column(text: str) -> Column:
    """Read one header cell such as ``tags:string[]`` or ``id:ID(HCP)``.

    Raises
    ------
    ValueError
        If the type is unknown.
    """
    name, _, kind = text.strip().partition(":")
    if not kind:
        return Column(name, "property")
    special = _SPECIAL.match(kind)
    if special:
        role = {"ID": "id", "START_ID": "start", "END_ID": "end"}[special.group(1).upper()]
        return Column(name, role, group=special.group(2))
    upper = kind.upper()
    if upper in ("LABEL", "TYPE", "IGNORE"):
        return Column(name, upper.lower())
    return Column(name, "property", read_type(kind))


@dataclass
class CsvFile:
    """One CSV file of the set, its header read and checked."""

    path: Path
    columns: list[Column]
    delimiter: str

    def rows(self) -> Iterator[tuple[int, list[Field]]]:
        """``(line number, fields)`` of every data row."""
        with self.path.open(encoding="utf-8-sig", newline="") as handle:
            for number, row in enumerate(read_rows(handle, source=self.path.name), start=1):
                if number == 1:
                    continue
                if len(row) != len(self.columns):
                    raise ExchangeError(
                        f"{self.path.name}: row {number} has {len(row)} fields, the header "
                        f"{len(self.columns)}; quote fields that contain commas"
                    )
                yield number, row

    def value(self, number: int, column: Column, item: Field) -> Any:
        """``item`` parsed as ``column``'s type; errors name the file, row and column."""
        try:
            return parse_value(item, column.kind, self.delimiter)
        except ValueError as exc:
            raise ExchangeError(
                f"{self.path.name}: row {number}, column {column.name!r} ({column.kind}): {exc}"
            ) from exc

    def properties(self, number: int, row: list[Field]) -> dict[str, Any]:
        """The typed, non-null properties of one row."""
        out = {}
        for column, item in zip(self.columns, row, strict=True):
            if column.role == "property" or (column.role == "id" and column.name):
                value = self.value(number, column, item)
                if value is not None:
                    out[column.name] = value
        return out


@dataclass
class NodeFile(CsvFile):
    """A nodes file; every node has one schema label."""

    label: str = ""

    def records(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """``(id, properties without id)`` per node; the label is checked against the file's."""
        id_col = next(i for i, c in enumerate(self.columns) if c.role == "id")
        label_cols = [i for i, c in enumerate(self.columns) if c.role == "label"]
        for number, row in self.rows():
            node_id = row[id_col].text
            if not node_id:
                raise ExchangeError(f"{self.path.name}: row {number} has no id")
            labels = [
                part for i in label_cols for part in row[i].text.split(self.delimiter) if part
            ]
            if labels and self.label not in labels:
                raise ExchangeError(
                    f"{self.path.name}: row {number} has labels {labels}, not {self.label!r}; "
                    "kolgraph needs one nodes file per label"
                )
            props = self.properties(number, row)
            props.pop("id", None)
            yield node_id, props


@dataclass
class RelationshipFile(CsvFile):
    """A relationships file of one type between one start and one end label."""

    key: RelKey = field(default_factory=lambda: RelKey("", "", ""))
    end_ids: dict[str, set[str]] = field(default_factory=dict)
    """The distinct ids per side (``"start"``, ``"end"``), filled when the file is checked."""

    def records(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """``(start id, end id, properties)`` per relationship."""
        roles = {
            c.role: i for i, c in enumerate(self.columns) if c.role in ("start", "end", "type")
        }
        for number, row in self.rows():
            if "type" in roles and row[roles["type"]].text not in ("", self.key.type):
                raise ExchangeError(
                    f"{self.path.name}: row {number} has type {row[roles['type']].text!r}, not "
                    f"{self.key.type!r}; kolgraph needs one relationships file per type"
                )
            yield row[roles["start"]].text, row[roles["end"]].text, self.properties(number, row)

    def ends(self, side: str) -> set[str]:
        """The distinct start or end ids (read once, after :meth:`check`)."""
        return self.end_ids.get(side, set())


@dataclass
class CsvSet:
    """Every file of an import set, checked; ``ids`` holds the node ids per label."""

    node_files: list[NodeFile]
    relationship_files: list[RelationshipFile]
    ids: dict[str, set[str]]


def _header(path: Path) -> list[Column]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        first = next(read_rows(handle, source=path.name), None)
    if first is None:
        raise ExchangeError(f"{path.name}: the file is empty; it needs a header row")
    try:
        return [parse_header_column(f.text) for f in first]
    except ValueError as exc:
        raise ExchangeError(f"{path.name}: header: {exc}") from exc


def _schema_label(path: Path, candidates: list[str]) -> str:
    for name in candidates:
        if name in schema.NODE_LABELS:
            return name
    raise ExchangeError(
        f"{path.name}: none of the labels {candidates or ['(none)']} is in kolgraph's schema "
        f"({', '.join(sorted(schema.NODE_LABELS))}); rename the label or leave the file out"
    )


def _first_label(path: Path, columns: list[Column], delimiter: str) -> list[str]:
    label_cols = [i for i, c in enumerate(columns) if c.role == "label"]
    probe = CsvFile(path, columns, delimiter)
    for _, row in probe.rows():
        return [part for i in label_cols for part in row[i].text.split(delimiter) if part]
    return []


def _delimiter(directory: Path, given: str | None) -> str:
    if given:
        return given
    manifest = directory / "manifest.json"
    if manifest.exists():
        try:
            return str(json.loads(manifest.read_text(encoding="utf-8"))["array_delimiter"])
        except (ValueError, KeyError) as exc:
            raise ExchangeError(
                f"{manifest}: not a kolgraph manifest ({exc}); "
                "remove it or pass the array delimiter"
            ) from exc
    return ";"


def read_csv_set(directory: Path, *, array_delimiter: str | None = None) -> CsvSet:
    """Open and fully check every ``*.csv`` file of ``directory``.

    Raises
    ------
    ExchangeError
        On the first problem, naming the file (and row and column when it is a value).
    """
    if not directory.is_dir():
        raise ExchangeError(f"{directory} is not a directory; pass the folder of CSV files")
    delimiter = _delimiter(directory, array_delimiter)
    paths = sorted(directory.glob("*.csv"))
    if not paths:
        raise ExchangeError(f"no .csv files in {directory}")
    node_files: list[NodeFile] = []
    rel_files: list[RelationshipFile] = []
    for path in paths:
        columns = _header(path)
        roles = [c.role for c in columns]
        if roles.count("id") == 1:
            group = next(c.group for c in columns if c.role == "id")
            candidates = _first_label(path, columns, delimiter) + ([group] if group else [])
            node_files.append(
                NodeFile(path, columns, delimiter, label=_schema_label(path, candidates))
            )
        elif roles.count("start") == 1 and roles.count("end") == 1:
            rel_files.append(RelationshipFile(path, columns, delimiter))
        else:
            raise ExchangeError(
                f"{path.name}: the header has neither one ':ID' column (nodes) "
                "nor ':START_ID' and ':END_ID' (relationships)"
            )
    ids: dict[str, set[str]] = {}
    for node_file in node_files:
        seen = ids.setdefault(node_file.label, set())
        for node_id, _ in node_file.records():
            seen.add(node_id)
    label_of = {i: label for label, found in ids.items() for i in found}
    checked = [_checked_rel_file(f, label_of) for f in rel_files]
    return CsvSet(node_files, [f for f in checked if f is not None], ids)


def _checked_rel_file(
    rel_file: RelationshipFile, label_of: dict[str, str]
) -> RelationshipFile | None:
    path = rel_file.path
    groups = {c.role: c.group for c in rel_file.columns if c.role in ("start", "end")}
    type_col = next((i for i, c in enumerate(rel_file.columns) if c.role == "type"), None)
    keys: set[RelKey] = set()
    ends: dict[str, set[str]] = {"start": set(), "end": set()}
    index = {c.role: i for i, c in enumerate(rel_file.columns) if c.role in ("start", "end")}
    for number, row in rel_file.rows():
        rel_type = row[type_col].text if type_col is not None else ""
        if not rel_type:
            raise ExchangeError(f"{path.name}: row {number} has no relationship type (:TYPE)")
        found = {}
        for side in ("start", "end"):
            value = row[index[side]].text
            label = groups[side] or label_of.get(value)
            if label is None:
                raise ExchangeError(
                    f"{path.name}: row {number}: {side} id {value!r} is in no "
                    "nodes file; name its ID group in the header, e.g. "
                    f":{side.upper()}_ID(HCP)"
                )
            found[side] = label
            ends[side].add(value)
        keys.add(RelKey(found["start"], rel_type, found["end"]))
        rel_file.properties(number, row)
    if len(keys) > 1:
        raise ExchangeError(
            f"{path.name}: holds {len(keys)} kinds of relationship "
            f"({', '.join(sorted(k.file_stem for k in keys))}); kolgraph needs "
            "one file per type and label pair"
        )
    if not keys:
        return None
    key = keys.pop()
    try:
        schema.check_label(key.start)
        schema.check_label(key.end)
        rel = schema.REL_TYPES[schema.check_rel_type(key.type)]
    except UnknownIdentifier as exc:
        raise ExchangeError(f"{path.name}: {exc}") from exc
    if key.start not in rel.start or key.end not in rel.end:
        raise ExchangeError(
            f"{path.name}: the schema has no {key.type} from {key.start} to "
            f"{key.end} (allowed: {'/'.join(rel.start)} -> {'/'.join(rel.end)})"
        )
    rel_file.key = key
    rel_file.end_ids = ends
    return rel_file
