"""kolgraph: a KOL network and influence engine for pharma KOL relationship management."""

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
