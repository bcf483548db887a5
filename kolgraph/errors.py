"""Exceptions raised by kolgraph.

* KolgraphError
  + ConfigError
  + StoreError
    - StoreUnavailable
    - StatementNotFound
    - UnknownIdentifier
  + UnknownHcp
  + IngestError
  + ScoringError
"""

from __future__ import annotations


class KolgraphError(Exception):
    """Base class: catch this to handle any kolgraph failure."""


class ConfigError(KolgraphError):
    """The configuration is incomplete or contradicts itself."""


class StoreError(KolgraphError):
    """The graph store refused or failed a statement."""


class StoreUnavailable(StoreError):
    """The graph store cannot be reached or started."""


class StatementNotFound(StoreError):
    """A named Cypher statement does not exist in ``kolgraph.queries``."""


class UnknownIdentifier(StoreError):
    """A label or relationship type is not in the schema's allow-list."""


class UnknownHcp(KolgraphError):
    """No physician matches the given identifier."""


class IngestError(KolgraphError):
    """A source file cannot be read at all (wrong format, columns or encoding)."""


class ScoringError(KolgraphError):
    """Scoring cannot run on the data in the store."""
