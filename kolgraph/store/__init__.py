"""Graph stores: one interface (:class:`GraphStore`), two backends."""

from __future__ import annotations

from kolgraph.config import Settings
from kolgraph.store.base import GraphStore, batched
from kolgraph.store.embedded import EmbeddedFalkorDB


def open_store(settings: Settings | None = None, *, start: bool = True) -> GraphStore:
    """Open the configured store; for the embedded default, start its server if needed.

    Parameters
    ----------
    settings : Settings, optional
        Defaults to :func:`kolgraph.get_settings`.
    start : bool, default True
        Start the embedded server when it is not running.

    Raises
    ------
    StoreUnavailable
        If the store cannot be reached (the message says which setting to check).
    """
    from kolgraph.config import get_settings

    settings = settings or get_settings()
    if settings.backend == "neo4j":
        from kolgraph.store.neo4j import Neo4jStore, driver_from_settings

        return Neo4jStore(
            driver_from_settings(settings),
            settings.neo4j_database,
            uri=settings.neo4j_uri or "",
            owns_driver=True,
            batch_size=settings.batch_size,
            timeout=settings.query_timeout,
        )
    from kolgraph.errors import StoreUnavailable
    from kolgraph.store.falkordb import FalkorDBStore

    server = EmbeddedFalkorDB(
        settings.data_dir,
        appendfsync=settings.appendfsync,
        startup_timeout=settings.startup_timeout,
    )
    if start:
        server.start()
    elif not server.is_running():
        raise StoreUnavailable(
            f"no embedded FalkorDB is running for {settings.data_dir}; run 'kolgraph init'"
        )
    return FalkorDBStore(
        server, settings.graph_name, batch_size=settings.batch_size, timeout=settings.query_timeout
    )


__all__ = ["EmbeddedFalkorDB", "GraphStore", "batched", "open_store"]
