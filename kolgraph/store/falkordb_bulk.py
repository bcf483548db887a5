"""FalkorDB's bulk insert (``GRAPH.BULK``): nodes and relationships encoded in its binary
format and sent in large commands, with no Cypher to parse or plan per row.

The format is the one the ``falkordb-bulk-loader`` tool sends: per command the counts of
nodes, relationships, label blocks and type blocks, then the blocks. A block starts with
the label (or type) and its property names, each NUL-terminated, then one entry per node
(its property values in that order) or per relationship (the internal ids of its two
nodes as 8-byte integers, then its values). A value is a type byte and its payload:
``0`` null (the property is not set), ``1`` bool, ``2`` double, ``3`` NUL-terminated
UTF-8 string, ``4`` 64-bit integer, ``5`` array (its length, then its values). Nodes get
internal ids 0, 1, 2, ... in the order they are sent, across all commands of one load; the
first command carries ``BEGIN`` and fails if the graph's key exists.

Examples
--------
>>> encode_value("Ann"), encode_value(None), encode_value(True), encode_value(["a"])[:1]
(b'\\x03Ann\\x00', b'\\x00', b'\\x01\\x01', b'\\x05')
>>> len(encode_value(2001)), len(encode_value(0.5))
(9, 9)
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from kolgraph.errors import StoreError
from kolgraph.store.base import Nodes, Relationships
from kolgraph.store.property_table import PropertyTable

MAX_COMMAND_BYTES = 64 * 2**20  # per GRAPH.BULK command (the bulk loader's default buffer)
STRINGS_KEPT = 500_000
"""Encoded strings a load keeps (:class:`_Encoder`) before it starts afresh."""

_NULL = b"\x00"
_TRUE = b"\x01\x01"
_FALSE = b"\x01\x00"
_TAGGED_LONG = struct.Struct("=Bq").pack
_TAGGED_DOUBLE = struct.Struct("=Bd").pack
_ENDS = struct.Struct("=qq").pack


def encode_value(value: Any) -> bytes:
    """One property value in the bulk format; None is "not set".

    Raises
    ------
    StoreError
        For a string holding a NUL character (the format ends strings with one) or a
        value of another type than str, bool, int, float, list or tuple.
    """
    kind = type(value)
    if kind is str:
        if "\x00" in value:
            raise StoreError(f"a NUL character in {value[:40]!r} cannot be bulk loaded")
        return b"\x03" + value.encode() + b"\x00"
    if value is None:
        return _NULL
    if kind is bool:
        return _TRUE if value else _FALSE
    if kind is int:
        return _TAGGED_LONG(4, value)
    if kind is float:
        return _TAGGED_DOUBLE(2, value)
    if kind is list or kind is tuple:
        return _TAGGED_LONG(5, len(value)) + b"".join(map(encode_value, value))
    raise StoreError(f"cannot bulk load a {kind.__name__} property value: {value!r}")


def block_header(name: str, keys: list[str]) -> bytes:
    """A block's label or type and its property names.

    >>> block_header("HCP", ["id"])
    b'HCP\\x00\\x01\\x00\\x00\\x00id\\x00'
    """
    return (
        name.encode()
        + b"\x00"
        + struct.pack("=I", len(keys))
        + b"".join(k.encode() + b"\x00" for k in keys)
    )


def property_keys(table: Mapping[Any, Mapping[str, Any]]) -> list[str]:
    """Every property name used in ``table``, sorted."""
    keys: set[str] = set()
    for props in table.values():
        keys.update(props)
    return sorted(keys)


class _Encoder:
    """Rows of values in the bulk format, each string encoded once per load: a load
    repeats its provenance, roles, methods and names on many rows.

    >>> _Encoder().row(["a", 1, "a"]) == b"".join(map(encode_value, ["a", 1, "a"]))
    True
    """

    def __init__(self, limit: int = STRINGS_KEPT) -> None:
        self.limit = limit
        self.strings: dict[str, bytes] = {}

    def row(self, values: Iterable[Any]) -> bytes:
        """The values one after the other (see :func:`encode_value`)."""
        strings = self.strings
        parts = []
        for value in values:
            if type(value) is str:
                encoded = strings.get(value)
                if encoded is None:
                    if len(strings) >= self.limit:
                        strings.clear()
                    encoded = strings[value] = encode_value(value)
                parts.append(encoded)
            else:
                parts.append(encode_value(value))
        return b"".join(parts)


class _Command:
    """The blocks of one GRAPH.BULK command under construction."""

    def __init__(self) -> None:
        self.nodes = self.relationships = self.size = 0
        self.node_blocks: list[bytes] = []
        self.rel_blocks: list[bytes] = []

    def args(self, begin: bool) -> list[Any]:
        counts = [self.nodes, self.relationships, len(self.node_blocks), len(self.rel_blocks)]
        return (["BEGIN"] if begin else []) + counts + self.node_blocks + self.rel_blocks


def _blocks(
    header: bytes, entries: Iterator[bytes], limit: int
) -> Iterator[tuple[bytes, int, bool]]:
    """Entries joined into blocks of at most about ``limit`` bytes: (block, entries, last)."""
    parts: list[bytes] = []
    size = len(header)
    for entry in entries:
        if parts and size + len(entry) > limit:
            yield header + b"".join(parts), len(parts), False
            parts, size = [], len(header)
        parts.append(entry)
        size += len(entry)
    yield header + b"".join(parts), len(parts), True


def _columns(table: Mapping[Any, Mapping[str, Any]]) -> tuple[list[str], Iterator[tuple[Any, Any]]]:
    """The property names of ``table`` and its (key, values in that order) pairs; a
    :class:`PropertyTable` gives its own lists (shorter ones padded), others are read by name."""
    if isinstance(table, PropertyTable):
        names = list(table.names)
        width = len(names)
        return names, (
            (key, values if len(values) == width else values + [None] * (width - len(values)))
            for key, values in table.rows.items()
        )
    names = property_keys(table)
    return names, ((key, [props.get(n) for n in names]) for key, props in table.items())


def _node_entries(
    label: str,
    rows: Iterator[tuple[Any, Any]],
    internal: dict[str, dict[str, int]],
    first: int,
    encoder: _Encoder,
) -> Iterator[bytes]:
    """Each node's id and values; numbers it in ``internal[label]`` from ``first`` on."""
    numbers = internal.setdefault(label, {})
    row = encoder.row
    for number, (node_id, values) in enumerate(rows, first):
        numbers[node_id] = number
        yield encode_value(node_id) + row(values)


