"""Exceptions raised by kolgraph.

* KolgraphError
  + ConfigError
  + StoreError
    - StoreUnavailable
    - StatementNotFound
    - UnknownIdentifier
  + UnknownHcp
  + UnknownObject
  + AccessDenied
    - InvalidApiKey
  + InvalidRequest
  + IngestError
  + ScoringError
  + ExchangeError
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


class UnknownObject(KolgraphError):
    """No plan, community, key or score run matches the given identifier."""


class AccessDenied(KolgraphError):
    """The caller's role or department may not do this."""


class InvalidApiKey(AccessDenied):
    """No key was presented, or the key is unknown or revoked."""


class InvalidRequest(KolgraphError):
    """A request value is wrong; ``field`` names it (dotted path) for the caller."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class IngestError(KolgraphError):
    """A source file cannot be read at all (wrong format, columns or encoding)."""


class ScoringError(KolgraphError):
    """Scoring cannot run on the data in the store."""


class ExchangeError(KolgraphError):
    """An export cannot be written, or an import file is malformed (the message names it)."""


class ComplianceViolation(KolgraphError):
    """An analysis would read data a compliance rule forbids it (e.g. prescribing data
    in speaker selection)."""
