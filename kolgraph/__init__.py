"""kolgraph: a KOL network and influence engine for pharma KOL relationship management."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kolgraph.config import Settings, get_settings
    from kolgraph.errors import (
        ConfigError,
        IngestError,
        KolgraphError,
        ScoringError,
        StatementNotFound,
        StoreError,
        StoreUnavailable,
        UnknownHcp,
        UnknownIdentifier,
    )
    from kolgraph.store import GraphStore, open_store

# Names exported here load their module on first use (PEP 562), so importing one
# submodule (``kolgraph.errors`` for ``kolgraph --help``) does not load pydantic or the
# store client.
_LAZY = {
    "Settings": "config",
    "get_settings": "config",
    "GraphStore": "store",
    "open_store": "store",
    **dict.fromkeys(
        (
            "ConfigError",
            "IngestError",
            "KolgraphError",
            "ScoringError",
            "StatementNotFound",
            "StoreError",
            "StoreUnavailable",
            "UnknownHcp",
            "UnknownIdentifier",
        ),
        "errors",
    ),
}


def __getattr__(name: str) -> Any:
    """``kolgraph.Settings`` and the other exports, imported when first asked for.

    >>> import kolgraph
    >>> kolgraph.StoreError.__module__
    'kolgraph.errors'
    """
    if name not in _LAZY:
        raise AttributeError(f"module 'kolgraph' has no attribute {name!r}")
    value = getattr(import_module(f"kolgraph.{_LAZY[name]}"), name)
    globals()[name] = value
    return value


__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "GraphStore",
    "IngestError",
    "KolgraphError",
    "ScoringError",
    "Settings",
    "StatementNotFound",
    "StoreError",
    "StoreUnavailable",
    "UnknownHcp",
    "UnknownIdentifier",
    "get_settings",
    "open_store",
]