def _rel_entries(
    kind: tuple[str, str, str],
    rows: Iterator[tuple[Any, Any]],
    internal: Mapping[str, Mapping[str, int]],
    encoder: _Encoder,
) -> Iterator[bytes]:
    """Each relationship's two internal node ids and values."""
    start, rel_type, end = kind
    starts, ends_of = internal.get(start, {}), internal.get(end, {})
    row = encoder.row
    for (a, b), values in rows:
        try:
            ends = _ENDS(starts[a], ends_of[b])
        except KeyError as exc:
            raise StoreError(
                f"a {rel_type} relationship from {start} {a!r} to {end} {b!r} names a node "
                "that is not being loaded"
            ) from exc
        yield ends + row(values)


class BulkInsert:
    """One bulk insert, fed in parts: nodes and relationships are encoded as they come and
    sent by ``send(args)`` (one ``GRAPH.BULK <graph> *args`` command) whenever a command
    is full; :meth:`close` sends the rest. A relationship may name any node sent or
    added before it. Node ids are not checked for duplicates (give each node once).

    >>> sent = []
    >>> bulk = BulkInsert(sent.append)
    >>> bulk.add({"HCP": {"hcp:a": {"name": "Ann"}}})
    >>> bulk.add({"Paper": {"p:1": {}}}, {("HCP", "AUTHORED", "Paper"): {("hcp:a", "p:1"): {}}})
    >>> bulk.close(), [args[:5] for args in sent]
    ((2, 1), [['BEGIN', 2, 1, 2, 1]])
    """

    def __init__(
        self, send: Callable[[list[Any]], Any], *, max_bytes: int = MAX_COMMAND_BYTES
    ) -> None:
        self.send = send
        self.max_bytes = max_bytes
        self.internal: dict[str, dict[str, int]] = {}  # label -> node id -> internal id
        self.encoder = _Encoder()
        self.command = _Command()
        self.begin = True
        self.created = (0, 0)

    def add(self, nodes: Nodes, relationships: Relationships | None = None) -> None:
        """Encode ``nodes``, then ``relationships``, into the commands.

        Raises
        ------
        StoreError
            If a relationship names a node not sent or added, a node carries ``id`` among
            its properties, or a value cannot be encoded.
        """
        limit = self.max_bytes // 4
        for label, table in nodes.items():
            if not table:
                continue
            names, rows = _columns(table)
            if "id" in names:
                raise StoreError(
                    f"{label} nodes carry 'id' among their properties; it is their key"
                )
            first = sum(map(len, self.internal.values()))
            entries = _node_entries(label, rows, self.internal, first, self.encoder)
            for block, count, _ in _blocks(block_header(label, ["id", *names]), entries, limit):
                self._block(block, count, True)
        for (start, rel_type, end), rel_table in (relationships or {}).items():
            if not rel_table:
                continue
            names, rel_rows = _columns(rel_table)
            entries = _rel_entries((start, rel_type, end), rel_rows, self.internal, self.encoder)
            for block, count, _ in _blocks(block_header(rel_type, names), entries, limit):
                self._block(block, count, False)

    def close(self) -> tuple[int, int]:
        """Send what is left; the numbers of nodes and relationships created."""
        self._flush()
        return self.created

    def _block(self, block: bytes, count: int, is_node: bool) -> None:
        command = self.command
        if command.size + len(block) > self.max_bytes:
            self._flush()
            command = self.command
        (command.node_blocks if is_node else command.rel_blocks).append(block)
        command.size += len(block)
        if is_node:
            command.nodes += count
        else:
            command.relationships += count

    def _flush(self) -> None:
        command = self.command
        if command.nodes or command.relationships:
            self.send(command.args(self.begin))
            self.created = (
                self.created[0] + command.nodes,
                self.created[1] + command.relationships,
            )
            self.begin = False
        self.command = _Command()


def bulk_insert(
    send: Callable[[list[Any]], Any],
    nodes: Nodes,
    relationships: Relationships,
    *,
    max_bytes: int = MAX_COMMAND_BYTES,
) -> tuple[int, int]:
    """Create ``nodes`` then ``relationships`` in a graph that does not exist yet;
    ``send(args)`` runs one ``GRAPH.BULK <graph> *args`` command. Returns the numbers
    created. Every node is created (ids are not checked for duplicates: the tables are
    keyed by id); a relationship's nodes must be among ``nodes``.

    Raises
    ------
    StoreError
        If a relationship names a node not in ``nodes``, or a value cannot be encoded.
    """
    bulk = BulkInsert(send, max_bytes=max_bytes)
    bulk.add(nodes, relationships)
    return bulk.close()
