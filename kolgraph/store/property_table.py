"""Many entities' properties held compactly: one shared list of property names, and per
entity a list of values in that order (None: not set).

A dict per entity costs several times the memory of its values: a million Mentions of 23
properties held as dicts took about 2 GB before a first load wrote them. Read as a
mapping, a :class:`PropertyTable` gives each entity's properties as a dict without the
unset ones, so it can stand wherever a ``{id: {property: value}}`` table is expected
(:meth:`GraphStore.bulk_create`).

Examples
--------
>>> table = PropertyTable(["name", "year"])
>>> table.rows["pmid:1"] = ["On engines", None]
>>> table.merge("pmid:1", {"year": 1843, "pages": 12})
>>> table["pmid:1"], len(table), table.names
({'name': 'On engines', 'year': 1843, 'pages': 12}, 1, ['name', 'year', 'pages'])
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping
from typing import Any


class PropertyTable(Mapping[Hashable, dict[str, Any]]):
    """Entity key -> properties, stored as value lists against :attr:`names`.

    A row may be shorter than :attr:`names` (names added after it was written): the
    missing values are unset."""

    __slots__ = ("_slot", "names", "rows")

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names: list[str] = []
        self._slot: dict[str, int] = {}
        self.rows: dict[Hashable, list[Any]] = {}
        for name in names:
            self.slot(name)

    def slot(self, name: str) -> int:
        """The position of property ``name`` in every row (added when new)."""
        at = self._slot.get(name)
        if at is None:
            at = self._slot[name] = len(self.names)
            self.names.append(name)
        return at

    def row(self, key: Hashable) -> list[Any]:
        """The value list of ``key`` (made empty when absent), as long as :attr:`names`."""
        values = self.rows.get(key)
        if values is None:
            values = self.rows[key] = [None] * len(self.names)
        elif len(values) < len(self.names):
            values.extend([None] * (len(self.names) - len(values)))
        return values

    def merge(self, key: Hashable, props: Mapping[str, Any]) -> None:
        """``SET n += props`` for ``key`` (made when absent); None values are skipped."""
        slots = [(self.slot(name), value) for name, value in props.items() if value is not None]
        values = self.row(key)
        for at, value in slots:
            values[at] = value

    def __getitem__(self, key: Hashable) -> dict[str, Any]:
        return {
            name: value
            for name, value in zip(self.names, self.rows[key], strict=False)
            if value is not None
        }

    def __contains__(self, key: object) -> bool:
        return key in self.rows

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __delitem__(self, key: Hashable) -> None:
        del self.rows[key]

    def pop(self, key: Hashable, default: Any = None) -> Any:
        """Remove ``key``; return its value list, or ``default``."""
        return self.rows.pop(key, default)
