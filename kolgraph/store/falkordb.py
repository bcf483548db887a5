"""The FalkorDB backend: kolgraph's named statements over FalkorDB's native protocol."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
import redis
from falkordb import FalkorDB
from falkordb.edge import Edge
from falkordb.node import Node
from redis.connection import PythonRespSerializer

from kolgraph import schema
from kolgraph.errors import StoreError, StoreUnavailable
from kolgraph.store import statements
from kolgraph.store.base import BulkSession, GraphStore, Nodes, Relationships
from kolgraph.store.embedded import EmbeddedFalkorDB
from kolgraph.store.falkordb_bulk import BulkInsert

logger = logging.getLogger(__name__)
_SEPARATE_BYTES = 1 << 16  # bulk command arguments from this size are sent uncopied

CommandObserver = Callable[[str, Mapping[str, Any], float], None]
"""Called after each statement sent: the query text and parameters as sent, and seconds taken.

The text carries the parameters in its ``CYPHER`` header when kolgraph encoded them (the
parameters passed are then empty); ``execute(text, params)`` sends the same statement again.
"""


_JSON_KEY = re.compile(r'[{,]"((?:[^"\\]|\\.)*)":')
_PLAIN_KEY = re.compile(r'([{,])"(\w+)":')
_JSON = orjson.OPT_SERIALIZE_NUMPY  # numpy arrays and scalars as plain numbers


def params_header(params: Mapping[str, Any]) -> str | None:
    """The ``CYPHER name=value ...`` header for ``params``, encoded at C speed.

    JSON's string escapes (``\\n``, ``\\"``, ``\\\\`` ...) are valid in FalkorDB's Cypher
    literals, so parameters go through ``orjson`` with map keys turned into backticked
    identifiers (NaN and infinities become null, as the store keeps no NaN). Returns None
    when a value needs the client's slower encoder: a raw control character (JSON writes
    ``\\u00XX``, which FalkorDB keeps literally), an integer beyond 64 bits, a type JSON
    has no form for, or a map key that is not a plain identifier.

    Examples
    --------
    >>> params_header({"rows": [{"id": "a", "props": {"name": 'Ann "A" Lee', "n": None}}]})
    'CYPHER rows=[{`id`:"a",`props`:{`name`:"Ann \\\\"A\\\\" Lee",`n`:null}}] '
    >>> params_header({"x": "bell\\x07"}) is None
    True
    """
    parts = []
    for name, value in params.items():
        if not name.isidentifier():
            return None
        try:
            text = orjson.dumps(value, option=_JSON).decode()
        except TypeError:  # orjson's errors are TypeErrors
            return None
        if "\\u00" in text:
            return None
        # A quote inside a JSON string is always escaped, so '{"k":' and ',"k":' can only
        # start a map entry. Split around each plain key (in C), backtick the keys, join.
        # Without '":' there is no map (rows written as lists).
        if '":' in text:
            pieces = _PLAIN_KEY.split(text)  # text, separator, key, text, separator, key ...
            pieces[2::3] = map("`{}`:".format, pieces[2::3])
            text = "".join(pieces)
            if _JSON_KEY.search(text):  # a key left quoted is not a plain identifier
                return None
        parts.append(f"{name}={text}")
    return "CYPHER " + " ".join(parts) + " "


def _plain(value: Any) -> Any:
    if isinstance(value, (Node, Edge)):
        return dict(value.properties)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class FalkorDBStore(GraphStore):
    """A graph in a FalkorDB server, normally the embedded one.

    Parameters
    ----------
    server : EmbeddedFalkorDB
        The server to talk to; it is restarted once if it died under us.
    graph : str
        The graph's key in the server.
    timeout : float, optional
        Seconds to wait for one statement's answer; past it the server counts as hung
        and :class:`StoreUnavailable` is raised. None waits for ever.
    """

    dialect = "falkordb"
    packs_text = True  # every parameter is parsed as Cypher text: long text goes compressed
    answers_whole = True

    def __init__(
        self,
        server: EmbeddedFalkorDB,
        graph: str = "kolgraph",
        batch_size: int = 5000,
        timeout: float | None = None,
    ):
        self.server = server
        self.graph_name = graph
        self.batch_size = batch_size
        self.timeout = timeout
        self.observers: list[CommandObserver] = []
        self._connect()

    def _connect(self) -> None:
        self._db = FalkorDB(
            unix_socket_path=str(self.server.socket_path), socket_timeout=self.timeout
        )
        self._graph = self._db.select_graph(self.graph_name)

    @property
    def location(self) -> str:
        return f"falkordb+unix://{self.server.socket_path} (data dir {self.server.data_dir})"

    @property
    def data_dir(self) -> Path:
        """The embedded server's data directory."""
        return Path(self.server.data_dir)

    def execute(
        self, cypher: str, params: Mapping[str, Any], *, read: bool = False
    ) -> list[dict[str, Any]]:
        return self._guarded(lambda: self._query(cypher, params))

    def columns(
        self,
        name: str,
        kinds: Mapping[str, type],
        template: Mapping[str, str] | None = None,
        /,
        **params: Any,
    ) -> dict[str, list[Any]]:
        """As :meth:`GraphStore.columns`, from FalkorDB's plain (non-compact) reply.

        That reply carries scalars as text (``"true"``, doubles to 15 significant digits),
        which the C reply parser turns into Python strings and integers at once; ``kinds``
        types them. About 8x less client time than the compact reply for 300k short rows.
        """
        stmt = statements.get_statement(name, self.dialect)
        header = params_header(params) if params else ""
        if not stmt.is_read or header is None:
            return super().columns(name, kinds, template, **params)
        text = header + statements.fill(stmt, template)
        reply = self._guarded(lambda: self._plain_reply(text))
        if not reply or len(reply) < 3:  # no RETURN
            return {column: [] for column in kinds}
        at = {str(c): i for i, c in enumerate(reply[0])}
        table = list(zip(*reply[1], strict=True)) if reply[1] else [()] * len(at)
        out: dict[str, list[Any]] = {}
        for column, kind in kinds.items():
            values = list(table[at[column]])
            if kind is object:
                out[column] = values
            elif kind is bool:
                out[column] = [None if v is None else v == "true" for v in values]
            elif kind is str:
                out[column] = [v if v is None or type(v) is str else str(v) for v in values]
            else:
                out[column] = [None if v is None else kind(v) for v in values]
        return out

    def _plain_reply(self, text: str) -> list[Any]:
        started = time.perf_counter()
        try:
            return self._db.connection.execute_command("GRAPH.RO_QUERY", self.graph_name, text)
        except redis.ResponseError as exc:
            raise StoreError(f"FalkorDB refused the statement: {exc}") from exc
        finally:
            for observer in self.observers:
                observer(text, {}, time.perf_counter() - started)

    def _guarded(self, call: Callable[[], Any]) -> Any:
        """``call()`` with the client's errors turned into kolgraph's (restarting a dead server)."""
        try:
            return call()
        except redis.BusyLoadingError as exc:  # replaying the append-only file after a restart
            raise StoreUnavailable(
                "FalkorDB is loading its data after a restart; retry in a few seconds"
            ) from exc
        except redis.TimeoutError as exc:  # redis-py drops that connection: no late answer
            raise StoreUnavailable(
                f"FalkorDB did not answer within {self.timeout:g} s; it may be overloaded or "
                f"stalled (see {self.server.log_file}); raise KOLGRAPH_QUERY_TIMEOUT "
                "(KOLGRAPH_API_QUERY_TIMEOUT for the API) if the statement is just slow"
            ) from exc
        except (redis.ConnectionError, OSError) as exc:
            if self.server.is_running():
                raise StoreUnavailable(f"lost the connection to FalkorDB: {exc}") from exc
            logger.warning("embedded FalkorDB is down; restarting it from %s", self.server.data_dir)
            self.server.start()
            self._connect()
            try:
                return call()
            except (redis.ConnectionError, OSError) as again:
                raise StoreUnavailable(
                    f"the embedded FalkorDB server at {self.server.socket_path} is down and did "
                    f"not come back; see {self.server.log_file} or run 'kolgraph status'"
                ) from again

    def observe(self, observer: CommandObserver) -> None:
        """Call ``observer(text, params, seconds)`` after every statement this store sends.

        For counting statements, timing them or recording them to replay later with
        ``execute(text, params)``.
        """
        self.observers.append(observer)

    def _query(self, cypher: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        header = params_header(params) if params else ""
        started = time.perf_counter()
        try:
            if header is None:
                result = self._graph.query(cypher, dict(params))
            else:
                result = self._graph.query(header + cypher)
        except redis.ResponseError as exc:
            raise StoreError(f"FalkorDB refused the statement: {exc}") from exc
        finally:
            if self.observers:
                seconds = time.perf_counter() - started
                sent = (cypher, dict(params)) if header is None else (header + cypher, {})
                for observer in self.observers:
                    observer(*sent, seconds)
        if not result.header:
            return []
        names = [column[1] if isinstance(column, list) else column for column in result.header]
        names = [n.decode() if isinstance(n, bytes) else str(n) for n in names]
        return [
            dict(zip(names, (_plain(v) for v in row), strict=True)) for row in result.result_set
        ]

    def apply_schema(self) -> None:
        existing = self._existing_indexes()
        held = {r["label"] for r in self.run("list_labels")} & schema.NODE_LABELS.keys()
        sizes = {label: int(self.run("count_label", {"label": label})[0]["n"]) for label in held}
        # An index on a label holding nodes is built in the background, and every index
        # statement after it waits for the graph meanwhile: empty labels first, then by size.
        for label in sorted(schema.NODE_LABELS.values(), key=lambda lab: sizes.get(lab.name, 0)):
            wanted = [("create_unique_id", "id"), *(("create_index", p) for p in label.indexed)]
            for statement, prop in wanted:
                if (label.name, prop) in existing:
                    continue
                template = {"label": label.name} | (
                    {"prop": prop} if statement == "create_index" else {}
                )
                self.run(statement, template)
            self._unique_constraint(label.name)

    def _existing_indexes(self) -> set[tuple[str, str]]:
        rows = self._graph.query("CALL db.indexes()").result_set
        return {(row[0], prop) for row in rows for prop in row[1]}

    def _unique_constraint(self, label: str) -> None:
        try:
            self._db.connection.execute_command(
                "GRAPH.CONSTRAINT",
                "CREATE",
                self.graph_name,
                "UNIQUE",
                "NODE",
                label,
                "PROPERTIES",
                1,
                "id",
            )
        except redis.ResponseError as exc:
            if "already exists" not in str(exc).lower():
                raise StoreError(
                    f"cannot create the uniqueness constraint on {label}.id: {exc}"
                ) from exc

    def compact_persistence(self, *, force: bool = False) -> bool:
        """Rewrite the embedded server's append-only file in the background if it has
        grown much since its last rewrite (see :meth:`EmbeddedFalkorDB.compact_log`), or
        in any case with ``force``."""
        try:
            if force:
                return self.server.compact_log(min_bytes=0, growth=0.0)
            return self.server.compact_log()
        except StoreUnavailable as exc:  # the data is safe either way; a restart is slower
            logger.warning("the append-only file was not rewritten: %s", exc)
            return False

    @contextmanager
    def bulk_session(self) -> Iterator[BulkSession]:
        """As :meth:`GraphStore.bulk_session`, through FalkorDB's bulk insert
        (``GRAPH.BULK``, see :mod:`kolgraph.store.falkordb_bulk`) into this graph, which
        must hold no node. Each part is encoded when given and sent once a command is full,
        the next encoded while the server takes it.

        The bulk insert builds a new graph: the empty one (its indexes and constraints) is
        deleted first and the schema applied again when the session ends.

        Raises
        ------
        StoreError
            If the graph holds nodes, or the server refuses a command (the graph then holds
            what the commands before it created).
        """
        held = self.node_total()
        if held:
            raise StoreError(
                f"the bulk insert loads only into an empty graph; {self.graph_name} holds "
                f"{held:,} nodes"
            )
        connection = self._db.connection
        sender = ThreadPoolExecutor(1, thread_name_prefix="bulk-insert")
        in_flight: list[Future[None]] = []

        def run(args: list[Any]) -> None:
            started = time.perf_counter()
            pool = connection.connection_pool
            link = pool.get_connection()
            try:
                # redis-py's Python packer hands each large block to the socket as it is;
                # the connection's own (hiredis) copies the whole command into one buffer
                packer = PythonRespSerializer(_SEPARATE_BYTES, link.encoder.encode)
                link.send_packed_command(packer.pack("GRAPH.BULK", self.graph_name, *args))
                link.read_response()
            except redis.ResponseError:
                raise
            except BaseException:
                link.disconnect()  # a command half sent leaves the link unusable
                raise
            finally:
                pool.release(link)
            for observer in self.observers:
                observer("GRAPH.BULK", {"commands": 1}, time.perf_counter() - started)

        def send(args: list[Any]) -> None:
            """One command at a time, the next encoded while the server takes this one."""
            while in_flight:
                in_flight.pop().result()
            in_flight.append(sender.submit(run, args))

        try:
            connection.execute_command("GRAPH.DELETE", self.graph_name)
        except redis.ResponseError as exc:
            if "empty key" not in str(exc).lower() and "invalid graph" not in str(exc).lower():
                raise StoreError(
                    f"cannot replace the empty graph {self.graph_name}: {exc}"
                ) from exc
        session = _BulkInsertSession(BulkInsert(send))
        try:
            yield session
            session.close()
            while in_flight:
                in_flight.pop().result()
        except redis.ResponseError as exc:
            raise StoreError(f"FalkorDB refused the bulk insert: {exc}") from exc
        finally:
            sender.shutdown(wait=True)
            self._graph = self._db.select_graph(self.graph_name)
            self.apply_schema()

    def close(self) -> None:
        try:
            self._db.connection.close()
        except Exception:  # noqa: BLE001 - closing a dead connection must not fail
            pass


@contextmanager
def scratch_graph(server: EmbeddedFalkorDB, prefix: str = "scratch") -> Iterator[FalkorDBStore]:
    """A fresh, uniquely named graph on ``server`` with the schema applied; deleted on exit.

    For tests, benchmarks and notebooks that need an isolated graph on a shared server.

    Examples
    --------
    .. code-block:: python

        with scratch_graph(server, "trial") as store:
            store.upsert_nodes("HCP", [{"id": "npi:1", "props": {}}])
    """
    store = FalkorDBStore(server, graph=f"{prefix}_{uuid.uuid4().hex[:12]}")
    store.apply_schema()
    try:
        yield store
    finally:
        store.clear()
        store.close()


class _BulkInsertSession(BulkSession):
    """A :class:`BulkSession` over one :class:`BulkInsert`."""

    def __init__(self, bulk: BulkInsert) -> None:
        self.bulk = bulk

    def create(
        self,
        nodes: Nodes,
        relationships: Relationships | None = None,
    ) -> None:
        self.bulk.add(nodes, relationships)
        self.created = self.bulk.created

    def close(self) -> None:
        self.created = self.bulk.close()
