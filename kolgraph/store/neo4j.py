"""The Neo4j 5 / Aura backend through the official driver."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import neo4j
from neo4j import Driver, GraphDatabase, RoutingControl

from kolgraph import schema
from kolgraph.config import Settings
from kolgraph.errors import StoreError, StoreUnavailable
from kolgraph.store.base import GraphStore


@contextmanager
def _neo4j_errors(uri: str) -> Iterator[None]:
    try:
        yield
    except neo4j.exceptions.AuthError as exc:
        raise StoreUnavailable(
            "Neo4j refused the credentials; check KOLGRAPH_NEO4J_USER and KOLGRAPH_NEO4J_PASSWORD"
        ) from exc
    except neo4j.exceptions.ServiceUnavailable as exc:
        raise StoreUnavailable(
            f"cannot reach Neo4j at {uri}; is it running? (KOLGRAPH_NEO4J_URI)"
        ) from exc
    except neo4j.exceptions.Neo4jError as exc:
        if "TransactionTimedOut" in (exc.code or ""):
            raise StoreUnavailable(
                f"Neo4j did not finish the statement in time ({exc.message}); raise "
                "KOLGRAPH_QUERY_TIMEOUT (KOLGRAPH_API_QUERY_TIMEOUT for the API) if it is just slow"
            ) from exc
        raise StoreError(f"Neo4j refused the statement: {exc.message}") from exc
    except neo4j.exceptions.DriverError as exc:
        raise StoreUnavailable(f"Neo4j driver error talking to {uri}: {exc}") from exc


def driver_from_settings(settings: Settings) -> Driver:
    """A pooled driver for the configured Neo4j (the caller closes it)."""
    password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else ""
    return GraphDatabase.driver(
        settings.neo4j_uri or "", auth=(settings.neo4j_user, password), max_connection_pool_size=50
    )


class Neo4jStore(GraphStore):
    """A graph in Neo4j 5 or Aura. Every statement goes through ``driver.execute_query``, the
    managed, retrying API, routed by the statement's declared ``// mode:``: reads to readers
    in a cluster, writes to the leader.

    Parameters
    ----------
    driver : neo4j.Driver
        Owned by the caller unless ``owns_driver`` is true.
    database : str or None
        The database name; None uses the server's default.
    """

    dialect = "neo4j"

    def __init__(
        self,
        driver: Driver,
        database: str | None = None,
        *,
        uri: str = "",
        owns_driver: bool = False,
        batch_size: int = 5000,
        timeout: float | None = None,
    ) -> None:
        self.driver = driver
        self.database = database
        self.uri = uri
        self.owns_driver = owns_driver
        self.batch_size = batch_size
        self.timeout = timeout
        with _neo4j_errors(uri):
            driver.verify_connectivity()

    @property
    def location(self) -> str:
        return f"{self.uri} (database {self.database or 'default'})"

    def execute(
        self, cypher: str, params: Mapping[str, Any], *, read: bool = False
    ) -> list[dict[str, Any]]:
        routing = RoutingControl.READ if read else RoutingControl.WRITE
        with _neo4j_errors(self.uri):
            records, _, _ = self.driver.execute_query(
                neo4j.Query(cypher, timeout=self.timeout),
                parameters_=dict(params),
                database_=self.database,
                routing_=routing,
            )
        return [record.data() for record in records]

    def apply_schema(self) -> None:
        for label in schema.NODE_LABELS.values():
            self.run("create_unique_id", {"label": label.name})
            for prop in label.indexed:
                self.run("create_index", {"label": label.name, "prop": prop})

    def close(self) -> None:
        if self.owns_driver:
            self.driver.close()
